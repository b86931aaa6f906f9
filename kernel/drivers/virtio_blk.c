/* kernel/drivers/virtio_blk.c — virtio-blk block devices (contract in virtio_blk.h).
 *
 * Below: the virtio transport (virtio.c) and PCI (pci.c). Above: whatever takes a struct
 * block_device — GPT partitions (kernel/fs/gpt.c), the block cache (kernel/fs/bcache.c).
 *
 * A device request is a chain: a 16-byte header the device reads (type, sector), the data segments
 * (read or written by the device), and one status byte the device writes (virtio 1.2 §5.2.6). Each
 * in-flight chain owns a slot holding its header and status. Block requests wait in a FIFO
 * (req->next) until the ring has room; the head request may be issued in several parts
 * (`head_done` sectors already issued). A per-request record counts parts still in flight and keeps
 * the first error; the request's done runs when its last part completes and none is left to issue.
 *
 * Everything that touches the ring or the FIFO runs with interrupts off (IRQ callback, or
 * irq_save in submit/wait): one CPU, so that is the whole locking story. */
#include "kernel/drivers/virtio_blk.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/drivers/pci.h"
#include "kernel/drivers/virtio.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/vmm.h"
#include "kernel/power.h"
#include "kernel/printk.h"

/* feature bits (virtio 1.2 §5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX (1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
/* device configuration offsets */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12
#define CFG_BLK_SIZE 20
/* request types and status */
#define T_IN 0u
#define T_OUT 1u
#define T_FLUSH 4u
#define S_OK 0u

#define PROTO_SECTOR 512      /* the protocol counts 512-byte sectors whatever the block size */
#define QUEUE_SIZE 128
#define SLOTS 32              /* device requests in flight */
#define MAX_DATA_SEGS 64      /* data segments per device request */
#define SEG_BYTES_MAX (64u << 10)
#define LOST_IRQ_NS 1000000000ULL

struct blk_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* one device request in flight; 64 bytes, 64-aligned, so hdr and status never cross a page */
struct slot {
    struct blk_hdr hdr;
    struct block_request *req;
    volatile uint8_t status;
    bool busy;
    uint8_t pad[64 - 16 - 8 - 2];
};
_Static_assert(sizeof(struct slot) == 64, "slot layout");

/* a block request with parts in flight */
struct track {
    struct block_request *req;
    uint32_t inflight;
    bool all_issued;
    int status;
};

struct vblk {
    struct block_device dev;
    struct virtio_dev vd;
    struct virtq q;
    char name[8];
    struct slot *slots;
    struct track tracks[SLOTS];
    struct block_request *pending_head, *pending_tail;  /* not yet fully issued, FIFO */
    uint64_t head_done;        /* sectors of pending_head already issued */
    uint32_t sector_ratio;     /* dev.sector_size / 512 */
    uint32_t data_segs;        /* data segments allowed per device request */
    uint32_t seg_bytes;        /* bytes allowed per segment */
    bool has_flush;
    struct virtio_blk_stats stats;
};

static struct {
    struct vblk *disks[VIRTIO_BLK_MAX_DISKS];
    int count;
    uint64_t crash_after;      /* 0: off */
    uint64_t writes_total;     /* device writes issued, all disks */
} vb;

/* ---- completion ---- */

static struct track *track_of(struct vblk *v, struct block_request *req)
{
    for (int i = 0; i < SLOTS; i++)
        if (v->tracks[i].req == req)
            return &v->tracks[i];
    return NULL;
}

static struct track *track_new(struct vblk *v, struct block_request *req)
{
    for (int i = 0; i < SLOTS; i++)
        if (!v->tracks[i].req) {
            v->tracks[i] = (struct track){.req = req, .status = BLOCK_OK};
            return &v->tracks[i];
        }
    return NULL; /* cannot happen: at most SLOTS requests have parts in flight */
}

static void track_finish_if_done(struct track *t)
{
    if (t->inflight || !t->all_issued)
        return;
    struct block_request *req = t->req;
    int status = t->status;
    t->req = NULL;
    req->done(req, status);
}

static void complete_slot(struct vblk *v, struct slot *s)
{
    struct track *t = track_of(v, s->req);
    if (s->status != S_OK) {
        v->stats.errors++;
        if (t && t->status == BLOCK_OK)
            t->status = BLOCK_EIO;
    }
    s->busy = false;
    s->req = NULL;
    if (t) {
        t->inflight--;
        track_finish_if_done(t);
    }
}

