/* tests/unit/proc/test_walos_net.c — host test of kernel/proc/walos_net.c (the walos_net import
 * module) over the real stack: two stacks on tests/unit/net's fake link, A (10.0.0.1) playing the
 * kernel's stack. What the kernel around walos_net.c provides is stubbed here: the network lock and
 * the stack (netif_*), the scheduler (proc_event, proc_wake, proc_block_until, proc_get), the
 * console's Ctrl-C count, the clock (the link's virtual ms), the NIC drivers' counters and the engine's linker (which
 * records the table, so the tests call the handlers the way the engine does). Checks the records'
 * layout against sdk/walos_net.h, the echo call's parking and retry (reply, timeout, Ctrl-C, a late
 * reply to an earlier request, no route), argument checks, and no leak at teardown. */
#include "nettest.h"

#include "kernel/arch/x86_64/timer.h"
#include "kernel/drivers/e1000.h"
#include "kernel/drivers/virtio_net.h"
#include "kernel/net/netif_kernel.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/walos_net.h"
#include "sdk/walos_net.h"
#include "wasi/wasi_priv.h"

/* ---- the kernel around walos_net.c ---- */
static struct {
    struct proc proc;          /* the calling process */
    uint64_t events;           /* proc_event calls */
    uint64_t deadline;         /* the last proc_block_until */
    unsigned long interrupts;  /* Ctrl-C count */
    struct { const char *module, *name, *sig; wasm_host_fn fn; void *data; } defs[16];
    int ndefs;
} k;

struct net_stack *netif_stack(void) { return A; }
struct netdev *netif_primary(void) { return &L.end[0].dev; }
bool netif_lock(void) { return false; }
void netif_unlock(bool saved) { (void)saved; }
uint64_t timer_ns(void) { return L.now * 1000000u + 1; }
struct netdrv_stats virtio_net_stats(const struct netdev *dev)
{
    struct netdrv_stats s = {0};
    if (dev == &L.end[0].dev)
        s.rx_drops_nomem = 3, s.rx_drops_bad = 4, s.tx_full = 5;
    return s;
}
struct netdrv_stats e1000_stats(const struct netdev *dev) { (void)dev; return (struct netdrv_stats){0}; }
void proc_event(void) { k.events++; }
void proc_wake(struct proc *p) { k.events += p == &k.proc; } /* the reply wakes the pinger only */
void proc_block_until(uint64_t deadline_ns) { k.deadline = deadline_ns; }
struct proc *proc_get(int pid) { return pid == k.proc.pid ? &k.proc : NULL; }
unsigned long handle_console_interrupts(void) { return k.interrupts; }
void *wasi_guest(uint8_t *mem, uint64_t mem_size, uint64_t off, uint64_t len)
{
    return off > mem_size || len > mem_size - off ? NULL : mem + off;
}
int wasm_linker_define_func(wasm_linker *l, const char *module, const char *name, const char *signature,
                            wasm_host_fn fn, void *host_data)
{
    (void)l;
    if (k.ndefs == 16)
        return WASM_ERR_NOMEM;
    k.defs[k.ndefs].module = module, k.defs[k.ndefs].name = name, k.defs[k.ndefs].sig = signature;
    k.defs[k.ndefs].fn = fn, k.defs[k.ndefs].data = host_data;
    k.ndefs++;
    return WASM_OK;
}

/* ---- calling a handler as the engine does ---- */
#define MEM_SIZE 65536
static uint8_t mem[MEM_SIZE];

static int call(const char *name, uint64_t *slots)
{
    for (int i = 0; i < k.ndefs; i++)
        if (!strcmp(k.defs[i].name, name)) {
            struct wasm_host_call c = {.host_data = k.defs[i].data};
            return k.defs[i].fn(&c, slots, mem, MEM_SIZE);
        }
    printf("no handler %s\n", name);
    exit(1);
}

static void start(void)
{
    setup(42);
    memset(&k, 0, sizeof k);
    memset(mem, 0, sizeof mem);
    k.proc.pid = 7;
    k.proc.state = PROC_RUNNING;
    if (walos_net_link(&k.proc, NULL) != WASM_OK)
        exit(1);
}

