/* kernel/net/net.h — one instance of the TCP/IP stack: creation, clock, interfaces, counters.
 *
 * Every piece of stack state (ARP cache, reassembly, UDP and TCP control blocks, counters) lives in a
 * struct net_stack, so the host tests can run two stacks side by side over a fake link. The stack has
 * no threads: the caller hands it received frames (netdev_input in netdev.h) and drives its timers
 * with net_tick(now_ms). Nothing in the stack blocks. The caller serializes all calls into one stack
 * (the kernel holds one lock around it).
 *
 * Addresses are IPv4 in host byte order (NET_IP4(10,0,2,15)); ports are host byte order.
 *
 * Wiring it into the kernel (one stack, under one lock):
 *   stack = net_create(seed);  net_add_netdev(stack, &virtio_net_dev);  dhcp_start(stack, dev);
 *   RX (driver's bottom half, not the IRQ itself): netdev_input(dev, nb) per frame, then
 *   net_tick(stack, now_ms) from the timer every few ms; sockets (sock.h) for the WASI layer, whose
 *   readiness callbacks (sock_set_notify) wake blocked processes. */
#ifndef KERNEL_NET_NET_H
#define KERNEL_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_stack;
struct netdev;

#define NET_IP4(a, b, c, d) \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define NET_IP4_ANY 0u
#define NET_IP4_BROADCAST 0xffffffffu

/* Errors of the stack's internal layers: 0 = OK, negative = error. sock.h maps them to WASI errno. */
enum net_err {
    NET_OK = 0,
    NET_ERR_NOMEM = -1,      /* no memory for a buffer or control block */
    NET_ERR_INVAL = -2,      /* bad argument or malformed packet */
    NET_ERR_NOROUTE = -3,    /* no interface reaches the destination */
    NET_ERR_WOULDBLOCK = -4, /* try again later (no data, no room, not resolved yet) */
    NET_ERR_INUSE = -5,      /* address/port already bound */
    NET_ERR_REFUSED = -6,    /* peer answered the SYN with RST */
    NET_ERR_RESET = -7,      /* connection reset by the peer */
    NET_ERR_TIMEOUT = -8,    /* retransmissions exhausted, or a query timed out */
    NET_ERR_NOTCONN = -9,    /* not connected */
    NET_ERR_CLOSED = -10,    /* sending after shutdown or close (EPIPE) */
    NET_ERR_MSGSIZE = -11,   /* datagram too large */
    NET_ERR_ISCONN = -12,    /* already connected or listening */
    NET_ERR_INPROGRESS = -13,/* connect started, completion reported through readiness */
    NET_ERR_ABORTED = -14,   /* connection aborted locally (listener closed, out of memory) */
    NET_ERR_NOTFOUND = -15,  /* name does not resolve */
};

/* Counters: every drop has its own, so hostile-input tests can see why a packet went away. */
struct net_stats {
    uint64_t eth_rx, eth_tx, eth_drop_short, eth_drop_addr, eth_drop_type;
    uint64_t arp_rx, arp_tx, arp_drop, arp_timeouts, arp_pending_drop;
    uint64_t ip_rx, ip_tx, ip_drop_short, ip_drop_version, ip_drop_len, ip_drop_chksum, ip_drop_addr,
        ip_drop_proto, ip_noroute, ip_frag_rx, ip_frag_tx, ip_frag_dup, ip_reasm_ok, ip_reasm_drop, ip_reasm_timeout;
    uint64_t icmp_rx, icmp_tx, icmp_drop;
    uint64_t udp_rx, udp_tx, udp_drop_short, udp_drop_chksum, udp_noport, udp_drop_queue;
    uint64_t tcp_rx, tcp_tx, tcp_drop_short, tcp_drop_chksum, tcp_drop_opts, tcp_drop_outwin,
        tcp_drop_noconn, tcp_drop_syn_backlog, tcp_drop_ooo, tcp_rst_rx, tcp_rst_tx, tcp_challenge_ack, tcp_ack_ratelimited,
        tcp_retransmits, tcp_fast_retransmits, tcp_timeouts, tcp_dupacks, tcp_partial_acks,
        tcp_delayed_acks, tcp_ooo_segments, tcp_window_probes, tcp_keepalive_probes, tcp_icmp_errors;
    uint64_t tcp_syn_evicted;   /* half-open connections dropped to make room for a new SYN */
    uint64_t tcp_tw_recycled;   /* TIME_WAIT blocks taken back early because the table was full */
    uint64_t lo_prompt, lo_tick; /* loopback frames delivered by net_loopback_flush / by net_tick */
};

/* Creates a stack (no interfaces). `seed` seeds its ISN secret and ephemeral ports. NULL on OOM. */
struct net_stack *net_create(uint32_t seed);

/* Frees the stack and everything in it: control blocks, queued buffers, loopback frames. Sockets of
 * this stack (sock.h) must be closed first. Interfaces stay owned by their drivers. */
void net_destroy(struct net_stack *stack);

/* Attaches an interface (its ip/netmask/gateway fields may be set before or after). Returns NET_OK or
 * NET_ERR_NOMEM (table full). The stack keeps the pointer until net_destroy. */
int net_add_netdev(struct net_stack *stack, struct netdev *dev);

/* Advances the stack's clock to now_ms (monotonic, caller's clock): runs due timers (ARP retries and
 * expiry, reassembly expiry, TCP retransmission, delayed ACK, TIME_WAIT, DHCP, DNS) and delivers
 * frames queued on the loopback interface. Never blocks. Call it every few milliseconds (timer
 * precision and loopback latency are what the caller gives it), and after a burst of input. */
void net_tick(struct net_stack *stack, uint64_t now_ms);

/* Delivers the frames the stack sent to its own loopback interface, and those their delivery sends
 * in turn (an echo reply, a SYN,ACK), until none is queued or `budget` frames were delivered (the
 * rest wait for the next call or net_tick). now_ms advances the clock as net_tick would, without
 * running timers. Call it where a call into the stack has returned (the kernel: the outermost
 * netif_unlock), never from inside the stack (a notify callback): that would re-enter a protocol
 * in the middle of its output. Returns the frames delivered. */
int net_loopback_flush(struct net_stack *stack, uint64_t now_ms, int budget);

/* The stack's clock as last given to net_tick. */
uint64_t net_now(const struct net_stack *stack);

/* The stack's counters (live; read-only for callers). */
const struct net_stats *net_stats(const struct net_stack *stack);

/* The index-th attached interface (0 is the loopback "lo", then the NICs in attach order), or NULL
 * past the last one. The pointer stays valid until net_destroy. Never blocks. */
struct netdev *net_get_netdev(const struct net_stack *stack, int index);

#endif
