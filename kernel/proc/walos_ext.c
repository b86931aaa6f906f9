/* kernel/proc/walos_ext.c — the walos_proc import module (contract in kernel/proc/walos_ext.h and,
 * for programs, sdk/walos.h).
 *
 * Below: kernel/proc/proc.h (spawn, wait, kill, the table), kernel/proc/handle.h (pipes, directory
 * nodes), the caller's WASI fd table (wasi/wasi_priv.h: the fd -> handle mapping and preopen names,
 * which wasi/wasi.h does not expose yet). One table of (name, signature, handler), as wasi/table.c.
 *
 * Capabilities: spawn resolves the path inside one of the caller's preopened directories (the one
 * whose guest name is the longest prefix of the path), and hands the child only the caller's fds it
 * lists; nothing else (no root preopen) reaches the child. A preopen keeps the rights the caller's fd
 * has; preopen renames a directory fd the caller already holds, so it grants nothing new. */
#include "kernel/proc/walos_ext.h"

#include "kernel/arch/x86_64/timer.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/memlayout.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/proc/guest_records.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/svcmgr.h"
#include "kernel/proc/svcmsg.h"
#include "kernel/proc/walos_net.h"
#include "kernel/storage.h"
#include "wasi/wasi_priv.h"

#define WAIT_NOHANG 1u      /* sdk/walos.h WALOS_WAIT_NOHANG */
#define WAIT_FOREGROUND 2u  /* sdk/walos.h WALOS_WAIT_FOREGROUND */
#define SPAWN_ARGS_MAX 64
#define SPAWN_FDS_MAX 32
#define PATH_MAX_BYTES 1024

static int ret(uint64_t *slots, int err)
{
    slots[0] = (uint32_t)err;
    return WASM_OK;
}

/* Splits a packed NUL-separated list (copied into a fresh buffer) into up to max strings. */
static int split_list(const uint8_t *src, uint32_t len, char **buf_out, const char **v, int max)
{
    char *buf = kmalloc(len + 1);
    if (!buf)
        return -1;
    memcpy(buf, src, len);
    buf[len] = 0;
    int n = 0;
    for (uint32_t i = 0; i < len && n < max;) {
        v[n++] = &buf[i];
        while (i < len && buf[i])
            i++;
        i++;
    }
    *buf_out = buf;
    return n;
}

/* The caller's preopen that contains path: its fd entry and the path inside it. */
static int find_preopen(struct wasi_ctx *ctx, const char *path, struct wasi_fd **fd_out,
                        const char **rest_out)
{
    size_t best = 0;
    *fd_out = NULL;
    for (uint32_t i = 0; i < ctx->fd_cap; i++) {
        struct wasi_fd *f = &ctx->fds[i];
        if (!f->used || !f->preopen)
            continue;
        size_t n = strlen(f->preopen);
        while (n > 1 && f->preopen[n - 1] == '/')
            n--;
        bool root = n == 1 && f->preopen[0] == '/';
        if (!root && (strncmp(path, f->preopen, n) || (path[n] && path[n] != '/')))
            continue;
        if (!*fd_out || n > best) {
            *fd_out = f;
            *rest_out = root ? path + 1 : path + n;
            best = n;
        }
    }
    return *fd_out ? WASI_ESUCCESS : WASI_ENOENT;
}

