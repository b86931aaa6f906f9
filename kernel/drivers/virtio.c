/* kernel/drivers/virtio.c — virtio 1.x modern PCI transport and split virtqueues (contract in virtio.h).
 *
 * Below: kernel/drivers/pci.c (capabilities, BAR mappings, MSI-X); rings come from the pmm and are
 * reached through the direct map. Above: virtio_blk.c (and later virtio-net).
 * Layouts: virtio 1.2 §4.1.4.3 (common configuration), §2.7.5-2.7.8 (descriptor table, available and
 * used rings; alignment 16, 2 and 4). The device reads rings in guest-physical memory, so every
 * address handed to it goes through virt_to_phys. */
#include "kernel/drivers/virtio.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "kernel/printk.h"

/* capability cfg_type (virtio 1.2 §4.1.4) */
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };
/* capability layout: cap_vndr, cap_next, cap_len, cfg_type, bar, id, padding[2], offset, length */
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_NOTIFY_MULT 16

/* common configuration offsets */
enum {
    COMMON_DFSELECT = 0, COMMON_DF = 4, COMMON_GFSELECT = 8, COMMON_GF = 12, COMMON_MSIX = 16,
    COMMON_NUMQ = 18, COMMON_STATUS = 20, COMMON_CFGGEN = 21, COMMON_Q_SELECT = 22,
    COMMON_Q_SIZE = 24, COMMON_Q_MSIX = 26, COMMON_Q_ENABLE = 28, COMMON_Q_NOFF = 30,
    COMMON_Q_DESC = 32, COMMON_Q_AVAIL = 40, COMMON_Q_USED = 48,
};

/* device status bits (virtio 1.2 §2.1) */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER 2u
#define STATUS_DRIVER_OK 4u
#define STATUS_FEATURES_OK 8u
#define STATUS_FAILED 128u

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[]; /* size entries, then used_event */
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* the one register accessor family: common configuration fields by offset */
static inline uint8_t common_r8(struct virtio_dev *vd, uint32_t off) { return *(volatile uint8_t *)(vd->common + off); }
static inline uint16_t common_r16(struct virtio_dev *vd, uint32_t off) { return *(volatile uint16_t *)(vd->common + off); }
static inline uint32_t common_r32(struct virtio_dev *vd, uint32_t off) { return *(volatile uint32_t *)(vd->common + off); }
static inline void common_w8(struct virtio_dev *vd, uint32_t off, uint8_t v) { *(volatile uint8_t *)(vd->common + off) = v; }
static inline void common_w16(struct virtio_dev *vd, uint32_t off, uint16_t v) { *(volatile uint16_t *)(vd->common + off) = v; }
static inline void common_w32(struct virtio_dev *vd, uint32_t off, uint32_t v) { *(volatile uint32_t *)(vd->common + off) = v; }
static inline void common_w64(struct virtio_dev *vd, uint32_t off, uint64_t v)
{
    common_w32(vd, off, (uint32_t)v);
    common_w32(vd, off + 4, (uint32_t)(v >> 32));
}

