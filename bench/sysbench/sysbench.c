/* bench/sysbench/sysbench.c — the system-call microbenchmark of issue 6, one source for both sides:
 * built with gcc -O2 -static for the Linux guest (bench/linux-guest/) and with clang to wasm32-wasi
 * for walos (run at boot with run=...). The only code that differs is osdep_linux.c/osdep_walos.c.
 *
 *   sysbench SELF HELLO DATAFILE [MS [DISKFILE]]
 *       measures; SELF is this program's own path (spawned as the ping-pong partner), HELLO the
 *       hello-world to spawn, DATAFILE a file it creates (64 KiB) and reads (both systems: a file in
 *       memory, /tmp), MS the time per measure (default 500); DISKFILE, when given, a second file
 *       read the same way ("pread4k-disk": walos's FAT32 root through its block cache)
 *   sysbench pong                       the partner: copies stdin to stdout one byte at a time
 *
 * Output, one line per measure, parsed by bench/sidebyside:
 *   sysbench: NAME NS ns xITERATIONS (WHAT IT CALLS)
 * then "sysbench: done". Each measure repeats its call in a loop until MS milliseconds have passed
 * (at least a few iterations), and prints the mean. Timing is clock_gettime(CLOCK_MONOTONIC) on both
 * systems. Figures mean something only next to the other system's from the same run (under TCG). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "osdep.h"

#define DATA_BLOCKS 16     /* the data file: 16 blocks of 4 KiB, read in turn */
#define BLOCK 4096

static struct {
    int devnull;        /* /dev/null, written to */
    int data;           /* the file loop_pread4k reads */
    long failures;      /* calls that returned an error */
    volatile long sink; /* keeps results alive */
    char buf[BLOCK];
} sb;

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---- the call loops: each makes n calls ------------------------------------------------------ */

static void loop_cheap(long n)
{
    for (long i = 0; i < n; i++)
        sb.sink += os_cheap_call();
}

static void loop_write1(long n)
{
    for (long i = 0; i < n; i++)
        if (write(sb.devnull, sb.buf, 1) != 1)
            sb.failures++;
}

static void loop_pread4k(long n)
{
    for (long i = 0; i < n; i++)
        if (pread(sb.data, sb.buf, BLOCK, (off_t)(i % DATA_BLOCKS) * BLOCK) != BLOCK)
            sb.failures++;
}

static void loop_clock(long n)
{
    struct timespec t;
    for (long i = 0; i < n; i++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        sb.sink += t.tv_nsec;
    }
}

static void loop_fdstat(long n)
{
    for (long i = 0; i < n; i++)
        if (fcntl(sb.devnull, F_GETFL) < 0)
            sb.failures++;
}

/* Runs loop with growing counts until one run lasts ms milliseconds; returns ns per call and the
 * count of the run that was kept in *iters. */
static double measure(void (*loop)(long), double ms, long *iters)
{
    long n = 64;
    for (;;) {
        double t0 = now_ns();
        loop(n);
        double dt = now_ns() - t0;
        if (dt >= ms * 1e6 || n >= (1L << 30)) {
            *iters = n;
            return dt / (double)n;
        }
        /* aim at 1.2 x the target from this run's rate, at most 16 times more calls */
        double want = dt > 0 ? ms * 1e6 * 1.2 / (dt / (double)n) : (double)n * 16;
        n = want > (double)n * 16 ? n * 16 : (long)want + 1;
    }
}

static void report(const char *name, double ns, long iters, const char *what)
{
    printf("sysbench: %s %.1f ns x%ld (%s)\n", name, ns, iters, what);
    fflush(stdout);
}

/* ---- processes ----------------------------------------------------------------------------------- */

static int spawn_hello(const char *hello)
{
    const char *argv[] = {hello, NULL};
    long pid;
    int status = -1;
    int err = os_spawn(hello, argv, 0, sb.devnull, &pid);
    if (!err)
        err = os_wait(pid, &status);
    if (err || status) {
        printf("sysbench: error: spawn %s: errno %d, status %d\n", hello, err, status);
        return -1;
    }
    return 0;
}