/* spawn(path, path_len, argv, argv_len, env, env_len, fds, fds_count, flags, pid_out) -> errno */
static int ext_spawn(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    uint32_t path_ptr = (uint32_t)slots[0], path_len = (uint32_t)slots[1];
    uint32_t argv_ptr = (uint32_t)slots[2], argv_len = (uint32_t)slots[3];
    uint32_t env_ptr = (uint32_t)slots[4], env_len = (uint32_t)slots[5];
    uint32_t fds_ptr = (uint32_t)slots[6], nfds = (uint32_t)slots[7];
    uint32_t flags = (uint32_t)slots[8], pid_ptr = (uint32_t)slots[9];
    const uint8_t *path_g = wasi_guest(mem, mem_size, path_ptr, path_len);
    const uint8_t *argv_g = wasi_guest(mem, mem_size, argv_ptr, argv_len);
    const uint8_t *env_g = wasi_guest(mem, mem_size, env_ptr, env_len);
    const uint8_t *fds_g = wasi_guest(mem, mem_size, fds_ptr, (uint64_t)nfds * 4);
    uint8_t *pid_g = wasi_guest(mem, mem_size, pid_ptr, 4);
    if (!path_g || !argv_g || !env_g || !fds_g || !pid_g)
        return ret(slots, WASI_EFAULT);
    if (flags || nfds < 3 || nfds > SPAWN_FDS_MAX)
        return ret(slots, WASI_EINVAL);
    if (!path_len || path_len >= PATH_MAX_BYTES || path_g[0] != '/')
        return ret(slots, WASI_ENOENT);
    struct wasi_ctx *ctx = self->wasi;
    struct wasi_fd *fds[SPAWN_FDS_MAX];
    for (uint32_t i = 0; i < nfds; i++) {
        uint32_t fd;
        memcpy(&fd, fds_g + 4 * i, 4);
        if (wasi_fd_get(ctx, fd, 0, &fds[i]) != WASI_ESUCCESS)
            return ret(slots, WASI_EBADF);
    }
    char path[PATH_MAX_BYTES];
    memcpy(path, path_g, path_len);
    path[path_len] = 0;
    struct wasi_fd *pre;
    const char *rest;
    int err = find_preopen(ctx, path, &pre, &rest);
    struct vfs_node *dir = err ? NULL : handle_dir_node(self, pre->handle);
    if (!dir)
        return ret(slots, err ? err : WASI_ENOENT);

    char *argv_buf = NULL, *env_buf = NULL;
    const char *argv[SPAWN_ARGS_MAX], *env[SPAWN_ARGS_MAX];
    int argc = argv_len ? split_list(argv_g, argv_len, &argv_buf, argv, SPAWN_ARGS_MAX) : 0;
    int envc = env_len ? split_list(env_g, env_len, &env_buf, env, SPAWN_ARGS_MAX) : 0;
    if (argc < 0 || envc < 0) {
        err = WASI_ENOMEM;
        goto out;
    }
    if (!argc)
        argv[argc++] = path;
    struct proc_spawn_args a = {.path = *rest ? rest : ".", .dir = dir, .argc = argc, .argv = argv,
                                .envc = envc, .env = env, .parent = self,
                                .stdio = {fds[0]->handle, fds[1]->handle, fds[2]->handle},
                                .allow_net = ctx->net_allowed}; /* iff its parent may */
    int pid = proc_spawn(&a);
    if (pid < 0) {
        err = -pid;
        goto out;
    }
    struct proc *child = proc_get(pid);
    for (uint32_t i = 3; i < nfds && !err; i++) {
        plat_handle h = handle_dup(child, self, fds[i]->handle);
        if (h < 0) {
            err = WASI_EMFILE;
        } else if (fds[i]->preopen) {
            int cfd = wasi_ctx_preopen_dir(child->wasi, h, fds[i]->preopen);
            if (cfd < 0) {
                err = WASI_ENOMEM;
            } else { /* the child's preopen has the parent's rights, never more */
                child->wasi->fds[cfd].rights_base = fds[i]->rights_base;
                child->wasi->fds[cfd].rights_inheriting = fds[i]->rights_inheriting;
            }
        } else {
            struct wasi_fd e = *fds[i];
            uint32_t fd;
            e.owned = true;
            e.preopen = NULL;
            err = wasi_fd_insert(child->wasi, &e, &fd);
        }
    }
    if (err) {
        proc_kill(child, PROC_STATUS_KILLED);
        proc_reap(child);
        goto out;
    }
    uint32_t upid = (uint32_t)pid;
    memcpy(pid_g, &upid, 4);
out:
    kfree(argv_buf);
    kfree(env_buf);
    return ret(slots, err);
}

