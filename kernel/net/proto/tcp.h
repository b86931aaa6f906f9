/* kernel/net/proto/tcp.h — TCP header and options (RFC 9293 section 3.1, RFC 7323). Wire format only.
 *
 *   |          Source Port          |       Destination Port        |
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |           Checksum            |         Urgent Pointer        |
 */
#ifndef KERNEL_NET_PROTO_TCP_H
#define KERNEL_NET_PROTO_TCP_H

#include <stdint.h>

#define TCP_HLEN 20
#define TCP_MAX_HLEN 60
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2    /* len 4, RFC 9293 3.2 */
#define TCP_OPT_WSCALE 3 /* len 3, RFC 7323 2.2 */
#define TCP_OPT_SACK_PERM 4 /* len 2, RFC 2018 2: SACK-permitted, in SYNs only */
#define TCP_OPT_SACK 5   /* len 2 + 8n, RFC 2018 3: n blocks of left edge, right edge */

struct __attribute__((packed)) tcp_hdr {
    uint16_t src_port;
    uint16_t dst_port;
    uint32_t seq;
    uint32_t ack;
    uint8_t off;     /* data offset << 4 */
    uint8_t flags;   /* TCP_* */
    uint16_t window;
    uint16_t chksum;
    uint16_t urgent;
};

#endif
