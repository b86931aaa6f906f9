/* host/platform_posix_sock.c — include/walos/platform.h, sockets a program opens itself (the WasmEdge
 * socket extension of wasi/sock_ext.c), on POSIX sockets.
 *
 * A plat_handle is a host socket fd (SOCK_CLOEXEC). struct plat_sockaddr becomes sockaddr_in or
 * sockaddr_in6 here and nowhere else. Calls block in place, except under the stress knob
 * (WALOS_RUN_STRESS_BLOCK, host/platform_posix_wasi.c), where every other call that may block
 * answers PLAT_WOULD_BLOCK first with nothing done. Name resolution is the host's getaddrinfo(3). */
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "walos/platform.h"
#include "host/platform_posix_priv.h"

static int fail(void) { return posix_wasi_errno(errno); }

/* struct plat_sockaddr -> sockaddr_storage; returns its length, 0 for an unknown family. */
static socklen_t to_host(const struct plat_sockaddr *a, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof *out);
    if (a->family == PLAT_AF_INET4) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        in->sin_family = AF_INET;
        in->sin_port = htons(a->port);
        memcpy(&in->sin_addr, a->addr, 4);
        return sizeof *in;
    }
    if (a->family == PLAT_AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(a->port);
        memcpy(&in6->sin6_addr, a->addr, 16);
        return sizeof *in6;
    }
    return 0;
}

/* sockaddr -> struct plat_sockaddr; WASI_EAFNOSUPPORT for other families. */
static int from_host(const struct sockaddr *sa, struct plat_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        out->family = PLAT_AF_INET4;
        out->port = ntohs(in->sin_port);
        memcpy(out->addr, &in->sin_addr, 4);
        return WASI_ESUCCESS;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        out->family = PLAT_AF_INET6;
        out->port = ntohs(in6->sin6_port);
        memcpy(out->addr, &in6->sin6_addr, 16);
        return WASI_ESUCCESS;
    }
    return WASI_EAFNOSUPPORT;
}

int plat_sock_open(uint8_t family, uint8_t type, plat_handle *out)
{
    int af = family == PLAT_AF_INET4 ? AF_INET : family == PLAT_AF_INET6 ? AF_INET6 : -1;
    int st = type == PLAT_SOCK_STREAM ? SOCK_STREAM : type == PLAT_SOCK_DGRAM ? SOCK_DGRAM : -1;
    if (af < 0)
        return WASI_EAFNOSUPPORT;
    if (st < 0)
        return WASI_EPROTONOSUPPORT;
    int s = socket(af, st | SOCK_CLOEXEC, 0);
    if (s < 0)
        return fail();
    if (af == AF_INET6) {   /* an IPv6 socket is IPv6 only: the program asked for that family */
        int one = 1;
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    *out = s;
    return WASI_ESUCCESS;
}

int plat_sock_bind(plat_handle h, const struct plat_sockaddr *addr)
{
    struct sockaddr_storage ss;
    socklen_t len = to_host(addr, &ss);
    if (!len)
        return WASI_EAFNOSUPPORT;
    return bind(h, (struct sockaddr *)&ss, len) < 0 ? fail() : WASI_ESUCCESS;
}

int plat_sock_listen(plat_handle h, int32_t backlog)
{
    return listen(h, backlog) < 0 ? fail() : WASI_ESUCCESS;
}

int plat_sock_connect(plat_handle h, const struct plat_sockaddr *addr)
{
    struct sockaddr_storage ss;
    socklen_t len = to_host(addr, &ss);
    if (!len)
        return WASI_EAFNOSUPPORT;
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    int rc;
    do
        rc = connect(h, (struct sockaddr *)&ss, len);
    while (rc < 0 && errno == EINTR);
    return rc < 0 ? fail() : WASI_ESUCCESS;
}

int plat_sock_addr(plat_handle h, bool peer, struct plat_sockaddr *out)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int rc = peer ? getpeername(h, (struct sockaddr *)&ss, &len)
                  : getsockname(h, (struct sockaddr *)&ss, &len);
    return rc < 0 ? fail() : from_host((struct sockaddr *)&ss, out);
}

static size_t iov_count(size_t count) { return count > IOV_MAX ? IOV_MAX : count; }

int plat_sock_send_to(plat_handle h, const struct plat_iovec *iov, size_t count,
                      const struct plat_sockaddr *to, size_t *n_out)
{
    struct sockaddr_storage ss;
    socklen_t len = to_host(to, &ss);
    if (!len)
        return WASI_EAFNOSUPPORT;
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    struct msghdr m = {.msg_name = &ss, .msg_namelen = len, .msg_iov = (struct iovec *)iov,
                       .msg_iovlen = iov_count(count)};
    ssize_t n = sendmsg(h, &m, MSG_NOSIGNAL);
    if (n < 0)
        return fail();
    *n_out = (size_t)n;
    return WASI_ESUCCESS;
}