static void finish(void)
{
    icmp_set_echo_notify(A, NULL, NULL);
    teardown();
}

/* echo to dst with these arguments until it stops blocking (stepping the link in between); returns
 * the errno, *blocks_out the number of WASM_BLOCKs */
static int echo_until_done(uint32_t dst, uint32_t seq, uint32_t len, uint32_t timeout_ms, int *blocks_out)
{
    int blocks = 0;
    for (int step = 0; step < 100000; step++) {
        uint64_t s[5] = {dst, seq, len, timeout_ms, 1024};
        int rc = call("echo", s);
        if (rc == WASM_OK) {
            *blocks_out = blocks;
            return (int)s[0];
        }
        if (rc != WASM_BLOCK)
            return -1;
        blocks++;
        uint64_t ev = k.events;
        while (k.events == ev && timer_ns() < k.deadline) /* parked: until an event or the deadline */
            fakelink_step(&L);
    }
    return -2;
}

/* ---- tests ---- */
static void test_link_table(void)
{
    start();
    CHECK_EQ(k.ndefs, 4);
    const char *want[4][2] = {{"ifaces", "(iii)i"}, {"sockets", "(iii)i"}, {"counters", "(iii)i"}, {"echo", "(iiiii)i"}};
    for (int i = 0; i < 4 && i < k.ndefs; i++) {
        CHECK(!strcmp(k.defs[i].module, "walos_net"));
        CHECK(!strcmp(k.defs[i].name, want[i][0]));
        CHECK(!strcmp(k.defs[i].sig, want[i][1]));
        CHECK(k.defs[i].data == &k.proc);
    }
    finish();
}

static void test_ifaces(void)
{
    start();
    int blocks;
    CHECK_EQ(echo_until_done(IP_B, 1, 56, 1000, &blocks), 0); /* some traffic to count */
    uint64_t s[3] = {0, 10 * sizeof(struct walos_net_iface), 4000};
    CHECK_EQ(call("ifaces", s), WASM_OK);
    CHECK_EQ(s[0], 0);
    uint32_t n;
    memcpy(&n, mem + 4000, 4);
    CHECK_EQ(n, 2);
    struct walos_net_iface lo, e;
    memcpy(&lo, mem, sizeof lo);
    memcpy(&e, mem + sizeof lo, sizeof e);
    CHECK(!strcmp(lo.name, "lo"));
    CHECK(lo.flags & WALOS_NET_IF_LOOPBACK);
    CHECK_EQ(lo.ip, NET_IP4(127, 0, 0, 1));
    CHECK_EQ(e.ip, IP_A);
    CHECK_EQ(e.netmask, NET_IP4(255, 255, 255, 0));
    CHECK_EQ(e.mtu, 1500);
    CHECK_EQ(e.flags, WALOS_NET_IF_UP); /* no DHCP on the fake link */
    CHECK(!memcmp(e.mac, L.end[0].dev.mac, 6));
    CHECK(e.rx_packets >= 2 && e.tx_packets >= 2); /* ARP + echo each way */
    CHECK_EQ(e.rx_packets, L.end[0].dev.rx_frames);
    CHECK_EQ(e.tx_bytes, L.end[0].dev.tx_bytes);
    CHECK(e.rx_bytes >= 42 + 98); /* an ARP reply and an echo reply (56 bytes of data), unpadded */
    CHECK_EQ(e.rx_dropped, 3);
    CHECK_EQ(e.rx_errors, 4);
    CHECK_EQ(e.tx_dropped, 5);
    /* room for one record: the count says 2, the second record is not written */
    memset(mem, 0xee, 2 * sizeof lo);
    uint64_t s2[3] = {0, sizeof lo + 10, 4000};
    CHECK_EQ(call("ifaces", s2), WASM_OK);
    memcpy(&n, mem + 4000, 4);
    CHECK_EQ(n, 2);
    CHECK(!strcmp((char *)mem, "lo"));
    CHECK_EQ(mem[sizeof lo], 0xee);
    uint64_t bad[3] = {MEM_SIZE - 10, 104, 0};
    CHECK_EQ(call("ifaces", bad), WASM_OK);
    CHECK_EQ(bad[0], WASI_EFAULT);
    finish();
}

