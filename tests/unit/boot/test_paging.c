/* Host tests of boot/paging.c: build the tables in a host buffer (its addresses play the physical
 * addresses), then walk them like the MMU does and check what each virtual address maps to. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/paging.h"
#include "tests/unit/harness.h"
#include "walos/bootinfo.h"

#define GIB (1ULL << 30)
#define ADDR 0x000ffffffffff000ULL

/* The physical address `v` maps to, or UINT64_MAX when not present; *writable_out is the AND of RW. */
static uint64_t walk(uint64_t cr3, uint64_t v, int *writable_out)
{
    uint64_t *table = (uint64_t *)(uintptr_t)cr3;
    int writable = 1;
    for (int level = 3; level >= 0; level--) {
        uint64_t e = table[(v >> (12 + 9 * level)) & 511];
        if (!(e & 1))
            return UINT64_MAX;
        writable &= (e >> 1) & 1;
        if (level == 1 && (e & 0x80)) {
            *writable_out = writable;
            return (e & ADDR & ~((2ULL << 20) - 1)) + (v & ((2ULL << 20) - 1));
        }
        if (level == 0) {
            *writable_out = writable;
            return (e & ADDR) + (v & 0xfff);
        }
        table = (uint64_t *)(uintptr_t)(e & ADDR);
    }
    return UINT64_MAX;
}

static void *pool_alloc(uint64_t pages)
{
    void *p = aligned_alloc(4096, pages * 4096);
    memset(p, 0, pages * 4096);
    return p;
}

static void test_identity_and_kernel(void)
{
    uint64_t vlow = BOOTINFO_KERNEL_VBASE + 0x100000, vhigh = vlow + 0x403000, phys = 0x1de00000;
    uint64_t pages = paging_pages_needed(4 * GIB, vlow, vhigh);
    CHECK_EQ(pages, 2 + 4 + 2 + 3); /* span crosses 3 PD slots */
    void *pool = pool_alloc(pages);
    uint64_t cr3 = paging_build(pool, pages, 4 * GIB, vlow, vhigh, phys);
    CHECK(cr3 == (uint64_t)(uintptr_t)pool);
    int w = 0;
    CHECK_EQ(walk(cr3, 0, &w), 0);
    CHECK_EQ(walk(cr3, 0x1234567, &w), 0x1234567);
    CHECK_EQ(walk(cr3, 4 * GIB - 1, &w), 4 * GIB - 1);
    CHECK(w);
    CHECK_EQ(walk(cr3, 4 * GIB, &w), UINT64_MAX);
    CHECK_EQ(walk(cr3, vlow, &w), phys);
    CHECK_EQ(walk(cr3, vlow + 0x2345, &w), phys + 0x2345);
    CHECK_EQ(walk(cr3, vhigh - 1, &w), phys + (vhigh - vlow) - 1);
    CHECK(w);
    CHECK_EQ(walk(cr3, vhigh, &w), UINT64_MAX);
    CHECK_EQ(walk(cr3, vlow - 1, &w), UINT64_MAX);
    free(pool);
}

static void test_ram_above_4g(void)
{
    uint64_t vlow = BOOTINFO_KERNEL_VBASE, vhigh = vlow + 0x1000;
    uint64_t pages = paging_pages_needed(6 * GIB + 1, vlow, vhigh);
    void *pool = pool_alloc(pages);
    uint64_t cr3 = paging_build(pool, pages, 6 * GIB + 1, vlow, vhigh, 0x200000);
    int w;
    CHECK_EQ(walk(cr3, 6 * GIB + 0x1000, &w), 6 * GIB + 0x1000); /* rounded up to 7 GiB */
    CHECK_EQ(walk(cr3, 7 * GIB, &w), UINT64_MAX);
    CHECK_EQ(walk(cr3, vlow, &w), 0x200000);
    free(pool);
}

static void test_refusals(void)
{
    uint64_t vlow = BOOTINFO_KERNEL_VBASE, vhigh = vlow + 0x1000;
    uint64_t pages = paging_pages_needed(4 * GIB, vlow, vhigh);
    void *pool = pool_alloc(pages);
    CHECK_EQ(paging_build(pool, pages - 1, 4 * GIB, vlow, vhigh, 0), 0);          /* pool too small */
    CHECK_EQ(paging_build(pool, pages, 4 * GIB, 0x400000, 0x401000, 0), 0);       /* low half */
    CHECK_EQ(paging_build(pool, pages, 4 * GIB, vlow, BOOTINFO_KERNEL_VEND + 0x1000, 0), 0);
    CHECK_EQ(paging_build(pool, pages, 4 * GIB, vlow, vhigh, 0x123), 0);          /* unaligned */
    CHECK_EQ(paging_build(pool, pages, 4 * GIB, vhigh, vlow, 0), 0);              /* empty span */
    free(pool);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"paging_identity_and_kernel", test_identity_and_kernel},
        {"paging_ram_above_4g", test_ram_above_4g},
        {"paging_refusals", test_refusals},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
