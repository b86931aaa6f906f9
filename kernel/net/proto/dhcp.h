/* kernel/net/proto/dhcp.h — DHCP message format (RFC 2131 section 2, options RFC 2132). Wire format
 * only. Options follow the fixed part and the magic cookie as (code, length, data) triples; code 0 is
 * padding, 255 ends the list. */
#ifndef KERNEL_NET_PROTO_DHCP_H
#define KERNEL_NET_PROTO_DHCP_H

#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_OP_REQUEST 1
#define DHCP_OP_REPLY 2
#define DHCP_MAGIC 0x63825363u   /* 99.130.83.99, RFC 2131 section 3 */
#define DHCP_FLAG_BROADCAST 0x8000

/* option codes (RFC 2132) */
#define DHCP_OPT_PAD 0
#define DHCP_OPT_SUBNET_MASK 1
#define DHCP_OPT_ROUTER 3
#define DHCP_OPT_DNS 6
#define DHCP_OPT_REQUESTED_IP 50
#define DHCP_OPT_LEASE_TIME 51
#define DHCP_OPT_MSG_TYPE 53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_PARAM_LIST 55
#define DHCP_OPT_END 255

/* message types (option 53) */
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_DECLINE 4
#define DHCP_ACK 5
#define DHCP_NAK 6

struct __attribute__((packed)) dhcp_msg {
    uint8_t op, htype, hlen, hops;
    uint32_t xid;
    uint16_t secs;
    uint16_t flags;
    uint32_t ciaddr, yiaddr, siaddr, giaddr;
    uint8_t chaddr[16];
    uint8_t sname[64];
    uint8_t file[128];
    uint32_t magic;
    /* options follow */
};

#define DHCP_FIXED_LEN 240 /* sizeof(struct dhcp_msg) */

#endif