static void issue_pending(struct vblk *v);

/* takes every finished chain off the used ring; interrupts off */
static int drain(struct vblk *v)
{
    int n = 0;
    struct slot *s;
    while ((s = virtq_pop_used(&v->q, NULL)) != NULL) {
        complete_slot(v, s);
        n++;
    }
    if (n)
        issue_pending(v);
    return n;
}

static void vblk_irq(void *ctx)
{
    struct vblk *v = ctx;
    v->stats.interrupts++;
    if (!v->vd.msix && !(virtio_isr_read(&v->vd) & 1))
        return; /* a shared INTx line: not ours */
    drain(v);
}

/* ---- issuing ---- */

static struct slot *slot_alloc(struct vblk *v)
{
    for (int i = 0; i < SLOTS; i++)
        if (!v->slots[i].busy) {
            v->slots[i].busy = true;
            return &v->slots[i];
        }
    return NULL;
}

/* splits [buf, buf + len) into physically contiguous segments; returns the bytes covered (a
 * multiple of 512, possibly less than len when the segment limit was reached), 0 on an unmapped
 * page */
static uint64_t build_segments(struct vblk *v, uint8_t *buf, uint64_t len, bool device_writes,
                               struct virtq_seg *segs, uint16_t *nseg_out)
{
    uint16_t n = 0;
    uint64_t covered = 0;
    while (covered < len) {
        uint64_t va = (uint64_t)(buf + covered);
        uint64_t phys = vmm_translate(va);
        if (phys == VMM_NO_PHYS)
            return 0;
        uint64_t piece = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (piece > len - covered)
            piece = len - covered;
        if (n && segs[n - 1].phys + segs[n - 1].len == phys && segs[n - 1].len + piece <= v->seg_bytes) {
            segs[n - 1].len += (uint32_t)piece;
        } else {
            if (n == v->data_segs)
                break;
            segs[n++] = (struct virtq_seg){.phys = phys, .len = (uint32_t)piece, .device_writes = device_writes};
        }
        covered += piece;
    }
    uint64_t whole = covered & ~(uint64_t)(PROTO_SECTOR - 1);
    uint64_t cut = covered - whole; /* trim a partial sector off the end */
    while (cut && n) {
        uint64_t take = cut < segs[n - 1].len ? cut : segs[n - 1].len;
        segs[n - 1].len -= (uint32_t)take;
        cut -= take;
        if (segs[n - 1].len == 0)
            n--;
    }
    *nseg_out = n;
    return whole;
}

static void crash_now(struct vblk *v)
{
    /* let the writes already issued land, then end the machine as a power cut would */
    while (v->q.num_free != v->q.size) {
        struct slot *s = virtq_pop_used(&v->q, NULL);
        if (s)
            complete_slot(v, s);
        else
            cpu_pause();
    }
    printk("crash: halted after %lu block writes\n", vb.writes_total);
    power_debug_exit(VIRTIO_BLK_CRASH_EXIT);
    for (;;) {
        cli();
        hlt();
    }
}

