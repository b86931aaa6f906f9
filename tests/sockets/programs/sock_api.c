/* tests/sockets/programs/sock_api.c — every WasmEdge socket import (sdk/wasmedge_socket.h) against
 * host peers started by tests/sockets/run.py on 127.0.0.1, and an IPv6 pair of its own on ::1.
 *
 *   sock_api.wasm TCP_ECHO_PORT UDP_ECHO_PORT CLOSED_PORT   (under walos-run --allow-net)
 *   sock_api.wasm denied                                     (without --allow-net)
 *
 * Prints one line per check: "ok NAME" or "FAIL NAME: why"; exits 1 if any failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "sdk/wasmedge_socket.h"

static int failures;

static void check(const char *name, int ok, const char *fmt, unsigned a, unsigned b)
{
    if (ok) {
        printf("ok %s\n", name);
    } else {
        printf("FAIL %s: ", name);
        printf(fmt, a, b);
        printf("\n");
        failures++;
    }
}
#define EXPECT_ERRNO(name, got, want) \
    check(name, (got) == (want), "errno %u, expected %u", (unsigned)(got), (unsigned)(want))

static uint8_t loopback4[4] = {127, 0, 0, 1};
static uint8_t loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static uint32_t send_all(uint32_t fd, const char *s)
{
    __wasi_ciovec_t v = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n;
    return __wasi_sock_send(fd, &v, 1, 0, &n);
}

static void close_fd(uint32_t fd)
{
    if (__wasi_fd_close((__wasi_fd_t)fd))
        printf("note: fd_close(%u) failed\n", (unsigned)fd);
}

/* Receives until n bytes or EOF; returns the count. */
static size_t recv_n(uint32_t fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        __wasi_iovec_t v = {(uint8_t *)buf + got, n - got};
        __wasi_size_t k;
        __wasi_roflags_t ro;
        if (__wasi_sock_recv(fd, &v, 1, 0, &k, &ro) || k == 0)
            break;
        got += k;
    }
    return got;
}

/* poll_oneoff on one fd for `type` with a 5 s timeout: 1 ready, 0 timeout or error. */
static int poll_one(uint32_t fd, uint8_t type)
{
    __wasi_subscription_t subs[2] = {
        {.userdata = 1, .u = {.tag = type, .u = {.fd_read = {.file_descriptor = fd}}}},
        {.userdata = 2, .u = {.tag = __WASI_EVENTTYPE_CLOCK,
                              .u = {.clock = {.id = __WASI_CLOCKID_MONOTONIC,
                                              .timeout = 5000000000ull}}}},
    };
    __wasi_event_t ev[2];
    __wasi_size_t n;
    return __wasi_poll_oneoff(subs, ev, 2, &n) == 0 && n >= 1 && ev[0].userdata == 1 &&
           ev[0].error == 0;
}