static void test_sockets(void)
{
    start();
    struct tcp_pair p;
    CHECK(tcp_pair_open(&p, 8080, 2000)); /* client on A, listener and server on B */
    struct sock *l = NULL;
    CHECK_EQ(sock_open(A, SOCK_TYPE_STREAM, &l), 0);
    CHECK_EQ(sock_bind(l, 0, 9090), 0);
    CHECK_EQ(sock_listen(l, 4), 0);
    struct sock *u = NULL;
    CHECK_EQ(sock_open(A, SOCK_TYPE_DGRAM, &u), 0);
    CHECK_EQ(sock_bind(u, 0, 5353), 0);
    size_t sent = 0;
    CHECK_EQ(sock_send(p.client, "hello", 5, &sent), 0);
    CHECK_EQ(sent, 5);
    uint64_t s[3] = {0, 16 * sizeof(struct walos_net_socket), 4000};
    CHECK_EQ(call("sockets", s), WASM_OK);
    CHECK_EQ(s[0], 0);
    uint32_t n;
    memcpy(&n, mem + 4000, 4);
    CHECK_EQ(n, 3);
    bool seen_listen = false, seen_conn = false, seen_udp = false;
    for (uint32_t i = 0; i < n && i < 16; i++) {
        struct walos_net_socket r;
        memcpy(&r, mem + i * sizeof r, sizeof r);
        if (r.proto == WALOS_NET_PROTO_TCP && r.state == WALOS_NET_TCP_LISTEN && r.local_port == 9090)
            seen_listen = r.peer_ip == 0 && r.flags == WALOS_NET_SOCK_OWNED;
        if (r.proto == WALOS_NET_PROTO_TCP && r.state == WALOS_NET_TCP_ESTABLISHED && r.peer_port == 8080)
            seen_conn = r.peer_ip == IP_B && r.local_ip == IP_A && r.send_q == 5;
        if (r.proto == WALOS_NET_PROTO_UDP && r.local_port == 5353)
            seen_udp = r.state == 0 && r.send_q == 0;
    }
    CHECK(seen_listen);
    CHECK(seen_conn);
    CHECK(seen_udp);
    sock_close(l);
    sock_close(u);
    tcp_pair_close(&p);
    fakelink_skip(&L, 300000, 100);
    finish();
}

static void test_counters(void)
{
    start();
    int blocks;
    CHECK_EQ(echo_until_done(IP_B, 1, 56, 1000, &blocks), 0);
    uint64_t s[3] = {0, 8192, 9000};
    CHECK_EQ(call("counters", s), WASM_OK);
    uint32_t n;
    memcpy(&n, mem + 9000, 4);
    mem[n] = 0;
    char want[64];
    snprintf(want, sizeof want, "icmp_rx %lu\n", (unsigned long)net_stats(A)->icmp_rx);
    CHECK(strstr((char *)mem, want) != NULL);
    CHECK(!strncmp((char *)mem, "eth_rx ", 7));
    CHECK(strstr((char *)mem, "tcp_icmp_errors 0\n") != NULL); /* the last counter */
    int lines = 0;
    for (uint32_t i = 0; i < n; i++)
        lines += mem[i] == '\n';
    CHECK_EQ(lines, (int)(sizeof(struct net_stats) / sizeof(uint64_t)));
    /* a short buffer holds whole lines only */
    uint64_t s2[3] = {0, 20, 9000};
    CHECK_EQ(call("counters", s2), WASM_OK);
    memcpy(&n, mem + 9000, 4);
    CHECK(n > 0 && n <= 20);
    CHECK_EQ(mem[n - 1], '\n');
    finish();
}

static void test_echo_reply(void)
{
    start();
    int blocks = 0;
    CHECK_EQ(echo_until_done(IP_B, 9, 100, 2000, &blocks), 0);
    CHECK(blocks >= 1); /* it parked, it did not spin */
    struct walos_net_echo_reply r;
    memcpy(&r, mem + 1024, sizeof r);
    CHECK_EQ(r.from, IP_B);
    CHECK_EQ(r.seq, 9);
    CHECK_EQ(r.len, 100);
    CHECK_EQ(r.ttl, 64);
    CHECK(r.rtt_ns > 0 && r.rtt_ns < 100000000u);
    /* the next call starts afresh: another request, another answer */
    CHECK_EQ(echo_until_done(IP_B, 10, 8, 2000, &blocks), 0);
    memcpy(&r, mem + 1024, sizeof r);
    CHECK_EQ(r.seq, 10);
    finish();
}

