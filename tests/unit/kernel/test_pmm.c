/* Host tests of the physical memory manager (kernel/mm/pmm.c) over a fake memory map: what starts
 * free, what stays reserved (low 1 MiB, kernel image, the bitmap itself), contiguous allocation,
 * loader-memory reclaim, exhaustion, and panics on a double or foreign free. The kernel's cpu.h and
 * printk.h are replaced by stub_kernel.h; "physical" memory is a host buffer. */
#include "tests/unit/harness.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/memlayout.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#define MiB (1ULL << 20)
static uint8_t *fake_ram; /* backs physical [0, 4 MiB): where the bitmap lands */
static jmp_buf panic_jmp;
static int panics;

void *phys_to_virt(uint64_t phys)
{
    if (phys >= 4 * MiB) {
        printf("phys_to_virt(0x%llx) outside the fake RAM\n", (unsigned long long)phys);
        abort();
    }
    return fake_ram + phys;
}

_Noreturn void panic(const char *format, ...)
{
    (void)format;
    panics++;
    longjmp(panic_jmp, 1);
}

int printk(const char *format, ...)
{
    (void)format;
    return 0;
}

/* 0-640K usable, 1M-2M kernel (loaded into usable RAM), 2M-256M usable, 256M-260M loader,
 * 260M-261M ACPI, 261M-1G usable, a reserved hole, then 4G-4.5G usable */
static const struct bootinfo_mmap_entry map[] = {
    { 0x0, 0xa0000, BOOTINFO_MEM_USABLE, 0 },
    { 1 * MiB, 255 * MiB, BOOTINFO_MEM_USABLE, 0 },
    { 256 * MiB, 4 * MiB, BOOTINFO_MEM_LOADER, 0 },
    { 260 * MiB, 1 * MiB, BOOTINFO_MEM_ACPI_RECLAIM, 0 },
    { 261 * MiB, 763 * MiB, BOOTINFO_MEM_USABLE, 0 },
    { 0xfec00000, 0x1000, BOOTINFO_MEM_MMIO, 0 },
    { 4096 * MiB, 512 * MiB, BOOTINFO_MEM_USABLE, 0 },
};
#define MAP_N (sizeof map / sizeof map[0])
#define KBASE (1 * MiB)
#define KSIZE (1 * MiB)

static void setup(void)
{
    if (!fake_ram)
        fake_ram = malloc(4 * MiB);
    CHECK_EQ(pmm_init(map, MAP_N, KBASE, KSIZE), 0);
}

static void test_init(void)
{
    setup();
    uint64_t usable = 255 + 763 + 512; /* MiB, minus kernel and bitmap below */
    uint64_t bitmap_pages = PAGE_ROUND_UP((4608 * MiB / PAGE_SIZE + 63) / 64 * 8) / PAGE_SIZE;
    CHECK_EQ(pmm_free_pages(), usable * 256 - KSIZE / PAGE_SIZE - bitmap_pages);
    CHECK_EQ(pmm_max_phys(), 4608 * MiB);
    CHECK_EQ(pmm_total_pages(), (0xa0000 / PAGE_SIZE) + (255 + 4 + 1 + 763 + 512) * 256);
}

static bool in_range(uint64_t pa, uint64_t n, uint64_t base, uint64_t len)
{
    return pa < base + len && base < pa + n * PAGE_SIZE;
}

static void test_alloc_never_reserved(void)
{
    setup();
    uint64_t bitmap = 2 * MiB; /* the first usable page after the kernel */
    for (int i = 0; i < 5000; i++) {
        uint64_t pa = pmm_alloc(1 + (uint64_t)(i % 7));
        CHECK(pa != 0);
        CHECK((pa & (PAGE_SIZE - 1)) == 0);
        CHECK(pa >= MiB);
        CHECK(!in_range(pa, 1 + (uint64_t)(i % 7), KBASE, KSIZE));
        CHECK(!in_range(pa, 1 + (uint64_t)(i % 7), bitmap, PAGE_SIZE));
        CHECK(!in_range(pa, 1 + (uint64_t)(i % 7), 256 * MiB, 5 * MiB)); /* loader, ACPI */
    }
}

static void test_contiguous_and_free(void)
{
    setup();
    uint64_t free0 = pmm_free_pages();
    uint64_t a = pmm_alloc(1000), b = pmm_alloc(1000);
    CHECK(a && b && (b >= a + 1000 * PAGE_SIZE || a >= b + 1000 * PAGE_SIZE));
    CHECK_EQ(pmm_free_pages(), free0 - 2000);
    pmm_free(a, 1000);
    uint64_t c = pmm_alloc(1000); /* the freed run is found again */
    CHECK_EQ(c, a);
    pmm_free(b, 1000);
    pmm_free(c, 1000);
    CHECK_EQ(pmm_free_pages(), free0);
    CHECK_EQ(pmm_alloc(0), 0);
    /* a run larger than any usable range does not exist */
    CHECK_EQ(pmm_alloc(800 * MiB / PAGE_SIZE), 0);
    CHECK_EQ(pmm_free_pages(), free0);
}

static void test_reclaim(void)
{
    setup();
    uint64_t free0 = pmm_free_pages();
    CHECK_EQ(pmm_reclaim(map, MAP_N, BOOTINFO_MEM_LOADER), 4 * MiB / PAGE_SIZE);
    CHECK_EQ(pmm_free_pages(), free0 + 4 * MiB / PAGE_SIZE);
    CHECK_EQ(pmm_reclaim(map, MAP_N, BOOTINFO_MEM_LOADER), 0); /* only once */
}

static void test_exhaustion(void)
{
    setup();
    uint64_t n = pmm_free_pages(), got = 0;
    while (pmm_alloc(1))
        got++;
    CHECK_EQ(got, n);
    CHECK_EQ(pmm_free_pages(), 0);
}

static void test_misuse_panics(void)
{
    setup();
    panics = 0;
    uint64_t a = pmm_alloc(1);
    pmm_free(a, 1);
    if (!setjmp(panic_jmp))
        pmm_free(a, 1); /* double free */
    CHECK_EQ(panics, 1);
    if (!setjmp(panic_jmp))
        pmm_free(0x1000, 1); /* low memory is never handed out */
    CHECK_EQ(panics, 2);
    if (!setjmp(panic_jmp))
        pmm_free(a + 12, 1); /* unaligned */
    CHECK_EQ(panics, 3);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "init", test_init },
        { "alloc_never_reserved", test_alloc_never_reserved },
        { "contiguous_and_free", test_contiguous_and_free },
        { "reclaim", test_reclaim },
        { "exhaustion", test_exhaustion },
        { "misuse_panics", test_misuse_panics },
        { 0, 0 },
    };
    return test_main(tests, argc, argv);
}
