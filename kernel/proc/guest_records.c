/* kernel/proc/guest_records.c — see guest_records.h. */
#include "kernel/proc/guest_records.h"

#include <stddef.h>

#include "kernel/lib/string.h"
#include "wasi/wasi_priv.h"

bool ext_records_begin(struct ext_records *r, const uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                       uint32_t rec_bytes)
{
    uint32_t buf_len = (uint32_t)slots[1];
    r->buf = wasi_guest(mem, mem_size, (uint32_t)slots[0], buf_len);
    r->count_out = wasi_guest(mem, mem_size, (uint32_t)slots[2], 4);
    r->fit = buf_len / rec_bytes;
    r->rec_bytes = rec_bytes;
    r->count = 0;
    return r->buf && r->count_out;
}

uint8_t *ext_records_next(struct ext_records *r)
{
    uint32_t i = r->count++;
    return i < r->fit ? r->buf + (size_t)i * r->rec_bytes : NULL;
}

void ext_records_end(struct ext_records *r)
{
    memcpy(r->count_out, &r->count, 4);
}
