/* tests/unit/net/nettest.c — helpers shared by the net test programs (contract in nettest.h). */
#include "nettest.h"

struct fakelink nettest_link;
long nettest_blocks_before;

struct bulk {
    struct sock *tx, *rx;
    size_t total, sent, got;
    bool bad;
    bool tx_closed;
    bool eof;
    uint8_t buf[65536];
};

void setup(uint32_t seed)
{
    nettest_blocks_before = net_host_live_blocks();
    if (!fakelink_init(&L, seed)) {
        printf("fakelink_init failed\n");
        exit(2);
    }
}

static bool pair_connected(void *arg)
{
    struct tcp_pair *p = arg;
    if (!p->server)
        sock_accept(p->listener, &p->server);
    return p->server && (sock_poll(p->client) & SOCK_POLL_OUT);
}

/* Connects a client on A to a listener on B:port. Returns false when it did not complete. */
struct sock *tcp_listener(struct net_stack *st, uint16_t port, int backlog)
{
    struct sock *l;
    if (sock_open(st, SOCK_TYPE_STREAM, &l) != SOCK_OK)
        return NULL;
    if (sock_bind(l, 0, port) != SOCK_OK || sock_listen(l, backlog) != SOCK_OK) {
        sock_close(l);
        return NULL;
    }
    return l;
}

bool tcp_pair_open(struct tcp_pair *p, uint16_t port, uint64_t max_ms)
{
    memset(p, 0, sizeof(*p));
    if (!(p->listener = tcp_listener(B, port, 16)) || sock_open(A, SOCK_TYPE_STREAM, &p->client) != SOCK_OK ||
        sock_connect(p->client, IP_B, port) != SOCK_EINPROGRESS)
        return false;
    return fakelink_run(&L, pair_connected, p, max_ms);
}

void tcp_pair_close(struct tcp_pair *p)
{
    if (p->client)
        sock_close(p->client);
    if (p->server)
        sock_close(p->server);
    if (p->listener)
        sock_close(p->listener);
}

uint8_t pattern(size_t i)
{
    return (uint8_t)((i * 2654435761u) >> 13);
}

static bool bulk_step(void *arg)
{
    struct bulk *b = arg;
    while (b->sent < b->total && (sock_poll(b->tx) & SOCK_POLL_OUT)) {
        size_t n = b->total - b->sent < sizeof(b->buf) ? b->total - b->sent : sizeof(b->buf);
        for (size_t i = 0; i < n; i++)
            b->buf[i] = pattern(b->sent + i);
        size_t sent = 0;
        int err = sock_send(b->tx, b->buf, n, &sent);
        if (err != SOCK_OK)
            break;
        b->sent += sent;
    }
    if (b->sent == b->total && !b->tx_closed) {
        sock_shutdown(b->tx, SOCK_SHUT_WR);
        b->tx_closed = true;
    }
    for (;;) {
        size_t got = 0;
        int err = sock_recv(b->rx, b->buf, sizeof(b->buf), &got);
        if (err != SOCK_OK)
            break;
        if (got == 0) {
            b->eof = true;
            break;
        }
        for (size_t i = 0; i < got; i++)
            if (b->buf[i] != pattern(b->got + i))
                b->bad = true;
        b->got += got;
    }
    return b->eof;
}

bool bulk_transfer(struct tcp_pair *p, size_t total, uint64_t max_ms, uint64_t *ms_out)
{
    static struct bulk b;
    memset(&b, 0, sizeof(b));
    b.tx = p->client;
    b.rx = p->server;
    b.total = total;
    uint64_t start = L.now;
    bool done = fakelink_run(&L, bulk_step, &b, max_ms);
    if (ms_out)
        *ms_out = L.now - start;
    if (!done || b.bad || b.got != total)
        printf("  bulk_transfer: done %d, corrupt %d, got %zu of %zu\n", done, b.bad, b.got, total);
    return done && !b.bad && b.got == total;
}

struct netbuf *frame_new(size_t len)
{
    struct netbuf *nb = netbuf_alloc(0, len);
    memset(nb->data, 0, len);
    struct eth_hdr *eh = (struct eth_hdr *)nb->data;
    memcpy(eh->dst, L.end[1].dev.mac, 6);
    memcpy(eh->src, L.end[0].dev.mac, 6);
    eh->type = net_htons(ETH_TYPE_IPV4);
    return nb;
}

