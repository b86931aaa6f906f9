/* kernel/net/netif_kernel.c — the kernel's stack over its NICs (contract in netif_kernel.h). */
#include "kernel/net/netif_kernel.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/cmdline.h"
#include "kernel/drivers/e1000.h"
#include "kernel/drivers/virtio_net.h"
#include "kernel/net/arp.h"
#include "kernel/net/dhcp.h"
#include "kernel/net/icmp.h"
#include "kernel/net/net.h"
#include "kernel/net/netdev.h"
#include "kernel/printk.h"

#define NETIF_MAX 4
#define PING_ID 0x7761 /* "wa" */
#define NETIF_LOOPBACK_BUDGET 64 /* loopback frames delivered per unlock (the rest: next tick) */

static struct {
    struct net_stack *stack;
    struct netdev *devs[NETIF_MAX];
    int count;
    uint32_t logged_ip;   /* the address last logged */
    bool gateway_logged;
    bool static_ip;       /* net.ip= configured the first NIC: no DHCP */
    bool in_stack;        /* a call into the stack is running (re-entry guard) */
} ni;

static uint64_t now_ms(void)
{
    return timer_ns() / 1000000u;
}

bool netif_lock(void)
{
    return irq_save();
}

void netif_unlock(bool saved)
{
    /* the outermost unlock: what the call sent to 127.0.0.1 is delivered now, not at the next tick
     * (ping 127.0.0.1 took 4.5-9.7 ms under TCG); not from inside the stack (re-entry guard) */
    if (saved && ni.stack && !ni.in_stack) {
        ni.in_stack = true;
        net_loopback_flush(ni.stack, now_ms(), NETIF_LOOPBACK_BUDGET);
        ni.in_stack = false;
    }
    irq_restore(saved);
}

struct net_stack *netif_stack(void)
{
    return ni.stack;
}

struct netdev *netif_primary(void)
{
    return ni.count ? ni.devs[0] : NULL;
}

bool netif_configured(void)
{
    return ni.count && ni.devs[0]->ip != 0;
}

/* the drivers' receive callback: IRQ context, interrupts off, so the lock is held */
static void rx_frame(struct netdev *dev, struct netbuf *nb)
{
    if (!ni.stack || ni.in_stack) { /* cannot happen with interrupts off in every stack caller */
        netbuf_free(nb);
        return;
    }
    ni.in_stack = true;
    if (nb) {
        if (netdev_input(dev, nb) != NET_OK)
            netbuf_free(nb);
    } else {
        net_tick(ni.stack, now_ms());
    }
    ni.in_stack = false;
}

static void ip_str(uint32_t ip, char out[16])
{
    int n = 0;
    for (int i = 3; i >= 0; i--) {
        unsigned b = (ip >> (i * 8)) & 0xff;
        if (b >= 100)
            out[n++] = (char)('0' + b / 100);
        if (b >= 10)
            out[n++] = (char)('0' + b / 10 % 10);
        out[n++] = (char)('0' + b % 10);
        if (i)
            out[n++] = '.';
    }
    out[n] = 0;
}

static int prefix_len(uint32_t mask)
{
    int n = 0;
    while (mask & 0x80000000u) {
        n++;
        mask <<= 1;
    }
    return n;
}

/* lock held */
static void report_changes(void)
{
    struct netdev *d = netif_primary();
    if (!d || d->ip == ni.logged_ip)
        goto gateway;
    ni.logged_ip = d->ip;
    ni.gateway_logged = false;
    char ip[16], gw[16], dns[16];
    ip_str(d->ip, ip);
    ip_str(d->gateway, gw);
    ip_str(d->dns_server, dns);
    printk("net: %s %s/%d gateway %s dns %s (%s)\n", d->name, ip, prefix_len(d->netmask),
           d->gateway ? gw : "none", d->dns_server ? dns : "none", /* QEMU restrict=on offers neither */
           ni.static_ip ? "static" : "DHCP");
    if (d->gateway)
        icmp_echo_request(ni.stack, d->gateway, PING_ID, 1, 8); /* resolves the gateway's ARP entry */
gateway:;
    uint8_t mac[6];
    if (d && d->ip && d->gateway && !ni.gateway_logged && arp_lookup(ni.stack, d->gateway, mac)) {
        ni.gateway_logged = true;
        ip_str(d->gateway, gw);
        printk("net: gateway %s is %02x:%02x:%02x:%02x:%02x:%02x\n", gw, mac[0], mac[1], mac[2], mac[3],
               mac[4], mac[5]);
    }
}

void netif_poll(void)
{
    if (!ni.stack)
        return;
    bool on = netif_lock();
    ni.in_stack = true;
    net_tick(ni.stack, now_ms());
    report_changes();
    ni.in_stack = false;
    netif_unlock(on);
}

/* Parses "A.B.C.D" at *s, advancing it; false when malformed. */
static bool parse_ip(const char **s, uint32_t *ip_out)
{
    uint32_t ip = 0;
    for (int i = 0; i < 4; i++) {
        if (**s < '0' || **s > '9')
            return false;
        unsigned v = 0;
        while (**s >= '0' && **s <= '9' && v <= 255)
            v = v * 10 + (unsigned)(*(*s)++ - '0');
        if (v > 255 || (i < 3 && *(*s)++ != '.'))
            return false;
        ip = ip << 8 | v;
    }
    *ip_out = ip;
    return true;
}

