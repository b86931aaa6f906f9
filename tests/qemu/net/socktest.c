/* tests/qemu/net/socktest.c — the kernel's socket platform (kernel/proc/platform_kernel_sock.c) seen
 * from a program in walos, over the loopback interface only: run as a service with allow-net=yes by
 * net-httpd-sockapi.test, shipped as /bin/test/socktest.wasm (srv/httpd/rules.mk).
 *
 * One table of named checks, each printing "ok NAME" or "FAIL NAME: why", then "socktest: N passed,
 * N failed"; exit status 1 when one failed. Covered: IPv6 refused (EAFNOSUPPORT), bad type, options
 * (SO_TYPE, SO_ACCEPTCONN, read-only and unknown names), UDP over 127.0.0.1 with the sender's
 * address, TCP over 127.0.0.1: a non-blocking connect (INPROGRESS, poll_oneoff for writing, SO_ERROR
 * 0), accept, local and peer addresses, data both ways through fd_write/fd_read and sock_send/recv,
 * shutdown giving end of stream, EAGAIN on an empty non-blocking socket, poll_oneoff readiness of a
 * listener, a refused blocking connect (ECONNREFUSED), getaddrinfo of localhost and a service name,
 * closing with unread data.
 *
 * `socktest leak` opens sockets (a TCP listener on 127.0.0.1:7300 with one accepted connection, a UDP
 * endpoint on 7301) and exits without closing them; `socktest watch` (net-httpd-sockleak.test) first
 * waits until the stack lists them as owned (walos_net sockets, sdk/walos_net.h), then until the
 * leaker's exit has given every one of them back: no PCB stays owned, the listener and the UDP
 * endpoint are gone.
 *
 * `socktest idle PORT` (net-sock-wake.test) listens on 127.0.0.1:PORT, parks in a blocking accept,
 * sends "bye" to the one connection and exits. `socktest pingpong N PORT` waits until that listener
 * exists (walos_net sockets), makes N one-byte round trips between two of its own sockets over
 * 127.0.0.1 (tens of thousands of socket events; it parks in a 1 ms sleep every 20, so the scheduler
 * looks at the parked idle one a thousand times), then connects to PORT and prints what it hears:
 * the parked process must have been woken by its own socket only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "sdk/walos_net.h"
#include "sdk/wasmedge_socket.h"

#include <stdbool.h>
#include <time.h>

static int passed, failed;
static char why[160];

#define CHECK(cond, ...)                                  \
    do {                                                  \
        if (!(cond)) {                                    \
            snprintf(why, sizeof why, __VA_ARGS__);       \
            return 1;                                     \
        }                                                 \
    } while (0)

static uint8_t loop_ip[4] = {127, 0, 0, 1};

static uint32_t open_sock(uint32_t type)
{
    uint32_t fd = 0;
    return wasmedge_sock_open(WASMEDGE_AF_INET4, type, &fd) ? 0 : fd;
}

static int getopt_int(uint32_t fd, int name, int32_t *v)
{
    uint32_t size = 4;
    return (int)wasmedge_sock_getsockopt(fd, WASMEDGE_SOL_SOCKET, name, v, &size);
}

/* Waits (poll_oneoff, 10 s at most) until fd is readable (rw 0) or writable (rw 1); 0 when it is. */
static int wait_for(uint32_t fd, int rw)
{
    __wasi_subscription_t sub[2] = {
        {.userdata = 1, .u = {.tag = rw ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ,
                              .u = {.fd_read = {.file_descriptor = fd}}}},
        {.userdata = 2, .u = {.tag = __WASI_EVENTTYPE_CLOCK,
                              .u = {.clock = {.id = __WASI_CLOCKID_MONOTONIC, .timeout = 10000000000ull}}}},
    };
    __wasi_event_t ev[2];
    __wasi_size_t n = 0;
    if (__wasi_poll_oneoff(sub, ev, 2, &n) != 0)
        return -1;
    for (__wasi_size_t i = 0; i < n; i++)
        if (ev[i].userdata == 1 && ev[i].error == 0)
            return 0;
    return -1;
}

