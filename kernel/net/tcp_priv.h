/* kernel/net/tcp_priv.h — what tcp.c, tcp_in.c and tcp_out.c share: the control block, the byte rings,
 * sequence arithmetic, constants and the functions each file offers the other two.
 *
 *   tcp.c      the user API (tcp.h), control-block life, rings, timers (RFC 6298 RTO, delayed ACK,
 *              TIME_WAIT, keepalive, persist), RTT estimation, ISN (RFC 6528)
 *   tcp_in.c   segment arrival: checks, demultiplexing, the RFC 9293 3.10.7 state machine, ACK
 *              processing with New Reno (RFC 5681, RFC 6582), reassembly of out-of-order data
 *   tcp_out.c  segment building: SYN with options, data from the send ring, ACK, RST */
#ifndef KERNEL_NET_TCP_PRIV_H
#define KERNEL_NET_TCP_PRIV_H

#include "kernel/net/net_priv.h"
#include "kernel/net/tcp.h"

/* ---- constants (each with its source) ---- */
#define TCP_MAX_PCBS 1024           /* control blocks per stack, half-open ones included */
#define TCP_MAX_BACKLOG 128
/* Half-open children a listener may hold, whatever its backlog (Linux: tcp_max_syn_backlog): a
 * burst of real clients bigger than the backlog (200 at once through QEMU's user network) must not
 * fill the SYN queue and start evicting its own members; a flood still hits the bound. */
#define TCP_SYN_QUEUE_MIN 512
#define TCP_DEFAULT_MSS 536         /* RFC 9293 3.7.1: assumed when the peer sends no MSS option */
#define TCP_RTO_INITIAL_MS 1000     /* RFC 6298 2.1 */
/* RFC 6298 2.4 says the minimum "SHOULD be rounded up to 1 second"; like Linux we use 200 ms (the
 * RFC's formula is kept otherwise): with a 1 s floor a lost segment on a LAN-like link stalls the
 * connection five times longer than needed (the 10%-loss raw-link tests) */
#define TCP_RTO_MIN_MS 200
#define TCP_RTO_MAX_MS 60000        /* RFC 6298 2.5: a maximum of at least 60 s may be placed */
#define TCP_MAX_RETRIES 12          /* RFC 1122 4.2.3.5: R2 must correspond to at least 100 s */
#define TCP_SYN_RETRIES 6           /* RFC 1122 4.2.3.5: R2 for SYN at least 3 minutes (with backoff) */
#define TCP_SYNACK_RETRIES 3        /* half-open children give up sooner: bounds a SYN flood's cost */
#define TCP_DELACK_MS 200           /* RFC 9293 3.8.6.3: delay under 0.5 s; ack every 2nd full segment */
#define TCP_MSL_MS (2 * 60 * 1000)  /* RFC 9293 3.4.2: MSL is 2 minutes */
#define TCP_FIN_WAIT2_MS 60000      /* orphaned FIN_WAIT_2 gives up (as BSD and Linux do) */
#define TCP_KEEPALIVE_IDLE_MS (2 * 60 * 60 * 1000) /* RFC 1122 4.2.3.6: no less than two hours */
#define TCP_KEEPALIVE_INTVL_MS 75000
#define TCP_KEEPALIVE_PROBES 9
#define TCP_OOO_RANGES 8            /* disjoint out-of-order ranges kept per connection */
#define TCP_MAX_WSCALE 14           /* RFC 7323 2.3 */
#define TCP_INVALID_ACK_MS 100      /* at most one ACK per this to refused segments (tcp_in.c) */

/* Sequence-number comparisons modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* A byte ring: len bytes valid from head. The send ring holds the bytes from SND.UNA on (sent and
 * unsent); the receive ring holds in-order bytes not yet read, and out-of-order bytes past them. */
struct tcp_ring {
    uint8_t *buf;     /* NULL until the connection is established (a SYN costs no buffers) */
    uint32_t cap, head, len;
};

struct tcp_range {
    uint32_t start, end; /* sequence numbers [start, end) held past rcv_nxt */
};

struct tcp_pcb {
    struct tcp_pcb *next;        /* in stack->tcp_pcbs, from tcp_new/child creation until freed */
    struct net_stack *stack;
    enum tcp_state state;
    bool user;                   /* owned by a user (sock.c): the stack must not free it */
    int err;                     /* NET_ERR_* that ended the connection, or NET_OK */
    uint32_t local_ip, remote_ip;
    uint16_t local_port, remote_port;

