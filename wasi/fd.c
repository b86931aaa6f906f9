/* wasi/fd.c — the fd_* calls: I/O, seeking, stat, flags and rights, preopens, readdir, renumber.
 *
 * Each handler checks its fd and rights once (wasi_fd_get, wasi/ctx.c), its guest buffers once
 * (wasi/guest.c), then makes one platform call (include/walos/platform.h). Rights follow the witx:
 * fd_read needs fd_read, fd_seek needs fd_seek (or fd_tell for a zero move from the current
 * position), and so on; a missing right is WASI_ENOTCAPABLE. */
#include "wasi/wasi_priv.h"

#define INLINE_IOVS 16

static struct wasi_ctx *ctx_of(struct wasm_host_call *call) { return call->host_data; }

static int simple(struct wasm_host_call *call, uint32_t fd, uint64_t rights, struct wasi_fd **f)
{
    return wasi_fd_get(ctx_of(call), fd, rights, f);
}

/* fd_advise(fd, offset: filesize, len: filesize, advice) -> errno */
int wasi_fd_advise(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_ADVISE, &f);
    if (err == WASI_ESUCCESS && (uint32_t)slots[3] > WASI_ADVICE_MAX)
        err = WASI_EINVAL;
    if (err == WASI_ESUCCESS)
        err = plat_fd_advise(f->handle, slots[1], slots[2], (uint8_t)slots[3]);
    return wasi_return(slots, err);
}

/* fd_allocate(fd, offset: filesize, len: filesize) -> errno */
int wasi_fd_allocate(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_ALLOCATE, &f);
    if (err == WASI_ESUCCESS)
        err = plat_fd_allocate(f->handle, slots[1], slots[2]);
    return wasi_return(slots, err);
}

int wasi_fd_close(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    uint32_t fd = (uint32_t)slots[0];
    int err = simple(call, fd, 0, &f);
    if (err == WASI_ESUCCESS)
        err = wasi_fd_remove(ctx_of(call), fd);
    return wasi_return(slots, err);
}

int wasi_fd_datasync(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_DATASYNC, &f);
    if (err == WASI_ESUCCESS)
        err = plat_fd_datasync(f->handle);
    return wasi_return(slots, err);
}

int wasi_fd_sync(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_SYNC, &f);
    if (err == WASI_ESUCCESS)
        err = plat_fd_sync(f->handle);
    return wasi_return(slots, err);
}

/* fd_fdstat_get(fd) -> (errno, fdstat) */
int wasi_fd_fdstat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                       uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], 0, &f);
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], WASI_FDSTAT_SIZE);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    uint16_t flags = 0;
    if (plat_fd_get_flags(f->handle, &flags) != WASI_ESUCCESS)
        flags = 0;
    memset(out, 0, WASI_FDSTAT_SIZE);
    wasi_st8(out + 0, f->filetype);
    wasi_st16(out + 2, flags);
    wasi_st64(out + 8, f->rights_base);
    wasi_st64(out + 16, f->rights_inheriting);
    return wasi_return(slots, WASI_ESUCCESS);
}

/* fd_fdstat_set_flags(fd, flags: fdflags) -> errno */
int wasi_fd_fdstat_set_flags(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                             uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    uint32_t flags = (uint32_t)slots[1];
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &f);
    if (err == WASI_ESUCCESS && (flags & ~(uint32_t)WASI_FDFLAGS_ALL))
        err = WASI_EINVAL;
    if (err == WASI_ESUCCESS)
        err = plat_fd_set_flags(f->handle, (uint16_t)flags);
    return wasi_return(slots, err);
}

/* fd_fdstat_set_rights(fd, base, inheriting) -> errno: rights can only shrink. */
int wasi_fd_fdstat_set_rights(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                              uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], 0, &f);
    if (err)
        return wasi_return(slots, err);
    uint64_t base = slots[1], inheriting = slots[2];
    if ((base & ~f->rights_base) || (inheriting & ~f->rights_inheriting))
        return wasi_return(slots, WASI_ENOTCAPABLE);
    f->rights_base = base;
    f->rights_inheriting = inheriting;
    return wasi_return(slots, WASI_ESUCCESS);
}

int wasi_fd_stat(struct wasm_host_call *call, uint32_t fd, struct plat_filestat *st)
{
    struct wasi_fd *f;
    int err = simple(call, fd, WASI_RIGHT_FD_FILESTAT_GET, &f);
    if (err == WASI_ESUCCESS)
        err = plat_fd_stat(f->handle, st);
    if (err == WASI_ESUCCESS &&
        (f->filetype == WASI_FILETYPE_SOCKET_STREAM || f->filetype == WASI_FILETYPE_SOCKET_DGRAM))
        st->filetype = f->filetype;
    return err;
}

