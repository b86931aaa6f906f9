/* spin NAME [SECONDS]: CPU-bound for SECONDS (default 3) of wall time, printing "spin NAME tick K"
 * every half second; without preemption a second spinner could not print until this one ends. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "?";
    long long secs = argc > 2 ? atoi(argv[2]) : 3;
    long long start = now_ms(), next = start + 500;
    volatile unsigned long x = 0;
    int tick = 0;
    while (now_ms() - start < secs * 1000) {
        for (int i = 0; i < 10000; i++)
            x += (unsigned long)i * 2654435761u;
        if (now_ms() >= next) {
            printf("spin %s tick %d\n", name, ++tick);
            next += 500;
        }
    }
    printf("spin %s done after %d ticks (%lu)\n", name, tick, x & 1);
    return 0;
}
