/* kernel/net/arp.c — ARP for IPv4 over Ethernet: cache, requests, replies, pending datagrams.
 *
 * Input follows the packet reception algorithm of RFC 826 ("Packet Reception"): update the sender's
 * entry if we have one; if we are the target, add it, and answer a request. Output (arp_output) is
 * called by ipv4.c with the next hop; an unresolved address gets a pending entry holding references
 * to the waiting datagrams (RFC 1122 2.3.2.2), and arp_tick retries and expires entries
 * (RFC 1122 2.3.2.1). Below: eth.c. */
#include "kernel/net/arp.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/proto/arp.h"
#include "kernel/net/proto/eth.h"

static const uint8_t broadcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct arp_entry *find(struct net_stack *stack, uint32_t ip)
{
    for (int i = 0; i < ARP_TABLE_SIZE; i++)
        if (stack->arp[i].state != ARP_FREE && stack->arp[i].ip == ip)
            return &stack->arp[i];
    return NULL;
}

static void entry_clear(struct net_stack *stack, struct arp_entry *e)
{
    for (int i = 0; i < e->npending; i++) {
        netbuf_free(e->pending[i]);
        stack->stats.arp_pending_drop++;
    }
    memset(e, 0, sizeof(*e));
}

/* A free slot, else the pending entry asked for longest (most requests, then the earliest retry;
 * its datagrams are dropped and counted), else the resolved entry closest to expiry. A host that
 * answered is worth more than an address that has not: a SYN flood from forged on-link addresses
 * would otherwise push every real host out of the table (its SYN,ACKs all wait for ARP). */
static struct arp_entry *alloc_entry(struct net_stack *stack)
{
    struct arp_entry *victim = NULL, *stale = NULL;
    for (int i = 0; i < ARP_TABLE_SIZE; i++) {
        struct arp_entry *e = &stack->arp[i];
        if (e->state == ARP_FREE)
            return e;
        if (e->state == ARP_RESOLVED && (!victim || e->expires_ms < victim->expires_ms))
            victim = e;
        if (e->state == ARP_PENDING &&
            (!stale || e->requests > stale->requests ||
             (e->requests == stale->requests && e->expires_ms < stale->expires_ms)))
            stale = e;
    }
    if (stale)
        victim = stale;
    if (victim)
        entry_clear(stack, victim);
    return victim;
}

static int send_arp(struct netdev *dev, uint16_t op, const uint8_t tha[6], uint32_t tpa,
                    const uint8_t eth_dst[6])
{
    struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, ARP_HLEN);
    if (!nb)
        return NET_ERR_NOMEM;
    struct arp_hdr *ah = (struct arp_hdr *)nb->data;
    ah->htype = net_htons(ARP_HTYPE_ETHER);
    ah->ptype = net_htons(ETH_TYPE_IPV4);
    ah->hlen = 6;
    ah->plen = 4;
    ah->op = net_htons(op);
    memcpy(ah->sha, dev->mac, 6);
    net_put32(ah->spa, dev->ip);
    memcpy(ah->tha, tha, 6);
    net_put32(ah->tpa, tpa);
    dev->stack->stats.arp_tx++;
    int err = eth_output(dev, nb, eth_dst, ETH_TYPE_ARP);
    netbuf_free(nb);
    return err;
}

/* Sends the datagrams waiting on a freshly resolved entry. */
static void flush_pending(struct arp_entry *e)
{
    for (int i = 0; i < e->npending; i++) {
        eth_output(e->dev, e->pending[i], e->mac, ETH_TYPE_IPV4);
        netbuf_free(e->pending[i]);
        e->pending[i] = NULL;
    }
    e->npending = 0;
    e->pending_bytes = 0;
}

