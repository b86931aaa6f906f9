/* sdk/walos_net.h — the walos_net import module: what the kernel's network stack knows that WASI does
 * not say (interfaces and their counters, the socket table, the stack's counters) and ICMP echo, as C
 * declarations for clang --target=wasm32-wasi. Used by srv/bin/ping.c, ifconfig.c, netstat.c.
 *
 * Conventions as sdk/walos.h: every function returns a WASI errno (0 = success; the values of
 * <wasi/api.h>, __WASI_ERRNO_*); pointers and lengths are offsets in the caller's linear memory,
 * checked by the kernel (EFAULT, 21); no call keeps a pointer after it returns. IPv4 addresses are
 * u32 in HOST byte order (10.0.2.15 is 0x0a00020f); ports are host order. Structures are
 * little-endian with no padding. A program importing walos_net does not run under walos-run (the
 * host runner does not provide the module: instantiation fails with an unknown-import error). The
 * kernel side is kernel/proc/walos_net.c. */
#ifndef WALOS_SDK_WALOS_NET_H
#define WALOS_SDK_WALOS_NET_H

#include <stdint.h>

/* Outside wasm (the kernel's host test reads the record layouts) the declarations are plain. */
#if defined(__wasm__)
#define WALOS_NET_IMPORT(name) __attribute__((import_module("walos_net"), import_name(name)))
#else
#define WALOS_NET_IMPORT(name)
#endif

/* ---- interfaces --------------------------------------------------------------------------------- */

#define WALOS_NET_IF_UP 1u        /* the interface sends and receives */
#define WALOS_NET_IF_LOOPBACK 2u  /* 127.0.0.0/8, no wire */
#define WALOS_NET_IF_DHCP 4u      /* its address came from DHCP (else it was set by hand or is 0) */

/* One interface as walos_net_ifaces reports it (104 bytes). */
struct walos_net_iface {
    char name[8];              /* "lo", "eth0", NUL-padded */
    uint8_t mac[6];            /* all zero for the loopback */
    uint16_t mtu;              /* largest IP datagram the link carries */
    uint32_t ip, netmask, gateway, dns; /* 0 while unconfigured (DHCP not bound yet) */
    uint32_t flags;            /* WALOS_NET_IF_* */
    uint32_t reserved;         /* 0 */
    uint64_t rx_packets;       /* frames the stack received from this interface */
    uint64_t rx_bytes;         /* their bytes, Ethernet header included */
    uint64_t rx_dropped;       /* frames the driver dropped (no buffer) */
    uint64_t rx_errors;        /* frames the driver found malformed */
    uint64_t tx_packets;       /* frames handed to the driver */
    uint64_t tx_bytes;
    uint64_t tx_dropped;       /* frames refused because the transmit ring was full */
    uint64_t tx_errors;        /* frames the driver failed to send */
};
_Static_assert(sizeof(struct walos_net_iface) == 104, "walos_net_iface is 104 bytes");

/* Fills buf (buf_len bytes) with as many struct walos_net_iface as fit, loopback first, and sets
 * *count_out (u32) to the number of interfaces, which may exceed what was written (the caller
 * compares it with buf_len / 104). Never blocks. */
WALOS_NET_IMPORT("ifaces")
int32_t walos_net_ifaces(struct walos_net_iface *buf, uint32_t buf_len, uint32_t *count_out);

/* ---- sockets ------------------------------------------------------------------------------------ */

#define WALOS_NET_PROTO_TCP 6
#define WALOS_NET_PROTO_UDP 17

/* TCP states (RFC 9293 3.3.2), the value of walos_net_socket.state for TCP. */
#define WALOS_NET_TCP_CLOSED 0
#define WALOS_NET_TCP_LISTEN 1
#define WALOS_NET_TCP_SYN_SENT 2
#define WALOS_NET_TCP_SYN_RECEIVED 3
#define WALOS_NET_TCP_ESTABLISHED 4
#define WALOS_NET_TCP_FIN_WAIT_1 5
#define WALOS_NET_TCP_FIN_WAIT_2 6
#define WALOS_NET_TCP_CLOSE_WAIT 7
#define WALOS_NET_TCP_CLOSING 8
#define WALOS_NET_TCP_LAST_ACK 9
#define WALOS_NET_TCP_TIME_WAIT 10

