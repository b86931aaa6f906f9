/* kernel/net/sock.h — the socket layer: the non-blocking API the WASI layer maps sock_* calls onto.
 *
 * A struct sock wraps a TCP connection or listener, or a UDP endpoint, of one stack. Every call
 * returns a WASI errno number (0 = success; values as in wasi_snapshot_preview1's errno enum, so
 * wasi/ passes them through unchanged). No call blocks: where POSIX would block, EAGAIN (6) comes back
 * and sock_poll tells when to retry. The caller (one WASI fd) owns the sock from sock_open or
 * sock_accept until sock_close; all calls on a stack's socks are serialized with the stack (net.h). */
#ifndef KERNEL_NET_SOCK_H
#define KERNEL_NET_SOCK_H

#include <stddef.h>
#include <stdint.h>

struct net_stack;
struct sock;

/* WASI errno values used here (wasi_snapshot_preview1 errno). */
#define SOCK_OK 0
#define SOCK_EADDRINUSE 3
#define SOCK_EAFNOSUPPORT 5
#define SOCK_EAGAIN 6
#define SOCK_EALREADY 7
#define SOCK_EBADF 8
#define SOCK_ECONNABORTED 13
#define SOCK_ECONNREFUSED 14
#define SOCK_ECONNRESET 15
#define SOCK_EDESTADDRREQ 17
#define SOCK_EHOSTUNREACH 23
#define SOCK_EINPROGRESS 26
#define SOCK_EINVAL 28
#define SOCK_EIO 29
#define SOCK_EISCONN 30
#define SOCK_EMSGSIZE 35
#define SOCK_ENOBUFS 42
#define SOCK_ENOENT 44
#define SOCK_ENOMEM 48
#define SOCK_ENOTCONN 53
#define SOCK_ENOTSUP 58
#define SOCK_EPIPE 64
#define SOCK_ETIMEDOUT 73

enum sock_type {
    SOCK_TYPE_DGRAM = 1,  /* UDP (WASI / WasmEdge: SOCK_DGRAM) */
    SOCK_TYPE_STREAM = 2, /* TCP (SOCK_STREAM) */
};

/* sock_poll bits */
#define SOCK_POLL_IN 1u   /* recv/accept will not return EAGAIN */
#define SOCK_POLL_OUT 2u  /* send will not return EAGAIN; a connect finished (check sock_error) */
#define SOCK_POLL_HUP 4u  /* the peer closed (EOF) or the connection is gone */
#define SOCK_POLL_ERR 8u  /* sock_error has an error to report */

/* shutdown directions (WASI sdflags) */
#define SOCK_SHUT_RD 1
#define SOCK_SHUT_WR 2

/* Maps a stack error (net.h enum net_err) to the WASI errno above. */
int sock_errno(int net_err);

/* Creates a socket of type on stack; *sock_out owned by the caller. 0, EINVAL (bad type), ENOMEM. */
int sock_open(struct net_stack *stack, enum sock_type type, struct sock **sock_out);
/* Binds ip:port (0.0.0.0 any, port 0 ephemeral). 0, EADDRINUSE, EINVAL (already bound). */
int sock_bind(struct sock *s, uint32_t ip, uint16_t port);
/* TCP only: starts listening. 0, EINVAL, EADDRINUSE, ENOTSUP (UDP). */
int sock_listen(struct sock *s, int backlog);
/* Takes a pending connection: 0 with *new_out (owned by the caller), EAGAIN, EINVAL (not listening). */
int sock_accept(struct sock *s, struct sock **new_out);
/* TCP: starts connecting and returns EINPROGRESS; a second call returns EALREADY while in progress,
 * EISCONN once connected, or the failure (ECONNREFUSED, ETIMEDOUT). UDP: sets the default peer, 0.
 * Also EHOSTUNREACH (no route), EADDRINUSE, ENOMEM. */
int sock_connect(struct sock *s, uint32_t ip, uint16_t port);
/* Sends from buf: 0 with *sent_out > 0, EAGAIN (no room / still connecting), EPIPE (after shutdown or
 * close by us), ENOTCONN, ECONNRESET, ETIMEDOUT, EDESTADDRREQ (UDP without a peer), EMSGSIZE. */
int sock_send(struct sock *s, const void *buf, size_t len, size_t *sent_out);
/* Receives into buf: 0 with *got_out bytes (0 means end of stream for TCP), EAGAIN, ENOTCONN,
 * ECONNRESET, ETIMEDOUT. UDP: one datagram, truncated to len. */
int sock_recv(struct sock *s, void *buf, size_t len, size_t *got_out);
/* UDP: sends one datagram to ip:port. 0, EMSGSIZE, EHOSTUNREACH, ENOMEM, ENOTSUP (TCP). */
int sock_sendto(struct sock *s, const void *buf, size_t len, uint32_t ip, uint16_t port, size_t *sent_out);
/* UDP: receives one datagram and its sender. 0, EAGAIN, ENOTSUP (TCP). */
int sock_recvfrom(struct sock *s, void *buf, size_t len, size_t *got_out, uint32_t *ip_out,
                  uint16_t *port_out);
/* how: SOCK_SHUT_RD, SOCK_SHUT_WR or both. 0, ENOTCONN, EINVAL. */
int sock_shutdown(struct sock *s, int how);
/* Closes and frees the socket (a TCP connection finishes in the background). Always 0. */
int sock_close(struct sock *s);
/* Readiness bits SOCK_POLL_*. */
unsigned sock_poll(const struct sock *s);
/* The pending error (SO_ERROR) as a WASI errno, cleared by reading it; 0 when none. */
int sock_error(struct sock *s);
/* Local and peer addresses. 0, or ENOTCONN for the peer of an unconnected socket. */
int sock_local_addr(const struct sock *s, uint32_t *ip_out, uint16_t *port_out);
int sock_peer_addr(const struct sock *s, uint32_t *ip_out, uint16_t *port_out);
/* The TCP control block under a stream socket (for netstat-like status and tests); NULL for UDP.
 * Owned by the socket: valid until sock_close. */
struct tcp_pcb *sock_tcp(const struct sock *s);
/* Registers fn(arg), called from inside the stack whenever the socket's readiness may have changed
 * (see tcp_set_notify in tcp.h: it must not call into the stack; spurious calls happen). An accepted
 * socket starts without one. fn NULL turns it off. Always 0. */
int sock_set_notify(struct sock *s, void (*fn)(void *arg), void *arg);
/* TCP_NODELAY (default on: Nagle off) and SO_KEEPALIVE (default off). 0 or ENOTSUP (UDP). */
int sock_set_nodelay(struct sock *s, int on);
int sock_set_keepalive(struct sock *s, int on);

#endif
