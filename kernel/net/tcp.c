/* kernel/net/tcp.c — TCP control blocks, the user API of tcp.h, and timers.
 *
 * Segment input is tcp_in.c, segment output tcp_out.c; what they share is tcp_priv.h. Below them is
 * ipv4.c; above, sock.c. A block is in stack->tcp_pcbs from creation to kfree; its owner is either a
 * user (pcb->user) or the stack (children before accept, connections after tcp_close). */
#include "kernel/net/tcp_priv.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/tcp.h"

/* ---- rings ---- */
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *src, uint32_t n)
{
    uint32_t pos = (r->head + r->len + off) % r->cap;
    uint32_t first = r->cap - pos < n ? r->cap - pos : n;
    memcpy(r->buf + pos, src, first);
    memcpy(r->buf, src + first, n - first);
}

void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *dst, uint32_t n)
{
    uint32_t pos = (r->head + off) % r->cap;
    uint32_t first = r->cap - pos < n ? r->cap - pos : n;
    memcpy(dst, r->buf + pos, first);
    memcpy(dst + first, r->buf, n - first);
}

void tcp_ring_consume(struct tcp_ring *r, uint32_t n)
{
    if (n > r->len)
        n = r->len;
    r->head = r->cap ? (r->head + n) % r->cap : 0;
    r->len -= n;
}

/* ---- control blocks ---- */
static bool recycle_time_wait(struct net_stack *stack);

struct tcp_pcb *tcp_pcb_alloc(struct net_stack *stack)
{
    if (stack->tcp_npcbs >= TCP_MAX_PCBS && !recycle_time_wait(stack))
        return NULL;
    struct tcp_pcb *pcb = kmalloc(sizeof(*pcb));
    if (!pcb)
        return NULL;
    memset(pcb, 0, sizeof(*pcb));
    pcb->stack = stack;
    pcb->mss = TCP_DEFAULT_MSS;
    pcb->rto_ms = TCP_RTO_INITIAL_MS;
    pcb->ssthresh = 0x7fffffff; /* RFC 5681 3.1: initially arbitrarily high */
    pcb->snd.cap = TCP_SNDBUF;
    pcb->rcv.cap = TCP_RCVBUF;
    /* RFC 7323 2.3: the smallest shift that lets the window field cover the receive buffer */
    while (pcb->rcv_wscale < TCP_MAX_WSCALE && (TCP_RCVBUF >> pcb->rcv_wscale) > 65535)
        pcb->rcv_wscale++;
    pcb->next = stack->tcp_pcbs;
    stack->tcp_pcbs = pcb;
    stack->tcp_npcbs++;
    return pcb;
}

int tcp_alloc_buffers(struct tcp_pcb *pcb)
{
    if (!pcb->snd.buf)
        pcb->snd.buf = kmalloc(pcb->snd.cap);
    if (!pcb->rcv.buf)
        pcb->rcv.buf = kmalloc(pcb->rcv.cap);
    return pcb->snd.buf && pcb->rcv.buf ? NET_OK : NET_ERR_NOMEM;
}

static void pcb_free(struct tcp_pcb *pcb)
{
    struct net_stack *stack = pcb->stack;
    struct tcp_pcb **pp = &stack->tcp_pcbs;
    while (*pp && *pp != pcb)
        pp = &(*pp)->next;
    if (*pp)
        *pp = pcb->next;
    stack->tcp_npcbs--;
    kfree(pcb->snd.buf);
    kfree(pcb->rcv.buf);
    memset(pcb, 0xdb, sizeof(*pcb));
    kfree(pcb);
}

static void detach_from_listener(struct tcp_pcb *pcb)
{
    struct tcp_pcb *l = pcb->listener;
    if (!l)
        return;
    if (pcb->in_accept_queue) {
        struct tcp_pcb **pp = &l->accept_head;
        struct tcp_pcb *prev = NULL;
        while (*pp && *pp != pcb) {
            prev = *pp;
            pp = &(*pp)->accept_next;
        }
        if (*pp) {
            *pp = pcb->accept_next;
            if (l->accept_tail == pcb)
                l->accept_tail = prev;
            l->accept_len--;
        }
        pcb->in_accept_queue = false;
    } else {
        l->syn_pending--;
    }
    pcb->listener = NULL;
}

void tcp_set_notify(struct tcp_pcb *pcb, tcp_notify_fn fn, void *arg)
{
    pcb->notify = fn;
    pcb->notify_arg = arg;
}

