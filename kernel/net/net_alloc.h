/* kernel/net/net_alloc.h — where the network stack gets memory.
 *
 * The stack allocates only through kmalloc/kfree. The kernel's heap (kernel/mm/heap.h) will provide
 * them; until it exists they are declared here, and the host tests provide them over malloc
 * (tests/unit/net/net_host.c, which also counts live blocks for the leak check).
 * kmalloc returns NULL when out of memory (never blocks, never panics); kfree(NULL) is a no-op. */
#ifndef KERNEL_NET_NET_ALLOC_H
#define KERNEL_NET_NET_ALLOC_H

#include <stddef.h>

void *kmalloc(size_t size);
void kfree(void *ptr);

#endif
