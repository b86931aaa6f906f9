/* tests/unit/net/test_net.c — host tests of the TCP/IP stack (kernel/net/).
 *
 * Two stacks talk over a fake link (fakelink.h) that can drop, duplicate, delay, reorder and corrupt
 * frames; time is simulated, so every run is deterministic. Hostile frames are injected straight into
 * a stack's interface. Each test ends with a teardown check: no netbuf and no kmalloc block leaked.
 * Internal headers are included on purpose, to look at counters and control blocks. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "fakelink.h"
#include "net_host.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/tcp_priv.h"
#include "kernel/net/arp.h"
#include "kernel/net/icmp.h"
#include "kernel/net/sock.h"
#include "kernel/net/udp.h"
#include "kernel/net/dns.h"
#include "kernel/net/dhcp.h"
#include "kernel/net/proto/dns.h"
#include "kernel/net/proto/dhcp.h"
#include "kernel/net/proto/eth.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/tcp.h"
#include "kernel/net/proto/udp.h"
#include "kernel/net/proto/icmp.h"
#include "kernel/net/proto/arp.h"

static struct fakelink L;
#define A (L.stack[0])
#define B (L.stack[1])
#define IP_A NET_IP4(10, 0, 0, 1)
#define IP_B NET_IP4(10, 0, 0, 2)

static long blocks_before;

static void setup(uint32_t seed)
{
    blocks_before = net_host_live_blocks();
    if (!fakelink_init(&L, seed)) {
        printf("fakelink_init failed\n");
        exit(2);
    }
}

/* Teardown: everything freed, nothing leaked (lwIP's pool checks, for netbufs and all blocks). */
static void teardown(void)
{
    CHECK_EQ(L.bad_frames, 0);
    fakelink_destroy(&L);
    CHECK_EQ(netbuf_live(), 0);
    CHECK_EQ(net_host_live_blocks(), blocks_before);
}

/* ---- helpers ---- */
struct tcp_pair {
    struct sock *listener, *client, *server;
};

static bool pair_connected(void *arg)
{
    struct tcp_pair *p = arg;
    if (!p->server)
        sock_accept(p->listener, &p->server);
    return p->server && (sock_poll(p->client) & SOCK_POLL_OUT);
}

/* Connects a client on A to a listener on B:port. Returns false when it did not complete. */
static bool tcp_pair_open(struct tcp_pair *p, uint16_t port, uint64_t max_ms)
{
    memset(p, 0, sizeof(*p));
    CHECK_EQ(sock_open(B, SOCK_TYPE_STREAM, &p->listener), SOCK_OK);
    CHECK_EQ(sock_bind(p->listener, 0, port), SOCK_OK);
    CHECK_EQ(sock_listen(p->listener, 16), SOCK_OK);
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &p->client), SOCK_OK);
    CHECK_EQ(sock_connect(p->client, IP_B, port), SOCK_EINPROGRESS);
    return fakelink_run(&L, pair_connected, p, max_ms);
}

static void tcp_pair_close(struct tcp_pair *p)
{
    if (p->client)
        sock_close(p->client);
    if (p->server)
        sock_close(p->server);
    if (p->listener)
        sock_close(p->listener);
}

static uint8_t pattern(size_t i)
{
    return (uint8_t)((i * 2654435761u) >> 13);
}

struct bulk {
    struct sock *tx, *rx;
    size_t total, sent, got;
    bool bad;
    bool tx_closed;
    bool eof;
    uint8_t buf[65536];
};

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

/* Sends `total` bytes client->server and checks every byte; returns the virtual ms it took. */
static uint64_t bulk_transfer(struct tcp_pair *p, size_t total, uint64_t max_ms)
{
    static struct bulk b;
    memset(&b, 0, sizeof(b));
    b.tx = p->client;
    b.rx = p->server;
    b.total = total;
    uint64_t start = L.now;
    bool done = fakelink_run(&L, bulk_step, &b, max_ms);
    CHECK(done);
    CHECK(!b.bad);
    CHECK_EQ(b.got, total);
    return L.now - start;
}

/* ---- frame crafting for hostile input ---- */
static struct netbuf *frame_new(size_t len)
{
    struct netbuf *nb = netbuf_alloc(0, len);
    memset(nb->data, 0, len);
    struct eth_hdr *eh = (struct eth_hdr *)nb->data;
    memcpy(eh->dst, L.end[1].dev.mac, 6);
    memcpy(eh->src, L.end[0].dev.mac, 6);
    eh->type = net_htons(ETH_TYPE_IPV4);
    return nb;
}

