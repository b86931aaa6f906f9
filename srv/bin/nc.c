/* srv/bin/nc.c — a small netcat: send to a TCP server and print its answer; resolve names.
 *
 *   nc [-n BYTES] [-r TRIES] HOST PORT   connect, send stdin (or BYTES of the test pattern), shut the
 *                                        sending side down, copy the answer to stdout until the server
 *                                        closes; retry the connection TRIES times, a second apart
 *                                        (default 1)
 *   nc -s TEXT                           serve once: accept one connection on the first listening
 *                                        socket handed over (a unit's listen=, walos-run
 *                                        --tcplisten), send TEXT and a newline, close, exit 0
 *   nc -l NAME...                        resolve each NAME in turn (sock_getaddrinfo) and print
 *                                        "NAME has address A.B.C.D" for each IPv4 address, or
 *                                        "NAME: cannot resolve (error N)", on stdout
 *
 * Over the WasmEdge socket extension (sdk/wasmedge_socket.h): the runner must allow networking
 * (walos-run --allow-net, a unit's allow-net=yes). The test pattern is byte i = (i * 7 + (i >> 11))
 * & 0xff, the one tests/qemu/net/netcheck.py checks. Exit status 0 on success, 1 otherwise (with a
 * message on stderr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "sdk/wasmedge_socket.h"

#define BUF 65536
#define MAX_ADDRS 8

static char buf[BUF];

static int fail(const char *what, const char *detail, unsigned code)
{
    fprintf(stderr, "nc: %s%s%s (error %u)\n", what, detail ? ": " : "", detail ? detail : "", code);
    return 1;
}

/* Resolves host:port to up to MAX_ADDRS IPv4 stream addresses (4 bytes each) and their port. */
static uint32_t resolve(const char *host, const char *port, uint8_t addrs[][4], uint16_t *port_out,
                        uint32_t *n_out)
{
    wasmedge_addrinfo hints = {.family = WASMEDGE_AF_INET4, .socktype = WASMEDGE_SOCK_STREAM};
    wasmedge_addrinfo res[MAX_ADDRS];
    wasmedge_sockaddr sa[MAX_ADDRS];
    uint8_t data[MAX_ADDRS][26];
    memset(res, 0, sizeof res);
    for (int i = 0; i < MAX_ADDRS; i++) {
        sa[i] = (wasmedge_sockaddr){.sa_data_len = sizeof data[i], .sa_data = data[i]};
        res[i].addr = &sa[i];
        res[i].next = i + 1 < MAX_ADDRS ? &res[i + 1] : NULL;
    }
    wasmedge_addrinfo *first = res;
    uint32_t n = 0;
    uint32_t e = wasmedge_sock_getaddrinfo(host, strlen(host), port, port ? strlen(port) : 0, &hints,
                                           &first, MAX_ADDRS, &n);
    if (e)
        return e;
    *n_out = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (res[i].family != WASMEDGE_AF_INET4)
            continue;
        memcpy(addrs[*n_out], data[i] + 2, 4);
        *port_out = (uint16_t)(data[i][0] << 8 | data[i][1]);
        ++*n_out;
    }
    return 0;
}

static int lookup(const char *name)
{
    uint8_t addrs[MAX_ADDRS][4];
    uint16_t port;
    uint32_t n = 0, e = resolve(name, "0", addrs, &port, &n);
    if (e || !n) {
        printf("%s: cannot resolve (error %u)\n", name, (unsigned)e);
        return 1;
    }
    for (uint32_t i = 0; i < n; i++)
        printf("%s has address %u.%u.%u.%u\n", name, addrs[i][0], addrs[i][1], addrs[i][2], addrs[i][3]);
    return 0;
}

static uint32_t connect_once(const uint8_t addr[4], uint16_t port, uint32_t *fd_out)
{
    uint32_t fd, e = wasmedge_sock_open(WASMEDGE_AF_INET4, WASMEDGE_SOCK_STREAM, &fd);
    if (e)
        return e;
    wasmedge_address a = {(uint8_t *)addr, 4};
    if ((e = wasmedge_sock_connect(fd, &a, port)) != 0) {
        (void)__wasi_fd_close((__wasi_fd_t)fd);
        return e;
    }
    *fd_out = fd;
    return 0;
}

