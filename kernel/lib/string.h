/* kernel/lib/string.h — the C string and memory functions for freestanding kernel code.
 *
 * Standard contracts (C11 7.24); prototypes match include/walos/platform.h, which engine/ and wasi/
 * use. None allocates, blocks or keeps a pointer; all are safe in IRQ context. Behaviour on
 * overlapping memcpy or NULL arguments is undefined, as in C. */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include <stddef.h>

/* ---- memory ---- */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

/* ---- strings ---- */
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);   /* c == 0 finds the terminator */
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strcpy(char *restrict dst, const char *restrict src);
char *strcat(char *restrict dst, const char *restrict src);
/* Copies at most size-1 bytes and always terminates (size > 0); returns strlen(src), so a result
 * >= size means the copy was truncated (BSD strlcpy). */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

#endif