void arp_input(struct netdev *dev, struct netbuf *nb)
{
    struct net_stack *stack = dev->stack;
    stack->stats.arp_rx++;
    struct arp_hdr *ah = (struct arp_hdr *)nb->data;
    if (nb->len < ARP_HLEN || net_ntohs(ah->htype) != ARP_HTYPE_ETHER ||
        net_ntohs(ah->ptype) != ETH_TYPE_IPV4 || ah->hlen != 6 || ah->plen != 4) {
        stack->stats.arp_drop++;
        netbuf_free(nb);
        return;
    }
    uint32_t spa = net_get32(ah->spa), tpa = net_get32(ah->tpa);
    uint16_t op = net_ntohs(ah->op);
    /* a sender claiming a broadcast, zero or our own address poisons nobody's cache */
    if (spa == 0 || spa == NET_IP4_BROADCAST || (dev->ip && spa == dev->ip) || (ah->sha[0] & 1)) {
        stack->stats.arp_drop++;
        netbuf_free(nb);
        return;
    }
    /* RFC 826: "If the pair <protocol type, sender protocol address> is already in my translation
     * table, update the sender hardware address field of the entry with the new information" */
    bool merged = false;
    struct arp_entry *e = find(stack, spa);
    if (e) {
        memcpy(e->mac, ah->sha, 6);
        e->dev = dev;
        e->state = ARP_RESOLVED;
        e->expires_ms = stack->now_ms + ARP_ENTRY_TTL_MS;
        merged = true;
        flush_pending(e);
    }
    bool for_us = dev->ip != 0 && tpa == dev->ip;
    if (for_us) {
        /* RFC 826: "If Merge_flag is false, add the triplet ... to the translation table" */
        if (!merged && (e = alloc_entry(stack)) != NULL) {
            e->state = ARP_RESOLVED;
            e->ip = spa;
            memcpy(e->mac, ah->sha, 6);
            e->dev = dev;
            e->expires_ms = stack->now_ms + ARP_ENTRY_TTL_MS;
        }
        /* RFC 826: "If opcode is ares_op$REQUEST ... send the packet to the (new) target" */
        if (op == ARP_OP_REQUEST) {
            uint8_t sha[6];
            memcpy(sha, ah->sha, 6);
            send_arp(dev, ARP_OP_REPLY, sha, spa, sha);
        }
    }
    netbuf_free(nb);
}

int arp_output(struct netdev *dev, struct netbuf *nb, uint32_t next_hop)
{
    struct net_stack *stack = dev->stack;
    if (next_hop == NET_IP4_BROADCAST || ip4_addr_is_broadcast(dev, next_hop))
        return eth_output(dev, nb, broadcast_mac, ETH_TYPE_IPV4);
    struct arp_entry *e = find(stack, next_hop);
    if (e && e->state == ARP_RESOLVED)
        return eth_output(dev, nb, e->mac, ETH_TYPE_IPV4);
    if (!e) {
        e = alloc_entry(stack);
        if (!e)
            return NET_ERR_NOMEM;
        e->state = ARP_PENDING;
        e->ip = next_hop;
        e->dev = dev;
        e->requests = 0;
        e->expires_ms = stack->now_ms; /* request right away */
    }
    /* RFC 1122 2.3.2.2: "SHOULD save at least one (the latest) packet": keep the newest datagrams
     * when the queue is full */
    while (e->npending > 0 &&
           (e->npending == ARP_MAX_PENDING || e->pending_bytes + nb->len > ARP_MAX_PENDING_BYTES)) {
        e->pending_bytes -= e->pending[0]->len;
        netbuf_free(e->pending[0]);
        stack->stats.arp_pending_drop++;
        memmove(&e->pending[0], &e->pending[1], sizeof(e->pending[0]) * (size_t)(e->npending - 1));
        e->npending--;
    }
    e->pending[e->npending++] = netbuf_ref(nb);
    e->pending_bytes += nb->len;
    if (e->expires_ms <= stack->now_ms && e->requests < ARP_MAX_REQUESTS) {
        static const uint8_t zero[6] = { 0 };
        e->requests++;
        e->expires_ms = stack->now_ms + ARP_RETRY_MS;
        send_arp(dev, ARP_OP_REQUEST, zero, next_hop, broadcast_mac);
    }
    return NET_OK;
}

void arp_tick(struct net_stack *stack)
{
    static const uint8_t zero[6] = { 0 };
    for (int i = 0; i < ARP_TABLE_SIZE; i++) {
        struct arp_entry *e = &stack->arp[i];
        if (e->state == ARP_FREE || e->expires_ms > stack->now_ms)
            continue;
        if (e->state == ARP_RESOLVED) {
            entry_clear(stack, e); /* RFC 1122 2.3.2.1: entries time out */
        } else if (e->requests >= ARP_MAX_REQUESTS) {
            stack->stats.arp_timeouts++;
            entry_clear(stack, e);
        } else {
            e->requests++;
            e->expires_ms = stack->now_ms + ARP_RETRY_MS;
            send_arp(e->dev, ARP_OP_REQUEST, zero, e->ip, broadcast_mac);
        }
    }
}

void arp_flush(struct net_stack *stack)
{
    for (int i = 0; i < ARP_TABLE_SIZE; i++)
        if (stack->arp[i].state != ARP_FREE) {
            entry_clear(stack, &stack->arp[i]);
        }
}

bool arp_lookup(struct net_stack *stack, uint32_t ip, uint8_t mac_out[6])
{
    struct arp_entry *e = find(stack, ip);
    if (!e || e->state != ARP_RESOLVED)
        return false;
    memcpy(mac_out, e->mac, 6);
    return true;
}
