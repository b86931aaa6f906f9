/* kernel/net/proto/udp.h — UDP header (RFC 768). Wire format only. */
#ifndef KERNEL_NET_PROTO_UDP_H
#define KERNEL_NET_PROTO_UDP_H

#include <stdint.h>

#define UDP_HLEN 8

struct __attribute__((packed)) udp_hdr {
    uint16_t src_port;
    uint16_t dst_port;
    uint16_t len;    /* header + data */
    uint16_t chksum; /* 0: none was computed (RFC 768) */
};

#endif
