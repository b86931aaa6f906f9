/* tests/unit/net/nettest.h — what the net test programs share (nettest.c): the two-stack fake link,
 * setup and the teardown leak check, a TCP connection helper, bulk transfer with byte checks, raw
 * frame crafting for hostile or scripted input, and link filters that drop or capture frames.
 * Internal stack headers are included on purpose: tests look at counters and control blocks. */
#ifndef TESTS_UNIT_NET_NETTEST_H
#define TESTS_UNIT_NET_NETTEST_H

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
#include "kernel/net/proto/eth.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/tcp.h"
#include "kernel/net/proto/udp.h"
#include "kernel/net/proto/icmp.h"
#include "kernel/net/proto/arp.h"
#include "kernel/net/proto/dns.h"
#include "kernel/net/proto/dhcp.h"

/* The link (side 0 = stack A at 10.0.0.1, side 1 = stack B at 10.0.0.2). */
extern struct fakelink nettest_link;
extern long nettest_blocks_before;
#define L nettest_link
#define A (L.stack[0])
#define B (L.stack[1])
#define IP_A NET_IP4(10, 0, 0, 1)
#define IP_B NET_IP4(10, 0, 0, 2)

/* Creates the link and its two stacks (exits on failure), remembering the live block count. */
void setup(uint32_t seed);
/* Frees everything and checks: no frame with a bad checksum was sent, no netbuf and no kmalloc block
 * leaked (lwIP-style teardown check). A macro so that its CHECKs count in the calling test. */
#define teardown()                                                          \
    do {                                                                    \
        CHECK_EQ(L.bad_frames, 0);                                          \
        fakelink_destroy(&L);                                               \
        CHECK_EQ(netbuf_live(), 0);                                         \
        CHECK_EQ(net_host_live_blocks(), nettest_blocks_before);            \
    } while (0)

/* ---- TCP helpers ---- */
/* A TCP socket of stack st listening on port with backlog; NULL when a call failed. */
struct sock *tcp_listener(struct net_stack *st, uint16_t port, int backlog);
struct tcp_pair {
    struct sock *listener, *client, *server;
};
/* A client on A connected to a listener on B:port; false when a call failed or it did not complete
 * within max_ms. */
bool tcp_pair_open(struct tcp_pair *p, uint16_t port, uint64_t max_ms);
void tcp_pair_close(struct tcp_pair *p);
/* The byte at stream offset i of every bulk transfer. */
uint8_t pattern(size_t i);
/* Sends total bytes client->server, then shuts down; true when every byte arrived intact followed by
 * end of stream within max_ms. *ms_out (if not NULL): virtual ms taken. */
bool bulk_transfer(struct tcp_pair *p, size_t total, uint64_t max_ms, uint64_t *ms_out);

/* ---- raw frames (A -> B unless said otherwise), checksums right ---- */
struct netbuf *frame_new(size_t len);
void ip_fill(uint8_t *p, size_t total, uint8_t proto, uint32_t src, uint32_t dst);
struct netbuf *tcp_frame(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                         uint8_t flags, const uint8_t *opts, size_t optlen, size_t datalen);
/* Hands a frame to B's interface (freed if refused). */
void inject(struct netbuf *nb);
/* TCP payload bytes of a frame (0 when not TCP). */
size_t tcp_payload_len(const struct netbuf *nb);

/* ---- link filters ---- */
struct drop_plan {
    int data_seen;          /* data segments from side 0 so far */
    int drop_nth;           /* drop this data segment (once) */
    bool blackhole;         /* drop everything from side 0 */
    uint64_t times[32];     /* send times of data segments while blackholed */
    int ntimes;
};
bool drop_filter(void *arg, int from_side, const struct netbuf *nb);

/* Captures TCP frames sent by B (side 1) and drops everything B sends: the test plays A. */
struct capture {
    uint8_t frames[16][1600];
    size_t lens[16];
    int n;
};
bool capture_filter(void *arg, int from_side, const struct netbuf *nb);
const struct tcp_hdr *captured_tcp(struct capture *c, int i);
size_t captured_payload(struct capture *c, int i);

#endif
