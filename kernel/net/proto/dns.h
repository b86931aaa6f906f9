/* kernel/net/proto/dns.h — DNS message format (RFC 1035 section 4.1). Wire format only.
 *
 *   header: ID, flags (QR opcode AA TC RD RA Z RCODE), QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT
 *   question: QNAME (labels), QTYPE, QCLASS
 *   resource record: NAME, TYPE, CLASS, TTL (32 bits), RDLENGTH, RDATA
 * A name is a sequence of labels (length octet 1..63, then the octets) ending in a zero octet, or
 * ending in a compression pointer (two octets, top bits 11, 14-bit offset from the message start). */
#ifndef KERNEL_NET_PROTO_DNS_H
#define KERNEL_NET_PROTO_DNS_H

#include <stdint.h>

#define DNS_PORT 53
#define DNS_HLEN 12
#define DNS_MAX_UDP 512        /* RFC 1035 2.3.4: UDP messages are 512 octets or less */
#define DNS_MAX_NAME 255       /* RFC 1035 2.3.4: names are 255 octets or less (wire form) */
#define DNS_MAX_LABEL 63
#define DNS_FLAG_QR 0x8000     /* response */
#define DNS_FLAG_TC 0x0200     /* truncated */
#define DNS_FLAG_RD 0x0100     /* recursion desired */
#define DNS_RCODE_MASK 0x000f
#define DNS_RCODE_NXDOMAIN 3
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_CLASS_IN 1
#define DNS_PTR_MASK 0xc0

struct __attribute__((packed)) dns_hdr {
    uint16_t id;
    uint16_t flags;
    uint16_t qdcount;
    uint16_t ancount;
    uint16_t nscount;
    uint16_t arcount;
};

#endif