static int t_families(void)
{
    uint32_t fd;
    CHECK(wasmedge_sock_open(WASMEDGE_AF_INET6, WASMEDGE_SOCK_STREAM, &fd) == __WASI_ERRNO_AFNOSUPPORT,
          "IPv6 not refused");
    uint32_t e = wasmedge_sock_open(WASMEDGE_AF_INET4, 9, &fd);
    CHECK(e != 0, "type 9 accepted");
    return 0;
}

static int t_options(void)
{
    uint32_t s = open_sock(WASMEDGE_SOCK_STREAM), u = open_sock(WASMEDGE_SOCK_DGRAM);
    CHECK(s && u, "open");
    int32_t v = -1, one = 1;
    CHECK(getopt_int(s, WASMEDGE_SO_TYPE, &v) == 0 && v == WASMEDGE_SOCK_STREAM, "SO_TYPE stream %d", v);
    CHECK(getopt_int(u, WASMEDGE_SO_TYPE, &v) == 0 && v == WASMEDGE_SOCK_DGRAM, "SO_TYPE dgram %d", v);
    CHECK(wasmedge_sock_setsockopt(s, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_TYPE, &one, 4) == __WASI_ERRNO_INVAL,
          "SO_TYPE set");
    CHECK(wasmedge_sock_setsockopt(s, WASMEDGE_SOL_SOCKET, 99, &one, 4) == __WASI_ERRNO_NOPROTOOPT, "name 99");
    CHECK(wasmedge_sock_setsockopt(s, WASMEDGE_SOL_SOCKET, WASMEDGE_SO_REUSEADDR, &one, 4) == 0, "REUSEADDR");
    CHECK(getopt_int(s, WASMEDGE_SO_REUSEADDR, &v) == 0 && v == 1, "REUSEADDR reads %d", v);
    CHECK(wasmedge_sock_listen(u, 4) == __WASI_ERRNO_NOTSUP, "listen on UDP");
    (void)__wasi_fd_close(s);
    (void)__wasi_fd_close(u);
    return 0;
}

static int t_udp(void)
{
    uint32_t a = open_sock(WASMEDGE_SOCK_DGRAM), b = open_sock(WASMEDGE_SOCK_DGRAM);
    CHECK(a && b, "open");
    wasmedge_address lo = {loop_ip, 4};
    CHECK(wasmedge_sock_bind(a, &lo, 7001) == 0, "bind a");
    CHECK(wasmedge_sock_bind(b, &lo, 7002) == 0, "bind b");
    uint32_t c = open_sock(WASMEDGE_SOCK_DGRAM);
    CHECK(wasmedge_sock_bind(c, &lo, 7001) == __WASI_ERRNO_ADDRINUSE, "port in use not refused");
    (void)__wasi_fd_close(c);
    __wasi_ciovec_t out = {(const uint8_t *)"datagram", 8};
    uint32_t sent = 0;
    CHECK(wasmedge_sock_send_to(b, &out, 1, &lo, 7001, 0, &sent) == 0 && sent == 8, "send_to");
    char buf[64];
    uint8_t from[128];
    wasmedge_address fa = {from, sizeof from};
    __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
    uint32_t port = 0, got = 0, ro = 0;
    uint32_t e = wasmedge_sock_recv_from(a, &in, 1, &fa, 0, &port, &got, &ro); /* blocking: parks */
    CHECK(e == 0 && got == 8 && !memcmp(buf, "datagram", 8), "recv_from e=%u got=%u", e, got);
    CHECK(port == 7002 && from[2] == 127 && from[5] == 1, "sender %u.%u.%u.%u:%u", from[2], from[3],
          from[4], from[5], port);
    (void)__wasi_fd_close(a);
    (void)__wasi_fd_close(b);
    return 0;
}

