/* tests/unit/net/fuzz_net.c — randomized frames into a live stack, run under ASan/UBSan.
 *
 * libFuzzer-style without libFuzzer: a corpus of real frames is recorded from a session between two
 * stacks (ARP, ICMP, UDP, TCP handshake, data, FIN), then each iteration takes a corpus frame (or
 * random bytes), mutates it (bit flips, byte sets, truncation, extension, interesting values in header
 * fields), half the time repairs the IP and transport checksums so the mutation reaches the deeper
 * layers, and hands it to the stack that holds a listener and an established connection. Time moves
 * on now and then so timers run with the damaged state. Any crash, leak or sanitizer report fails.
 * NET_FUZZ_ITERS sets the iteration count (default 20000); the seed is fixed, so runs repeat. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "fakelink.h"
#include "net_host.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/icmp.h"
#include "kernel/net/dns.h"
#include "kernel/net/sock.h"
#include "kernel/net/proto/eth.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/tcp.h"
#include "kernel/net/proto/udp.h"

static struct fakelink L;
#define CORPUS_MAX 512
static struct netbuf *corpus[CORPUS_MAX];
static int ncorpus;
static uint32_t rng = 12345;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static bool record(void *arg, int from_side, const struct netbuf *nb)
{
    (void)arg;
    if (from_side == 0 && ncorpus < CORPUS_MAX)
        corpus[ncorpus++] = netbuf_copy(nb, 0);
    return true;
}

/* Repairs the IPv4 header checksum and the TCP/UDP/ICMP checksum of a frame, as far as it is long. */
static void fix_checksums(uint8_t *f, size_t len)
{
    if (len < ETH_HLEN + IP4_HLEN || f[12] != 0x08 || f[13] != 0x00)
        return;
    struct ip4_hdr *ih = (struct ip4_hdr *)(f + ETH_HLEN);
    size_t hl = (size_t)(ih->ver_ihl & 15) * 4;
    if (hl < IP4_HLEN || ETH_HLEN + hl > len)
        return;
    ih->chksum = 0;
    ih->chksum = net_chksum_fold(net_chksum_add(0, ih, hl));
    size_t tl = net_ntohs(ih->total_len);
    if (tl < hl || ETH_HLEN + tl > len)
        return;
    uint8_t *t = f + ETH_HLEN + hl;
    size_t n = tl - hl;
    uint32_t src = net_ntohl(ih->src), dst = net_ntohl(ih->dst);
    if (ih->proto == IP4_PROTO_TCP && n >= TCP_HLEN) {
        struct tcp_hdr *th = (struct tcp_hdr *)t;
        th->chksum = 0;
        th->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(src, dst, IP4_PROTO_TCP, (uint16_t)n), t, n));
    } else if (ih->proto == IP4_PROTO_UDP && n >= UDP_HLEN) {
        struct udp_hdr *uh = (struct udp_hdr *)t;
        uh->chksum = 0;
        size_t ul = net_ntohs(uh->len);
        if (ul >= UDP_HLEN && ul <= n)
            uh->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(src, dst, IP4_PROTO_UDP, (uint16_t)ul), t, ul));
    } else if (ih->proto == IP4_PROTO_ICMP && n >= 4) {
        t[2] = t[3] = 0;
        uint16_t c = net_chksum_fold(net_chksum_add(0, t, n));
        memcpy(t + 2, &c, 2);
    }
}

