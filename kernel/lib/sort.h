/* kernel/lib/sort.h — qsort (C11 7.22.5.2) for kernel code.
 *
 * Heapsort: O(n log n) in the worst case, no recursion, no allocation, not stable. `cmp` returns <0,
 * 0 or >0 as usual and must not modify the elements. Safe in any context if cmp is. */
#ifndef KERNEL_LIB_SORT_H
#define KERNEL_LIB_SORT_H

#include <stddef.h>

void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *a, const void *b));

#endif
