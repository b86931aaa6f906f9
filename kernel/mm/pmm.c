/* kernel/mm/pmm.c — bitmap page-frame allocator (contract in pmm.h).
 * Layer above: vmm.c (page tables) and heap.c (kmalloc arenas); below: the boot memory map. */
#include "kernel/mm/pmm.h"

#include <stdbool.h>
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memlayout.h"
#include "kernel/printk.h"

#define LOW_RESERVED (1ULL << 20) /* real-mode area, BIOS data, future AP trampoline */

static struct {
    uint64_t bitmap_phys; /* the bitmap lives in RAM: reached through phys_to_virt */
    uint64_t npages;      /* pages covered by the bitmap */
    uint64_t bitmap_bytes;/* page-rounded */
    uint64_t free;
    uint64_t total;
    uint64_t hint;        /* where the next search starts */
} pmm;

static uint64_t *bits(void) { return phys_to_virt(pmm.bitmap_phys); }
static bool is_used(uint64_t pg) { return bits()[pg / 64] >> (pg % 64) & 1; }
static void set_used(uint64_t pg) { bits()[pg / 64] |= 1ULL << (pg % 64); }
static void set_free(uint64_t pg) { bits()[pg / 64] &= ~(1ULL << (pg % 64)); }

static bool is_ram(uint32_t type)
{
    return type == BOOTINFO_MEM_USABLE || type == BOOTINFO_MEM_LOADER || type == BOOTINFO_MEM_KERNEL ||
           type == BOOTINFO_MEM_ACPI_RECLAIM;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* frees [base, base+len) except pages that must stay reserved */
static uint64_t free_range(uint64_t base, uint64_t len, uint64_t kbase, uint64_t ksize)
{
    uint64_t n = 0;
    for (uint64_t pg = base / PAGE_SIZE; pg < (base + len) / PAGE_SIZE && pg < pmm.npages; pg++) {
        uint64_t pa = pg * PAGE_SIZE;
        if (pa < LOW_RESERVED || overlaps(pa, PAGE_SIZE, kbase, ksize) ||
            overlaps(pa, PAGE_SIZE, pmm.bitmap_phys, pmm.bitmap_bytes) || !is_used(pg))
            continue;
        set_free(pg);
        n++;
    }
    pmm.free += n;
    return n;
}

int pmm_init(const struct bootinfo_mmap_entry *map, uint32_t count, uint64_t kbase, uint64_t ksize)
{
    uint64_t top = 0;
    for (uint32_t i = 0; i < count; i++)
        if (is_ram(map[i].type) && map[i].base + map[i].length > top)
            top = map[i].base + map[i].length;
    pmm.npages = top / PAGE_SIZE;
    uint64_t bytes = PAGE_ROUND_UP((pmm.npages + 63) / 64 * 8);
    pmm.bitmap_bytes = bytes;
    ksize = PAGE_ROUND_UP(ksize);
    pmm.bitmap_phys = 0;
    for (uint32_t i = 0; i < count && !pmm.bitmap_phys; i++) {
        if (map[i].type != BOOTINFO_MEM_USABLE)
            continue;
        uint64_t base = map[i].base < LOW_RESERVED ? LOW_RESERVED : map[i].base;
        uint64_t end = map[i].base + map[i].length;
        if (overlaps(base, bytes, kbase, ksize) && kbase + ksize > base)
            base = PAGE_ROUND_UP(kbase + ksize);
        if (base + bytes <= end && base + bytes <= (4ULL << 30)) /* identity-mapped during boot */
            pmm.bitmap_phys = base;
    }
    if (!pmm.bitmap_phys)
        return -1;
    memset(bits(), 0xff, bytes);
    pmm.free = 0;
    for (uint32_t i = 0; i < count; i++)
        if (map[i].type == BOOTINFO_MEM_USABLE)
            free_range(map[i].base, map[i].length, kbase, ksize);
    pmm.total = 0;
    for (uint32_t i = 0; i < count; i++)
        if (is_ram(map[i].type))
            pmm.total += map[i].length / PAGE_SIZE;
    pmm.hint = LOW_RESERVED / PAGE_SIZE;
    return 0;
}

uint64_t pmm_reclaim(const struct bootinfo_mmap_entry *map, uint32_t count, uint32_t type)
{
    bool on = irq_save();
    uint64_t n = 0;
    for (uint32_t i = 0; i < count; i++)
        if (map[i].type == type)
            n += free_range(map[i].base, map[i].length, 0, 0);
    irq_restore(on);
    return n;
}

static uint64_t search(uint64_t from, uint64_t to, uint64_t npages)
{
    uint64_t run = 0;
    for (uint64_t pg = from; pg < to; pg++) {
        if (npages == 1 && pg % 64 == 0 && pg + 64 <= to && bits()[pg / 64] == ~0ULL) {
            pg += 63; /* skip a full word */
            run = 0;
            continue;
        }
        run = is_used(pg) ? 0 : run + 1;
        if (run == npages)
            return pg + 1 - npages;
    }
    return 0;
}

uint64_t pmm_alloc(uint64_t npages)
{
    if (npages == 0)
        return 0;
    bool on = irq_save();
    uint64_t first = LOW_RESERVED / PAGE_SIZE;
    uint64_t pg = search(pmm.hint, pmm.npages, npages);
    if (!pg)
        pg = search(first, pmm.npages, npages);
    if (pg) {
        for (uint64_t i = 0; i < npages; i++)
            set_used(pg + i);
        pmm.free -= npages;
        pmm.hint = pg + npages;
    }
    irq_restore(on);
    return pg * PAGE_SIZE;
}

void pmm_free(uint64_t phys, uint64_t npages)
{
    bool on = irq_save();
    uint64_t pg = phys / PAGE_SIZE;
    if ((phys & (PAGE_SIZE - 1)) || phys < LOW_RESERVED || pg + npages > pmm.npages)
        panic("pmm_free: bad range 0x%lx + %lu pages", phys, npages);
    for (uint64_t i = 0; i < npages; i++) {
        if (!is_used(pg + i))
            panic("pmm_free: page 0x%lx already free", (pg + i) * PAGE_SIZE);
        set_free(pg + i);
    }
    pmm.free += npages;
    if (pg < pmm.hint)
        pmm.hint = pg;
    irq_restore(on);
}

uint64_t pmm_free_pages(void) { return pmm.free; }
uint64_t pmm_total_pages(void) { return pmm.total; }
uint64_t pmm_max_phys(void) { return pmm.npages * PAGE_SIZE; }
