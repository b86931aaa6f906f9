/* kernel/mm/heap.c — kmalloc & co. over kernel/mm/alloc.c (contract in heap.h). This file is the
 * kernel glue: arenas from pmm frames through the direct map, interrupts off around each call,
 * misuse turned into a panic. The allocator logic itself is host-tested (tests/unit/kernel). */
#include "kernel/mm/heap.h"

#include <stdint.h>
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/alloc.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/printk.h"

static struct {
    struct alloc alloc;
} heap;

static void *grow(void *ctx, size_t size, size_t *got_out)
{
    (void)ctx;
    uint64_t pages = PAGE_ROUND_UP(size) / PAGE_SIZE;
    uint64_t pa = pmm_alloc(pages);
    if (!pa)
        return NULL;
    *got_out = pages * PAGE_SIZE;
    return phys_to_virt(pa);
}

static void fail(void *ctx, const char *what, void *ptr)
{
    (void)ctx;
    panic("heap: %s (%p)", what, ptr);
}

void heap_init(void)
{
    alloc_init(&heap.alloc, grow, fail, NULL, true);
}

void *kmalloc(size_t size)
{
    bool on = irq_save();
    void *p = alloc_malloc(&heap.alloc, size);
    irq_restore(on);
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void *kmalloc_aligned(size_t size, size_t align)
{
    bool on = irq_save();
    void *p = alloc_aligned(&heap.alloc, size, align);
    irq_restore(on);
    return p;
}

void *krealloc(void *ptr, size_t size)
{
    bool on = irq_save();
    void *p = alloc_realloc(&heap.alloc, ptr, size);
    irq_restore(on);
    return p;
}

void kfree(void *ptr)
{
    bool on = irq_save();
    alloc_free(&heap.alloc, ptr);
    irq_restore(on);
}

void heap_get_stats(struct heap_stats *out)
{
    bool on = irq_save();
    out->bytes_total = heap.alloc.bytes_total;
    out->bytes_used = heap.alloc.bytes_used;
    out->blocks_used = heap.alloc.count_used;
    irq_restore(on);
}

int heap_check(void)
{
    bool on = irq_save();
    int rc = alloc_check(&heap.alloc);
    irq_restore(on);
    return rc;
}

#define ST_CHECK(cond)                                                   \
    do {                                                                 \
        if (!(cond)) {                                                   \
            printk("selftest: heap: FAIL %s (line %d)\n", #cond, __LINE__); \
            failed++;                                                    \
        }                                                                \
    } while (0)

int heap_selftest(void)
{
    int failed = 0;
    struct heap_stats before, after;
    heap_get_stats(&before);
    /* many sizes, written and verified */
    enum { N = 200 };
    static unsigned char *ptrs[N];
    for (int i = 0; i < N; i++) {
        size_t size = (size_t)(i * 37 % 3000) + 1;
        ptrs[i] = kmalloc(size);
        ST_CHECK(ptrs[i] != NULL && ((uintptr_t)ptrs[i] & 15) == 0);
        if (ptrs[i])
            memset(ptrs[i], (int)i, size);
    }
    for (int i = 0; i < N; i += 2) {
        kfree(ptrs[i]);
        ptrs[i] = NULL;
    }
    for (int i = 1; i < N; i += 2) {
        size_t size = (size_t)(i * 37 % 3000) + 1;
        for (size_t k = 0; k < size && ptrs[i]; k++)
            if (ptrs[i][k] != (unsigned char)i) {
                ST_CHECK(!"block contents intact");
                break;
            }
        ptrs[i] = krealloc(ptrs[i], size * 2);
        ST_CHECK(ptrs[i] && ptrs[i][0] == (unsigned char)i && ptrs[i][size - 1] == (unsigned char)i);
    }
    for (int i = 0; i < N; i++)
        kfree(ptrs[i]);
    /* alignment */
    for (size_t align = 32; align <= 65536; align <<= 1) {
        void *p = kmalloc_aligned(100, align);
        ST_CHECK(p && ((uintptr_t)p & (align - 1)) == 0);
        kfree(p);
    }
    /* zeroing, a big block (own arena), and no leak at the end */
    unsigned char *z = kzalloc(4096);
    ST_CHECK(z && z[0] == 0 && z[4095] == 0);
    kfree(z);
    void *big = kmalloc(8u << 20);
    ST_CHECK(big != NULL);
    if (big)
        memset(big, 0x11, 8u << 20);
    kfree(big);
    ST_CHECK(kmalloc((size_t)1 << 62) == NULL);
    ST_CHECK(heap_check() == 0);
    heap_get_stats(&after);
    ST_CHECK(after.blocks_used == before.blocks_used && after.bytes_used == before.bytes_used);
    return failed;
}