/* fd_filestat_get(fd) -> (errno, filestat) */
int wasi_fd_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                         uint64_t mem_size)
{
    struct plat_filestat st;
    int err = wasi_fd_stat(call, (uint32_t)slots[0], &st);
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], WASI_FILESTAT_SIZE);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    wasi_put_filestat(out, &st);
    return wasi_return(slots, WASI_ESUCCESS);
}

int wasi_fd_filestat_set_size(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                              uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_FILESTAT_SET_SIZE, &f);
    if (err == WASI_ESUCCESS && slots[1] > (uint64_t)INT64_MAX)
        err = WASI_EINVAL;
    if (err == WASI_ESUCCESS)
        err = plat_fd_set_size(f->handle, slots[1]);
    return wasi_return(slots, err);
}

/* fd_filestat_set_times(fd, atim, mtim, fst_flags) -> errno */
int wasi_fd_filestat_set_times(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                               uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    uint16_t fst = (uint16_t)slots[3];
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_FILESTAT_SET_TIMES, &f);
    if (err == WASI_ESUCCESS && (uint32_t)slots[3] > 0xffff)
        err = WASI_EINVAL;
    if (err == WASI_ESUCCESS)
        err = wasi_check_fstflags(fst);
    if (err == WASI_ESUCCESS)
        err = plat_fd_set_times(f->handle, slots[1], slots[2], fst);
    return wasi_return(slots, err);
}

/* The four data-transfer calls share one shape: fd, iovs, iovs_len, [offset], result pointer. */
enum xfer { XFER_READ, XFER_WRITE, XFER_PREAD, XFER_PWRITE };

static int transfer(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                    enum xfer kind)
{
    static const uint64_t rights[] = {
        [XFER_READ] = WASI_RIGHT_FD_READ,
        [XFER_WRITE] = WASI_RIGHT_FD_WRITE,
        [XFER_PREAD] = WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK,
        [XFER_PWRITE] = WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK,
    };
    bool positioned = kind == XFER_PREAD || kind == XFER_PWRITE;
    uint32_t result_ptr = (uint32_t)(positioned ? slots[4] : slots[3]);
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], rights[kind], &f);
    if (err)
        return wasi_return(slots, err);
    if (f->filetype == WASI_FILETYPE_DIRECTORY)
        return wasi_return(slots, WASI_EISDIR);
    uint8_t *result = wasi_guest(mem, mem_size, result_ptr, 4);
    if (!result)
        return wasi_return(slots, WASI_EFAULT);
    struct plat_iovec inline_iov[INLINE_IOVS], *iov;
    uint32_t count = (uint32_t)slots[2];
    err = wasi_iovecs(mem, mem_size, (uint32_t)slots[1], count, inline_iov, INLINE_IOVS, &iov);
    if (err)
        return wasi_return(slots, err);
    size_t n = 0;
    switch (kind) {
    case XFER_READ:
        err = plat_fd_read(f->handle, iov, count, &n);
        break;
    case XFER_WRITE:
        err = plat_fd_write(f->handle, iov, count, &n);
        break;
    case XFER_PREAD:
        err = slots[3] > (uint64_t)INT64_MAX ? WASI_EINVAL
                                             : plat_fd_pread(f->handle, iov, count, slots[3], &n);
        break;
    case XFER_PWRITE:
        err = slots[3] > (uint64_t)INT64_MAX ? WASI_EINVAL
                                             : plat_fd_pwrite(f->handle, iov, count, slots[3], &n);
        break;
    }
    wasi_iovecs_free(iov, inline_iov);
    if (err == WASI_ESUCCESS)
        wasi_st32(result, (uint32_t)n);
    return wasi_return(slots, err);
}

/* fd_read(fd, iovs, iovs_len) -> (errno, size) */
int wasi_fd_read(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    return transfer(call, slots, mem, mem_size, XFER_READ);
}

int wasi_fd_write(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    return transfer(call, slots, mem, mem_size, XFER_WRITE);
}

/* fd_pread(fd, iovs, iovs_len, offset) -> (errno, size) */
int wasi_fd_pread(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    return transfer(call, slots, mem, mem_size, XFER_PREAD);
}

int wasi_fd_pwrite(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    return transfer(call, slots, mem, mem_size, XFER_PWRITE);
}

/* fd_prestat_get(fd) -> (errno, prestat) */
int wasi_fd_prestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                        uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], 0, &f);
    if (err == WASI_ESUCCESS && !f->preopen)
        err = WASI_EBADF;
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], WASI_PRESTAT_SIZE);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    memset(out, 0, WASI_PRESTAT_SIZE);
    wasi_st8(out, WASI_PREOPENTYPE_DIR);
    wasi_st32(out + 4, (uint32_t)strlen(f->preopen));
    return wasi_return(slots, WASI_ESUCCESS);
}

