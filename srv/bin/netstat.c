/* netstat — prints the kernel's TCP connections and UDP endpoints the way Linux net-tools
 * `netstat -tuna` does, or with -s the stack's counters (walos_net_sockets, walos_net_counters in
 * sdk/walos_net.h).
 *
 *   netstat [-s]
 *
 * Every socket is listed (listening ones included); numbers only, no name resolution. -s prints one
 * "name value" line per counter, each drop reason on its own line. */
#include <stdint.h>

#include "netutil.h"
#include "prog.h"
#include "sdk/walos_net.h"

#define SOCKETS_MAX 512
#define COUNTERS_BYTES 8192

static const char *const tcp_states[] = {
    [WALOS_NET_TCP_CLOSED] = "CLOSE",          [WALOS_NET_TCP_LISTEN] = "LISTEN",
    [WALOS_NET_TCP_SYN_SENT] = "SYN_SENT",     [WALOS_NET_TCP_SYN_RECEIVED] = "SYN_RECV",
    [WALOS_NET_TCP_ESTABLISHED] = "ESTABLISHED", [WALOS_NET_TCP_FIN_WAIT_1] = "FIN_WAIT1",
    [WALOS_NET_TCP_FIN_WAIT_2] = "FIN_WAIT2",  [WALOS_NET_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [WALOS_NET_TCP_CLOSING] = "CLOSING",       [WALOS_NET_TCP_LAST_ACK] = "LAST_ACK",
    [WALOS_NET_TCP_TIME_WAIT] = "TIME_WAIT",
};

static void endpoint(char *out, size_t size, uint32_t ip, uint16_t port)
{
    char a[16];
    netutil_ip_str(ip, a);
    if (port)
        snprintf(out, size, "%s:%u", a, port);
    else
        snprintf(out, size, "%s:*", a);
}

static int print_counters(void)
{
    static char buf[COUNTERS_BYTES];
    uint32_t n = 0;
    int err = walos_net_counters(buf, sizeof buf, &n);
    if (err)
        return prog_fail_errno("netstat", "walos_net_counters", err);
    fwrite(buf, 1, n, stdout);
    return 0;
}

static int print_sockets(void)
{
    static struct walos_net_socket socks[SOCKETS_MAX];
    uint32_t n = 0;
    int err = walos_net_sockets(socks, sizeof socks, &n);
    if (err)
        return prog_fail_errno("netstat", "walos_net_sockets", err);
    printf("Active Internet connections (servers and established)\n");
    printf("Proto Recv-Q Send-Q Local Address           Foreign Address         State\n");
    for (uint32_t i = 0; i < n && i < SOCKETS_MAX; i++) {
        const struct walos_net_socket *s = &socks[i];
        char local[32], peer[32];
        endpoint(local, sizeof local, s->local_ip, s->local_port);
        endpoint(peer, sizeof peer, s->peer_ip, s->peer_port);
        bool tcp = s->proto == WALOS_NET_PROTO_TCP;
        const char *state = "";
        if (tcp)
            state = s->state < sizeof tcp_states / sizeof tcp_states[0] ? tcp_states[s->state] : "UNKNOWN";
        printf("%-5s %6u %6u %-23s %-23s %s\n", tcp ? "tcp" : "udp", s->recv_q, s->send_q, local, peer, state);
    }
    if (n > SOCKETS_MAX)
        printf("(%u more not shown)\n", n - SOCKETS_MAX);
    return 0;
}

int main(int argc, char **argv)
{
    bool stats = false;
    int opt;
    while ((opt = getopt(argc, argv, "s")) != -1) {
        if (opt != 's') {
            fprintf(stderr, "usage: netstat [-s]\n");
            return 2;
        }
        stats = true;
    }
    if (optind != argc) {
        fprintf(stderr, "usage: netstat [-s]\n");
        return 2;
    }
    return stats ? print_counters() : print_sockets();
}