static void ip_fill(uint8_t *p, size_t total, uint8_t proto, uint32_t src, uint32_t dst)
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
static struct netbuf *tcp_frame(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
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

static void inject(struct netbuf *nb)
{
    if (netdev_input(&L.end[1].dev, nb) != NET_OK)
        netbuf_free(nb);
}

/* ================================================================================================ */

static void test_netbuf(void)
{
    long before = netbuf_live();
    struct netbuf *nb = netbuf_alloc(20, 100);
    CHECK(nb != NULL);
    CHECK_EQ(netbuf_live(), before + 1);
    CHECK_EQ(nb->len, 100);
    CHECK(netbuf_push(nb, 20) != NULL);
    CHECK(netbuf_push(nb, 1) == NULL); /* no headroom left */
    CHECK_EQ(nb->len, 120);
    CHECK(netbuf_pull(nb, 120) != NULL);
    CHECK(netbuf_pull(nb, 1) == NULL);
    netbuf_ref(nb);
    netbuf_free(nb);
    CHECK_EQ(netbuf_live(), before + 1); /* one reference left */
    netbuf_free(nb);
    CHECK_EQ(netbuf_live(), before);
    CHECK(netbuf_alloc(NETBUF_MAX_SIZE, 1) == NULL);
    netbuf_fail_after(1);
    struct netbuf *a = netbuf_alloc(0, 10), *b = netbuf_alloc(0, 10);
    netbuf_fail_after(-1);
    CHECK(a != NULL);
    CHECK(b == NULL);
    netbuf_free(a);
    CHECK_EQ(netbuf_live(), before);
}

static void test_checksum(void)
{
    /* RFC 1071 section 3 example: the sum of 0001 f203 f4f5 f6f7 is ddf2, checksum ~ddf2 = 220d */
    uint8_t d[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    CHECK_EQ(net_ntohs(net_chksum_fold(net_chksum_add(0, d, 8))), 0x220d);
    /* odd length: the last byte is padded with zero */
    uint8_t e[3] = { 0x12, 0x34, 0x56 };
    CHECK_EQ(net_ntohs(net_chksum_fold(net_chksum_add(0, e, 3))), (uint16_t)~(0x1234 + 0x5600));
}

static bool arp_resolved(void *arg)
{
    uint8_t mac[6];
    (void)arg;
    return arp_lookup(A, IP_B, mac);
}

static void test_arp_resolve_and_timeout(void)
{
    setup(1);
    CHECK(icmp_echo_request(A, IP_B, 7, 1, 32) == NET_OK);
    CHECK(fakelink_run(&L, arp_resolved, NULL, 100));
    uint8_t mac[6];
    CHECK(arp_lookup(A, IP_B, mac) && memcmp(mac, L.end[1].dev.mac, 6) == 0);
    /* B learned A from the request (RFC 826: the target merges the sender) */
    CHECK(arp_lookup(B, IP_A, mac) && memcmp(mac, L.end[0].dev.mac, 6) == 0);
    /* an absent host: requests retried once a second, then the entry and its datagram dropped */
    CHECK(icmp_echo_request(A, NET_IP4(10, 0, 0, 9), 7, 2, 32) == NET_OK);
    uint64_t req_before = A->stats.arp_tx;
    fakelink_advance(&L, 500);
    CHECK_EQ(A->stats.arp_timeouts, 0);
    fakelink_advance(&L, 3000);
    CHECK_EQ(A->stats.arp_timeouts, 1);
    CHECK_EQ(A->stats.arp_tx - req_before, ARP_MAX_REQUESTS - 1);
    CHECK(A->stats.arp_pending_drop >= 1);
    CHECK(!arp_lookup(A, NET_IP4(10, 0, 0, 9), mac));
    /* resolved entries expire too (RFC 1122 2.3.2.1) */
    fakelink_advance(&L, ARP_ENTRY_TTL_MS + 10);
    CHECK(!arp_lookup(A, IP_B, mac));
    teardown();
}

static bool got_reply(void *arg)
{
    struct icmp_echo_reply *r = arg;
    return icmp_echo_reply_take(A, 42, r);
}

static void test_ping(void)
{
    setup(2);
    L.delay_ms = 5;
    struct icmp_echo_reply r;
    for (uint16_t seq = 1; seq <= 3; seq++) {
        CHECK(icmp_echo_request(A, IP_B, 42, seq, 56) == NET_OK);
        memset(&r, 0, sizeof(r));
        CHECK(fakelink_run(&L, got_reply, &r, 1000));
        CHECK_EQ(r.seq, seq);
        CHECK_EQ(r.from, IP_B);
        CHECK_EQ(r.len, 56);
        if (seq > 1) /* the first one waited for ARP */
            CHECK(r.rtt_ms >= 10 && r.rtt_ms <= 12);
        else
            CHECK(r.rtt_ms >= 20 && r.rtt_ms <= 24);
    }
    CHECK_EQ(B->stats.icmp_rx, 3);
    /* ping over loopback */
    CHECK(icmp_echo_request(A, NET_IP4(127, 0, 0, 1), 42, 9, 8) == NET_OK);
    CHECK(fakelink_run(&L, got_reply, &r, 10));
    CHECK_EQ(r.seq, 9);
    teardown();
}

static bool udp_ready(void *arg)
{
    return sock_poll((struct sock *)arg) & SOCK_POLL_IN;
}

static void test_udp_roundtrip(void)
{
    setup(3);
    struct sock *sa, *sb;
    CHECK_EQ(sock_open(A, SOCK_TYPE_DGRAM, &sa), SOCK_OK);
    CHECK_EQ(sock_open(B, SOCK_TYPE_DGRAM, &sb), SOCK_OK);
    CHECK_EQ(sock_bind(sb, 0, 5353), SOCK_OK);
    struct sock *dup;
    CHECK_EQ(sock_open(B, SOCK_TYPE_DGRAM, &dup), SOCK_OK);
    CHECK_EQ(sock_bind(dup, 0, 5353), SOCK_EADDRINUSE);
    sock_close(dup);
    size_t n;
    CHECK_EQ(sock_sendto(sa, "hello", 5, IP_B, 5353, &n), SOCK_OK);
    CHECK(fakelink_run(&L, udp_ready, sb, 100));
    char buf[8192];
    uint32_t from;
    uint16_t port;
    CHECK_EQ(sock_recvfrom(sb, buf, sizeof(buf), &n, &from, &port), SOCK_OK);
    CHECK_EQ(n, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_EQ(from, IP_A);
    CHECK_EQ(sock_sendto(sb, "world!", 6, from, port, &n), SOCK_OK);
    CHECK(fakelink_run(&L, udp_ready, sa, 100));
    CHECK_EQ(sock_recv(sa, buf, sizeof(buf), &n), SOCK_OK);
    CHECK_EQ(n, 6);
    CHECK_EQ(sock_recv(sa, buf, sizeof(buf), &n), SOCK_EAGAIN);
    /* a 6000-byte datagram is fragmented (MTU 1500) and reassembled */
    for (int i = 0; i < 6000; i++)
        buf[i] = (char)(i * 7);
    CHECK_EQ(sock_sendto(sa, buf, 6000, IP_B, 5353, &n), SOCK_OK);
    CHECK(fakelink_run(&L, udp_ready, sb, 100));
    char got[8192];
    CHECK_EQ(sock_recv(sb, got, sizeof(got), &n), SOCK_OK);
    CHECK_EQ(n, 6000);
    CHECK(memcmp(got, buf, 6000) == 0);
    CHECK_EQ(A->stats.ip_frag_tx, 5);
    CHECK_EQ(B->stats.ip_reasm_ok, 1);
    /* to a closed port: ICMP port unreachable comes back */
    uint64_t icmp_before = A->stats.icmp_rx;
    CHECK_EQ(sock_sendto(sa, "x", 1, IP_B, 9999, &n), SOCK_OK);
    fakelink_advance(&L, 10);
    CHECK_EQ(B->stats.udp_noport, 1);
    CHECK_EQ(A->stats.icmp_rx, icmp_before + 1);
    sock_close(sa);
    sock_close(sb);
    teardown();
}

static void test_tcp_handshake_and_echo(void)
{
    setup(4);
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    CHECK_EQ(tcp_get_state(sock_tcp(p.client)), TCP_ESTABLISHED);
    CHECK_EQ(tcp_get_state(sock_tcp(p.server)), TCP_ESTABLISHED);
    uint32_t ip;
    uint16_t port;
    CHECK_EQ(sock_peer_addr(p.server, &ip, &port), SOCK_OK);
    CHECK_EQ(ip, IP_A);
    struct tcp_conn conns[4];
    CHECK_EQ(tcp_list(B, conns, 4), 2); /* the listener and the connection */
    int est = conns[0].state == TCP_ESTABLISHED ? 0 : 1;
    CHECK_EQ(conns[est].state, TCP_ESTABLISHED);
    CHECK_EQ(conns[est].local_port, 80);
    CHECK_EQ(conns[est].remote_ip, IP_A);
    CHECK_EQ(conns[1 - est].state, TCP_LISTEN);
    CHECK_EQ(sock_connect(p.client, IP_B, 80), SOCK_EISCONN);
    size_t n;
    CHECK_EQ(sock_send(p.client, "GET / HTTP/1.1\r\n\r\n", 18, &n), SOCK_OK);
    CHECK_EQ(n, 18);
    fakelink_advance(&L, 5);
    char buf[64];
    CHECK_EQ(sock_recv(p.server, buf, sizeof(buf), &n), SOCK_OK);
    CHECK_EQ(n, 18);
    CHECK(memcmp(buf, "GET /", 5) == 0);
    CHECK_EQ(sock_recv(p.server, buf, sizeof(buf), &n), SOCK_EAGAIN);
    /* MSS from the MTU (RFC 6691), window scaling agreed (RFC 7323) */
    struct tcp_info ti;
    tcp_get_info(sock_tcp(p.client), &ti);
    CHECK_EQ(ti.mss, 1460);
    CHECK(ti.snd_wscale > 0 && ti.rcv_wscale > 0);
    CHECK(ti.srtt_ms >= 1 && ti.srtt_ms <= 4);
    /* delayed ACK: a single small segment is acknowledged after TCP_DELACK_MS, not at once */
    uint64_t da = B->stats.tcp_delayed_acks;
    CHECK_EQ(sock_send(p.client, "x", 1, &n), SOCK_OK);
    fakelink_advance(&L, TCP_DELACK_MS + 5);
    CHECK_EQ(B->stats.tcp_delayed_acks, da + 1);
    tcp_get_info(sock_tcp(p.client), &ti);
    CHECK(ti.snd_wnd > 65535); /* the first window after the SYN is scaled */
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_tcp_bulk_clean(void)
{
    setup(5);
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 8080, 100));
    uint64_t ms = bulk_transfer(&p, 4u << 20, 60000);
    struct tcp_info ti;
    tcp_get_info(sock_tcp(p.client), &ti);
    printf("  clean: 4 MiB in %llu virtual ms, max cwnd %llu, retransmits %llu\n", (unsigned long long)ms,
           (unsigned long long)ti.max_cwnd, (unsigned long long)ti.retransmits);
    CHECK_EQ(ti.retransmits, 0);
    CHECK(ti.max_cwnd > 65535);          /* slow start opened cwnd past the unscaled limit */
    CHECK(A->stats.tcp_window_probes == 0);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void lossy_bulk(uint32_t seed, uint32_t loss_ppm, size_t total, const char *name)
{
    setup(seed);
    L.loss_ppm = loss_ppm;
    L.jitter_ms = 3; /* reorders frames */
    L.dup_ppm = 10000;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 8080, 60000));
    if (!p.server) {
        tcp_pair_close(&p);
        teardown();
        return;
    }
    uint64_t ms = bulk_transfer(&p, total, 3600u * 1000);
    struct tcp_info ti;
    tcp_get_info(sock_tcp(p.client), &ti);
    printf("  %s: %zu bytes in %llu virtual ms; retransmits %llu, fast %llu, timeouts %llu, dupacks %llu, "
           "partial acks %llu, ooo %llu; cwnd %u ssthresh %u\n",
           name, total, (unsigned long long)ms, (unsigned long long)ti.retransmits,
           (unsigned long long)ti.fast_retransmits, (unsigned long long)ti.timeouts,
           (unsigned long long)A->stats.tcp_dupacks, (unsigned long long)A->stats.tcp_partial_acks,
           (unsigned long long)B->stats.tcp_ooo_segments, ti.cwnd, ti.ssthresh);
    CHECK(ti.retransmits > 0);
    CHECK(ti.fast_retransmits > 0);
    CHECK(A->stats.tcp_dupacks > 0);
    CHECK(B->stats.tcp_ooo_segments > 0);
    CHECK(ti.ssthresh < 0x7fffffff); /* congestion was signalled */
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_tcp_bulk_loss5(void) { lossy_bulk(6, 50000, 3u << 20, "5% loss"); }
static void test_tcp_bulk_loss20(void) { lossy_bulk(7, 200000, 2u << 20, "20% loss"); }

static void test_tcp_loopback(void)
{
    setup(8);
    struct sock *l, *c, *s = NULL;
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &l), SOCK_OK);
    CHECK_EQ(sock_bind(l, 0, 7), SOCK_OK);
    CHECK_EQ(sock_listen(l, 4), SOCK_OK);
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &c), SOCK_OK);
    CHECK_EQ(sock_connect(c, NET_IP4(127, 0, 0, 1), 7), SOCK_EINPROGRESS);
    for (int i = 0; i < 10 && !s; i++) {
        fakelink_step(&L);
        sock_accept(l, &s);
    }
    CHECK(s != NULL);
    if (s) {
        fakelink_advance(&L, 2);
        struct tcp_pair p = { .listener = NULL, .client = c, .server = s };
        bulk_transfer(&p, 1u << 20, 10000);
        sock_close(s);
    }
    sock_close(c);
    sock_close(l);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_tcp_close_orders(void)
{
    setup(9);
    struct tcp_pair p;
    /* active close by the client: client FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT, server CLOSE_WAIT ->
     * LAST_ACK -> CLOSED */
    CHECK(tcp_pair_open(&p, 80, 100));
    struct tcp_pcb *cp = sock_tcp(p.client), *sp = sock_tcp(p.server);
    CHECK_EQ(sock_shutdown(p.client, SOCK_SHUT_WR), SOCK_OK);
    CHECK_EQ(tcp_get_state(cp), TCP_FIN_WAIT_1);
    fakelink_advance(&L, 5);
    CHECK_EQ(tcp_get_state(cp), TCP_FIN_WAIT_2);
    CHECK_EQ(tcp_get_state(sp), TCP_CLOSE_WAIT);
    size_t n;
    char buf[4];
    CHECK_EQ(sock_recv(p.server, buf, 4, &n), SOCK_OK);
    CHECK_EQ(n, 0); /* end of stream */
    CHECK(sock_poll(p.server) & SOCK_POLL_HUP);
    /* the half-closed direction still carries data */
    CHECK_EQ(sock_send(p.server, "bye", 3, &n), SOCK_OK);
    CHECK_EQ(sock_send(p.client, "no", 2, &n), SOCK_EPIPE);
    fakelink_advance(&L, 5);
    CHECK_EQ(sock_recv(p.client, buf, 4, &n), SOCK_OK);
    CHECK_EQ(n, 3);
    CHECK_EQ(sock_shutdown(p.server, SOCK_SHUT_WR), SOCK_OK);
    CHECK_EQ(tcp_get_state(sp), TCP_LAST_ACK);
    fakelink_advance(&L, 5);
    CHECK_EQ(tcp_get_state(sp), TCP_CLOSED);
    CHECK_EQ(tcp_get_state(cp), TCP_TIME_WAIT);
    sock_close(p.server);
    sock_close(p.client);
    /* a retransmitted FIN in TIME_WAIT is acknowledged and restarts the 2 MSL wait */
    fakelink_advance(&L, 60000);
    {
        uint32_t lip, rip;
        uint16_t lport, rport;
        tcp_local(cp, &lip, &lport);
        tcp_remote(cp, &rip, &rport);
        uint64_t tx = A->stats.tcp_tx;
        struct netbuf *f = tcp_frame(IP_B, rport, lport, cp->rcv_nxt - 1, cp->snd_nxt, TCP_FIN | TCP_ACK, NULL, 0, 0);
        struct ip4_hdr *fih = (struct ip4_hdr *)(f->data + ETH_HLEN);
        fih->dst = net_htonl(IP_A);
        fih->chksum = 0;
        fih->chksum = net_chksum_fold(net_chksum_add(0, fih, IP4_HLEN));
        struct tcp_hdr *fth = (struct tcp_hdr *)(f->data + ETH_HLEN + IP4_HLEN);
        fth->chksum = 0;
        fth->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(IP_B, IP_A, IP4_PROTO_TCP, TCP_HLEN), fth, TCP_HLEN));
        memcpy(f->data, L.end[0].dev.mac, 6);
        if (netdev_input(&L.end[0].dev, f) != NET_OK)
            netbuf_free(f);
        CHECK_EQ(A->stats.tcp_tx, tx + 1);
        CHECK_EQ(cp->tw_deadline, L.now + 2 * TCP_MSL_MS);
    }
    int pcbs = A->tcp_npcbs;
    CHECK_EQ(pcbs, 1); /* the TIME_WAIT block stays with the stack */
    fakelink_advance(&L, 2 * TCP_MSL_MS - 100);
    CHECK_EQ(A->tcp_npcbs, 1);
    fakelink_advance(&L, 200);
    CHECK_EQ(A->tcp_npcbs, 0); /* freed after 2 MSL */

    /* passive side closes first: the server ends in TIME_WAIT */
    sock_close(p.listener);
    CHECK(tcp_pair_open(&p, 81, 100));
    cp = sock_tcp(p.client);
    sp = sock_tcp(p.server);
    sock_close(p.server);
    fakelink_advance(&L, 5);
    CHECK_EQ(tcp_get_state(cp), TCP_CLOSE_WAIT);
    sock_close(p.client);
    fakelink_advance(&L, 5);
    CHECK_EQ(A->tcp_npcbs, 0);
    CHECK_EQ(B->tcp_npcbs, 2); /* listener + TIME_WAIT */
    fakelink_advance(&L, 2 * TCP_MSL_MS + 10);
    CHECK_EQ(B->tcp_npcbs, 1);

    /* simultaneous close: both FIN_WAIT_1 -> CLOSING -> TIME_WAIT */
    sock_close(p.listener);
    CHECK(tcp_pair_open(&p, 82, 100));
    cp = sock_tcp(p.client);
    sp = sock_tcp(p.server);
    sock_shutdown(p.client, SOCK_SHUT_WR);
    sock_shutdown(p.server, SOCK_SHUT_WR);
    fakelink_step(&L);
    CHECK_EQ(tcp_get_state(cp), TCP_CLOSING);
    CHECK_EQ(tcp_get_state(sp), TCP_CLOSING);
    fakelink_advance(&L, 5);
    CHECK_EQ(tcp_get_state(cp), TCP_TIME_WAIT);
    CHECK_EQ(tcp_get_state(sp), TCP_TIME_WAIT);
    tcp_pair_close(&p);
    fakelink_advance(&L, 2 * TCP_MSL_MS + 10);
    CHECK_EQ(A->tcp_npcbs, 0);
    CHECK_EQ(B->tcp_npcbs, 0);
    teardown();
}