/* net.ip=A.B.C.D/N[,GATEWAY]: a static address for the first NIC instead of DHCP (raw-link tests,
 * where no DHCP server answers). False when absent or malformed (then DHCP runs). */
static bool static_config(struct netdev *d)
{
    char val[48];
    if (!cmdline_value("net.ip", val, sizeof val))
        return false;
    const char *s = val;
    uint32_t ip, gw = 0;
    unsigned prefix = 0;
    if (!parse_ip(&s, &ip) || *s++ != '/' || *s < '0' || *s > '9')
        goto bad;
    while (*s >= '0' && *s <= '9')
        prefix = prefix * 10 + (unsigned)(*s++ - '0');
    if (prefix < 1 || prefix > 32 || (*s == ',' && (s++, !parse_ip(&s, &gw))) || *s)
        goto bad;
    d->netmask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
    d->gateway = gw;
    d->ip = ip;
    return true;
bad:
    printk("net: net.ip=%s is not A.B.C.D/N[,GATEWAY]: using DHCP\n", val);
    return false;
}

int netif_init(void)
{
    int next = 0;
    struct netdev *found[NETIF_MAX];
    int n = virtio_net_probe(found, NETIF_MAX, &next, rx_frame);
    n += e1000_probe(found + n, NETIF_MAX - n, &next, rx_frame);
    if (!n) {
        printk("net: no network interface\n");
        return cmdline_is("test", "net-echo");
    }
    bool on = netif_lock();
    ni.stack = net_create((uint32_t)rdtsc());
    if (!ni.stack) {
        netif_unlock(on);
        printk("net: out of memory for the stack\n");
        return 1;
    }
    for (int i = 0; i < n; i++)
        if (net_add_netdev(ni.stack, found[i]) == NET_OK)
            ni.devs[ni.count++] = found[i];
    net_tick(ni.stack, now_ms());
    ni.static_ip = static_config(ni.devs[0]);
    int err = ni.static_ip ? 0 : dhcp_start(ni.stack, ni.devs[0]);
    netif_unlock(on);
    printk("net: %d interface(s), %s on %s%s\n", ni.count, ni.static_ip ? "static address" : "DHCP",
           ni.devs[0]->name, err ? " failed to start" : "");
    if (cmdline_is("test", "net-echo"))
        netif_test_serve();
    return 0;
}

static void print_counter(const char *name, uint64_t v)
{
    if (v)
        printk(" %s=%lu", name, v);
}

void netif_print_stats(void)
{
    if (!ni.stack)
        return;
    for (int i = 0; i < ni.count; i++) {
        struct netdev *d = ni.devs[i];
        struct netdrv_stats s = virtio_net_stats(d);
        struct netdrv_stats e = e1000_stats(d);
        char ip[16];
        ip_str(d->ip, ip);
        printk("netstat: %s %s rx %lu tx %lu txerr %lu irq %lu rxdrop %lu txfull %lu\n", d->name, ip,
               d->rx_frames, d->tx_frames, d->tx_errors, s.interrupts + e.interrupts,
               s.rx_drops_nomem + s.rx_drops_bad + e.rx_drops_nomem + e.rx_drops_bad, s.tx_full + e.tx_full);
    }
    bool on = netif_lock();
    struct net_stats st = *net_stats(ni.stack);
    netif_unlock(on);
    printk("netstat:");
#define C(f) print_counter(#f, st.f)
    C(eth_rx), C(eth_tx), C(eth_drop_short), C(eth_drop_addr), C(eth_drop_type), C(arp_rx), C(arp_tx);
    C(arp_drop), C(arp_timeouts), C(arp_pending_drop), C(ip_rx), C(ip_tx), C(ip_drop_short);
    C(ip_drop_version), C(ip_drop_len), C(ip_drop_chksum), C(ip_drop_addr), C(ip_drop_proto), C(ip_noroute);
    C(ip_frag_rx), C(ip_frag_tx), C(ip_frag_dup), C(ip_reasm_ok), C(ip_reasm_drop), C(ip_reasm_timeout);
    C(icmp_rx), C(icmp_tx), C(icmp_drop), C(udp_rx), C(udp_tx), C(udp_drop_short), C(udp_drop_chksum);
    C(udp_noport), C(udp_drop_queue), C(tcp_rx), C(tcp_tx), C(tcp_drop_short), C(tcp_drop_chksum);
    C(tcp_drop_opts), C(tcp_drop_outwin), C(tcp_drop_noconn), C(tcp_drop_syn_backlog), C(tcp_drop_ooo);
    C(tcp_rst_rx), C(tcp_rst_tx), C(tcp_challenge_ack), C(tcp_ack_ratelimited), C(tcp_retransmits);
    C(tcp_fast_retransmits), C(tcp_timeouts), C(tcp_dupacks), C(tcp_partial_acks), C(tcp_delayed_acks);
    C(tcp_ooo_segments), C(tcp_window_probes), C(tcp_keepalive_probes), C(tcp_icmp_errors), C(tcp_syn_evicted),
    C(tcp_tw_recycled);
    C(lo_prompt), C(lo_tick);
#undef C
    printk("\n");
}
