/* kernel/net/dhcp.h — DHCP client (RFC 2131) for one interface.
 *
 * dhcp_start sends DISCOVER and runs the client state machine from net_tick and received replies:
 * SELECTING (first OFFER wins) -> REQUESTING -> BOUND, when the interface's ip, netmask, gateway and
 * dns_server are set from the ACK. At T1 (half the lease) it asks again (RENEWING); a NAK or lease
 * expiry clears the address and starts over. Retransmissions back off 4, 8, 16, 32, 64 s
 * (RFC 2131 4.1). The DHCP client's UDP port 68 is taken while it runs. Simplification: renewal
 * is broadcast like REBINDING (RFC 2131 4.4.5), which any server on the link answers. */
#ifndef KERNEL_NET_DHCP_H
#define KERNEL_NET_DHCP_H

#include <stdint.h>

struct net_stack;
struct netdev;

enum dhcp_state {
    DHCP_OFF = 0,
    DHCP_SELECTING,   /* DISCOVER sent, waiting for an OFFER */
    DHCP_REQUESTING,  /* REQUEST sent, waiting for ACK/NAK */
    DHCP_BOUND,       /* address configured */
    DHCP_RENEWING,    /* T1 passed: REQUEST sent again */
};

/* Starts the client on dev (attached to stack). Returns NET_OK, NET_ERR_NOMEM, NET_ERR_INUSE (port 68
 * taken or a client already runs). */
int dhcp_start(struct net_stack *stack, struct netdev *dev);

/* Stops the client (the address stays configured). */
void dhcp_stop(struct net_stack *stack);

/* The client's state (DHCP_OFF when not started). */
enum dhcp_state dhcp_get_state(const struct net_stack *stack);

#endif
