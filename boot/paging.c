/* boot/paging.c — builds the loader's page tables (contract in paging.h). */
#include "boot/paging.h"
#include "walos/bootinfo.h"

#define PAGE 4096ULL
#define MIB2 (2ULL << 20)
#define GIB (1ULL << 30)
#define PTE_P  0x001ULL /* present */
#define PTE_RW 0x002ULL /* writable */
#define PTE_PS 0x080ULL /* 2 MiB page (in a PD entry) */
#define PTE_ADDR 0x000ffffffffff000ULL

struct pool {
    uint64_t next, end;
};

static uint64_t *take(struct pool *p)
{
    if (p->next >= p->end)
        return 0;
    uint64_t page = p->next;
    p->next += PAGE;
    return (uint64_t *)(uintptr_t)page;
}

static uint64_t identity_gib(uint64_t identity_top)
{
    if (identity_top > PAGING_IDENTITY_MAX)
        identity_top = PAGING_IDENTITY_MAX;
    return (identity_top + GIB - 1) / GIB;
}

uint64_t paging_pages_needed(uint64_t identity_top, uint64_t vlow, uint64_t vhigh)
{
    uint64_t pts = vhigh > vlow ? ((vhigh - 1) >> 21) - (vlow >> 21) + 1 : 0;
    /* PML4, low PDPT, one PD per identity GiB, high PDPT, high PD, the kernel's PTs */
    return 2 + identity_gib(identity_top) + 2 + pts;
}

uint64_t paging_build(void *pool_base, uint64_t pool_pages, uint64_t identity_top, uint64_t vlow,
                      uint64_t vhigh, uint64_t phys)
{
    if (vlow < BOOTINFO_KERNEL_VBASE || vhigh > BOOTINFO_KERNEL_VEND || vlow >= vhigh ||
        ((vlow | vhigh | phys) & (PAGE - 1)) ||
        pool_pages < paging_pages_needed(identity_top, vlow, vhigh))
        return 0;
    struct pool pool = {(uint64_t)(uintptr_t)pool_base, (uint64_t)(uintptr_t)pool_base + pool_pages * PAGE};

    uint64_t *pml4 = take(&pool), *pdpt_low = take(&pool);
    pml4[0] = (uint64_t)(uintptr_t)pdpt_low | PTE_P | PTE_RW;
    uint64_t gib = identity_gib(identity_top);
    for (uint64_t g = 0; g < gib; g++) {
        uint64_t *pd = take(&pool);
        pdpt_low[g] = (uint64_t)(uintptr_t)pd | PTE_P | PTE_RW;
        for (uint64_t i = 0; i < 512; i++)
            pd[i] = (g * GIB + i * MIB2) | PTE_P | PTE_RW | PTE_PS;
    }

    /* the whole kernel range [VBASE, VEND) is PML4 slot 511, PDPT slot 510: one PD */
    uint64_t *pdpt_high = take(&pool), *pd_high = take(&pool);
    pml4[(BOOTINFO_KERNEL_VBASE >> 39) & 511] = (uint64_t)(uintptr_t)pdpt_high | PTE_P | PTE_RW;
    pdpt_high[(BOOTINFO_KERNEL_VBASE >> 30) & 511] = (uint64_t)(uintptr_t)pd_high | PTE_P | PTE_RW;
    for (uint64_t v = vlow; v < vhigh; v += PAGE) {
        uint64_t pdi = (v >> 21) & 511, pti = (v >> 12) & 511;
        if (!pd_high[pdi])
            pd_high[pdi] = (uint64_t)(uintptr_t)take(&pool) | PTE_P | PTE_RW;
        uint64_t *pt = (uint64_t *)(uintptr_t)(pd_high[pdi] & PTE_ADDR);
        pt[pti] = (phys + (v - vlow)) | PTE_P | PTE_RW;
    }
    return (uint64_t)(uintptr_t)pml4;
}