void ip_fill(uint8_t *p, size_t total, uint8_t proto, uint32_t src, uint32_t dst)
{
    struct ip4_hdr *ih = (struct ip4_hdr *)p;
    memset(ih, 0, IP4_HLEN);
    ih->ver_ihl = 0x45;
    ih->total_len = net_htons((uint16_t)total);
    ih->ttl = 64;
    ih->proto = proto;
    ih->src = net_htonl(src);
    ih->dst = net_htonl(dst);
    ih->chksum = net_chksum_fold(net_chksum_add(0, ih, IP4_HLEN));
}

/* A TCP segment A->B (or from `src`), with optional options bytes and payload; checksums right. */
struct netbuf *tcp_frame(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                                uint8_t flags, const uint8_t *opts, size_t optlen, size_t datalen)
{
    size_t tl = TCP_HLEN + optlen + datalen;
    struct netbuf *nb = frame_new(ETH_HLEN + IP4_HLEN + tl);
    uint8_t *t = nb->data + ETH_HLEN + IP4_HLEN;
    struct tcp_hdr *th = (struct tcp_hdr *)t;
    th->src_port = net_htons(sport);
    th->dst_port = net_htons(dport);
    th->seq = net_htonl(seq);
    th->ack = net_htonl(ack);
    th->off = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
    th->flags = flags;
    th->window = net_htons(65535);
    if (optlen)
        memcpy(t + TCP_HLEN, opts, optlen);
    for (size_t i = 0; i < datalen; i++)
        t[TCP_HLEN + optlen + i] = (uint8_t)i;
    uint32_t sum = net_chksum_pseudo(src, IP_B, IP4_PROTO_TCP, (uint16_t)tl);
    th->chksum = net_chksum_fold(net_chksum_add(sum, t, tl));
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + tl, IP4_PROTO_TCP, src, IP_B);
    return nb;
}

void inject(struct netbuf *nb)
{
    if (netdev_input(&L.end[1].dev, nb) != NET_OK)
        netbuf_free(nb);
}

/* ================================================================================================ */

size_t tcp_payload_len(const struct netbuf *nb)
{
    if (nb->len < ETH_HLEN + IP4_HLEN + TCP_HLEN || nb->data[12] != 0x08 || nb->data[13] != 0)
        return 0;
    const struct ip4_hdr *ih = (const struct ip4_hdr *)(nb->data + ETH_HLEN);
    if (ih->proto != IP4_PROTO_TCP)
        return 0;
    const uint8_t *t = nb->data + ETH_HLEN + IP4_HLEN;
    return net_ntohs(ih->total_len) - IP4_HLEN - (size_t)(t[12] >> 4) * 4;
}

bool drop_filter(void *arg, int from_side, const struct netbuf *nb)
{
    struct drop_plan *d = arg;
    if (from_side != 0)
        return true;
    size_t n = tcp_payload_len(nb);
    if (d->blackhole) {
        if (n && d->ntimes < 32)
            d->times[d->ntimes++] = L.now;
        return false;
    }
    if (n && ++d->data_seen == d->drop_nth)
        return false;
    return true;
}

bool capture_filter(void *arg, int from_side, const struct netbuf *nb)
{
    struct capture *c = arg;
    if (from_side == 1 && c->n < 16 && tcp_payload_len(nb) + 1 > 0 && nb->len <= 1600 &&
        nb->data[12] == 0x08 && nb->data[ETH_HLEN + 9] == IP4_PROTO_TCP) {
        memcpy(c->frames[c->n], nb->data, nb->len);
        c->lens[c->n++] = nb->len;
    }
    return false; /* A never sees B's answers: the test plays A */
}

const struct tcp_hdr *captured_tcp(struct capture *c, int i)
{
    return (const struct tcp_hdr *)(c->frames[i] + ETH_HLEN + IP4_HLEN);
}

size_t captured_payload(struct capture *c, int i)
{
    const struct ip4_hdr *ih = (const struct ip4_hdr *)(c->frames[i] + ETH_HLEN);
    return net_ntohs(ih->total_len) - IP4_HLEN - (size_t)(captured_tcp(c, i)->off >> 4) * 4;
}