static void tcp4(uint32_t port, uint32_t closed_port)
{
    /* getaddrinfo "localhost" -> 127.0.0.1:port */
    char service[16];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    wasmedge_addrinfo hints = {.family = WASMEDGE_AF_INET4, .socktype = WASMEDGE_SOCK_STREAM};
    wasmedge_addrinfo res[4];
    wasmedge_sockaddr sa[4];
    uint8_t data[4][26];
    memset(res, 0, sizeof res);
    for (int i = 0; i < 4; i++) {
        sa[i] = (wasmedge_sockaddr){.sa_data_len = 26, .sa_data = data[i]};
        res[i].addr = &sa[i];
        res[i].next = i < 3 ? &res[i + 1] : NULL;
    }
    wasmedge_addrinfo *first = res;
    uint32_t count = 0;
    uint32_t e = wasmedge_sock_getaddrinfo("localhost", 10, service, strlen(service), &hints,
                                           &first, 4, &count);
    EXPECT_ERRNO("getaddrinfo_localhost", e, 0);
    check("getaddrinfo_result", e == 0 && count >= 1 && res[0].family == WASMEDGE_AF_INET4 &&
          res[0].socktype == WASMEDGE_SOCK_STREAM && sa[0].sa_data_len == 14 &&
          memcmp(data[0] + 2, loopback4, 4) == 0 && (data[0][0] << 8 | data[0][1]) == (int)port,
          "count %u, family %u", count, res[0].family);
    e = wasmedge_sock_getaddrinfo("", 0, "", 0, &hints, &first, 4, &count);
    EXPECT_ERRNO("getaddrinfo_empty", e, WASMEDGE_EAI_NONAME);
    e = wasmedge_sock_getaddrinfo("localhost", 9, service, strlen(service), &hints, &first, 0,
                                  &count);
    EXPECT_ERRNO("getaddrinfo_max0", e, WASMEDGE_EAI_MEMORY);
    e = wasmedge_sock_getaddrinfo("localhost", 9, service, strlen(service),
                                  (const wasmedge_addrinfo *)0xfffffff0u, &first, 4, &count);
    EXPECT_ERRNO("getaddrinfo_efault", e, __WASI_ERRNO_FAULT);

    uint32_t fd;
    e = wasmedge_sock_open(WASMEDGE_AF_INET4, WASMEDGE_SOCK_STREAM, &fd);
    EXPECT_ERRNO("open_tcp4", e, 0);
    int32_t one = 1, v = 0;
    uint32_t vsize = 4;
    e = wasmedge_sock_setsockopt(fd, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_KEEPALIVE, &one, 4);
    EXPECT_ERRNO("setsockopt_keepalive", e, 0);
    e = wasmedge_sock_getsockopt(fd, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_KEEPALIVE, &v, &vsize);
    check("getsockopt_keepalive", e == 0 && v != 0 && vsize == 4, "errno %u, value %u", e,
          (unsigned)v);
    e = wasmedge_sock_getsockopt(fd, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_TYPE, &v, &vsize);
    check("getsockopt_type", e == 0 && v == WASMEDGE_SOCK_STREAM, "errno %u, value %u", e,
          (unsigned)v);
    e = wasmedge_sock_setsockopt(fd, WASMEDGE_SOL_SOCKET, 99, &one, 4);
    EXPECT_ERRNO("setsockopt_unknown", e, __WASI_ERRNO_NOPROTOOPT);

    wasmedge_address addr = {loopback4, 4};
    e = wasmedge_sock_connect(fd, &addr, port);
    EXPECT_ERRNO("connect_tcp4", e, 0);
    check("poll_writable", poll_one(fd, __WASI_EVENTTYPE_FD_WRITE), "%u%u", 0, 0);
    e = send_all(fd, "hello over tcp\n");
    EXPECT_ERRNO("send_tcp4", e, 0);
    check("poll_readable", poll_one(fd, __WASI_EVENTTYPE_FD_READ), "%u%u", 0, 0);
    char buf[64] = {0};
    size_t n = recv_n(fd, buf, 15);
    check("echo_tcp4", n == 15 && memcmp(buf, "hello over tcp\n", 15) == 0, "got %u bytes%u",
          (unsigned)n, 0);

    uint8_t ab[16];
    wasmedge_address out = {ab, 16};
    uint32_t kind = 0, p = 0;
    e = wasmedge_sock_getpeeraddr(fd, &out, &kind, &p);
    check("getpeeraddr", e == 0 && kind == 4 && p == port && memcmp(ab, loopback4, 4) == 0,
          "errno %u, port %u", e, p);
    e = wasmedge_sock_getlocaladdr(fd, &out, &kind, &p);
    check("getlocaladdr", e == 0 && kind == 4 && p != 0 && p != port &&
          memcmp(ab, loopback4, 4) == 0, "errno %u, port %u", e, p);
    e = wasmedge_sock_getlocaladdr(fd, (wasmedge_address *)0xfffffffcu, &kind, &p);
    EXPECT_ERRNO("getlocaladdr_efault", e, __WASI_ERRNO_FAULT);
    close_fd(fd);

    /* errors */
    e = wasmedge_sock_open(WASMEDGE_AF_INET4, WASMEDGE_SOCK_STREAM, &fd);
    e = e ? e : wasmedge_sock_connect(fd, &addr, closed_port);
    EXPECT_ERRNO("connect_refused", e, __WASI_ERRNO_CONNREFUSED);
    close_fd(fd);
    e = wasmedge_sock_open(WASMEDGE_AF_INET4, WASMEDGE_SOCK_STREAM, &fd);
    e = e ? e : wasmedge_sock_bind(fd, &addr, port);   /* the host's echo server has it */
    EXPECT_ERRNO("bind_addrinuse", e, __WASI_ERRNO_ADDRINUSE);
    wasmedge_address bad = {(uint8_t *)0xfffffff0u, 4};
    EXPECT_ERRNO("bind_efault_buf", wasmedge_sock_bind(fd, &bad, 0), __WASI_ERRNO_FAULT);
    EXPECT_ERRNO("bind_efault_addr", wasmedge_sock_bind(fd, (wasmedge_address *)0xfffffffcu, 0),
                 __WASI_ERRNO_FAULT);
    wasmedge_address odd = {loopback4, 3};
    EXPECT_ERRNO("bind_bad_size", wasmedge_sock_bind(fd, &odd, 0), __WASI_ERRNO_INVAL);
    close_fd(fd);
    EXPECT_ERRNO("listen_badf", wasmedge_sock_listen(999, 1), __WASI_ERRNO_BADF);
    EXPECT_ERRNO("listen_notsock", wasmedge_sock_listen(1, 1), __WASI_ERRNO_NOTSOCK);
    EXPECT_ERRNO("open_efault", wasmedge_sock_open(1, 2, (uint32_t *)0xfffffffeu),
                 __WASI_ERRNO_FAULT);
    EXPECT_ERRNO("open_bad_family", wasmedge_sock_open(7, 2, &fd), __WASI_ERRNO_AFNOSUPPORT);
}

