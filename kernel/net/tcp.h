/* kernel/net/tcp.h — TCP connections (RFC 9293) for the socket layer.
 *
 * A struct tcp_pcb is opaque outside kernel/net/tcp*.c. A user (sock.c) gets one from tcp_new or
 * tcp_accept and owns it until tcp_close or tcp_abort; after that the stack finishes the connection
 * (FIN exchange, TIME_WAIT) and frees the block itself. While a user owns a block the stack never
 * frees it: a connection that dies (RST, timeout) stays as CLOSED with its error until the user closes.
 *
 * Nothing blocks. Calls that cannot progress return NET_ERR_WOULDBLOCK; readiness (tcp_poll) tells
 * when to retry. Sending copies into a send buffer of TCP_SNDBUF bytes and receiving copies out of a
 * receive buffer of TCP_RCVBUF bytes (its free space is the window we advertise).
 *
 * Defaults: Nagle off (RFC 9293 3.7.4 allows an application to disable it), keepalive off
 * (RFC 1122 4.2.3.6: MUST default to off), delayed ACK on (200 ms, every second full segment). */
#ifndef KERNEL_NET_TCP_H
#define KERNEL_NET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_stack;
struct tcp_pcb;

/* Per connection, allocated when it is established: 256 KiB in all. */
#define TCP_SNDBUF (128 * 1024)
#define TCP_RCVBUF (128 * 1024)

/* RFC 9293 3.3.2 states. ORDER matters: states >= TCP_ESTABLISHED are synchronized. */
enum tcp_state {
    TCP_CLOSED = 0,
    TCP_LISTEN,
    TCP_SYN_SENT,
    TCP_SYN_RECEIVED,
    TCP_ESTABLISHED,
    TCP_FIN_WAIT_1,
    TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT,
    TCP_CLOSING,
    TCP_LAST_ACK,
    TCP_TIME_WAIT,
};

/* Readiness bits returned by tcp_poll. */
#define TCP_POLL_READ 1u   /* tcp_read/tcp_accept will not return WOULDBLOCK */
#define TCP_POLL_WRITE 2u  /* tcp_write will accept at least one byte (or report an error) */
#define TCP_POLL_HUP 4u    /* the peer finished sending (FIN) or the connection is gone */
#define TCP_POLL_ERR 8u    /* tcp_error would return non-zero */

/* ---- lifecycle ---- */
/* A new closed block owned by the caller; NULL when out of memory or the stack's limit is reached. */
struct tcp_pcb *tcp_new(struct net_stack *stack);
/* Binds ip:port (port 0: ephemeral). NET_OK, NET_ERR_INUSE, NET_ERR_INVAL (not closed/already bound). */
int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);
/* Starts listening with at most `backlog` established connections waiting for tcp_accept (1..128),
 * and as many half-open ones (a SYN flood beyond that is dropped and counted). Binds ephemeral if
 * unbound. NET_OK, NET_ERR_INVAL (not closed), NET_ERR_INUSE. */
int tcp_listen(struct tcp_pcb *pcb, int backlog);
/* Takes an established connection from a listener; the caller owns it. NULL (WOULDBLOCK) when none. */
struct tcp_pcb *tcp_accept(struct tcp_pcb *listener);
/* Sends a SYN to ip:port. NET_OK (connection in progress: watch TCP_POLL_WRITE / tcp_error),
 * NET_ERR_ISCONN, NET_ERR_NOROUTE, NET_ERR_INUSE, NET_ERR_NOMEM. */
int tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);
/* Stops sending: queues a FIN after the buffered data (RFC 9293 3.10.4). NET_OK or NET_ERR_NOTCONN. */
int tcp_shutdown(struct tcp_pcb *pcb);
/* Gives the block back: shutdown + the stack frees it when done. With unread received data it sends
 * RST instead (RFC 1122 4.2.2.13). A listener resets its unaccepted connections. */
void tcp_close(struct tcp_pcb *pcb);
/* Sends RST (when synchronized) and frees the block at once. */
void tcp_abort(struct tcp_pcb *pcb);

/* ---- data ---- */
/* Copies up to len bytes into the send buffer and sends what the windows allow. Returns bytes taken
 * (> 0), or NET_ERR_WOULDBLOCK (buffer full / not yet established), NET_ERR_CLOSED (after shutdown),
 * NET_ERR_NOTCONN, or the connection's error (NET_ERR_RESET, NET_ERR_TIMEOUT...). */
long tcp_write(struct tcp_pcb *pcb, const void *data, size_t len);
/* Copies up to len received bytes out. Returns bytes (> 0), 0 at end of stream (FIN received and all
 * read), NET_ERR_WOULDBLOCK, NET_ERR_NOTCONN, or the connection's error. */
long tcp_read(struct tcp_pcb *pcb, void *buf, size_t len);

/* ---- state ---- */
unsigned tcp_poll(const struct tcp_pcb *pcb);
/* Called from inside the stack (netdev_input or net_tick) whenever pcb's readiness may have changed:
 * data or FIN arrived, a connection is ready to accept, the connection was established, the send
 * buffer drained, an error ended it. It must not call into the stack; typically it wakes whoever
 * waits in poll. Spurious calls happen. fn NULL turns it off. */
typedef void (*tcp_notify_fn)(void *arg);
void tcp_set_notify(struct tcp_pcb *pcb, tcp_notify_fn fn, void *arg);
/* The pending error (NET_ERR_RESET, NET_ERR_REFUSED, NET_ERR_TIMEOUT...) or NET_OK. */
int tcp_error(const struct tcp_pcb *pcb);
enum tcp_state tcp_get_state(const struct tcp_pcb *pcb);
void tcp_local(const struct tcp_pcb *pcb, uint32_t *ip_out, uint16_t *port_out);
void tcp_remote(const struct tcp_pcb *pcb, uint32_t *ip_out, uint16_t *port_out);
/* Turns Nagle's algorithm on (RFC 9293 3.7.4; off by default) or keepalive on (RFC 1122 4.2.3.6). */
void tcp_set_nagle(struct tcp_pcb *pcb, bool on);
void tcp_set_keepalive(struct tcp_pcb *pcb, bool on);

/* One line of a netstat-like listing. */
struct tcp_conn {
    enum tcp_state state;
    uint32_t local_ip, remote_ip;
    uint16_t local_port, remote_port;
    bool user;              /* owned by a socket (false: finishing after close, or not yet accepted) */
    uint32_t recv_q;        /* received bytes not read yet (a listener: connections not accepted) */
    uint32_t send_q;        /* bytes in the send buffer: sent and unacknowledged, or not sent yet */
};
/* Copies up to max connections (listeners included) of stack into out; returns how many exist (may
 * exceed max). Never blocks. */
int tcp_list(struct net_stack *stack, struct tcp_conn *out, int max);

/* A snapshot for tests and netstat. */
struct tcp_info {
    enum tcp_state state;
    uint32_t cwnd, ssthresh, snd_wnd, rcv_wnd, mss;
    uint32_t srtt_ms, rto_ms;
    uint8_t snd_wscale, rcv_wscale;
    uint32_t unacked, unsent, readable;
    uint64_t retransmits, fast_retransmits, timeouts, max_cwnd;
};
void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_info *info_out);

#endif