/* Spawn + wait of the hello-world, repeated for ms (at least 3 times) after one warm-up run. */
static int measure_spawn(const char *hello, double ms)
{
    if (spawn_hello(hello))
        return -1;
    long n = 0;
    double t0 = now_ns(), dt;
    do {
        if (spawn_hello(hello))
            return -1;
        n++;
        dt = now_ns() - t0;
    } while (dt < ms * 1e6 || n < 3);
    report("spawn", dt / (double)n, n, "spawn + wait of a hello-world");
    return 0;
}

/* Two processes bounce one byte over two pipes; each round trip is two switches (and two writes and
 * two reads of one byte). */
static int measure_ctxsw(const char *self, double ms)
{
    int to_child[2], from_child[2];
    if (os_pipe(to_child) || os_pipe(from_child)) {
        printf("sysbench: error: pipe\n");
        return -1;
    }
    const char *argv[] = {self, "pong", NULL};
    long pid;
    int err = os_spawn(self, argv, to_child[0], from_child[1], &pid);
    if (err) {
        printf("sysbench: error: spawn %s pong: errno %d\n", self, err);
        return -1;
    }
    close(to_child[0]);
    close(from_child[1]);
    char c = 'x';
    long n = 0;
    double t0 = now_ns(), dt;
    int ok = 1;
    do {
        for (int k = 0; k < 32 && ok; k++, n++)
            ok = write(to_child[1], &c, 1) == 1 && read(from_child[0], &c, 1) == 1;
        dt = now_ns() - t0;
    } while (ok && dt < ms * 1e6);
    close(to_child[1]); /* the partner reads end of file and exits */
    int status = -1;
    err = os_wait(pid, &status);
    close(from_child[0]);
    if (!ok || err || status) {
        printf("sysbench: error: ping-pong: ok %d, wait errno %d, status %d\n", ok, err, status);
        return -1;
    }
    report("ctxsw", dt / (double)(2 * n), n, "pipe ping-pong between two processes, per switch");
    return 0;
}

static int pong(void)
{
    char c;
    while (read(0, &c, 1) == 1)
        if (write(1, &c, 1) != 1)
            return 1;
    return 0;
}

/* ---- main ---------------------------------------------------------------------------------------- */

static int make_data(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    for (int i = 0; i < DATA_BLOCKS; i++) {
        memset(sb.buf, 'a' + i, BLOCK);
        if (write(fd, sb.buf, BLOCK) != BLOCK) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

static int measure_pread(const char *name, const char *path, double ms)
{
    sb.data = make_data(path);
    if (sb.data < 0) {
        printf("sysbench: error: cannot create %s\n", path);
        return -1;
    }
    long iters;
    double ns = measure(loop_pread4k, ms, &iters);
    report(name, ns, iters, "pread of 4 KiB from a 64 KiB file");
    close(sb.data);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "pong"))
        return pong();
    if (argc < 4) {
        fprintf(stderr, "usage: sysbench SELF HELLO DATAFILE [MS [DISKFILE]] | sysbench pong\n");
        return 2;
    }
    const char *self = argv[1], *hello = argv[2];
    double ms = argc > 4 ? atof(argv[4]) : 500;
    sb.devnull = open("/dev/null", O_WRONLY);
    if (sb.devnull < 0) {
        printf("sysbench: error: cannot open /dev/null\n");
        return 1;
    }
    long iters;
    double ns = measure(loop_cheap, ms, &iters);
    report("getppid", ns, iters, os_cheap_call_name);
    ns = measure(loop_write1, ms, &iters);
    report("write1", ns, iters, "write of 1 byte to /dev/null");
    if (measure_pread("pread4k", argv[3], ms) || (argc > 5 && measure_pread("pread4k-disk", argv[5], ms)))
        return 1;
    ns = measure(loop_clock, ms, &iters);
    report("clock", ns, iters, "clock_gettime(CLOCK_MONOTONIC)");
    ns = measure(loop_fdstat, ms, &iters);
    report("fdstat", ns, iters, "fcntl(F_GETFL), fd_fdstat_get in WASI");
    if (sb.failures) {
        printf("sysbench: error: %ld calls failed\n", sb.failures);
        return 1;
    }
    if (measure_spawn(hello, ms * 2) || measure_ctxsw(self, ms))
        return 1;
    printf("sysbench: done\n");
    return 0;
}
