/* kernel/proc/platform_kernel_wasi.c — include/walos/platform.h's WASI section for the kernel, and
 * the kernel objects behind handles (contract in kernel/proc/handle.h).
 *
 * Below: the VFS (kernel/fs/vfs.h; its errors are WASI errno values already), the serial port and
 * PS/2 keyboard (input), the framebuffer console (output), the timer and RTC (clocks), RDRAND.
 * Above: wasi/, which calls these for the current process (kernel/proc/proc.h). A call that cannot
 * complete calls proc_block_until and returns PLAT_WOULD_BLOCK; the scheduler parks the process and
 * the engine retries the call later. Sockets are KOBJ_SOCK objects whose calls live in
 * platform_kernel_sock.c (kernel/proc/platform_kernel_sock.h); plat_poll holds the network lock
 * while it looks, so a socket's wake-up cannot slip between the look and the park. */
#include <walos/platform.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/drivers/ps2.h"
#include "kernel/drivers/serial.h"
#include "kernel/fs/vfs.h"
#include "kernel/gfx/console.h"
#include "kernel/mm/heap.h"
#include "kernel/net/netif_kernel.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/platform_kernel_sock.h"
#include "kernel/proc/proc.h"

enum kobj_type { KOBJ_FILE = 1, KOBJ_DIR, KOBJ_CONSOLE, KOBJ_PIPE_READ, KOBJ_PIPE_WRITE, KOBJ_SOCK };

struct pipe {
    uint8_t buf[HANDLE_PIPE_BYTES];
    uint32_t head, len;        /* ring: len bytes from head */
    uint32_t readers, writers; /* open ends */
};

struct kobj {
    enum kobj_type type;
    uint32_t refs;
    uint16_t fdflags;          /* WASI_FDFLAG_* */
    struct vfs_file *file;     /* KOBJ_FILE */
    struct vfs_node *dir;      /* KOBJ_DIR (one reference) */
    struct pipe *pipe;         /* KOBJ_PIPE_* */
    struct ksock *sock;        /* KOBJ_SOCK (owned: closed with the last reference) */
};

#define INPUT_BYTES 256

static struct {
    struct kobj *kernel_handles[PROC_HANDLES]; /* the table used outside any process */
    uint8_t input[INPUT_BYTES];                /* console input ring */
    uint32_t in_head, in_len;
    uint64_t rand_state;                       /* fallback generator */
    unsigned long interrupts;                  /* Ctrl-C bytes received */
} pk;

/* ---- objects and tables ---------------------------------------------------------------------- */

static struct kobj **table_of(struct proc *p) { return p ? p->handles : pk.kernel_handles; }

static struct kobj *lookup(plat_handle h)
{
    if (h < 0 || h >= PROC_HANDLES)
        return NULL;
    return table_of(proc_current())[h];
}

static struct kobj *kobj_new(enum kobj_type type)
{
    struct kobj *o = kzalloc(sizeof *o);
    if (o) {
        o->type = type;
        o->refs = 1;
    }
    return o;
}

static void kobj_put(struct kobj *o)
{
    if (!o || --o->refs)
        return;
    switch (o->type) {
    case KOBJ_FILE: vfs_close(o->file); break;
    case KOBJ_DIR: vfs_node_release(o->dir); break;
    case KOBJ_PIPE_READ:
    case KOBJ_PIPE_WRITE:
        if (o->type == KOBJ_PIPE_READ)
            o->pipe->readers--;
        else
            o->pipe->writers--;
        if (!o->pipe->readers && !o->pipe->writers)
            kfree(o->pipe);
        proc_event(); /* a blocked peer sees the end */
        break;
    case KOBJ_SOCK: ksock_close(o->sock); break;
    default: break;
    }
    kfree(o);
}

static plat_handle install(struct proc *p, struct kobj *o)
{
    struct kobj **t = table_of(p);
    for (int i = 0; i < PROC_HANDLES; i++)
        if (!t[i]) {
            t[i] = o;
            return i;
        }
    return PLAT_NO_HANDLE;
}

