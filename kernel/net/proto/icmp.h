/* kernel/net/proto/icmp.h — ICMP header (RFC 792). Wire format only. */
#ifndef KERNEL_NET_PROTO_ICMP_H
#define KERNEL_NET_PROTO_ICMP_H

#include <stdint.h>

#define ICMP_HLEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_CODE_PROTO_UNREACH 2
#define ICMP_CODE_PORT_UNREACH 3

struct __attribute__((packed)) icmp_hdr {
    uint8_t type;
    uint8_t code;
    uint16_t chksum;
    uint16_t id;  /* echo: identifier */
    uint16_t seq; /* echo: sequence number */
};

#endif
