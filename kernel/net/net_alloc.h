/* kernel/net/net_alloc.h — where the network stack gets memory.
 *
 * The stack allocates only through kmalloc/kfree of the kernel heap (kernel/mm/heap.h: IRQ-safe,
 * never blocks, NULL when out of memory; kfree(NULL) is a no-op). The host tests provide the same two
 * functions over malloc (tests/unit/net/net_host.c), counting live blocks for the leak check. */
#ifndef KERNEL_NET_NET_ALLOC_H
#define KERNEL_NET_NET_ALLOC_H

#include "kernel/mm/heap.h"

#endif