static int t_tcp(void)
{
    uint32_t l = open_sock(WASMEDGE_SOCK_STREAM), c = open_sock(WASMEDGE_SOCK_STREAM);
    CHECK(l && c, "open");
    wasmedge_address lo = {loop_ip, 4};
    CHECK(wasmedge_sock_bind(l, &lo, 7100) == 0 && wasmedge_sock_listen(l, 8) == 0, "listen");
    int32_t v = 0;
    CHECK(getopt_int(l, WASMEDGE_SO_ACCEPTCONN, &v) == 0 && v == 1, "ACCEPTCONN %d", v);
    CHECK(__wasi_fd_fdstat_set_flags(c, __WASI_FDFLAGS_NONBLOCK) == 0, "nonblock");
    uint32_t e = wasmedge_sock_connect(c, &lo, 7100);
    CHECK(e == __WASI_ERRNO_INPROGRESS || e == 0, "non-blocking connect gave %u", e);
    CHECK(wait_for(c, 1) == 0, "connect never writable");
    CHECK(getopt_int(c, WASMEDGE_SO_ERROR, &v) == 0 && v == 0, "SO_ERROR %d", v);
    CHECK(wait_for(l, 0) == 0, "listener never readable");
    __wasi_fd_t s;
    CHECK(__wasi_sock_accept(l, 0, &s) == 0, "accept");
    uint8_t ab[128];
    wasmedge_address aa = {ab, sizeof ab};
    uint32_t kind = 0, port = 0;
    CHECK(wasmedge_sock_getpeeraddr(s, &aa, &kind, &port) == 0 && kind == 4 && ab[2] == 127, "peer");
    uint32_t cport = 0;
    CHECK(wasmedge_sock_getlocaladdr(c, &aa, &kind, &cport) == 0 && cport == port, "ports %u %u", cport,
          port);
    CHECK(wasmedge_sock_getlocaladdr(s, &aa, &kind, &port) == 0 && port == 7100, "local port %u", port);
    /* client -> server with fd_write, server reads with sock_recv (blocking: parks until it comes) */
    __wasi_ciovec_t w = {(const uint8_t *)"hello server", 12};
    __wasi_size_t n = 0;
    CHECK(__wasi_fd_write(c, &w, 1, &n) == 0 && n == 12, "fd_write");
    char buf[64] = {0};
    __wasi_iovec_t r = {(uint8_t *)buf, sizeof buf};
    __wasi_roflags_t ro;
    size_t have = 0;
    while (have < 12) {
        r.buf = (uint8_t *)buf + have;
        r.buf_len = sizeof buf - have;
        CHECK(__wasi_sock_recv(s, &r, 1, 0, &n, &ro) == 0 && n > 0, "sock_recv");
        have += n;
    }
    CHECK(!memcmp(buf, "hello server", 12), "server got %.12s", buf);
    /* server -> client with sock_send, then shutdown: the client reads it and then end of stream */
    __wasi_ciovec_t sv = {(const uint8_t *)"hi client", 9};
    CHECK(__wasi_sock_send(s, &sv, 1, 0, &n) == 0 && n == 9, "sock_send");
    CHECK(__wasi_sock_shutdown(s, __WASI_SDFLAGS_WR) == 0, "shutdown");
    CHECK(wait_for(c, 0) == 0, "client never readable");
    have = 0;
    for (int i = 0; i < 100; i++) {
        r.buf = (uint8_t *)buf + have;
        r.buf_len = sizeof buf - have;
        e = __wasi_fd_read(c, &r, 1, &n);
        if (e == __WASI_ERRNO_AGAIN) {
            CHECK(wait_for(c, 0) == 0, "client stalled");
            continue;
        }
        CHECK(e == 0, "fd_read %u", e);
        if (n == 0)
            break;
        have += n;
    }
    CHECK(have == 9 && !memcmp(buf, "hi client", 9), "client got %zu bytes", have);
    /* nothing more from the client yet: a non-blocking server socket says EAGAIN */
    CHECK(__wasi_fd_fdstat_set_flags(s, __WASI_FDFLAGS_NONBLOCK) == 0, "nonblock s");
    CHECK(__wasi_sock_recv(s, &r, 1, 0, &n, &ro) == __WASI_ERRNO_AGAIN, "no EAGAIN");
    (void)__wasi_fd_close(c);
    CHECK(wait_for(s, 0) == 0, "close not seen");
    CHECK(__wasi_sock_recv(s, &r, 1, 0, &n, &ro) == 0 && n == 0, "no end of stream after close");
    (void)__wasi_fd_close(s);
    (void)__wasi_fd_close(l);
    return 0;
}

