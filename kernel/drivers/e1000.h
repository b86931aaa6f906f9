/* kernel/drivers/e1000.h — Intel 8254x (QEMU's e1000, 82540EM) network interfaces.
 *
 * e1000_probe finds 8086:100e (82540EM) and its close relatives 100f/1004/10d3-less legacy parts
 * that share the register set (only 100e and 100f are accepted), maps BAR 0 (MMIO), resets the
 * device, reads the MAC from the EEPROM (EERD; the receive-address register as a fallback), sets up
 * E1000_RX_DESCS receive and E1000_TX_DESCS transmit legacy descriptors (Intel 8254x Software
 * Developer's Manual §3.2, §3.3, §14) and fills a struct netdev.
 *
 * Memory is fixed at probe, as in virtio_net.h: 2 KiB receive buffers stay posted; a received frame
 * is copied into a netbuf and its descriptor handed back at once. Transmit copies into the slot's
 * buffer; a full ring fails the send. Interrupts (INTx, or MSI-X when the device has it) run the
 * receive path in IRQ context; transmit is called with interrupts off. */
#ifndef KERNEL_DRIVERS_E1000_H
#define KERNEL_DRIVERS_E1000_H

#include "kernel/drivers/virtio_net.h" /* netdrv_rx_fn, struct netdrv_stats */

#define E1000_MAX_NICS 4
#define E1000_RX_DESCS 128
#define E1000_TX_DESCS 128

/* Probes every supported function; same contract as virtio_net_probe. */
int e1000_probe(struct netdev **devs, int max, int *next_index, netdrv_rx_fn rx);
/* The driver's counters for a netdev it created (zeros for any other). */
struct netdrv_stats e1000_stats(const struct netdev *dev);

#endif
