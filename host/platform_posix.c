/* host/platform_posix.c — include/walos/platform.h, "needed by the engine" section, on POSIX.
 *
 * Allocation is libc's; linear-memory regions are anonymous mmap reservations (PROT_NONE) whose
 * committed prefix is made read-write with mprotect. The WASI section lives beside it, in
 * host/platform_posix_wasi.c. Used by walos-run and the WASI unit tests. */
#include <stdlib.h>
#include <sys/mman.h>

#include "walos/platform.h"

void *plat_alloc(size_t size) { return malloc(size ? size : 1); }
void *plat_calloc(size_t count, size_t size) { return calloc(count ? count : 1, size ? size : 1); }
void *plat_realloc(void *ptr, size_t size) { return realloc(ptr, size ? size : 1); }
void plat_free(void *ptr) { free(ptr); }

void *plat_mem_reserve(uint64_t reserve, uint64_t commit)
{
    if (commit > reserve)
        return NULL;
    void *p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (commit && mprotect(p, commit, PROT_READ | PROT_WRITE) != 0) {
        munmap(p, reserve);
        return NULL;
    }
    return p;
}

/* New pages of an anonymous mapping are already zero; pages given back by a shrink never are
 * handed out again (memories only grow). */
bool plat_mem_commit(void *base, uint64_t old_commit, uint64_t new_commit)
{
    if (new_commit <= old_commit)
        return true;
    uint64_t page = 4096;
    uint64_t from = old_commit & ~(page - 1), to = (new_commit + page - 1) & ~(page - 1);
    return mprotect((uint8_t *)base + from, to - from, PROT_READ | PROT_WRITE) == 0;
}

void plat_mem_release(void *base, uint64_t reserve)
{
    if (base)
        munmap(base, reserve);
}