static int install_out(struct kobj *o, plat_handle *out)
{
    plat_handle h = install(proc_current(), o);
    if (h < 0) {
        kobj_put(o);
        return WASI_EMFILE;
    }
    *out = h;
    return WASI_ESUCCESS;
}

plat_handle handle_console(struct proc *p)
{
    struct kobj *o = kobj_new(KOBJ_CONSOLE);
    plat_handle h = o ? install(p, o) : PLAT_NO_HANDLE;
    if (o && h < 0)
        kobj_put(o);
    return h;
}

plat_handle handle_open_dir(struct proc *p, const char *path)
{
    struct vfs_node *root = vfs_root(), *node = NULL;
    if (!root)
        return PLAT_NO_HANDLE;
    int err = vfs_resolve(root, path, &node);
    vfs_node_release(root);
    if (err)
        return PLAT_NO_HANDLE;
    struct kobj *o = node->type == VFS_DIR ? kobj_new(KOBJ_DIR) : NULL;
    if (!o) {
        vfs_node_release(node);
        return PLAT_NO_HANDLE;
    }
    o->dir = node;
    plat_handle h = install(p, o);
    if (h < 0)
        kobj_put(o);
    return h;
}

plat_handle handle_open_log(struct proc *p, const char *path)
{
    struct vfs_node *dir = vfs_root(), *next = NULL;
    struct vfs_file *f = NULL;
    if (!dir || path[0] != '/')
        goto fail;
    const char *s = path + 1;
    for (;;) {
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (!len)
            goto fail;
        int err = vfs_lookup(dir, s, len, &next);
        if (err == FS_ENOENT)
            err = *e ? vfs_mkdir(dir, s, len, &next) : vfs_create(dir, s, len, &next);
        if (err)
            goto fail;
        vfs_node_release(dir);
        dir = next;
        next = NULL;
        if (!*e)
            break;
        s = e + 1;
    }
    if (dir->type != VFS_FILE || vfs_open(dir, VFS_O_WRITE | VFS_O_APPEND, &f) != FS_OK)
        goto fail;
    vfs_node_release(dir);
    struct kobj *o = kobj_new(KOBJ_FILE);
    if (!o) {
        vfs_close(f);
        return PLAT_NO_HANDLE;
    }
    o->file = f;
    o->fdflags = WASI_FDFLAG_APPEND;
    plat_handle h = install(p, o);
    if (h < 0)
        kobj_put(o);
    return h;
fail:
    vfs_node_release(dir);
    return PLAT_NO_HANDLE;
}

plat_handle handle_dup(struct proc *to, struct proc *from, plat_handle h)
{
    if (h < 0 || h >= PROC_HANDLES || !table_of(from)[h])
        return PLAT_NO_HANDLE;
    struct kobj *o = table_of(from)[h];
    plat_handle nh = install(to, o);
    if (nh >= 0)
        o->refs++;
    return nh;
}

void handle_close(struct proc *p, plat_handle h)
{
    if (h < 0 || h >= PROC_HANDLES)
        return;
    struct kobj *o = table_of(p)[h];
    table_of(p)[h] = NULL;
    kobj_put(o);
}

int handle_pipe(struct proc *p, plat_handle *rd_out, plat_handle *wr_out)
{
    struct pipe *pp = kzalloc(sizeof *pp);
    struct kobj *r = kobj_new(KOBJ_PIPE_READ), *w = kobj_new(KOBJ_PIPE_WRITE);
    if (!pp || !r || !w) {
        kfree(pp);
        kfree(r);
        kfree(w);
        return WASI_ENOMEM;
    }
    r->pipe = w->pipe = pp;
    pp->readers = pp->writers = 1;
    *rd_out = install(p, r);
    *wr_out = *rd_out >= 0 ? install(p, w) : PLAT_NO_HANDLE;
    if (*wr_out < 0) {
        if (*rd_out >= 0)
            table_of(p)[*rd_out] = NULL;
        kobj_put(r);
        kobj_put(w);
        return WASI_EMFILE;
    }
    return WASI_ESUCCESS;
}