void tcp_pcb_gone(struct tcp_pcb *pcb, int err)
{
    if (err != NET_OK && pcb->err == NET_OK)
        pcb->err = err;
    pcb->state = TCP_CLOSED;
    pcb->rto_deadline = pcb->delack_deadline = pcb->tw_deadline = pcb->keep_deadline = 0;
    detach_from_listener(pcb);
    if (err == NET_ERR_RESET || err == NET_ERR_REFUSED) {
        /* RFC 9293 3.10.7.4: on reset, "all segment queues should be flushed" */
        pcb->snd.len = 0;
        pcb->rcv.len = 0;
        pcb->nooo = 0;
    }
    if (!pcb->user)
        pcb_free(pcb);
    else
        tcp_notify(pcb);
}

/* A TIME_WAIT block nobody holds needs no buffers: everything sent was acknowledged, and nobody is
 * left to read. Freed at once, so a server that closes first keeps ~200 bytes per connection for
 * 2 MSL instead of its 256 KiB of rings (a few thousand short connections exhausted the heap). */
static void time_wait_drop_buffers(struct tcp_pcb *pcb)
{
    if (pcb->state != TCP_TIME_WAIT || pcb->user)
        return;
    kfree(pcb->snd.buf);
    kfree(pcb->rcv.buf);
    pcb->snd.buf = pcb->rcv.buf = NULL;
    pcb->snd.len = pcb->rcv.len = 0;
    pcb->snd.head = pcb->rcv.head = 0;
}

/* A full table takes back the TIME_WAIT block closest to its end (as Linux does past its
 * time-wait bucket limit): with 2 MSL = 4 minutes, ~1,000 short connections would otherwise shut
 * every new one out for minutes. A reused 4-tuple is still guarded by our ISN clock (RFC 6528). */
static bool recycle_time_wait(struct net_stack *stack)
{
    struct tcp_pcb *oldest = NULL;
    for (struct tcp_pcb *p = stack->tcp_pcbs; p; p = p->next)
        if (p->state == TCP_TIME_WAIT && !p->user && (!oldest || p->tw_deadline < oldest->tw_deadline))
            oldest = p;
    if (!oldest)
        return false;
    stack->stats.tcp_tw_recycled++;
    tcp_pcb_gone(oldest, NET_OK);
    return true;
}

void tcp_enter_time_wait(struct tcp_pcb *pcb)
{
    pcb->state = TCP_TIME_WAIT;
    pcb->rto_deadline = 0;
    pcb->keep_deadline = 0;
    /* RFC 9293 3.10.7.4: start the time-wait timer (2 MSL) */
    pcb->tw_deadline = pcb->stack->now_ms + 2 * (uint64_t)TCP_MSL_MS;
    time_wait_drop_buffers(pcb);
}

bool tcp_port_used(struct net_stack *stack, uint16_t port)
{
    for (struct tcp_pcb *p = stack->tcp_pcbs; p; p = p->next)
        if (p->local_port == port && (p->state != TCP_CLOSED || p->user))
            return true;
    return false;
}

/* RFC 6528 section 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 us clock.
 * F here is a keyed integer hash (not a cryptographic PRF: a known weakness until the kernel has
 * one). */
uint32_t tcp_iss(struct net_stack *stack, const struct tcp_pcb *pcb)
{
    uint32_t h = stack->seed ^ 0x5bd1e995u;
    uint32_t words[3] = { pcb->local_ip, pcb->remote_ip,
                          ((uint32_t)pcb->local_port << 16) | pcb->remote_port };
    for (int i = 0; i < 3; i++) {
        h ^= words[i];
        h *= 0x85ebca6bu;
        h ^= h >> 13;
        h *= 0xc2b2ae35u;
        h ^= h >> 16;
    }
    return (uint32_t)(stack->now_ms * 250) + h;
}

