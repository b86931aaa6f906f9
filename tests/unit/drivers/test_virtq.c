/* tests/unit/drivers/test_virtq.c — host tests of the split virtqueue in kernel/drivers/virtio.c.
 *
 * virtio.c is compiled as is; the memory it asks for comes from the host (physical address = host
 * address), and the PCI calls it makes are stubs. A fake device reads the available ring and walks
 * each chain the way virtio 1.2 §2.7 says a device does, then returns chains on the used ring in a
 * shuffled order. Checked: queue setup writes the ring addresses into the common configuration,
 * chains carry the segments and flags given, a full queue refuses a chain without side effects,
 * cookies come back once each, and the free list never loses or duplicates a descriptor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/drivers/virtio.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/pmm.h"
#include "tests/unit/harness.h"

/* ---- stubs for what virtio.c calls ---- */
uint64_t pmm_alloc(uint64_t npages) { return (uint64_t)(uintptr_t)aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE); }
void pmm_free(uint64_t phys, uint64_t npages) { (void)npages; free((void *)(uintptr_t)phys); }
void *phys_to_virt(uint64_t phys) { return (void *)(uintptr_t)phys; }
void *kzalloc(size_t size) { return calloc(1, size); }
void kfree(void *p) { free(p); }
uint8_t pci_read8(const struct pci_device *d, uint16_t off) { (void)d, (void)off; return 0; }
uint32_t pci_read32(const struct pci_device *d, uint16_t off) { (void)d, (void)off; return 0; }
uint8_t pci_find_cap(const struct pci_device *d, uint8_t id, uint8_t after) { (void)d, (void)id, (void)after; return 0; }
void *pci_map_bar(struct pci_device *d, int bar) { (void)d, (void)bar; return NULL; }
void pci_enable(const struct pci_device *d, bool m) { (void)d, (void)m; }
int pci_msix_init(struct pci_device *d) { (void)d; return -1; }
int pci_msix_route(struct pci_device *d, uint16_t e, pci_irq_fn fn, void *ctx) { (void)d, (void)e, (void)fn, (void)ctx; return -1; }

/* the rings as a device sees them (virtio 1.2 §2.7.5-2.7.8) */
struct dev_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };

static uint8_t common[64] __attribute__((aligned(8)));
static uint16_t notify_reg[4];

static void fake_device(struct virtio_dev *vd)
{
    memset(vd, 0, sizeof *vd);
    memset(common, 0, sizeof common);
    vd->common = common;
    vd->notify_base = (uint8_t *)notify_reg;
    vd->notify_multiplier = 0;
    uint16_t numq = 1, qsize = 256;
    memcpy(common + 18, &numq, 2);  /* num_queues */
    memcpy(common + 24, &qsize, 2); /* queue_size as the device offers it */
}

static uint64_t rd64(int off)
{
    uint64_t v;
    memcpy(&v, common + off, 8);
    return v;
}

static void test_setup(void)
{
    struct virtio_dev vd;
    struct virtq q;
    fake_device(&vd);
    CHECK_EQ(virtio_queue_setup(&vd, 1, 128, VIRTIO_NO_VECTOR, &q), VIRTIO_EQUEUE); /* no queue 1 */
    CHECK_EQ(virtio_queue_setup(&vd, 0, 128, VIRTIO_NO_VECTOR, &q), VIRTIO_OK);
    CHECK_EQ(q.size, 128);
    CHECK_EQ(q.num_free, 128);
    uint16_t size, enable;
    memcpy(&size, common + 24, 2);
    memcpy(&enable, common + 28, 2);
    CHECK_EQ(size, 128);
    CHECK_EQ(enable, 1);
    CHECK_EQ(rd64(32), (long long)(uintptr_t)q.desc);
    CHECK_EQ(rd64(40), (long long)(uintptr_t)q.avail);
    CHECK_EQ(rd64(48), (long long)(uintptr_t)q.used);
    CHECK_EQ(rd64(40) % 2, 0);
    CHECK_EQ(rd64(48) % 4, 0);
    CHECK(rd64(40) >= rd64(32) + 16 * 128);          /* rings do not overlap */
    CHECK(rd64(48) >= rd64(40) + 6 + 2 * 128);
    pmm_free(q.ring_phys, q.ring_pages);
    kfree(q.cookies);
}

/* the device side: consumes every new avail entry, checks the chain, queues it for completion */
struct pending { uint16_t head; uint32_t written; };

static int device_take(struct virtq *q, uint16_t *seen_avail, struct pending *out, int max)
{
    uint16_t *avail = (uint16_t *)q->avail;
    struct dev_desc *desc = (struct dev_desc *)q->desc;
    int n = 0;
    while (*seen_avail != avail[1] && n < max) {
        uint16_t head = avail[2 + *seen_avail % q->size];
        (*seen_avail)++;
        uint32_t written = 0, links = 0;
        for (uint16_t i = head;; i = desc[i].next) {
            CHECK(i < q->size);
            if (desc[i].flags & 2)
                written += desc[i].len;
            if (!(desc[i].flags & 1) || ++links > q->size)
                break;
        }
        out[n++] = (struct pending){head, written};
    }
    return n;
}