int handle_sock_install(struct proc *p, struct ksock *k, uint16_t fdflags, plat_handle *out)
{
    struct kobj *o = kobj_new(KOBJ_SOCK);
    if (!o) {
        ksock_close(k);
        return WASI_ENOMEM;
    }
    o->sock = k;
    o->fdflags = fdflags & WASI_FDFLAG_NONBLOCK;
    plat_handle h = install(p, o);
    if (h < 0) {
        kobj_put(o);
        return WASI_EMFILE;
    }
    *out = h;
    return WASI_ESUCCESS;
}

void handle_sock_set_flags(struct proc *p, plat_handle h, uint16_t fdflags)
{
    struct kobj *o = h >= 0 && h < PROC_HANDLES ? table_of(p)[h] : NULL;
    if (o && o->type == KOBJ_SOCK)
        o->fdflags = fdflags & WASI_FDFLAG_NONBLOCK;
}

int handle_sock_get(plat_handle h, struct ksock **k_out, uint16_t *fdflags_out)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_SOCK)
        return WASI_ENOTSOCK;
    *k_out = o->sock;
    *fdflags_out = o->fdflags;
    return WASI_ESUCCESS;
}

struct vfs_node *handle_dir_node(struct proc *p, plat_handle h)
{
    if (h < 0 || h >= PROC_HANDLES || !table_of(p)[h] || table_of(p)[h]->type != KOBJ_DIR)
        return NULL;
    return table_of(p)[h]->dir;
}

void handle_close_all(struct proc *p)
{
    struct kobj **t = table_of(p);
    for (int i = 0; i < PROC_HANDLES; i++) {
        struct kobj *o = t[i];
        t[i] = NULL;
        kobj_put(o);
    }
}

bool handle_console_pump(void)
{
    bool got = false;
    for (;;) {
        int c = serial_getc();
        if (c < 0)
            c = ps2_getc();
        if (c < 0)
            return got;
        got = true;
        if (c == 0x03)
            pk.interrupts++;
        if (pk.in_len < INPUT_BYTES) /* a full ring drops input: nobody reads the console */
            pk.input[(pk.in_head + pk.in_len++) % INPUT_BYTES] = (uint8_t)c;
    }
}

bool handle_console_has_input(void) { return pk.in_len > 0; }

unsigned long handle_console_interrupts(void) { return pk.interrupts; }

/* ---- reading and writing --------------------------------------------------------------------- */

static int would_block(const struct kobj *o)
{
    if (o->fdflags & WASI_FDFLAG_NONBLOCK)
        return WASI_EAGAIN;
    proc_block_until(PROC_NO_DEADLINE);
    return PLAT_WOULD_BLOCK;
}

size_t handle_console_take(void *buf, size_t len)
{
    bool on = irq_save();
    handle_console_pump();
    size_t n = 0;
    for (; n < len && pk.in_len; n++) {
        ((uint8_t *)buf)[n] = pk.input[pk.in_head];
        pk.in_head = (pk.in_head + 1) % INPUT_BYTES;
        pk.in_len--;
    }
    irq_restore(on);
    return n;
}

static int console_read(struct kobj *o, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        size_t got = handle_console_take(iov[i].buf, iov[i].len);
        n += got;
        if (got < iov[i].len)
            break;
    }
    *n_out = n;
    bool want = false;
    for (size_t i = 0; i < count; i++)
        want |= iov[i].len > 0;
    return n || !want ? WASI_ESUCCESS : would_block(o);
}

void handle_console_out(const void *buf, size_t len)
{
    serial_write(buf, len);
    console_write(buf, len);
}

static int pipe_read(struct kobj *o, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    struct pipe *p = o->pipe;
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < iov[i].len && p->len; j++, n++) {
            ((uint8_t *)iov[i].buf)[j] = p->buf[p->head];
            p->head = (p->head + 1) % HANDLE_PIPE_BYTES;
            p->len--;
        }
    *n_out = n;
    bool want = false;
    for (size_t i = 0; i < count; i++)
        want |= iov[i].len > 0;
    if (n)
        proc_event(); /* a writer may have room now */
    if (n || !want || !p->writers)
        return WASI_ESUCCESS; /* no writer left: end of file */
    return would_block(o);
}

