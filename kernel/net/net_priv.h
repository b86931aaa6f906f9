/* kernel/net/net_priv.h — internals shared by the files of kernel/net/ (never included from outside).
 *
 * Holds the full struct net_stack, byte-order helpers, the Internet checksum, and the input/output
 * entry points the protocol files call on each other:
 *
 *   netdev_input ─► eth_input ─┬─► arp_input
 *                              └─► ip4_input ─┬─► icmp_input
 *                                             ├─► udp_input
 *                                             └─► tcp_input
 *   tcp/udp/icmp ─► ip4_output ─► arp_output ─► eth_output ─► dev->transmit
 *
 * Internal *_input functions (below eth_input) always consume the buffer they are given, dropping and
 * counting it when it is bad. *_output functions never free the caller's buffer (netbuf.h). */
#ifndef KERNEL_NET_NET_PRIV_H
#define KERNEL_NET_NET_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/net/net.h"
#include "kernel/net/netbuf.h"
#include "kernel/net/netdev.h"
#include "kernel/net/net_alloc.h"
#include "walos/platform.h"

#define NET_MAX_DEVS 4

/* ---- byte order (the wire is big-endian; the CPU is little-endian x86-64) ---- */
static inline uint16_t net_htons(uint16_t v) { return (uint16_t)((v << 8) | (v >> 8)); }
static inline uint16_t net_ntohs(uint16_t v) { return net_htons(v); }
static inline uint32_t net_htonl(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}
static inline uint32_t net_ntohl(uint32_t v) { return net_htonl(v); }
static inline uint32_t net_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void net_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* ---- ARP cache (arp.c) ---- */
#define ARP_TABLE_SIZE 16
/* packets queued per unresolved address (RFC 1122 2.3.2.2: at least 1): enough for the fragments of
 * one 64 KiB datagram, and at most ARP_MAX_PENDING_BYTES */
#define ARP_MAX_PENDING 48
#define ARP_MAX_PENDING_BYTES (80 * 1024)

enum arp_entry_state { ARP_FREE = 0, ARP_PENDING, ARP_RESOLVED };

struct arp_entry {
    enum arp_entry_state state;
    uint32_t ip;
    uint8_t mac[6];
    struct netdev *dev;
    uint64_t expires_ms;     /* resolved: end of life; pending: time of the next request */
    int requests;            /* requests sent while pending */
    struct netbuf *pending[ARP_MAX_PENDING]; /* IP datagrams waiting for the address (one ref each) */
    int npending;
    size_t pending_bytes;
};

/* ---- IPv4 reassembly (ipv4.c) ---- */
#define IP4_REASM_SLOTS 4
#define IP4_REASM_MAX_FRAGS 48
#define IP4_REASM_MAX_BYTES (64 * 1024) /* whole-stack bound on buffered fragment bytes */
#define IP4_REASM_DONE 8

struct ip4_reasm {
    bool used;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    uint64_t expires_ms;
    int total;               /* payload length once the last fragment came, else -1 */
    int nfrags;
    struct netbuf *frags[IP4_REASM_MAX_FRAGS]; /* sorted by offset; payload only, offset in stamp */
};

/* Information about the datagram an upper layer receives (its IP header already pulled). */
struct ip4_info {
    struct netdev *dev;
    uint32_t src, dst;
    uint8_t proto, ttl;
    bool broadcast;          /* sent to a broadcast address */
};

/* ---- ICMP echo replies kept for icmp_echo_reply_take (icmp.c) ---- */
#define ICMP_REPLY_SLOTS 16
struct icmp_reply_rec {
    bool used;
    uint32_t from;
    uint16_t id, seq;
    uint16_t len;
    uint8_t ttl;
    uint64_t when_ms;        /* arrival */
    uint64_t sent_ms;        /* send time carried in the first 8 payload bytes */
};

struct udp_pcb;
struct tcp_pcb;
struct dhcp_client;
struct dns_client;

struct net_stack {
    uint64_t now_ms;
    uint32_t seed;                  /* ISN secret and ephemeral port start */
    uint16_t next_port;             /* next ephemeral port to try (49152-65535, RFC 6335) */
    uint16_t ip_id;                 /* IPv4 identification counter */
    struct netdev *devs[NET_MAX_DEVS];
    int ndevs;
    struct net_stats stats;
    struct arp_entry arp[ARP_TABLE_SIZE];
    struct ip4_reasm reasm[IP4_REASM_SLOTS];
    long reasm_bytes;               /* bytes buffered over all slots */
    struct ip4_reasm_done {         /* recently completed datagrams: late duplicates are dropped */
        uint32_t src;
        uint16_t id;
        uint8_t proto;
        uint64_t expires_ms;
    } reasm_done[IP4_REASM_DONE];
    int reasm_done_next;
    struct icmp_reply_rec replies[ICMP_REPLY_SLOTS];
    void (*echo_notify)(void *arg, uint16_t id, uint16_t seq); /* icmp_set_echo_notify */
    void *echo_notify_arg;
    struct udp_pcb *udp_pcbs;       /* bound UDP endpoints */
    struct tcp_pcb *tcp_pcbs;       /* every TCP control block the stack demultiplexes to */
    int tcp_npcbs;                  /* control blocks allocated (listed or owned by a user) */
    struct dhcp_client *dhcp;       /* at most one DHCP client per stack (dhcp.c) */
    struct dns_client *dns;         /* resolver state (dns.c) */
};

