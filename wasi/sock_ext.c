/* wasi/sock_ext.c — the WasmEdge socket extension: what preview1 lacks to open, bind, listen and
 * connect sockets, UDP, socket options, addresses and name resolution.
 *
 * Imported from `wasi_snapshot_preview1`, as WasmEdge and the Mewz unikernel do, with WasmEdge's
 * signatures and layouts (second-state/wasmedge_wasi_socket src/socket.rs: the `wasi_sock` extern
 * block, WasiAddress, WasiAddrinfo, WasiSockaddr; WasmEdge lib/host/wasi/wasifunc.cpp for the host
 * side). The guest view, every field little-endian, pointers and sizes u32 (wasm32):
 *
 *   address  { buf: u32 @0, size: u32 @4 }        what `addr` arguments point at; buf holds
 *            size 4: IPv4 bytes, size 16: IPv6 bytes (the original form),
 *            size >= 18: family u16 @0 (1 IPv4, 2 IPv6), then the address bytes @2 (the 128-byte form
 *            used by sock_recv_from)
 *   addrinfo { flags u16 @0, family u8 @2, socktype u8 @3, protocol u8 @4, addrlen u32 @8,
 *              addr u32 @12 -> sockaddr, canonname u32 @16, canonnamelen u32 @20, next u32 @24 } 28 B
 *   sockaddr { family u8 @0, sa_data_len u32 @4, sa_data u32 @8 }                            12 B
 *            sa_data as POSIX's sockaddr after the family: port (big-endian) @0, then the IPv4
 *            address @2 (14 bytes in all), or flowinfo @2, IPv6 address @6, scope id @22 (26 bytes)
 *
 * Families: 1 IPv4, 2 IPv6. Types: 1 datagram (UDP), 2 stream (TCP). Port arguments are u32 in
 * host order. Errors are WASI errnos, plus WasmEdge's WASI_EAI_* (77..87) from sock_getaddrinfo.
 * sock_open and sock_getaddrinfo need wasi_ctx_allow_net (WASI_EACCES otherwise). */
#include "wasi/wasi_priv.h"

#define INLINE_IOVS 16
#define ADDRESS_SIZE 8         /* guest `address` struct */
#define ADDRINFO_SIZE 28
#define SOCKADDR_SIZE 12
#define PREFIXED_MIN 18        /* a family-prefixed address buffer holds at least an IPv6 one */
#define MAX_RESULTS 16         /* sock_getaddrinfo results per call */
#define MAX_NAME 256           /* node or service, with its NUL */

static bool is_socket(const struct wasi_fd *f)
{
    return f->filetype == WASI_FILETYPE_SOCKET_STREAM || f->filetype == WASI_FILETYPE_SOCKET_DGRAM;
}

/* The open socket `fd` with `rights`: WASI_EBADF, WASI_ENOTCAPABLE, WASI_ENOTSOCK. */
static int get_socket(struct wasm_host_call *call, uint64_t fd, uint64_t rights,
                      struct wasi_fd **out)
{
    int err = wasi_fd_get(call->host_data, (uint32_t)fd, rights, out);
    if (err == WASI_ESUCCESS && !is_socket(*out))
        err = WASI_ENOTSOCK;
    return err;
}

static size_t addr_len(uint8_t family) { return family == PLAT_AF_INET6 ? 16 : 4; }

/* Reads the guest `address` at ptr (with port) into *out. WASI_EFAULT, WASI_EINVAL (size),
 * WASI_EAFNOSUPPORT (prefixed family). */
static int read_address(uint8_t *mem, uint64_t mem_size, uint32_t ptr, uint32_t port,
                        struct plat_sockaddr *out)
{
    const uint8_t *a = wasi_guest(mem, mem_size, ptr, ADDRESS_SIZE);
    if (!a)
        return WASI_EFAULT;
    uint32_t size = wasi_ld32(a + 4);
    const uint8_t *buf = wasi_guest(mem, mem_size, wasi_ld32(a), size);
    if (!buf)
        return WASI_EFAULT;
    if (port > 0xffff)
        return WASI_EINVAL;
    memset(out, 0, sizeof *out);
    out->port = (uint16_t)port;
    if (size == 4 || size == 16) {
        out->family = size == 4 ? PLAT_AF_INET4 : PLAT_AF_INET6;
        memcpy(out->addr, buf, size);
        return WASI_ESUCCESS;
    }
    if (size < PREFIXED_MIN)
        return WASI_EINVAL;
    uint16_t family = wasi_ld16(buf);
    if (family != PLAT_AF_INET4 && family != PLAT_AF_INET6)
        return WASI_EAFNOSUPPORT;
    out->family = (uint8_t)family;
    memcpy(out->addr, buf + 2, addr_len(out->family));
    return WASI_ESUCCESS;
}