static void test_tcp_simultaneous_open(void)
{
    setup(10);
    struct sock *a, *b;
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &a), SOCK_OK);
    CHECK_EQ(sock_open(B, SOCK_TYPE_STREAM, &b), SOCK_OK);
    CHECK_EQ(sock_bind(a, 0, 1111), SOCK_OK);
    CHECK_EQ(sock_bind(b, 0, 2222), SOCK_OK);
    /* resolve ARP first so that both SYNs cross on the wire */
    icmp_echo_request(A, IP_B, 1, 1, 0);
    fakelink_advance(&L, 10);
    CHECK_EQ(sock_connect(a, IP_B, 2222), SOCK_EINPROGRESS);
    CHECK_EQ(sock_connect(b, IP_A, 1111), SOCK_EINPROGRESS);
    fakelink_advance(&L, 10);
    CHECK_EQ(tcp_get_state(sock_tcp(a)), TCP_ESTABLISHED);
    CHECK_EQ(tcp_get_state(sock_tcp(b)), TCP_ESTABLISHED);
    size_t n;
    CHECK_EQ(sock_send(a, "ping", 4, &n), SOCK_OK);
    fakelink_advance(&L, 5);
    char buf[8];
    CHECK_EQ(sock_recv(b, buf, 8, &n), SOCK_OK);
    CHECK_EQ(n, 4);
    sock_close(a);
    sock_close(b);
    fakelink_advance(&L, 2 * TCP_MSL_MS + 10);
    teardown();
}

static bool connect_done(void *arg)
{
    return sock_poll((struct sock *)arg) & SOCK_POLL_OUT;
}

static void test_tcp_rst_closed_port(void)
{
    setup(11);
    struct sock *c;
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &c), SOCK_OK);
    CHECK_EQ(sock_connect(c, IP_B, 4444), SOCK_EINPROGRESS);
    CHECK_EQ(sock_connect(c, IP_B, 4444), SOCK_EALREADY);
    CHECK(fakelink_run(&L, connect_done, c, 100));
    CHECK_EQ(B->stats.tcp_rst_tx, 1);
    CHECK_EQ(A->stats.tcp_rst_rx, 1);
    CHECK_EQ(sock_error(c), SOCK_ECONNREFUSED);
    size_t n;
    CHECK_EQ(sock_send(c, "x", 1, &n), SOCK_ECONNREFUSED);
    sock_close(c);
    /* a reset in the middle of a connection: ECONNRESET */
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    /* closing with unread data resets the connection (RFC 1122 4.2.2.13) */
    CHECK_EQ(sock_send(p.client, "unread", 6, &n), SOCK_OK);
    fakelink_advance(&L, 5);
    sock_close(p.server);
    p.server = NULL;
    fakelink_advance(&L, 5);
    CHECK_EQ(sock_send(p.client, "x", 1, &n), SOCK_ECONNRESET);
    char buf[4];
    CHECK_EQ(sock_recv(p.client, buf, 4, &n), SOCK_ECONNRESET);
    tcp_pair_close(&p);
    teardown();
}

