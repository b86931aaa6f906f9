/* wasi/sock_fallback.c — weak stand-ins for the platform's socket-extension calls
 * (include/walos/platform.h, "sockets opened by the program").
 *
 * A backend that defines these (host/platform_posix_sock.c) overrides them at link time; one that
 * does not yet (the kernel's kernel/proc, until it maps them onto kernel/net/sock.h) still links,
 * and its programs get WASI_ENOSYS from sock_open, sock_getaddrinfo and the rest. Delete this file
 * once every backend implements them. */
#include "wasi/wasi_priv.h"

#define FALLBACK __attribute__((weak))

FALLBACK int plat_sock_open(uint8_t family, uint8_t type, plat_handle *out)
{
    (void)family, (void)type, (void)out;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_bind(plat_handle h, const struct plat_sockaddr *addr)
{
    (void)h, (void)addr;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_listen(plat_handle h, int32_t backlog)
{
    (void)h, (void)backlog;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_connect(plat_handle h, const struct plat_sockaddr *addr)
{
    (void)h, (void)addr;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_addr(plat_handle h, bool peer, struct plat_sockaddr *out)
{
    (void)h, (void)peer, (void)out;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_send_to(plat_handle h, const struct plat_iovec *iov, size_t count,
                               const struct plat_sockaddr *to, size_t *n_out)
{
    (void)h, (void)iov, (void)count, (void)to, (void)n_out;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_recv_from(plat_handle h, const struct plat_iovec *iov, size_t count,
                                 uint16_t riflags, size_t *n_out, uint16_t *roflags_out,
                                 struct plat_sockaddr *from_out)
{
    (void)h, (void)iov, (void)count, (void)riflags, (void)n_out, (void)roflags_out, (void)from_out;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_set_option(plat_handle h, uint32_t name, int32_t value)
{
    (void)h, (void)name, (void)value;
    return WASI_ENOSYS;
}

FALLBACK int plat_sock_get_option(plat_handle h, uint32_t name, int32_t *value_out)
{
    (void)h, (void)name, (void)value_out;
    return WASI_ENOSYS;
}

FALLBACK int plat_getaddrinfo(const char *node, const char *service, uint8_t family, uint8_t type,
                              struct plat_addrinfo *out, size_t cap, size_t *count_out)
{
    (void)node, (void)service, (void)family, (void)type, (void)out, (void)cap, (void)count_out;
    return WASI_ENOSYS;
}