/* issues one part of the head request; returns false when the ring or slots are full */
static bool issue_head_part(struct vblk *v)
{
    struct block_request *req = v->pending_head;
    struct virtq_seg segs[MAX_DATA_SEGS + 2];
    uint16_t nseg = 0;
    uint64_t sectors = 0;
    bool is_write = req->op == BLOCK_WRITE;
    uint32_t want = v->data_segs < 8 ? v->data_segs : 8; /* room for a useful part, or wait */
    if (v->q.num_free < want + 2)
        return false;
    struct track *t = track_of(v, req);
    if (!t && !(t = track_new(v, req)))
        return false;
    struct slot *s = slot_alloc(v);
    if (!s)
        return false;
    if (is_write && vb.crash_after && vb.writes_total >= vb.crash_after)
        crash_now(v);
    s->req = req;
    s->status = 0xff;
    s->hdr.reserved = 0;
    if (req->op == BLOCK_FLUSH) {
        s->hdr.type = T_FLUSH;
        s->hdr.sector = 0;
    } else {
        uint64_t ss = v->dev.sector_size, done_bytes = v->head_done * ss;
        uint64_t left = (uint64_t)req->count * ss - done_bytes;
        uint16_t room = (uint16_t)(v->q.num_free - 2);
        uint32_t saved = v->data_segs;
        if (room < v->data_segs)
            v->data_segs = room;
        uint64_t bytes = build_segments(v, (uint8_t *)req->buf + done_bytes, left, !is_write, segs + 1, &nseg);
        v->data_segs = saved;
        bytes -= bytes % ss;
        if (bytes == 0) { /* unmapped buffer: fail the whole request */
            s->busy = false;
            s->req = NULL;
            t->status = BLOCK_EINVAL;
            v->head_done = req->count;
            goto advance;
        }
        /* build_segments may have trimmed to a sector multiple that is not a block multiple */
        uint64_t have = 0;
        for (uint16_t i = 0; i < nseg; i++) {
            if (have + segs[1 + i].len > bytes)
                segs[1 + i].len = (uint32_t)(bytes - have);
            have += segs[1 + i].len;
            if (have == bytes) {
                nseg = (uint16_t)(i + 1);
                break;
            }
        }
        sectors = bytes / ss;
        s->hdr.type = is_write ? T_OUT : T_IN;
        s->hdr.sector = (req->lba + v->head_done) * v->sector_ratio;
    }
    segs[0] = (struct virtq_seg){.phys = virt_to_phys(&s->hdr), .len = sizeof s->hdr, .device_writes = false};
    segs[nseg + 1] = (struct virtq_seg){.phys = virt_to_phys((const void *)&s->status), .len = 1, .device_writes = true};
    if (virtq_add(&v->q, segs, (uint16_t)(nseg + 2), s) != 0) {
        s->busy = false;
        s->req = NULL;
        return false;
    }
    t->inflight++;
    v->stats.parts++;
    if (is_write) {
        v->stats.writes++;
        vb.writes_total++;
    } else if (req->op == BLOCK_FLUSH) {
        v->stats.flushes++;
    }
    v->head_done += req->op == BLOCK_FLUSH ? 1 : sectors;
advance:
    if (req->op == BLOCK_FLUSH || v->head_done >= req->count) {
        v->pending_head = req->next;
        if (!v->pending_head)
            v->pending_tail = NULL;
        v->head_done = 0;
        t->all_issued = true;
        track_finish_if_done(t);
    }
    return true;
}

/* issues as much of the FIFO as the ring takes; interrupts off */
static void issue_pending(struct vblk *v)
{
    bool added = false;
    while (v->pending_head && issue_head_part(v))
        added = true;
    if (added)
        virtq_kick(&v->q);
}

/* ---- block_ops ---- */

static int vblk_submit(struct block_device *dev, struct block_request *req)
{
    struct vblk *v = dev->priv;
    if (req->op != BLOCK_READ && req->op != BLOCK_WRITE && req->op != BLOCK_FLUSH)
        return BLOCK_EINVAL;
    if (req->op != BLOCK_READ && dev->read_only)
        return BLOCK_EROFS;
    if (req->op != BLOCK_FLUSH) {
        if (req->count == 0 || !req->buf)
            return BLOCK_EINVAL;
        if (req->lba >= dev->sector_count || req->count > dev->sector_count - req->lba)
            return BLOCK_ERANGE;
    }
    bool on = irq_save();
    v->stats.requests++;
    if (req->op == BLOCK_FLUSH && !v->has_flush) {
        /* a write-through device: every completed write is already durable */
        irq_restore(on);
        req->done(req, BLOCK_OK);
        return BLOCK_OK;
    }
    req->next = NULL;
    if (v->pending_tail)
        v->pending_tail->next = req;
    else
        v->pending_head = req;
    v->pending_tail = req;
    issue_pending(v);
    irq_restore(on);
    return BLOCK_OK;
}

static void vblk_wait(struct block_device *dev, struct block_request *req)
{
    struct vblk *v = dev->priv;
    uint64_t since = timer_ns();
    for (;;) {
        cli();
        if (req->finished)
            break;
        if (timer_ns() - since > LOST_IRQ_NS) {
            int n = drain(v);
            if (n) {
                if (!v->stats.polled)
                    printk("virtio-blk: %s: completion without an interrupt; polling\n", v->name);
                v->stats.polled += (uint64_t)n;
            }
            since = timer_ns();
            if (req->finished)
                break;
        }
        sti_hlt();
    }
    sti();
}

static const struct block_ops vblk_ops = {.submit = vblk_submit, .wait = vblk_wait};

