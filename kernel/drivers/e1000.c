/* kernel/drivers/e1000.c — Intel 8254x interfaces (contract in e1000.h).
 *
 * Register offsets, bits and descriptor layouts: Intel PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual (8254x), §13 (registers), §3.2.3 (receive descriptor),
 * §3.3.3 (legacy transmit descriptor), §14.4-14.5 (receive and transmit initialization). */
#include "kernel/drivers/e1000.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/drivers/pci.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/net/net.h"
#include "kernel/printk.h"

#define INTEL_VENDOR 0x8086
/* registers */
#define R_CTRL 0x0000
#define R_STATUS 0x0008
#define R_EERD 0x0014
#define R_ICR 0x00c0
#define R_IMS 0x00d0
#define R_IMC 0x00d8
#define R_RCTL 0x0100
#define R_TCTL 0x0400
#define R_TIPG 0x0410
#define R_RDBAL 0x2800
#define R_RDBAH 0x2804
#define R_RDLEN 0x2808
#define R_RDH 0x2810
#define R_RDT 0x2818
#define R_TDBAL 0x3800
#define R_TDBAH 0x3804
#define R_TDLEN 0x3808
#define R_TDH 0x3810
#define R_TDT 0x3818
#define R_MTA 0x5200
#define R_RAL0 0x5400
#define R_RAH0 0x5404
/* bits */
#define CTRL_SLU (1u << 6)
#define CTRL_RST (1u << 26)
#define EERD_START 1u
#define EERD_DONE (1u << 4)
#define ICR_TXDW (1u << 0)
#define ICR_LSC (1u << 2)
#define ICR_RXDMT0 (1u << 4)
#define ICR_RXO (1u << 6)
#define ICR_RXT0 (1u << 7)
#define RCTL_EN (1u << 1)
#define RCTL_BAM (1u << 15)
#define RCTL_SECRC (1u << 26) /* BSIZE 00 = 2048 bytes */
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define TCTL_CT (0x10u << 4)
#define TCTL_COLD (0x40u << 12)
#define TIPG_VALUE (10u | (8u << 10) | (6u << 20))
#define RAH_AV (1u << 31)
#define RXD_DD 1u
#define RXD_EOP 2u
#define TXD_EOP 1u
#define TXD_IFCS 2u
#define TXD_RS 8u
#define TXD_DD 1u

#define BUF_SIZE 2048
#define FRAME_MAX 1514

struct rx_desc {
    uint64_t addr;
    uint16_t length;
    uint16_t csum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};

struct tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso;
    uint8_t cmd;
    uint8_t status;
    uint8_t css;
    uint16_t special;
};
_Static_assert(sizeof(struct rx_desc) == 16 && sizeof(struct tx_desc) == 16, "descriptor layout");

struct e1000 {
    struct netdev dev;
    struct pci_device *pci;
    volatile uint8_t *mmio;
    volatile struct rx_desc *rx;
    volatile struct tx_desc *tx;
    uint8_t *rx_buf[E1000_RX_DESCS];
    uint8_t *tx_buf[E1000_TX_DESCS];
    uint32_t rx_next;          /* next descriptor the device may have filled */
    uint32_t tx_tail, tx_clean; /* next to fill; oldest not yet reclaimed */
    netdrv_rx_fn rxfn;
    struct netdrv_stats stats;
};

static struct {
    struct e1000 *nics[E1000_MAX_NICS];
    int count;
} eb;

static uint32_t rd(struct e1000 *e, uint32_t reg)
{
    return *(volatile uint32_t *)(e->mmio + reg);
}

static void wr(struct e1000 *e, uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)(e->mmio + reg) = v;
}

/* interrupts off */
static void e1000_irq(void *ctx)
{
    struct e1000 *e = ctx;
    uint32_t icr = rd(e, R_ICR); /* reading clears it (and lowers INTx) */
    if (!icr)
        return; /* a shared line: not ours */
    e->stats.interrupts++;
    int n = 0;
    for (;;) {
        volatile struct rx_desc *d = &e->rx[e->rx_next];
        if (!(d->status & RXD_DD))
            break;
        uint32_t len = d->length;
        if (!(d->status & RXD_EOP) || d->errors || len < 14 || len > BUF_SIZE) {
            e->stats.rx_drops_bad++;
        } else {
            struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, len);
            if (!nb) {
                e->stats.rx_drops_nomem++;
            } else {
                memcpy(nb->data, e->rx_buf[e->rx_next], len);
                e->stats.rx_frames++;
                e->rxfn(&e->dev, nb);
            }
        }
        d->status = 0;
        wr(e, R_RDT, e->rx_next); /* hands this descriptor back */
        e->rx_next = (e->rx_next + 1) % E1000_RX_DESCS;
        n++;
    }
    if (n)
        e->rxfn(&e->dev, NULL);
}