static void device_complete(struct virtq *q, struct pending *p)
{
    uint8_t *used = (uint8_t *)q->used;
    uint16_t idx;
    memcpy(&idx, used + 2, 2);
    uint32_t elem[2] = {p->head, p->written};
    memcpy(used + 4 + 8 * (idx % q->size), elem, 8);
    idx++;
    memcpy(used + 2, &idx, 2);
}

static int free_list_length(struct virtq *q)
{
    struct dev_desc *desc = (struct dev_desc *)q->desc;
    uint8_t seen[VIRTIO_QUEUE_MAX] = {0};
    int n = 0;
    for (uint16_t i = q->free_head; n < q->num_free; i = desc[i].next, n++) {
        if (i >= q->size || seen[i])
            return -1;
        seen[i] = 1;
    }
    return n;
}

static void test_chains(void)
{
    struct virtio_dev vd;
    struct virtq q;
    fake_device(&vd);
    CHECK_EQ(virtio_queue_setup(&vd, 0, 16, VIRTIO_NO_VECTOR, &q), VIRTIO_OK);
    struct virtq_seg segs[3] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
    int cookie_a, cookie_b;
    CHECK_EQ(virtq_add(&q, segs, 3, &cookie_a), 0);
    struct dev_desc *desc = (struct dev_desc *)q.desc;
    uint16_t head = ((uint16_t *)q.avail)[2];
    CHECK_EQ(desc[head].addr, 0x1000);
    CHECK_EQ(desc[head].flags, 1);                   /* NEXT, device reads */
    uint16_t second = desc[head].next;
    CHECK_EQ(desc[second].len, 512);
    CHECK_EQ(desc[second].flags, 3);                 /* NEXT | WRITE */
    CHECK_EQ(desc[desc[second].next].flags, 2);      /* last: WRITE only */
    CHECK_EQ(q.num_free, 13);
    virtq_kick(&q);
    CHECK_EQ(notify_reg[0], 0);
    CHECK(virtq_pop_used(&q, NULL) == NULL);         /* nothing used yet */
    /* a chain longer than the free descriptors is refused, nothing changes */
    struct virtq_seg many[14] = {{0}};
    CHECK_EQ(virtq_add(&q, many, 14, &cookie_b), -1);
    CHECK_EQ(q.num_free, 13);
    CHECK_EQ(((uint16_t *)q.avail)[1], 1);
    uint16_t seen = 0;
    struct pending p[16];
    CHECK_EQ(device_take(&q, &seen, p, 16), 1);
    CHECK_EQ(p[0].written, 513);
    device_complete(&q, &p[0]);
    uint32_t len = 0;
    CHECK(virtq_pop_used(&q, &len) == &cookie_a);
    CHECK_EQ(len, 513);
    CHECK_EQ(q.num_free, 16);
    CHECK_EQ(free_list_length(&q), 16);
    pmm_free(q.ring_phys, q.ring_pages);
    kfree(q.cookies);
}

/* random adds and out-of-order completions, far past the 16-bit index wrap */
static void test_random(void)
{
    struct virtio_dev vd;
    struct virtq q;
    fake_device(&vd);
    CHECK_EQ(virtio_queue_setup(&vd, 0, 64, VIRTIO_NO_VECTOR, &q), VIRTIO_OK);
    srand(7);
    static int cookies[70000];
    static uint8_t outstanding[70000];
    struct pending inflight[64];
    int ninflight = 0, next_cookie = 0, completed = 0;
    uint16_t seen = 0;
    for (int step = 0; step < 200000 && next_cookie < 70000; step++) {
        if (rand() % 2) {
            struct virtq_seg segs[5];
            uint16_t n = (uint16_t)(1 + rand() % 5);
            for (uint16_t i = 0; i < n; i++)
                segs[i] = (struct virtq_seg){0x1000u * (i + 1), 100, i == n - 1};
            uint16_t before = q.num_free;
            if (virtq_add(&q, segs, n, &cookies[next_cookie]) == 0) {
                outstanding[next_cookie++] = 1;
                CHECK_EQ(q.num_free, before - n);
            } else {
                CHECK(before < n);
            }
        }
        ninflight += device_take(&q, &seen, inflight + ninflight, 64 - ninflight);
        if (ninflight && rand() % 2) {
            int k = rand() % ninflight;
            device_complete(&q, &inflight[k]);
            inflight[k] = inflight[--ninflight];
            int *c = virtq_pop_used(&q, NULL);
            CHECK(c != NULL);
            if (c) {
                long idx = c - cookies;
                CHECK(outstanding[idx] == 1);
                outstanding[idx] = 0;
                completed++;
            }
        }
        if (step % 997 == 0)
            CHECK(free_list_length(&q) == q.num_free);
    }
    /* drain: every descriptor is free again */
    ninflight += device_take(&q, &seen, inflight + ninflight, 64 - ninflight);
    while (ninflight) {
        device_complete(&q, &inflight[--ninflight]);
        CHECK(virtq_pop_used(&q, NULL) != NULL);
        completed++;
    }
    CHECK(virtq_pop_used(&q, NULL) == NULL);
    CHECK_EQ(completed, next_cookie);
    CHECK_EQ(q.num_free, q.size);
    CHECK_EQ(free_list_length(&q), q.size);
    CHECK(completed > 10000);
    pmm_free(q.ring_phys, q.ring_pages);
    kfree(q.cookies);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"virtq_setup", test_setup},
        {"virtq_chains", test_chains},
        {"virtq_random", test_random},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