    /* listener side */
    struct tcp_pcb *listener;    /* a child's listener, until accepted */
    bool in_accept_queue;
    struct tcp_pcb *accept_next; /* link in the listener's accept queue */
    struct tcp_pcb *accept_head, *accept_tail;
    int accept_len, syn_pending, backlog;

    /* send sequence space (RFC 9293 3.3.1) */
    uint32_t iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2;
    uint32_t snd_wnd;            /* peer's window, scaled */
    uint32_t max_snd_wnd;        /* largest window the peer offered (sender SWS avoidance) */
    bool force_send;             /* the SWS override timer fired: send what the window allows */
    uint16_t mss;                /* effective send MSS */
    uint8_t snd_wscale;          /* shift applied to the peer's window field */
    uint8_t rcv_wscale;          /* shift we apply to ours */
    bool wscale_ok;              /* both sides sent the option (RFC 7323 2.2) */
    bool sack_ok;                /* the peer's SYN said SACK-permitted: our ACKs carry SACK blocks */
    bool fin_queued, fin_acked;  /* our FIN sits at snd_una + snd.len while not acked */
    struct tcp_ring snd;

    /* receive sequence space */
    uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge we last advertised */
    bool fin_received;
    struct tcp_ring rcv;
    struct tcp_range ooo[TCP_OOO_RANGES]; /* the range last added or grown is always the last one */
    int nooo;

    /* timers: absolute ms, 0 = off */
    uint64_t rto_deadline, delack_deadline, tw_deadline, keep_deadline;
    int retries, keep_probes;
    bool ack_now;
    uint64_t last_invalid_ack_ms;  /* last ACK sent for a refused segment (rate limit) */
    int delack_segs;             /* full segments received since our last ACK */

    /* RTT estimation, RFC 6298 (fixed point: srtt * 8, rttvar * 4, in ms) */
    uint32_t srtt_x8, rttvar_x4, rto_ms;
    bool rtt_timing;
    uint32_t rtt_seq;
    uint64_t rtt_start;

    /* congestion control, RFC 5681 + New Reno (RFC 6582) */
    uint32_t cwnd, ssthresh, recover;
    int dupacks;
    bool in_recovery;

    bool nagle, keepalive;
    tcp_notify_fn notify;        /* readiness may have changed (tcp.h); NULL: nobody listens */
    void *notify_arg;
    uint64_t n_retransmits, n_fast_retransmits, n_timeouts, max_cwnd;
};

/* ---- tcp.c ---- */
/* Calls pcb's notify callback, if any. */
static inline void tcp_notify(struct tcp_pcb *pcb)
{
    if (pcb->notify)
        pcb->notify(pcb->notify_arg);
}
struct tcp_pcb *tcp_pcb_alloc(struct net_stack *stack);
/* Ends the connection with err: CLOSED, timers off, detached from its listener; freed at once when
 * no user owns it. The pcb pointer must not be used afterwards unless pcb->user. */
void tcp_pcb_gone(struct tcp_pcb *pcb, int err);
int tcp_alloc_buffers(struct tcp_pcb *pcb);
uint32_t tcp_iss(struct net_stack *stack, const struct tcp_pcb *pcb);
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms);
uint32_t tcp_rcv_space(const struct tcp_pcb *pcb);
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *src, uint32_t n);
void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *dst, uint32_t n);
void tcp_ring_consume(struct tcp_ring *r, uint32_t n);
void tcp_enter_time_wait(struct tcp_pcb *pcb);

/* ---- tcp_out.c ---- */
/* Sends what the windows allow, a FIN when due, or a pending ACK. */
void tcp_output(struct tcp_pcb *pcb);
/* SYN (SYN_SENT) or SYN,ACK (SYN_RECEIVED) with MSS and window-scale options. */
int tcp_send_syn(struct tcp_pcb *pcb);
int tcp_send_ack(struct tcp_pcb *pcb);
/* Sends one segment of len data bytes from seq (len 0: flags only). Does not move snd_nxt. */
int tcp_send_segment(struct tcp_pcb *pcb, uint32_t seq, uint32_t len, uint8_t flags);
/* Retransmits the first unacknowledged segment (fast retransmit, partial ACK, RTO). */
void tcp_retransmit_first(struct tcp_pcb *pcb);
/* A RST (or RST,ACK) built from scratch, for segments with no connection (RFC 9293 3.10.7.1). */
void tcp_send_rst(struct net_stack *stack, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                  uint32_t seq, uint32_t ack, bool with_ack);

#endif
