/* kernel/proc/walos_net.c — the walos_net import module (contract in kernel/proc/walos_net.h and,
 * for programs, sdk/walos_net.h): what ping, ifconfig and netstat ask the network stack.
 *
 * Below: the kernel's stack and its lock (kernel/net/netif_kernel.h), the stack's accessors
 * (net_get_netdev and net_stats in net.h, tcp_list, udp_list, icmp_echo_request and
 * icmp_echo_reply_take), the NIC drivers' counters (virtio_net_stats, e1000_stats). One table of
 * (name, signature, handler), as kernel/proc/walos_ext.c.
 *
 * Echo: a call sends the request and parks the process; the stack's echo-notify hook (called from
 * the receive path, interrupts off) stamps the arrival time on the waiter and wakes it (proc_wake),
 * so the retried call finds the reply at once. Waiters live in one table indexed by nothing
 * but a linear search on pid (at most PROC_MAX processes wait at once). The ICMP identifier of a
 * process is 0x8000 | pid, so two pinging processes never take each other's replies, and the
 * kernel's own gateway ping (0x7761) is apart. */
#include "kernel/proc/walos_net.h"

#include <stddef.h>

#include "kernel/arch/x86_64/timer.h"
#include "kernel/drivers/e1000.h"
#include "kernel/drivers/virtio_net.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/net/dhcp.h"
#include "kernel/net/icmp.h"
#include "kernel/net/net.h"
#include "kernel/net/netdev.h"
#include "kernel/net/netif_kernel.h"
#include "kernel/net/tcp.h"
#include "kernel/net/udp.h"
#include "kernel/proc/guest_records.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/proc.h"
#include "wasi/wasi_priv.h"

#define IFACE_BYTES 104          /* struct walos_net_iface */
#define SOCKET_BYTES 32          /* struct walos_net_socket */
#define ECHO_REPLY_BYTES 24      /* struct walos_net_echo_reply */
#define ECHO_LEN_MIN 8
#define ECHO_LEN_MAX 1472
#define ECHO_TIMEOUT_MAX_MS 60000
#define LIST_MAX 512             /* sockets of each protocol copied per call */
#define IF_FLAG_UP 1u
#define IF_FLAG_LOOPBACK 2u
#define IF_FLAG_DHCP 4u
#define PROTO_TCP 6
#define PROTO_UDP 17
#define SOCK_OWNED 1u

/* One process parked in echo. Guarded by the network lock (the notify hook runs under it). */
struct echo_waiter {
    int pid;                     /* 0: free */
    uint32_t dst;
    uint16_t id, seq;
    uint64_t sent_ns, deadline_ns;
    uint64_t arrival_ns;         /* set by the notify hook; 0 until the reply came */
    unsigned long interrupts;    /* console Ctrl-C count when the call began */
};

static struct {
    struct echo_waiter waiters[PROC_MAX];
    struct net_stack *hooked;    /* the stack whose echo notify points here */
} wn;

static int ret(uint64_t *slots, int err)
{
    slots[0] = (uint32_t)err;
    return WASM_OK;
}

static int errno_of(int net_err)
{
    switch (net_err) {
    case NET_OK: return WASI_ESUCCESS;
    case NET_ERR_NOROUTE: return WASI_ENETUNREACH;
    case NET_ERR_NOMEM: return WASI_ENOMEM;
    case NET_ERR_MSGSIZE: return WASI_EMSGSIZE;
    default: return WASI_EIO;
    }
}

/* ---- interfaces --------------------------------------------------------------------------------- */

static void put_iface(uint8_t *rec, const struct netdev *d)
{
    struct netdrv_stats v = virtio_net_stats(d), e = e1000_stats(d); /* zero for another driver's */
    bool dhcp = d == netif_primary() && dhcp_get_state(netif_stack()) != DHCP_OFF;
    uint32_t flags = (d->flags & NETDEV_FLAG_UP ? IF_FLAG_UP : 0) |
                     (d->flags & NETDEV_FLAG_LOOPBACK ? IF_FLAG_LOOPBACK : 0) | (dhcp ? IF_FLAG_DHCP : 0);
    uint32_t u[8] = {d->ip, d->netmask, d->gateway, d->dns_server, flags, 0};
    uint64_t c[8] = {d->rx_frames, d->rx_bytes, v.rx_drops_nomem + e.rx_drops_nomem,
                     v.rx_drops_bad + e.rx_drops_bad, d->tx_frames, d->tx_bytes, v.tx_full + e.tx_full,
                     d->tx_errors};
    memset(rec, 0, IFACE_BYTES);
    memcpy(rec, d->name, strnlen(d->name, sizeof d->name));
    memcpy(rec + 8, d->mac, 6);
    memcpy(rec + 14, &d->mtu, 2);
    memcpy(rec + 16, u, 24);
    memcpy(rec + 40, c, 64);
}