/* Writes `a` into the guest `address` at ptr (raw when its size is under PREFIXED_MIN, else
 * family-prefixed). WASI_EFAULT, WASI_EINVAL (buffer too small). */
static int write_address(uint8_t *mem, uint64_t mem_size, uint32_t ptr,
                         const struct plat_sockaddr *a)
{
    const uint8_t *g = wasi_guest(mem, mem_size, ptr, ADDRESS_SIZE);
    if (!g)
        return WASI_EFAULT;
    uint32_t size = wasi_ld32(g + 4);
    uint8_t *buf = wasi_guest(mem, mem_size, wasi_ld32(g), size);
    if (!buf)
        return WASI_EFAULT;
    size_t n = addr_len(a->family);
    if (size < PREFIXED_MIN) {
        if (size < n)
            return WASI_EINVAL;
        memcpy(buf, a->addr, n);
        return WASI_ESUCCESS;
    }
    wasi_st16(buf, a->family);
    memcpy(buf + 2, a->addr, n);
    return WASI_ESUCCESS;
}

/* sock_open(af: u8, type: u8, fd_out: *u32) -> errno */
int wasi_sock_open(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    uint32_t family = (uint32_t)slots[0], type = (uint32_t)slots[1];
    uint8_t *fd_out = wasi_guest(mem, mem_size, (uint32_t)slots[2], 4);
    if (!ctx->net_allowed)
        return wasi_return(slots, WASI_EACCES);
    if (!fd_out)
        return wasi_return(slots, WASI_EFAULT);
    if (family != PLAT_AF_INET4 && family != PLAT_AF_INET6)
        return wasi_return(slots, WASI_EAFNOSUPPORT);
    if (type != PLAT_SOCK_DGRAM && type != PLAT_SOCK_STREAM)
        return wasi_return(slots, WASI_EPROTOTYPE);
    plat_handle h;
    int err = plat_sock_open((uint8_t)family, (uint8_t)type, &h);
    if (err)
        return wasi_return(slots, err);
    struct wasi_fd e = {
        .handle = h, .owned = true,
        .filetype = type == PLAT_SOCK_STREAM ? WASI_FILETYPE_SOCKET_STREAM
                                             : WASI_FILETYPE_SOCKET_DGRAM,
        .rights_base = WASI_RIGHTS_SOCKET, .rights_inheriting = WASI_RIGHTS_SOCKET,
    };
    return wasi_fd_install(ctx, &e, fd_out, slots);
}

/* sock_bind(fd, addr: *address, port: u32) -> errno */
int wasi_sock_bind(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_fd *f;
    struct plat_sockaddr a;
    int err = get_socket(call, slots[0], 0, &f);
    if (err == WASI_ESUCCESS)
        err = read_address(mem, mem_size, (uint32_t)slots[1], (uint32_t)slots[2], &a);
    if (err == WASI_ESUCCESS)
        err = plat_sock_bind(f->handle, &a);
    return wasi_return(slots, err);
}

/* sock_listen(fd, backlog: u32) -> errno */
int wasi_sock_listen(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)mem, (void)mem_size;
    struct wasi_fd *f;
    int err = get_socket(call, slots[0], 0, &f);
    if (err == WASI_ESUCCESS && f->filetype != WASI_FILETYPE_SOCKET_STREAM)
        err = WASI_ENOTSUP;
    if (err == WASI_ESUCCESS)
        err = plat_sock_listen(f->handle, (int32_t)(uint32_t)slots[1] < 0 ? 128
                                                                          : (int32_t)slots[1]);
    return wasi_return(slots, err);
}