static int send_all(uint32_t fd, const char *p, size_t n)
{
    while (n) {
        __wasi_ciovec_t v = {(const uint8_t *)p, n};
        __wasi_size_t k;
        if (__wasi_sock_send((__wasi_fd_t)fd, &v, 1, 0, &k) != 0)
            return -1;
        p += k;
        n -= k;
    }
    return 0;
}

/* Sends `count` pattern bytes, or stdin when count < 0. */
static int send_data(uint32_t fd, long long count, unsigned long long *sent_out)
{
    unsigned long long off = 0;
    for (;;) {
        size_t n;
        if (count >= 0) {
            if ((long long)off >= count)
                break;
            n = count - (long long)off < BUF ? (size_t)(count - (long long)off) : BUF;
            for (size_t i = 0; i < n; i++) {
                unsigned long long at = off + i;
                buf[i] = (char)((at * 7 + (at >> 11)) & 0xff);
            }
        } else {
            ssize_t r = read(0, buf, BUF);
            if (r < 0)
                return -1;
            if (r == 0)
                break;
            n = (size_t)r;
        }
        if (send_all(fd, buf, n) < 0)
            return -1;
        off += n;
    }
    *sent_out = off;
    return 0;
}

static int copy_answer(uint32_t fd)
{
    for (;;) {
        __wasi_iovec_t v = {(uint8_t *)buf, BUF};
        __wasi_size_t n;
        __wasi_roflags_t ro;
        __wasi_errno_t e = __wasi_sock_recv((__wasi_fd_t)fd, &v, 1, 0, &n, &ro);
        if (e)
            return fail("receive", NULL, e);
        if (n == 0)
            return 0;
        for (size_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, n - off);
            if (w <= 0)
                return fail("write", "stdout", 0);
            off += (size_t)w;
        }
    }
}

/* Accepts one connection on the first preopened stream socket (a blocking sock_accept) and answers. */
static int serve_once(const char *text)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_fdstat_t st;
        if (__wasi_fd_fdstat_get(fd, &st) != 0 || st.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM)
            continue;
        __wasi_fd_t c;
        __wasi_errno_t e = __wasi_sock_accept(fd, 0, &c);
        if (e)
            return fail("accept", NULL, e);
        size_t n = strlen(text);
        memcpy(buf, text, n < BUF - 1 ? n : BUF - 1);
        buf[n < BUF - 1 ? n : BUF - 1] = '\n';
        int rc = send_all(c, buf, (n < BUF - 1 ? n : BUF - 1) + 1) < 0 ? fail("send", NULL, 0) : 0;
        (void)__wasi_sock_shutdown(c, __WASI_SDFLAGS_WR);
        (void)__wasi_fd_close(c);
        return rc;
    }
    return fail("no listening socket was handed over", NULL, 0);
}

int main(int argc, char **argv)
{
    long long count = -1;
    int tries = 1;
    const char *host = NULL, *port = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0 && i + 1 < argc) {
            int rc = 0;
            while (++i < argc)
                rc |= lookup(argv[i]);
            return rc;
        }
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            return serve_once(argv[i + 1]);
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            count = atoll(argv[++i]);
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            tries = atoi(argv[++i]);
        else if (!host)
            host = argv[i];
        else if (!port)
            port = argv[i];
        else
            host = NULL;
    }
    if (!host || !port || tries < 1)
        return fail("usage", "nc [-n BYTES] [-r TRIES] HOST PORT | nc -s TEXT | nc -l NAME...", 0);
    uint8_t addrs[MAX_ADDRS][4];
    uint16_t p;
    uint32_t n = 0, fd = 0, e = resolve(host, port, addrs, &p, &n);
    if (e)
        return fail("cannot resolve", host, e);
    if (!n)
        return fail("no IPv4 address", host, 0);
    for (int t = 0; t < tries; t++) {
        if (t) {
            struct timespec ts = {1, 0};
            nanosleep(&ts, NULL);
        }
        if ((e = connect_once(addrs[0], p, &fd)) == 0)
            break;
    }
    if (e)
        return fail("cannot connect", host, e);
    unsigned long long sent = 0;
    if (send_data(fd, count, &sent) < 0)
        return fail("send", host, 0);
    (void)__wasi_sock_shutdown((__wasi_fd_t)fd, __WASI_SDFLAGS_WR);
    fprintf(stderr, "nc: sent %llu bytes\n", sent);
    int rc = copy_answer(fd);
    (void)__wasi_fd_close((__wasi_fd_t)fd);
    return rc;
}
