/* tests/unit/net/fakelink.c — the simulated cable of fakelink.h. */
#include <stdlib.h>
#include <string.h>
#include "fakelink.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/proto/eth.h"
#include "kernel/net/proto/ipv4.h"

static uint32_t rnd(struct fakelink *l)
{
    uint32_t x = l->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    l->rng = x;
    return x;
}

static bool chance(struct fakelink *l, uint32_t ppm)
{
    return ppm && rnd(l) % 1000000u < ppm;
}


/* True when the frame's IPv4 header checksum and (for unfragmented datagrams) its transport checksum
 * are right. Non-IPv4 frames pass. */
static bool checksums_ok(const struct netbuf *nb)
{
    const uint8_t *f = nb->data;
    if (nb->len < ETH_HLEN + IP4_HLEN || f[12] != 0x08 || f[13] != 0x00)
        return true;
    const struct ip4_hdr *ih = (const struct ip4_hdr *)(f + ETH_HLEN);
    size_t hl = (size_t)(ih->ver_ihl & 15) * 4, tl = net_ntohs(ih->total_len);
    if (ETH_HLEN + tl > nb->len || tl < hl)
        return false;
    if (net_chksum_fold(net_chksum_add(0, ih, hl)) != 0)
        return false;
    if (net_ntohs(ih->frag) & (IP4_FLAG_MF | IP4_OFFSET_MASK))
        return true;
    const uint8_t *t = f + ETH_HLEN + hl;
    size_t n = tl - hl;
    uint32_t sum = ih->proto == IP4_PROTO_ICMP ? 0
                   : net_chksum_pseudo(net_ntohl(ih->src), net_ntohl(ih->dst), ih->proto, (uint16_t)n);
    if (ih->proto == IP4_PROTO_UDP && n >= 8 && t[6] == 0 && t[7] == 0)
        return true; /* no checksum */
    return net_chksum_fold(net_chksum_add(sum, t, n)) == 0;
}

static void enqueue(struct fakelink *l, struct netbuf *c, int to_side)
{
    if (l->nqueue == FAKELINK_MAX_QUEUE) {
        netbuf_free(c);
        l->dropped++;
        return;
    }
    c->stamp = l->now + l->delay_ms + (l->jitter_ms ? rnd(l) % (l->jitter_ms + 1) : 0);
    c->from_port = (uint16_t)to_side;
    l->queue[l->nqueue++] = c;
}

static int link_transmit(struct netdev *dev, struct netbuf *nb)
{
    struct fakelink_end *e = (struct fakelink_end *)dev;
    struct fakelink *l = e->link;
    l->sent++;
    if (!checksums_ok(nb))
        l->bad_frames++;
    if (l->filter && !l->filter(l->filter_arg, e->side, nb)) {
        l->dropped++;
        return 0;
    }
    if (chance(l, l->loss_ppm)) {
        l->dropped++;
        return 0;
    }
    int copies = chance(l, l->dup_ppm) ? 2 : 1;
    if (copies == 2)
        l->duplicated++;
    for (int i = 0; i < copies; i++) {
        struct netbuf *c = netbuf_copy(nb, 0);
        if (!c)
            return -1;
        if (chance(l, l->corrupt_ppm) && c->len > 14) {
            c->data[14 + rnd(l) % (c->len - 14)] ^= (uint8_t)(1 + rnd(l) % 255);
            l->corrupted++;
        }
        enqueue(l, c, 1 - e->side);
    }
    return 0;
}

bool fakelink_init(struct fakelink *link, uint32_t seed)
{
    memset(link, 0, sizeof(*link));
    link->rng = seed ? seed : 1;
    link->delay_ms = 1;
    for (int s = 0; s < 2; s++) {
        struct fakelink_end *e = &link->end[s];
        e->link = link;
        e->side = s;
        memcpy(e->dev.name, s ? "eth1" : "eth0", 5);
        uint8_t mac[6] = { 0x02, 0, 0, 0, 0, (uint8_t)(s + 1) };
        memcpy(e->dev.mac, mac, 6);
        e->dev.mtu = 1500;
        e->dev.flags = NETDEV_FLAG_UP;
        e->dev.ip = NET_IP4(10, 0, 0, (uint32_t)s + 1);
        e->dev.netmask = NET_IP4(255, 255, 255, 0);
        e->dev.transmit = link_transmit;
        link->stack[s] = net_create(seed * 7919u + (uint32_t)s * 104729u + 1);
        if (!link->stack[s] || net_add_netdev(link->stack[s], &e->dev) != 0)
            return false;
    }
    return true;
}

void fakelink_destroy(struct fakelink *link)
{
    for (int i = 0; i < link->nqueue; i++)
        netbuf_free(link->queue[i]);
    link->nqueue = 0;
    for (int s = 0; s < 2; s++)
        net_destroy(link->stack[s]);
}

void fakelink_step(struct fakelink *link)
{
    link->now++;
    /* the clocks move first, so that frames are handled at their delivery time */
    for (int s = 0; s < 2; s++)
        net_tick(link->stack[s], link->now);
    /* deliver due frames in queue order (jitter already shuffled delivery times) */
    int kept = 0, due_n = 0;
    static struct netbuf *due[FAKELINK_MAX_QUEUE];
    for (int i = 0; i < link->nqueue; i++) {
        struct netbuf *nb = link->queue[i];
        if (nb->stamp <= link->now)
            due[due_n++] = nb;
        else
            link->queue[kept++] = nb;
    }
    link->nqueue = kept;
    for (int i = 0; i < due_n; i++) {
        struct netbuf *nb = due[i];
        int side = nb->from_port;
        nb->from_port = 0;
        link->delivered++;
        if (netdev_input(&link->end[side].dev, nb) != 0)
            netbuf_free(nb);
    }
}

bool fakelink_run(struct fakelink *link, bool (*done)(void *arg), void *arg, uint64_t max_ms)
{
    for (uint64_t t = 0; t < max_ms; t++) {
        if (done(arg))
            return true;
        fakelink_step(link);
    }
    return done(arg);
}

void fakelink_advance(struct fakelink *link, uint64_t ms)
{
    for (uint64_t t = 0; t < ms; t++)
        fakelink_step(link);
}

void fakelink_skip(struct fakelink *link, uint64_t ms, uint64_t step)
{
    for (uint64_t t = 0; t + step <= ms; t += step) {
        link->now += step - 1;
        fakelink_step(link);
    }
}
