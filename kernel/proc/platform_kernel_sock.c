/* kernel/proc/platform_kernel_sock.c — the socket calls of include/walos/platform.h that programs
 * use to open sockets themselves (WasmEdge socket extension, wasi/sock_ext.c), for the kernel.
 *
 * Not wired to kernel/net/sock.h yet: every call answers WASI_ENOTSUP (name resolution
 * WASI_ENOTSUP too), so programs see a clean error rather than a missing import. Built only when
 * wasi/sock_ext.c exists (kernel/proc/rules.mk). */
#include <walos/platform.h>

int plat_sock_open(uint8_t family, uint8_t type, plat_handle *out)
{
    (void)family, (void)type;
    *out = PLAT_NO_HANDLE;
    return WASI_ENOTSUP;
}

int plat_sock_bind(plat_handle h, const struct plat_sockaddr *addr)
{
    (void)h, (void)addr;
    return WASI_ENOTSUP;
}

int plat_sock_listen(plat_handle h, int32_t backlog)
{
    (void)h, (void)backlog;
    return WASI_ENOTSUP;
}

int plat_sock_connect(plat_handle h, const struct plat_sockaddr *addr)
{
    (void)h, (void)addr;
    return WASI_ENOTSUP;
}

int plat_sock_addr(plat_handle h, bool peer, struct plat_sockaddr *out)
{
    (void)h, (void)peer, (void)out;
    return WASI_ENOTSUP;
}

int plat_sock_send_to(plat_handle h, const struct plat_iovec *iov, size_t count,
                      const struct plat_sockaddr *to, size_t *n_out)
{
    (void)h, (void)iov, (void)count, (void)to;
    *n_out = 0;
    return WASI_ENOTSUP;
}

int plat_sock_recv_from(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                        size_t *n_out, uint16_t *roflags_out, struct plat_sockaddr *from_out)
{
    (void)h, (void)iov, (void)count, (void)riflags, (void)from_out;
    *n_out = 0;
    *roflags_out = 0;
    return WASI_ENOTSUP;
}

int plat_sock_set_option(plat_handle h, uint32_t name, int32_t value)
{
    (void)h, (void)name, (void)value;
    return WASI_ENOTSUP;
}

int plat_sock_get_option(plat_handle h, uint32_t name, int32_t *value_out)
{
    (void)h, (void)name;
    *value_out = 0;
    return WASI_ENOTSUP;
}

int plat_getaddrinfo(const char *node, const char *service, uint8_t family, uint8_t type,
                     struct plat_addrinfo *out, size_t cap, size_t *count_out)
{
    (void)node, (void)service, (void)family, (void)type, (void)out, (void)cap;
    *count_out = 0;
    return WASI_ENOTSUP;
}
