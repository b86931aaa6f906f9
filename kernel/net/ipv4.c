/* kernel/net/ipv4.c — IPv4 for a host (RFC 791, RFC 1122 3.2): input checks, reassembly, output,
 * fragmentation, routing, and the Internet checksum (RFC 1071).
 *
 * Below: eth.c (input) and arp.c (output). Above: icmp.c, udp.c, tcp_in.c, which receive the payload
 * with a struct ip4_info. walos does not forward: a datagram not addressed to one of our interfaces is
 * dropped (RFC 1122 3.3.4.2 does not require a host to forward). Options are skipped, not interpreted
 * (RFC 1122 3.2.1.8 lets a host ignore the ones it does not implement).
 *
 * Reassembly is bounded: IP4_REASM_SLOTS datagrams at once, IP4_REASM_MAX_FRAGS fragments each,
 * IP4_REASM_MAX_BYTES buffered over all of them, and IP4_REASM_TIMEOUT_MS to complete. Overlapping
 * fragments make the whole datagram be dropped (the safe choice; RFC 5722 made it mandatory for IPv6).
 * Anything past a bound is dropped and counted, never queued. */
#include "kernel/net/net_priv.h"
#include "kernel/net/proto/eth.h"
#include "kernel/net/proto/ipv4.h"

#define IP4_REASM_TIMEOUT_MS 30000 /* RFC 1122 3.3.2: a fixed value between 60 s and 120 s is
                                      recommended; shorter frees memory sooner under attack */

/* ---- checksum: RFC 1071 section 4.1 ---- */
uint32_t net_chksum_add(uint32_t sum, const void *p, size_t len)
{
    const uint8_t *b = p;
    while (len > 1) {
        sum += (uint32_t)((b[0] << 8) | b[1]);
        b += 2;
        len -= 2;
    }
    if (len)
        sum += (uint32_t)(b[0] << 8);
    /* fold now and then so that a 64 KiB buffer cannot overflow 32 bits */
    sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

uint16_t net_chksum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return net_htons((uint16_t)~sum);
}

uint32_t net_chksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
    return sum + proto + len;
}

/* ---- routing ---- */
bool ip4_addr_is_broadcast(const struct netdev *dev, uint32_t addr)
{
    if (addr == NET_IP4_BROADCAST)
        return true;
    /* RFC 1122 3.2.1.3: the directed broadcast of our subnet */
    return dev->ip && dev->netmask && dev->netmask != 0xffffffffu &&
           (addr & dev->netmask) == (dev->ip & dev->netmask) && (addr | dev->netmask) == 0xffffffffu;
}

struct netdev *ip4_route(struct net_stack *stack, uint32_t dst, uint32_t *next_hop_out)
{
    struct netdev *gw_dev = NULL, *any_dev = NULL;
    for (int i = 0; i < stack->ndevs; i++) {
        struct netdev *d = stack->devs[i];
        if (!(d->flags & NETDEV_FLAG_UP))
            continue;
        if (d->flags & NETDEV_FLAG_LOOPBACK) {
            if ((dst >> 24) == 127) {
                *next_hop_out = dst;
                return d;
            }
            continue;
        }
        /* a datagram to one of our own addresses goes over loopback, like Linux does */
        if (d->ip && dst == d->ip) {
            for (int j = 0; j < stack->ndevs; j++)
                if (stack->devs[j]->flags & NETDEV_FLAG_LOOPBACK) {
                    *next_hop_out = dst;
                    return stack->devs[j];
                }
        }
        if (!any_dev)
            any_dev = d;
        if (d->ip && d->netmask && (dst & d->netmask) == (d->ip & d->netmask)) {
            *next_hop_out = dst;
            return d;
        }
        if (d->ip && d->gateway && !gw_dev)
            gw_dev = d;
    }
    if (dst == NET_IP4_BROADCAST && any_dev) {
        *next_hop_out = dst;
        return any_dev;
    }
    if (gw_dev) {
        *next_hop_out = gw_dev->gateway;
        return gw_dev;
    }
    return NULL;
}

