/* wasi/sock.c — sock_accept, sock_recv, sock_send, sock_shutdown (preview1's socket subset).
 *
 * Listening sockets come from the embedder (wasi_ctx_preopen_socket: walos-run --tcplisten, the
 * kernel's socket activation); sock_accept makes connected stream fds from them. The transfers use
 * the same iovec checking and blocking rules as fd_read/fd_write. */
#include "wasi/wasi_priv.h"

#define INLINE_IOVS 16

static bool is_socket(const struct wasi_fd *f)
{
    return f->filetype == WASI_FILETYPE_SOCKET_STREAM || f->filetype == WASI_FILETYPE_SOCKET_DGRAM;
}

/* sock_accept(fd, flags: fdflags) -> (errno, fd) */
int wasi_sock_accept(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    struct wasi_fd *f;
    uint32_t flags = (uint32_t)slots[1];
    int err = wasi_fd_get(ctx, (uint32_t)slots[0], WASI_RIGHT_SOCK_ACCEPT, &f);
    if (err == WASI_ESUCCESS && !is_socket(f))
        err = WASI_ENOTSOCK;
    if (err == WASI_ESUCCESS && (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK))
        err = WASI_EINVAL;
    if (err)
        return wasi_return(slots, err);
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[2], 4);
    if (!out)
        return wasi_return(slots, WASI_EFAULT);
    plat_handle h;
    err = plat_sock_accept(f->handle, (uint16_t)flags, &h);
    if (err)
        return wasi_return(slots, err);
    struct wasi_fd e = {
        .handle = h, .owned = true, .filetype = WASI_FILETYPE_SOCKET_STREAM,
        .rights_base = WASI_RIGHTS_SOCKET & ~WASI_RIGHT_SOCK_ACCEPT, .rights_inheriting = 0,
    };
    return wasi_fd_install(ctx, &e, out, slots);
}

/* sock_recv(fd, ri_data: iovec_array, ri_flags) -> (errno, size, roflags) */
int wasi_sock_recv(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = wasi_fd_get(call->host_data, (uint32_t)slots[0], WASI_RIGHT_FD_READ, &f);
    if (err == WASI_ESUCCESS && !is_socket(f))
        err = WASI_ENOTSOCK;
    if (err)
        return wasi_return(slots, err);
    uint8_t *n_out = wasi_guest(mem, mem_size, (uint32_t)slots[4], 4);
    uint8_t *flags_out = wasi_guest(mem, mem_size, (uint32_t)slots[5], 2);
    if (!n_out || !flags_out)
        return wasi_return(slots, WASI_EFAULT);
    struct plat_iovec inline_iov[INLINE_IOVS], *iov;
    uint32_t count = (uint32_t)slots[2];
    err = wasi_iovecs(mem, mem_size, (uint32_t)slots[1], count, inline_iov, INLINE_IOVS, &iov);
    if (err)
        return wasi_return(slots, err);
    size_t n = 0;
    uint16_t roflags = 0;
    err = plat_sock_recv(f->handle, iov, count, (uint16_t)slots[3], &n, &roflags);
    wasi_iovecs_free(iov, inline_iov);
    if (err == WASI_ESUCCESS) {
        wasi_st32(n_out, (uint32_t)n);
        wasi_st16(flags_out, roflags);
    }
    return wasi_return(slots, err);
}

/* sock_send(fd, si_data: ciovec_array, si_flags) -> (errno, size) */
int wasi_sock_send(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = wasi_fd_get(call->host_data, (uint32_t)slots[0], WASI_RIGHT_FD_WRITE, &f);
    if (err == WASI_ESUCCESS && !is_socket(f))
        err = WASI_ENOTSOCK;
    if (err)
        return wasi_return(slots, err);
    uint8_t *n_out = wasi_guest(mem, mem_size, (uint32_t)slots[4], 4);
    if (!n_out)
        return wasi_return(slots, WASI_EFAULT);
    struct plat_iovec inline_iov[INLINE_IOVS], *iov;
    uint32_t count = (uint32_t)slots[2];
    err = wasi_iovecs(mem, mem_size, (uint32_t)slots[1], count, inline_iov, INLINE_IOVS, &iov);
    if (err)
        return wasi_return(slots, err);
    size_t n = 0;
    err = plat_sock_send(f->handle, iov, count, &n);
    wasi_iovecs_free(iov, inline_iov);
    if (err == WASI_ESUCCESS)
        wasi_st32(n_out, (uint32_t)n);
    return wasi_return(slots, err);
}

/* sock_shutdown(fd, how: sdflags) -> errno */
int wasi_sock_shutdown(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                       uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    uint32_t how = (uint32_t)slots[1];
    int err = wasi_fd_get(call->host_data, (uint32_t)slots[0], 0, &f);
    if (err == WASI_ESUCCESS && !is_socket(f))
        err = WASI_ENOTSOCK;
    if (err == WASI_ESUCCESS && (f->rights_base & WASI_RIGHT_SOCK_SHUTDOWN) == 0)
        err = WASI_ENOTCAPABLE;
    if (err == WASI_ESUCCESS && (how == 0 || (how & ~(uint32_t)(WASI_SDFLAG_RD | WASI_SDFLAG_WR))))
        err = WASI_EINVAL;
    if (err == WASI_ESUCCESS)
        err = plat_sock_shutdown(f->handle, (uint8_t)how);
    return wasi_return(slots, err);
}
