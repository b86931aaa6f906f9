/* kernel/net/icmp.h — ICMP echo (RFC 792): the stack answers echo requests by itself; a ping program
 * sends requests with icmp_echo_request and collects answers with icmp_echo_reply_take. */
#ifndef KERNEL_NET_ICMP_H
#define KERNEL_NET_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_stack;

/* Sends an echo request to dst with identifier id, sequence seq and `len` bytes of payload (a pattern;
 * the first 8 bytes carry the send time). Never blocks. Returns NET_OK, NET_ERR_NOROUTE, NET_ERR_NOMEM
 * or NET_ERR_MSGSIZE (len over 65507). The reply, if any, arrives through net_tick/netdev_input. */
int icmp_echo_request(struct net_stack *stack, uint32_t dst, uint16_t id, uint16_t seq, size_t len);

struct icmp_echo_reply {
    uint32_t from;      /* who answered */
    uint16_t seq;
    uint16_t len;       /* payload bytes */
    uint8_t ttl;        /* of the reply's IP header */
    uint64_t rtt_ms;    /* from the send time carried in the payload */
};

/* Takes the oldest recorded echo reply carrying identifier id. Returns true and fills reply_out, or
 * false when none arrived. The stack keeps at most 16 unclaimed replies (older ones are overwritten). */
bool icmp_echo_reply_take(struct net_stack *stack, uint16_t id, struct icmp_echo_reply *reply_out);

/* Called from inside the stack (netdev_input, so possibly IRQ context) right after an echo reply
 * with identifier id and sequence seq was recorded, so a waiting requester can be woken. It must not
 * call into the stack. One per stack; fn NULL turns it off. */
typedef void (*icmp_echo_notify_fn)(void *arg, uint16_t id, uint16_t seq);
void icmp_set_echo_notify(struct net_stack *stack, icmp_echo_notify_fn fn, void *arg);

#endif