/* ifaces(buf, buf_len, count_out) -> errno */
static int net_ifaces(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    struct ext_records r;
    if (!ext_records_begin(&r, slots, mem, mem_size, IFACE_BYTES))
        return ret(slots, WASI_EFAULT);
    struct net_stack *stack = netif_stack();
    if (stack) {
        bool on = netif_lock();
        for (struct netdev *d; (d = net_get_netdev(stack, (int)r.count));) {
            uint8_t *dst = ext_records_next(&r);
            if (dst)
                put_iface(dst, d);
        }
        netif_unlock(on);
    }
    ext_records_end(&r);
    return ret(slots, WASI_ESUCCESS);
}

/* ---- sockets ------------------------------------------------------------------------------------ */

static void put_socket(uint8_t *rec, uint32_t proto, uint32_t state, uint32_t lip, uint32_t pip, uint16_t lport,
                       uint16_t pport, uint32_t recv_q, uint32_t send_q, uint32_t flags)
{
    uint32_t head[4] = {proto, state, lip, pip};
    uint16_t ports[2] = {lport, pport};
    uint32_t tail[3] = {recv_q, send_q, flags};
    memcpy(rec, head, 16);
    memcpy(rec + 16, ports, 4);
    memcpy(rec + 20, tail, 12);
}

/* sockets(buf, buf_len, count_out) -> errno */
static int net_sockets(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    struct ext_records r;
    if (!ext_records_begin(&r, slots, mem, mem_size, SOCKET_BYTES))
        return ret(slots, WASI_EFAULT);
    struct net_stack *stack = netif_stack();
    if (!stack) {
        ext_records_end(&r);
        return ret(slots, WASI_ESUCCESS);
    }
    struct tcp_conn *tcp = kmalloc(LIST_MAX * sizeof(*tcp));
    struct udp_endpoint *udp = kmalloc(LIST_MAX * sizeof(*udp));
    if (!tcp || !udp) {
        kfree(tcp);
        kfree(udp);
        return ret(slots, WASI_ENOMEM);
    }
    bool on = netif_lock();
    int ntcp = tcp_list(stack, tcp, LIST_MAX), nudp = udp_list(stack, udp, LIST_MAX);
    netif_unlock(on);
    uint8_t *dst;
    for (int i = 0; i < ntcp && i < LIST_MAX; i++)
        if ((dst = ext_records_next(&r)))
            put_socket(dst, PROTO_TCP, (uint32_t)tcp[i].state, tcp[i].local_ip,
                       tcp[i].remote_ip, tcp[i].local_port, tcp[i].remote_port, tcp[i].recv_q, tcp[i].send_q,
                       tcp[i].user || tcp[i].state == TCP_LISTEN ? SOCK_OWNED : 0);
    for (int i = 0; i < nudp && i < LIST_MAX; i++)
        if ((dst = ext_records_next(&r)))
            put_socket(dst, PROTO_UDP, 0, udp[i].local_ip, udp[i].remote_ip,
                       udp[i].local_port, udp[i].remote_port, udp[i].queued_bytes, 0, SOCK_OWNED);
    kfree(tcp);
    kfree(udp);
    ext_records_end(&r);
    return ret(slots, WASI_ESUCCESS);
}

/* ---- counters ----------------------------------------------------------------------------------- */

