/* kernel/ksyms.c — address -> function name over the table the build embeds (contract in ksyms.h). */
#include "kernel/ksyms.h"

#include <stddef.h>

#include "kernel/mm/memlayout.h"


uint64_t ksyms_size(void)
{
    return ksyms_count;
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset_out)
{
    if (addr < (uint64_t)__kernel_start || addr >= (uint64_t)__text_end || ksyms_count == 0)
        return NULL;
    /* binary search for the last entry with entry.addr <= addr */
    uint64_t lo = 0, hi = ksyms_count;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_entries[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_entries[lo].addr > addr)
        return NULL;
    *offset_out = addr - ksyms_entries[lo].addr;
    return ksyms_entries[lo].name;
}