/* preopen(fd, name, name_len) -> errno: names the caller's directory fd as a preopen */
static int ext_preopen(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    uint32_t fd = (uint32_t)slots[0], name_len = (uint32_t)slots[2];
    const uint8_t *name_g = wasi_guest(mem, mem_size, (uint32_t)slots[1], name_len);
    if (!name_g)
        return ret(slots, WASI_EFAULT);
    if (!name_len || name_len >= PATH_MAX_BYTES || memchr(name_g, 0, name_len))
        return ret(slots, WASI_EINVAL);
    struct wasi_fd *f;
    if (wasi_fd_get(self->wasi, fd, 0, &f) != WASI_ESUCCESS)
        return ret(slots, WASI_EBADF);
    if (f->filetype != WASI_FILETYPE_DIRECTORY || !handle_dir_node(self, f->handle))
        return ret(slots, WASI_ENOTDIR);
    char *name = plat_alloc(name_len + 1); /* the fd table owns it (freed with plat_free) */
    if (!name)
        return ret(slots, WASI_ENOMEM);
    memcpy(name, name_g, name_len);
    name[name_len] = 0;
    plat_free(f->preopen);
    f->preopen = name;
    return ret(slots, WASI_ESUCCESS);
}

/* wait(pid, flags, status_out) -> errno */
static int ext_wait(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    int pid = (int)(uint32_t)slots[0];
    uint32_t flags = (uint32_t)slots[1];
    uint8_t *status_g = wasi_guest(mem, mem_size, (uint32_t)slots[2], 4);
    if (!status_g)
        return ret(slots, WASI_EFAULT);
    if (flags & ~(uint32_t)(WAIT_NOHANG | WAIT_FOREGROUND))
        return ret(slots, WASI_EINVAL);
    struct proc *c = proc_get(pid);
    if (!c || c->ppid != self->pid)
        return ret(slots, WASI_ECHILD);
    if (c->state != PROC_ZOMBIE) {
        if (flags & WAIT_NOHANG)
            return ret(slots, WASI_EAGAIN);
        if (!self->waiting) {
            self->waiting = true;
            self->wait_interrupts = flags & WAIT_FOREGROUND ? c->spawn_interrupts : handle_console_interrupts();
        }
        if (self->wait_interrupts != handle_console_interrupts()) {
            self->waiting = false; /* Ctrl-C on the console: the caller decides (kill the child) */
            return ret(slots, WASI_EINTR);
        }
        proc_block_until(PROC_NO_DEADLINE); /* a child's exit or console input is an event */
        return WASM_BLOCK;
    }
    self->waiting = false;
    int32_t status = c->status;
    memcpy(status_g, &status, 4);
    proc_reap(c);
    return ret(slots, WASI_ESUCCESS);
}

/* kill(pid) -> errno */
static int ext_kill(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct proc *self = call->host_data;
    int pid = (int)(uint32_t)slots[0];
    if (pid == 1)
        return ret(slots, WASI_EPERM);
    struct proc *p = proc_get(pid);
    if (!p || p->state == PROC_ZOMBIE)
        return ret(slots, WASI_ESRCH);
    if (p == self) /* ends the caller: not a return */
        return wasm_host_exit(call, PROC_STATUS_KILLED);
    proc_kill(p, PROC_STATUS_KILLED);
    return ret(slots, WASI_ESUCCESS);
}

