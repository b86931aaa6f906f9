/* kernel/net/proto/arp.h — ARP packet for IPv4 over Ethernet (RFC 826). Wire format only. */
#ifndef KERNEL_NET_PROTO_ARP_H
#define KERNEL_NET_PROTO_ARP_H

#include <stdint.h>

#define ARP_HLEN 28
#define ARP_HTYPE_ETHER 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct __attribute__((packed)) arp_hdr {
    uint16_t htype;  /* 1: Ethernet */
    uint16_t ptype;  /* 0x0800: IPv4 */
    uint8_t hlen;    /* 6 */
    uint8_t plen;    /* 4 */
    uint16_t op;     /* ARP_OP_* */
    uint8_t sha[6];  /* sender hardware address */
    uint8_t spa[4];  /* sender protocol address */
    uint8_t tha[6];  /* target hardware address */
    uint8_t tpa[4];  /* target protocol address */
};

#endif
