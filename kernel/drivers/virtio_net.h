/* kernel/drivers/virtio_net.h — virtio-net network interfaces (modern virtio 1.x PCI).
 *
 * virtio_net_probe finds virtio-net PCI functions (modern 0x1041, or transitional 0x1000 with
 * subsystem 1), brings each up through the transport (virtio.h) and fills a struct netdev (netdev.h)
 * whose transmit sends one Ethernet frame. Features: VERSION_1 and MAC only (no checksum offload, no
 * GSO, no mergeable buffers): every frame travels with a 12-byte virtio_net_hdr of zeros.
 *
 * Memory is bounded and fixed at probe: VIRTIO_NET_RX_BUFS receive buffers of 2 KiB stay posted on
 * the receive queue; a frame the device fills is copied into a fresh netbuf and its buffer is posted
 * again at once (refill policy: always refill, so a flood of frames only ever costs the netbufs the
 * stack itself chose to keep; when netbuf_alloc fails the frame is dropped and counted). Transmit
 * copies the frame into one of VIRTIO_NET_TX_BUFS slots; with none free it fails (the stack
 * counts it, TCP retransmits).
 *
 * Context: the receive path runs in the interrupt callback (MSI-X, or INTx), which calls the `rx`
 * function given at probe for each frame, with interrupts off. transmit must be called with
 * interrupts off (the kernel's network lock, netif_kernel.h). */
#ifndef KERNEL_DRIVERS_VIRTIO_NET_H
#define KERNEL_DRIVERS_VIRTIO_NET_H

#include <stdint.h>
#include "kernel/net/netdev.h"

#define VIRTIO_NET_MAX_NICS 4
#define VIRTIO_NET_RX_BUFS 128
#define VIRTIO_NET_TX_BUFS 256

/* Called in IRQ context once per received frame (nb owned by the callee), and once with nb NULL
 * after each burst. */
typedef void (*netdrv_rx_fn)(struct netdev *dev, struct netbuf *nb);

struct netdrv_stats {
    uint64_t interrupts, rx_frames, rx_drops_nomem, rx_drops_bad, tx_frames, tx_full;
};

/* Probes every virtio-net function; fills devs[] (at most max) and returns how many came up. Each
 * netdev is named "ethN" from *next_index onwards (incremented). Boot time only. */
int virtio_net_probe(struct netdev **devs, int max, int *next_index, netdrv_rx_fn rx);

/* The driver's counters for a netdev it created (zeros for any other). */
struct netdrv_stats virtio_net_stats(const struct netdev *dev);

#endif
