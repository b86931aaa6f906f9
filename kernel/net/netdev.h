/* kernel/net/netdev.h — the interface between network drivers and the stack.
 *
 * A driver (virtio-net, e1000, loopback, the tests' fake link) fills a struct netdev, attaches it with
 * net_add_netdev (net.h) and:
 *   - passes each received Ethernet frame to netdev_input;
 *   - implements transmit, which sends one complete Ethernet frame.
 * The struct stays owned by the driver and must outlive the stack (net_destroy).
 *
 * Ownership (netbuf.h): transmit does NOT take the caller's reference; a driver that needs the bytes
 * after returning copies them or takes its own reference with netbuf_ref (and then must not modify the
 * buffer). netdev_input returns NET_OK when the stack took the frame; otherwise the caller frees it. */
#ifndef KERNEL_NET_NETDEV_H
#define KERNEL_NET_NETDEV_H

#include <stdint.h>
#include "kernel/net/netbuf.h"

struct net_stack;

#define NETDEV_FLAG_UP 1u       /* accepts and sends frames */
#define NETDEV_FLAG_LOOPBACK 2u /* 127/8; frames come back in; no ARP */

struct netdev {
    char name[8];          /* "eth0", "lo" */
    uint8_t mac[6];        /* hardware address */
    uint16_t mtu;          /* largest IP datagram the link carries (1500 on Ethernet) */
    uint32_t flags;        /* NETDEV_FLAG_* */
    /* IPv4 configuration (host order); 0.0.0.0 until set by hand or by DHCP (dhcp.h) */
    uint32_t ip, netmask, gateway, dns_server;
    /* Sends one frame (nb->data: Ethernet header onwards). Returns NET_OK, or an error when the frame
     * was not sent (the stack counts it; TCP retransmits). Must not call back into the stack. */
    int (*transmit)(struct netdev *dev, struct netbuf *nb);
    void *driver;          /* the driver's own state */
    struct net_stack *stack; /* set by net_add_netdev */
    uint64_t rx_frames, tx_frames, tx_errors; /* per-interface counters */
    uint64_t rx_bytes, tx_bytes;           /* Ethernet bytes received (netdev_input) and sent */
};

/* Hands a received frame to the stack; never blocks. On NET_OK the stack owns nb (it may have been
 * dropped and counted); NET_ERR_INVAL (frame under 14 bytes, or interface down or detached) leaves nb
 * with the caller. Must not be called from inside the stack (e.g. from transmit). */
int netdev_input(struct netdev *dev, struct netbuf *nb);

#endif