/* ORDER: the fields of struct net_stats (kernel/net/net.h); a new counter gets a line here. */
#define COUNTER(f) {#f, offsetof(struct net_stats, f)}
static const struct counter_name {
    const char *name;
    size_t offset;
} counters[] = {
    COUNTER(eth_rx), COUNTER(eth_tx), COUNTER(eth_drop_short), COUNTER(eth_drop_addr), COUNTER(eth_drop_type),
    COUNTER(arp_rx), COUNTER(arp_tx), COUNTER(arp_drop), COUNTER(arp_timeouts), COUNTER(arp_pending_drop),
    COUNTER(ip_rx), COUNTER(ip_tx), COUNTER(ip_drop_short), COUNTER(ip_drop_version), COUNTER(ip_drop_len),
    COUNTER(ip_drop_chksum), COUNTER(ip_drop_addr), COUNTER(ip_drop_proto), COUNTER(ip_noroute),
    COUNTER(ip_frag_rx), COUNTER(ip_frag_tx), COUNTER(ip_frag_dup), COUNTER(ip_reasm_ok), COUNTER(ip_reasm_drop),
    COUNTER(ip_reasm_timeout), COUNTER(icmp_rx), COUNTER(icmp_tx), COUNTER(icmp_drop), COUNTER(udp_rx),
    COUNTER(udp_tx), COUNTER(udp_drop_short), COUNTER(udp_drop_chksum), COUNTER(udp_noport),
    COUNTER(udp_drop_queue), COUNTER(tcp_rx), COUNTER(tcp_tx), COUNTER(tcp_drop_short), COUNTER(tcp_drop_chksum),
    COUNTER(tcp_drop_opts), COUNTER(tcp_drop_outwin), COUNTER(tcp_drop_noconn), COUNTER(tcp_drop_syn_backlog),
    COUNTER(tcp_drop_ooo), COUNTER(tcp_rst_rx), COUNTER(tcp_rst_tx), COUNTER(tcp_challenge_ack),
    COUNTER(tcp_ack_ratelimited), COUNTER(tcp_retransmits), COUNTER(tcp_fast_retransmits), COUNTER(tcp_timeouts),
    COUNTER(tcp_dupacks), COUNTER(tcp_partial_acks), COUNTER(tcp_delayed_acks), COUNTER(tcp_ooo_segments),
    COUNTER(tcp_window_probes), COUNTER(tcp_keepalive_probes), COUNTER(tcp_icmp_errors), COUNTER(tcp_syn_evicted), COUNTER(tcp_tw_recycled),
    COUNTER(lo_prompt), COUNTER(lo_tick),
};
#undef COUNTER
_Static_assert(sizeof counters / sizeof counters[0] == sizeof(struct net_stats) / sizeof(uint64_t),
               "every net_stats counter has a name");

/* counters(out, out_len, n_out) -> errno */
static int net_counters(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    (void)call;
    uint32_t out_len = (uint32_t)slots[1];
    char *out = wasi_guest(mem, mem_size, (uint32_t)slots[0], out_len);
    uint8_t *n_g = wasi_guest(mem, mem_size, (uint32_t)slots[2], 4);
    if (!out || !n_g)
        return ret(slots, WASI_EFAULT);
    struct net_stats st = {0};
    struct net_stack *stack = netif_stack();
    if (stack) {
        bool on = netif_lock();
        st = *net_stats(stack);
        netif_unlock(on);
    }
    uint32_t n = 0;
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        uint64_t v;
        memcpy(&v, (const uint8_t *)&st + counters[i].offset, 8);
        char line[64];
        int k = snprintf(line, sizeof line, "%s %lu\n", counters[i].name, (unsigned long)v);
        if (k <= 0 || n + (uint32_t)k > out_len)
            break;
        memcpy(out + n, line, (size_t)k);
        n += (uint32_t)k;
    }
    memcpy(n_g, &n, 4);
    return ret(slots, WASI_ESUCCESS);
}

/* ---- echo --------------------------------------------------------------------------------------- */

/* The stack's echo-notify hook: receive path, network lock held. */
static void echo_arrived(void *arg, uint16_t id, uint16_t seq)
{
    (void)arg;
    for (int i = 0; i < PROC_MAX; i++) {
        struct echo_waiter *w = &wn.waiters[i];
        if (w->pid && w->id == id && w->seq == seq && !w->arrival_ns) {
            w->arrival_ns = timer_ns();
            proc_wake(proc_get(w->pid)); /* only the pinging process */
        }
    }
}

/* lock held */
static struct echo_waiter *waiter_of(int pid)
{
    for (int i = 0; i < PROC_MAX; i++)
        if (wn.waiters[i].pid == pid)
            return &wn.waiters[i];
    return NULL;
}

