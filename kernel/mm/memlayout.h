/* kernel/mm/memlayout.h — the kernel's virtual memory map (one table, the shape of xv6's memlayout.h).
 *
 *   0x0000000000000000 .. 0x00007fffffffffff   lower half: identity map of the first 4 GiB during
 *                                              boot only (removed when vmm_init switches tables)
 *   0xffff800000000000 .. +max(RAM, 4 GiB)     DIRECT MAP: all physical memory and the 32-bit MMIO
 *                                              hole, RW, NX, 2 MiB pages (phys p at DIRECT_MAP + p)
 *   0xffffc00000000000 .. 0xfffffe0000000000   RESERVATIONS: large address ranges reserved up front
 *                                              and committed page by page (vmm_reserve: wasm linear
 *                                              memories, 4 GiB + guard each); unmapped until committed
 *   0xfffffe0000000000 .. +512 GiB             MMIO: device registers mapped uncached
 *                                              (vmm_map_mmio: LAPIC, IOAPIC, HPET)
 *   0xffffff0000000000 .. +512 GiB             KERNEL STACKS: each stack's pages with one unmapped
 *                                              guard page below it (vmm_stack_alloc)
 *   0xffffffff80000000 ..                      KERNEL IMAGE (kernel.ld): text RX, rodata R,
 *                                              data+bss RW NX, ksyms R; phys = va - link base
 *                                              + bootinfo.kernel_phys_base
 */
#ifndef KERNEL_MM_MEMLAYOUT_H
#define KERNEL_MM_MEMLAYOUT_H

#include <stdint.h>

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define HUGE_PAGE_SIZE (2UL << 20)

#define DIRECT_MAP_BASE 0xffff800000000000ULL
#define RESERVE_REGION_BASE 0xffffc00000000000ULL
#define RESERVE_REGION_END 0xfffffe0000000000ULL
#define MMIO_REGION_BASE 0xfffffe0000000000ULL
#define KSTACK_REGION_BASE 0xffffff0000000000ULL
#define KSTACK_REGION_SIZE (512ULL << 30)
#define KERNEL_VBASE 0xffffffff80000000ULL /* = BOOTINFO_KERNEL_VBASE */

/* the kernel image's section bounds (kernel/arch/x86_64/kernel.ld); compare their addresses only */
extern char __kernel_start[]; /* text (RX) starts here */
extern char __text_end[];     /* rodata (R) from here */
extern char __rodata_end[];   /* data + bss (RW) from here */
extern char __data_end[];     /* the symbol table (R) from here */
extern char __kernel_end[];   /* end of the image, page-aligned */

#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* physical address -> its alias in the direct map (valid once vmm_init ran; before that, the boot
 * tables identity-map the first 4 GiB, and phys_to_virt returns the identity address) */
void *phys_to_virt(uint64_t phys);
/* direct-map or kernel-image virtual address -> physical */
uint64_t virt_to_phys(const void *va);

#endif