static int pipe_write(struct kobj *o, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    struct pipe *p = o->pipe;
    *n_out = 0;
    if (!p->readers)
        return WASI_EPIPE;
    size_t n = 0;
    bool want = false;
    for (size_t i = 0; i < count; i++) {
        want |= iov[i].len > 0;
        for (size_t j = 0; j < iov[i].len && p->len < HANDLE_PIPE_BYTES; j++, n++)
            p->buf[(p->head + p->len++) % HANDLE_PIPE_BYTES] = ((const uint8_t *)iov[i].buf)[j];
    }
    *n_out = n;
    if (n)
        proc_event();
    return n || !want ? WASI_ESUCCESS : would_block(o);
}

int plat_fd_read(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    struct kobj *o = lookup(h);
    *n_out = 0;
    if (!o)
        return WASI_EBADF;
    switch (o->type) {
    case KOBJ_CONSOLE: return console_read(o, iov, count, n_out);
    case KOBJ_PIPE_READ: return pipe_read(o, iov, count, n_out);
    case KOBJ_SOCK: return ksock_read(o->sock, o->fdflags, iov, count, n_out);
    case KOBJ_FILE:
        for (size_t i = 0; i < count; i++) {
            size_t done = 0;
            int err = vfs_read(o->file, iov[i].buf, iov[i].len, &done);
            if (err)
                return *n_out ? WASI_ESUCCESS : err;
            *n_out += done;
            if (done < iov[i].len)
                break;
        }
        return WASI_ESUCCESS;
    case KOBJ_DIR: return WASI_EISDIR;
    default: return WASI_EBADF;
    }
}

int plat_fd_write(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    struct kobj *o = lookup(h);
    *n_out = 0;
    if (!o)
        return WASI_EBADF;
    switch (o->type) {
    case KOBJ_CONSOLE:
        for (size_t i = 0; i < count; i++) {
            handle_console_out(iov[i].buf, iov[i].len);
            *n_out += iov[i].len;
        }
        return WASI_ESUCCESS;
    case KOBJ_PIPE_WRITE: return pipe_write(o, iov, count, n_out);
    case KOBJ_SOCK: return ksock_write(o->sock, o->fdflags, iov, count, n_out);
    case KOBJ_FILE:
        for (size_t i = 0; i < count; i++) {
            size_t done = 0;
            int err = vfs_write(o->file, iov[i].buf, iov[i].len, &done);
            *n_out += done;
            if (err)
                return *n_out ? WASI_ESUCCESS : err;
        }
        return WASI_ESUCCESS;
    case KOBJ_DIR: return WASI_EISDIR;
    default: return WASI_EBADF;
    }
}

int plat_fd_pread(plat_handle h, const struct plat_iovec *iov, size_t count, uint64_t offset,
                  size_t *n_out)
{
    struct kobj *o = lookup(h);
    *n_out = 0;
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_FILE)
        return o->type == KOBJ_DIR ? WASI_EISDIR : WASI_ESPIPE;
    for (size_t i = 0; i < count; i++) {
        size_t done = 0;
        int err = vfs_pread(o->file, offset + *n_out, iov[i].buf, iov[i].len, &done);
        if (err)
            return *n_out ? WASI_ESUCCESS : err;
        *n_out += done;
        if (done < iov[i].len)
            break;
    }
    return WASI_ESUCCESS;
}

int plat_fd_pwrite(plat_handle h, const struct plat_iovec *iov, size_t count, uint64_t offset,
                   size_t *n_out)
{
    struct kobj *o = lookup(h);
    *n_out = 0;
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_FILE)
        return o->type == KOBJ_DIR ? WASI_EISDIR : WASI_ESPIPE;
    for (size_t i = 0; i < count; i++) {
        size_t done = 0;
        int err = vfs_pwrite(o->file, offset + *n_out, iov[i].buf, iov[i].len, &done);
        *n_out += done;
        if (err)
            return *n_out ? WASI_ESUCCESS : err;
    }
    return WASI_ESUCCESS;
}

