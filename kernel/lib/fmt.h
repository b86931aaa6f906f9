/* kernel/lib/fmt.h — formatted printing (a printf subset) for kernel code.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%; flags - 0 + space #; width and precision (also `*`);
 * length modifiers hh h l ll z t j. No floating point (kernel code does not print floats).
 * %s of NULL prints "(null)"; %p prints 0x followed by 16 hex digits.
 * Nothing allocates or blocks; safe in IRQ context if the sink is. */
#ifndef KERNEL_LIB_FMT_H
#define KERNEL_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A sink receives the output in pieces (not NUL-terminated). */
typedef void (*fmt_sink)(void *ctx, const char *s, size_t n);

/* Formats into the sink; returns the number of characters produced. */
int fmt_format(fmt_sink sink, void *ctx, const char *format, va_list ap);

/* C11 semantics: writes at most size-1 characters plus a NUL (nothing if size == 0) and returns the
 * length the full output would have had. `buf` may be NULL when size is 0. */
int vsnprintf(char *restrict buf, size_t size, const char *restrict format, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict format, ...)
    __attribute__((format(printf, 3, 4)));

#endif