#define WALOS_NET_SOCK_OWNED 1u   /* held by a program or the kernel (else finishing after close, or
                                     established and waiting to be accepted) */

/* One TCP connection or bound UDP endpoint as walos_net_sockets reports it (32 bytes). */
struct walos_net_socket {
    uint32_t proto;            /* WALOS_NET_PROTO_TCP or _UDP */
    uint32_t state;            /* TCP: WALOS_NET_TCP_*; UDP: 0 */
    uint32_t local_ip;         /* 0: any address */
    uint32_t peer_ip;          /* 0: none (listening, or an unconnected UDP endpoint) */
    uint16_t local_port;
    uint16_t peer_port;
    uint32_t recv_q;           /* bytes received and not read (a TCP listener: connections not accepted) */
    uint32_t send_q;           /* TCP: bytes in the send buffer (unacknowledged or unsent); UDP: 0 */
    uint32_t flags;            /* WALOS_NET_SOCK_* */
};
_Static_assert(sizeof(struct walos_net_socket) == 32, "walos_net_socket is 32 bytes");

/* Fills buf with as many struct walos_net_socket as fit, TCP first, and sets *count_out (u32) to how
 * many exist (may exceed what was written). Never blocks. */
WALOS_NET_IMPORT("sockets")
int32_t walos_net_sockets(struct walos_net_socket *buf, uint32_t buf_len, uint32_t *count_out);

/* Writes the stack's counters as text, one "name value\n" line each (every counter, zero or not;
 * e.g. "ip_drop_chksum 3"), into out (out_len bytes; cut at out_len) and the byte count into *n_out
 * (u32). The names are those of struct net_stats (kernel/net/net.h): eth_*, arp_*, ip_*, icmp_*,
 * udp_*, tcp_*; every drop reason has its own. Never blocks. */
WALOS_NET_IMPORT("counters")
int32_t walos_net_counters(char *out, uint32_t out_len, uint32_t *n_out);

/* ---- ICMP echo ---------------------------------------------------------------------------------- */

/* The answer to one echo request (24 bytes). */
struct walos_net_echo_reply {
    uint32_t from;             /* who answered */
    uint32_t seq;              /* the sequence number sent */
    uint32_t len;              /* ICMP payload bytes of the reply */
    uint32_t ttl;              /* the reply's IP time to live */
    uint64_t rtt_ns;           /* from sending the request to the reply's arrival */
};
_Static_assert(sizeof(struct walos_net_echo_reply) == 24, "walos_net_echo_reply is 24 bytes");

#define WALOS_NET_ECHO_MAX 1472   /* payload bytes that fit one Ethernet frame (no fragments) */

/* Sends one ICMP echo request (RFC 792) to dst with sequence number seq (0..65535) and len payload
 * bytes (8..WALOS_NET_ECHO_MAX; the identifier is the caller's own), then sleeps until the matching
 * reply arrives or timeout_ms (1..60000) passes; the process is parked meanwhile, it does not spin.
 * On success fills *reply_out. Errors: ETIMEDOUT (no reply in time), ENETUNREACH (no interface
 * reaches dst, e.g. DHCP not bound yet), EINTR (Ctrl-C on the console), EINVAL (len, seq or timeout
 * out of range), ENOMEM, EFAULT. A reply arriving after its call gave up is discarded. */
WALOS_NET_IMPORT("echo")
int32_t walos_net_echo(uint32_t dst, uint32_t seq, uint32_t len, uint32_t timeout_ms,
                       struct walos_net_echo_reply *reply_out);

#endif /* WALOS_SDK_WALOS_NET_H */
