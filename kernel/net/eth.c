/* kernel/net/eth.c — Ethernet II framing (RFC 894): input demultiplexing by EtherType, and output.
 *
 * Below: the driver, through netdev_input (net.c) and dev->transmit. Above: arp.c and ipv4.c.
 * Frames not addressed to us (unicast to another MAC, or multicast) and unknown types are dropped and
 * counted. */
#include "kernel/net/net_priv.h"
#include "kernel/net/proto/eth.h"

static const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

int eth_input(struct netdev *dev, struct netbuf *nb)
{
    struct net_stack *stack = dev->stack;
    if (nb->len < ETH_HLEN) {
        stack->stats.eth_drop_short++;
        return NET_ERR_INVAL;
    }
    stack->stats.eth_rx++;
    struct eth_hdr *eh = (struct eth_hdr *)netbuf_pull(nb, ETH_HLEN);
    bool to_us = memcmp(eh->dst, dev->mac, ETH_ALEN) == 0 || memcmp(eh->dst, eth_broadcast, ETH_ALEN) == 0;
    if (!to_us) {
        stack->stats.eth_drop_addr++;
        netbuf_free(nb);
        return NET_OK;
    }
    switch (net_ntohs(eh->type)) {
    case ETH_TYPE_IPV4:
        ip4_input(dev, nb);
        break;
    case ETH_TYPE_ARP:
        arp_input(dev, nb);
        break;
    default:
        stack->stats.eth_drop_type++;
        netbuf_free(nb);
        break;
    }
    return NET_OK;
}

int eth_output(struct netdev *dev, struct netbuf *nb, const uint8_t dst_mac[6], uint16_t type)
{
    struct eth_hdr *eh = (struct eth_hdr *)netbuf_push(nb, ETH_HLEN);
    if (!eh)
        return NET_ERR_INVAL;
    memcpy(eh->dst, dst_mac, ETH_ALEN);
    memcpy(eh->src, dev->mac, ETH_ALEN);
    eh->type = net_htons(type);
    dev->stack->stats.eth_tx++;
    int err = dev->transmit(dev, nb);
    if (err == NET_OK) {
        dev->tx_frames++;
        dev->tx_bytes += nb->len;
    } else
        dev->tx_errors++;
    return err;
}
