/* kernel/drivers/virtio.h — the virtio 1.x modern PCI transport and split virtqueues, shared by every
 * virtio driver (virtio_blk.c now, virtio-net later).
 *
 * Bring-up, in the order of virtio 1.2 §3.1.1: virtio_init (find the vendor capabilities, reset,
 * ACKNOWLEDGE | DRIVER), virtio_negotiate (features; VIRTIO_F_VERSION_1 is always required),
 * virtio_msix_setup or virtio_intx_setup, then virtio_queue_setup for each queue, device-specific
 * setup through virtio_cfg_read*, and virtio_driver_ok. Any failure: virtio_fail (sets FAILED).
 *
 * A virtqueue (struct virtq) carries chains of segments (physical address, length, direction). The
 * driver adds a chain with virtq_add (its head's cookie comes back from virtq_pop_used once the
 * device is done), notifies with virtq_kick and, in its interrupt callback, drains virtq_pop_used.
 * A virtq is not locked: its driver calls it with interrupts off (or from its IRQ callback).
 *
 * References: virtio 1.2 §2.7 (split virtqueues), §4.1.4 (PCI capabilities: common cfg 4.1.4.3,
 * notify 4.1.4.4, ISR 4.1.4.5, device cfg 4.1.4.6), §4.1.5 (MSI-X vector configuration). */
#ifndef KERNEL_DRIVERS_VIRTIO_H
#define KERNEL_DRIVERS_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/drivers/pci.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_MODERN_BASE 0x1040     /* modern device id = 0x1040 + virtio device type */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define VIRTIO_QUEUE_MAX 256              /* queues larger than this are used at this size */
#define VIRTIO_NO_VECTOR 0xffff

/* Errors of the transport. 0 = OK. */
enum virtio_err {
    VIRTIO_OK = 0,
    VIRTIO_ENODEV = 1,    /* not a modern virtio device (capabilities missing or unmappable) */
    VIRTIO_EFEATURES = 2, /* the device refused FEATURES_OK or lacks VERSION_1 */
    VIRTIO_EQUEUE = 3,    /* queue absent, zero-sized, or refused its MSI-X vector */
    VIRTIO_ENOMEM = 4,    /* no memory for the ring */
    VIRTIO_EIRQ = 5,      /* no interrupt could be set up */
};

/* One segment of a chain: guest-physical memory the device reads (or writes, when device_writes). */
struct virtq_seg {
    uint64_t phys;
    uint32_t len;
    bool device_writes;
};

struct virtq_desc;
struct virtq_avail;
struct virtq_used;

struct virtq {
    uint16_t index;              /* queue number on the device */
    uint16_t size;               /* descriptors */
    struct virtq_desc *desc;     /* the three rings, in one pmm allocation */
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint64_t ring_phys;
    uint32_t ring_pages;
    uint16_t free_head;          /* free descriptors are chained through desc[].next */
    uint16_t num_free;
    uint16_t last_used;          /* used->idx value consumed so far */
    volatile uint16_t *notify;   /* where virtq_kick writes the queue index */
    void **cookies;              /* per head descriptor */
};

struct virtio_dev {
    struct pci_device *pci;
    volatile uint8_t *common;    /* struct virtio_pci_common_cfg */
    volatile uint8_t *isr;       /* ISR status byte (reading clears it) */
    volatile uint8_t *device;    /* device-specific configuration */
    volatile uint8_t *notify_base;
    uint32_t notify_multiplier;
    uint64_t features;           /* negotiated */
    bool msix;                   /* interrupts through MSI-X (else INTx) */
};

/* ---- bring-up (boot time; may not be called from IRQ context) ---- */

/* Finds the common/notify/ISR/device capabilities of pci, maps their BARs, enables DMA, resets the
 * device and sets ACKNOWLEDGE | DRIVER. VIRTIO_OK or VIRTIO_ENODEV. *vd is caller-owned and must
 * outlive the device's use. */
int virtio_init(struct virtio_dev *vd, struct pci_device *pci);
/* Offers want & the device's features (VERSION_1 added), sets FEATURES_OK and checks the device kept
 * it. VIRTIO_OK (vd->features = what was agreed) or VIRTIO_EFEATURES. */
int virtio_negotiate(struct virtio_dev *vd, uint64_t want);
/* Routes MSI-X table entry `entry` to fn(ctx); returns the IDT vector or -1. Call once per entry;
 * entry numbers are then given to virtio_queue_setup (and config_entry for config changes). */
int virtio_msix_route(struct virtio_dev *vd, uint16_t entry, pci_irq_fn fn, void *ctx);
/* Sets up queue `index` with at most `max_size` descriptors (the device's size if smaller), its
 * MSI-X entry (VIRTIO_NO_VECTOR under INTx), and enables it. q is caller-owned. */
int virtio_queue_setup(struct virtio_dev *vd, uint16_t index, uint16_t max_size, uint16_t msix_entry,
                       struct virtq *q);
/* Sets DRIVER_OK: the device is live. */
void virtio_driver_ok(struct virtio_dev *vd);
/* Sets FAILED: the driver gave up on the device. */
void virtio_fail(struct virtio_dev *vd);
/* Reads and clears the ISR status (bit 0: a queue interrupt, bit 1: configuration change). */
uint8_t virtio_isr_read(struct virtio_dev *vd);

/* Device configuration fields, read consistently (retried while config_generation changes). */
uint32_t virtio_cfg_read32(struct virtio_dev *vd, uint32_t off);
uint64_t virtio_cfg_read64(struct virtio_dev *vd, uint32_t off);

/* ---- virtqueue use (interrupts off, or from the driver's IRQ callback) ---- */

/* Adds a chain of n segments; cookie comes back from virtq_pop_used. Returns 0, or -1 when fewer
 * than n descriptors are free (nothing is added). Does not notify. */
int virtq_add(struct virtq *q, const struct virtq_seg *segs, uint16_t n, void *cookie);
/* Tells the device new chains are available. */
void virtq_kick(struct virtq *q);
/* The cookie of the next chain the device finished (its descriptors are freed; *len_out = bytes the
 * device wrote), or NULL when there is none. */
void *virtq_pop_used(struct virtq *q, uint32_t *len_out);

#endif