static int t_refused(void)
{
    uint32_t c = open_sock(WASMEDGE_SOCK_STREAM);
    CHECK(c, "open");
    wasmedge_address lo = {loop_ip, 4};
    uint32_t e = wasmedge_sock_connect(c, &lo, 7999); /* blocking: parks until the RST */
    CHECK(e == __WASI_ERRNO_CONNREFUSED, "connect to a closed port gave %u", e);
    (void)__wasi_fd_close(c);
    return 0;
}

static int t_getaddrinfo(void)
{
    wasmedge_addrinfo hints = {.family = WASMEDGE_AF_INET4}, res[4];
    wasmedge_sockaddr sa[4];
    uint8_t data[4][26];
    memset(res, 0, sizeof res);
    for (int i = 0; i < 4; i++) {
        sa[i] = (wasmedge_sockaddr){.sa_data_len = sizeof data[i], .sa_data = data[i]};
        res[i].addr = &sa[i];
        res[i].next = i + 1 < 4 ? &res[i + 1] : NULL;
    }
    wasmedge_addrinfo *first = res;
    uint32_t n = 0, e = wasmedge_sock_getaddrinfo("localhost", 9, "http", 4, &hints, &first, 4, &n);
    CHECK(e == 0 && n >= 1, "localhost http: e=%u n=%u", e, n);
    CHECK(res[0].socktype == WASMEDGE_SOCK_STREAM && data[0][0] == 0 && data[0][1] == 80 &&
          data[0][2] == 127 && data[0][5] == 1, "first result");
    e = wasmedge_sock_getaddrinfo("localhost", 9, "no-such-service", 15, &hints, &first, 4, &n);
    CHECK(e == WASMEDGE_EAI_SERVICE, "unknown service gave %u", e);
    hints.family = WASMEDGE_AF_INET6;
    e = wasmedge_sock_getaddrinfo("localhost", 9, "80", 2, &hints, &first, 4, &n);
    CHECK(e == WASMEDGE_EAI_FAMILY, "IPv6 hints gave %u", e);
    return 0;
}

/* a connection closed with unread data (RST), then the listener closed with one waiting */
static int t_close_unread(void)
{
    uint32_t l = open_sock(WASMEDGE_SOCK_STREAM), c = open_sock(WASMEDGE_SOCK_STREAM);
    wasmedge_address lo = {loop_ip, 4};
    CHECK(wasmedge_sock_bind(l, &lo, 7200) == 0 && wasmedge_sock_listen(l, 2) == 0, "listen");
    CHECK(wasmedge_sock_connect(c, &lo, 7200) == 0, "blocking connect");
    __wasi_ciovec_t w = {(const uint8_t *)"unread", 6};
    __wasi_size_t n;
    CHECK(__wasi_sock_send(c, &w, 1, 0, &n) == 0, "send");
    __wasi_fd_t s;
    CHECK(__wasi_sock_accept(l, 0, &s) == 0, "accept");
    CHECK(wait_for(s, 0) == 0, "data never came");
    (void)__wasi_fd_close(s); /* unread data: RST */
    uint32_t c2 = open_sock(WASMEDGE_SOCK_STREAM);
    CHECK(wasmedge_sock_connect(c2, &lo, 7200) == 0, "second connect");
    (void)__wasi_fd_close(l); /* resets the unaccepted one */
    (void)__wasi_fd_close(c);
    (void)__wasi_fd_close(c2);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(void);
} tests[] = {
    {"families", t_families},     {"options", t_options}, {"udp_loopback", t_udp},
    {"tcp_loopback", t_tcp},      {"refused", t_refused}, {"getaddrinfo", t_getaddrinfo},
    {"close_unread", t_close_unread},
};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int leak(void)
{
    uint32_t l = open_sock(WASMEDGE_SOCK_STREAM), c = open_sock(WASMEDGE_SOCK_STREAM);
    uint32_t u = open_sock(WASMEDGE_SOCK_DGRAM);
    wasmedge_address lo = {loop_ip, 4};
    __wasi_fd_t s;
    if (!l || !c || !u || wasmedge_sock_bind(l, &lo, 7300) || wasmedge_sock_listen(l, 4) ||
        wasmedge_sock_connect(c, &lo, 7300) || __wasi_sock_accept(l, 0, &s) || wasmedge_sock_bind(u, &lo, 7301)) {
        printf("socktest: leak: FAIL setting up\n");
        return 1;
    }
    printf("socktest: leak: exiting with its sockets open\n");
    fflush(stdout);
    sleep_ms(1000);
    return 0;
}

