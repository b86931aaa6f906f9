/* Clocks, sleeping, poll with a timeout, and random bytes. Prints "clocks ok". */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define STEP(cond) do { if (!(cond)) { printf("failed: %s (errno %d)\n", #cond, errno); return 1; } } while (0)

static long long ns(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

int main(void)
{
    STEP(ns(CLOCK_REALTIME) > 1600000000ll * 1000000000ll);
    long long t0 = ns(CLOCK_MONOTONIC);
    struct timespec d = {0, 20 * 1000000};
    STEP(nanosleep(&d, NULL) == 0);
    long long t1 = ns(CLOCK_MONOTONIC);
    STEP(t1 - t0 >= 20 * 1000000);
    STEP(poll(NULL, 0, 30) == 0);             /* poll_oneoff with one clock */
    STEP(ns(CLOCK_MONOTONIC) - t1 >= 30 * 1000000);
    struct timespec res;
    STEP(clock_getres(CLOCK_MONOTONIC, &res) == 0);
    STEP(ns(CLOCK_PROCESS_CPUTIME_ID) > 0);
    unsigned char r[32] = {0};
    STEP(getentropy(r, sizeof r) == 0);
    int zeros = 0;
    for (int i = 0; i < 32; i++)
        zeros += r[i] == 0;
    STEP(zeros < 8);
    printf("clocks ok\n");
    return 0;
}