static struct netbuf *mutate(void)
{
    size_t len;
    struct netbuf *nb;
    if (ncorpus == 0 || rnd() % 16 == 0) {
        len = rnd() % 1600;
        nb = netbuf_alloc(0, len);
        for (size_t i = 0; i < len; i++)
            nb->data[i] = (uint8_t)rnd();
        if (len >= 14 && rnd() % 2) {
            memcpy(nb->data, L.end[1].dev.mac, 6);
            nb->data[12] = rnd() % 2 ? 0x08 : 0x08;
            nb->data[13] = rnd() % 2 ? 0x00 : 0x06;
        }
        return nb;
    }
    struct netbuf *src = corpus[rnd() % (uint32_t)ncorpus];
    size_t extra = rnd() % 4 == 0 ? rnd() % 200 : 0;
    len = src->len + extra;
    nb = netbuf_alloc(0, len);
    memcpy(nb->data, src->data, src->len);
    for (size_t i = src->len; i < len; i++)
        nb->data[i] = (uint8_t)rnd();
    int edits = 1 + (int)(rnd() % 6);
    static const uint8_t interesting[] = { 0, 1, 0x7f, 0x80, 0xff, 0x0f, 0xf0, 20, 40, 60 };
    for (int e = 0; e < edits && nb->len > 0; e++) {
        size_t at = rnd() % nb->len;
        /* focus on headers: most edits land in the first 74 bytes */
        if (rnd() % 4 != 0 && nb->len > 1)
            at = rnd() % (nb->len < 74 ? nb->len : 74);
        switch (rnd() % 4) {
        case 0: nb->data[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
        case 1: nb->data[at] = (uint8_t)rnd(); break;
        case 2: nb->data[at] = interesting[rnd() % sizeof(interesting)]; break;
        case 3: netbuf_trim(nb, at); break;
        }
    }
    if (rnd() % 2)
        fix_checksums(nb->data, nb->len);
    return nb;
}

static bool connected(void *arg)
{
    struct sock **s = arg;
    if (!s[2])
        sock_accept(s[0], &s[2]);
    return s[2] != NULL;
}

static void test_random_frames(void)
{
    long iters = 20000;
    const char *env = getenv("NET_FUZZ_ITERS");
    if (env)
        iters = atol(env);
    long blocks = net_host_live_blocks();
    CHECK(fakelink_init(&L, 99));
    L.filter = record;
    struct net_stack *a = L.stack[0], *b = L.stack[1];
    /* record a session: ARP, ping, UDP, TCP handshake, data both ways, close */
    icmp_echo_request(a, NET_IP4(10, 0, 0, 2), 1, 1, 40);
    fakelink_advance(&L, 10);
    struct sock *u, *ub;
    size_t n;
    sock_open(b, SOCK_TYPE_DGRAM, &ub);
    sock_bind(ub, 0, 53);
    sock_open(a, SOCK_TYPE_DGRAM, &u);
    sock_sendto(u, "query", 5, NET_IP4(10, 0, 0, 2), 53, &n);
    struct sock *s[3] = { NULL, NULL, NULL };
    sock_open(b, SOCK_TYPE_STREAM, &s[0]);
    sock_bind(s[0], 0, 80);
    sock_listen(s[0], 4);
    sock_open(a, SOCK_TYPE_STREAM, &s[1]);
    sock_connect(s[1], NET_IP4(10, 0, 0, 2), 80);
    CHECK(fakelink_run(&L, connected, s, 100));
    static char data[20000];
    sock_send(s[1], data, sizeof(data), &n);
    fakelink_advance(&L, 20);
    struct sock *c2, *s2 = NULL;
    sock_open(a, SOCK_TYPE_STREAM, &c2);
    sock_connect(c2, NET_IP4(10, 0, 0, 2), 80);
    fakelink_advance(&L, 10);
    sock_accept(s[0], &s2);
    sock_shutdown(c2, SOCK_SHUT_WR);
    fakelink_advance(&L, 10);
    L.filter = NULL;
    CHECK(ncorpus > 20);
    printf("  corpus: %d frames; %ld iterations\n", ncorpus, iters);

    for (long i = 0; i < iters; i++) {
        struct netbuf *nb = mutate();
        if (netdev_input(&L.end[1].dev, nb) != NET_OK)
            netbuf_free(nb);
        if (i % 64 == 0)
            fakelink_step(&L);
        if (i % 4096 == 0)
            fakelink_advance(&L, 1500); /* let retransmission and expiry timers run */
        char buf[4096];
        if (s2)
            sock_recv(s2, buf, sizeof(buf), &n);
        if (s[2])
            sock_recv(s[2], buf, sizeof(buf), &n);
        sock_recv(ub, buf, sizeof(buf), &n);
    }
    const struct net_stats *st = net_stats(b);
    printf("  drops: eth %llu/%llu/%llu ip %llu/%llu/%llu/%llu/%llu tcp %llu/%llu/%llu/%llu udp %llu/%llu\n",
           (unsigned long long)st->eth_drop_short, (unsigned long long)st->eth_drop_addr,
           (unsigned long long)st->eth_drop_type, (unsigned long long)st->ip_drop_short,
           (unsigned long long)st->ip_drop_len, (unsigned long long)st->ip_drop_chksum,
           (unsigned long long)st->ip_drop_version, (unsigned long long)st->ip_drop_addr,
           (unsigned long long)st->tcp_drop_short, (unsigned long long)st->tcp_drop_chksum,
           (unsigned long long)st->tcp_drop_opts, (unsigned long long)st->tcp_drop_outwin,
           (unsigned long long)st->udp_drop_short, (unsigned long long)st->udp_drop_chksum);
    CHECK(st->ip_rx > 0 && st->tcp_rx > 0);
    sock_close(u);
    sock_close(ub);
    sock_close(c2);
    if (s2)
        sock_close(s2);
    for (int i = 0; i < 3; i++)
        if (s[i])
            sock_close(s[i]);
    fakelink_advance(&L, 300000);
    for (int i = 0; i < ncorpus; i++)
        netbuf_free(corpus[i]);
    fakelink_destroy(&L);
    CHECK_EQ(netbuf_live(), 0);
    CHECK_EQ(net_host_live_blocks(), blocks);
}


/* The DNS response parser on mutated valid responses and random bytes: every read stays in bounds
 * (ASan checks), every pointer chain ends. */
static void test_dns_parser(void)
{
    long iters = 20000;
    const char *env = getenv("NET_FUZZ_ITERS");
    if (env)
        iters = atol(env);
    uint8_t base[512];
    int qlen = dns_build_query(base, sizeof(base), 0x1234, "a.walos.test");
    CHECK(qlen > 0);
    base[2] |= 0x80;
    base[7] = 3;
    size_t len = (size_t)qlen;
    static const uint8_t rrs[] = { 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 4, 1, 'b', 0xc0, 14,
                                   0xc0, 28, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 0, 1,
                                   0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 0, 2 };
    memcpy(base + len, rrs, sizeof(rrs));
    len += sizeof(rrs);
    uint32_t addrs[4];
    int count, okays = 0;
    CHECK_EQ(dns_parse_response(base, len, 0x1234, "a.walos.test", addrs, 4, &count), NET_OK);
    for (long i = 0; i < iters; i++) {
        uint8_t m[600];
        size_t n;
        if (rnd() % 8 == 0) {
            n = rnd() % sizeof(m);
            for (size_t j = 0; j < n; j++)
                m[j] = (uint8_t)rnd();
        } else {
            n = len;
            memcpy(m, base, len);
            int edits = 1 + (int)(rnd() % 4);
            for (int e = 0; e < edits && n > 0; e++) {
                size_t at = rnd() % n;
                switch (rnd() % 4) {
                case 0: m[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
                case 1: m[at] = (uint8_t)rnd(); break;
                case 2: m[at] = (uint8_t)(0xc0 | (rnd() % 2)); break; /* a pointer */
                case 3: n = at; break;
                }
            }
        }
        uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan sees any overread */
        memcpy(copy, m, n);
        okays += dns_parse_response(copy, n, 0x1234, "a.walos.test", addrs, 4, &count) == NET_OK;
        size_t pos = rnd() % (n + 1);
        char name[256];
        dns_name_decode(copy, n, &pos, name, sizeof(name));
        free(copy);
    }
    printf("  dns parser: %ld inputs, %d parsed\n", iters, okays);
}

static const struct test_case tests[] = {
    { "fuzz_random_frames", test_random_frames },
    { "fuzz_dns_parser", test_dns_parser },
    { NULL, NULL },
};

int main(int argc, char **argv)
{
    return test_main(tests, argc, argv);
}
