/* ping — sends ICMP echo requests through walos_net_echo (sdk/walos_net.h) and prints the replies and
 * a summary the way Linux iputils ping does:
 *
 *   ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] HOST
 *
 * COUNT requests (default: until Ctrl-C), one every INTERVAL seconds (default 1, at least 0.2), each
 * waiting up to TIMEOUT seconds (default 1) for its reply; SIZE payload bytes (default 56, 8..1472).
 * HOST is a dotted IPv4 address or a name, resolved once with sock_getaddrinfo (the WasmEdge socket
 * extension, sdk/wasmedge_socket.h: the process needs allow-net, which the shell passes on).
 * Exit status: 0 when at least one reply came, 1 when none did, 2 on an error (bad usage, unknown
 * name, network unreachable). */
#include <stdint.h>

#include "netutil.h"
#include "prog.h"
#include "sdk/walos_net.h"
#include "sdk/wasmedge_socket.h"

struct ping_stats {
    unsigned sent, received;
    uint64_t min_ns, max_ns;
    double sum_ms, sum_sq_ms;
};

static double sqrt_newton(double x)
{
    if (x <= 0)
        return 0;
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 60; i++)
        r = (r + x / r) / 2;
    return r;
}

static int usage(void)
{
    fprintf(stderr, "usage: ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] HOST\n");
    return 2;
}

/* The IPv4 address of name (getaddrinfo's first IPv4 answer); 0 or the WASI/WasmEdge error. */
static uint32_t resolve(const char *name, uint32_t *ip_out)
{
    wasmedge_addrinfo hints = {.family = WASMEDGE_AF_INET4, .socktype = WASMEDGE_SOCK_DGRAM};
    wasmedge_addrinfo res;
    uint8_t data[26];
    wasmedge_sockaddr sa = {.sa_data_len = sizeof data, .sa_data = data};
    memset(&res, 0, sizeof res);
    res.addr = &sa;
    wasmedge_addrinfo *first = &res;
    uint32_t n = 0;
    uint32_t e = wasmedge_sock_getaddrinfo(name, (uint32_t)strlen(name), "", 0, &hints, &first, 1, &n);
    if (e)
        return e;
    if (n < 1 || res.family != WASMEDGE_AF_INET4 || sa.sa_data_len < 6)
        return WASMEDGE_EAI_NODATA;
    *ip_out = (uint32_t)data[2] << 24 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 8 | data[5];
    return 0;
}

static const char *resolve_error(uint32_t e)
{
    switch (e) {
    case WASMEDGE_EAI_NONAME:
    case WASMEDGE_EAI_NODATA:
        return "Name or service not known";
    case WASMEDGE_EAI_AGAIN:
        return "Temporary failure in name resolution";
    case __WASI_ERRNO_ACCES:
        return "name resolution not allowed (no allow-net)";
    default:
        return "name resolution failed";
    }
}

static void print_summary(const char *host, const struct ping_stats *st, uint64_t elapsed_ns)
{
    unsigned loss = st->sent ? (st->sent - st->received) * 100 / st->sent : 0;
    printf("\n--- %s ping statistics ---\n", host);
    printf("%u packets transmitted, %u received, %u%% packet loss, time %llums\n", st->sent, st->received, loss,
           (unsigned long long)(elapsed_ns / 1000000u));
    if (st->received) {
        double avg = st->sum_ms / st->received;
        double var = st->sum_sq_ms / st->received - avg * avg;
        printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", st->min_ns / 1e6, avg, st->max_ns / 1e6,
               sqrt_newton(var));
    }
}

int main(int argc, char **argv)
{
    long count = -1, size = 56;
    double interval_s = 1.0, timeout_s = 1.0;
    int opt;
    while ((opt = getopt(argc, argv, "c:i:W:s:")) != -1) {
        char *end;
        switch (opt) {
        case 'c':
            count = strtol(optarg, &end, 10);
            if (*end || count < 1)
                return usage();
            break;
        case 'i':
            interval_s = strtod(optarg, &end);
            if (*end || interval_s < 0.2 || interval_s > 3600)
                return usage();
            break;
        case 'W':
            timeout_s = strtod(optarg, &end);
            if (*end || timeout_s < 0.001 || timeout_s > 60)
                return usage();
            break;
        case 's':
            size = strtol(optarg, &end, 10);
            if (*end || size < 8 || size > WALOS_NET_ECHO_MAX)
                return usage();
            break;
        default:
            return usage();
        }
    }
    if (optind != argc - 1)
        return usage();
    const char *host = argv[optind];
    uint32_t dst;
    if (!netutil_parse_ip(host, &dst)) {
        uint32_t e = resolve(host, &dst);
        if (e) {
            fprintf(stderr, "ping: %s: %s (error %u)\n", host, resolve_error(e), (unsigned)e);
            return 2;
        }
    }
    char dst_str[16];
    netutil_ip_str(dst, dst_str);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("PING %s (%s) %ld(%ld) bytes of data.\n", host, dst_str, size, size + 28);
    struct ping_stats st = {.min_ns = UINT64_MAX};
    uint64_t start = netutil_now_ns(), interval_ns = (uint64_t)(interval_s * 1e9);
    uint32_t timeout_ms = (uint32_t)(timeout_s * 1000);
    int status = 0;
    for (long seq = 1; count < 0 || seq <= count; seq++) {
        uint64_t t0 = netutil_now_ns();
        struct walos_net_echo_reply r;
        st.sent++;
        int err = walos_net_echo(dst, (uint32_t)(seq & 0xffff), (uint32_t)size, timeout_ms, &r);
        if (err == __WASI_ERRNO_INTR) {
            st.sent--;
            break;
        }
        if (err == __WASI_ERRNO_TIMEDOUT) {
            printf("no answer from %s: icmp_seq=%ld\n", dst_str, seq);
        } else if (err) {
            errno = err;
            fprintf(stderr, "ping: %s: %s\n", host, strerror(errno));
            status = 2;
            break;
        } else {
            char from[16];
            double ms = r.rtt_ns / 1e6;
            printf("%u bytes from %s: icmp_seq=%ld ttl=%u time=%.3f ms\n", r.len + 8, netutil_ip_str(r.from, from),
                   seq, r.ttl, ms);
            st.received++;
            st.sum_ms += ms;
            st.sum_sq_ms += ms * ms;
            if (r.rtt_ns < st.min_ns)
                st.min_ns = r.rtt_ns;
            if (r.rtt_ns > st.max_ns)
                st.max_ns = r.rtt_ns;
        }
        if (count >= 0 && seq == count)
            break;
        uint64_t spent = netutil_now_ns() - t0;
        if (spent < interval_ns)
            netutil_sleep_ns(interval_ns - spent);
    }
    print_summary(host, &st, netutil_now_ns() - start);
    if (status)
        return status;
    return st.received ? 0 : 1;
}