/* lock held: a free slot, reclaiming those of processes that ended while parked */
static struct echo_waiter *waiter_new(void)
{
    for (int i = 0; i < PROC_MAX; i++) {
        struct echo_waiter *w = &wn.waiters[i];
        struct proc *p = w->pid ? proc_get(w->pid) : NULL;
        if (!w->pid || !p || p->state == PROC_ZOMBIE) {
            memset(w, 0, sizeof(*w));
            return w;
        }
    }
    return NULL;
}

/* echo(dst, seq, len, timeout_ms, reply_out) -> errno; parks until the reply, the timeout or Ctrl-C */
static int net_echo(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size)
{
    struct proc *self = call->host_data;
    uint32_t dst = (uint32_t)slots[0], seq = (uint32_t)slots[1], len = (uint32_t)slots[2];
    uint32_t timeout_ms = (uint32_t)slots[3];
    uint8_t *out = wasi_guest(mem, mem_size, (uint32_t)slots[4], ECHO_REPLY_BYTES);
    if (!out)
        return ret(slots, WASI_EFAULT);
    if (len < ECHO_LEN_MIN || len > ECHO_LEN_MAX || seq > 0xffff || !timeout_ms || timeout_ms > ECHO_TIMEOUT_MAX_MS)
        return ret(slots, WASI_EINVAL);
    struct net_stack *stack = netif_stack();
    if (!stack)
        return ret(slots, WASI_ENETUNREACH);
    int err = WASI_ESUCCESS;
    bool on = netif_lock();
    if (wn.hooked != stack) {
        icmp_set_echo_notify(stack, echo_arrived, NULL);
        wn.hooked = stack;
    }
    struct echo_waiter *w = waiter_of(self->pid);
    if (w && (w->dst != dst || w->seq != seq)) /* left over from a call that did not finish */
        memset(w, 0, sizeof(*w));
    if (!w || !w->pid) {
        if (!w && !(w = waiter_new())) {
            err = WASI_ENOMEM;
            goto done;
        }
        *w = (struct echo_waiter){.pid = self->pid, .dst = dst, .id = (uint16_t)(0x8000 | (self->pid & 0x7fff)),
                                  .seq = (uint16_t)seq, .interrupts = handle_console_interrupts()};
        struct icmp_echo_reply stale;
        while (icmp_echo_reply_take(stack, w->id, &stale)) {
        }
        w->sent_ns = timer_ns();
        w->deadline_ns = w->sent_ns + (uint64_t)timeout_ms * 1000000u;
        int sent = icmp_echo_request(stack, dst, w->id, w->seq, len);
        if (sent != NET_OK) {
            err = errno_of(sent);
            goto free_waiter;
        }
    }
    struct icmp_echo_reply r;
    while (icmp_echo_reply_take(stack, w->id, &r)) {
        if (r.seq != w->seq || r.from != dst)
            continue; /* an earlier request's late answer */
        uint64_t arrival = w->arrival_ns ? w->arrival_ns : timer_ns();
        uint32_t u[4] = {r.from, w->seq, r.len, r.ttl};
        uint64_t rtt = arrival - w->sent_ns;
        memcpy(out, u, 16);
        memcpy(out + 16, &rtt, 8);
        goto free_waiter;
    }
    if (timer_ns() >= w->deadline_ns) {
        err = WASI_ETIMEDOUT;
        goto free_waiter;
    }
    if (handle_console_interrupts() != w->interrupts) {
        err = WASI_EINTR;
        goto free_waiter;
    }
    proc_block_until(w->deadline_ns); /* before unlocking: a reply now is an event we see */
    netif_unlock(on);
    return WASM_BLOCK;
free_waiter:
    memset(w, 0, sizeof(*w));
done:
    netif_unlock(on);
    return ret(slots, err);
}

struct net_import {
    const char *name;
    const char *signature;
    wasm_host_fn handler;
};

static const struct net_import imports[] = {
    {"ifaces",   "(iii)i",   net_ifaces},
    {"sockets",  "(iii)i",   net_sockets},
    {"counters", "(iii)i",   net_counters},
    {"echo",     "(iiiii)i", net_echo},
};

int walos_net_link(struct proc *p, wasm_linker *l)
{
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        int rc = wasm_linker_define_func(l, "walos_net", imports[i].name, imports[i].signature,
                                         imports[i].handler, p);
        if (rc != WASM_OK)
            return rc;
    }
    return WASM_OK;
}
