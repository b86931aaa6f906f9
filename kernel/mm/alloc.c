/* kernel/mm/alloc.c — boundary-tag first-fit allocator (contract in alloc.h).
 *
 * An arena:   [arena header 16 B][block][block]...[end tag 16 B: size 0, USED]
 * A block:    [prev_size 8 B][size|flags 8 B][payload ...]
 *   size      the whole block in bytes (tag included), a multiple of 16, >= ALLOC_MIN_BLOCK
 *   USED      this block is allocated
 *   PREV_USED the block before it is allocated (or there is none); when clear, prev_size holds the
 *             previous (free) block's size, so free() can coalesce backwards in O(1)
 * A free block keeps its free-list links (next, prev) in its first payload bytes.
 * Invariants (alloc_check): no two adjacent free blocks; every free block is on the list and vice
 * versa; each block's PREV_USED matches its predecessor; sizes tile the arena exactly. */
#include "kernel/mm/alloc.h"

#include <stdint.h>
#include "kernel/lib/string.h"

#define TAG_SIZE 16
#define ALLOC_MIN_BLOCK 32
#define F_USED ((size_t)1)
#define F_PREV_USED ((size_t)2)
#define F_MASK ((size_t)15)
#define MAX_ALIGN ((size_t)1 << 20)

struct alloc_block {
    size_t prev_size;
    size_t size_flags;
    struct alloc_block *next, *prev; /* free blocks only */
};

struct alloc_arena {
    struct alloc_arena *next;
    size_t size; /* bytes including this header and the end tag */
};

static size_t bsize(const struct alloc_block *b) { return b->size_flags & ~F_MASK; }
static bool used(const struct alloc_block *b) { return b->size_flags & F_USED; }
static bool prev_used(const struct alloc_block *b) { return b->size_flags & F_PREV_USED; }
static struct alloc_block *next_block(struct alloc_block *b) { return (void *)((char *)b + bsize(b)); }
static void *payload(struct alloc_block *b) { return (char *)b + TAG_SIZE; }
static struct alloc_block *block_of(const void *p) { return (void *)((char *)p - TAG_SIZE); }

static void set_size(struct alloc_block *b, size_t size) { b->size_flags = size | (b->size_flags & F_MASK); }
static void set_flag(struct alloc_block *b, size_t f, bool on)
{
    b->size_flags = on ? (b->size_flags | f) : (b->size_flags & ~f);
}