static void udp4(uint32_t port)
{
    uint32_t fd;
    uint32_t e = wasmedge_sock_open(WASMEDGE_AF_INET4, WASMEDGE_SOCK_DGRAM, &fd);
    EXPECT_ERRNO("open_udp4", e, 0);
    wasmedge_address addr = {loopback4, 4};
    EXPECT_ERRNO("bind_udp4", wasmedge_sock_bind(fd, &addr, 0), 0);
    EXPECT_ERRNO("listen_udp_notsup", wasmedge_sock_listen(fd, 1), __WASI_ERRNO_NOTSUP);
    const char *msg = "ping over udp";
    __wasi_ciovec_t out = {(const uint8_t *)msg, strlen(msg)};
    uint32_t sent = 0;
    e = wasmedge_sock_send_to(fd, &out, 1, &addr, port, 0, &sent);
    check("send_to_udp4", e == 0 && sent == strlen(msg), "errno %u, sent %u", e, sent);
    check("poll_readable_udp", poll_one(fd, __WASI_EVENTTYPE_FD_READ), "%u%u", 0, 0);
    char buf[64] = {0};
    __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
    uint8_t from[128];
    wasmedge_address faddr = {from, sizeof from};
    uint32_t fport = 0, n = 0, ro = 0;
    e = wasmedge_sock_recv_from(fd, &in, 1, &faddr, 0, &fport, &n, &ro);
    check("recv_from_udp4", e == 0 && n == strlen(msg) && memcmp(buf, msg, n) == 0 &&
          fport == port && from[0] == WASMEDGE_AF_INET4 && memcmp(from + 2, loopback4, 4) == 0,
          "errno %u, n %u", e, n);
    e = wasmedge_sock_recv_from(fd, &in, 1, (wasmedge_address *)0xfffffffcu, 0, &fport, &n, &ro);
    EXPECT_ERRNO("recv_from_efault", e, __WASI_ERRNO_FAULT);
    close_fd(fd);
}

static void tcp6(void)
{
    uint32_t l, c, a;
    uint32_t e = wasmedge_sock_open(WASMEDGE_AF_INET6, WASMEDGE_SOCK_STREAM, &l);
    EXPECT_ERRNO("open_tcp6", e, 0);
    int32_t one = 1;
    wasmedge_sock_setsockopt(l, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_REUSEADDR, &one, 4);
    wasmedge_address addr = {loopback6, 16};
    EXPECT_ERRNO("bind_tcp6", wasmedge_sock_bind(l, &addr, 0), 0);
    EXPECT_ERRNO("listen_tcp6", wasmedge_sock_listen(l, 4), 0);
    int32_t v = 0;
    uint32_t vsize = 4;
    e = wasmedge_sock_getsockopt(l, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_ACCEPTCONN, &v, &vsize);
    check("getsockopt_acceptconn", e == 0 && v == 1, "errno %u, value %u", e, (unsigned)v);
    uint8_t ab[128];
    wasmedge_address out = {ab, sizeof ab};   /* family-prefixed form */
    uint32_t kind = 0, port = 0;
    e = wasmedge_sock_getlocaladdr(l, &out, &kind, &port);
    check("getlocaladdr_tcp6", e == 0 && kind == 6 && port != 0 && ab[0] == WASMEDGE_AF_INET6 &&
          memcmp(ab + 2, loopback6, 16) == 0, "errno %u, kind %u", e, kind);
    e = wasmedge_sock_open(WASMEDGE_AF_INET6, WASMEDGE_SOCK_STREAM, &c);
    e = e ? e : wasmedge_sock_connect(c, &addr, port);
    EXPECT_ERRNO("connect_tcp6", e, 0);
    e = __wasi_sock_accept(l, 0, (__wasi_fd_t *)&a);
    EXPECT_ERRNO("accept_tcp6", e, 0);
    send_all(c, "six");
    char buf[8] = {0};
    check("echo_tcp6", recv_n(a, buf, 3) == 3 && memcmp(buf, "six", 3) == 0, "%u%u", 0, 0);
    EXPECT_ERRNO("shutdown_tcp6", __wasi_sock_shutdown(c, __WASI_SDFLAGS_WR), 0);
    check("eof_tcp6", recv_n(a, buf, 1) == 0, "%u%u", 0, 0);
    close_fd(a);
    close_fd(c);
    close_fd(l);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "denied") == 0) {
        uint32_t fd, count;
        wasmedge_addrinfo hints = {0}, *first = &hints;
        EXPECT_ERRNO("open_denied", wasmedge_sock_open(1, 2, &fd), __WASI_ERRNO_ACCES);
        EXPECT_ERRNO("getaddrinfo_denied",
                     wasmedge_sock_getaddrinfo("localhost", 9, "80", 2, &hints, &first, 1,
                                               &count), __WASI_ERRNO_ACCES);
        return failures ? 1 : 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: sock_api.wasm TCP_PORT UDP_PORT CLOSED_PORT | denied\n");
        return 2;
    }
    tcp4((uint32_t)atoi(argv[1]), (uint32_t)atoi(argv[3]));
    udp4((uint32_t)atoi(argv[2]));
    tcp6();
    return failures ? 1 : 0;
}
