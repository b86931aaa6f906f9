/* ping — sends ICMP echo requests through walos_net_echo (sdk/walos_net.h) and prints the replies and
 * a summary the way Linux iputils ping does:
 *
 *   ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] A.B.C.D
 *
 * COUNT requests (default: until Ctrl-C), one every INTERVAL seconds (default 1, at least 0.2), each
 * waiting up to TIMEOUT seconds (default 1) for its reply; SIZE payload bytes (default 56, 8..1472).
 * HOST is a dotted IPv4 address (no name resolution). Exit status: 0 when at least one reply came, 1
 * when none did, 2 on an error (bad usage, network unreachable). */
#include <stdint.h>

#include "netutil.h"
#include "prog.h"
#include "sdk/walos_net.h"

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
    fprintf(stderr, "usage: ping [-c COUNT] [-i INTERVAL] [-W TIMEOUT] [-s SIZE] A.B.C.D\n");
    return 2;
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
        fprintf(stderr, "ping: %s: not a dotted IPv4 address (name resolution is not supported)\n", host);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("PING %s (%s) %ld(%ld) bytes of data.\n", host, host, size, size + 28);
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
            printf("no answer from %s: icmp_seq=%ld\n", host, seq);
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
