/* kernel/net/udp.h — UDP endpoints (RFC 768).
 *
 * An endpoint is bound to a local port (and optionally connected to one remote address). Received
 * datagrams go either to a callback (the stack's own clients: DHCP, DNS) or to a bounded queue read
 * with udp_recv (the socket layer). Nothing blocks. */
#ifndef KERNEL_NET_UDP_H
#define KERNEL_NET_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/net/netbuf.h"

struct net_stack;

#define UDP_QUEUE_MAX 64           /* datagrams queued per endpoint; more are dropped (udp_drop_queue) */
#define UDP_QUEUE_MAX_BYTES (256 * 1024)

/* Called for each datagram when the endpoint has one: nb->data is the payload, nb->from_addr and
 * nb->from_port the sender. The callback owns nb and must free it. It must not free the endpoint. */
typedef void (*udp_recv_fn)(void *arg, struct netbuf *nb);

struct udp_pcb {
    struct udp_pcb *next;      /* in stack->udp_pcbs */
    struct net_stack *stack;
    uint32_t local_ip;         /* 0: any */
    uint16_t local_port;
    uint32_t remote_ip;        /* connected peer, 0 when not connected */
    uint16_t remote_port;
    udp_recv_fn recv;          /* NULL: queue instead */
    void *recv_arg;
    struct netbuf *qhead, *qtail; /* received datagrams (owned by the endpoint) */
    void (*notify)(void *arg);  /* called after a datagram was queued (as tcp_set_notify) */
    void *notify_arg;
    int qlen;
    size_t qbytes;
};

/* Creates an unbound endpoint. NULL on OOM. The caller owns it until udp_free. */
struct udp_pcb *udp_new(struct net_stack *stack);

/* Binds to ip:port (port 0: an ephemeral port). Returns NET_OK, NET_ERR_INUSE or NET_ERR_INVAL
 * (already bound). */
int udp_bind(struct udp_pcb *pcb, uint32_t ip, uint16_t port);

/* Sets the default destination and filters input to it (ip 0 disconnects). Binds ephemeral if
 * unbound. Returns NET_OK or NET_ERR_INUSE. */
int udp_connect(struct udp_pcb *pcb, uint32_t ip, uint16_t port);

/* Sends len bytes to ip:port (binding an ephemeral port first if unbound). The data is copied.
 * Returns NET_OK, NET_ERR_NOROUTE, NET_ERR_NOMEM or NET_ERR_MSGSIZE (over 65507 bytes). */
int udp_sendto(struct udp_pcb *pcb, const void *data, size_t len, uint32_t ip, uint16_t port);

/* Takes the oldest queued datagram; NULL when none. The caller owns it (free with netbuf_free). */
struct netbuf *udp_recv(struct udp_pcb *pcb);

/* One bound endpoint of a netstat-like listing. */
struct udp_endpoint {
    uint32_t local_ip, remote_ip;  /* 0: any / not connected */
    uint16_t local_port, remote_port;
    uint32_t queued_bytes;         /* received, not read yet */
};
/* Copies up to max bound endpoints of stack into out; returns how many exist (may exceed max). Never
 * blocks. */
int udp_list(struct net_stack *stack, struct udp_endpoint *out, int max);

/* Unbinds, frees queued datagrams and the endpoint. */
void udp_free(struct udp_pcb *pcb);

#endif
