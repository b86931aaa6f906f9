/* tests/unit/net/test_tcp.c — host tests of TCP (kernel/net/tcp*.c) and the socket layer over it.
 *
 * Two stacks over a fake link (fakelink.h) that drops, duplicates, delays, reorders and corrupts
 * frames, in simulated time, so every run is deterministic: handshake and options, bulk transfers of
 * several MiB checked byte by byte (clean, 5% and 20% loss with reordering), congestion control and
 * timers through counters and scripted losses, a scripted raw peer checking segments on the wire,
 * close orders and TIME_WAIT, simultaneous open and close, RST, persist, keepalive, Nagle, SWS.
 * Every test ends with the teardown leak check (nettest.h). */
#include "nettest.h"

static void count_notify(void *arg)
{
    (*(int *)arg)++;
}

/* Readiness callbacks: the listener hears of a connection to accept, the client of its connection
 * being established, the server of data, and a UDP socket of a datagram. */
static void test_notify(void)
{
    setup(30);
    int nl = 0, nc = 0, ns = 0, nu = 0;
    struct tcp_pair p;
    memset(&p, 0, sizeof(p));
    CHECK((p.listener = tcp_listener(B, 80, 4)) != NULL);
    CHECK_EQ(sock_set_notify(p.listener, count_notify, &nl), SOCK_OK);
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &p.client), SOCK_OK);
    CHECK_EQ(sock_set_notify(p.client, count_notify, &nc), SOCK_OK);
    CHECK_EQ(sock_connect(p.client, IP_B, 80), SOCK_EINPROGRESS);
    fakelink_advance(&L, 10);
    CHECK(nc >= 1);
    CHECK_EQ(nl, 1);
    CHECK_EQ(sock_accept(p.listener, &p.server), SOCK_OK);
    if (p.server) {
        CHECK_EQ(sock_set_notify(p.server, count_notify, &ns), SOCK_OK);
        size_t n;
        CHECK_EQ(sock_send(p.client, "x", 1, &n), SOCK_OK);
        fakelink_advance(&L, 5);
        CHECK(ns >= 1);
        int before = nc;
        sock_close(p.server);
        p.server = NULL;
        fakelink_advance(&L, 5);
        CHECK(nc > before); /* the client heard of the FIN */
    }
    struct sock *u;
    size_t n;
    CHECK_EQ(sock_open(B, SOCK_TYPE_DGRAM, &u), SOCK_OK);
    CHECK_EQ(sock_bind(u, 0, 53), SOCK_OK);
    CHECK_EQ(sock_set_notify(u, count_notify, &nu), SOCK_OK);
    struct sock *ua;
    CHECK_EQ(sock_open(A, SOCK_TYPE_DGRAM, &ua), SOCK_OK);
    CHECK_EQ(sock_sendto(ua, "q", 1, IP_B, 53, &n), SOCK_OK);
    fakelink_advance(&L, 5);
    CHECK_EQ(nu, 1);
    sock_close(u);
    sock_close(ua);
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
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
    uint64_t ms = 0;
    CHECK(bulk_transfer(&p, 4u << 20, 60000, &ms));
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
    uint64_t ms = 0;
    CHECK(bulk_transfer(&p, total, 3600u * 1000, &ms));
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

/* ---- scripted losses: exact congestion-control and timer behaviour ---- */

static void test_tcp_fast_retransmit_single_loss(void)
{
    setup(19);
    struct drop_plan d = { .drop_nth = 40 };
    L.filter = drop_filter;
    L.filter_arg = &d;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 100));
    CHECK(bulk_transfer(&p, 1u << 20, 60000, NULL));
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
    /* the link's RTT is under a millisecond: the first timeout is the 200 ms floor (RFC 6298's
     * formula, Linux's minimum), not RFC 6298 2.4's 1 s */
    CHECK_EQ(TCP_RTO_MIN_MS, 200);
    CHECK_EQ(d.times[1] - d.times[0], TCP_RTO_MIN_MS);
    /* after TCP_MAX_RETRIES the connection is given up: ETIMEDOUT, 1 + 12 transmissions */
    uint64_t want = 0, rto = TCP_RTO_MIN_MS;
    for (int i = 0; i < TCP_MAX_RETRIES; i++, rto = rto * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto * 2)
        want += rto;
    CHECK_EQ(d.ntimes, TCP_MAX_RETRIES + 1);
    CHECK_EQ(d.times[TCP_MAX_RETRIES] - d.times[0], want); /* 200 .. 51200, then 60 s: 282.2 s */
    CHECK(want >= 100000); /* RFC 1122 4.2.3.5: R2 at least 100 s */
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