/* ---- checksum (ipv4.c): RFC 1071 ---- */
/* Adds len bytes at p to a running 32-bit one's-complement sum. */
uint32_t net_chksum_add(uint32_t sum, const void *p, size_t len);
/* Folds a running sum and returns its one's complement (the value to put in a header). */
uint16_t net_chksum_fold(uint32_t sum);
/* Sum of the pseudo-header of RFC 9293 3.1 / RFC 768 (addresses host order, len host order). */
uint32_t net_chksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/* ---- ports (net.c) ---- */
/* Picks a free ephemeral port for proto (IP4_PROTO_TCP/UDP); 0 when none is free. */
uint16_t net_ephemeral_port(struct net_stack *stack, uint8_t proto);
/* A pseudo-random 32-bit value from the stack's generator (not cryptographic). */
uint32_t net_random(struct net_stack *stack);

/* ---- layer entry points ---- */
/* eth.c: takes the frame when it is at least a header long (see netdev_input). */
int eth_input(struct netdev *dev, struct netbuf *nb);
/* eth.c: pushes an Ethernet header for dst_mac/type and transmits. Never frees nb. */
int eth_output(struct netdev *dev, struct netbuf *nb, const uint8_t dst_mac[6], uint16_t type);

/* arp.c: consumes nb (an ARP packet, Ethernet header pulled). */
void arp_input(struct netdev *dev, struct netbuf *nb);
/* arp.c: sends an IP datagram to next_hop on dev, resolving it first (the datagram then waits in the
 * pending queue, holding a reference). Returns NET_OK (sent or queued) or an error. Never frees nb. */
int arp_output(struct netdev *dev, struct netbuf *nb, uint32_t next_hop);
void arp_tick(struct net_stack *stack);
void arp_flush(struct net_stack *stack);

/* ipv4.c: consumes nb (Ethernet header pulled). */
void ip4_input(struct netdev *dev, struct netbuf *nb);
/* ipv4.c: prepends an IPv4 header and sends nb's bytes (the transport segment) to dst, choosing the
 * interface by route and src when src is 0; fragments when larger than the MTU (unless df). Returns
 * NET_OK, NET_ERR_NOROUTE, NET_ERR_NOMEM or NET_ERR_MSGSIZE. Never frees nb. */
int ip4_output(struct net_stack *stack, struct netbuf *nb, uint32_t src, uint32_t dst, uint8_t proto,
               bool df);
/* ipv4.c: the interface that reaches dst and the next hop on it; NULL when none. */
struct netdev *ip4_route(struct net_stack *stack, uint32_t dst, uint32_t *next_hop_out);
/* ipv4.c: true when addr is one of dev's own addresses (unicast or broadcast). */
bool ip4_addr_is_broadcast(const struct netdev *dev, uint32_t addr);
void ip4_tick(struct net_stack *stack);
void ip4_flush(struct net_stack *stack);

/* icmp.c, udp.c, tcp_in.c: consume nb (IP header pulled; nb->from_addr = source). */
void icmp_input(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info);
void udp_input(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info);
void tcp_input(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info);

/* tcp_in.c: an ICMP destination unreachable (code) quoting a segment src:sport -> dst:dport with
 * sequence number seq (RFC 1122 4.2.3.9, RFC 5927). */
void tcp_icmp_unreachable(struct net_stack *stack, uint8_t code, uint32_t src, uint32_t dst, uint16_t sport,
                          uint16_t dport, uint32_t seq);
void udp_flush(struct net_stack *stack);
void tcp_tick(struct net_stack *stack);
void tcp_flush(struct net_stack *stack);
void dhcp_tick(struct net_stack *stack);
void dhcp_flush(struct net_stack *stack);
void dns_tick(struct net_stack *stack);
void dns_flush(struct net_stack *stack);
void loopback_poll(struct net_stack *stack);
/* loopback.c: delivers queued frames, and the ones they cause, up to budget (net_loopback_flush). */
int loopback_flush(struct net_stack *stack, int budget);
bool udp_port_used(struct net_stack *stack, uint16_t port);
bool tcp_port_used(struct net_stack *stack, uint16_t port);

#endif
