/* boot/paging.h — the 4-level page tables the loader hands the kernel (x86-64, Intel SDM vol. 3, 4.5).
 *
 * The layout bootinfo.h promises: [0, identity_top) identity-mapped with 2 MiB pages (identity_top
 * rounded up to 1 GiB, at most 512 GiB), and the kernel's virtual span [vlow, vhigh) — inside
 * [BOOTINFO_KERNEL_VBASE, BOOTINFO_KERNEL_VEND), page-aligned — mapped with 4 KiB pages onto the
 * physically contiguous block at `phys`. Everything present and writable; no NX (the kernel builds its
 * own tables with W^X). Pure code over a caller-given pool: host-testable (tests/unit/boot). */
#ifndef BOOT_PAGING_H
#define BOOT_PAGING_H

#include <stdint.h>

#define PAGING_IDENTITY_MAX (512ULL << 30)

/* Number of 4 KiB pages paging_build needs for these arguments. */
uint64_t paging_pages_needed(uint64_t identity_top, uint64_t vlow, uint64_t vhigh);

/* Builds the tables in `pool` (pool_pages zeroed, 4 KiB-aligned pages whose addresses are also their
 * physical addresses). Returns the PML4's address (the CR3 value), or 0 when the pool is too small or
 * the kernel span is outside the kernel range. Keeps no pointer. */
uint64_t paging_build(void *pool, uint64_t pool_pages, uint64_t identity_top, uint64_t vlow,
                      uint64_t vhigh, uint64_t phys);

#endif
