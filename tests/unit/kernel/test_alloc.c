/* Host tests of the kernel heap's allocator logic (kernel/mm/alloc.c) over arenas from malloc:
 * sizes, alignment, coalescing, realloc, misuse detection, and a random stress run that checks every
 * invariant (alloc_check) and every block's contents after each step. */
#include "tests/unit/harness.h"
#include "kernel/mm/alloc.h"

#include <stdint.h>
#include <stdlib.h>

static int fails;
static int arenas;
static void *arena_mem[64];
static size_t arena_limit = 64;

static void *grow(void *ctx, size_t size, size_t *got)
{
    (void)ctx;
    if ((size_t)arenas >= arena_limit)
        return NULL;
    void *p = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
    if (!p)
        return NULL;
    arena_mem[arenas++] = p;
    *got = (size + 4095) & ~(size_t)4095;
    return p;
}

static void fail(void *ctx, const char *what, void *ptr)
{
    (void)ctx;
    (void)what;
    (void)ptr;
    fails++;
}

static void setup(struct alloc *a)
{
    for (int i = 0; i < arenas; i++)
        free(arena_mem[i]);
    arenas = 0;
    fails = 0;
    arena_limit = 64;
    alloc_init(a, grow, fail, NULL, true);
}

static void test_basic(void)
{
    struct alloc a;
    setup(&a);
    void *p = alloc_malloc(&a, 0), *q = alloc_malloc(&a, 1), *r = alloc_malloc(&a, 100);
    CHECK(p && q && r && p != q && q != r);
    CHECK(((uintptr_t)p & 15) == 0 && ((uintptr_t)q & 15) == 0 && ((uintptr_t)r & 15) == 0);
    CHECK(alloc_usable_size(r) >= 100);
    memset(r, 0xab, 100);
    CHECK_EQ(a.count_used, 3);
    CHECK_EQ(alloc_check(&a), 0);
    alloc_free(&a, q);
    alloc_free(&a, p);
    alloc_free(&a, r);
    alloc_free(&a, NULL);
    CHECK_EQ(a.count_used, 0);
    CHECK_EQ(a.bytes_used, 0);
    CHECK_EQ(alloc_check(&a), 0);
    /* everything coalesced back: one free block covering the arena */
    CHECK(alloc_malloc(&a, ALLOC_ARENA_MIN - 64) != NULL);
    CHECK_EQ(arenas, 1);
    CHECK_EQ(fails, 0);
}

static void test_big_and_oom(void)
{
    struct alloc a;
    setup(&a);
    void *big = alloc_malloc(&a, 5u << 20); /* larger than ALLOC_ARENA_MIN: its own arena */
    CHECK(big != NULL);
    memset(big, 1, 5u << 20);
    CHECK_EQ(alloc_check(&a), 0);
    alloc_free(&a, big);
    arena_limit = (size_t)arenas; /* no more arenas */
    CHECK(alloc_malloc(&a, 64u << 20) == NULL);
    CHECK(alloc_malloc(&a, SIZE_MAX - 8) == NULL);
    CHECK(alloc_malloc(&a, 1000) != NULL); /* the existing arena still serves */
    CHECK_EQ(alloc_check(&a), 0);
}

static void test_aligned(void)
{
    struct alloc a;
    setup(&a);
    void *keep[40];
    int n = 0;
    for (size_t align = 16; align <= 65536; align <<= 1) {
        for (size_t size = 1; size < 5000; size = size * 3 + 7) {
            void *p = alloc_aligned(&a, size, align);
            CHECK(p != NULL);
            CHECK(((uintptr_t)p & (align - 1)) == 0);
            memset(p, 0x5a, size);
            CHECK_EQ(alloc_check(&a), 0);
            if (n < 40)
                keep[n++] = p;
            else
                alloc_free(&a, p);
        }
    }
    CHECK(alloc_aligned(&a, 10, 48) == NULL); /* not a power of two */
    CHECK(alloc_aligned(&a, 10, 0) == NULL);
    for (int i = 0; i < n; i++)
        alloc_free(&a, keep[i]);
    CHECK_EQ(a.count_used, 0);
    CHECK_EQ(alloc_check(&a), 0);
    CHECK_EQ(fails, 0);
}