/* RFC 6298 section 2: SRTT, RTTVAR and RTO from one measurement (clock granularity G = 1 ms). */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms)
{
    if (pcb->srtt_x8 == 0) {
        /* 2.2: SRTT <- R, RTTVAR <- R/2 */
        pcb->srtt_x8 = (rtt_ms ? rtt_ms : 1) * 8;
        pcb->rttvar_x4 = rtt_ms * 2;
    } else {
        /* 2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT <- 7/8 SRTT + 1/8 R' */
        uint32_t srtt = pcb->srtt_x8 / 8;
        uint32_t delta = srtt > rtt_ms ? srtt - rtt_ms : rtt_ms - srtt;
        pcb->rttvar_x4 = pcb->rttvar_x4 - pcb->rttvar_x4 / 4 + delta;
        pcb->srtt_x8 = pcb->srtt_x8 - pcb->srtt_x8 / 8 + rtt_ms;
    }
    /* RTO <- SRTT + max(G, K*RTTVAR), K = 4; then the 2.4 and 2.5 bounds */
    uint32_t rto = pcb->srtt_x8 / 8 + (pcb->rttvar_x4 > 1 ? pcb->rttvar_x4 : 1);
    if (rto < TCP_RTO_MIN_MS)
        rto = TCP_RTO_MIN_MS;
    if (rto > TCP_RTO_MAX_MS)
        rto = TCP_RTO_MAX_MS;
    pcb->rto_ms = rto;
}

uint32_t tcp_rcv_space(const struct tcp_pcb *pcb)
{
    return pcb->rcv.cap - pcb->rcv.len;
}

/* ---- user API ---- */
struct tcp_pcb *tcp_new(struct net_stack *stack)
{
    struct tcp_pcb *pcb = tcp_pcb_alloc(stack);
    if (pcb)
        pcb->user = true;
    return pcb;
}

int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
    if (pcb->state != TCP_CLOSED || pcb->local_port)
        return NET_ERR_INVAL;
    if (port == 0)
        port = net_ephemeral_port(pcb->stack, IP4_PROTO_TCP);
    if (port == 0 || tcp_port_used(pcb->stack, port))
        return NET_ERR_INUSE;
    pcb->local_ip = ip;
    pcb->local_port = port;
    return NET_OK;
}

int tcp_listen(struct tcp_pcb *pcb, int backlog)
{
    if (pcb->state != TCP_CLOSED || pcb->err != NET_OK)
        return NET_ERR_INVAL;
    if (!pcb->local_port) {
        int err = tcp_bind(pcb, 0, 0);
        if (err != NET_OK)
            return err;
    }
    if (backlog < 1)
        backlog = 1;
    if (backlog > TCP_MAX_BACKLOG)
        backlog = TCP_MAX_BACKLOG;
    pcb->backlog = backlog;
    pcb->state = TCP_LISTEN;
    return NET_OK;
}

struct tcp_pcb *tcp_accept(struct tcp_pcb *listener)
{
    struct tcp_pcb *c = listener->accept_head;
    if (listener->state != TCP_LISTEN || !c)
        return NULL;
    listener->accept_head = c->accept_next;
    if (!listener->accept_head)
        listener->accept_tail = NULL;
    listener->accept_len--;
    c->accept_next = NULL;
    c->in_accept_queue = false;
    c->listener = NULL;
    c->user = true;
    return c;
}

int tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
    struct net_stack *stack = pcb->stack;
    if (pcb->state != TCP_CLOSED || pcb->err != NET_OK)
        return NET_ERR_ISCONN;
    uint32_t next_hop;
    struct netdev *dev = ip4_route(stack, ip, &next_hop);
    if (!dev || ip == 0 || ip == NET_IP4_BROADCAST)
        return NET_ERR_NOROUTE;
    if (!pcb->local_port) {
        int err = tcp_bind(pcb, pcb->local_ip, 0);
        if (err != NET_OK)
            return err;
    }
    if (tcp_alloc_buffers(pcb) != NET_OK)
        return NET_ERR_NOMEM;
    if (!pcb->local_ip)
        pcb->local_ip = (dev->flags & NETDEV_FLAG_LOOPBACK) && (ip >> 24) != 127 ? ip : dev->ip;
    pcb->remote_ip = ip;
    pcb->remote_port = port;
    /* RFC 6691 / RFC 9293 3.7.1: our MSS is the interface MTU less the fixed IP and TCP headers */
    pcb->iss = tcp_iss(stack, pcb);
    pcb->snd_una = pcb->iss;
    pcb->snd_nxt = pcb->snd_max = pcb->iss + 1;
    pcb->recover = pcb->iss;
    pcb->state = TCP_SYN_SENT;
    pcb->rtt_start = stack->now_ms;
    pcb->rto_deadline = stack->now_ms + pcb->rto_ms;
    tcp_send_syn(pcb);
    return NET_OK;
}