/* list(buf, buf_len, count_out) -> errno */
static int ext_list(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    struct ext_records r;
    if (!ext_records_begin(&r, slots, mem, mem_size, 64))
        return ret(slots, WASI_EFAULT);
    for (int pid = 1; pid <= proc_max_pid(); pid++) {
        struct proc *p = proc_get(pid);
        if (!p)
            continue;
        uint8_t *dst = ext_records_next(&r);
        if (dst) {
            uint8_t rec[64] = {0};
            uint32_t u[4] = {(uint32_t)p->pid, (uint32_t)p->ppid, (uint32_t)p->state, 0};
            uint64_t mem_bytes = 0;
            wasm_memory *m = p->instance && p->state != PROC_ZOMBIE ? wasm_instance_memory(p->instance) : NULL;
            if (m)
                mem_bytes = wasm_memory_size(m);
            memcpy(rec, u, 16);
            memcpy(rec + 16, &p->cpu_ns, 8);
            memcpy(rec + 24, &mem_bytes, 8);
            memcpy(rec + 32, p->name, PROC_NAME_MAX);
            memcpy(dst, rec, 64);
        }
    }
    ext_records_end(&r);
    return ret(slots, WASI_ESUCCESS);
}

/* pipe(fds_out) -> errno */
static int ext_pipe(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[0], 8);
    if (!out)
        return ret(slots, WASI_EFAULT);
    plat_handle rd, wr;
    int err = handle_pipe(self, &rd, &wr);
    if (err)
        return ret(slots, err);
    struct wasi_fd e = {.used = true, .owned = true, .filetype = WASI_FILETYPE_UNKNOWN,
                        .rights_base = WASI_RIGHTS_TTY, .rights_inheriting = 0};
    uint32_t fd[2];
    e.handle = rd;
    if ((err = wasi_fd_insert(self->wasi, &e, &fd[0])) != WASI_ESUCCESS) {
        plat_fd_close(rd);
        plat_fd_close(wr);
        return ret(slots, err);
    }
    e.handle = wr;
    if ((err = wasi_fd_insert(self->wasi, &e, &fd[1])) != WASI_ESUCCESS) {
        wasi_fd_remove(self->wasi, fd[0]);
        plat_fd_close(wr);
        return ret(slots, err);
    }
    memcpy(out, fd, 8);
    return ret(slots, WASI_ESUCCESS);
}

/* sysinfo(out) -> errno */
static int ext_sysinfo(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[0], 32);
    if (!out)
        return ret(slots, WASI_EFAULT);
    uint64_t v[3] = {pmm_total_pages() * PAGE_SIZE, pmm_free_pages() * PAGE_SIZE, timer_ns()};
    uint32_t n = 0;
    for (int pid = 1; pid <= proc_max_pid(); pid++)
        n += proc_get(pid) != NULL;
    uint32_t u[2] = {n, 1};
    memcpy(out, v, 24);
    memcpy(out + 24, u, 8);
    return ret(slots, WASI_ESUCCESS);
}

/* power(cmd) -> errno */
static int ext_power(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct proc *self = call->host_data;
    uint32_t cmd = (uint32_t)slots[0];
    if (cmd > 1)
        return ret(slots, WASI_EINVAL);
    printk("proc: pid %d (%s) asks for %s\n", self->pid, self->name, cmd ? "reboot" : "power-off");
    storage_sync();
    if (cmd)
        power_reboot();
    power_off();
}

static int ext_getpid(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct proc *p = call->host_data;
    slots[0] = (uint32_t)p->pid;
    return WASM_OK;
}

/* ---- walos_svc ------------------------------------------------------------------------------------ */

/* control(cmd, name, name_len, out, out_len, n_out) -> errno */
static int svc_control(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    uint32_t name_len = (uint32_t)slots[2], out_len = (uint32_t)slots[4];
    const char *name = wasi_guest(mem, mem_size, (uint32_t)slots[1], name_len);
    char *out = wasi_guest(mem, mem_size, (uint32_t)slots[3], out_len);
    uint8_t *n_g = wasi_guest(mem, mem_size, (uint32_t)slots[5], 4);
    if (!name || !out || !n_g)
        return ret(slots, WASI_EFAULT);
    uint32_t n = 0;
    int err = svcmgr_control((uint32_t)slots[0], name, name_len, out, out_len, &n);
    memcpy(n_g, &n, 4);
    return ret(slots, err);
}