static inline void memory_barrier(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static volatile uint8_t *cap_window(struct virtio_dev *vd, uint8_t cap, uint32_t min_len)
{
    uint8_t bar = pci_read8(vd->pci, cap + CAP_BAR);
    uint32_t off = pci_read32(vd->pci, cap + CAP_OFFSET), len = pci_read32(vd->pci, cap + CAP_LENGTH);
    if (bar > 5 || len < min_len || (uint64_t)off + len > vd->pci->bar_size[bar])
        return NULL;
    uint8_t *base = pci_map_bar(vd->pci, bar);
    return base ? base + off : NULL;
}

int virtio_init(struct virtio_dev *vd, struct pci_device *pci)
{
    memset(vd, 0, sizeof *vd);
    vd->pci = pci;
    for (uint8_t cap = pci_find_cap(pci, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(pci, PCI_CAP_VENDOR, cap)) {
        uint8_t type = pci_read8(pci, cap + CAP_CFG_TYPE);
        if (type == CAP_COMMON && !vd->common)
            vd->common = cap_window(vd, cap, 56);
        else if (type == CAP_NOTIFY && !vd->notify_base) {
            vd->notify_base = cap_window(vd, cap, 2);
            vd->notify_multiplier = pci_read32(pci, cap + CAP_NOTIFY_MULT);
        } else if (type == CAP_ISR && !vd->isr)
            vd->isr = cap_window(vd, cap, 1);
        else if (type == CAP_DEVICE && !vd->device)
            vd->device = cap_window(vd, cap, 4);
    }
    if (!vd->common || !vd->notify_base || !vd->isr)
        return VIRTIO_ENODEV;
    pci_enable(pci, true);
    common_w8(vd, COMMON_STATUS, 0); /* reset; reads back 0 when done */
    for (int i = 0; i < 1000000 && common_r8(vd, COMMON_STATUS) != 0; i++)
        cpu_pause();
    common_w8(vd, COMMON_STATUS, STATUS_ACKNOWLEDGE);
    common_w8(vd, COMMON_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    return VIRTIO_OK;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t want)
{
    common_w32(vd, COMMON_DFSELECT, 0);
    uint64_t offered = common_r32(vd, COMMON_DF);
    common_w32(vd, COMMON_DFSELECT, 1);
    offered |= (uint64_t)common_r32(vd, COMMON_DF) << 32;
    if (!(offered & VIRTIO_F_VERSION_1))
        return VIRTIO_EFEATURES;
    uint64_t agreed = offered & (want | VIRTIO_F_VERSION_1);
    common_w32(vd, COMMON_GFSELECT, 0);
    common_w32(vd, COMMON_GF, (uint32_t)agreed);
    common_w32(vd, COMMON_GFSELECT, 1);
    common_w32(vd, COMMON_GF, (uint32_t)(agreed >> 32));
    common_w8(vd, COMMON_STATUS, common_r8(vd, COMMON_STATUS) | STATUS_FEATURES_OK);
    if (!(common_r8(vd, COMMON_STATUS) & STATUS_FEATURES_OK))
        return VIRTIO_EFEATURES;
    vd->features = agreed;
    return VIRTIO_OK;
}

int virtio_msix_route(struct virtio_dev *vd, uint16_t entry, pci_irq_fn fn, void *ctx)
{
    if (!vd->pci->msix_table && pci_msix_init(vd->pci) < 0)
        return -1;
    int v = pci_msix_route(vd->pci, entry, fn, ctx);
    if (v >= 0) {
        vd->msix = true;
        common_w16(vd, COMMON_MSIX, VIRTIO_NO_VECTOR); /* no configuration-change interrupts */
    }
    return v;
}

int virtio_queue_setup(struct virtio_dev *vd, uint16_t index, uint16_t max_size, uint16_t msix_entry,
                       struct virtq *q)
{
    memset(q, 0, sizeof *q);
    if (index >= common_r16(vd, COMMON_NUMQ))
        return VIRTIO_EQUEUE;
    common_w16(vd, COMMON_Q_SELECT, index);
    uint16_t size = common_r16(vd, COMMON_Q_SIZE);
    if (size == 0)
        return VIRTIO_EQUEUE;
    if (max_size > VIRTIO_QUEUE_MAX)
        max_size = VIRTIO_QUEUE_MAX;
    while (size > max_size) /* sizes are powers of two in split queues; halving keeps that */
        size /= 2;
    /* layout: descriptors, then the available ring (2-aligned), then the used ring (4-aligned) */
    uint64_t desc_bytes = 16ULL * size;
    uint64_t avail_off = desc_bytes, avail_bytes = 6 + 2ULL * size;
    uint64_t used_off = (avail_off + avail_bytes + 3) & ~3ULL, used_bytes = 6 + 8ULL * size;
    q->ring_pages = (uint32_t)(PAGE_ROUND_UP(used_off + used_bytes) / PAGE_SIZE);
    q->ring_phys = pmm_alloc(q->ring_pages);
    q->cookies = kzalloc(sizeof(void *) * size);
    if (!q->ring_phys || !q->cookies) {
        if (q->ring_phys)
            pmm_free(q->ring_phys, q->ring_pages);
        kfree(q->cookies);
        return VIRTIO_ENOMEM;
    }
    uint8_t *ring = phys_to_virt(q->ring_phys);
    memset(ring, 0, q->ring_pages * PAGE_SIZE);
    q->index = index;
    q->size = size;
    q->desc = (struct virtq_desc *)ring;
    q->avail = (struct virtq_avail *)(ring + avail_off);
    q->used = (struct virtq_used *)(ring + used_off);
    for (uint16_t i = 0; i < size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
    q->free_head = 0;
    q->num_free = size;
    q->notify = (volatile uint16_t *)(vd->notify_base +
                                      (uint32_t)common_r16(vd, COMMON_Q_NOFF) * vd->notify_multiplier);
    common_w16(vd, COMMON_Q_SIZE, size);
    common_w64(vd, COMMON_Q_DESC, q->ring_phys);
    common_w64(vd, COMMON_Q_AVAIL, q->ring_phys + avail_off);
    common_w64(vd, COMMON_Q_USED, q->ring_phys + used_off);
    if (vd->msix) {
        common_w16(vd, COMMON_Q_MSIX, msix_entry);
        if (common_r16(vd, COMMON_Q_MSIX) != msix_entry)
            return VIRTIO_EQUEUE; /* the device could not take the vector */
    }
    common_w16(vd, COMMON_Q_ENABLE, 1);
    return VIRTIO_OK;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
    common_w8(vd, COMMON_STATUS, common_r8(vd, COMMON_STATUS) | STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *vd)
{
    if (vd->common)
        common_w8(vd, COMMON_STATUS, common_r8(vd, COMMON_STATUS) | STATUS_FAILED);
}

uint8_t virtio_isr_read(struct virtio_dev *vd)
{
    return *vd->isr;
}

uint32_t virtio_cfg_read32(struct virtio_dev *vd, uint32_t off)
{
    uint8_t gen;
    uint32_t v;
    do {
        gen = common_r8(vd, COMMON_CFGGEN);
        v = *(volatile uint32_t *)(vd->device + off);
    } while (gen != common_r8(vd, COMMON_CFGGEN));
    return v;
}

uint64_t virtio_cfg_read64(struct virtio_dev *vd, uint32_t off)
{
    uint8_t gen;
    uint64_t v;
    do {
        gen = common_r8(vd, COMMON_CFGGEN);
        v = *(volatile uint32_t *)(vd->device + off);
        v |= (uint64_t)*(volatile uint32_t *)(vd->device + off + 4) << 32;
    } while (gen != common_r8(vd, COMMON_CFGGEN));
    return v;
}

/* ---- virtqueues ---- */

int virtq_add(struct virtq *q, const struct virtq_seg *segs, uint16_t n, void *cookie)
{
    if (n == 0 || n > q->num_free)
        return -1;
    uint16_t head = q->free_head, i = head, last = head;
    for (uint16_t k = 0; k < n; k++) {
        struct virtq_desc *d = &q->desc[i];
        d->addr = segs[k].phys;
        d->len = segs[k].len;
        d->flags = (uint16_t)((segs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        last = i;
        i = d->next;
    }
    q->free_head = q->desc[last].next;
    q->num_free = (uint16_t)(q->num_free - n);
    q->cookies[head] = cookie;
    q->avail->ring[q->avail->idx % q->size] = head;
    memory_barrier(); /* the descriptors and ring slot before the index */
    q->avail->idx++;
    return 0;
}

void virtq_kick(struct virtq *q)
{
    memory_barrier(); /* the index before the notification */
    *q->notify = q->index;
}

void *virtq_pop_used(struct virtq *q, uint32_t *len_out)
{
    if (q->last_used == *(volatile uint16_t *)&q->used->idx)
        return NULL;
    memory_barrier(); /* the index before the element */
    struct virtq_used_elem e = q->used->ring[q->last_used % q->size];
    q->last_used++;
    if (e.id >= q->size)
        return NULL; /* a device bug; the chain is lost rather than trusted */
    void *cookie = q->cookies[e.id];
    q->cookies[e.id] = NULL;
    /* give the chain back to the free list */
    uint16_t i = (uint16_t)e.id, n = 1;
    while (q->desc[i].flags & VIRTQ_DESC_F_NEXT && n < q->size) {
        i = q->desc[i].next;
        n++;
    }
    q->desc[i].next = q->free_head;
    q->free_head = (uint16_t)e.id;
    q->num_free = (uint16_t)(q->num_free + n);
    if (len_out)
        *len_out = e.len;
    return cookie;
}