static int e1000_transmit(struct netdev *dev, struct netbuf *nb)
{
    struct e1000 *e = dev->driver;
    if (nb->len < 14 || nb->len > FRAME_MAX)
        return NET_ERR_INVAL;
    while (e->tx_clean != e->tx_tail && (e->tx[e->tx_clean].status & TXD_DD))
        e->tx_clean = (e->tx_clean + 1) % E1000_TX_DESCS;
    uint32_t next = (e->tx_tail + 1) % E1000_TX_DESCS;
    if (next == e->tx_clean) {
        e->stats.tx_full++;
        return NET_ERR_WOULDBLOCK;
    }
    volatile struct tx_desc *d = &e->tx[e->tx_tail];
    memcpy(e->tx_buf[e->tx_tail], nb->data, nb->len);
    d->addr = virt_to_phys(e->tx_buf[e->tx_tail]);
    d->length = (uint16_t)nb->len;
    d->cso = 0;
    d->css = 0;
    d->special = 0;
    d->status = 0;
    d->cmd = TXD_EOP | TXD_IFCS | TXD_RS;
    e->tx_tail = next;
    __asm__ volatile("" ::: "memory");
    wr(e, R_TDT, next);
    e->stats.tx_frames++;
    return NET_OK;
}

static bool read_mac(struct e1000 *e, uint8_t mac[6])
{
    for (uint32_t w = 0; w < 3; w++) {
        wr(e, R_EERD, (w << 8) | EERD_START);
        uint32_t v = 0;
        int tries = 100000;
        while (tries-- && !((v = rd(e, R_EERD)) & EERD_DONE))
            cpu_pause();
        if (!(v & EERD_DONE))
            goto ral;
        mac[w * 2] = (uint8_t)(v >> 16);
        mac[w * 2 + 1] = (uint8_t)(v >> 24);
    }
    return true;
ral:;
    uint32_t lo = rd(e, R_RAL0), hi = rd(e, R_RAH0);
    if (!(hi & RAH_AV))
        return false;
    uint8_t m[6] = {(uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16), (uint8_t)(lo >> 24), (uint8_t)hi,
                    (uint8_t)(hi >> 8)};
    memcpy(mac, m, 6);
    return true;
}

