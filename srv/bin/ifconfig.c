/* ifconfig — prints the network interfaces the way Linux net-tools ifconfig does (walos_net_ifaces,
 * sdk/walos_net.h); read-only (addresses come from DHCP or the net.ip= boot switch).
 *
 *   ifconfig [-w SECONDS] [NAME]
 *
 * NAME: only that interface (exit 1 when there is none). -w: first wait up to SECONDS for the
 * interface (NAME, or every interface but the loopback) to have an address, checking every 100 ms
 * while the process sleeps; exit 1 when the time runs out (the listing is printed anyway). */
#include <stdint.h>

#include "netutil.h"
#include "prog.h"
#include "sdk/walos_net.h"

#define IFACES_MAX 8

static int usage(void)
{
    fprintf(stderr, "usage: ifconfig [-w SECONDS] [NAME]\n");
    return 2;
}

static void print_bytes(uint64_t b)
{
    if (b >= 1000000000u)
        printf(" (%.1f GB)", b / 1e9);
    else if (b >= 1000000u)
        printf(" (%.1f MB)", b / 1e6);
    else if (b >= 1000u)
        printf(" (%.1f KB)", b / 1e3);
    else
        printf(" (%llu B)", (unsigned long long)b);
}

static void print_iface(const struct walos_net_iface *f)
{
    char ip[16], mask[16], bcast[16], gw[16], dns[16];
    printf("%s: flags=<%s%s%s%s>  mtu %u\n", f->name, f->flags & WALOS_NET_IF_UP ? "UP" : "DOWN",
           f->flags & WALOS_NET_IF_LOOPBACK ? ",LOOPBACK" : ",BROADCAST",
           f->flags & WALOS_NET_IF_UP ? ",RUNNING" : "", f->flags & WALOS_NET_IF_DHCP ? ",DHCP" : "", f->mtu);
    if (f->ip) {
        printf("        inet %s  netmask %s", netutil_ip_str(f->ip, ip), netutil_ip_str(f->netmask, mask));
        if (!(f->flags & WALOS_NET_IF_LOOPBACK))
            printf("  broadcast %s", netutil_ip_str(f->ip | ~f->netmask, bcast));
        printf("\n");
    } else {
        printf("        inet (none: not configured yet)\n");
    }
    if (f->gateway || f->dns)
        printf("        gateway %s  dns %s\n", f->gateway ? netutil_ip_str(f->gateway, gw) : "none",
               f->dns ? netutil_ip_str(f->dns, dns) : "none");
    if (f->flags & WALOS_NET_IF_LOOPBACK)
        printf("        loop  (Local Loopback)\n");
    else
        printf("        ether %02x:%02x:%02x:%02x:%02x:%02x  (Ethernet)\n", f->mac[0], f->mac[1], f->mac[2],
               f->mac[3], f->mac[4], f->mac[5]);
    printf("        RX packets %llu  bytes %llu", (unsigned long long)f->rx_packets, (unsigned long long)f->rx_bytes);
    print_bytes(f->rx_bytes);
    printf("\n        RX errors %llu  dropped %llu\n", (unsigned long long)f->rx_errors,
           (unsigned long long)f->rx_dropped);
    printf("        TX packets %llu  bytes %llu", (unsigned long long)f->tx_packets, (unsigned long long)f->tx_bytes);
    print_bytes(f->tx_bytes);
    printf("\n        TX errors %llu  dropped %llu\n\n", (unsigned long long)f->tx_errors,
           (unsigned long long)f->tx_dropped);
}

/* Reads the interface table into ifs; returns how many were written, or -1 after printing an error. */
static int read_ifaces(struct walos_net_iface *ifs)
{
    uint32_t n = 0;
    int err = walos_net_ifaces(ifs, IFACES_MAX * sizeof(*ifs), &n);
    if (err) {
        prog_fail_errno("ifconfig", "walos_net_ifaces", err);
        return -1;
    }
    return n > IFACES_MAX ? IFACES_MAX : (int)n;
}

/* Whether the interfaces that -w waits for have an address. */
static bool configured(const struct walos_net_iface *ifs, int n, const char *name)
{
    int seen = 0;
    for (int i = 0; i < n; i++) {
        bool want = name ? !strcmp(ifs[i].name, name) : !(ifs[i].flags & WALOS_NET_IF_LOOPBACK);
        if (!want)
            continue;
        seen++;
        if (!ifs[i].ip)
            return false;
    }
    return seen > 0;
}

int main(int argc, char **argv)
{
    double wait_s = -1;
    int opt;
    while ((opt = getopt(argc, argv, "w:")) != -1) {
        char *end;
        if (opt != 'w')
            return usage();
        wait_s = strtod(optarg, &end);
        if (*end || wait_s < 0 || wait_s > 3600)
            return usage();
    }
    if (optind < argc - 1)
        return usage();
    const char *name = optind < argc ? argv[optind] : NULL;
    struct walos_net_iface ifs[IFACES_MAX];
    int n = read_ifaces(ifs);
    if (n < 0)
        return 1;
    int status = 0;
    if (wait_s >= 0) {
        uint64_t deadline = netutil_now_ns() + (uint64_t)(wait_s * 1e9);
        while (!configured(ifs, n, name)) {
            if (netutil_now_ns() >= deadline) {
                fprintf(stderr, "ifconfig: no address after %.1f s\n", wait_s);
                status = 1;
                break;
            }
            netutil_sleep_ns(100000000u);
            if ((n = read_ifaces(ifs)) < 0)
                return 1;
        }
    }
    int shown = 0;
    for (int i = 0; i < n; i++)
        if (!name || !strcmp(ifs[i].name, name)) {
            print_iface(&ifs[i]);
            shown++;
        }
    if (name && !shown) {
        fprintf(stderr, "ifconfig: %s: no such interface\n", name);
        return 1;
    }
    return status;
}
