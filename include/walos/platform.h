/* include/walos/platform.h — what engine/ and wasi/ need from the system they run on.
 *
 * engine/ and wasi/ include nothing from the outside but this header and the C11 freestanding headers
 * (stddef.h, stdint.h, stdbool.h, stdarg.h, limits.h, float.h). Each embedder implements it once:
 * host/platform_posix*.c for walos-run and the tests, kernel/proc/platform_kernel*.c in the kernel.
 * No #ifdef HOST in engine/ or wasi/: what differs lives behind these functions.
 *
 * Two sections: "needed by the engine" and "needed by WASI". */
#ifndef WALOS_PLATFORM_H
#define WALOS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* ======== needed by the engine ================================================================ */

/* The C string/memory functions, with their standard contracts. The host's libc provides them;
 * the kernel's kernel/lib does. Declared here so that engine/ and wasi/ need no libc header. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* General allocation. plat_alloc/plat_realloc return NULL when out of memory (never abort);
 * memory is 16-byte aligned. plat_free(NULL) is a no-op. */
void *plat_alloc(size_t size);
void *plat_calloc(size_t count, size_t size); /* zeroed; NULL on overflow or out of memory */
void *plat_realloc(void *ptr, size_t size);
void plat_free(void *ptr);

/* Linear-memory regions. plat_mem_reserve reserves `reserve` bytes of address space (page-aligned,
 * inaccessible) and makes the first `commit` bytes readable, writable and zeroed; NULL when it cannot
 * (the engine then falls back to plat_alloc and explicit bounds checks). plat_mem_commit makes
 * [base, base + new_commit) accessible, zeroing the new part; returns false when out of memory.
 * plat_mem_release gives the whole reservation back. */
void *plat_mem_reserve(uint64_t reserve, uint64_t commit);
bool plat_mem_commit(void *base, uint64_t old_commit, uint64_t new_commit);
void plat_mem_release(void *base, uint64_t reserve);

/* ======== needed by WASI ====================================================================== */
/* (owned by wasi/: files and directories by handle, clocks, random, poll, sockets, exit) */

#endif
