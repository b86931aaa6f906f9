/* Accepts one connection on the socket preopened by --tcplisten (fd 3), reads up to 64 bytes and
 * sends them back prefixed with "echo: ". Waits with poll_oneoff for the listener and then the
 * connection to become readable (with a 10 s timeout each). Uses the raw preview1 calls (wasi-libc
 * has no accept). */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

/* poll_oneoff on fd for reading, with a timeout: 0 when readable, 1 on timeout, -1 on error. */
static int wait_readable(__wasi_fd_t fd)
{
    __wasi_subscription_t subs[2] = {
        {.userdata = 1, .u = {.tag = __WASI_EVENTTYPE_FD_READ,
                              .u = {.fd_read = {.file_descriptor = fd}}}},
        {.userdata = 2, .u = {.tag = __WASI_EVENTTYPE_CLOCK,
                              .u = {.clock = {.id = __WASI_CLOCKID_MONOTONIC,
                                              .timeout = 10000000000ull}}}},
    };
    __wasi_event_t ev[2];
    __wasi_size_t n;
    if (__wasi_poll_oneoff(subs, ev, 2, &n) || n < 1 || ev[0].error)
        return -1;
    return ev[0].userdata == 1 ? 0 : 1;
}

int main(void)
{
    __wasi_fd_t conn;
    __wasi_errno_t e;
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(3, &st) || st.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM) {
        printf("fd 3 is not a stream socket\n");
        return 1;
    }
    if (wait_readable(3) != 0) {
        printf("listener never became readable\n");
        return 1;
    }
    e = __wasi_sock_accept(3, 0, &conn);
    if (e) {
        printf("accept: errno %d\n", e);
        return 1;
    }
    if (wait_readable(conn) != 0) {
        printf("connection never became readable\n");
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
