/* kernel/fs/fs_alloc.h — where the filesystem code gets memory.
 *
 * Only through kmalloc/kzalloc/kfree of the kernel heap (kernel/mm/heap.h: 16-byte aligned, NULL when
 * out of memory, kzalloc zeroes, kfree(NULL) is a no-op; IRQ-safe, never blocks). The host tests
 * provide the same three over malloc (tests/unit/fs/fs_host.c). */
#ifndef KERNEL_FS_FS_ALLOC_H
#define KERNEL_FS_FS_ALLOC_H

#include "kernel/mm/heap.h"

#endif