static void test_realloc(void)
{
    struct alloc a;
    setup(&a);
    char *p = alloc_realloc(&a, NULL, 10);
    CHECK(p != NULL);
    memcpy(p, "0123456789", 10);
    char *blocker = alloc_malloc(&a, 16);
    p = alloc_realloc(&a, p, 5000); /* moves (blocker is right after it) */
    CHECK(p && memcmp(p, "0123456789", 10) == 0);
    alloc_free(&a, blocker);
    char *q = alloc_realloc(&a, p, 20000); /* grows in place into the free tail or moves */
    CHECK(q && memcmp(q, "0123456789", 10) == 0);
    q = alloc_realloc(&a, q, 8); /* shrinks in place */
    CHECK(q && memcmp(q, "01234567", 8) == 0);
    CHECK_EQ(alloc_check(&a), 0);
    CHECK(alloc_realloc(&a, q, 0) == NULL);
    CHECK_EQ(a.count_used, 0);
    CHECK_EQ(alloc_check(&a), 0);
    CHECK_EQ(fails, 0);
}

static void test_misuse(void)
{
    struct alloc a;
    setup(&a);
    char *p = alloc_malloc(&a, 64);
    alloc_free(&a, p);
    CHECK_EQ(fails, 0);
    alloc_free(&a, p); /* double free */
    CHECK_EQ(fails, 1);
    int local;
    alloc_free(&a, &local); /* foreign pointer */
    CHECK_EQ(fails, 2);
    char *q = alloc_malloc(&a, 64);
    alloc_free(&a, q + 16); /* interior pointer */
    CHECK_EQ(fails, 3);
    /* poisoned after free */
    char *r = alloc_malloc(&a, 256);
    memset(r, 0, 256);
    alloc_free(&a, r);
    CHECK_EQ((unsigned char)r[200], ALLOC_POISON_BYTE);
    CHECK_EQ(alloc_check(&a), 0);
}

static void test_stress(void)
{
    struct alloc a;
    setup(&a);
    enum { SLOTS = 300 };
    unsigned char *ptr[SLOTS] = { 0 };
    size_t len[SLOTS] = { 0 };
    unsigned seed = 7;
    int bad = 0;
    for (int step = 0; step < 20000 && !bad; step++) {
        seed = seed * 1103515245u + 12345u;
        int i = (int)((seed >> 8) % SLOTS);
        int op = (int)((seed >> 20) % 4);
        size_t size = (seed >> 4) % 3 == 0 ? (seed >> 12) % 20000 : (seed >> 12) % 300;
        if (ptr[i]) { /* verify contents, then free or realloc */
            for (size_t k = 0; k < len[i]; k++)
                if (ptr[i][k] != (unsigned char)(i + k))
                    bad = 1;
            if (op == 0) {
                unsigned char *q = alloc_realloc(&a, ptr[i], size);
                if (size && !q)
                    bad = 2;
                size_t keep = len[i] < size ? len[i] : size;
                for (size_t k = 0; k < keep && q; k++)
                    if (q[k] != (unsigned char)(i + k))
                        bad = 3;
                ptr[i] = size ? q : NULL;
                len[i] = size;
            } else {
                alloc_free(&a, ptr[i]);
                ptr[i] = NULL;
                len[i] = 0;
            }
        } else {
            size_t align = op == 1 ? (size_t)16 << ((seed >> 3) % 8) : 0;
            ptr[i] = align ? alloc_aligned(&a, size, align) : alloc_malloc(&a, size);
            len[i] = size;
            if (!ptr[i] || (align && ((uintptr_t)ptr[i] & (align - 1))))
                bad = 4;
        }
        if (ptr[i])
            for (size_t k = 0; k < len[i]; k++)
                ptr[i][k] = (unsigned char)(i + k);
        if (step % 50 == 0 && alloc_check(&a) != 0)
            bad = 5;
    }
    CHECK_EQ(bad, 0);
    for (int i = 0; i < SLOTS; i++)
        alloc_free(&a, ptr[i]);
    CHECK_EQ(a.count_used, 0);
    CHECK_EQ(a.bytes_used, 0);
    CHECK_EQ(alloc_check(&a), 0);
    CHECK_EQ(fails, 0);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "basic", test_basic },
        { "big_and_oom", test_big_and_oom },
        { "aligned", test_aligned },
        { "realloc", test_realloc },
        { "misuse", test_misuse },
        { "stress", test_stress },
        { 0, 0 },
    };
    return test_main(tests, argc, argv);
}
