/* kernel/drivers/virtio_net.c — virtio-net interfaces (contract in virtio_net.h).
 *
 * Queue 0 receives, queue 1 transmits (virtio 1.2 §5.1.2). Every buffer is 2 KiB, 2 KiB-aligned,
 * so it never crosses a page and is one physically contiguous segment: a 12-byte virtio_net_hdr
 * (§5.1.6, with VERSION_1 num_buffers is always there) followed by the frame. Both queues share
 * MSI-X entry 0 (or INTx); the callback drains the receive queue, reposts each buffer, then reclaims
 * finished transmit slots. */
#include "kernel/drivers/virtio_net.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/drivers/pci.h"
#include "kernel/drivers/virtio.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/printk.h"
#include "kernel/net/net.h"

#define VIRTIO_NET_F_MAC (1ULL << 5)
#define CFG_MAC 0
#define HDR_LEN 12
#define BUF_SIZE 2048
#define FRAME_MAX 1514          /* Ethernet header + 1500-byte MTU, no FCS */
#define Q_RX 0
#define Q_TX 1

struct vnet {
    struct netdev dev;
    struct virtio_dev vd;
    struct virtq rxq, txq;
    uint8_t *rx_buf[VIRTIO_NET_RX_BUFS];
    uint8_t *tx_buf[VIRTIO_NET_TX_BUFS];
    uint16_t tx_free[VIRTIO_NET_TX_BUFS]; /* stack of free slot numbers */
    uint16_t tx_nfree;
    netdrv_rx_fn rx;
    struct netdrv_stats stats;
};

static struct {
    struct vnet *nics[VIRTIO_NET_MAX_NICS];
    int count;
} vn;

static int rx_post(struct vnet *v, uint8_t *buf)
{
    struct virtq_seg seg = {.phys = virt_to_phys(buf), .len = BUF_SIZE, .device_writes = true};
    return virtq_add(&v->rxq, &seg, 1, buf);
}

static void tx_reclaim(struct vnet *v)
{
    void *cookie;
    while ((cookie = virtq_pop_used(&v->txq, NULL)) != NULL)
        v->tx_free[v->tx_nfree++] = (uint16_t)((uintptr_t)cookie - 1);
}

/* interrupts off */
static void vnet_irq(void *ctx)
{
    struct vnet *v = ctx;
    v->stats.interrupts++;
    if (!v->vd.msix && !(virtio_isr_read(&v->vd) & 1))
        return; /* a shared INTx line: not ours */
    uint8_t *buf;
    uint32_t len;
    int n = 0;
    while ((buf = virtq_pop_used(&v->rxq, &len)) != NULL) {
        n++;
        if (len <= HDR_LEN + 14 - 1 || len > BUF_SIZE) {
            v->stats.rx_drops_bad++;
        } else {
            struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, len - HDR_LEN);
            if (!nb) {
                v->stats.rx_drops_nomem++;
            } else {
                memcpy(nb->data, buf + HDR_LEN, len - HDR_LEN);
                v->stats.rx_frames++;
                v->rx(&v->dev, nb);
            }
        }
        rx_post(v, buf); /* cannot fail: its own descriptor just came back */
    }
    if (n) {
        virtq_kick(&v->rxq);
        v->rx(&v->dev, NULL);
    }
    tx_reclaim(v);
}

static int vnet_transmit(struct netdev *dev, struct netbuf *nb)
{
    struct vnet *v = dev->driver;
    if (nb->len < 14 || nb->len > FRAME_MAX)
        return NET_ERR_INVAL;
    tx_reclaim(v);
    if (!v->tx_nfree) {
        v->stats.tx_full++;
        return NET_ERR_WOULDBLOCK;
    }
    uint16_t slot = v->tx_free[--v->tx_nfree];
    uint8_t *buf = v->tx_buf[slot];
    memset(buf, 0, HDR_LEN);
    memcpy(buf + HDR_LEN, nb->data, nb->len);
    struct virtq_seg seg = {.phys = virt_to_phys(buf), .len = (uint32_t)(HDR_LEN + nb->len), .device_writes = false};
    if (virtq_add(&v->txq, &seg, 1, (void *)(uintptr_t)(slot + 1)) != 0) {
        v->tx_free[v->tx_nfree++] = slot;
        v->stats.tx_full++;
        return NET_ERR_WOULDBLOCK;
    }
    virtq_kick(&v->txq);
    v->stats.tx_frames++;
    return NET_OK;
}

