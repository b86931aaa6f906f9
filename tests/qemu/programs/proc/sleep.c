/* sleep: sleeps one second (poll_oneoff) and checks that it took about a second of wall time but
 * almost no CPU time (the process was parked, not spinning). Exits 0 when both hold. */
#include <stdio.h>
#include <time.h>

static long long ms(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
    long long w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
    struct timespec d = {1, 0};
    nanosleep(&d, NULL);
    long long wall = ms(CLOCK_MONOTONIC) - w0, cpu = ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("sleep: slept %lld ms wall, %lld ms cpu\n", wall, cpu);
    return wall >= 1000 && wall < 3000 && cpu < 100 ? 0 : 1;
}
