/* kernel/drivers/rtc.c — CMOS RTC (contract in rtc.h). Reference: Motorola MC146818A datasheet
 * (registers 0x00-0x0b), and register 0x32 as the century on PCs (ACPI FADT CENTURY default). */
#include "kernel/drivers/rtc.h"

#include <stdbool.h>
#include "kernel/arch/x86_64/cpu.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80
enum { REG_SEC = 0x00, REG_MIN = 0x02, REG_HOUR = 0x04, REG_DAY = 0x07, REG_MONTH = 0x08,
       REG_YEAR = 0x09, REG_A = 0x0a, REG_B = 0x0b, REG_CENTURY = 0x32 };
#define A_UPDATE_IN_PROGRESS 0x80
#define B_24HOUR 0x02
#define B_BINARY 0x04
#define HOUR_PM 0x80

static uint8_t cmos(uint8_t reg)
{
    outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
    return inb(CMOS_DATA);
}

static void read_raw(uint8_t r[7])
{
    static const uint8_t regs[7] = { REG_SEC, REG_MIN, REG_HOUR, REG_DAY, REG_MONTH, REG_YEAR, REG_CENTURY };
    for (int i = 0; i < 7; i++)
        r[i] = cmos(regs[i]);
}

static uint8_t bcd(uint8_t v) { return (uint8_t)((v & 0x0f) + (v >> 4) * 10); }

int rtc_read(struct rtc_time *out)
{
    uint8_t a[7], b[7];
    bool ok = false;
    for (int tries = 0; tries < 1000 && !ok; tries++) {
        for (int spin = 0; spin < 100000 && (cmos(REG_A) & A_UPDATE_IN_PROGRESS); spin++)
            cpu_pause();
        read_raw(a);
        read_raw(b);
        ok = true;
        for (int i = 0; i < 7; i++)
            if (a[i] != b[i])
                ok = false;
    }
    if (!ok)
        return -1;
    uint8_t regb = cmos(REG_B);
    bool pm = a[2] & HOUR_PM;
    a[2] &= (uint8_t)~HOUR_PM;
    if (!(regb & B_BINARY))
        for (int i = 0; i < 7; i++)
            a[i] = bcd(a[i]);
    if (!(regb & B_24HOUR))
        a[2] = (uint8_t)(a[2] % 12 + (pm ? 12 : 0));
    out->second = a[0];
    out->minute = a[1];
    out->hour = a[2];
    out->day = a[3];
    out->month = a[4];
    out->year = (uint16_t)((a[6] ? a[6] : 20) * 100 + a[5]);
    return 0;
}

int64_t rtc_to_unix(const struct rtc_time *t)
{
    /* days from civil date (proleptic Gregorian), H. Hinnant's algorithm */
    int64_t y = t->year - (t->month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (t->month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + t->day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}