/* sock_connect(fd, addr: *address, port: u32) -> errno */
int wasi_sock_connect(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct wasi_fd *f;
    struct plat_sockaddr a;
    int err = get_socket(call, slots[0], 0, &f);
    if (err == WASI_ESUCCESS)
        err = read_address(mem, mem_size, (uint32_t)slots[1], (uint32_t)slots[2], &a);
    if (err == WASI_ESUCCESS)
        err = plat_sock_connect(f->handle, &a);
    return wasi_return(slots, err);
}

/* sock_getlocaladdr / sock_getpeeraddr (fd, addr: *address, addr_type_out: *u32 (4 or 6),
 * port_out: *u32) -> errno */
static int get_addr(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                    bool peer)
{
    struct wasi_fd *f;
    int err = get_socket(call, slots[0], 0, &f);
    if (err)
        return wasi_return(slots, err);
    uint8_t *type_out = wasi_guest(mem, mem_size, (uint32_t)slots[2], 4);
    uint8_t *port_out = wasi_guest(mem, mem_size, (uint32_t)slots[3], 4);
    if (!type_out || !port_out)
        return wasi_return(slots, WASI_EFAULT);
    struct plat_sockaddr a;
    err = plat_sock_addr(f->handle, peer, &a);
    if (err == WASI_ESUCCESS)
        err = write_address(mem, mem_size, (uint32_t)slots[1], &a);
    if (err == WASI_ESUCCESS) {
        wasi_st32(type_out, a.family == PLAT_AF_INET6 ? 6 : 4);
        wasi_st32(port_out, a.port);
    }
    return wasi_return(slots, err);
}

int wasi_sock_getlocaladdr(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                           uint64_t mem_size)
{
    return get_addr(call, slots, mem, mem_size, false);
}

int wasi_sock_getpeeraddr(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                          uint64_t mem_size)
{
    return get_addr(call, slots, mem, mem_size, true);
}

#define SOL_SOCKET_LEVEL 0     /* WasmEdge's only level */

/* sock_setsockopt(fd, level: i32, name: i32, flag: *i32, flag_size: u32) -> errno */
int wasi_sock_setsockopt(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                         uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = get_socket(call, slots[0], 0, &f);
    if (err)
        return wasi_return(slots, err);
    if ((uint32_t)slots[1] != SOL_SOCKET_LEVEL)
        return wasi_return(slots, WASI_ENOPROTOOPT);
    if ((uint32_t)slots[4] != 4)
        return wasi_return(slots, WASI_EINVAL);
    const uint8_t *flag = wasi_guest(mem, mem_size, (uint32_t)slots[3], 4);
    if (!flag)
        return wasi_return(slots, WASI_EFAULT);
    return wasi_return(slots, plat_sock_set_option(f->handle, (uint32_t)slots[2],
                                                   (int32_t)wasi_ld32(flag)));
}

/* sock_getsockopt(fd, level: i32, name: i32, flag: *i32, flag_size: *u32) -> errno; *flag_size is
 * the buffer's size on entry (at least 4) and 4 on return. */
int wasi_sock_getsockopt(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                         uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = get_socket(call, slots[0], 0, &f);
    if (err)
        return wasi_return(slots, err);
    if ((uint32_t)slots[1] != SOL_SOCKET_LEVEL)
        return wasi_return(slots, WASI_ENOPROTOOPT);
    uint8_t *size = wasi_guest(mem, mem_size, (uint32_t)slots[4], 4);
    uint8_t *flag = wasi_guest(mem, mem_size, (uint32_t)slots[3], 4);
    if (!size || !flag)
        return wasi_return(slots, WASI_EFAULT);
    if (wasi_ld32(size) < 4)
        return wasi_return(slots, WASI_EINVAL);
    int32_t v;
    err = plat_sock_get_option(f->handle, (uint32_t)slots[2], &v);
    if (err == WASI_ESUCCESS) {
        wasi_st32(flag, (uint32_t)v);
        wasi_st32(size, 4);
    }
    return wasi_return(slots, err);
}

/* sock_send_to(fd, si_data: ciovec_array, si_data_len, addr: *address, port: u32, si_flags: u16,
 * n_out: *u32) -> errno */
