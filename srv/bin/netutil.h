/* srv/bin/netutil.h — what ping, ifconfig and netstat share: IPv4 text <-> u32 (host byte order, as
 * sdk/walos_net.h passes addresses) and a sleep that parks the process (WASI poll_oneoff through
 * nanosleep), never a busy loop. */
#ifndef SRV_BIN_NETUTIL_H
#define SRV_BIN_NETUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Parses dotted-quad "A.B.C.D" (each 0..255, nothing after); false when s is anything else. */
static inline bool netutil_parse_ip(const char *s, uint32_t *ip_out)
{
    uint32_t ip = 0;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (v > 255 || digits > 3)
            return false;
        if (i < 3 && *s++ != '.')
            return false;
        ip = ip << 8 | v;
    }
    if (*s)
        return false;
    *ip_out = ip;
    return true;
}

/* Writes "A.B.C.D" into out (at least 16 bytes); returns out. */
static inline char *netutil_ip_str(uint32_t ip, char *out)
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(ip >> 24), (unsigned)(ip >> 16 & 0xff),
             (unsigned)(ip >> 8 & 0xff), (unsigned)(ip & 0xff));
    return out;
}

/* Monotonic nanoseconds (WASI clock_time_get). */
static inline uint64_t netutil_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleeps ns nanoseconds (the process is parked). */
static inline void netutil_sleep_ns(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL);
}

#endif /* SRV_BIN_NETUTIL_H */