/* ---- output ---- */
static void fill_header(struct ip4_hdr *ih, uint16_t total, uint16_t id, uint16_t frag, uint8_t proto,
                        uint32_t src, uint32_t dst)
{
    ih->ver_ihl = 0x45;
    ih->tos = 0;
    ih->total_len = net_htons(total);
    ih->id = net_htons(id);
    ih->frag = net_htons(frag);
    ih->ttl = IP4_DEFAULT_TTL; /* RFC 1122 3.2.1.7: never send TTL 0 */
    ih->proto = proto;
    ih->chksum = 0;
    ih->src = net_htonl(src);
    ih->dst = net_htonl(dst);
    ih->chksum = net_chksum_fold(net_chksum_add(0, ih, IP4_HLEN));
}

static int send_on(struct netdev *dev, struct netbuf *nb, uint32_t next_hop)
{
    dev->stack->stats.ip_tx++;
    if (dev->flags & NETDEV_FLAG_LOOPBACK)
        return eth_output(dev, nb, dev->mac, ETH_TYPE_IPV4);
    return arp_output(dev, nb, next_hop);
}

int ip4_output(struct net_stack *stack, struct netbuf *nb, uint32_t src, uint32_t dst, uint8_t proto,
               bool df)
{
    uint32_t next_hop;
    struct netdev *dev = ip4_route(stack, dst, &next_hop);
    if (!dev) {
        stack->stats.ip_noroute++;
        return NET_ERR_NOROUTE;
    }
    if (!src)
        src = dev->ip;
    if (nb->len + IP4_HLEN > 65535)
        return NET_ERR_MSGSIZE;
    uint16_t id = stack->ip_id++;
    if (nb->len + IP4_HLEN <= dev->mtu) {
        struct ip4_hdr *ih = (struct ip4_hdr *)netbuf_push(nb, IP4_HLEN);
        if (!ih)
            return NET_ERR_INVAL;
        fill_header(ih, (uint16_t)nb->len, id, df ? IP4_FLAG_DF : 0, proto, src, dst);
        return send_on(dev, nb, next_hop);
    }
    if (df)
        return NET_ERR_MSGSIZE;
    /* RFC 791 section 3.2, "Fragmentation": every fragment but the last carries a multiple of 8
     * bytes and MF; offsets count 8-byte units. */
    size_t chunk = ((size_t)(dev->mtu - IP4_HLEN)) & ~(size_t)7;
    for (size_t off = 0; off < nb->len; off += chunk) {
        size_t n = nb->len - off < chunk ? nb->len - off : chunk;
        bool more = off + n < nb->len;
        struct netbuf *f = netbuf_alloc(NETBUF_HEADROOM, n);
        if (!f)
            return NET_ERR_NOMEM;
        memcpy(f->data, nb->data + off, n);
        struct ip4_hdr *ih = (struct ip4_hdr *)netbuf_push(f, IP4_HLEN);
        fill_header(ih, (uint16_t)f->len, id, (uint16_t)((more ? IP4_FLAG_MF : 0) | (off >> 3)), proto, src,
                    dst);
        stack->stats.ip_frag_tx++;
        int err = send_on(dev, f, next_hop);
        netbuf_free(f);
        if (err != NET_OK)
            return err;
    }
    return NET_OK;
}

/* ---- reassembly ---- */
static void reasm_clear(struct net_stack *stack, struct ip4_reasm *r)
{
    for (int i = 0; i < r->nfrags; i++) {
        stack->reasm_bytes -= (long)r->frags[i]->len;
        netbuf_free(r->frags[i]);
    }
    memset(r, 0, sizeof(*r));
}

/* Adds one fragment (payload only in nb; offset in bytes). Returns the whole datagram's payload when
 * complete, else NULL. Consumes nb. */