static void test_tcp_zero_window(void)
{
    setup(12);
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    /* the server reads nothing: the client fills the peer's buffer, then its own */
    static uint8_t blob[64 * 1024];
    size_t total = 0, n;
    for (int round = 0; round < 200; round++) {
        while (sock_send(p.client, blob, sizeof(blob), &n) == SOCK_OK)
            total += n;
        fakelink_advance(&L, 50);
    }
    CHECK_EQ(total, (size_t)TCP_SNDBUF + TCP_RCVBUF);
    struct tcp_info ti;
    tcp_get_info(sock_tcp(p.client), &ti);
    CHECK_EQ(ti.snd_wnd, 0);
    CHECK(A->stats.tcp_window_probes > 0);
    /* half an hour of a closed window: the probes back off to one a minute, the answers keep the
     * connection alive (RFC 1122 4.2.2.17) */
    fakelink_skip(&L, 30u * 60 * 1000, 10);
    CHECK(A->stats.tcp_window_probes >= 30);
    CHECK_EQ(tcp_get_state(sock_tcp(p.client)), TCP_ESTABLISHED);
    /* reading reopens the window; everything arrives */
    static uint8_t sink[64 * 1024];
    size_t got = 0;
    for (int round = 0; round < 2000 && got < total; round++) {
        while (sock_recv(p.server, sink, sizeof(sink), &n) == SOCK_OK && n > 0)
            got += n;
        fakelink_advance(&L, 20);
    }
    CHECK_EQ(got, total);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

/* ---- hostile input ---- */
static void test_hostile_frames(void)
{
    setup(13);
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    struct net_stats *st = &B->stats;
    struct netbuf *nb;

    /* Ethernet: shorter than a header (the driver keeps it) */
    nb = netbuf_alloc(0, 10);
    CHECK_EQ(netdev_input(&L.end[1].dev, nb), NET_ERR_INVAL);
    netbuf_free(nb);
    CHECK_EQ(st->eth_drop_short, 1);
    /* unknown EtherType, foreign MAC */
    nb = frame_new(60);
    ((struct eth_hdr *)nb->data)->type = net_htons(0x86dd);
    inject(nb);
    CHECK_EQ(st->eth_drop_type, 1);
    nb = frame_new(60);
    ((struct eth_hdr *)nb->data)->dst[5] = 0x77;
    inject(nb);
    CHECK_EQ(st->eth_drop_addr, 1);

    /* IPv4: truncated header, wrong version, bad IHL, total length beyond the frame, bad checksum */
    nb = frame_new(ETH_HLEN + 10);
    inject(nb);
    CHECK_EQ(st->ip_drop_short, 1);
    nb = tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, NULL, 0, 0);
    nb->data[ETH_HLEN] = 0x65;
    inject(nb);
    CHECK_EQ(st->ip_drop_version, 1);
    nb = tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, NULL, 0, 0);
    nb->data[ETH_HLEN] = 0x4f; /* 60-byte header in a 40-byte datagram */
    inject(nb);
    nb = tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, NULL, 0, 0);
    ip_fill(nb->data + ETH_HLEN, 9000, IP4_PROTO_TCP, IP_A, IP_B);
    inject(nb);
    CHECK_EQ(st->ip_drop_len, 2);
    nb = tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, NULL, 0, 0);
    nb->data[ETH_HLEN + 8] ^= 0xff; /* TTL changed, checksum not */
    inject(nb);
    CHECK_EQ(st->ip_drop_chksum, 1);
    /* unknown protocol, not for us */
    nb = frame_new(ETH_HLEN + IP4_HLEN + 8);
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + 8, 99, IP_A, IP_B);
    inject(nb);
    CHECK_EQ(st->ip_drop_proto, 1);
    nb = frame_new(ETH_HLEN + IP4_HLEN + 8);
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + 8, IP4_PROTO_UDP, IP_A, NET_IP4(10, 0, 0, 77));
    inject(nb);
    CHECK_EQ(st->ip_drop_addr, 1);

    /* TCP: truncated header, data offset past the segment, bad checksum, malformed options */
    nb = frame_new(ETH_HLEN + IP4_HLEN + 10);
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + 10, IP4_PROTO_TCP, IP_A, IP_B);
    inject(nb);
    nb = tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, NULL, 0, 0);
    nb->data[ETH_HLEN + IP4_HLEN + 12] = 0xf0; /* 60-byte TCP header in 20 bytes */
    inject(nb);
    CHECK_EQ(st->tcp_drop_short, 2);
    nb = tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, NULL, 0, 4);
    nb->data[nb->len - 1] ^= 1;
    inject(nb);
    CHECK_EQ(st->tcp_drop_chksum, 1);
    static const uint8_t bad_opts[][4] = {
        { TCP_OPT_MSS, 0, 0, 0 },          /* length 0 */
        { TCP_OPT_MSS, 9, 5, 0 },          /* length past the header */
        { TCP_OPT_MSS, 3, 5, 0 },          /* MSS with the wrong length */
        { TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_NOP, 30 }, /* kind without room for a length */
    };
    for (int i = 0; i < 4; i++)
        inject(tcp_frame(IP_A, 1, 80, 0, 0, TCP_SYN, bad_opts[i], 4, 0));
    CHECK_EQ(st->tcp_drop_opts, 4);
    CHECK_EQ(B->tcp_npcbs, 2); /* no child was created by any of these */

    /* out-of-window segments on the established connection: dropped, answered by an ACK */
    struct tcp_pcb *sp = sock_tcp(p.server);
    uint16_t cport;
    uint32_t cip;
    tcp_remote(sp, &cip, &cport);
    uint64_t tx_before = st->tcp_tx;
    inject(tcp_frame(IP_A, cport, 80, sp->rcv_nxt + 10000000, sp->snd_nxt, TCP_ACK, NULL, 0, 100));
    inject(tcp_frame(IP_A, cport, 80, sp->rcv_nxt - 5000, sp->snd_nxt, TCP_ACK, NULL, 0, 100));
    CHECK_EQ(st->tcp_drop_outwin, 2);
    CHECK_EQ(st->tcp_tx, tx_before + 1); /* the second answer is rate-limited (no ACK storm) */
    CHECK_EQ(st->tcp_ack_ratelimited, 1);
    fakelink_advance(&L, TCP_INVALID_ACK_MS);
    /* an in-window RST that is not exactly at RCV.NXT: challenge ACK, connection stays (RFC 5961) */
    inject(tcp_frame(IP_A, cport, 80, sp->rcv_nxt + 100, 0, TCP_RST, NULL, 0, 0));
    CHECK_EQ(st->tcp_challenge_ack, 1);
    CHECK_EQ(tcp_get_state(sp), TCP_ESTABLISHED);
    /* a SYN on the established connection: challenge ACK too */
    inject(tcp_frame(IP_A, cport, 80, sp->rcv_nxt, 0, TCP_SYN, NULL, 0, 0));
    CHECK_EQ(st->tcp_challenge_ack, 2);
    CHECK_EQ(tcp_get_state(sp), TCP_ESTABLISHED);
    /* an ACK for data never sent: ACK back, drop */
    inject(tcp_frame(IP_A, cport, 80, sp->rcv_nxt, sp->snd_nxt + 100000, TCP_ACK, NULL, 0, 0));
    CHECK_EQ(tcp_get_state(sp), TCP_ESTABLISHED);
    /* segments to closed ports get RST; a RST to a closed port gets nothing */
    uint64_t rst = st->tcp_rst_tx;
    inject(tcp_frame(IP_A, 1, 81, 5, 0, TCP_SYN, NULL, 0, 0));
    inject(tcp_frame(IP_A, 1, 81, 5, 0, TCP_RST, NULL, 0, 0));
    CHECK_EQ(st->tcp_rst_tx, rst + 1);

    /* UDP: length field larger than the datagram, bad checksum */
    nb = frame_new(ETH_HLEN + IP4_HLEN + UDP_HLEN + 4);
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + UDP_HLEN + 4, IP4_PROTO_UDP, IP_A, IP_B);
    struct udp_hdr *uh = (struct udp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN);
    uh->len = net_htons(400);
    inject(nb);
    CHECK_EQ(st->udp_drop_short, 1);
    nb = frame_new(ETH_HLEN + IP4_HLEN + UDP_HLEN + 4);
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + UDP_HLEN + 4, IP4_PROTO_UDP, IP_A, IP_B);
    uh = (struct udp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN);
    uh->len = net_htons(UDP_HLEN + 4);
    uh->chksum = 0x1234;
    inject(nb);
    CHECK_EQ(st->udp_drop_chksum, 1);
    /* ICMP with a bad checksum; ARP with wrong sizes */
    nb = frame_new(ETH_HLEN + IP4_HLEN + ICMP_HLEN);
    ip_fill(nb->data + ETH_HLEN, IP4_HLEN + ICMP_HLEN, IP4_PROTO_ICMP, IP_A, IP_B);
    nb->data[ETH_HLEN + IP4_HLEN] = ICMP_ECHO_REQUEST;
    inject(nb);
    CHECK_EQ(st->icmp_drop, 1);
    nb = frame_new(ETH_HLEN + 20);
    ((struct eth_hdr *)nb->data)->type = net_htons(ETH_TYPE_ARP);
    inject(nb);
    CHECK_EQ(st->arp_drop, 1);

    /* overlapping fragments: the datagram is dropped */
    for (int i = 0; i < 2; i++) {
        nb = frame_new(ETH_HLEN + IP4_HLEN + 64);
        ip_fill(nb->data + ETH_HLEN, IP4_HLEN + 64, IP4_PROTO_UDP, IP_A, IP_B);
        struct ip4_hdr *ih = (struct ip4_hdr *)(nb->data + ETH_HLEN);
        ih->id = net_htons(77);
        ih->frag = net_htons((uint16_t)(IP4_FLAG_MF | (i ? 4 : 0))); /* 0..63 and 32..95 */
        ih->chksum = 0;
        ih->chksum = net_chksum_fold(net_chksum_add(0, ih, IP4_HLEN));
        inject(nb);
    }
    CHECK_EQ(st->ip_reasm_drop, 1);
    /* a fragment flood: memory stays bounded, slots expire */
    for (int i = 0; i < 500; i++) {
        nb = frame_new(ETH_HLEN + IP4_HLEN + 1024);
        ip_fill(nb->data + ETH_HLEN, IP4_HLEN + 1024, IP4_PROTO_UDP, IP_A, IP_B);
        struct ip4_hdr *ih = (struct ip4_hdr *)(nb->data + ETH_HLEN);
        ih->id = net_htons((uint16_t)(1000 + i % 7));
        ih->frag = net_htons((uint16_t)(IP4_FLAG_MF | (i * 128)));
        ih->chksum = 0;
        ih->chksum = net_chksum_fold(net_chksum_add(0, ih, IP4_HLEN));
        inject(nb);
        CHECK(B->reasm_bytes <= IP4_REASM_MAX_BYTES);
    }
    CHECK(netbuf_live() < 200);
    fakelink_advance(&L, 31000);
    CHECK_EQ(B->reasm_bytes, 0);

    /* after all that, the connection still works */
    size_t n;
    char buf[8];
    CHECK_EQ(sock_send(p.client, "alive", 5, &n), SOCK_OK);
    fakelink_advance(&L, 5);
    CHECK_EQ(sock_recv(p.server, buf, 8, &n), SOCK_OK);
    CHECK_EQ(n, 5);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_syn_flood(void)
{
    setup(14);
    struct sock *l;
    CHECK_EQ(sock_open(B, SOCK_TYPE_STREAM, &l), SOCK_OK);
    CHECK_EQ(sock_bind(l, 0, 80), SOCK_OK);
    CHECK_EQ(sock_listen(l, 8), SOCK_OK);
    long blocks = net_host_live_blocks();
    for (uint32_t i = 0; i < 20000; i++) {
        uint32_t src = NET_IP4(10, 0, 0, 100 + i % 100);
        inject(tcp_frame(src, (uint16_t)(1024 + i), 80, i * 7919u, 0, TCP_SYN, NULL, 0, 0));
        if (i % 100 == 0)
            fakelink_step(&L);
    }
    CHECK(B->tcp_npcbs <= 1 + 8);
    CHECK(B->stats.tcp_drop_syn_backlog >= 20000 - 8 * 200);
    CHECK(net_host_live_blocks() - blocks < 200); /* a few ARP/queued frames, no buffers per SYN */
    /* the half-open children give up after their SYN,ACK retries */
    fakelink_advance(&L, 20000);
    CHECK_EQ(B->tcp_npcbs, 1);
    /* a real client still gets in */
    struct sock *c, *s = NULL;
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &c), SOCK_OK);
    CHECK_EQ(sock_connect(c, IP_B, 80), SOCK_EINPROGRESS);
    for (int i = 0; i < 100 && !s; i++) {
        fakelink_step(&L);
        sock_accept(l, &s);
    }
    CHECK(s != NULL);
    if (s)
        sock_close(s);
    sock_close(c);
    sock_close(l);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_corrupting_link(void)
{
    /* bit flips on the wire are caught by the checksums; the transfer stays exact */
    setup(15);
    L.corrupt_ppm = 20000;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 10000));
    if (p.server) {
        bulk_transfer(&p, 1u << 20, 600000);
        uint64_t dropped = B->stats.ip_drop_chksum + B->stats.tcp_drop_chksum + A->stats.ip_drop_chksum +
                           A->stats.tcp_drop_chksum;
        CHECK(dropped > 0);
    }
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_out_of_memory(void)
{
    /* allocation failures anywhere must not crash or leak */
    for (long k = 0; k < 60; k += 3) {
        setup(16);
        struct tcp_pair p;
        net_host_fail_after(k);
        memset(&p, 0, sizeof(p));
        if (sock_open(B, SOCK_TYPE_STREAM, &p.listener) == SOCK_OK) {
            sock_bind(p.listener, 0, 80);
            sock_listen(p.listener, 4);
        }
        if (sock_open(A, SOCK_TYPE_STREAM, &p.client) == SOCK_OK)
            sock_connect(p.client, IP_B, 80);
        fakelink_advance(&L, 50);
        net_host_fail_after(-1);
        fakelink_advance(&L, 5000);
        if (p.listener)
            sock_accept(p.listener, &p.server);
        tcp_pair_close(&p);
        fakelink_advance(&L, 2 * TCP_MSL_MS + 100);
        teardown();
    }
}