int tcp_shutdown(struct tcp_pcb *pcb)
{
    switch (pcb->state) {
    case TCP_ESTABLISHED:
    case TCP_SYN_RECEIVED:
        pcb->state = TCP_FIN_WAIT_1;
        break;
    case TCP_CLOSE_WAIT:
        pcb->state = TCP_LAST_ACK;
        break;
    case TCP_SYN_SENT:
        tcp_pcb_gone(pcb, NET_OK);
        return NET_OK;
    case TCP_FIN_WAIT_1:
    case TCP_FIN_WAIT_2:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
    case TCP_TIME_WAIT:
        return NET_OK;
    default:
        return NET_ERR_NOTCONN;
    }
    pcb->fin_queued = true;
    tcp_output(pcb);
    return NET_OK;
}

static void abort_children(struct tcp_pcb *l)
{
    for (struct tcp_pcb *p = l->stack->tcp_pcbs, *next; p; p = next) {
        next = p->next;
        if (p->listener == l) {
            if (p->state >= TCP_SYN_RECEIVED)
                tcp_send_segment(p, p->snd_nxt, 0, TCP_RST | TCP_ACK);
            tcp_pcb_gone(p, NET_ERR_ABORTED);
        }
    }
}

void tcp_abort(struct tcp_pcb *pcb)
{
    if (pcb->state == TCP_LISTEN)
        abort_children(pcb);
    else if (pcb->state >= TCP_SYN_RECEIVED && pcb->state != TCP_TIME_WAIT) {
        /* RFC 9293 3.10.5 ABORT: send <SEQ=SND.NXT><CTL=RST> */
        tcp_send_segment(pcb, pcb->snd_nxt, 0, TCP_RST);
        pcb->stack->stats.tcp_rst_tx++;
    }
    pcb->user = false;
    tcp_pcb_gone(pcb, NET_ERR_ABORTED);
}

void tcp_close(struct tcp_pcb *pcb)
{
    if (pcb->state == TCP_LISTEN || pcb->state == TCP_CLOSED || pcb->state == TCP_SYN_SENT) {
        tcp_abort(pcb);
        return;
    }
    /* RFC 1122 4.2.2.13: closing with unread data SHOULD send a RST to show that data was lost */
    if (pcb->rcv.len > 0) {
        tcp_abort(pcb);
        return;
    }
    pcb->user = false;
    tcp_shutdown(pcb);
    if (pcb->state == TCP_FIN_WAIT_2)
        pcb->tw_deadline = pcb->stack->now_ms + TCP_FIN_WAIT2_MS;
    time_wait_drop_buffers(pcb);
}

long tcp_write(struct tcp_pcb *pcb, const void *data, size_t len)
{
    if (pcb->err != NET_OK)
        return pcb->err;
    if (pcb->fin_queued)
        return NET_ERR_CLOSED;
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED)
        return NET_ERR_WOULDBLOCK;
    if (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT)
        return NET_ERR_NOTCONN;
    uint32_t room = pcb->snd.cap - pcb->snd.len;
    if (room == 0)
        return NET_ERR_WOULDBLOCK;
    uint32_t n = len < room ? (uint32_t)len : room;
    /* unsent bytes go after everything already in the ring: write at offset 0 past len */
    tcp_ring_write_at(&pcb->snd, 0, data, n);
    pcb->snd.len += n;
    tcp_output(pcb);
    return n;
}

long tcp_read(struct tcp_pcb *pcb, void *buf, size_t len)
{
    if (pcb->rcv.len > 0 && len > 0) {
        uint32_t n = len < pcb->rcv.len ? (uint32_t)len : pcb->rcv.len;
        tcp_ring_read_at(&pcb->rcv, 0, buf, n);
        tcp_ring_consume(&pcb->rcv, n);
        /* RFC 9293 3.8.6.2.2: announce the larger window once it grew by min(BUFF/2, MSS) */
        uint32_t edge = pcb->rcv_nxt + tcp_rcv_space(pcb);
        uint32_t step = pcb->rcv.cap / 2 < pcb->mss ? pcb->rcv.cap / 2 : pcb->mss;
        if (pcb->state >= TCP_ESTABLISHED && pcb->state != TCP_TIME_WAIT && !pcb->fin_received &&
            SEQ_GEQ(edge, pcb->rcv_adv + step))
            tcp_send_ack(pcb);
        return n;
    }
    if (pcb->err != NET_OK)
        return pcb->err;
    if (pcb->fin_received)
        return 0;
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED || pcb->state >= TCP_ESTABLISHED)
        return NET_ERR_WOULDBLOCK;
    return NET_ERR_NOTCONN;
}

