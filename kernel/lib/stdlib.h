/* kernel/lib/stdlib.h — number parsing and searching for kernel code (C11 7.22 subset).
 *
 * strtol/strtoul/strtoll/strtoull follow C: leading space, optional sign, base 0 (prefix 0x or 0
 * picks 16 or 8), 2..36; *end_out (if not NULL) points past the last digit used, or at s when there
 * was none. Out-of-range values clamp to the type's limit; there is no errno in the kernel, so a
 * caller that cares compares the result with the limit. No allocation, IRQ-safe. */
#ifndef KERNEL_LIB_STDLIB_H
#define KERNEL_LIB_STDLIB_H

#include <stddef.h>

long strtol(const char *restrict s, char **restrict end_out, int base);
unsigned long strtoul(const char *restrict s, char **restrict end_out, int base);
long long strtoll(const char *restrict s, char **restrict end_out, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end_out, int base);
int atoi(const char *s);
/* binary search in `count` sorted elements; returns the match or NULL (C11 7.22.5.1) */
void *bsearch(const void *key, const void *base, size_t count, size_t size,
              int (*cmp)(const void *key, const void *element));

#endif