static struct netbuf *reasm_add(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info,
                                uint16_t id, size_t off, bool more)
{
    struct ip4_reasm *r = NULL, *free_slot = NULL;
    for (int i = 0; i < IP4_REASM_SLOTS; i++) {
        struct ip4_reasm *s = &stack->reasm[i];
        if (s->used && s->src == info->src && s->dst == info->dst && s->id == id && s->proto == info->proto)
            r = s;
        else if (!s->used && !free_slot)
            free_slot = s;
    }
    if (!r) {
        for (int i = 0; i < IP4_REASM_DONE; i++) {
            struct ip4_reasm_done *d = &stack->reasm_done[i];
            if (d->expires_ms > stack->now_ms && d->src == info->src && d->id == id && d->proto == info->proto) {
                stack->stats.ip_frag_dup++; /* a late copy of a fragment of a finished datagram */
                netbuf_free(nb);
                return NULL;
            }
        }
        if (!free_slot) {
            /* all slots busy: evict the oldest datagram (often the leftovers of a duplicated one),
             * so that stale state cannot lock reassembly out */
            free_slot = &stack->reasm[0];
            for (int i = 1; i < IP4_REASM_SLOTS; i++)
                if (stack->reasm[i].expires_ms < free_slot->expires_ms)
                    free_slot = &stack->reasm[i];
            stack->stats.ip_reasm_drop++;
            reasm_clear(stack, free_slot);
        }
        r = free_slot;
        r->used = true;
        r->src = info->src;
        r->dst = info->dst;
        r->id = id;
        r->proto = info->proto;
        r->total = -1;
        r->nfrags = 0;
        r->expires_ms = stack->now_ms + IP4_REASM_TIMEOUT_MS;
    }
    size_t end = off + nb->len;
    if (end > 65535 - IP4_HLEN || (more && (nb->len & 7)) || nb->len == 0 ||
        r->nfrags == IP4_REASM_MAX_FRAGS || stack->reasm_bytes + (long)nb->len > IP4_REASM_MAX_BYTES ||
        (r->total >= 0 && end > (size_t)r->total))
        goto drop_all;
    /* find the insertion point; an exact duplicate (the link repeated a frame) is dropped alone, any
     * other overlap drops the datagram */
    int at = 0;
    while (at < r->nfrags && r->frags[at]->stamp < off)
        at++;
    if (at < r->nfrags && r->frags[at]->stamp == off && r->frags[at]->len == nb->len &&
        (more || r->total == (int)end)) {
        stack->stats.ip_frag_dup++;
        netbuf_free(nb);
        return NULL;
    }
    if (at > 0 && r->frags[at - 1]->stamp + r->frags[at - 1]->len > off)
        goto drop_all;
    if (at < r->nfrags && r->frags[at]->stamp < end)
        goto drop_all;
    if (!more) {
        if (r->total >= 0)
            goto drop_all; /* a second, different last fragment */
        r->total = (int)end;
        if (r->nfrags && r->frags[r->nfrags - 1]->stamp + r->frags[r->nfrags - 1]->len > end)
            goto drop_all;
    }
    memmove(&r->frags[at + 1], &r->frags[at], sizeof(r->frags[0]) * (size_t)(r->nfrags - at));
    nb->stamp = off;
    r->frags[at] = nb;
    r->nfrags++;
    stack->reasm_bytes += (long)nb->len;
    if (r->total < 0)
        return NULL;
    size_t have = 0;
    for (int i = 0; i < r->nfrags; i++) {
        if (r->frags[i]->stamp != have)
            return NULL; /* a hole remains */
        have += r->frags[i]->len;
    }
    if (have != (size_t)r->total)
        return NULL;
    struct netbuf *whole = netbuf_alloc(NETBUF_HEADROOM, have);
    if (whole) {
        for (int i = 0; i < r->nfrags; i++)
            memcpy(whole->data + r->frags[i]->stamp, r->frags[i]->data, r->frags[i]->len);
        whole->from_addr = info->src;
        stack->stats.ip_reasm_ok++;
        struct ip4_reasm_done *d = &stack->reasm_done[stack->reasm_done_next];
        stack->reasm_done_next = (stack->reasm_done_next + 1) % IP4_REASM_DONE;
        d->src = info->src;
        d->id = id;
        d->proto = info->proto;
        d->expires_ms = stack->now_ms + 2000; /* late copies come within the link's reordering */
    } else {
        stack->stats.ip_reasm_drop++;
    }
    reasm_clear(stack, r);
    return whole;
drop_all:
    reasm_clear(stack, r);
    stack->stats.ip_reasm_drop++;
    netbuf_free(nb);
    return NULL;
}

