/* kernel/proc/platform_kernel.c — include/walos/platform.h's engine section for the kernel.
 *
 * Allocation goes to the kernel heap (kernel/mm/heap.h: 16-byte aligned, NULL when out of memory,
 * IRQ-safe). Linear memories go to the vmm's address-space reservations (kernel/mm/vmm.h): the
 * reservation is unmapped address space, committed page by page as the memory grows, so a 4 GiB
 * reservation costs nothing until used; a process's memory is an 8 GiB + 64 KiB guard-page
 * reservation (engine/wasm.h "linear memories"), whose faults kernel/proc/proc.c turns into traps.
 * Committing maps zeroed frames at once (no lazy faulting); releasing unmaps and frees every
 * committed frame. The WASI section is platform_kernel_wasi.c. */
#include <walos/platform.h>

#include "kernel/mm/heap.h"
#include "kernel/mm/vmm.h"

void *plat_alloc(size_t size) { return kmalloc(size ? size : 1); }

void *plat_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return kzalloc(count * size ? count * size : 1);
}

void *plat_realloc(void *ptr, size_t size) { return krealloc(ptr, size ? size : 1); }

void plat_free(void *ptr) { kfree(ptr); }

void *plat_mem_reserve(uint64_t reserve, uint64_t commit)
{
    if (commit > reserve)
        return NULL;
    uint64_t va = vmm_reserve(reserve);
    if (!va)
        return NULL;
    if (commit && vmm_commit(va, commit) != 0) {
        vmm_release(va, reserve);
        return NULL;
    }
    return (void *)va;
}

bool plat_mem_commit(void *base, uint64_t old_commit, uint64_t new_commit)
{
    if (new_commit <= old_commit)
        return true;
    return vmm_commit((uint64_t)base + old_commit, new_commit - old_commit) == 0;
}

void plat_mem_release(void *base, uint64_t reserve) { vmm_release((uint64_t)base, reserve); }