/* ---- a scripted peer: raw segments in, the stack's segments captured and checked on the wire ---- */

/* A listener on B port 80 (backlog 4), B knowing A's MAC without asking, and from then on every
 * frame B sends captured in cap (and not delivered: the test plays A). */
static struct sock *listen_captured(struct capture *cap)
{
    struct sock *l = tcp_listener(B, 80, 4);
    icmp_echo_request(A, IP_B, 1, 1, 0);
    fakelink_advance(&L, 10);
    L.filter = capture_filter;
    L.filter_arg = cap;
    return l;
}

static void test_tcp_scripted_peer(void)
{
    setup(25);
    struct capture cap = { .n = 0 };
    struct sock *l = listen_captured(&cap), *s = NULL;
    CHECK(l != NULL);
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

static void test_tcp_ooo_reassembly(void)
{
    setup(29);
    struct capture cap = { .n = 0 };
    struct sock *l = listen_captured(&cap), *s = NULL;
    CHECK(l != NULL);
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
            CHECK_EQ(captured_tcp(&cap, cap.n - 1)->off >> 4, 5); /* no SACK: the SYN did not permit it */
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

/* The option of kind `kind` in a TCP header, or NULL. */
static const uint8_t *tcp_option(const struct tcp_hdr *th, uint8_t kind)
{
    const uint8_t *p = (const uint8_t *)th + TCP_HLEN, *end = (const uint8_t *)th + (th->off >> 4) * 4;
    while (p < end && *p != TCP_OPT_EOL) {
        if (*p == TCP_OPT_NOP) {
            p++;
            continue;
        }
        if (p + 1 >= end || p[1] < 2)
            return NULL;
        if (*p == kind)
            return p;
        p += p[1];
    }
    return NULL;
}

/* RFC 2018 receiver side: a SYN with SACK-permitted gets it back in the SYN,ACK; then every ACK for
 * out-of-order data lists the held ranges, the one with the newest segment first */
static void test_tcp_sack_blocks(void)
{
    setup(33);
    struct capture cap = { .n = 0 };
    struct sock *l = listen_captured(&cap), *s = NULL;
    CHECK(l != NULL);
    uint32_t iss = 5000;
    static const uint8_t sackp[] = { TCP_OPT_NOP, TCP_OPT_NOP, TCP_OPT_SACK_PERM, 2 };
    inject(tcp_frame(IP_A, 7001, 80, iss, 0, TCP_SYN, sackp, sizeof sackp, 0));
    CHECK(tcp_option(captured_tcp(&cap, 0), TCP_OPT_SACK_PERM) != NULL);
    uint32_t b = net_ntohl(captured_tcp(&cap, 0)->seq) + 1;
    inject(tcp_frame(IP_A, 7001, 80, iss + 1, b, TCP_ACK, NULL, 0, 0));
    CHECK_EQ(sock_accept(l, &s), SOCK_OK);
    /* segments 4, 2, 3, then 0 and 1 (100 bytes each): blocks [4], [2][4], [2-4], none */
    static const int order[] = { 4, 2, 3, 0, 1 };
    static const uint32_t want[5][3] = { { 1, 400, 500 }, { 2, 200, 300 }, { 1, 200, 500 }, { 1, 200, 500 }, { 0 } };
    for (int i = 0; i < 5; i++) {
        uint32_t seq = iss + 1 + 100u * (uint32_t)order[i];
        inject(tcp_frame(IP_A, 7001, 80, seq, b, TCP_ACK, NULL, 0, 100));
        const struct tcp_hdr *th = captured_tcp(&cap, cap.n - 1);
        const uint8_t *o = tcp_option(th, TCP_OPT_SACK);
        if (!want[i][0]) {
            CHECK(o == NULL);
            CHECK_EQ(net_ntohl(th->ack), iss + 1 + 500);
            continue;
        }
        CHECK(o != NULL);
        if (!o)
            continue;
        CHECK(o[1] >= 2 + 8 * want[i][0]);
        CHECK_EQ(net_get32(o + 2), iss + 1 + want[i][1]);
        CHECK_EQ(net_get32(o + 6), iss + 1 + want[i][2]);
        if (i == 1) { /* the older range second */
            CHECK_EQ(net_get32(o + 10), iss + 1 + 400);
            CHECK_EQ(net_get32(o + 14), iss + 1 + 500);
        }
    }
    if (s)
        sock_close(s);
    sock_close(l);
    teardown();
}

static void test_tcp_sender_sws(void)
{
    setup(28);
    struct capture cap = { .n = 0 };
    struct sock *l = listen_captured(&cap), *s = NULL;
    CHECK(l != NULL);
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

static void test_tcp_loopback(void)
{
    setup(8);
    struct sock *l = tcp_listener(A, 7, 4), *c, *s = NULL;
    CHECK(l != NULL);
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
        CHECK(bulk_transfer(&p, 1u << 20, 10000, NULL));
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

static void test_corrupting_link(void)
{
    /* bit flips on the wire are caught by the checksums; the transfer stays exact */
    setup(15);
    L.corrupt_ppm = 20000;
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 80, 10000));
    if (p.server) {
        CHECK(bulk_transfer(&p, 1u << 20, 600000, NULL));
        uint64_t dropped = B->stats.ip_drop_chksum + B->stats.tcp_drop_chksum + A->stats.ip_drop_chksum +
                           A->stats.tcp_drop_chksum;
        CHECK(dropped > 0);
    }
    tcp_pair_close(&p);
    fakelink_advance(&L, 10);
    teardown();
}

/* A server that closes first keeps each connection in TIME_WAIT for 2 MSL (4 minutes). More short
 * connections than the table holds still all get through (the oldest TIME_WAIT block is taken back),
 * and a TIME_WAIT block holds no buffers (a few thousand of them used to exhaust the kernel heap:
 * wrk with `Connection: close` against httpd locked walos out of TCP for minutes). */
static void test_tcp_time_wait_many_short(void)
{
    setup(31);
    struct sock *l = tcp_listener(B, 80, 16);
    CHECK(l != NULL);
    long blocks = net_host_live_blocks();
    int served = 0;
    const int rounds = TCP_MAX_PCBS + 200;
    for (int i = 0; i < rounds; i++) {
        struct sock *c, *s = NULL;
        if (sock_open(A, SOCK_TYPE_STREAM, &c) != SOCK_OK)
            break;
        sock_connect(c, IP_B, 80);
        for (int k = 0; k < 50 && !s; k++) {
            fakelink_step(&L);
            sock_accept(l, &s);
        }
        if (s) {
            size_t n;
            CHECK_EQ(sock_send(s, "bye", 3, &n), SOCK_OK);
            sock_close(s); /* the server closes first: it ends in TIME_WAIT */
            fakelink_advance(&L, 3);
            char buf[8];
            if (sock_recv(c, buf, sizeof buf, &n) == SOCK_OK && n == 3)
                served++;
        }
        sock_close(c);
        fakelink_advance(&L, 3);
    }
    CHECK_EQ(served, rounds);
    CHECK(B->tcp_npcbs <= TCP_MAX_PCBS);
    CHECK(B->stats.tcp_tw_recycled >= 200);
    int time_wait = 0;
    for (struct tcp_pcb *p = B->tcp_pcbs; p; p = p->next)
        time_wait += p->state == TCP_TIME_WAIT;
    CHECK(time_wait >= TCP_MAX_PCBS - 2);
    /* one kmalloc block per TIME_WAIT control block, no rings */
    printf("  %d TIME_WAIT blocks hold %ld kmalloc blocks\n", time_wait, net_host_live_blocks() - blocks);
    CHECK(net_host_live_blocks() - blocks <= time_wait + 16);
    fakelink_advance(&L, 2 * TCP_MSL_MS + 10);
    CHECK_EQ(B->tcp_npcbs, 1); /* the listener */
    sock_close(l);
    fakelink_advance(&L, 10);
    teardown();
}

static const struct test_case tests[] = {
    { "sock_readiness_notify", test_notify },
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
    { "tcp_sack_blocks", test_tcp_sack_blocks },
    { "tcp_loopback", test_tcp_loopback },
    { "tcp_close_orders_time_wait", test_tcp_close_orders },
    { "tcp_time_wait_many_short_connections", test_tcp_time_wait_many_short },
    { "tcp_simultaneous_open", test_tcp_simultaneous_open },
    { "tcp_rst_closed_port_and_reset", test_tcp_rst_closed_port },
    { "tcp_zero_window_persist", test_tcp_zero_window },
    { "corrupting_link", test_corrupting_link },
    { "tcp_keepalive_off_by_default_then_on", test_tcp_keepalive },
    { NULL, NULL },
};

int main(int argc, char **argv)
{
    return test_main(tests, argc, argv);
}