static int e1000_setup(struct e1000 *e, struct pci_device *pci)
{
    e->pci = pci;
    pci_enable(pci, true);
    if (!(e->mmio = pci_map_bar(pci, 0)))
        return -1;
    wr(e, R_IMC, 0xffffffffu);
    wr(e, R_CTRL, rd(e, R_CTRL) | CTRL_RST);
    timer_delay_ns(1000000);
    for (int i = 0; i < 1000 && (rd(e, R_CTRL) & CTRL_RST); i++)
        timer_delay_ns(10000);
    wr(e, R_IMC, 0xffffffffu);
    rd(e, R_ICR);
    if (!read_mac(e, e->dev.mac))
        return -2;
    const uint8_t *m = e->dev.mac;
    wr(e, R_RAL0, (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24);
    wr(e, R_RAH0, (uint32_t)m[4] | (uint32_t)m[5] << 8 | RAH_AV);
    for (uint32_t i = 0; i < 128; i++)
        wr(e, R_MTA + i * 4, 0);
    wr(e, R_CTRL, (rd(e, R_CTRL) | CTRL_SLU) & ~CTRL_RST);
    /* rings: 128 x 16 bytes = 2 KiB each, 2 KiB-aligned, so one page and physically contiguous */
    e->rx = kmalloc_aligned(sizeof(struct rx_desc) * E1000_RX_DESCS, 2048);
    e->tx = kmalloc_aligned(sizeof(struct tx_desc) * E1000_TX_DESCS, 2048);
    if (!e->rx || !e->tx)
        return -3;
    memset((void *)e->rx, 0, sizeof(struct rx_desc) * E1000_RX_DESCS);
    memset((void *)e->tx, 0, sizeof(struct tx_desc) * E1000_TX_DESCS);
    for (int i = 0; i < E1000_RX_DESCS; i++) {
        if (!(e->rx_buf[i] = kmalloc_aligned(BUF_SIZE, BUF_SIZE)))
            return -3;
        e->rx[i].addr = virt_to_phys(e->rx_buf[i]);
    }
    for (int i = 0; i < E1000_TX_DESCS; i++) {
        if (!(e->tx_buf[i] = kmalloc_aligned(BUF_SIZE, BUF_SIZE)))
            return -3;
        e->tx[i].status = TXD_DD;
    }
    uint64_t rp = virt_to_phys((const void *)e->rx), tp = virt_to_phys((const void *)e->tx);
    wr(e, R_RDBAL, (uint32_t)rp);
    wr(e, R_RDBAH, (uint32_t)(rp >> 32));
    wr(e, R_RDLEN, sizeof(struct rx_desc) * E1000_RX_DESCS);
    wr(e, R_RDH, 0);
    wr(e, R_RDT, E1000_RX_DESCS - 1);
    wr(e, R_TDBAL, (uint32_t)tp);
    wr(e, R_TDBAH, (uint32_t)(tp >> 32));
    wr(e, R_TDLEN, sizeof(struct tx_desc) * E1000_TX_DESCS);
    wr(e, R_TDH, 0);
    wr(e, R_TDT, 0);
    wr(e, R_TIPG, TIPG_VALUE);
    wr(e, R_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
    wr(e, R_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
    e->dev.mtu = 1500;
    e->dev.flags = NETDEV_FLAG_UP;
    e->dev.transmit = e1000_transmit;
    e->dev.driver = e;
    bool msix = pci_msix_init(pci) > 0 && pci_msix_route(pci, 0, e1000_irq, e) >= 0;
    if (!msix && pci_intx_route(pci, e1000_irq, e) < 0)
        return -4;
    wr(e, R_IMS, ICR_RXT0 | ICR_RXO | ICR_RXDMT0 | ICR_LSC);
    return msix ? 1 : 0;
}

int e1000_probe(struct netdev **devs, int max, int *next_index, netdrv_rx_fn rx)
{
    int found = 0;
    for (uint32_t i = 0; found < max && eb.count < E1000_MAX_NICS; i++) {
        struct pci_device *pci = pci_get(i);
        if (!pci)
            break;
        if (pci->vendor != INTEL_VENDOR || (pci->device != 0x100e && pci->device != 0x100f))
            continue;
        struct e1000 *e = kzalloc(sizeof *e);
        if (!e)
            break;
        e->rxfn = rx;
        int idx = (*next_index)++;
        memcpy(e->dev.name, "eth", 3);
        e->dev.name[3] = (char)('0' + idx % 10);
        bool on = irq_save();
        int r = e1000_setup(e, pci);
        irq_restore(on);
        if (r < 0) {
            printk("e1000: %02x:%02x.%u: setup failed (%d)\n", pci->bus, pci->slot, pci->func, r);
            if (e->mmio)
                wr(e, R_RCTL, 0), wr(e, R_TCTL, 0), wr(e, R_IMC, 0xffffffffu);
            continue; /* e is leaked on purpose: the device may still point at its memory */
        }
        const uint8_t *m = e->dev.mac;
        printk("e1000: %s: %04x:%04x MAC %02x:%02x:%02x:%02x:%02x:%02x, %s, link %s, rings %u/%u\n",
               e->dev.name, pci->vendor, pci->device, m[0], m[1], m[2], m[3], m[4], m[5], r ? "MSI-X" : "INTx",
               rd(e, R_STATUS) & 2 ? "up" : "down", E1000_RX_DESCS, E1000_TX_DESCS);
        eb.nics[eb.count++] = e;
        devs[found++] = &e->dev;
    }
    return found;
}

struct netdrv_stats e1000_stats(const struct netdev *dev)
{
    struct netdrv_stats none = {0};
    for (int i = 0; i < eb.count; i++)
        if (&eb.nics[i]->dev == dev)
            return eb.nics[i]->stats;
    return none;
}
