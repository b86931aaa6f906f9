/* kernel/fs/blockfault.h — a block device that forwards to another and injects faults, for the
 * crash-consistency sweep (issue 5: "halt the machine after N block writes") and error-path tests.
 *
 * After `cut_after` WRITE requests have completed, the next WRITE calls on_cut (the kernel halts the
 * machine there: QEMU sees nothing after it) and, if on_cut returns, is dropped: reported as done
 * but never written, like a write lost at a power cut. After `fail_after` writes, WRITEs fail with
 * BLOCK_EIO instead. READ and FLUSH pass through. Limits of UINT64_MAX are off. Not locked; the
 * counters are updated at submit, in the submitter's context. */
#ifndef KERNEL_FS_BLOCKFAULT_H
#define KERNEL_FS_BLOCKFAULT_H

#include <stdint.h>
#include "kernel/drivers/block.h"

struct blockfault {
    struct block_device dev;     /* what the filesystem mounts on */
    struct block_device *inner;  /* borrowed; must outlive this */
    uint64_t writes;             /* WRITE requests seen */
    uint64_t cut_after;          /* UINT64_MAX: never */
    uint64_t fail_after;         /* UINT64_MAX: never */
    void (*on_cut)(void *ctx);   /* may be NULL; called once, at the first dropped write */
    void *ctx;
    bool cut;                    /* the cut has happened */
};

/* Makes *bf a pass-through device over inner (no faults until the limits are set). */
void blockfault_init(struct blockfault *bf, struct block_device *inner);

#endif