static void list_remove(struct alloc *a, struct alloc_block *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        a->free_list = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

static void list_push(struct alloc *a, struct alloc_block *b)
{
    b->prev = NULL;
    b->next = a->free_list;
    if (a->free_list)
        a->free_list->prev = b;
    a->free_list = b;
}

/* marks b free (not yet on the list) and tells its successor */
static void mark_free(struct alloc_block *b)
{
    set_flag(b, F_USED, false);
    struct alloc_block *n = next_block(b);
    set_flag(n, F_PREV_USED, false);
    n->prev_size = bsize(b);
}

/* merges free block b with free neighbours; b must be off the list; returns the merged block */
static struct alloc_block *coalesce(struct alloc *a, struct alloc_block *b)
{
    struct alloc_block *n = next_block(b);
    if (!used(n)) {
        list_remove(a, n);
        set_size(b, bsize(b) + bsize(n));
    }
    if (!prev_used(b)) {
        struct alloc_block *p = (void *)((char *)b - b->prev_size);
        list_remove(a, p);
        set_size(p, bsize(p) + bsize(b));
        b = p;
    }
    mark_free(b);
    return b;
}

/* splits `need` bytes off the front of used block b; the rest becomes a free block */
static void split(struct alloc *a, struct alloc_block *b, size_t need)
{
    size_t size = bsize(b);
    if (size - need < ALLOC_MIN_BLOCK)
        return;
    set_size(b, need);
    struct alloc_block *rest = next_block(b);
    rest->size_flags = (size - need) | F_PREV_USED;
    mark_free(rest);
    rest = coalesce(a, rest);
    list_push(a, rest);
}

static bool add_arena(struct alloc *a, size_t need)
{
    size_t want = need + sizeof(struct alloc_arena) + TAG_SIZE;
    if (want < ALLOC_ARENA_MIN)
        want = ALLOC_ARENA_MIN;
    size_t got = 0;
    char *mem = a->grow ? a->grow(a->ctx, want, &got) : NULL;
    if (!mem || got < want || ((uintptr_t)mem & (ALLOC_ALIGN - 1)))
        return false;
    got &= ~(size_t)(ALLOC_ALIGN - 1);
    struct alloc_arena *ar = (void *)mem;
    ar->size = got;
    ar->next = a->arenas;
    a->arenas = ar;
    a->bytes_total += got;
    struct alloc_block *b = (void *)(mem + sizeof *ar);
    size_t bsz = got - sizeof *ar - TAG_SIZE;
    b->prev_size = 0;
    b->size_flags = bsz | F_PREV_USED | F_USED;
    struct alloc_block *end = next_block(b);
    end->size_flags = F_USED | F_PREV_USED;
    mark_free(b);
    list_push(a, b);
    return true;
}

void alloc_init(struct alloc *a, alloc_grow_fn grow, alloc_fail_fn fail, void *ctx, bool poison)
{
    memset(a, 0, sizeof *a);
    a->grow = grow;
    a->fail = fail;
    a->ctx = ctx;
    a->poison = poison;
}

static size_t block_need(size_t size)
{
    size_t need = ((size + ALLOC_ALIGN - 1) & ~(size_t)(ALLOC_ALIGN - 1)) + TAG_SIZE;
    return need < ALLOC_MIN_BLOCK ? ALLOC_MIN_BLOCK : need;
}

void *alloc_malloc(struct alloc *a, size_t size)
{
    if (size > SIZE_MAX / 4)
        return NULL;
    size_t need = block_need(size);
    for (int attempt = 0; attempt < 2; attempt++) {
        for (struct alloc_block *b = a->free_list; b; b = b->next) {
            if (bsize(b) < need)
                continue;
            list_remove(a, b);
            set_flag(b, F_USED, true);
            set_flag(next_block(b), F_PREV_USED, true);
            split(a, b, need);
            a->bytes_used += bsize(b);
            a->count_used++;
            return payload(b);
        }
        if (!add_arena(a, need))
            return NULL;
    }
    return NULL;
}

static bool owned_used_block(struct alloc *a, void *ptr)
{
    if (((uintptr_t)ptr & (ALLOC_ALIGN - 1)) != 0)
        return false;
    struct alloc_block *b = block_of(ptr);
    for (struct alloc_arena *ar = a->arenas; ar; ar = ar->next) {
        char *lo = (char *)ar + sizeof *ar, *hi = (char *)ar + ar->size - TAG_SIZE;
        if ((char *)b >= lo && (char *)b < hi)
            return used(b) && bsize(b) >= ALLOC_MIN_BLOCK && (char *)b + bsize(b) <= hi;
    }
    return false;
}

void alloc_free(struct alloc *a, void *ptr)
{
    if (!ptr)
        return;
    if (!owned_used_block(a, ptr)) {
        if (a->fail)
            a->fail(a->ctx, "free of a pointer not allocated (or already freed)", ptr);
        return;
    }
    struct alloc_block *b = block_of(ptr);
    a->bytes_used -= bsize(b);
    a->count_used--;
    if (a->poison && bsize(b) > ALLOC_MIN_BLOCK)
        memset((char *)b + ALLOC_MIN_BLOCK, ALLOC_POISON_BYTE, bsize(b) - ALLOC_MIN_BLOCK);
    mark_free(b);
    b = coalesce(a, b);
    list_push(a, b);
}

void *alloc_aligned(struct alloc *a, size_t size, size_t align)
{
    if (align == 0 || (align & (align - 1)) || align > MAX_ALIGN)
        return NULL;
    if (align <= ALLOC_ALIGN)
        return alloc_malloc(a, size);
    if (size > SIZE_MAX / 4)
        return NULL;
    char *p = alloc_malloc(a, size + align + ALLOC_MIN_BLOCK);
    if (!p)
        return NULL;
    uintptr_t q = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
    if (q != (uintptr_t)p && q - (uintptr_t)p < ALLOC_MIN_BLOCK)
        q += align; /* leave room for the leading piece to be a block of its own */
    if (q == (uintptr_t)p)
        return p;
    /* cut the leading piece off as a free block */
    struct alloc_block *b = block_of(p), *nb = block_of((void *)q);
    size_t lead = q - (uintptr_t)p, total = bsize(b);
    set_size(b, lead);
    nb->size_flags = (total - lead) | F_USED; /* PREV_USED clear: b becomes free below */
    a->bytes_used -= lead;
    set_flag(b, F_USED, false);
    nb->prev_size = lead;
    struct alloc_block *free_lead = b;
    if (!prev_used(b)) { /* merge with an earlier free block */
        struct alloc_block *pb = (void *)((char *)b - b->prev_size);
        list_remove(a, pb);
        set_size(pb, bsize(pb) + lead);
        free_lead = pb;
        nb->prev_size = bsize(pb);
    }
    list_push(a, free_lead);
    split(a, nb, block_need(size));
    a->bytes_used -= total - lead - bsize(nb);
    return (void *)q;
}

size_t alloc_usable_size(const void *ptr)
{
    return bsize(block_of(ptr)) - TAG_SIZE;
}

void *alloc_realloc(struct alloc *a, void *ptr, size_t size)
{
    if (!ptr)
        return alloc_malloc(a, size);
    if (size == 0) {
        alloc_free(a, ptr);
        return NULL;
    }
    if (size > SIZE_MAX / 4)
        return NULL;
    if (!owned_used_block(a, ptr)) {
        if (a->fail)
            a->fail(a->ctx, "realloc of a pointer not allocated", ptr);
        return NULL;
    }
    struct alloc_block *b = block_of(ptr);
    size_t need = block_need(size), old = bsize(b);
    if (need <= old) { /* shrink in place */
        split(a, b, need);
        a->bytes_used -= old - bsize(b);
        return ptr;
    }
    struct alloc_block *n = next_block(b);
    if (!used(n) && old + bsize(n) >= need) { /* grow into the free successor */
        list_remove(a, n);
        set_size(b, old + bsize(n));
        set_flag(next_block(b), F_PREV_USED, true);
        split(a, b, need);
        a->bytes_used += bsize(b) - old;
        return ptr;
    }
    void *q = alloc_malloc(a, size);
    if (!q)
        return NULL;
    memcpy(q, ptr, old - TAG_SIZE);
    alloc_free(a, ptr);
    return q;
}

static int check_fail(struct alloc *a, const char *what, void *where)
{
    if (a->fail)
        a->fail(a->ctx, what, where);
    return -1;
}

int alloc_check(struct alloc *a)
{
    size_t free_blocks = 0, used_bytes = 0, used_count = 0, total = 0;
    for (struct alloc_arena *ar = a->arenas; ar; ar = ar->next) {
        total += ar->size;
        char *end = (char *)ar + ar->size - TAG_SIZE;
        struct alloc_block *b = (void *)((char *)ar + sizeof *ar);
        bool prev_was_used = true;
        size_t prev_size = 0;
        while ((char *)b < end) {
            size_t sz = bsize(b);
            if (sz < ALLOC_MIN_BLOCK || (sz & F_MASK) || (char *)b + sz > end)
                return check_fail(a, "alloc_check: bad block size", b);
            if (prev_used(b) != prev_was_used)
                return check_fail(a, "alloc_check: PREV_USED out of step", b);
            if (!prev_was_used && b->prev_size != prev_size)
                return check_fail(a, "alloc_check: prev_size wrong", b);
            if (!used(b)) {
                if (!prev_was_used)
                    return check_fail(a, "alloc_check: two adjacent free blocks", b);
                free_blocks++;
            } else {
                used_bytes += sz;
                used_count++;
            }
            prev_was_used = used(b);
            prev_size = sz;
            b = next_block(b);
        }
        if ((char *)b != end || !used(b) || prev_used(b) != prev_was_used)
            return check_fail(a, "alloc_check: arena end tag", b);
    }
    size_t listed = 0;
    for (struct alloc_block *b = a->free_list; b; b = b->next) {
        if (used(b) || (b->next && b->next->prev != b))
            return check_fail(a, "alloc_check: free list corrupt", b);
        if (++listed > free_blocks)
            return check_fail(a, "alloc_check: free list longer than free blocks", b);
    }
    if (listed != free_blocks)
        return check_fail(a, "alloc_check: free block missing from the list", NULL);
    if (used_bytes != a->bytes_used || used_count != a->count_used || total != a->bytes_total)
        return check_fail(a, "alloc_check: statistics wrong", NULL);
    return 0;
}
