/* kernel/net/proto/eth.h — Ethernet II frame header (IEEE 802.3, RFC 894). Wire format only. */
#ifndef KERNEL_NET_PROTO_ETH_H
#define KERNEL_NET_PROTO_ETH_H

#include <stdint.h>

#define ETH_HLEN 14
#define ETH_ALEN 6
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806

struct __attribute__((packed)) eth_hdr {
    uint8_t dst[ETH_ALEN];
    uint8_t src[ETH_ALEN];
    uint16_t type; /* network order */
};

#endif
