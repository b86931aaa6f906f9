/* kernel/selftest.c — the table of in-kernel tests (contract in selftest.h). Each test lives next to
 * the code it checks when it needs that module's insides (heap_selftest); the rest are here. */
#include "kernel/selftest.h"

#include <stdint.h>
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/vmm.h"
#include "kernel/printk.h"

#define ST_CHECK(cond)                                                        \
    do {                                                                      \
        if (!(cond)) {                                                        \
            printk("selftest: %s: FAIL %s (line %d)\n", __func__, #cond, __LINE__); \
            failed++;                                                         \
        }                                                                     \
    } while (0)

extern char __kernel_start[], __text_end[], __rodata_end[], __data_end[];

static int test_pmm(void)
{
    int failed = 0;
    uint64_t free0 = pmm_free_pages();
    uint64_t a = pmm_alloc(1), b = pmm_alloc(16);
    ST_CHECK(a && b && a != b && (a & 0xfff) == 0 && (b & 0xfff) == 0);
    ST_CHECK(pmm_free_pages() == free0 - 17);
    memset(phys_to_virt(b), 0x42, 16 * PAGE_SIZE); /* the direct map reaches the frames */
    pmm_free(a, 1);
    pmm_free(b, 16);
    ST_CHECK(pmm_free_pages() == free0);
    ST_CHECK(pmm_alloc(pmm_total_pages() + 1) == 0);
    return failed;
}

static int test_vmm(void)
{
    int failed = 0;
    unsigned f;
    /* W^X per kernel section, NX direct map */
    ST_CHECK(vmm_query((uint64_t)__kernel_start, &f) && (f & VMM_EXEC) && !(f & VMM_WRITE));
    ST_CHECK(vmm_query((uint64_t)__text_end, &f) && !(f & VMM_EXEC) && !(f & VMM_WRITE));
    ST_CHECK(vmm_query((uint64_t)__rodata_end, &f) && !(f & VMM_EXEC) && (f & VMM_WRITE));
    ST_CHECK(vmm_query((uint64_t)__data_end, &f) && !(f & VMM_EXEC) && !(f & VMM_WRITE));
    ST_CHECK(vmm_query(DIRECT_MAP_BASE + 0x100000, &f) && !(f & VMM_EXEC) && (f & VMM_WRITE));
    ST_CHECK(!vmm_query(0x1000, &f)); /* the boot identity map is gone */
    /* a stack has a guard page below it */
    uint64_t top = vmm_stack_alloc(4);
    ST_CHECK(top != 0);
    ST_CHECK(vmm_query(top - 1, &f) && (f & VMM_WRITE));
    ST_CHECK(vmm_query(top - 4 * PAGE_SIZE, &f));
    ST_CHECK(!vmm_query(top - 4 * PAGE_SIZE - 1, &f));
    /* translation round trip */
    ST_CHECK(virt_to_phys(phys_to_virt(0x123456)) == 0x123456);
    ST_CHECK(vmm_translate((uint64_t)__kernel_start) == virt_to_phys(__kernel_start));
    return failed;
}

struct selftest {
    const char *name;
    int (*fn)(void);
};

static const struct selftest tests[] = {
    { "pmm", test_pmm },
    { "vmm", test_vmm },
    { "heap", heap_selftest },
};

int selftest_run(const char *filter)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        int f = tests[i].fn();
        printk("selftest: %s %s\n", tests[i].name, f ? "FAIL" : "ok");
        if (f)
            failed++;
        else
            passed++;
    }
    printk("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}
