/* kernel/mm/vmm.c — kernel page tables, direct map and guarded stacks (contract in vmm.h).
 * Reference: Intel SDM vol. 3A, 4.5 (4-level paging), table 4-19/4-20 (entry bits). */
#include "kernel/mm/vmm.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/printk.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

static struct {
    uint64_t pml4_phys;
    uint64_t kernel_phys_base;
    uint64_t direct_size;
    uint64_t nx;          /* PTE_NX when the CPU supports it, else 0 */
    uint64_t stack_next;  /* next free address in the kernel-stack region */
    uint64_t mmio_next;   /* next free address in the MMIO region */
    uint64_t reserve_next;/* next never-used address in the reservation region */
    struct {
        uint64_t base, size; /* released ranges, reused first-fit (size 0: empty slot) */
    } holes[32];
    bool active;
} vm;

void *phys_to_virt(uint64_t phys)
{
    return (void *)(vm.active ? DIRECT_MAP_BASE + phys : phys);
}

uint64_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;
    if (v >= (uint64_t)__kernel_start && v < (uint64_t)__kernel_end)
        return v - (uint64_t)__kernel_start + vm.kernel_phys_base;
    if (vm.active && v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + vm.direct_size)
        return v - DIRECT_MAP_BASE;
    if (!vm.active)
        return v;
    return vmm_translate(v);
}

bool vmm_active(void) { return vm.active; }
bool vmm_has_nx(void) { return vm.nx != 0; }
uint64_t vmm_direct_size(void) { return vm.direct_size; }

static uint64_t *table(uint64_t phys) { return phys_to_virt(phys); }

static uint64_t new_table(void)
{
    uint64_t pa = pmm_alloc(1);
    if (pa)
        memset(table(pa), 0, PAGE_SIZE);
    return pa;
}

/* the entry for va at `level` (3 = PML4 ... 0 = PT), creating tables on the way down when `create` */
static uint64_t *walk(uint64_t va, int level, bool create)
{
    uint64_t *t = table(vm.pml4_phys);
    for (int l = 3; l > level; l--) {
        uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t pa = new_table();
            if (!pa)
                return NULL;
            *e = pa | PTE_P | PTE_W; /* permissions are decided at the leaf */
        } else if (*e & PTE_PS) {
            return NULL; /* inside a large page */
        }
        t = table(*e & PTE_ADDR);
    }
    return &t[(va >> (12 + 9 * level)) & 511];
}

static uint64_t leaf_flags(unsigned flags)
{
    uint64_t f = PTE_P | PTE_G;
    if (flags & VMM_WRITE)
        f |= PTE_W;
    if (!(flags & VMM_EXEC))
        f |= vm.nx;
    if (flags & VMM_NOCACHE)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

int vmm_map(uint64_t va, uint64_t pa, uint64_t npages, unsigned flags)
{
    bool on = irq_save();
    int rc = 0;
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t *e = walk(va + i * PAGE_SIZE, 0, true);
        if (!e) {
            rc = -1;
            break;
        }
        *e = ((pa + i * PAGE_SIZE) & PTE_ADDR) | leaf_flags(flags);
        if (vm.active)
            invlpg(va + i * PAGE_SIZE);
    }
    irq_restore(on);
    return rc;
}

void vmm_unmap(uint64_t va, uint64_t npages)
{
    bool on = irq_save();
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t *e = walk(va + i * PAGE_SIZE, 0, false);
        if (e && (*e & PTE_P)) {
            *e = 0;
            invlpg(va + i * PAGE_SIZE);
        }
    }
    irq_restore(on);
}

uint64_t vmm_translate(uint64_t va)
{
    uint64_t *t = table(vm.pml4_phys);
    for (int l = 3; l >= 0; l--) {
        uint64_t e = t[(va >> (12 + 9 * l)) & 511];
        if (!(e & PTE_P))
            return VMM_NO_PHYS;
        if (l == 0 || (e & PTE_PS)) {
            uint64_t span = 1ULL << (12 + 9 * l);
            return (e & PTE_ADDR & ~(span - 1)) | (va & (span - 1));
        }
        t = table(e & PTE_ADDR);
    }
    return VMM_NO_PHYS;
}