/* Counts the stack's sockets on the leaker's ports: owned ones, and its listener and UDP endpoint. */
static void count_leaked(int *owned_out, int *endpoints_out)
{
    static struct walos_net_socket list[512];
    uint32_t n = 0;
    *owned_out = *endpoints_out = 0;
    if (walos_net_sockets(list, sizeof list, &n) != 0)
        return;
    if (n > sizeof list / sizeof list[0])
        n = sizeof list / sizeof list[0];
    for (uint32_t i = 0; i < n; i++) {
        const struct walos_net_socket *k = &list[i];
        bool ours = k->local_port == 7300 || k->peer_port == 7300 || k->local_port == 7301;
        bool endpoint = k->local_port == 7301 ||
                        (k->local_port == 7300 && k->proto == WALOS_NET_PROTO_TCP && k->state == WALOS_NET_TCP_LISTEN);
        if (endpoint)
            ++*endpoints_out;
        if (ours && (k->flags & WALOS_NET_SOCK_OWNED))
            ++*owned_out;
    }
}

static int watch(void)
{
    int owned = 0, endpoints = 0, i;
    for (i = 0; i < 600 && owned < 4; i++) { /* listener, both ends, UDP: up to 60 s */
        count_leaked(&owned, &endpoints);
        sleep_ms(100);
    }
    if (owned < 4) {
        printf("socktest: watch: FAIL the leaker's 4 sockets never showed (%d owned)\n", owned);
        return 1;
    }
    printf("socktest: watch saw the leaker's sockets\n");
    for (i = 0; i < 600; i++) {
        count_leaked(&owned, &endpoints);
        if (!owned && !endpoints)
            break;
        sleep_ms(100);
    }
    if (owned || endpoints) {
        printf("socktest: watch: FAIL after the leaker ended: %d sockets owned, %d endpoints left\n", owned,
               endpoints);
        return 1;
    }
    printf("socktest: leak check passed (nothing owned, listener and UDP endpoint freed)\n");
    return 0;
}

static int idle(uint32_t port)
{
    uint32_t l = open_sock(WASMEDGE_SOCK_STREAM);
    wasmedge_address lo = {loop_ip, 4};
    __wasi_fd_t s;
    if (!l || wasmedge_sock_bind(l, &lo, port) || wasmedge_sock_listen(l, 4)) {
        printf("socktest: idle: FAIL listening\n");
        return 1;
    }
    if (__wasi_sock_accept(l, 0, &s)) { /* parks until pingpong connects */
        printf("socktest: idle: FAIL accept\n");
        return 1;
    }
    __wasi_ciovec_t w = {(const uint8_t *)"bye\n", 4};
    __wasi_size_t n = 0;
    int err = __wasi_sock_send(s, &w, 1, 0, &n);
    (void)__wasi_fd_close(s);
    (void)__wasi_fd_close(l);
    return err || n != 4;
}