static void test_echo_timeout(void)
{
    start();
    struct drop_plan plan = {.blackhole = true};
    int blocks;
    CHECK_EQ(echo_until_done(IP_B, 1, 56, 1000, &blocks), 0); /* resolve ARP first */
    L.filter = drop_filter;
    L.filter_arg = &plan;
    uint64_t t0 = L.now;
    CHECK_EQ(echo_until_done(IP_B, 2, 56, 300, &blocks), WASI_ETIMEDOUT);
    CHECK(L.now - t0 >= 300 && L.now - t0 < 320);
    CHECK(blocks >= 1);
    L.filter = NULL;
    CHECK_EQ(echo_until_done(IP_B, 3, 56, 1000, &blocks), 0);
    finish();
}

static void test_echo_late_reply_skipped(void)
{
    start();
    int blocks;
    CHECK_EQ(echo_until_done(IP_B, 1, 56, 1000, &blocks), 0);
    /* B answers after 50 ms: a 10 ms timeout gives up, and its reply must not answer the next call */
    L.delay_ms = 25;
    CHECK_EQ(echo_until_done(IP_B, 2, 56, 10, &blocks), WASI_ETIMEDOUT);
    CHECK_EQ(echo_until_done(IP_B, 3, 56, 1000, &blocks), 0);
    struct walos_net_echo_reply r;
    memcpy(&r, mem + 1024, sizeof r);
    CHECK_EQ(r.seq, 3);
    CHECK(r.rtt_ns >= 50000000u);
    finish();
}

static void test_echo_interrupt(void)
{
    start();
    struct drop_plan plan = {.blackhole = true};
    L.filter = drop_filter;
    L.filter_arg = &plan;
    uint64_t s[5] = {IP_B, 1, 56, 5000, 1024};
    CHECK_EQ(call("echo", s), WASM_BLOCK);
    fakelink_advance(&L, 20);
    k.interrupts++; /* Ctrl-C on the console */
    uint64_t s2[5] = {IP_B, 1, 56, 5000, 1024};
    CHECK_EQ(call("echo", s2), WASM_OK);
    CHECK_EQ(s2[0], WASI_EINTR);
    L.filter = NULL;
    finish();
}

static void test_echo_errors(void)
{
    start();
    uint64_t cases[][5] = {
        {IP_B, 1, 7, 1000, 1024},     /* payload under 8 bytes */
        {IP_B, 1, 1473, 1000, 1024},  /* over one frame */
        {IP_B, 70000, 56, 1000, 1024},/* sequence over 16 bits */
        {IP_B, 1, 56, 0, 1024},       /* no timeout */
        {IP_B, 1, 56, 60001, 1024},   /* timeout over a minute */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_EQ(call("echo", cases[i]), WASM_OK);
        CHECK_EQ(cases[i][0], WASI_EINVAL);
    }
    uint64_t fault[5] = {IP_B, 1, 56, 1000, MEM_SIZE - 8};
    CHECK_EQ(call("echo", fault), WASM_OK);
    CHECK_EQ(fault[0], WASI_EFAULT);
    uint64_t noroute[5] = {NET_IP4(192, 0, 2, 1), 1, 56, 1000, 1024}; /* off-link, no gateway */
    CHECK_EQ(call("echo", noroute), WASM_OK);
    CHECK_EQ(noroute[0], WASI_ENETUNREACH);
    finish();
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"link_table", test_link_table},
        {"ifaces", test_ifaces},
        {"sockets", test_sockets},
        {"counters", test_counters},
        {"echo_reply", test_echo_reply},
        {"echo_timeout", test_echo_timeout},
        {"echo_late_reply_skipped", test_echo_late_reply_skipped},
        {"echo_interrupt", test_echo_interrupt},
        {"echo_errors", test_echo_errors},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