int plat_sock_recv_from(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                        size_t *n_out, uint16_t *roflags_out, struct plat_sockaddr *from_out)
{
    if (posix_stress_block())
        return PLAT_WOULD_BLOCK;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct msghdr m = {.msg_name = &ss, .msg_namelen = sizeof ss,
                       .msg_iov = (struct iovec *)iov, .msg_iovlen = iov_count(count)};
    int flags = (riflags & WASI_RIFLAG_RECV_PEEK ? MSG_PEEK : 0) |
                (riflags & WASI_RIFLAG_RECV_WAITALL ? MSG_WAITALL : 0);
    ssize_t n = recvmsg(h, &m, flags);
    if (n < 0)
        return fail();
    if (m.msg_namelen == 0 || ss.ss_family == AF_UNSPEC) {   /* a stream: the peer */
        socklen_t len = sizeof ss;
        if (getpeername(h, (struct sockaddr *)&ss, &len) < 0)
            return fail();
    }
    int err = from_host((struct sockaddr *)&ss, from_out);
    if (err)
        return err;
    *n_out = (size_t)n;
    *roflags_out = m.msg_flags & MSG_TRUNC ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0;
    return WASI_ESUCCESS;
}

/* PLAT_SO_* -> SOL_SOCKET option; -1 when unknown. */
static int option_of(uint32_t name)
{
    switch (name) {
    case PLAT_SO_REUSEADDR: return SO_REUSEADDR;
    case PLAT_SO_TYPE: return SO_TYPE;
    case PLAT_SO_ERROR: return SO_ERROR;
    case PLAT_SO_BROADCAST: return SO_BROADCAST;
    case PLAT_SO_SNDBUF: return SO_SNDBUF;
    case PLAT_SO_RCVBUF: return SO_RCVBUF;
    case PLAT_SO_KEEPALIVE: return SO_KEEPALIVE;
    case PLAT_SO_ACCEPTCONN: return SO_ACCEPTCONN;
    default: return -1;
    }
}

int plat_sock_set_option(plat_handle h, uint32_t name, int32_t value)
{
    int opt = option_of(name);
    if (opt < 0)
        return WASI_ENOPROTOOPT;
    if (name == PLAT_SO_TYPE || name == PLAT_SO_ERROR || name == PLAT_SO_ACCEPTCONN)
        return WASI_EINVAL;
    int v = value;
    return setsockopt(h, SOL_SOCKET, opt, &v, sizeof v) < 0 ? fail() : WASI_ESUCCESS;
}

int plat_sock_get_option(plat_handle h, uint32_t name, int32_t *value_out)
{
    int opt = option_of(name);
    if (opt < 0)
        return WASI_ENOPROTOOPT;
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(h, SOL_SOCKET, opt, &v, &len) < 0)
        return fail();
    if (name == PLAT_SO_TYPE)   /* WasmEdge's numbers, not the host's */
        v = v == SOCK_STREAM ? PLAT_SOCK_STREAM : PLAT_SOCK_DGRAM;
    else if (name == PLAT_SO_ERROR)
        v = v ? posix_wasi_errno(v) : 0;
    *value_out = v;
    return WASI_ESUCCESS;
}

static int eai_errno(int e)
{
    switch (e) {
    case EAI_ADDRFAMILY: return WASI_EAI_ADDRFAMILY;
    case EAI_AGAIN: return WASI_EAI_AGAIN;
    case EAI_BADFLAGS: return WASI_EAI_BADFLAGS;
    case EAI_FAIL: return WASI_EAI_FAIL;
    case EAI_FAMILY: return WASI_EAI_FAMILY;
    case EAI_MEMORY: return WASI_EAI_MEMORY;
    case EAI_NODATA: return WASI_EAI_NODATA;
    case EAI_NONAME: return WASI_EAI_NONAME;
    case EAI_SERVICE: return WASI_EAI_SERVICE;
    case EAI_SOCKTYPE: return WASI_EAI_SOCKTYPE;
    default: return WASI_EAI_SYSTEM;
    }
}

int plat_getaddrinfo(const char *node, const char *service, uint8_t family, uint8_t type,
                     struct plat_addrinfo *out, size_t cap, size_t *count_out)
{
    struct addrinfo hints = {
        .ai_family = family == PLAT_AF_INET4 ? AF_INET : family == PLAT_AF_INET6 ? AF_INET6
                                                                                 : AF_UNSPEC,
        .ai_socktype = type == PLAT_SOCK_STREAM ? SOCK_STREAM : type == PLAT_SOCK_DGRAM
                                                                    ? SOCK_DGRAM : 0,
    };
    struct addrinfo *res;
    int rc = getaddrinfo(node, service, &hints, &res);
    if (rc)
        return eai_errno(rc);
    size_t n = 0;
    for (struct addrinfo *r = res; r && n < cap; r = r->ai_next) {
        if (r->ai_socktype != SOCK_STREAM && r->ai_socktype != SOCK_DGRAM)
            continue;
        if (from_host(r->ai_addr, &out[n].addr) != WASI_ESUCCESS)
            continue;
        out[n].type = r->ai_socktype == SOCK_STREAM ? PLAT_SOCK_STREAM : PLAT_SOCK_DGRAM;
        out[n].protocol = r->ai_protocol == IPPROTO_TCP ? 1 : r->ai_protocol == IPPROTO_UDP ? 2 : 0;
        n++;
    }
    freeaddrinfo(res);
    *count_out = n;
    return n ? WASI_ESUCCESS : WASI_EAI_NONAME;
}
