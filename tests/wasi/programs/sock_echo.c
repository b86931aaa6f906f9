/* Accepts one connection on the socket preopened by --tcplisten (fd 3), reads up to 64 bytes and
 * sends them back prefixed with "echo: ". Uses the raw preview1 calls (wasi-libc has no accept). */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void)
{
    __wasi_fd_t conn;
    __wasi_errno_t e = __wasi_sock_accept(3, 0, &conn);
    if (e) {
        printf("accept: errno %d\n", e);
        return 1;
    }
    char buf[64];
    __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n;
    __wasi_roflags_t ro;
    e = __wasi_sock_recv(conn, &in, 1, 0, &n, &ro);
    if (e) {
        printf("recv: errno %d\n", e);
        return 1;
    }
    __wasi_ciovec_t out[2] = {{(const uint8_t *)"echo: ", 6}, {(const uint8_t *)buf, n}};
    __wasi_size_t sent;
    e = __wasi_sock_send(conn, out, 2, 0, &sent);
    if (e || sent != 6 + n) {
        printf("send: errno %d\n", e);
        return 1;
    }
    if (__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR) || __wasi_fd_close(conn))
        return 1;
    printf("served %u bytes\n", (unsigned)n);
    return 0;
}
