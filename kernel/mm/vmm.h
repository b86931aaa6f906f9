/* kernel/mm/vmm.h — the kernel's own 4-level page tables (layout in memlayout.h).
 *
 * vmm_init builds them once at boot from pmm frames: the direct map (all RAM and the 32-bit MMIO
 * hole, RW+NX, 2 MiB pages), the kernel image per section with W^X (text RX, rodata R+NX,
 * data/bss RW+NX, symbols R+NX, 4 KiB pages), enables NX and global pages, and loads CR3 — after
 * that, the boot identity map is gone, so boot pointers must have been copied. Kernel stacks come
 * from vmm_stack_alloc with an unmapped guard page below each one: an overflow faults (and, with no
 * stack left to report it, becomes a double fault on its IST stack) instead of corrupting memory.
 * Calls after init are IRQ-safe; none blocks. */
#ifndef KERNEL_MM_VMM_H
#define KERNEL_MM_VMM_H

#include <stdint.h>
#include <stdbool.h>

#define VMM_WRITE (1u << 0)
#define VMM_EXEC (1u << 1)
#define VMM_NOCACHE (1u << 2) /* MMIO: cache disabled */
#define VMM_NO_PHYS (~0ULL)

/* builds and loads the kernel page tables; `direct_top` is the first physical address the direct map
 * need not cover (rounded up, at least 4 GiB). Returns 0, or -1 when out of memory (boot fails). */
int vmm_init(uint64_t kernel_phys_base, uint64_t direct_top);
/* maps npages 4 KiB pages va -> pa with flags; returns 0 or -1 (out of memory for tables) */
int vmm_map(uint64_t va, uint64_t pa, uint64_t npages, unsigned flags);
/* unmaps npages pages at va (absent pages are skipped) and flushes them from the TLB */
void vmm_unmap(uint64_t va, uint64_t npages);
/* the physical address va maps to, or VMM_NO_PHYS */
uint64_t vmm_translate(uint64_t va);
/* whether va is mapped; if so, *flags_out gets its VMM_WRITE/VMM_EXEC bits */
bool vmm_query(uint64_t va, unsigned *flags_out);
/* a fresh zeroed kernel stack of `pages` pages below an unmapped guard page; returns its top (16-byte
 * aligned, the first push goes just below it), 0 when out of memory */
uint64_t vmm_stack_alloc(uint64_t pages);
/* maps `size` bytes of device registers at physical `phys` uncached (VMM_NOCACHE) in the MMIO
 * region; returns the virtual address of phys itself, NULL when out of memory */
void *vmm_map_mmio(uint64_t phys, uint64_t size);
/* ---- reservations: address space first, memory later ---- */
/* reserves `size` bytes (rounded up to pages) of kernel address space, all unmapped; returns the
 * base, or 0 when the region is exhausted. Touching an uncommitted page faults (#PF), which the
 * owner's trap handler may turn into a trap of its own (a wasm out-of-bounds access). */
uint64_t vmm_reserve(uint64_t size);
/* backs [va, va + size) inside a reservation with fresh zeroed RW, NX pages (pages already
 * committed are left as they are); returns 0, or -1 when out of memory (the part committed so far
 * stays committed) */
int vmm_commit(uint64_t va, uint64_t size);
/* unmaps and frees every committed page of the reservation, and the page tables left mapping
 * nothing, and gives its address space back (a later vmm_reserve of the same size or less may
 * reuse it) */
void vmm_release(uint64_t base, uint64_t size);

/* whether the CPU has NX (without it, W^X holds for writes only) */
bool vmm_has_nx(void);
/* whether the direct map is live (phys_to_virt answers through it) */
bool vmm_active(void);
/* the size of the direct map in bytes */
uint64_t vmm_direct_size(void);

#endif