int wasi_sock_send_to(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                      uint64_t mem_size)
{
    struct wasi_fd *f;
    struct plat_sockaddr to;
    int err = get_socket(call, slots[0], WASI_RIGHT_FD_WRITE, &f);
    if (err == WASI_ESUCCESS)
        err = read_address(mem, mem_size, (uint32_t)slots[3], (uint32_t)slots[4], &to);
    if (err)
        return wasi_return(slots, err);
    uint8_t *n_out = wasi_guest(mem, mem_size, (uint32_t)slots[6], 4);
    if (!n_out)
        return wasi_return(slots, WASI_EFAULT);
    struct plat_iovec inline_iov[INLINE_IOVS], *iov;
    uint32_t count = (uint32_t)slots[2];
    err = wasi_iovecs(mem, mem_size, (uint32_t)slots[1], count, inline_iov, INLINE_IOVS, &iov);
    if (err)
        return wasi_return(slots, err);
    size_t n = 0;
    err = plat_sock_send_to(f->handle, iov, count, &to, &n);
    wasi_iovecs_free(iov, inline_iov);
    if (err == WASI_ESUCCESS)
        wasi_st32(n_out, (uint32_t)n);
    return wasi_return(slots, err);
}

/* sock_recv_from(fd, ri_data: iovec_array, ri_data_len, addr: *address, ri_flags: u16,
 * port_out: *u32, n_out: *u32, roflags_out: *u32) -> errno */
int wasi_sock_recv_from(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                        uint64_t mem_size)
{
    struct wasi_fd *f;
    int err = get_socket(call, slots[0], WASI_RIGHT_FD_READ, &f);
    if (err)
        return wasi_return(slots, err);
    uint8_t *addr = wasi_guest(mem, mem_size, (uint32_t)slots[3], ADDRESS_SIZE);
    uint8_t *port_out = wasi_guest(mem, mem_size, (uint32_t)slots[5], 4);
    uint8_t *n_out = wasi_guest(mem, mem_size, (uint32_t)slots[6], 4);
    uint8_t *flags_out = wasi_guest(mem, mem_size, (uint32_t)slots[7], 4);
    if (!addr || !port_out || !n_out || !flags_out ||
        !wasi_guest(mem, mem_size, wasi_ld32(addr), wasi_ld32(addr + 4)))
        return wasi_return(slots, WASI_EFAULT);
    struct plat_iovec inline_iov[INLINE_IOVS], *iov;
    uint32_t count = (uint32_t)slots[2];
    err = wasi_iovecs(mem, mem_size, (uint32_t)slots[1], count, inline_iov, INLINE_IOVS, &iov);
    if (err)
        return wasi_return(slots, err);
    size_t n = 0;
    uint16_t roflags = 0;
    struct plat_sockaddr from;
    memset(&from, 0, sizeof from);
    err = plat_sock_recv_from(f->handle, iov, count, (uint16_t)slots[4], &n, &roflags, &from);
    wasi_iovecs_free(iov, inline_iov);
    if (err == WASI_ESUCCESS)
        err = write_address(mem, mem_size, (uint32_t)slots[3], &from);
    if (err == WASI_ESUCCESS) {
        wasi_st32(port_out, from.port);
        wasi_st32(n_out, (uint32_t)n);
        wasi_st32(flags_out, roflags);
    }
    return wasi_return(slots, err);
}

/* Copies a guest string (ptr, len; a trailing NUL allowed, none inside) into buf as a C string, or
 * sets *null for an empty one. WASI_EFAULT, WASI_EINVAL. */
static int read_name(uint8_t *mem, uint64_t mem_size, uint32_t ptr, uint32_t len, char *buf,
                     bool *null)
{
    const uint8_t *s = wasi_guest(mem, mem_size, ptr, len);
    if (!s)
        return WASI_EFAULT;
    while (len > 0 && s[len - 1] == 0)
        len--;
    *null = len == 0;
    if (len >= MAX_NAME)
        return WASI_EINVAL;
    for (uint32_t i = 0; i < len; i++)
        if (s[i] == 0)
            return WASI_EINVAL;
    memcpy(buf, s, len);
    buf[len] = 0;
    return WASI_ESUCCESS;
}

/* Fills one guest addrinfo at p (checked) and its sockaddr. WASI_EFAULT when its sockaddr or
 * sa_data is outside memory. sa_data gets at most sa_data_len bytes (IPv4 needs 14, IPv6 26), and
 * sa_data_len becomes the count written. */