unsigned tcp_poll(const struct tcp_pcb *pcb)
{
    unsigned r = 0;
    if (pcb->state == TCP_LISTEN)
        return pcb->accept_head ? TCP_POLL_READ : 0;
    if (pcb->rcv.len > 0 || pcb->fin_received || pcb->err != NET_OK)
        r |= TCP_POLL_READ;
    if (((pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT) && !pcb->fin_queued &&
         pcb->snd.len < pcb->snd.cap) ||
        pcb->err != NET_OK)
        r |= TCP_POLL_WRITE;
    if (pcb->fin_received || pcb->err != NET_OK || pcb->state == TCP_TIME_WAIT)
        r |= TCP_POLL_HUP;
    if (pcb->err != NET_OK)
        r |= TCP_POLL_ERR;
    return r;
}

int tcp_error(const struct tcp_pcb *pcb) { return pcb->err; }
enum tcp_state tcp_get_state(const struct tcp_pcb *pcb) { return pcb->state; }

void tcp_local(const struct tcp_pcb *pcb, uint32_t *ip_out, uint16_t *port_out)
{
    *ip_out = pcb->local_ip;
    *port_out = pcb->local_port;
}

void tcp_remote(const struct tcp_pcb *pcb, uint32_t *ip_out, uint16_t *port_out)
{
    *ip_out = pcb->remote_ip;
    *port_out = pcb->remote_port;
}

void tcp_set_nagle(struct tcp_pcb *pcb, bool on) { pcb->nagle = on; }

void tcp_set_keepalive(struct tcp_pcb *pcb, bool on)
{
    pcb->keepalive = on;
    pcb->keep_deadline = on ? pcb->stack->now_ms + TCP_KEEPALIVE_IDLE_MS : 0;
}

void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_info *info_out)
{
    memset(info_out, 0, sizeof(*info_out));
    info_out->state = pcb->state;
    info_out->cwnd = pcb->cwnd;
    info_out->ssthresh = pcb->ssthresh;
    info_out->snd_wnd = pcb->snd_wnd;
    info_out->rcv_wnd = tcp_rcv_space(pcb);
    info_out->mss = pcb->mss;
    info_out->srtt_ms = pcb->srtt_x8 / 8;
    info_out->rto_ms = pcb->rto_ms;
    info_out->snd_wscale = pcb->snd_wscale;
    info_out->rcv_wscale = pcb->rcv_wscale;
    info_out->unacked = pcb->snd_max - pcb->snd_una;
    info_out->unsent = pcb->snd.len > info_out->unacked ? pcb->snd.len - info_out->unacked : 0;
    info_out->readable = pcb->rcv.len;
    info_out->retransmits = pcb->n_retransmits;
    info_out->fast_retransmits = pcb->n_fast_retransmits;
    info_out->timeouts = pcb->n_timeouts;
    info_out->max_cwnd = pcb->max_cwnd;
}

int tcp_list(struct net_stack *stack, struct tcp_conn *out, int max)
{
    int n = 0;
    for (struct tcp_pcb *p = stack->tcp_pcbs; p; p = p->next) {
        if (p->state == TCP_CLOSED && !p->local_port)
            continue;
        if (n < max) {
            out[n].state = p->state;
            out[n].local_ip = p->local_ip;
            out[n].local_port = p->local_port;
            out[n].remote_ip = p->remote_ip;
            out[n].remote_port = p->remote_port;
            out[n].user = p->user;
            out[n].recv_q = p->state == TCP_LISTEN ? (uint32_t)p->accept_len : (uint32_t)p->rcv.len;
            out[n].send_q = (uint32_t)p->snd.len;
        }
        n++;
    }
    return n;
}