/* Waits (up to 60 s) until the stack lists a TCP listener on port. */
static bool wait_listener(uint32_t port)
{
    static struct walos_net_socket list[512];
    for (int tries = 0; tries < 1200; tries++) {
        uint32_t n = 0;
        if (walos_net_sockets(list, sizeof list, &n) == 0)
            for (uint32_t i = 0; i < n && i < sizeof list / sizeof list[0]; i++)
                if (list[i].proto == WALOS_NET_PROTO_TCP && list[i].state == WALOS_NET_TCP_LISTEN &&
                    list[i].local_port == port)
                    return true;
        sleep_ms(50);
    }
    return false;
}

static int pingpong(long rounds, uint32_t port)
{
    if (!wait_listener(port)) {
        printf("socktest: pingpong: FAIL no listener on %u\n", (unsigned)port);
        return 1;
    }
    uint32_t l = open_sock(WASMEDGE_SOCK_STREAM), c = open_sock(WASMEDGE_SOCK_STREAM);
    wasmedge_address lo = {loop_ip, 4};
    __wasi_fd_t s;
    if (!l || !c || wasmedge_sock_bind(l, &lo, 7500) || wasmedge_sock_listen(l, 4) ||
        wasmedge_sock_connect(c, &lo, 7500) || __wasi_sock_accept(l, 0, &s)) {
        printf("socktest: pingpong: FAIL setting up\n");
        return 1;
    }
    for (long i = 0; i < rounds; i++) {
        uint8_t b = (uint8_t)i, got = 0;
        __wasi_ciovec_t w = {&b, 1};
        __wasi_iovec_t r = {&got, 1};
        __wasi_size_t n = 0;
        __wasi_roflags_t ro;
        int bad = __wasi_sock_send(c, &w, 1, 0, &n) || n != 1 || __wasi_sock_recv(s, &r, 1, 0, &n, &ro) ||
                  n != 1 || got != b;
        w.buf = &got;
        bad = bad || __wasi_sock_send(s, &w, 1, 0, &n) || n != 1 || __wasi_sock_recv(c, &r, 1, 0, &n, &ro) ||
              n != 1 || got != b;
        if (bad) {
            printf("socktest: pingpong: FAIL at round %ld\n", i);
            return 1;
        }
        if (i % 20 == 19)
            sleep_ms(1); /* parks: the scheduler then looks at who else is due to wake */
    }
    printf("socktest: pingpong: %ld round trips\n", rounds);
    (void)__wasi_fd_close(c);
    (void)__wasi_fd_close(s);
    (void)__wasi_fd_close(l);
    uint32_t k = open_sock(WASMEDGE_SOCK_STREAM);
    char buf[64] = {0};
    size_t have = 0;
    if (!k || wasmedge_sock_connect(k, &lo, port)) {
        printf("socktest: pingpong: FAIL connecting to %u\n", (unsigned)port);
        return 1;
    }
    for (;;) {
        __wasi_iovec_t r = {(uint8_t *)buf + have, sizeof buf - 1 - have};
        __wasi_size_t n = 0;
        __wasi_roflags_t ro;
        if (__wasi_sock_recv(k, &r, 1, 0, &n, &ro) || n == 0 || have + n >= sizeof buf - 1)
            break;
        have += n;
    }
    buf[have && buf[have - 1] == '\n' ? have - 1 : have] = 0;
    printf("socktest: pingpong: port %u said \"%s\"\n", (unsigned)port, buf);
    (void)__wasi_fd_close(k);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "idle"))
        return idle((uint32_t)atol(argv[2]));
    if (argc > 3 && !strcmp(argv[1], "pingpong"))
        return pingpong(atol(argv[2]), (uint32_t)atol(argv[3]));
    if (argc > 1 && !strcmp(argv[1], "leak"))
        return leak();
    if (argc > 1 && !strcmp(argv[1], "watch"))
        return watch();
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        why[0] = 0;
        if (tests[i].fn() == 0) {
            passed++;
            printf("ok %s\n", tests[i].name);
        } else {
            failed++;
            printf("FAIL %s: %s\n", tests[i].name, why);
        }
    }
    printf("socktest: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