static int put_addrinfo(uint8_t *mem, uint64_t mem_size, uint8_t *p, const struct plat_addrinfo *r)
{
    uint8_t data[26];
    memset(data, 0, sizeof data);
    data[0] = (uint8_t)(r->addr.port >> 8);
    data[1] = (uint8_t)r->addr.port;
    size_t need = 14;
    if (r->addr.family == PLAT_AF_INET6) {
        memcpy(data + 6, r->addr.addr, 16);
        need = 26;
    } else {
        memcpy(data + 2, r->addr.addr, 4);
    }
    wasi_st8(p + 2, r->addr.family);
    wasi_st8(p + 3, r->type);
    wasi_st8(p + 4, r->protocol);
    wasi_st32(p + 8, r->addr.family == PLAT_AF_INET6 ? 28 : 16);   /* POSIX sockaddr sizes */
    wasi_st32(p + 20, 0);                                           /* no canonical name */
    uint8_t *sa = wasi_guest(mem, mem_size, wasi_ld32(p + 12), SOCKADDR_SIZE);
    if (!sa)
        return WASI_EFAULT;
    uint32_t cap = wasi_ld32(sa + 4);
    uint32_t n = cap < need ? cap : (uint32_t)need;
    uint8_t *dst = wasi_guest(mem, mem_size, wasi_ld32(sa + 8), n);
    if (!dst)
        return WASI_EFAULT;
    wasi_st8(sa, r->addr.family);
    wasi_st32(sa + 4, n);
    memcpy(dst, data, n);
    return WASI_ESUCCESS;
}

/* sock_getaddrinfo(node: *u8, node_len, service: *u8, service_len, hints: *addrinfo,
 * res: *u32 (-> the first of a guest-linked addrinfo chain), max_len, res_len_out: *u32) -> errno */
int wasi_sock_getaddrinfo(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                          uint64_t mem_size)
{
    struct wasi_ctx *ctx = call->host_data;
    if (!ctx->net_allowed)
        return wasi_return(slots, WASI_EACCES);
    char node[MAX_NAME], service[MAX_NAME];
    bool no_node, no_service;
    int err = read_name(mem, mem_size, (uint32_t)slots[0], (uint32_t)slots[1], node, &no_node);
    if (err == WASI_ESUCCESS)
        err = read_name(mem, mem_size, (uint32_t)slots[2], (uint32_t)slots[3], service,
                        &no_service);
    if (err)
        return wasi_return(slots, err);
    const uint8_t *hints = wasi_guest(mem, mem_size, (uint32_t)slots[4], ADDRINFO_SIZE);
    const uint8_t *res = wasi_guest(mem, mem_size, (uint32_t)slots[5], 4);
    uint8_t *res_len = wasi_guest(mem, mem_size, (uint32_t)slots[7], 4);
    if (!hints || !res || !res_len)
        return wasi_return(slots, WASI_EFAULT);
    if (no_node && no_service)
        return wasi_return(slots, WASI_EAI_NONAME);
    uint32_t max = (uint32_t)slots[6];
    if (max == 0)
        return wasi_return(slots, WASI_EAI_MEMORY);
    uint8_t family = hints[2], type = hints[3];
    if (family > PLAT_AF_INET6)
        return wasi_return(slots, WASI_EAI_FAMILY);
    if (type > PLAT_SOCK_STREAM)
        return wasi_return(slots, WASI_EAI_SOCKTYPE);
    struct plat_addrinfo results[MAX_RESULTS];
    size_t n = 0;
    err = plat_getaddrinfo(no_node ? NULL : node, no_service ? NULL : service, family, type,
                           results, max < MAX_RESULTS ? max : MAX_RESULTS, &n);
    if (err)
        return wasi_return(slots, err);
    uint32_t at = wasi_ld32(res), written = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = wasi_guest(mem, mem_size, at, ADDRINFO_SIZE);
        if (!p)
            return wasi_return(slots, WASI_EFAULT);
        err = put_addrinfo(mem, mem_size, p, &results[i]);
        if (err)
            return wasi_return(slots, err);
        written++;
        at = wasi_ld32(p + 24);
        if (at == 0)
            break;
    }
    wasi_st32(res_len, written);
    return wasi_return(slots, WASI_ESUCCESS);
}