/* ---- DNS ---- */
static void test_dns_messages(void)
{
    uint8_t q[512];
    int n = dns_build_query(q, sizeof(q), 0xbeef, "www.Example.com.");
    static const uint8_t want[] = { 0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                    3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
                                    0, 1, 0, 1 };
    CHECK_EQ(n, (int)sizeof(want));
    CHECK(memcmp(q, want, sizeof(want)) == 0);
    char label64[80];
    memset(label64, 'a', 64);
    label64[64] = 0;
    CHECK_EQ(dns_build_query(q, sizeof(q), 1, label64), NET_ERR_INVAL);
    CHECK_EQ(dns_build_query(q, sizeof(q), 1, "a..b"), NET_ERR_INVAL);
    CHECK_EQ(dns_build_query(q, sizeof(q), 1, ""), NET_ERR_INVAL);
    CHECK_EQ(dns_build_query(q, 10, 1, "a.b"), NET_ERR_NOMEM);

    /* a response: the question, then "www.example.com CNAME web.example.com" and "web.example.com
     * A 93.184.216.34", both using compression pointers (RFC 1035 4.1.4) */
    uint8_t r[512];
    memcpy(r, want, sizeof(want));
    r[2] = 0x81;
    r[3] = 0x80;
    r[7] = 2; /* ANCOUNT */
    size_t pos = sizeof(want);
    static const uint8_t cname[] = { 0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, 0, 6, 3, 'w', 'e', 'b', 0xc0, 16 };
    memcpy(r + pos, cname, sizeof(cname));
    size_t web = pos + 12; /* "web" + pointer to "example.com" */
    pos += sizeof(cname);
    uint8_t a_rr[] = { 0xc0, (uint8_t)web, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 93, 184, 216, 34 };
    memcpy(r + pos, a_rr, sizeof(a_rr));
    pos += sizeof(a_rr);
    uint32_t addrs[4];
    int count;
    CHECK_EQ(dns_parse_response(r, pos, 0xbeef, "www.example.com", addrs, 4, &count), NET_OK);
    CHECK_EQ(count, 1);
    CHECK_EQ(addrs[0], NET_IP4(93, 184, 216, 34));
    size_t p2 = web;
    char name[256];
    CHECK_EQ(dns_name_decode(r, pos, &p2, name, sizeof(name)), NET_OK);
    CHECK(strcmp(name, "web.Example.com") == 0);
    /* wrong id, wrong question, truncation at every length */
    CHECK_EQ(dns_parse_response(r, pos, 0xbeee, "www.example.com", addrs, 4, &count), NET_ERR_INVAL);
    CHECK_EQ(dns_parse_response(r, pos, 0xbeef, "evil.example.com", addrs, 4, &count), NET_ERR_INVAL);
    int bad = 0;
    for (size_t cut = 0; cut < pos; cut++)
        bad += dns_parse_response(r, cut, 0xbeef, "www.example.com", addrs, 4, &count) == NET_OK;
    CHECK_EQ(bad, 0);
    /* a pointer to itself, and a forward pointer, are refused */
    uint8_t loop[] = { 0, 0, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
    CHECK_EQ(dns_parse_response(loop, sizeof(loop), 0, "x", addrs, 4, &count), NET_ERR_INVAL);
    loop[13] = 16;
    CHECK_EQ(dns_parse_response(loop, sizeof(loop), 0, "x", addrs, 4, &count), NET_ERR_INVAL);
    /* NXDOMAIN */
    r[3] = 0x83;
    r[7] = 0;
    CHECK_EQ(dns_parse_response(r, sizeof(want), 0xbeef, "www.example.com", addrs, 4, &count), NET_ERR_NOTFOUND);
}

struct dns_server {
    struct sock *s;
    int answered;
    bool silent;
};

static bool dns_serve(void *arg)
{
    struct dns_server *d = arg;
    uint8_t buf[512];
    size_t n;
    uint32_t ip;
    uint16_t port;
    while (sock_recvfrom(d->s, buf, sizeof(buf), &n, &ip, &port) == SOCK_OK) {
        if (d->silent || n < 12)
            continue;
        buf[2] |= 0x80; /* QR */
        buf[7] = 1;     /* ANCOUNT */
        static const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 2 };
        memcpy(buf + n, rr, sizeof(rr));
        sock_sendto(d->s, buf, n + sizeof(rr), ip, port, &n);
        d->answered++;
    }
    return false;
}

static void test_dns_resolver(void)
{
    setup(17);
    struct dns_server d = { 0 };
    CHECK_EQ(sock_open(B, SOCK_TYPE_DGRAM, &d.s), SOCK_OK);
    CHECK_EQ(sock_bind(d.s, 0, 53), SOCK_OK);
    int h = dns_resolve_start(A, "walos.test", IP_B);
    CHECK(h >= 0);
    uint32_t addr = 0;
    CHECK_EQ(dns_resolve_poll(A, h, &addr), NET_ERR_WOULDBLOCK);
    fakelink_run(&L, dns_serve, &d, 20);
    CHECK_EQ(dns_resolve_poll(A, h, &addr), NET_OK);
    CHECK_EQ(addr, IP_B);
    CHECK_EQ(dns_resolve_poll(A, h, &addr), NET_ERR_INVAL); /* released */
    /* a server that never answers: retried, then a timeout */
    d.silent = true;
    d.answered = 0;
    h = dns_resolve_start(A, "walos.test", IP_B);
    fakelink_run(&L, dns_serve, &d, DNS_RETRY_MS * DNS_TRIES + 100);
    CHECK_EQ(dns_resolve_poll(A, h, &addr), NET_ERR_TIMEOUT);
    CHECK_EQ(A->stats.udp_tx, 1 + DNS_TRIES);
    h = dns_resolve_start(A, "left.open", IP_B); /* released by net_destroy */
    CHECK(h >= 0);
    sock_close(d.s);
    teardown();
}

/* ---- DHCP ---- */
struct dhcp_server {
    struct sock *s;
    int offers, acks;
    uint32_t lease_s;
};

static size_t dhcp_reply(uint8_t *buf, const uint8_t *req, uint8_t type, uint32_t lease)
{
    memset(buf, 0, DHCP_FIXED_LEN + 40);
    struct dhcp_msg *m = (struct dhcp_msg *)buf;
    const struct dhcp_msg *q = (const struct dhcp_msg *)req;
    m->op = DHCP_OP_REPLY;
    m->htype = 1;
    m->hlen = 6;
    m->xid = q->xid;
    m->yiaddr = net_htonl(NET_IP4(10, 0, 0, 50));
    memcpy(m->chaddr, q->chaddr, 16);
    m->magic = net_htonl(DHCP_MAGIC);
    uint8_t *o = buf + DHCP_FIXED_LEN;
    uint8_t opts[] = { DHCP_OPT_MSG_TYPE, 1, type,
                       DHCP_OPT_SERVER_ID, 4, 10, 0, 0, 2,
                       DHCP_OPT_SUBNET_MASK, 4, 255, 255, 255, 0,
                       DHCP_OPT_ROUTER, 4, 10, 0, 0, 2,
                       DHCP_OPT_DNS, 4, 10, 0, 0, 3,
                       DHCP_OPT_LEASE_TIME, 4, (uint8_t)(lease >> 24), (uint8_t)(lease >> 16),
                       (uint8_t)(lease >> 8), (uint8_t)lease,
                       DHCP_OPT_END };
    memcpy(o, opts, sizeof(opts));
    return DHCP_FIXED_LEN + sizeof(opts);
}

static bool dhcp_serve(void *arg)
{
    struct dhcp_server *d = arg;
    uint8_t buf[600], out[600];
    size_t n;
    uint32_t ip;
    uint16_t port;
    while (sock_recvfrom(d->s, buf, sizeof(buf), &n, &ip, &port) == SOCK_OK) {
        if (n < DHCP_FIXED_LEN + 3 || buf[DHCP_FIXED_LEN] != DHCP_OPT_MSG_TYPE)
            continue;
        uint8_t type = buf[DHCP_FIXED_LEN + 2];
        uint8_t rtype = type == DHCP_DISCOVER ? DHCP_OFFER : DHCP_ACK;
        size_t len = dhcp_reply(out, buf, rtype, d->lease_s);
        sock_sendto(d->s, out, len, NET_IP4_BROADCAST, DHCP_CLIENT_PORT, &n);
        if (rtype == DHCP_OFFER)
            d->offers++;
        else
            d->acks++;
    }
    return dhcp_get_state(A) == DHCP_BOUND;
}

static void test_dhcp_client(void)
{
    setup(18);
    L.end[0].dev.ip = 0;
    L.end[0].dev.netmask = 0;
    struct dhcp_server d = { .lease_s = 600 };
    CHECK_EQ(sock_open(B, SOCK_TYPE_DGRAM, &d.s), SOCK_OK);
    CHECK_EQ(sock_bind(d.s, 0, DHCP_SERVER_PORT), SOCK_OK);
    CHECK_EQ(dhcp_start(A, &L.end[0].dev), NET_OK);
    CHECK_EQ(dhcp_get_state(A), DHCP_SELECTING);
    CHECK(fakelink_run(&L, dhcp_serve, &d, 100));
    CHECK_EQ(d.offers, 1);
    CHECK_EQ(d.acks, 1);
    CHECK_EQ(L.end[0].dev.ip, NET_IP4(10, 0, 0, 50));
    CHECK_EQ(L.end[0].dev.netmask, NET_IP4(255, 255, 255, 0));
    CHECK_EQ(L.end[0].dev.gateway, NET_IP4(10, 0, 0, 2));
    CHECK_EQ(L.end[0].dev.dns_server, NET_IP4(10, 0, 0, 3));
    /* the configured address works: ping B */
    struct icmp_echo_reply r;
    CHECK(icmp_echo_request(A, IP_B, 42, 1, 8) == NET_OK);
    CHECK(fakelink_run(&L, got_reply, &r, 100));
    CHECK_EQ(r.from, IP_B);
    /* T1 at half the lease: RENEWING, then BOUND again */
    fakelink_advance(&L, 300 * 1000 + 10);
    CHECK_EQ(dhcp_get_state(A), DHCP_RENEWING);
    CHECK(fakelink_run(&L, dhcp_serve, &d, 100));
    CHECK_EQ(d.acks, 2);
    /* a silent server: retransmissions back off, and the lease finally expires */
    uint64_t tx = A->stats.udp_tx;
    fakelink_advance(&L, 300 * 1000 + 10);
    CHECK_EQ(dhcp_get_state(A), DHCP_RENEWING);
    fakelink_advance(&L, 300 * 1000);
    CHECK_EQ(L.end[0].dev.ip, 0);
    CHECK_EQ(dhcp_get_state(A), DHCP_SELECTING);
    CHECK(A->stats.udp_tx - tx < 20); /* 4, 8, 16, 32, 64, 64... s, not a flood */
    sock_close(d.s);
    teardown();
}


