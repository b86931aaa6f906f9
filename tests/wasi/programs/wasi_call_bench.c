/* Benchmark (not a test): the cost of cheap WASI calls from inside wasm, in ns per call.
 * Built both to wasm32-wasi (run by walos-run) and natively (the same calls as Linux syscalls), so
 * one run prints both sides (natively also clock_gettime through the vDSO, which makes no syscall).
 * argv[1]: iterations (default 1,000,000). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#else
#include <sys/syscall.h>
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int fd = open("/dev/null", O_WRONLY);
    volatile unsigned long long sink = 0;
    double t0 = now();
    for (long i = 0; i < n; i++) {
#ifdef __wasi__
        __wasi_timestamp_t ts;
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &ts))
            return 1;
        sink += ts;
#else
        struct timespec ts;
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);   /* a real syscall, not the vDSO */
        sink += ts.tv_nsec;
#endif
    }
    double t1 = now();
    char c = 0;
    for (long i = 0; i < n; i++) {
#ifdef __wasi__
        __wasi_ciovec_t iov = {(const uint8_t *)&c, 0};
        __wasi_size_t w;
        if (__wasi_fd_write(fd, &iov, 1, &w))
            return 1;
#else
        if (write(fd, &c, 0) < 0)
            return 1;
#endif
    }
    double t2 = now();
    printf("%s clock_time_get(monotonic)%s: %.1f ns/call\n",
#ifdef __wasi__
           "wasm ",
#else
           "native",
#endif
#ifdef __wasi__
           "",
#else
           " as a syscall",
#endif
           (t1 - t0) / n);
    printf("%s fd_write(0 bytes, /dev/null): %.1f ns/call\n",
#ifdef __wasi__
           "wasm ",
#else
           "native",
#endif
           (t2 - t1) / n);
#ifndef __wasi__
    double t3 = now();
    for (long i = 0; i < n; i++) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);   /* the vDSO: no kernel entry */
        sink += ts.tv_nsec;
    }
    printf("native clock_gettime via the vDSO (no syscall): %.1f ns/call\n", (now() - t3) / n);
#endif
    return (int)(sink & 0);
}