int plat_fd_seek(plat_handle h, int64_t offset, uint8_t whence, uint64_t *pos_out)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_FILE)
        return o->type == KOBJ_DIR ? WASI_EISDIR : WASI_ESPIPE;
    if (whence > VFS_SEEK_END)
        return WASI_EINVAL;
    return vfs_seek(o->file, offset, (enum vfs_whence)whence, pos_out);
}

static uint8_t filetype_of(enum vfs_type t)
{
    return t == VFS_DIR       ? WASI_FILETYPE_DIRECTORY
         : t == VFS_CHARDEV   ? WASI_FILETYPE_CHARACTER_DEVICE
         : t == VFS_SYMLINK   ? WASI_FILETYPE_SYMBOLIC_LINK
                              : WASI_FILETYPE_REGULAR_FILE;
}

static void stat_from_vfs(const struct vfs_stat *st, struct plat_filestat *out)
{
    out->dev = st->dev;
    out->ino = st->ino;
    out->filetype = filetype_of(st->type);
    out->nlink = st->nlink;
    out->size = st->size;
    out->atim = st->atime_ns;
    out->mtim = st->mtime_ns;
    out->ctim = st->ctime_ns;
}

static struct vfs_node *node_of(const struct kobj *o)
{
    return o->type == KOBJ_FILE ? o->file->node : o->type == KOBJ_DIR ? o->dir : NULL;
}

int plat_fd_stat(plat_handle h, struct plat_filestat *out)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    memset(out, 0, sizeof *out);
    struct vfs_node *n = node_of(o);
    if (!n) {
        out->filetype = o->type == KOBJ_CONSOLE ? WASI_FILETYPE_CHARACTER_DEVICE
                      : o->type == KOBJ_SOCK    ? ksock_filetype(o->sock)
                                                : WASI_FILETYPE_UNKNOWN;
        out->nlink = 1;
        return WASI_ESUCCESS;
    }
    struct vfs_stat st;
    int err = vfs_stat(n, &st);
    if (!err)
        stat_from_vfs(&st, out);
    return err;
}

int plat_fd_get_flags(plat_handle h, uint16_t *fdflags_out)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    *fdflags_out = o->fdflags;
    return WASI_ESUCCESS;
}

int plat_fd_set_flags(plat_handle h, uint16_t fdflags)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    o->fdflags = fdflags & (WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK | WASI_FDFLAG_SYNC |
                            WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC);
    if (o->type == KOBJ_FILE) {
        if (fdflags & WASI_FDFLAG_APPEND)
            o->file->flags |= VFS_O_APPEND;
        else
            o->file->flags &= ~VFS_O_APPEND;
    }
    return WASI_ESUCCESS;
}

int plat_fd_set_size(plat_handle h, uint64_t size)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_FILE)
        return o->type == KOBJ_DIR ? WASI_EISDIR : WASI_EINVAL;
    if (!(o->file->flags & VFS_O_WRITE))
        return WASI_EBADF;
    return vfs_truncate(o->file->node, size);
}

static int set_times(struct vfs_node *n, uint64_t atim, uint64_t mtim, uint16_t fst)
{
    uint64_t now = (uint64_t)timer_realtime_ns();
    uint64_t a = fst & WASI_FSTFLAG_ATIM_NOW ? now : fst & WASI_FSTFLAG_ATIM ? atim : UINT64_MAX;
    uint64_t m = fst & WASI_FSTFLAG_MTIM_NOW ? now : fst & WASI_FSTFLAG_MTIM ? mtim : UINT64_MAX;
    return vfs_set_times(n, a, m);
}

int plat_fd_set_times(plat_handle h, uint64_t atim, uint64_t mtim, uint16_t fstflags)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    struct vfs_node *n = node_of(o);
    return n ? set_times(n, atim, mtim, fstflags) : WASI_ESUCCESS;
}

int plat_fd_sync(plat_handle h)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    struct vfs_node *n = node_of(o);
    return n ? vfs_sync(n) : WASI_ESUCCESS;
}

int plat_fd_datasync(plat_handle h) { return plat_fd_sync(h); }