/* ---- scripted losses: exact congestion-control and timer behaviour ---- */
struct drop_plan {
    int data_seen;          /* data segments from side 0 so far */
    int drop_nth;           /* drop this data segment (once) */
    bool blackhole;         /* drop everything from side 0 */
    uint64_t times[32];     /* send times of data segments while blackholed */
    int ntimes;
};

static size_t tcp_payload_len(const struct netbuf *nb)
{
    if (nb->len < ETH_HLEN + IP4_HLEN + TCP_HLEN || nb->data[12] != 0x08 || nb->data[13] != 0)
        return 0;
    const struct ip4_hdr *ih = (const struct ip4_hdr *)(nb->data + ETH_HLEN);
    if (ih->proto != IP4_PROTO_TCP)
        return 0;
    const uint8_t *t = nb->data + ETH_HLEN + IP4_HLEN;
    return net_ntohs(ih->total_len) - IP4_HLEN - (size_t)(t[12] >> 4) * 4;
}

static bool drop_filter(void *arg, int from_side, const struct netbuf *nb)
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

static void test_tcp_fast_retransmit_single_loss(void)
{
    setup(19);
    struct drop_plan d = { .drop_nth = 40 };
    L.filter = drop_filter;
    L.filter_arg = &d;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    bulk_transfer(&p, 1u << 20, 60000);
    struct tcp_info ti;
    tcp_get_info(sock_tcp(p.client), &ti);
    /* one loss: three duplicate ACKs, one fast retransmit, no timeout, ssthresh set, recovery left */
    CHECK_EQ(ti.fast_retransmits, 1);
    CHECK_EQ(ti.timeouts, 0);
    CHECK_EQ(ti.retransmits, 1);
    CHECK(A->stats.tcp_dupacks >= 3);
    CHECK(ti.ssthresh >= 2 * 1460u && ti.ssthresh < 0x7fffffff);
    CHECK(!sock_tcp(p.client)->in_recovery);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_tcp_rto_backoff_and_timeout(void)
{
    setup(20);
    struct drop_plan d = { 0 };
    L.filter = drop_filter;
    L.filter_arg = &d;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    d.blackhole = true;
    size_t n;
    CHECK_EQ(sock_send(p.client, "lost in space", 13, &n), SOCK_OK);
    fakelink_advance(&L, 700 * 1000);
    /* RFC 6298 5.5: the interval doubles after each expiry, up to TCP_RTO_MAX_MS */
    CHECK(d.ntimes >= 8);
    for (int i = 2; i < d.ntimes && i < 7; i++) {
        uint64_t prev = d.times[i - 1] - d.times[i - 2], cur = d.times[i] - d.times[i - 1];
        CHECK(cur == 2 * prev || cur == TCP_RTO_MAX_MS);
    }
    CHECK(d.times[1] - d.times[0] >= TCP_RTO_MIN_MS);
    /* after TCP_MAX_RETRIES the connection is given up: ETIMEDOUT */
    /* (after 300 s the ARP entry expires and the blackholed ARP requests keep later retransmissions
     * off the wire, so only the first ten are seen) */
    CHECK_EQ(d.ntimes, 10);
    CHECK_EQ(d.times[9] - d.times[0], 1000 + 2000 + 4000 + 8000 + 16000 + 32000 + 60000 * 3);
    CHECK_EQ(sock_send(p.client, "x", 1, &n), SOCK_ETIMEDOUT);
    CHECK_EQ(tcp_get_state(sock_tcp(p.client)), TCP_CLOSED);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_tcp_recovers_after_outage(void)
{
    setup(21);
    struct drop_plan d = { 0 };
    L.filter = drop_filter;
    L.filter_arg = &d;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    d.blackhole = true;
    static uint8_t blob[100000];
    for (size_t i = 0; i < sizeof(blob); i++)
        blob[i] = pattern(i);
    size_t n, total = 0;
    while (total < sizeof(blob) && sock_send(p.client, blob + total, sizeof(blob) - total, &n) == SOCK_OK)
        total += n;
    fakelink_advance(&L, 5000); /* three timeouts */
    d.blackhole = false;
    static uint8_t got[100000];
    size_t have = 0;
    for (int i = 0; i < 30000 && have < total; i++) {
        fakelink_step(&L);
        while (sock_recv(p.server, got + have, sizeof(got) - have, &n) == SOCK_OK && n)
            have += n;
    }
    CHECK_EQ(have, total);
    CHECK(memcmp(got, blob, total) == 0);
    struct tcp_info ti;
    tcp_get_info(sock_tcp(p.client), &ti);
    CHECK(ti.timeouts >= 3);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}


/* ---- socket API errors, keepalive, fragments through a duplicating link ---- */
static void test_sock_errors(void)
{
    setup(22);
    struct sock *t, *t2, *u;
    size_t n;
    char buf[8];
    CHECK_EQ(sock_open(A, (enum sock_type)9, &t), SOCK_EINVAL);
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &t), SOCK_OK);
    CHECK_EQ(sock_send(t, "x", 1, &n), SOCK_ENOTCONN);
    CHECK_EQ(sock_recv(t, buf, 8, &n), SOCK_ENOTCONN);
    CHECK_EQ(sock_accept(t, &t2), SOCK_EINVAL);
    CHECK_EQ(sock_shutdown(t, SOCK_SHUT_WR), SOCK_ENOTCONN);
    CHECK_EQ(sock_shutdown(t, 7), SOCK_EINVAL);
    uint32_t ip;
    uint16_t port;
    CHECK_EQ(sock_peer_addr(t, &ip, &port), SOCK_ENOTCONN);
    CHECK_EQ(sock_bind(t, 0, 8000), SOCK_OK);
    CHECK_EQ(sock_bind(t, 0, 8001), SOCK_EINVAL);
    CHECK_EQ(sock_listen(t, 2), SOCK_OK);
    CHECK_EQ(sock_accept(t, &t2), SOCK_EAGAIN);
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &t2), SOCK_OK);
    CHECK_EQ(sock_bind(t2, 0, 8000), SOCK_EADDRINUSE);
    CHECK_EQ(sock_listen(t2, 2), SOCK_OK); /* binds an ephemeral port */
    CHECK_EQ(sock_local_addr(t2, &ip, &port), SOCK_OK);
    CHECK(port >= 49152);
    CHECK_EQ(sock_connect(t2, IP_B, 80), SOCK_EISCONN);
    sock_close(t2);
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &t2), SOCK_OK);
    CHECK_EQ(sock_connect(t2, NET_IP4(192, 168, 9, 9), 80), SOCK_EHOSTUNREACH); /* no gateway */
    sock_close(t2);
    CHECK_EQ(sock_open(A, SOCK_TYPE_DGRAM, &u), SOCK_OK);
    CHECK_EQ(sock_listen(u, 1), SOCK_ENOTSUP);
    CHECK_EQ(sock_send(u, "x", 1, &n), SOCK_EDESTADDRREQ);
    CHECK_EQ(sock_recv(u, buf, 8, &n), SOCK_EAGAIN);
    static char big[70000];
    CHECK_EQ(sock_sendto(u, big, sizeof(big), IP_B, 9, &n), SOCK_EMSGSIZE);
    CHECK_EQ(sock_connect(u, IP_B, 9), SOCK_OK);
    CHECK_EQ(sock_peer_addr(u, &ip, &port), SOCK_OK);
    CHECK_EQ(port, 9);
    CHECK_EQ(sock_send(u, "x", 1, &n), SOCK_OK);
    CHECK_EQ(sock_errno(NET_ERR_RESET), 15);
    CHECK_EQ(sock_errno(NET_ERR_REFUSED), 14);
    CHECK_EQ(sock_errno(NET_ERR_WOULDBLOCK), 6);
    CHECK_EQ(sock_errno(NET_ERR_NOTCONN), 53);
    CHECK_EQ(sock_errno(NET_ERR_INUSE), 3);
    CHECK_EQ(sock_errno(NET_ERR_CLOSED), 64);
    CHECK_EQ(sock_errno(NET_ERR_TIMEOUT), 73);
    sock_close(u);
    sock_close(t);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_tcp_keepalive(void)
{
    setup(23);
    struct drop_plan d = { 0 };
    L.filter = drop_filter;
    L.filter_arg = &d;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    /* off by default (RFC 1122 4.2.3.6): three idle hours send nothing */
    uint64_t tx = A->stats.tcp_tx + B->stats.tcp_tx;
    fakelink_skip(&L, 3u * 3600 * 1000, 100);
    CHECK_EQ(A->stats.tcp_tx + B->stats.tcp_tx, tx);
    CHECK_EQ(tcp_get_state(sock_tcp(p.client)), TCP_ESTABLISHED);
    /* on: a live peer answers the probe after two idle hours */
    CHECK_EQ(sock_set_keepalive(p.client, 1), SOCK_OK);
    fakelink_skip(&L, TCP_KEEPALIVE_IDLE_MS + 1000, 100);
    CHECK_EQ(A->stats.tcp_keepalive_probes, 1);
    CHECK_EQ(tcp_get_state(sock_tcp(p.client)), TCP_ESTABLISHED);
    /* a vanished peer: probes go unanswered and the connection times out */
    d.blackhole = true;
    fakelink_skip(&L, TCP_KEEPALIVE_IDLE_MS + (TCP_KEEPALIVE_PROBES + 2) * TCP_KEEPALIVE_INTVL_MS, 100);
    size_t n;
    CHECK_EQ(sock_send(p.client, "x", 1, &n), SOCK_ETIMEDOUT);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

static void test_udp_fragments_dup_reorder(void)
{
    setup(24);
    L.dup_ppm = 300000;
    L.jitter_ms = 4;
    struct sock *sa, *sb;
    CHECK_EQ(sock_open(A, SOCK_TYPE_DGRAM, &sa), SOCK_OK);
    CHECK_EQ(sock_open(B, SOCK_TYPE_DGRAM, &sb), SOCK_OK);
    CHECK_EQ(sock_bind(sb, 0, 7), SOCK_OK);
    static char buf[20000], got[20000];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)pattern(i);
    size_t n;
    int ok = 0;
    for (int i = 0; i < 10; i++) {
        CHECK_EQ(sock_sendto(sa, buf, sizeof(buf), IP_B, 7, &n), SOCK_OK);
        fakelink_advance(&L, 20);
        while (sock_recv(sb, got, sizeof(got), &n) == SOCK_OK)
            ok += n == sizeof(buf) && memcmp(got, buf, n) == 0;
    }
    CHECK_EQ(ok, 10);
    CHECK(B->stats.ip_frag_dup > 0);
    sock_close(sa);
    sock_close(sb);
    teardown();
}


