/* kernel/drivers/rtc.h — the CMOS real-time clock: wall-clock time at boot.
 * rtc_read waits out an update in progress and reads until two reads agree (BCD and 12-hour modes
 * handled). It spins for at most about 2 s on a broken RTC; not for IRQ context. */
#ifndef KERNEL_DRIVERS_RTC_H
#define KERNEL_DRIVERS_RTC_H

#include <stdint.h>

struct rtc_time {
    uint16_t year;  /* e.g. 2026 */
    uint8_t month;  /* 1-12 */
    uint8_t day;    /* 1-31 */
    uint8_t hour, minute, second;
};

/* returns 0, or -1 when the RTC never settled */
int rtc_read(struct rtc_time *out);
/* seconds since 1970-01-01 00:00:00 UTC (the RTC is taken to hold UTC, as QEMU's does) */
int64_t rtc_to_unix(const struct rtc_time *t);

#endif
