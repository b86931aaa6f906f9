/* kernel/net/net.c — a stack instance: creation, interfaces, the clock, ports, teardown.
 *
 * Everything the protocol files share lives in struct net_stack (net_priv.h). This file creates it
 * with its loopback interface, dispatches net_tick to each protocol's timer function, and frees every
 * protocol's state at net_destroy. The protocols themselves: eth.c, arp.c, ipv4.c, icmp.c, udp.c,
 * tcp.c/tcp_in.c/tcp_out.c, dhcp.c, dns.c; the socket layer above them is sock.c. */
#include "kernel/net/net_priv.h"
#include "kernel/net/loopback.h"
#include "kernel/net/proto/ipv4.h"

struct net_stack *net_create(uint32_t seed)
{
    struct net_stack *stack = kmalloc(sizeof(*stack));
    if (!stack)
        return NULL;
    memset(stack, 0, sizeof(*stack));
    stack->seed = seed ? seed : 0x9e3779b9u;
    stack->next_port = (uint16_t)(49152 + seed % 16384);
    stack->ip_id = (uint16_t)(seed >> 16);
    struct netdev *lo = loopback_create();
    if (!lo || net_add_netdev(stack, lo) != NET_OK) {
        loopback_destroy(lo);
        kfree(stack);
        return NULL;
    }
    return stack;
}

void net_destroy(struct net_stack *stack)
{
    if (!stack)
        return;
    dns_flush(stack);
    dhcp_flush(stack);
    tcp_flush(stack);
    udp_flush(stack);
    ip4_flush(stack);
    arp_flush(stack);
    for (int i = 0; i < stack->ndevs; i++) {
        if (stack->devs[i]->flags & NETDEV_FLAG_LOOPBACK)
            loopback_destroy(stack->devs[i]);
        else
            stack->devs[i]->stack = NULL;
    }
    kfree(stack);
}

int net_add_netdev(struct net_stack *stack, struct netdev *dev)
{
    if (stack->ndevs >= NET_MAX_DEVS)
        return NET_ERR_NOMEM;
    dev->stack = stack;
    stack->devs[stack->ndevs++] = dev;
    return NET_OK;
}

void net_tick(struct net_stack *stack, uint64_t now_ms)
{
    if (now_ms > stack->now_ms)
        stack->now_ms = now_ms;
    loopback_poll(stack);
    arp_tick(stack);
    ip4_tick(stack);
    tcp_tick(stack);
    dhcp_tick(stack);
    dns_tick(stack);
}

int net_loopback_flush(struct net_stack *stack, uint64_t now_ms, int budget)
{
    if (now_ms > stack->now_ms)
        stack->now_ms = now_ms;
    return loopback_flush(stack, budget);
}

uint64_t net_now(const struct net_stack *stack)
{
    return stack->now_ms;
}

const struct net_stats *net_stats(const struct net_stack *stack)
{
    return &stack->stats;
}

struct netdev *net_get_netdev(const struct net_stack *stack, int index)
{
    return index >= 0 && index < stack->ndevs ? stack->devs[index] : NULL;
}

int netdev_input(struct netdev *dev, struct netbuf *nb)
{
    if (!dev->stack || !(dev->flags & NETDEV_FLAG_UP))
        return NET_ERR_INVAL;
    dev->rx_frames++;
    dev->rx_bytes += nb->len;
    return eth_input(dev, nb);
}

uint32_t net_random(struct net_stack *stack)
{
    /* xorshift32: enough for ports and jitter; ISNs add a keyed hash (tcp.c) */
    uint32_t x = stack->seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    stack->seed = x;
    return x;
}

/* RFC 6335 section 6: the dynamic range 49152-65535. */
uint16_t net_ephemeral_port(struct net_stack *stack, uint8_t proto)
{
    for (int tries = 0; tries < 16384; tries++) {
        uint16_t port = stack->next_port;
        stack->next_port = (uint16_t)(port == 65535 ? 49152 : port + 1);
        bool used = proto == IP4_PROTO_TCP ? tcp_port_used(stack, port) : udp_port_used(stack, port);
        if (!used)
            return port;
    }
    return 0;
}
