/* kernel/mm/heap.h — the kernel heap: kmalloc and friends.
 *
 * Any size, 16-byte aligned (kmalloc_aligned for more). Memory comes from pmm frames in 1 MiB+
 * arenas reached through the direct map, managed by kernel/mm/alloc.c. Every call disables
 * interrupts around the allocator, so all are IRQ-safe; none blocks. Out of memory returns NULL
 * (never panics). Misuse — freeing a pointer twice or one not from kmalloc — panics with a
 * backtrace. Freed memory is poisoned (0x6b) to make use-after-free visible. Ownership: the caller
 * owns what it gets until kfree. */
#ifndef KERNEL_MM_HEAP_H
#define KERNEL_MM_HEAP_H

#include <stddef.h>

/* needs pmm and vmm (the direct map) up */
void heap_init(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);                        /* zeroed */
void *kmalloc_aligned(size_t size, size_t align);  /* align: a power of two up to 1 MiB */
void *krealloc(void *ptr, size_t size);            /* C realloc semantics; NULL keeps ptr on failure */
void kfree(void *ptr);                             /* NULL is a no-op */

struct heap_stats {
    size_t bytes_total; /* arena bytes taken from the pmm */
    size_t bytes_used;  /* allocated bytes, tags included */
    size_t blocks_used; /* live allocations */
};
void heap_get_stats(struct heap_stats *out);
/* checks every heap invariant; 0 when consistent (panics otherwise, via the misuse handler) */
int heap_check(void);
/* the heap self-test (cmdline test=selftest): returns the number of failed checks, prints each */
int heap_selftest(void);

#endif
