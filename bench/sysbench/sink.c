/* bench/sysbench/sink.c — the upload receiver of the TCP throughput benchmark on walos (the Linux
 * guest uses busybox nc): a service with listen=tcp:PORT (socket activation: the listening socket
 * is fd 3), taking one connection at a time, reading until the peer shuts its side, printing
 * "sink: received N bytes", closing, and taking the next. WASI preview1 calls only (sock_accept,
 * sock_recv, poll_oneoff), so it runs under walos-run --tcplisten too. */
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

#define LISTENER 3

static char buf[64 * 1024];

/* sleeps in poll_oneoff until fd is readable (or has a connection to accept) */
static int wait_readable(__wasi_fd_t fd)
{
    __wasi_subscription_t sub = {.userdata = 1, .u = {.tag = __WASI_EVENTTYPE_FD_READ}};
    sub.u.u.fd_read.file_descriptor = fd;
    __wasi_event_t ev;
    __wasi_size_t n;
    return __wasi_poll_oneoff(&sub, &ev, 1, &n) == 0 ? 0 : -1;
}

/* reads fd until end of stream; returns the byte count, -1 on an error */
static long long drain(__wasi_fd_t fd)
{
    long long total = 0;
    for (;;) {
        __wasi_iovec_t v = {(uint8_t *)buf, sizeof buf};
        __wasi_size_t n;
        __wasi_roflags_t ro;
        __wasi_errno_t e = __wasi_sock_recv(fd, &v, 1, 0, &n, &ro);
        if (e == __WASI_ERRNO_AGAIN) {
            if (wait_readable(fd))
                return -1;
            continue;
        }
        if (e)
            return -1;
        if (n == 0)
            return total;
        total += n;
    }
}

int main(void)
{
    for (;;) {
        __wasi_fd_t fd;
        __wasi_errno_t e = __wasi_sock_accept(LISTENER, __WASI_FDFLAGS_NONBLOCK, &fd);
        if (e == __WASI_ERRNO_AGAIN) {
            if (wait_readable(LISTENER))
                return 1;
            continue;
        }
        if (e) {
            fprintf(stderr, "sink: accept on fd %d failed (errno %d)\n", LISTENER, e);
            return 1;
        }
        long long n = drain(fd);
        printf("sink: received %lld bytes\n", n);
        fflush(stdout);
        (void)__wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR);
        (void)__wasi_fd_close(fd);
    }
}
