/* date [-u] [+%s] — prints the realtime clock as "YYYY-MM-DD HH:MM:SS UTC" (or seconds since the
 * epoch with +%s). walos keeps UTC; -u is accepted for habit. */
#include <time.h>
#include "prog.h"

int main(int argc, char **argv)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return prog_fail("date", "clock");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "+%s") == 0) {
            printf("%lld\n", (long long)ts.tv_sec);
            return 0;
        }
        if (strcmp(argv[i], "-u") != 0) {
            fprintf(stderr, "usage: date [-u] [+%%s]\n");
            return 2;
        }
    }
    struct tm tm;
    time_t t = ts.tv_sec;
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("%s\n", buf);
    return 0;
}