/* ---- a scripted peer: raw segments in, the stack's segments captured and checked on the wire ---- */
struct capture {
    uint8_t frames[16][1600];
    size_t lens[16];
    int n;
};

static bool capture_filter(void *arg, int from_side, const struct netbuf *nb)
{
    struct capture *c = arg;
    if (from_side == 1 && c->n < 16 && tcp_payload_len(nb) + 1 > 0 && nb->len <= 1600 &&
        nb->data[12] == 0x08 && nb->data[ETH_HLEN + 9] == IP4_PROTO_TCP) {
        memcpy(c->frames[c->n], nb->data, nb->len);
        c->lens[c->n++] = nb->len;
    }
    return false; /* A never sees B's answers: the test plays A */
}

static const struct tcp_hdr *captured_tcp(struct capture *c, int i)
{
    return (const struct tcp_hdr *)(c->frames[i] + ETH_HLEN + IP4_HLEN);
}

static void test_tcp_scripted_peer(void)
{
    setup(25);
    struct capture cap = { .n = 0 };
    struct sock *l, *s = NULL;
    CHECK_EQ(sock_open(B, SOCK_TYPE_STREAM, &l), SOCK_OK);
    CHECK_EQ(sock_bind(l, 0, 80), SOCK_OK);
    CHECK_EQ(sock_listen(l, 4), SOCK_OK);
    /* B knows A's MAC without asking */
    icmp_echo_request(A, IP_B, 1, 1, 0);
    fakelink_advance(&L, 10);
    L.filter = capture_filter;
    L.filter_arg = &cap;
    /* SYN with MSS 1000 and window scale 7 */
    const uint8_t opts[] = { TCP_OPT_MSS, 4, 0x03, 0xe8, TCP_OPT_NOP, TCP_OPT_WSCALE, 3, 7 };
    uint32_t iss = 1000000;
    inject(tcp_frame(IP_A, 5555, 80, iss, 0, TCP_SYN, opts, sizeof(opts), 0));
    fakelink_step(&L);
    CHECK_EQ(cap.n, 1);
    const struct tcp_hdr *th = captured_tcp(&cap, 0);
    CHECK_EQ(th->flags, TCP_SYN | TCP_ACK);
    CHECK_EQ(net_ntohl(th->ack), iss + 1);
    CHECK_EQ(net_ntohs(th->window), 65535); /* a SYN's window is never scaled (RFC 7323 2.2) */
    CHECK_EQ(th->off >> 4, 7);              /* 20 + MSS 4 + NOP + WS 3 */
    const uint8_t *o = (const uint8_t *)th + TCP_HLEN;
    CHECK(o[0] == TCP_OPT_MSS && o[1] == 4 && ((o[2] << 8) | o[3]) == 1460);
    CHECK(o[4] == TCP_OPT_NOP && o[5] == TCP_OPT_WSCALE && o[6] == 3 && o[7] == 2); /* 128 KiB >> 2 */
    uint32_t b_iss = net_ntohl(th->seq);
    /* the handshake's ACK carries data */
    struct netbuf *nb = tcp_frame(IP_A, 5555, 80, iss + 1, b_iss + 1, TCP_ACK | TCP_PSH, NULL, 0, 10);
    inject(nb);
    CHECK_EQ(sock_accept(l, &s), SOCK_OK);
    if (!s) {
        sock_close(l);
        teardown();
        return;
    }
    struct tcp_info ti;
    tcp_get_info(sock_tcp(s), &ti);
    CHECK_EQ(ti.mss, 1000);
    CHECK_EQ(ti.snd_wscale, 7);
    CHECK_EQ(ti.snd_wnd, 65535u << 7);
    char buf[16];
    size_t n;
    /* one small segment: the ACK is delayed (RFC 9293 3.8.6.3), then comes with the window scaled */
    fakelink_advance(&L, TCP_DELACK_MS - 10);
    CHECK_EQ(cap.n, 1);
    fakelink_advance(&L, 20);
    CHECK_EQ(cap.n, 2);
    th = captured_tcp(&cap, 1);
    CHECK_EQ(th->flags, TCP_ACK);
    CHECK_EQ(net_ntohl(th->ack), iss + 11);
    CHECK_EQ(net_ntohs(th->window), (128 * 1024 - 10) >> 2);
    CHECK_EQ(sock_recv(s, buf, sizeof(buf), &n), SOCK_OK);
    CHECK_EQ(n, 10);
    CHECK_EQ(cap.n, 2); /* the window grew by 10 bytes only: no update (RFC 9293 3.8.6.2.2) */
    /* data from B respects our MSS of 1000 */
    static char big[3000];
    CHECK_EQ(sock_send(s, big, sizeof(big), &n), SOCK_OK);
    CHECK_EQ(cap.n, 5);
    CHECK_EQ(net_ntohs(((const struct ip4_hdr *)(cap.frames[2] + ETH_HLEN))->total_len), 20 + 20 + 1000);
    /* our FIN: acknowledged at once, B goes to CLOSE_WAIT */
    inject(tcp_frame(IP_A, 5555, 80, iss + 11, b_iss + 1 + 3000, TCP_FIN | TCP_ACK, NULL, 0, 0));
    CHECK_EQ(cap.n, 6);
    th = captured_tcp(&cap, 5);
    CHECK_EQ(net_ntohl(th->ack), iss + 12);
    CHECK_EQ(tcp_get_state(sock_tcp(s)), TCP_CLOSE_WAIT);
    /* an exact RST ends it: ECONNRESET */
    inject(tcp_frame(IP_A, 5555, 80, iss + 12, 0, TCP_RST, NULL, 0, 0));
    CHECK_EQ(tcp_get_state(sock_tcp(s)), TCP_CLOSED);
    CHECK_EQ(sock_recv(s, buf, sizeof(buf), &n), SOCK_ECONNRESET);
    sock_close(s);
    sock_close(l);
    teardown();
}


static void test_tcp_nagle(void)
{
    setup(26);
    L.delay_ms = 10;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 200));
    size_t n;
    /* off by default: three small writes leave as three segments at once */
    uint64_t tx = A->stats.tcp_tx;
    for (int i = 0; i < 3; i++)
        CHECK_EQ(sock_send(p.client, "ab", 2, &n), SOCK_OK);
    CHECK_EQ(A->stats.tcp_tx, tx + 3);
    fakelink_advance(&L, 300);
    /* on (RFC 9293 3.7.4): while data is unacknowledged, small writes wait and leave together */
    CHECK_EQ(sock_set_nodelay(p.client, 0), SOCK_OK);
    tx = A->stats.tcp_tx;
    for (int i = 0; i < 3; i++)
        CHECK_EQ(sock_send(p.client, "ab", 2, &n), SOCK_OK);
    CHECK_EQ(A->stats.tcp_tx, tx + 1);
    fakelink_advance(&L, 300);
    CHECK_EQ(A->stats.tcp_tx, tx + 2); /* the other four bytes, in one segment after the ACK */
    char buf[32];
    CHECK_EQ(sock_recv(p.server, buf, sizeof(buf), &n), SOCK_OK);
    CHECK_EQ(n, 12);
    tcp_pair_close(&p);
    fakelink_advance(&L, 100);
    teardown();
}


/* ---- ICMP port unreachable aborts a connect (RFC 1122 4.2.3.9) ---- */
struct syn_grab {
    uint8_t frame[128];
    size_t len;
};

static bool grab_syn(void *arg, int from_side, const struct netbuf *nb)
{
    struct syn_grab *g = arg;
    if (from_side == 0 && nb->len <= sizeof(g->frame) && nb->data[12] == 0x08 && nb->data[13] == 0 &&
        nb->data[ETH_HLEN + 9] == IP4_PROTO_TCP) {
        memcpy(g->frame, nb->data, nb->len);
        g->len = nb->len;
        return false;
    }
    return true;
}

