/* kernel/arch/x86_64/gdt.c — GDT with a 64-bit TSS (contract in gdt.h).
 * Reference: Intel SDM vol. 3A, 3.4.5 (segment descriptors) and 8.7 (64-bit TSS). */
#include "kernel/arch/x86_64/gdt.h"

#include "kernel/arch/x86_64/cpu.h"

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

/* descriptor bits */
#define DESC_ACCESSED (1ULL << 40)
#define DESC_RW (1ULL << 41)
#define DESC_EXEC (1ULL << 43)
#define DESC_CODE_DATA (1ULL << 44) /* S: code/data rather than system */
#define DESC_PRESENT (1ULL << 47)
#define DESC_LONG (1ULL << 53)
#define DESC_DB32 (1ULL << 54)
#define DESC_GRAN4K (1ULL << 55)
#define DESC_LIMIT_MAX (0xffffULL | (0xfULL << 48))
#define TSS_TYPE_AVAILABLE (0x9ULL << 40)

#define IST_STACK_SIZE 8192

static struct {
    uint64_t gdt[5]; /* null, code, data, TSS (two slots) */
    struct tss tss;
    uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
} g __attribute__((aligned(16)));

void gdt_init(void)
{
    g.gdt[0] = 0;
    g.gdt[GDT_KERNEL_CODE / 8] = DESC_PRESENT | DESC_CODE_DATA | DESC_EXEC | DESC_RW | DESC_LONG |
                                 DESC_ACCESSED | DESC_GRAN4K | DESC_LIMIT_MAX;
    g.gdt[GDT_KERNEL_DATA / 8] = DESC_PRESENT | DESC_CODE_DATA | DESC_RW | DESC_DB32 | DESC_ACCESSED |
                                 DESC_GRAN4K | DESC_LIMIT_MAX;
    uint64_t base = (uint64_t)&g.tss, limit = sizeof g.tss - 1;
    g.gdt[GDT_TSS / 8] = DESC_PRESENT | TSS_TYPE_AVAILABLE | (limit & 0xffff) |
                         ((base & 0xffffff) << 16) | (((base >> 24) & 0xff) << 56);
    g.gdt[GDT_TSS / 8 + 1] = base >> 32;
    g.tss.iomap_base = sizeof g.tss; /* no I/O permission bitmap */
    for (int i = 0; i < 3; i++)
        g.tss.ist[i] = (uint64_t)&g.ist_stacks[i][IST_STACK_SIZE];

    struct desc_ptr p = { sizeof g.gdt - 1, (uint64_t)g.gdt };
    lgdt(&p);
    /* reload CS with a far return, then the data segments */
    __asm__ volatile("pushq %0\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w1, %%ds\n\t"
                     "movw %w1, %%es\n\t"
                     "movw %w1, %%ss\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\t"
                     :
                     : "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA), "r"(0)
                     : "rax", "memory");
    ltr(GDT_TSS);
}

void gdt_set_ist(int ist, uint64_t top)
{
    g.tss.ist[ist - 1] = top;
}

void gdt_set_rsp0(uint64_t top)
{
    g.tss.rsp[0] = top;
}
