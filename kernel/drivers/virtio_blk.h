/* kernel/drivers/virtio_blk.h — virtio-blk disks as block devices (kernel/drivers/block.h).
 *
 * virtio_blk_init finds every virtio-blk PCI function (modern id 0x1042 or transitional 0x1001),
 * brings it up over the virtio transport (virtio.h) with one request queue, and hands each out as a
 * struct block_device named vda, vdb, ... Requests are queued in software when the ring is full and
 * split into several device requests when a buffer has more physical segments than one request may
 * carry; each block request completes (done callback, in IRQ context) when all its parts have.
 * Completion is interrupt-driven: MSI-X when the device has it, else INTx. The wait entry sleeps
 * with `sti; hlt` until the request's done ran; if no interrupt arrives for a second it polls the
 * ring and counts that (stats.polled), so a lost interrupt is visible, never a hang.
 *
 * FLUSH maps to VIRTIO_BLK_T_FLUSH when the device offers VIRTIO_BLK_F_FLUSH (otherwise the device is
 * write-through and FLUSH completes at once). A read-only device (VIRTIO_BLK_F_RO) is read_only.
 *
 * Crash testing: virtio_blk_crash_after(n) makes the driver end the machine (isa-debug-exit value
 * VIRTIO_BLK_CRASH_EXIT) instead of issuing write number n + 1; earlier writes complete first. */
#ifndef KERNEL_DRIVERS_VIRTIO_BLK_H
#define KERNEL_DRIVERS_VIRTIO_BLK_H

#include <stdint.h>
#include "kernel/drivers/block.h"

#define VIRTIO_BLK_MAX_DISKS 4
#define VIRTIO_BLK_CRASH_EXIT 0x12 /* QEMU exits with status 0x25 */

struct virtio_blk_stats {
    uint64_t interrupts;     /* interrupt callbacks taken */
    uint64_t requests;       /* block requests submitted */
    uint64_t parts;          /* device requests issued (a block request may be split) */
    uint64_t writes;         /* device write requests issued */
    uint64_t flushes;
    uint64_t errors;         /* device requests that returned a status other than OK */
    uint64_t polled;         /* completions found by the lost-interrupt poll (0 when healthy) */
};

/* Probes PCI (pci_init first) and sets up every virtio-blk disk. Returns how many disks are ready.
 * Boot time; interrupts must be enabled afterwards for requests to complete. Prints one line per disk. */
int virtio_blk_init(void);
/* The index-th disk, NULL past the end. Lives forever. */
struct block_device *virtio_blk_disk(int index);
/* Counters of one disk (zero for a bad index). */
struct virtio_blk_stats virtio_blk_stats(int index);
/* Arms the crash switch (see the top of this file); 0 disarms. */
void virtio_blk_crash_after(uint64_t writes);

#endif
