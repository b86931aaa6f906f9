/* kernel/fs/fs_alloc.h — the heap functions the filesystem code allocates with.
 *
 * Same names and signatures as the kernel heap (kernel/mm/heap.h); the kernel provides them, and the
 * host tests provide them over malloc (tests/unit/fs/host_alloc.c). kmalloc and kzalloc return NULL
 * when out of memory; memory is 16-byte aligned; kzalloc zeroes it. kfree(NULL) is a no-op. */
#ifndef KERNEL_FS_FS_ALLOC_H
#define KERNEL_FS_FS_ALLOC_H

#include <stddef.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

#endif