bool vmm_query(uint64_t va, unsigned *flags_out)
{
    uint64_t *t = table(vm.pml4_phys);
    unsigned flags = VMM_WRITE | VMM_EXEC; /* the most restrictive level wins */
    for (int l = 3; l >= 0; l--) {
        uint64_t e = t[(va >> (12 + 9 * l)) & 511];
        if (!(e & PTE_P))
            return false;
        if (!(e & PTE_W))
            flags &= ~VMM_WRITE;
        if (e & PTE_NX)
            flags &= ~VMM_EXEC;
        if (l == 0 || (e & PTE_PS))
            break;
        t = table(e & PTE_ADDR);
    }
    *flags_out = flags;
    return true;
}

/* the direct map with 2 MiB pages */
static int map_direct(uint64_t top)
{
    for (uint64_t pa = 0; pa < top; pa += HUGE_PAGE_SIZE) {
        uint64_t *e = walk(DIRECT_MAP_BASE + pa, 1, true);
        if (!e)
            return -1;
        *e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | vm.nx;
    }
    vm.direct_size = top;
    return 0;
}

static int map_kernel_range(char *start, char *end, unsigned flags)
{
    uint64_t va = (uint64_t)start;
    uint64_t n = (PAGE_ROUND_UP((uint64_t)end) - va) / PAGE_SIZE;
    return vmm_map(va, va - (uint64_t)__kernel_start + vm.kernel_phys_base, n, flags);
}