int plat_fd_advise(plat_handle h, uint64_t offset, uint64_t len, uint8_t advice)
{
    (void)offset, (void)len, (void)advice;
    struct kobj *o = lookup(h);
    return !o ? WASI_EBADF : o->type == KOBJ_FILE ? WASI_ESUCCESS : WASI_ESPIPE;
}

int plat_fd_allocate(plat_handle h, uint64_t offset, uint64_t len)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_FILE)
        return o->type == KOBJ_DIR ? WASI_EISDIR : WASI_ESPIPE;
    struct vfs_stat st;
    int err = vfs_stat(o->file->node, &st);
    if (err || offset + len <= st.size)
        return err;
    return vfs_truncate(o->file->node, offset + len);
}

int plat_fd_close(plat_handle h)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    table_of(proc_current())[h] = NULL;
    kobj_put(o);
    return WASI_ESUCCESS;
}

int plat_fd_readdir(plat_handle h, uint64_t cookie, struct plat_dirent *out, char *name,
                    size_t name_cap, size_t *name_len_out, bool *end_out)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_DIR)
        return WASI_ENOTDIR;
    struct vfs_dirent *ent = kmalloc(sizeof *ent);
    if (!ent)
        return WASI_ENOMEM;
    *end_out = false;
    int err = vfs_readdir(o->dir, cookie, ent);
    if (err == FS_ENOENT) {
        *end_out = true;
        err = WASI_ESUCCESS;
    } else if (!err) {
        out->next = ent->next_cookie;
        out->ino = ent->ino;
        out->filetype = filetype_of(ent->type);
        memcpy(name, ent->name, ent->name_len < name_cap ? ent->name_len : name_cap);
        *name_len_out = ent->name_len;
    }
    kfree(ent);
    return err;
}

/* ---- names in a directory --------------------------------------------------------------------- */

static int dir_of(plat_handle h, struct vfs_node **dir_out)
{
    struct kobj *o = lookup(h);
    if (!o)
        return WASI_EBADF;
    if (o->type != KOBJ_DIR)
        return WASI_ENOTDIR;
    *dir_out = o->dir;
    return WASI_ESUCCESS;
}

int plat_open_at(plat_handle dir, const char *name, uint32_t oflags, uint32_t fdflags, bool read,
                 bool write, plat_handle *out)
{
    struct vfs_node *d, *node = NULL;
    int err = dir_of(dir, &d);
    if (err)
        return err;
    size_t len = strlen(name);
    err = vfs_lookup(d, name, len, &node);
    if (!err && (oflags & WASI_OFLAG_CREAT) && (oflags & WASI_OFLAG_EXCL))
        err = WASI_EEXIST;
    else if (err == FS_ENOENT && (oflags & WASI_OFLAG_CREAT) && !(oflags & WASI_OFLAG_DIRECTORY))
        err = vfs_create(d, name, len, &node);
    if (err)
        goto fail;
    if ((oflags & WASI_OFLAG_DIRECTORY) && node->type != VFS_DIR) {
        err = WASI_ENOTDIR;
        goto fail;
    }
    if (node->type == VFS_SYMLINK) { /* never followed here (O_NOFOLLOW): wasi/ follows links */
        err = WASI_ELOOP;
        goto fail;
    }
    struct kobj *o;
    if (node->type == VFS_DIR) {
        if ((oflags & WASI_OFLAG_TRUNC) || write) { /* as POSIX open(2): a directory is never written */
            err = WASI_EISDIR;
            goto fail;
        }
        if (!(o = kobj_new(KOBJ_DIR))) {
            err = WASI_ENOMEM;
            goto fail;
        }
        o->dir = node;
    } else {
        if ((oflags & WASI_OFLAG_TRUNC) && (err = vfs_truncate(node, 0)) != 0)
            goto fail;
        uint32_t flags = (read ? VFS_O_READ : 0) | (write ? VFS_O_WRITE : 0) |
                         (fdflags & WASI_FDFLAG_APPEND ? VFS_O_APPEND : 0);
        struct vfs_file *f;
        if ((err = vfs_open(node, flags, &f)) != 0)
            goto fail;
        vfs_node_release(node);
        if (!(o = kobj_new(KOBJ_FILE))) {
            vfs_close(f);
            return WASI_ENOMEM;
        }
        o->file = f;
    }
    o->fdflags = (uint16_t)fdflags;
    return install_out(o, out);
fail:
    vfs_node_release(node);
    return err;
}

