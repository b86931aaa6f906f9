/* tests/sockets/programs/tcp_upload.c — sends MEGABYTES MiB to HOST:PORT over TCP and closes:
 * resolves with sock_getaddrinfo, connects with sock_connect, writes with sock_send. Block k
 * (64 KiB) holds bytes (j + k) & 0xff, so the receiver can check them without a copy
 * (tests/sockets/run.py). Prints "sent N bytes" and exits 0, or 1 with the failing step.
 *
 *   tcp_upload.wasm HOST PORT MEGABYTES        (under walos-run --allow-net) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "sdk/wasmedge_socket.h"

#define BLOCK 65536

static uint8_t buf[BLOCK];

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tcp_upload.wasm HOST PORT MEGABYTES\n");
        return 2;
    }
    wasmedge_addrinfo hints = {.socktype = WASMEDGE_SOCK_STREAM}, res;
    wasmedge_sockaddr sa;
    uint8_t data[26];
    memset(&res, 0, sizeof res);
    sa = (wasmedge_sockaddr){.sa_data_len = sizeof data, .sa_data = data};
    res.addr = &sa;
    wasmedge_addrinfo *first = &res;
    uint32_t n = 0, fd;
    uint32_t e = wasmedge_sock_getaddrinfo(argv[1], strlen(argv[1]), argv[2], strlen(argv[2]),
                                           &hints, &first, 1, &n);
    if (e || n != 1) {
        printf("getaddrinfo: error %u\n", (unsigned)e);
        return 1;
    }
    int v6 = res.family == WASMEDGE_AF_INET6;
    wasmedge_address addr = {v6 ? data + 6 : data + 2, v6 ? 16 : 4};
    if ((e = wasmedge_sock_open(res.family, WASMEDGE_SOCK_STREAM, &fd)) ||
        (e = wasmedge_sock_connect(fd, &addr, (uint32_t)(data[0] << 8 | data[1])))) {
        printf("open/connect: error %u\n", (unsigned)e);
        return 1;
    }
    unsigned long long blocks = strtoull(argv[3], NULL, 10) * (1024 * 1024 / BLOCK), sent = 0;
    for (unsigned long long k = 0; k < blocks; k++) {
        for (int j = 0; j < BLOCK; j++)
            buf[j] = (uint8_t)(j + k);
        size_t off = 0;
        while (off < BLOCK) {
            __wasi_ciovec_t v = {buf + off, BLOCK - off};
            __wasi_size_t w;
            if ((e = __wasi_sock_send((__wasi_fd_t)fd, &v, 1, 0, &w))) {
                printf("send: error %u after %llu bytes\n", (unsigned)e, sent);
                return 1;
            }
            off += w;
            sent += w;
        }
    }
    if ((e = __wasi_sock_shutdown((__wasi_fd_t)fd, __WASI_SDFLAGS_WR)) ||
        (e = __wasi_fd_close((__wasi_fd_t)fd))) {
        printf("shutdown/close: error %u\n", (unsigned)e);
        return 1;
    }
    printf("sent %llu bytes\n", sent);
    return 0;
}
