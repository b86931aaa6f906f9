/* kernel/net/proto/ipv4.h — IPv4 header (RFC 791 section 3.1). Wire format only.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  |         Identification        |Flags|      Fragment Offset    |
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  |                       Source Address                          |
 *  |                    Destination Address                        |
 */
#ifndef KERNEL_NET_PROTO_IPV4_H
#define KERNEL_NET_PROTO_IPV4_H

#include <stdint.h>

#define IP4_HLEN 20           /* without options */
#define IP4_MAX_HLEN 60
#define IP4_PROTO_ICMP 1
#define IP4_PROTO_TCP 6
#define IP4_PROTO_UDP 17
#define IP4_FLAG_DF 0x4000    /* don't fragment */
#define IP4_FLAG_MF 0x2000    /* more fragments */
#define IP4_OFFSET_MASK 0x1fff /* in 8-byte units */
#define IP4_DEFAULT_TTL 64    /* RFC 1700 / RFC 1122 3.2.1.7 */

struct __attribute__((packed)) ip4_hdr {
    uint8_t ver_ihl;   /* version << 4 | header length in 32-bit words */
    uint8_t tos;
    uint16_t total_len;
    uint16_t id;
    uint16_t frag;     /* flags << 13 | offset */
    uint8_t ttl;
    uint8_t proto;
    uint16_t chksum;
    uint32_t src;
    uint32_t dst;
};

#endif