int vmm_init(uint64_t kernel_phys_base, uint64_t direct_top)
{
    uint32_t a, b, c, d;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    vm.nx = (d & CPUIDX1_EDX_NX) ? PTE_NX : 0;
    if (vm.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    vm.kernel_phys_base = kernel_phys_base;
    vm.stack_next = KSTACK_REGION_BASE;
    vm.mmio_next = MMIO_REGION_BASE;
    vm.reserve_next = RESERVE_REGION_BASE;
    vm.pml4_phys = new_table();
    if (!vm.pml4_phys)
        return -1;
    if (direct_top < (4ULL << 30))
        direct_top = 4ULL << 30;
    direct_top = (direct_top + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
    if (map_direct(direct_top) ||
        map_kernel_range(__kernel_start, __text_end, VMM_EXEC) ||
        map_kernel_range(__text_end, __rodata_end, 0) ||
        map_kernel_range(__rodata_end, __data_end, VMM_WRITE) ||
        map_kernel_range(__data_end, __kernel_end, 0))
        return -1;
    write_cr4(read_cr4() | CR4_PGE);
    write_cr0(read_cr0() | CR0_WP);
    write_cr3(vm.pml4_phys);
    vm.active = true;
    return 0;
}

uint64_t vmm_stack_alloc(uint64_t pages)
{
    bool on = irq_save();
    uint64_t guard = vm.stack_next;
    vm.stack_next += (pages + 1) * PAGE_SIZE;
    irq_restore(on);
    uint64_t base = guard + PAGE_SIZE;
    for (uint64_t i = 0; i < pages; i++) {
        uint64_t pa = pmm_alloc(1);
        if (!pa || vmm_map(base + i * PAGE_SIZE, pa, 1, VMM_WRITE))
            return 0;
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    }
    return base + pages * PAGE_SIZE;
}

void *vmm_map_mmio(uint64_t phys, uint64_t size)
{
    uint64_t first = PAGE_ROUND_DOWN(phys), pages = (PAGE_ROUND_UP(phys + size) - first) / PAGE_SIZE;
    bool on = irq_save();
    uint64_t va = vm.mmio_next;
    vm.mmio_next += pages * PAGE_SIZE;
    irq_restore(on);
    if (vmm_map(va, first, pages, VMM_WRITE | VMM_NOCACHE))
        return NULL;
    return (void *)(va + (phys - first));
}

uint64_t vmm_reserve(uint64_t size)
{
    size = PAGE_ROUND_UP(size);
    if (size == 0)
        return 0;
    bool on = irq_save();
    uint64_t base = 0;
    for (size_t i = 0; i < sizeof vm.holes / sizeof vm.holes[0] && !base; i++) {
        if (vm.holes[i].size >= size) {
            base = vm.holes[i].base;
            vm.holes[i].base += size;
            vm.holes[i].size -= size;
        }
    }
    if (!base && size <= RESERVE_REGION_END - vm.reserve_next) {
        base = vm.reserve_next;
        vm.reserve_next += size;
    }
    irq_restore(on);
    return base;
}

int vmm_commit(uint64_t va, uint64_t size)
{
    uint64_t first = PAGE_ROUND_DOWN(va), end = PAGE_ROUND_UP(va + size);
    for (uint64_t p = first; p < end; p += PAGE_SIZE) {
        if (vmm_translate(p) != VMM_NO_PHYS)
            continue;
        uint64_t pa = pmm_alloc(1);
        if (!pa)
            return -1;
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        if (vmm_map(p, pa, 1, VMM_WRITE)) {
            pmm_free(pa, 1);
            return -1;
        }
    }
    return 0;
}

/* the first address >= va below end that may be mapped: skips whole absent tables (a released 8 GiB
 * reservation with 64 KiB committed costs a few steps, not two million) */
static uint64_t skip_absent(uint64_t va, uint64_t end)
{
    while (va < end) {
        uint64_t *t = table(vm.pml4_phys);
        int l = 3;
        for (; l > 0; l--) {
            uint64_t e = t[(va >> (12 + 9 * l)) & 511];
            if (!(e & PTE_P) || (e & PTE_PS))
                break;
            t = table(e & PTE_ADDR);
        }
        if (l == 0 || (t[(va >> (12 + 9 * l)) & 511] & PTE_P))
            return va; /* a page table to look at, or a large page */
        uint64_t span = 1ULL << (12 + 9 * l);
        va = (va & ~(span - 1)) + span;
    }
    return end;
}

static bool table_empty(const uint64_t *t)
{
    for (int i = 0; i < 512; i++)
        if (t[i])
            return false;
    return true;
}

/* gives back the page tables (PT, then PD) over [base, end) that map nothing any more; a table
 * shared with a neighbouring reservation is kept while it maps a page of that neighbour. PDPTs stay
 * (one per 512 GiB). Ends with a CR3 reload: no paging-structure cache keeps a freed table. */
static void free_empty_tables(uint64_t base, uint64_t end)
{
    const uint64_t gib = 1ULL << 30, mib2 = HUGE_PAGE_SIZE;
    bool on = irq_save();
    for (uint64_t g = base & ~(gib - 1); g < end; g += gib) {
        uint64_t *pdpte = walk(g, 2, false);
        if (!pdpte || !(*pdpte & PTE_P) || (*pdpte & PTE_PS))
            continue;
        uint64_t *pd = table(*pdpte & PTE_ADDR);
        uint64_t from = g > base ? g : base, to = g + gib < end ? g + gib : end;
        for (uint64_t m = from & ~(mib2 - 1); m < to; m += mib2) {
            uint64_t *pde = &pd[(m >> 21) & 511];
            if (!(*pde & PTE_P) || (*pde & PTE_PS) || !table_empty(table(*pde & PTE_ADDR)))
                continue;
            pmm_free(*pde & PTE_ADDR, 1);
            *pde = 0;
        }
        if (table_empty(pd)) {
            pmm_free(*pdpte & PTE_ADDR, 1);
            *pdpte = 0;
        }
    }
    write_cr3(read_cr3());
    irq_restore(on);
}

void vmm_release(uint64_t base, uint64_t size)
{
    size = PAGE_ROUND_UP(size);
    for (uint64_t p = skip_absent(base, base + size); p < base + size; p = skip_absent(p + PAGE_SIZE, base + size)) {
        uint64_t pa = vmm_translate(p);
        if (pa == VMM_NO_PHYS)
            continue;
        vmm_unmap(p, 1);
        pmm_free(pa, 1);
    }
    if (base >= RESERVE_REGION_BASE && base + size <= RESERVE_REGION_END)
        free_empty_tables(base, base + size);
    bool on = irq_save();
    for (size_t i = 0; i < sizeof vm.holes / sizeof vm.holes[0]; i++) {
        if (vm.holes[i].size == 0) {
            vm.holes[i].base = base;
            vm.holes[i].size = size;
            break;
        }
    } /* with every slot taken the range is simply not reused */
    irq_restore(on);
}
