/* kernel/mm/pmm.h — the physical memory manager: which 4 KiB page frames are free.
 *
 * A bitmap (one bit per page, 1 = in use) over all RAM the boot memory map names, kept in RAM it
 * carves from the map itself. Built from the bootinfo memory map: USABLE pages start free; the
 * first 1 MiB, the kernel image and the bitmap stay reserved; BOOTINFO_MEM_LOADER pages become free
 * only through pmm_reclaim once the kernel copied what it needs and runs on its own page tables.
 * Physical address 0 is never handed out, so 0 means failure. Callers reach frames through
 * phys_to_virt (kernel/mm/memlayout.h). All calls are IRQ-safe (interrupts off inside). */
#ifndef KERNEL_MM_PMM_H
#define KERNEL_MM_PMM_H

#include <stdint.h>
#include <walos/bootinfo.h>

/* builds the bitmap; returns 0, or -1 when no usable RAM can hold the bitmap */
int pmm_init(const struct bootinfo_mmap_entry *map, uint32_t count, uint64_t kernel_base,
             uint64_t kernel_size);
/* frees every page of the map's ranges of `type` (BOOTINFO_MEM_LOADER); returns pages freed */
uint64_t pmm_reclaim(const struct bootinfo_mmap_entry *map, uint32_t count, uint32_t type);
/* npages contiguous free frames (not zeroed), marked used; returns the physical address, 0 if none */
uint64_t pmm_alloc(uint64_t npages);
/* returns frames from pmm_alloc; freeing a free frame panics */
void pmm_free(uint64_t phys, uint64_t npages);
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);  /* usable RAM pages the map reported (incl. reclaimed) */
uint64_t pmm_max_phys(void);     /* one past the highest RAM address the map names */

#endif