/* ---- timers ---- */
/* RFC 6298 5.4-5.7 and RFC 5681 section 3.1 equation (4): the retransmission timer expired. */
static bool rto_expired(struct tcp_pcb *pcb)
{
    struct net_stack *stack = pcb->stack;
    int limit = pcb->state == TCP_SYN_SENT ? TCP_SYN_RETRIES
                : pcb->state == TCP_SYN_RECEIVED && pcb->listener ? TCP_SYNACK_RETRIES
                                                                  : TCP_MAX_RETRIES;
    if (++pcb->retries > limit) {
        tcp_pcb_gone(pcb, NET_ERR_TIMEOUT);
        return true;
    }
    /* 5.5: back off the timer */
    pcb->rto_ms = pcb->rto_ms * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : pcb->rto_ms * 2;
    pcb->rto_deadline = stack->now_ms + pcb->rto_ms;
    pcb->rtt_timing = false; /* Karn: no sample from a retransmitted segment */
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RECEIVED) {
        pcb->n_retransmits++;
        stack->stats.tcp_retransmits++;
        tcp_send_syn(pcb);
        return false;
    }
    if (pcb->snd_wnd == 0 && pcb->snd.len > 0) {
        /* persist (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17): probe the zero window with the first
         * unacknowledged octet, backing off like a retransmission. Every answer of the peer resets
         * the retry count (tcp_in.c), so the connection lives as long as the peer answers. */
        stack->stats.tcp_window_probes++;
        tcp_send_segment(pcb, pcb->snd_una, 1, TCP_ACK);
        if (SEQ_LT(pcb->snd_nxt, pcb->snd_una + 1))
            pcb->snd_nxt = pcb->snd_una + 1;
        if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        return false;
    }
    if (pcb->snd_max == pcb->snd_una) {
        /* nothing outstanding: the SWS override (RFC 9293 3.8.6.2.1) sends what the window allows */
        pcb->retries--;
        pcb->rto_deadline = 0;
        pcb->force_send = true;
        tcp_output(pcb);
        pcb->force_send = false;
        return false;
    }
    stack->stats.tcp_timeouts++;
    pcb->n_timeouts++;
    /* RFC 5681 eq. (4), only for the first retransmission of a segment */
    uint32_t flight = pcb->snd_max - pcb->snd_una;
    if (pcb->retries == 1) {
        pcb->ssthresh = flight / 2 > 2u * pcb->mss ? flight / 2 : 2u * pcb->mss;
    }
    pcb->cwnd = pcb->mss; /* loss window LW = 1 SMSS */
    pcb->in_recovery = false;
    pcb->dupacks = 0;
    pcb->recover = pcb->snd_max; /* RFC 6582 section 4: no fast retransmit for this window */
    pcb->snd_nxt = pcb->snd_una; /* go back N: resend from the first unacknowledged byte */
    tcp_output(pcb);
    return false;
}

static void keepalive_expired(struct tcp_pcb *pcb)
{
    /* RFC 1122 4.2.3.6: a probe is a segment with SEG.SEQ = SND.NXT-1 and no data */
    if (++pcb->keep_probes > TCP_KEEPALIVE_PROBES) {
        tcp_send_segment(pcb, pcb->snd_nxt, 0, TCP_RST);
        tcp_pcb_gone(pcb, NET_ERR_TIMEOUT); /* last use of pcb */
        return;
    }
    pcb->stack->stats.tcp_keepalive_probes++;
    tcp_send_segment(pcb, pcb->snd_nxt - 1, 0, TCP_ACK);
    pcb->keep_deadline = pcb->stack->now_ms + TCP_KEEPALIVE_INTVL_MS;
}

void tcp_tick(struct net_stack *stack)
{
    uint64_t now = stack->now_ms;
    for (struct tcp_pcb *pcb = stack->tcp_pcbs, *next; pcb; pcb = next) {
        next = pcb->next;
        if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
            continue;
        if (pcb->tw_deadline && pcb->tw_deadline <= now) {
            tcp_pcb_gone(pcb, pcb->state == TCP_TIME_WAIT ? NET_OK : NET_ERR_TIMEOUT);
            continue;
        }
        if (pcb->delack_deadline && pcb->delack_deadline <= now) {
            stack->stats.tcp_delayed_acks++;
            tcp_send_ack(pcb);
        }
        if (pcb->rto_deadline && pcb->rto_deadline <= now && rto_expired(pcb))
            continue; /* ended (and freed unless a user owns it) */
        if (pcb->keepalive && pcb->keep_deadline && pcb->keep_deadline <= now &&
            pcb->state == TCP_ESTABLISHED)
            keepalive_expired(pcb);
    }
}

void tcp_flush(struct net_stack *stack)
{
    while (stack->tcp_pcbs) {
        struct tcp_pcb *pcb = stack->tcp_pcbs;
        pcb->listener = NULL;
        pcb_free(pcb);
    }
}