int plat_stat_at(plat_handle dir, const char *name, struct plat_filestat *out)
{
    struct vfs_node *d, *node;
    int err = dir_of(dir, &d);
    if (err || (err = vfs_lookup(d, name, strlen(name), &node)) != 0)
        return err;
    struct vfs_stat st;
    if (!(err = vfs_stat(node, &st)))
        stat_from_vfs(&st, out);
    vfs_node_release(node);
    return err;
}

int plat_readlink_at(plat_handle dir, const char *name, char *buf, size_t cap, size_t *len_out)
{
    *len_out = 0;
    struct vfs_node *d, *node;
    int err = dir_of(dir, &d);
    if (err || (err = vfs_lookup(d, name, strlen(name), &node)) != 0)
        return err;
    err = vfs_readlink(node, buf, cap, len_out); /* FS_EINVAL when not a link */
    vfs_node_release(node);
    return err;
}

int plat_mkdir_at(plat_handle dir, const char *name)
{
    struct vfs_node *d, *node;
    int err = dir_of(dir, &d);
    if (err || (err = vfs_mkdir(d, name, strlen(name), &node)) != 0)
        return err;
    vfs_node_release(node);
    return WASI_ESUCCESS;
}

int plat_rmdir_at(plat_handle dir, const char *name)
{
    struct vfs_node *d;
    int err = dir_of(dir, &d);
    return err ? err : vfs_rmdir(d, name, strlen(name));
}

int plat_unlink_at(plat_handle dir, const char *name)
{
    struct vfs_node *d;
    int err = dir_of(dir, &d);
    return err ? err : vfs_unlink(d, name, strlen(name));
}

int plat_rename_at(plat_handle old_dir, const char *old_name, plat_handle new_dir,
                   const char *new_name)
{
    struct vfs_node *a, *b;
    int err = dir_of(old_dir, &a);
    if (err || (err = dir_of(new_dir, &b)) != 0)
        return err;
    return vfs_rename(a, old_name, strlen(old_name), b, new_name, strlen(new_name));
}

/* Hard and symbolic links: ramfs has both; FAT32 and devfs answer ENOTSUP, but only after the
 * errors POSIX reports first (link(2), symlink(2)): a missing source, an existing destination. */
int plat_link_at(plat_handle old_dir, const char *old_name, plat_handle new_dir,
                 const char *new_name)
{
    struct vfs_node *a, *b, *node;
    int err = dir_of(old_dir, &a);
    if (err || (err = dir_of(new_dir, &b)) != 0 ||
        (err = vfs_lookup(a, old_name, strlen(old_name), &node)) != 0)
        return err;
    err = vfs_link(node, b, new_name, strlen(new_name));
    vfs_node_release(node);
    return err == FS_EISDIR ? WASI_EPERM : err; /* link(2) of a directory: EPERM */
}

int plat_symlink_at(const char *target, plat_handle dir, const char *name)
{
    struct vfs_node *d;
    int err = dir_of(dir, &d);
    return err ? err : vfs_symlink(d, name, strlen(name), target, strlen(target));
}

int plat_set_times_at(plat_handle dir, const char *name, uint64_t atim, uint64_t mtim,
                      uint16_t fstflags)
{
    struct vfs_node *d, *node;
    int err = dir_of(dir, &d);
    if (err || (err = vfs_lookup(d, name, strlen(name), &node)) != 0)
        return err;
    err = set_times(node, atim, mtim, fstflags);
    vfs_node_release(node);
    return err;
}

/* ---- clocks, random, scheduling ---------------------------------------------------------------- */