/* ---- probing ---- */

static int vblk_setup(struct vblk *v, struct pci_device *pci)
{
    int err = virtio_init(&v->vd, pci);
    if (err)
        return err;
    err = virtio_negotiate(&v->vd, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO |
                                       VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH);
    if (err)
        return err;
    uint64_t f = v->vd.features;
    if (virtio_msix_route(&v->vd, 0, vblk_irq, v) < 0 && pci_intx_route(pci, vblk_irq, v) < 0)
        return VIRTIO_EIRQ;
    err = virtio_queue_setup(&v->vd, 0, QUEUE_SIZE, 0, &v->q);
    if (err)
        return err;
    v->slots = kmalloc_aligned(sizeof(struct slot) * SLOTS, 64);
    if (!v->slots)
        return VIRTIO_ENOMEM;
    memset(v->slots, 0, sizeof(struct slot) * SLOTS);
    uint32_t blk = f & VIRTIO_BLK_F_BLK_SIZE ? virtio_cfg_read32(&v->vd, CFG_BLK_SIZE) : PROTO_SECTOR;
    if (blk != 4096)
        blk = PROTO_SECTOR;
    v->sector_ratio = blk / PROTO_SECTOR;
    v->data_segs = MAX_DATA_SEGS;
    if (f & VIRTIO_BLK_F_SEG_MAX) {
        uint32_t m = virtio_cfg_read32(&v->vd, CFG_SEG_MAX);
        if (m && m < v->data_segs)
            v->data_segs = m;
    }
    v->seg_bytes = SEG_BYTES_MAX;
    if (f & VIRTIO_BLK_F_SIZE_MAX) {
        uint32_t m = virtio_cfg_read32(&v->vd, CFG_SIZE_MAX);
        if (m >= PAGE_SIZE && m < v->seg_bytes)
            v->seg_bytes = m;
    }
    v->has_flush = f & VIRTIO_BLK_F_FLUSH;
    v->dev.name = v->name;
    v->dev.sector_size = blk;
    v->dev.sector_count = virtio_cfg_read64(&v->vd, CFG_CAPACITY) / v->sector_ratio;
    v->dev.read_only = f & VIRTIO_BLK_F_RO;
    v->dev.ops = &vblk_ops;
    v->dev.priv = v;
    virtio_driver_ok(&v->vd);
    return VIRTIO_OK;
}

int virtio_blk_init(void)
{
    for (uint32_t i = 0; vb.count < VIRTIO_BLK_MAX_DISKS; i++) {
        struct pci_device *pci = pci_get(i);
        if (!pci)
            break;
        bool modern = pci->device == VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_BLOCK;
        bool transitional = pci->device == 0x1001 && pci->subsystem == VIRTIO_ID_BLOCK;
        if (pci->vendor != VIRTIO_PCI_VENDOR || !(modern || transitional))
            continue;
        struct vblk *v = kzalloc(sizeof *v);
        if (!v)
            break;
        v->name[0] = 'v', v->name[1] = 'd', v->name[2] = (char)('a' + vb.count);
        int err = vblk_setup(v, pci);
        if (err) {
            printk("virtio-blk: %02x:%02x.%u: setup failed (virtio error %d)\n", pci->bus, pci->slot,
                   pci->func, err);
            virtio_fail(&v->vd);
            continue; /* v is leaked on purpose: the device may still point at its memory */
        }
        printk("virtio-blk: %s: %lu sectors of %u bytes (%lu MiB)%s, %s, queue %u, %u segments/request%s\n",
               v->name, v->dev.sector_count, v->dev.sector_size,
               v->dev.sector_count * v->dev.sector_size >> 20, v->dev.read_only ? ", read-only" : "",
               v->vd.msix ? "MSI-X" : "INTx", v->q.size, v->data_segs, v->has_flush ? ", flush" : "");
        vb.disks[vb.count++] = v;
    }
    return vb.count;
}

struct block_device *virtio_blk_disk(int index)
{
    return index >= 0 && index < vb.count ? &vb.disks[index]->dev : NULL;
}

struct virtio_blk_stats virtio_blk_stats(int index)
{
    struct virtio_blk_stats none = {0};
    return index >= 0 && index < vb.count ? vb.disks[index]->stats : none;
}

void virtio_blk_crash_after(uint64_t writes)
{
    vb.crash_after = writes;
}