void ip4_tick(struct net_stack *stack)
{
    for (int i = 0; i < IP4_REASM_SLOTS; i++) {
        struct ip4_reasm *r = &stack->reasm[i];
        if (r->used && r->expires_ms <= stack->now_ms) {
            stack->stats.ip_reasm_timeout++;
            reasm_clear(stack, r);
        }
    }
}

void ip4_flush(struct net_stack *stack)
{
    for (int i = 0; i < IP4_REASM_SLOTS; i++)
        if (stack->reasm[i].used)
            reasm_clear(stack, &stack->reasm[i]);
}

/* ---- input ---- */
void ip4_input(struct netdev *dev, struct netbuf *nb)
{
    struct net_stack *stack = dev->stack;
    stack->stats.ip_rx++;
    if (nb->len < IP4_HLEN) {
        stack->stats.ip_drop_short++;
        goto drop;
    }
    struct ip4_hdr *ih = (struct ip4_hdr *)nb->data;
    size_t hlen = (size_t)(ih->ver_ihl & 0xf) * 4;
    size_t total = net_ntohs(ih->total_len);
    /* RFC 1122 3.2.1.1: silently discard a datagram whose version is not 4 */
    if ((ih->ver_ihl >> 4) != 4) {
        stack->stats.ip_drop_version++;
        goto drop;
    }
    if (hlen < IP4_HLEN || hlen > nb->len || total < hlen || total > nb->len) {
        stack->stats.ip_drop_len++;
        goto drop;
    }
    /* RFC 1122 3.2.1.2: verify the header checksum, silently discard on failure */
    if (net_chksum_fold(net_chksum_add(0, ih, hlen)) != 0) {
        stack->stats.ip_drop_chksum++;
        goto drop;
    }
    struct ip4_info info = {
        .dev = dev, .src = net_ntohl(ih->src), .dst = net_ntohl(ih->dst), .proto = ih->proto, .ttl = ih->ttl,
    };
    info.broadcast = ip4_addr_is_broadcast(dev, info.dst);
    bool ours = info.broadcast || (dev->ip && info.dst == dev->ip) ||
                ((dev->flags & NETDEV_FLAG_LOOPBACK) && (info.dst >> 24) == 127);
    for (int i = 0; !ours && i < stack->ndevs; i++) /* loopback carries traffic to our other addresses */
        ours = (dev->flags & NETDEV_FLAG_LOOPBACK) && stack->devs[i]->ip == info.dst;
    /* before configuration (DHCP) accept what comes for us by MAC: RFC 2131 section 4.1 lets a server
     * unicast the offer to the client's hardware address */
    if (!dev->ip && info.proto == IP4_PROTO_UDP)
        ours = true;
    /* RFC 1122 3.2.1.3: a source that is broadcast or multicast is discarded */
    if (!ours || info.src == NET_IP4_BROADCAST || (info.src >> 28) == 0xe) {
        stack->stats.ip_drop_addr++;
        goto drop;
    }
    uint16_t frag = net_ntohs(ih->frag);
    uint16_t id = net_ntohs(ih->id);
    netbuf_trim(nb, total); /* Ethernet pads short frames */
    netbuf_pull(nb, hlen);
    nb->from_addr = info.src;
    if (frag & (IP4_FLAG_MF | IP4_OFFSET_MASK)) {
        stack->stats.ip_frag_rx++;
        nb = reasm_add(stack, nb, &info, id, (size_t)(frag & IP4_OFFSET_MASK) * 8, (frag & IP4_FLAG_MF) != 0);
        if (!nb)
            return;
    }
    switch (info.proto) {
    case IP4_PROTO_ICMP:
        icmp_input(stack, nb, &info);
        return;
    case IP4_PROTO_UDP:
        udp_input(stack, nb, &info);
        return;
    case IP4_PROTO_TCP:
        tcp_input(stack, nb, &info);
        return;
    default:
        stack->stats.ip_drop_proto++;
        break;
    }
drop:
    netbuf_free(nb);
}