int plat_clock_time(uint32_t id, uint64_t *ns_out)
{
    struct proc *p = proc_current();
    switch (id) {
    case WASI_CLOCK_REALTIME: *ns_out = (uint64_t)timer_realtime_ns(); return WASI_ESUCCESS;
    case WASI_CLOCK_MONOTONIC: *ns_out = timer_ns(); return WASI_ESUCCESS;
    case WASI_CLOCK_PROCESS_CPUTIME:
    case WASI_CLOCK_THREAD_CPUTIME: *ns_out = p ? p->cpu_ns : 0; return WASI_ESUCCESS;
    default: return WASI_EINVAL;
    }
}

int plat_clock_res(uint32_t id, uint64_t *ns_out)
{
    if (id > WASI_CLOCK_THREAD_CPUTIME)
        return WASI_EINVAL;
    *ns_out = id == WASI_CLOCK_REALTIME || id == WASI_CLOCK_MONOTONIC ? 1 : 1000;
    return WASI_ESUCCESS;
}

static bool rdrand64(uint64_t *v)
{
    static int has = -1;
    if (has < 0) {
        uint32_t a, b, c, d;
        cpuid(1, 0, &a, &b, &c, &d);
        has = (c >> 30) & 1; /* CPUID.1:ECX.RDRAND[bit 30] */
    }
    for (int tries = 0; has && tries < 10; tries++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

int plat_random(void *buf, size_t len)
{
    uint8_t *b = buf;
    while (len) {
        uint64_t v;
        if (!rdrand64(&v)) {
            /* fallback without RDRAND: xorshift64* over TSC jitter (not cryptographic) */
            pk.rand_state ^= rdtsc() + 0x9e3779b97f4a7c15ULL;
            pk.rand_state ^= pk.rand_state >> 12;
            pk.rand_state ^= pk.rand_state << 25;
            pk.rand_state ^= pk.rand_state >> 27;
            v = pk.rand_state * 0x2545f4914f6cdd1dULL;
        }
        size_t n = len < 8 ? len : 8;
        memcpy(b, &v, n);
        b += n;
        len -= n;
    }
    return WASI_ESUCCESS;
}

int plat_yield(void) { return WASI_ESUCCESS; }

/* ---- readiness ---------------------------------------------------------------------------------- */

int plat_poll(struct plat_pollfd *fds, size_t count, int64_t timeout_ns, size_t *ready_out)
{
    size_t ready = 0;
    bool on = netif_lock(); /* interrupts off: the console pump, and sockets' readiness held still */
    handle_console_pump();
    for (size_t i = 0; i < count; i++) {
        struct plat_pollfd *f = &fds[i];
        struct kobj *o = lookup(f->handle);
        f->ready = 0;
        f->error = 0;
        f->hangup = 0;
        f->nbytes = 0;
        if (!o) {
            f->error = WASI_EBADF;
        } else if (o->type == KOBJ_CONSOLE) {
            f->ready = (uint8_t)(f->want & ((pk.in_len ? PLAT_POLL_READ : 0) | PLAT_POLL_WRITE));
            f->nbytes = pk.in_len;
        } else if (o->type == KOBJ_PIPE_READ) {
            f->hangup = !o->pipe->writers;
            f->ready = (uint8_t)(f->want & (o->pipe->len || f->hangup ? PLAT_POLL_READ : 0));
            f->nbytes = o->pipe->len;
        } else if (o->type == KOBJ_PIPE_WRITE) {
            f->hangup = !o->pipe->readers;
            f->ready = (uint8_t)(f->want & (o->pipe->len < HANDLE_PIPE_BYTES || f->hangup ? PLAT_POLL_WRITE : 0));
        } else if (o->type == KOBJ_SOCK) {
            ksock_poll(o->sock, f);
        } else {
            f->ready = f->want; /* files and directories are always ready */
        }
        if (f->ready || f->error)
            ready++;
    }
    *ready_out = ready;
    int rc = WASI_ESUCCESS;
    if (!ready && timeout_ns != 0) {
        proc_block_until(timeout_ns < 0 ? PROC_NO_DEADLINE : timer_ns() + (uint64_t)timeout_ns);
        rc = PLAT_WOULD_BLOCK;
    }
    netif_unlock(on);
    return rc;
}

/* sockets: plat_sock_* are in platform_kernel_sock.c */