static int vnet_setup(struct vnet *v, struct pci_device *pci)
{
    int err = virtio_init(&v->vd, pci);
    if (err)
        return err;
    err = virtio_negotiate(&v->vd, VIRTIO_NET_F_MAC);
    if (err)
        return err;
    if (virtio_msix_route(&v->vd, 0, vnet_irq, v) < 0 && pci_intx_route(pci, vnet_irq, v) < 0)
        return VIRTIO_EIRQ;
    if ((err = virtio_queue_setup(&v->vd, Q_RX, VIRTIO_NET_RX_BUFS, 0, &v->rxq)) != 0)
        return err;
    if ((err = virtio_queue_setup(&v->vd, Q_TX, VIRTIO_NET_TX_BUFS, 0, &v->txq)) != 0)
        return err;
    for (int i = 0; i < VIRTIO_NET_RX_BUFS && i < v->rxq.size; i++) {
        if (!(v->rx_buf[i] = kmalloc_aligned(BUF_SIZE, BUF_SIZE)))
            return VIRTIO_ENOMEM;
        rx_post(v, v->rx_buf[i]);
    }
    for (int i = 0; i < VIRTIO_NET_TX_BUFS && i < v->txq.size; i++) {
        if (!(v->tx_buf[i] = kmalloc_aligned(BUF_SIZE, BUF_SIZE)))
            return VIRTIO_ENOMEM;
        v->tx_free[v->tx_nfree++] = (uint16_t)i;
    }
    if (v->vd.features & VIRTIO_NET_F_MAC) {
        uint32_t lo = virtio_cfg_read32(&v->vd, CFG_MAC), hi = virtio_cfg_read32(&v->vd, CFG_MAC + 4);
        uint8_t m[6] = {(uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16), (uint8_t)(lo >> 24),
                        (uint8_t)hi, (uint8_t)(hi >> 8)};
        memcpy(v->dev.mac, m, 6);
    } else { /* a locally administered address from the PCI location */
        uint8_t m[6] = {0x02, 0x57, 0x4c, pci->bus, pci->slot, pci->func};
        memcpy(v->dev.mac, m, 6);
    }
    v->dev.mtu = 1500;
    v->dev.flags = NETDEV_FLAG_UP;
    v->dev.transmit = vnet_transmit;
    v->dev.driver = v;
    bool on = irq_save();
    virtio_driver_ok(&v->vd);
    virtq_kick(&v->rxq);
    irq_restore(on);
    return VIRTIO_OK;
}

int virtio_net_probe(struct netdev **devs, int max, int *next_index, netdrv_rx_fn rx)
{
    int found = 0;
    for (uint32_t i = 0; found < max && vn.count < VIRTIO_NET_MAX_NICS; i++) {
        struct pci_device *pci = pci_get(i);
        if (!pci)
            break;
        bool modern = pci->device == VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_NET;
        bool transitional = pci->device == 0x1000 && pci->subsystem == VIRTIO_ID_NET;
        if (pci->vendor != VIRTIO_PCI_VENDOR || !(modern || transitional))
            continue;
        struct vnet *v = kzalloc(sizeof *v);
        if (!v)
            break;
        v->rx = rx;
        int idx = (*next_index)++;
        memcpy(v->dev.name, "eth", 3);
        v->dev.name[3] = (char)('0' + idx % 10);
        int err = vnet_setup(v, pci);
        if (err) {
            printk("virtio-net: %02x:%02x.%u: setup failed (virtio error %d)\n", pci->bus, pci->slot,
                   pci->func, err);
            virtio_fail(&v->vd);
            continue; /* v is leaked on purpose: the device may still point at its memory */
        }
        const uint8_t *m = v->dev.mac;
        printk("virtio-net: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, %s, queues %u/%u\n", v->dev.name, m[0],
               m[1], m[2], m[3], m[4], m[5], v->vd.msix ? "MSI-X" : "INTx", v->rxq.size, v->txq.size);
        vn.nics[vn.count++] = v;
        devs[found++] = &v->dev;
    }
    return found;
}

struct netdrv_stats virtio_net_stats(const struct netdev *dev)
{
    struct netdrv_stats none = {0};
    for (int i = 0; i < vn.count; i++)
        if (&vn.nics[i]->dev == dev)
            return vn.nics[i]->stats;
    return none;
}