/* send(ep, ep_len, msg, msg_len) -> errno */
static int svc_send(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    uint32_t ep_len = (uint32_t)slots[1], msg_len = (uint32_t)slots[3];
    const char *ep = wasi_guest(mem, mem_size, (uint32_t)slots[0], ep_len);
    const void *msg = wasi_guest(mem, mem_size, (uint32_t)slots[2], msg_len);
    if (!ep || !msg)
        return ret(slots, WASI_EFAULT);
    return ret(slots, svcmsg_send(ep, ep_len, msg, msg_len));
}

/* listen(ep, ep_len) -> errno */
static int svc_listen(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    uint32_t ep_len = (uint32_t)slots[1];
    const char *ep = wasi_guest(mem, mem_size, (uint32_t)slots[0], ep_len);
    if (!ep)
        return ret(slots, WASI_EFAULT);
    return ret(slots, svcmsg_listen(self->pid, ep, ep_len));
}

/* recv(ep, ep_len, buf, buf_len, flags, n_out) -> errno; blocks (flags 0) while the queue is empty */
static int svc_recv(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    uint32_t ep_len = (uint32_t)slots[1], buf_len = (uint32_t)slots[3], flags = (uint32_t)slots[4];
    const char *ep = wasi_guest(mem, mem_size, (uint32_t)slots[0], ep_len);
    void *buf = wasi_guest(mem, mem_size, (uint32_t)slots[2], buf_len);
    uint8_t *n_g = wasi_guest(mem, mem_size, (uint32_t)slots[5], 4);
    if (!ep || !buf || !n_g)
        return ret(slots, WASI_EFAULT);
    if (flags > 1)
        return ret(slots, WASI_EINVAL);
    uint32_t n = 0;
    int err = svcmsg_recv(self->pid, ep, ep_len, buf, buf_len, &n);
    if (err == WASI_EAGAIN && flags == 0) {
        proc_block_until(PROC_NO_DEADLINE); /* a send is an event */
        return WASM_BLOCK;
    }
    memcpy(n_g, &n, 4);
    return ret(slots, err);
}

struct ext_import {
    const char *module;
    const char *name;
    const char *signature;
    wasm_host_fn handler;
};

static const struct ext_import imports[] = {
    {"walos_proc", "spawn",   "(iiiiiiiiii)i", ext_spawn},
    {"walos_proc", "wait",    "(iii)i",        ext_wait},
    {"walos_proc", "kill",    "(i)i",          ext_kill},
    {"walos_proc", "list",    "(iii)i",        ext_list},
    {"walos_proc", "pipe",    "(i)i",          ext_pipe},
    {"walos_proc", "sysinfo", "(i)i",          ext_sysinfo},
    {"walos_proc", "power",   "(i)i",          ext_power},
    {"walos_proc", "getpid",  "()i",           ext_getpid},
    {"walos_proc", "preopen", "(iii)i",        ext_preopen},
    {"walos_svc",  "control", "(iiiiii)i",     svc_control},
    {"walos_svc",  "send",    "(iiii)i",       svc_send},
    {"walos_svc",  "listen",  "(ii)i",         svc_listen},
    {"walos_svc",  "recv",    "(iiiiii)i",     svc_recv},
};

int walos_ext_link(struct proc *p, wasm_linker *l)
{
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        int rc = wasm_linker_define_func(l, imports[i].module, imports[i].name, imports[i].signature,
                                         imports[i].handler, p);
        if (rc != WASM_OK)
            return rc;
    }
    return walos_net_link(p, l); /* walos_net: kernel/proc/walos_net.c */
}