/* fd_prestat_dir_name(fd, path: ptr<u8>, path_len: size) -> errno */
int wasi_fd_prestat_dir_name(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                             uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], 0, &f);
    if (err == WASI_ESUCCESS && !f->preopen)
        err = WASI_EBADF;
    if (err)
        return wasi_return(slots, err);
    size_t n = strlen(f->preopen);
    uint32_t len = (uint32_t)slots[2];
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], len);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    if (len < n)
        return wasi_return(slots, WASI_ENAMETOOLONG);
    memcpy(out, f->preopen, n);
    return wasi_return(slots, WASI_ESUCCESS);
}

/* fd_readdir(fd, buf, buf_len, cookie) -> (errno, size). Entries (24-byte header + name) are
 * written back to back; the last one is cut at buf_len, and bufused == buf_len tells the guest that
 * there may be more. */
int wasi_fd_readdir(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_READDIR, &f);
    if (err)
        return wasi_return(slots, err);
    if (f->filetype != WASI_FILETYPE_DIRECTORY)
        return wasi_return(slots, WASI_ENOTDIR);
    uint32_t len = (uint32_t)slots[2];
    uint8_t *buf = wasi_guest(mem, mem_size, (uint32_t)slots[1], len);
    uint8_t *used = wasi_guest(mem, mem_size, (uint32_t)slots[4], 4);
    if (!buf || !used)
        return wasi_return(slots, WASI_EFAULT);
    uint64_t cookie = slots[3];
    uint32_t pos = 0;
    char name[256];
    while (pos < len) {
        struct plat_dirent d;
        size_t name_len;
        bool end;
        err = plat_fd_readdir(f->handle, cookie, &d, name, sizeof name, &name_len, &end);
        if (err)
            return wasi_return(slots, err);
        if (end)
            break;
        if (name_len > sizeof name)
            name_len = sizeof name;   /* no host name is longer (NAME_MAX is 255) */
        uint8_t hdr[WASI_DIRENT_SIZE] = {0};
        wasi_st64(hdr + 0, d.next);
        wasi_st64(hdr + 8, d.ino);
        wasi_st32(hdr + 16, (uint32_t)name_len);
        wasi_st8(hdr + 20, d.filetype);
        uint32_t n = len - pos < WASI_DIRENT_SIZE ? len - pos : WASI_DIRENT_SIZE;
        memcpy(buf + pos, hdr, n);
        pos += n;
        n = len - pos < name_len ? len - pos : (uint32_t)name_len;
        memcpy(buf + pos, name, n);
        pos += n;
        cookie = d.next;
    }
    wasi_st32(used, pos);
    return wasi_return(slots, WASI_ESUCCESS);
}

/* fd_renumber(fd, to) -> errno: `to` is closed first (it must be open), `fd` moves there. */
int wasi_fd_renumber(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_ctx *ctx = ctx_of(call);
    uint32_t from = (uint32_t)slots[0], to = (uint32_t)slots[1];
    struct wasi_fd *f, *t;
    int err = wasi_fd_get(ctx, from, 0, &f);
    if (err == WASI_ESUCCESS)
        err = wasi_fd_get(ctx, to, 0, &t);
    if (err)
        return wasi_return(slots, err);
    if (from == to)
        return wasi_return(slots, WASI_ESUCCESS);
    wasi_fd_remove(ctx, to);
    ctx->fds[to] = ctx->fds[from];
    memset(&ctx->fds[from], 0, sizeof ctx->fds[from]);
    return wasi_return(slots, WASI_ESUCCESS);
}

/* fd_seek(fd, offset: filedelta, whence) -> (errno, filesize) */
int wasi_fd_seek(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    int64_t offset = (int64_t)slots[1];
    uint32_t whence = (uint32_t)slots[2];
    uint64_t need = offset == 0 && whence == WASI_WHENCE_CUR
                        ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], 0, &f);
    if (err == WASI_ESUCCESS && f->filetype == WASI_FILETYPE_DIRECTORY)
        err = WASI_EISDIR;
    if (err == WASI_ESUCCESS && (f->rights_base & need) != need &&
        !(need == WASI_RIGHT_FD_TELL && (f->rights_base & WASI_RIGHT_FD_SEEK)))
        err = WASI_ENOTCAPABLE;
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[3], 8);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    if (whence > WASI_WHENCE_END)
        return wasi_return(slots, WASI_EINVAL);
    uint64_t pos;
    err = plat_fd_seek(f->handle, offset, (uint8_t)whence, &pos);
    if (err == WASI_ESUCCESS)
        wasi_st64(out, pos);
    return wasi_return(slots, err);
}

/* fd_tell(fd) -> (errno, filesize) */
int wasi_fd_tell(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = simple(call, (uint32_t)slots[0], WASI_RIGHT_FD_TELL, &f);
    if (err == WASI_ESUCCESS && f->filetype == WASI_FILETYPE_DIRECTORY)
        err = WASI_EISDIR;
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[1], 8);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    uint64_t pos;
    err = plat_fd_seek(f->handle, 0, WASI_WHENCE_CUR, &pos);
    if (err == WASI_ESUCCESS)
        wasi_st64(out, pos);
    return wasi_return(slots, err);
}
