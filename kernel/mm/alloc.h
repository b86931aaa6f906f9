/* kernel/mm/alloc.h — a general-purpose allocator over arenas that a caller supplies.
 *
 * Portable C with no kernel dependency, so the host unit tests (tests/unit/kernel/test_alloc.c) run
 * the same code the kernel heap (kernel/mm/heap.c) does. Blocks carry a 16-byte boundary tag; free
 * blocks sit on one first-fit list and coalesce with free neighbours on release. Arenas come from the
 * `grow` callback and are never returned. All payloads are 16-byte aligned.
 *
 * Not thread-safe: the caller serializes (heap.c disables interrupts around each call). */
#ifndef KERNEL_MM_ALLOC_H
#define KERNEL_MM_ALLOC_H

#include <stddef.h>
#include <stdbool.h>

#define ALLOC_ALIGN 16
#define ALLOC_ARENA_MIN (1u << 20) /* bytes asked of `grow` at least */

struct alloc_block;
struct alloc_arena;

/* Returns a 16-byte aligned region of at least `size` bytes and sets *got_out to its real size, or
 * NULL when out of memory. The allocator owns the region from then on. */
typedef void *(*alloc_grow_fn)(void *ctx, size_t size, size_t *got_out);
/* Called on a detected misuse (double free, freeing a foreign pointer, a corrupted tag); `what`
 * names it. The kernel panics; tests count. */
typedef void (*alloc_fail_fn)(void *ctx, const char *what, void *ptr);

struct alloc {
    alloc_grow_fn grow;
    alloc_fail_fn fail;
    void *ctx;
    bool poison;                  /* fill freed payloads with ALLOC_POISON_BYTE */
    struct alloc_arena *arenas;   /* every arena, newest first */
    struct alloc_block *free_list;/* first free block, or NULL */
    size_t bytes_total;           /* arena bytes obtained from grow */
    size_t bytes_used;            /* bytes of allocated blocks, tags included */
    size_t count_used;            /* allocated blocks */
};

#define ALLOC_POISON_BYTE 0x6b

/* prepares an empty allocator; nothing is asked of grow until the first allocation */
void alloc_init(struct alloc *a, alloc_grow_fn grow, alloc_fail_fn fail, void *ctx, bool poison);

/* size bytes, 16-aligned; NULL when size is too large or grow fails. size 0 gives a unique pointer. */
void *alloc_malloc(struct alloc *a, size_t size);
/* size bytes aligned to `align` (a power of two; up to 1 MiB); NULL as alloc_malloc or on a bad
 * align. The result is freed with alloc_free like any other. */
void *alloc_aligned(struct alloc *a, size_t size, size_t align);
/* NULL is a no-op; anything else must come from this allocator and not be freed yet (else fail) */
void alloc_free(struct alloc *a, void *ptr);
/* C realloc: NULL ptr allocates, size 0 frees and returns NULL; on failure the old block stays and
 * NULL is returned. The result is only 16-byte aligned, whatever ptr's alignment was. */
void *alloc_realloc(struct alloc *a, void *ptr, size_t size);
/* the bytes usable at ptr (>= the size asked) */
size_t alloc_usable_size(const void *ptr);
/* walks every arena and the free list checking all invariants; returns 0 when consistent, else
 * calls fail and returns -1 (used by the self-test and unit tests) */
int alloc_check(struct alloc *a);

#endif
