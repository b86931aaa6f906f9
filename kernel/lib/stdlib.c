/* kernel/lib/stdlib.c — strto* and bsearch (contract in stdlib.h). */
#include "kernel/lib/stdlib.h"

#include <limits.h>
#include <stdbool.h>

#include "kernel/lib/ctype.h"

/* the unsigned magnitude of s in base, with its sign; clamps to `limit` (on the magnitude) */
static unsigned long long parse(const char *s, char **end_out, int base, unsigned long long limit,
                                bool *negative_out, bool *overflow_out)
{
    const char *p = s;
    while (isspace((unsigned char)*p))
        p++;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long long v = 0;
    bool any = false, over = false;
    if (base >= 2 && base <= 36) {
        for (;; p++) {
            int c = (unsigned char)*p, d;
            if (isdigit(c))
                d = c - '0';
            else if (isalpha(c))
                d = tolower(c) - 'a' + 10;
            else
                break;
            if (d >= base)
                break;
            any = true;
            if (v > (limit - (unsigned)d) / (unsigned)base)
                over = true;
            else
                v = v * (unsigned)base + (unsigned)d;
        }
    }
    if (end_out)
        *end_out = (char *)(any ? p : s);
    *negative_out = neg;
    *overflow_out = over;
    return over ? limit : v;
}

unsigned long long strtoull(const char *restrict s, char **restrict end_out, int base)
{
    bool neg, over;
    unsigned long long v = parse(s, end_out, base, ULLONG_MAX, &neg, &over);
    return over ? ULLONG_MAX : neg ? -v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict end_out, int base)
{
    bool neg, over;
    unsigned long long v = parse(s, end_out, base, ULONG_MAX, &neg, &over);
    return over ? ULONG_MAX : (unsigned long)(neg ? -v : v);
}

long long strtoll(const char *restrict s, char **restrict end_out, int base)
{
    bool neg, over;
    unsigned long long v = parse(s, end_out, base, (unsigned long long)LLONG_MAX + 1, &neg, &over);
    if (!neg && v > (unsigned long long)LLONG_MAX)
        return LLONG_MAX;
    if (over)
        return neg ? LLONG_MIN : LLONG_MAX;
    return neg ? (long long)(0 - v) : (long long)v;
}

long strtol(const char *restrict s, char **restrict end_out, int base)
{
    long long v = strtoll(s, end_out, base);
    if (v > LONG_MAX)
        return LONG_MAX;
    if (v < LONG_MIN)
        return LONG_MIN;
    return (long)v;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*cmp)(const void *key, const void *element))
{
    const char *lo = base;
    while (count) {
        const char *mid = lo + (count / 2) * size;
        int c = cmp(key, mid);
        if (c == 0)
            return (void *)mid;
        if (c > 0) {
            lo = mid + size;
            count -= count / 2 + 1;
        } else {
            count /= 2;
        }
    }
    return NULL;
}
