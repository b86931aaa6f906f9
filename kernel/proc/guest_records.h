/* kernel/proc/guest_records.h — the guest side of host calls that list fixed-size records
 * (walos_proc list, walos_net ifaces and sockets): their arguments (buf, buf_len, count_out) are
 * checked against the caller's linear memory; the records that fit are written, and count_out gets
 * how many there are, so a caller with too small a buffer learns the size it needs. */
#ifndef KERNEL_PROC_GUEST_RECORDS_H
#define KERNEL_PROC_GUEST_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

struct ext_records {
    uint8_t *buf;
    uint8_t *count_out;
    uint32_t fit;       /* records of rec_bytes that fit in buf */
    uint32_t rec_bytes;
    uint32_t count;     /* records offered so far */
};

/* Checks the guest ranges of slots[0..2] (buf, buf_len, count_out); false when one is outside
 * memory (the call answers WASI_EFAULT). */
bool ext_records_begin(struct ext_records *r, const uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                       uint32_t rec_bytes);
/* Where the next record goes, or NULL when it does not fit; counts it either way. */
uint8_t *ext_records_next(struct ext_records *r);
/* Writes the count to count_out. */
void ext_records_end(struct ext_records *r);

#endif