static void test_tcp_icmp_unreachable(void)
{
    setup(27);
    struct syn_grab g = { .len = 0 };
    icmp_echo_request(A, IP_B, 1, 1, 0); /* ARP first */
    fakelink_advance(&L, 10);
    L.filter = grab_syn;
    L.filter_arg = &g;
    struct sock *c;
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &c), SOCK_OK);
    CHECK_EQ(sock_connect(c, IP_B, 4321), SOCK_EINPROGRESS);
    fakelink_step(&L);
    CHECK(g.len > 0);
    /* a forged error quoting a sequence number outside the window is ignored (RFC 5927) */
    for (int forged = 1; forged >= 0; forged--) {
        size_t ql = IP4_HLEN + 8, il = ICMP_HLEN + ql;
        struct netbuf *nb = netbuf_alloc(0, ETH_HLEN + IP4_HLEN + il);
        memcpy(nb->data, L.end[0].dev.mac, 6);     /* to A */
        memcpy(nb->data + 6, L.end[1].dev.mac, 6); /* from B */
        nb->data[12] = 0x08;
        nb->data[13] = 0;
        uint8_t *icmp = nb->data + ETH_HLEN + IP4_HLEN;
        memset(icmp, 0, ICMP_HLEN);
        icmp[0] = ICMP_DEST_UNREACH;
        icmp[1] = ICMP_CODE_PORT_UNREACH;
        memcpy(icmp + ICMP_HLEN, g.frame + ETH_HLEN, ql);
        if (forged)
            icmp[ICMP_HLEN + IP4_HLEN + 4] ^= 0x80;
        uint16_t c16 = net_chksum_fold(net_chksum_add(0, icmp, il));
        memcpy(icmp + 2, &c16, 2);
        ip_fill(nb->data + ETH_HLEN, IP4_HLEN + il, IP4_PROTO_ICMP, IP_B, IP_A);
        if (netdev_input(&L.end[0].dev, nb) != NET_OK)
            netbuf_free(nb);
        CHECK_EQ(tcp_get_state(sock_tcp(c)), forged ? TCP_SYN_SENT : TCP_CLOSED);
    }
    CHECK_EQ(A->stats.tcp_icmp_errors, 1);
    CHECK_EQ(sock_connect(c, IP_B, 4321), SOCK_ECONNREFUSED);
    sock_close(c);
    teardown();
}


static size_t captured_payload(struct capture *c, int i)
{
    const struct ip4_hdr *ih = (const struct ip4_hdr *)(c->frames[i] + ETH_HLEN);
    return net_ntohs(ih->total_len) - IP4_HLEN - (size_t)(captured_tcp(c, i)->off >> 4) * 4;
}

static void test_tcp_sender_sws(void)
{
    setup(28);
    struct capture cap = { .n = 0 };
    struct sock *l, *s = NULL;
    CHECK_EQ(sock_open(B, SOCK_TYPE_STREAM, &l), SOCK_OK);
    CHECK_EQ(sock_bind(l, 0, 80), SOCK_OK);
    CHECK_EQ(sock_listen(l, 4), SOCK_OK);
    icmp_echo_request(A, IP_B, 1, 1, 0);
    fakelink_advance(&L, 10);
    L.filter = capture_filter;
    L.filter_arg = &cap;
    const uint8_t opts[] = { TCP_OPT_MSS, 4, 0x03, 0xe8 }; /* MSS 1000, no window scaling */
    uint32_t iss = 5000;
    inject(tcp_frame(IP_A, 6000, 80, iss, 0, TCP_SYN, opts, sizeof(opts), 0));
    CHECK_EQ(cap.n, 1);
    uint32_t b = net_ntohl(captured_tcp(&cap, 0)->seq) + 1;
    struct netbuf *nb = tcp_frame(IP_A, 6000, 80, iss + 1, b, TCP_ACK, NULL, 0, 0);
    ((struct tcp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN))->window = net_htons(3000);
    /* (window changed after the checksum: fix it) */
    struct tcp_hdr *th = (struct tcp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN);
    th->chksum = 0;
    th->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(IP_A, IP_B, IP4_PROTO_TCP, TCP_HLEN), th, TCP_HLEN));
    inject(nb);
    CHECK_EQ(sock_accept(l, &s), SOCK_OK);
    if (!s) {
        sock_close(l);
        teardown();
        return;
    }
    static char data[10000];
    size_t n;
    CHECK_EQ(sock_send(s, data, sizeof(data), &n), SOCK_OK);
    CHECK_EQ(cap.n, 4); /* three full segments fill the 3000-byte window */
    for (int i = 1; i < 4; i++)
        CHECK_EQ(captured_payload(&cap, i), 1000);
    /* ack 1000 and offer 2200: the usable window is 200 bytes, too small to send (SWS) */
    nb = tcp_frame(IP_A, 6000, 80, iss + 1, b + 1000, TCP_ACK, NULL, 0, 0);
    th = (struct tcp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN);
    th->window = net_htons(2200);
    th->chksum = 0;
    th->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(IP_A, IP_B, IP4_PROTO_TCP, TCP_HLEN), th, TCP_HLEN));
    inject(nb);
    CHECK_EQ(cap.n, 4);
    /* ack everything and offer 3000 again: three full segments */
    nb = tcp_frame(IP_A, 6000, 80, iss + 1, b + 3000, TCP_ACK, NULL, 0, 0);
    th = (struct tcp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN);
    th->window = net_htons(3000);
    th->chksum = 0;
    th->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(IP_A, IP_B, IP4_PROTO_TCP, TCP_HLEN), th, TCP_HLEN));
    inject(nb);
    CHECK_EQ(cap.n, 7);
    for (int i = 4; i < 7 && i < cap.n; i++)
        CHECK_EQ(captured_payload(&cap, i), 1000);
    sock_close(s);
    sock_close(l);
    teardown();
}


static void test_tcp_ooo_reassembly(void)
{
    setup(29);
    struct capture cap = { .n = 0 };
    struct sock *l, *s = NULL;
    CHECK_EQ(sock_open(B, SOCK_TYPE_STREAM, &l), SOCK_OK);
    CHECK_EQ(sock_bind(l, 0, 80), SOCK_OK);
    CHECK_EQ(sock_listen(l, 4), SOCK_OK);
    icmp_echo_request(A, IP_B, 1, 1, 0);
    fakelink_advance(&L, 10);
    L.filter = capture_filter;
    L.filter_arg = &cap;
    uint32_t iss = 777;
    inject(tcp_frame(IP_A, 7000, 80, iss, 0, TCP_SYN, NULL, 0, 0));
    uint32_t b = net_ntohl(captured_tcp(&cap, 0)->seq) + 1;
    inject(tcp_frame(IP_A, 7000, 80, iss + 1, b, TCP_ACK, NULL, 0, 0));
    CHECK_EQ(sock_accept(l, &s), SOCK_OK);
    if (!s) {
        sock_close(l);
        teardown();
        return;
    }
    /* segments 5, 3, 4 (touching 3 and 5 from both sides), 2, then 1: one range, then all in order;
     * each out-of-order one is acknowledged at once with the old ACK number (RFC 5681 4.2) */
    static const int order[] = { 4, 2, 3, 1, 0 };
    for (int i = 0; i < 5; i++) {
        int k = order[i];
        struct netbuf *nb = tcp_frame(IP_A, 7000, 80, iss + 1 + 100u * (uint32_t)k, b, TCP_ACK, NULL, 0, 100);
        /* payload byte j of segment k: (k * 100 + j) % 256, fix the checksum after writing it */
        uint8_t *pl = nb->data + ETH_HLEN + IP4_HLEN + TCP_HLEN;
        for (int j = 0; j < 100; j++)
            pl[j] = (uint8_t)(k * 100 + j);
        struct tcp_hdr *th = (struct tcp_hdr *)(nb->data + ETH_HLEN + IP4_HLEN);
        th->chksum = 0;
        th->chksum = net_chksum_fold(net_chksum_add(net_chksum_pseudo(IP_A, IP_B, IP4_PROTO_TCP, TCP_HLEN + 100),
                                                    th, TCP_HLEN + 100));
        int before = cap.n;
        inject(nb);
        if (k != 0) {
            CHECK_EQ(cap.n, before + 1);
            CHECK_EQ(net_ntohl(captured_tcp(&cap, cap.n - 1)->ack), iss + 1);
        }
    }
    CHECK_EQ(net_ntohl(captured_tcp(&cap, cap.n - 1)->ack), iss + 1 + 500); /* the gap filled: ACK at once */
    CHECK_EQ(sock_tcp(s)->nooo, 0);
    uint8_t got[600];
    size_t n;
    CHECK_EQ(sock_recv(s, got, sizeof(got), &n), SOCK_OK);
    CHECK_EQ(n, 500);
    int bad = 0;
    for (int j = 0; j < 500; j++)
        bad += got[j] != (uint8_t)j;
    CHECK_EQ(bad, 0);
    sock_close(s);
    sock_close(l);
    teardown();
}

static const struct test_case tests[] = {
    { "netbuf", test_netbuf },
    { "checksum_rfc1071", test_checksum },
    { "arp_resolve_and_timeout", test_arp_resolve_and_timeout },
    { "icmp_ping", test_ping },
    { "udp_roundtrip_fragments_unreachable", test_udp_roundtrip },
    { "tcp_handshake_echo_wscale_delack", test_tcp_handshake_and_echo },
    { "tcp_bulk_4MiB_clean", test_tcp_bulk_clean },
    { "tcp_bulk_3MiB_loss5_reorder", test_tcp_bulk_loss5 },
    { "tcp_bulk_2MiB_loss20_reorder", test_tcp_bulk_loss20 },
    { "tcp_fast_retransmit_single_loss", test_tcp_fast_retransmit_single_loss },
    { "tcp_rto_backoff_and_timeout", test_tcp_rto_backoff_and_timeout },
    { "tcp_recovers_after_outage", test_tcp_recovers_after_outage },
    { "tcp_scripted_peer_wire_format", test_tcp_scripted_peer },
    { "tcp_nagle_off_by_default", test_tcp_nagle },
    { "tcp_icmp_port_unreachable", test_tcp_icmp_unreachable },
    { "tcp_sender_sws_avoidance", test_tcp_sender_sws },
    { "tcp_out_of_order_reassembly", test_tcp_ooo_reassembly },
    { "tcp_loopback", test_tcp_loopback },
    { "tcp_close_orders_time_wait", test_tcp_close_orders },
    { "tcp_simultaneous_open", test_tcp_simultaneous_open },
    { "tcp_rst_closed_port_and_reset", test_tcp_rst_closed_port },
    { "tcp_zero_window_persist", test_tcp_zero_window },
    { "hostile_frames", test_hostile_frames },
    { "syn_flood_bounded", test_syn_flood },
    { "corrupting_link", test_corrupting_link },
    { "out_of_memory", test_out_of_memory },
    { "sock_errors_wasi_errno", test_sock_errors },
    { "tcp_keepalive_off_by_default_then_on", test_tcp_keepalive },
    { "udp_fragments_duplicated_reordered", test_udp_fragments_dup_reorder },
    { "dns_messages_compression_bounds", test_dns_messages },
    { "dns_resolver_answer_and_timeout", test_dns_resolver },
    { "dhcp_client_bind_renew_expire", test_dhcp_client },
    { NULL, NULL },
};

int main(int argc, char **argv)
{
    return test_main(tests, argc, argv);
}
