/* tests/unit/engine/platform_test.c — the engine section of include/walos/platform.h over malloc,
 * for the engine's own unit tests and the spec runner (independent of host/platform_posix.c).
 * plat_mem_reserve is not provided by this backend: it returns NULL, so memories use plat_alloc. */
#include <stdlib.h>

#include <walos/platform.h>

void *plat_alloc(size_t size) { return malloc(size ? size : 1); }
void *plat_calloc(size_t count, size_t size) { return calloc(count ? count : 1, size ? size : 1); }
void *plat_realloc(void *ptr, size_t size) { return realloc(ptr, size ? size : 1); }
void plat_free(void *ptr) { free(ptr); }

void *plat_mem_reserve(uint64_t reserve, uint64_t commit)
{
    (void)reserve;
    (void)commit;
    return NULL;
}

bool plat_mem_commit(void *base, uint64_t old_commit, uint64_t new_commit)
{
    (void)base;
    (void)old_commit;
    (void)new_commit;
    return false;
}

void plat_mem_release(void *base, uint64_t reserve)
{
    (void)base;
    (void)reserve;
}
