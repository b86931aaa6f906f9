/* kernel/net/tcp_in.c — TCP segment arrival (RFC 9293 section 3.10.7).
 *
 * tcp_input checks the segment (length, data offset, checksum, options), finds its connection
 * (exact four-tuple first, then a listener), and runs the event processing of RFC 9293 3.10.7:
 * CLOSED (3.10.7.1), LISTEN (3.10.7.2), SYN-SENT (3.10.7.3) and the synchronized states (3.10.7.4,
 * the "first check sequence number ... eighth, check the FIN bit" steps, which this file follows in
 * order). ACK processing runs RFC 5681 congestion control with the New Reno changes of RFC 6582;
 * RST and SYN in the window get the RFC 5961 checks. Out-of-order data goes straight into the receive
 * ring at its offset and is remembered as ranges. Output and timers are in tcp_out.c and tcp.c. */
#include "kernel/net/tcp_priv.h"
#include "kernel/net/proto/icmp.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/tcp.h"

/* A segment as the state machine sees it (host order). */
struct tcp_seg {
    uint32_t seq, ack;
    uint8_t flags;
    uint32_t wnd;        /* window field, unscaled */
    uint8_t *data;
    uint32_t len;        /* data bytes */
    bool has_mss, has_ws, has_sack_perm;
    uint16_t mss;
    uint8_t ws;
};

/* An ACK answering a segment we refuse (out of window, acking unsent data, RST or SYN in the window).
 * Rate-limited per connection: two endpoints that disagree about sequence numbers (a desynchronized
 * or attacked connection) would otherwise answer each other's ACKs forever (an ACK storm). RFC 5961
 * section 7 asks for such a limit on challenge ACKs; Linux applies one to all of these
 * (tcp_invalid_ratelimit). */
static void ack_invalid(struct tcp_pcb *pcb)
{
    struct net_stack *stack = pcb->stack;
    if (pcb->last_invalid_ack_ms && stack->now_ms - pcb->last_invalid_ack_ms < TCP_INVALID_ACK_MS) {
        stack->stats.tcp_ack_ratelimited++;
        return;
    }
    pcb->last_invalid_ack_ms = stack->now_ms ? stack->now_ms : 1;
    tcp_send_ack(pcb);
}

/* Parses the options between the fixed header and the data. Returns false on a malformed list
 * (RFC 9293 3.1: every option but EOL and NOP has a length octet, which must fit). */
static bool parse_options(const uint8_t *p, size_t len, struct tcp_seg *seg)
{
    size_t i = 0;
    while (i < len) {
        uint8_t kind = p[i];
        if (kind == TCP_OPT_EOL)
            break;
        if (kind == TCP_OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            return false;
        uint8_t olen = p[i + 1];
        if (olen < 2 || i + olen > len)
            return false;
        if (kind == TCP_OPT_MSS) {
            if (olen != 4)
                return false;
            seg->has_mss = true;
            seg->mss = (uint16_t)((p[i + 2] << 8) | p[i + 3]);
        } else if (kind == TCP_OPT_WSCALE) {
            if (olen != 3)
                return false;
            seg->has_ws = true;
            /* RFC 7323 2.3: a shift over 14 is used as 14 */
            seg->ws = p[i + 2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : p[i + 2];
        } else if (kind == TCP_OPT_SACK_PERM) {
            if (olen != 2)
                return false;
            seg->has_sack_perm = true;
        }
        /* unknown options are skipped by their length (RFC 9293 3.1, RFC 1122 4.2.2.5) */
        i += olen;
    }
    return true;
}

/* Applies the options of a SYN: MSS (RFC 9293 3.7.1) and window scale (RFC 7323 2.2). */
static void apply_syn_options(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
    uint32_t next_hop;
    struct netdev *dev = ip4_route(pcb->stack, pcb->remote_ip, &next_hop);
    uint32_t limit = dev ? dev->mtu - IP4_HLEN - TCP_HLEN : TCP_DEFAULT_MSS;
    uint32_t mss = seg->has_mss ? seg->mss : TCP_DEFAULT_MSS;
    if (mss > limit)
        mss = limit;
    if (mss < 64)
        mss = 64; /* a tiny MSS would only multiply segments; clamp like Linux does */
    pcb->mss = (uint16_t)mss;
    if (seg->has_ws) {
        pcb->wscale_ok = true;
        pcb->snd_wscale = seg->ws;
    } else {
        pcb->wscale_ok = false;
        pcb->snd_wscale = 0;
        pcb->rcv_wscale = 0;
    }
    /* RFC 2018 2: SACK blocks may be sent when the peer's SYN said SACK-permitted (our SYN always
     * says it; a SYN,ACK only when the SYN did, as tcp_out.c does) */
    pcb->sack_ok = seg->has_sack_perm;
    /* RFC 5681 3.1 eq. (1): IW = min(4*SMSS, max(2*SMSS, 4380 bytes)) */
    uint32_t iw = 2 * mss > 4380 ? 2 * mss : 4380;
    pcb->cwnd = 4 * mss < iw ? 4 * mss : iw;
    pcb->max_cwnd = pcb->cwnd;
}

static struct tcp_pcb *demux(struct net_stack *stack, const struct ip4_info *info, uint16_t sport,
                             uint16_t dport)
{
    struct tcp_pcb *listener = NULL;
    for (struct tcp_pcb *p = stack->tcp_pcbs; p; p = p->next) {
        if (p->local_port != dport || p->state == TCP_CLOSED)
            continue;
        if (p->state == TCP_LISTEN) {
            if (!p->local_ip || p->local_ip == info->dst)
                listener = p;
            continue;
        }
        if (p->remote_port == sport && p->remote_ip == info->src && p->local_ip == info->dst)
            return p;
    }
    return listener;
}

/* RFC 9293 3.10.7.1: a segment for no connection. "If the state is CLOSED ... an incoming segment not
 * containing a RST causes a RST to be sent in response." */
static void reset_closed(struct net_stack *stack, const struct ip4_info *info, uint16_t sport,
                         uint16_t dport, const struct tcp_seg *seg)
{
    if (seg->flags & TCP_RST)
        return;
    if (seg->flags & TCP_ACK)
        tcp_send_rst(stack, info->dst, info->src, dport, sport, seg->ack, 0, false);
    else
        tcp_send_rst(stack, info->dst, info->src, dport, sport, 0,
                     seg->seq + seg->len + ((seg->flags & TCP_SYN) ? 1 : 0) + ((seg->flags & TCP_FIN) ? 1 : 0),
                     true);
}

/* Frees l's oldest half-open child whose SYN,ACK went unanswered for a whole RTO (it was
 * retransmitted: a forged SYN's, or a peer that is gone); false when there is none. Younger ones are
 * kept: a burst of real clients beyond the backlog must not evict each other (their SYNs are dropped
 * and retried, as before). Control blocks are prepended to stack->tcp_pcbs at allocation, so the
 * last match in the list is the oldest. */
static bool evict_oldest_half_open(struct tcp_pcb *l)
{
    struct tcp_pcb *oldest = NULL;
    for (struct tcp_pcb *p = l->stack->tcp_pcbs; p; p = p->next)
        if (p->listener == l && !p->in_accept_queue && p->state == TCP_SYN_RECEIVED && p->retries > 0)
            oldest = p;
    if (!oldest)
        return false;
    l->stack->stats.tcp_syn_evicted++;
    tcp_pcb_gone(oldest, NET_ERR_TIMEOUT); /* silently: its SYN may well be forged */
    return true;
}

/* RFC 9293 3.10.7.2: LISTEN. */
static void listen_input(struct tcp_pcb *l, const struct ip4_info *info, uint16_t sport,
                         const struct tcp_seg *seg)
{
    struct net_stack *stack = l->stack;
    if (seg->flags & TCP_RST)
        return; /* "An incoming RST should be ignored" */
    if (seg->flags & TCP_ACK) {
        /* "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state" */
        tcp_send_rst(stack, info->dst, info->src, l->local_port, sport, seg->ack, 0, false);
        return;
    }
    if (!(seg->flags & TCP_SYN) || info->broadcast)
        return; /* RFC 1122 4.2.3.10: a SYN to a broadcast address is ignored */
    /* SYN flood bound: at most TCP_SYN_QUEUE_MIN (or `backlog` if larger) half-open and `backlog`
     * unaccepted children. A full SYN
     * queue makes room by dropping its oldest half-open child that has gone a whole RTO without an
     * answer (RFC 4987 3.4, "dropping the oldest SYN-RECEIVED"): after a flood a real client's SYN is
     * taken at once, where refusing new SYNs kept it out until the flood's children timed out
     * (12-20 s under TCG); a new child is never evicted before its first RTO. */
    if (l->accept_len >= l->backlog) {
        stack->stats.tcp_drop_syn_backlog++;
        return;
    }
    int syn_queue = l->backlog > TCP_SYN_QUEUE_MIN ? l->backlog : TCP_SYN_QUEUE_MIN;
    if (l->syn_pending >= syn_queue && !evict_oldest_half_open(l)) {
        stack->stats.tcp_drop_syn_backlog++;
        return;
    }
    struct tcp_pcb *c = tcp_pcb_alloc(stack);
    if (!c) {
        stack->stats.tcp_drop_syn_backlog++;
        return;
    }
    c->listener = l;
    l->syn_pending++;
    c->local_ip = info->dst;
    c->local_port = l->local_port;
    c->remote_ip = info->src;
    c->remote_port = sport;
    c->state = TCP_SYN_RECEIVED;
    c->nagle = l->nagle;
    c->rtt_start = stack->now_ms;
    apply_syn_options(c, seg);
    c->irs = seg->seq;
    c->rcv_nxt = seg->seq + 1;
    c->iss = tcp_iss(stack, c);
    c->snd_una = c->iss;
    c->snd_nxt = c->snd_max = c->iss + 1;
    c->recover = c->iss;
    c->snd_wnd = seg->wnd; /* RFC 7323 2.2: a SYN's window is not scaled */
    c->snd_wl1 = seg->seq;
    c->snd_wl2 = c->iss;
    c->rto_deadline = stack->now_ms + c->rto_ms;
    tcp_send_syn(c);
}

/* RFC 9293 3.10.7.3: SYN-SENT. Returns with the segment consumed. */
static void syn_sent_input(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
    struct net_stack *stack = pcb->stack;
    bool ack_ok = false;
    if (seg->flags & TCP_ACK) {
        /* "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set)" */
        if (SEQ_LEQ(seg->ack, pcb->iss) || SEQ_GT(seg->ack, pcb->snd_nxt)) {
            if (!(seg->flags & TCP_RST))
                tcp_send_rst(stack, pcb->local_ip, pcb->remote_ip, pcb->local_port, pcb->remote_port,
                             seg->ack, 0, false);
            return;
        }
        ack_ok = true;
    }
    if (seg->flags & TCP_RST) {
        /* "If the ACK was acceptable, then signal to the user 'error: connection reset', drop the
         * segment, enter CLOSED state"; without an ACK, drop it */
        if (ack_ok) {
            stack->stats.tcp_rst_rx++;
            tcp_pcb_gone(pcb, NET_ERR_REFUSED);
        }
        return;
    }
    if (!(seg->flags & TCP_SYN))
        return;
    pcb->irs = seg->seq;
    pcb->rcv_nxt = seg->seq + 1;
    apply_syn_options(pcb, seg);
    pcb->snd_wnd = seg->wnd;
    pcb->snd_wl1 = seg->seq;
    pcb->snd_wl2 = seg->ack;
    if (ack_ok) {
        pcb->snd_una = seg->ack;
        pcb->state = TCP_ESTABLISHED;
        pcb->rto_deadline = 0;
        pcb->retries = 0;
        /* RFC 6298 2.1 / 5.7: a SYN answered without retransmission gives a first RTT sample; after
         * a SYN timeout, RTO restarts at 3 s when data transmission begins */
        if (pcb->n_retransmits == 0)
            tcp_rtt_sample(pcb, (uint32_t)(stack->now_ms - pcb->rtt_start));
        else if (pcb->rto_ms < 3000)
            pcb->rto_ms = 3000;
        if (pcb->keepalive)
            pcb->keep_deadline = stack->now_ms + TCP_KEEPALIVE_IDLE_MS;
        pcb->ack_now = true;
        tcp_output(pcb);
        tcp_notify(pcb);
        return;
    }
    /* simultaneous open (RFC 9293 3.5, figure 8): "enter SYN-RECEIVED, form a SYN,ACK segment" */
    pcb->state = TCP_SYN_RECEIVED;
    pcb->snd_wnd = seg->wnd;
    tcp_send_syn(pcb);
}

/* Stores in-window data; seg->seq >= rcv_nxt after trimming. Returns true when it arrived in order. */
static bool receive_data(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
    struct net_stack *stack = pcb->stack;
    uint32_t off = seg->seq - pcb->rcv_nxt;
    if (seg->len == 0)
        return off == 0;
    if (off == 0) {
        tcp_ring_write_at(&pcb->rcv, 0, seg->data, seg->len);
        pcb->rcv.len += seg->len;
        pcb->rcv_nxt += seg->len;
        /* pull in out-of-order ranges that now touch rcv_nxt */
        bool filled = pcb->nooo > 0;
        for (int i = 0; i < pcb->nooo;) {
            struct tcp_range *r = &pcb->ooo[i];
            if (SEQ_LEQ(r->start, pcb->rcv_nxt)) {
                if (SEQ_GT(r->end, pcb->rcv_nxt)) {
                    uint32_t more = r->end - pcb->rcv_nxt;
                    pcb->rcv.len += more;
                    pcb->rcv_nxt = r->end;
                }
                pcb->ooo[i] = pcb->ooo[--pcb->nooo];
                i = 0;
                continue;
            }
            i++;
        }
        if (!pcb->user && !pcb->listener) {
            tcp_ring_consume(&pcb->rcv, pcb->rcv.len); /* closed by the user: data goes nowhere */
        }
        /* RFC 5681 4.2: ACK at once a segment that fills a gap; else every second full segment,
         * or within TCP_DELACK_MS (RFC 9293 3.8.6.3) */
        if (filled || ++pcb->delack_segs >= 2)
            pcb->ack_now = true;
        else if (!pcb->delack_deadline)
            pcb->delack_deadline = stack->now_ms + TCP_DELACK_MS;
        return true;
    }
    /* out of order: keep it at its place if a range slot is free or it extends one */
    uint32_t start = seg->seq, end = seg->seq + seg->len;
    int i;
    for (i = 0; i < pcb->nooo; i++) {
        struct tcp_range *r = &pcb->ooo[i];
        if (SEQ_LEQ(start, r->end) && SEQ_GEQ(end, r->start))
            break; /* overlaps or touches */
    }
    if (i == pcb->nooo && pcb->nooo == TCP_OOO_RANGES) {
        stack->stats.tcp_drop_ooo++;
    } else {
        tcp_ring_write_at(&pcb->rcv, off, seg->data, seg->len);
        stack->stats.tcp_ooo_segments++;
        if (i == pcb->nooo) {
            pcb->ooo[pcb->nooo].start = start;
            pcb->ooo[pcb->nooo].end = end;
            pcb->nooo++;
        } else {
            struct tcp_range merged = pcb->ooo[i];
            if (SEQ_LT(start, merged.start))
                merged.start = start;
            if (SEQ_GT(end, merged.end))
                merged.end = end;
            pcb->ooo[i] = pcb->ooo[--pcb->nooo];
            /* the grown range may now touch others: fold them in */
            for (int j = 0; j < pcb->nooo;) {
                struct tcp_range *r = &pcb->ooo[j];
                if (SEQ_LEQ(merged.start, r->end) && SEQ_GEQ(merged.end, r->start)) {
                    if (SEQ_LT(r->start, merged.start))
                        merged.start = r->start;
                    if (SEQ_GT(r->end, merged.end))
                        merged.end = r->end;
                    pcb->ooo[j] = pcb->ooo[--pcb->nooo];
                    j = 0;
                    continue;
                }
                j++;
            }
            pcb->ooo[pcb->nooo++] = merged;
        }
    }
    /* RFC 5681 4.2: an out-of-order segment is acknowledged at once (a duplicate ACK) */
    pcb->ack_now = true;
    return false;
}

/* ACK processing for the synchronized states (RFC 9293 3.10.7.4, "fifth, check the ACK field").
 * Returns false when the segment must be dropped (and pcb may be gone). */
static bool process_ack(struct tcp_pcb *pcb, const struct tcp_seg *seg)
{
    struct net_stack *stack = pcb->stack;
    if (pcb->state == TCP_SYN_RECEIVED) {
        /* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state" */
        if (!(SEQ_LT(pcb->snd_una, seg->ack) && SEQ_LEQ(seg->ack, pcb->snd_max))) {
            tcp_send_rst(stack, pcb->local_ip, pcb->remote_ip, pcb->local_port, pcb->remote_port,
                         seg->ack, 0, false);
            return false;
        }
        if (tcp_alloc_buffers(pcb) != NET_OK) {
            tcp_send_segment(pcb, seg->ack, 0, TCP_RST);
            tcp_pcb_gone(pcb, NET_ERR_NOMEM);
            return false;
        }
        pcb->state = TCP_ESTABLISHED;
        pcb->snd_una = seg->ack;
        pcb->snd_wnd = seg->wnd << pcb->snd_wscale;
        pcb->snd_wl1 = seg->seq;
        pcb->snd_wl2 = seg->ack;
        pcb->rto_deadline = 0;
        pcb->retries = 0;
        if (pcb->n_retransmits == 0)
            tcp_rtt_sample(pcb, (uint32_t)(stack->now_ms - pcb->rtt_start));
        struct tcp_pcb *l = pcb->listener;
        if (l) {
            l->syn_pending--;
            pcb->in_accept_queue = true;
            pcb->accept_next = NULL;
            if (l->accept_tail)
                l->accept_tail->accept_next = pcb;
            else
                l->accept_head = pcb;
            l->accept_tail = pcb;
            l->accept_len++;
            tcp_notify(l);
        }
        if (pcb->fin_queued) /* the user shut down while SYN-RECEIVED */
            pcb->state = TCP_FIN_WAIT_1;
        return true;
    }
    /* "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the
     * segment" */
    if (SEQ_GT(seg->ack, pcb->snd_max)) {
        ack_invalid(pcb);
        return false;
    }
    uint32_t flight = pcb->snd_max - pcb->snd_una;
    if (SEQ_GT(seg->ack, pcb->snd_una)) {
        uint32_t acked = seg->ack - pcb->snd_una;
        uint32_t data_acked = acked < pcb->snd.len ? acked : pcb->snd.len;
        if (pcb->fin_queued && acked > pcb->snd.len)
            pcb->fin_acked = true;
        tcp_ring_consume(&pcb->snd, data_acked);
        pcb->snd_una = seg->ack;
        if (SEQ_LT(pcb->snd_nxt, pcb->snd_una))
            pcb->snd_nxt = pcb->snd_una;
        pcb->retries = 0;
        if (pcb->rtt_timing && SEQ_GT(seg->ack, pcb->rtt_seq)) {
            pcb->rtt_timing = false;
            tcp_rtt_sample(pcb, (uint32_t)(stack->now_ms - pcb->rtt_start));
        } else if (pcb->srtt_x8) {
            /* RFC 6298 5.7 note: after a backoff, a new ACK may recompute RTO from SRTT */
            uint32_t rto = pcb->srtt_x8 / 8 + pcb->rttvar_x4;
            pcb->rto_ms = rto < TCP_RTO_MIN_MS ? TCP_RTO_MIN_MS : rto > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto;
        }
        /* RFC 6298 5.2 / 5.3: stop the timer when all is acked, else restart it */
        pcb->rto_deadline = pcb->snd_una == pcb->snd_max ? 0 : stack->now_ms + pcb->rto_ms;
        if (pcb->in_recovery) {
            if (SEQ_GEQ(seg->ack, pcb->recover)) {
                /* RFC 6582 3.2 step 3 (full ACK): cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) */
                uint32_t fs = pcb->snd_max - pcb->snd_una;
                uint32_t c = (fs > pcb->mss ? fs : pcb->mss) + pcb->mss;
                pcb->cwnd = pcb->ssthresh < c ? pcb->ssthresh : c;
                pcb->in_recovery = false;
            } else {
                /* RFC 6582 3.2 step 4 (partial ACK): retransmit the first unacknowledged segment,
                 * deflate cwnd by the amount acked, add back one SMSS if that was at least SMSS */
                stack->stats.tcp_partial_acks++;
                tcp_retransmit_first(pcb);
                pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : 0;
                if (acked >= pcb->mss)
                    pcb->cwnd += pcb->mss;
                if (pcb->cwnd < pcb->mss)
                    pcb->cwnd = pcb->mss;
            }
        } else if (2 * flight < pcb->cwnd) {
            /* RFC 7661 section 4 / RFC 5681 section 3.1: cwnd only grows while it limits sending
             * (less than half of it was in flight: application- or receiver-limited) */
        } else if (pcb->cwnd < pcb->ssthresh) {
            /* RFC 5681 3.1 eq. (2): slow start, cwnd += min(N, SMSS) */
            pcb->cwnd += acked < pcb->mss ? acked : pcb->mss;
        } else {
            /* RFC 5681 3.1 eq. (3): congestion avoidance, cwnd += SMSS*SMSS/cwnd */
            uint32_t inc = (uint32_t)((uint64_t)pcb->mss * pcb->mss / (pcb->cwnd ? pcb->cwnd : 1));
            pcb->cwnd += inc ? inc : 1;
        }
        if (pcb->cwnd > pcb->max_cwnd)
            pcb->max_cwnd = pcb->cwnd;
        pcb->dupacks = 0;
    } else if (seg->ack == pcb->snd_una && seg->len == 0 && !(seg->flags & (TCP_SYN | TCP_FIN)) &&
               flight > 0 && (seg->wnd << pcb->snd_wscale) == pcb->snd_wnd) {
        /* RFC 5681 section 2: a duplicate ACK */
        stack->stats.tcp_dupacks++;
        pcb->dupacks++;
        if (pcb->in_recovery) {
            pcb->cwnd += pcb->mss; /* RFC 6582 3.2 step 3 of RFC 5681: inflate per extra dup ACK */
        } else if (pcb->dupacks == 3 && SEQ_GT(seg->ack, pcb->recover)) {
            /* RFC 6582 3.2 step 2: enter fast retransmit; ssthresh = max(FlightSize/2, 2*SMSS) */
            pcb->recover = pcb->snd_max;
            pcb->ssthresh = flight / 2 > 2u * pcb->mss ? flight / 2 : 2u * pcb->mss;
            stack->stats.tcp_fast_retransmits++;
            pcb->n_fast_retransmits++;
            tcp_retransmit_first(pcb);
            pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
            pcb->in_recovery = true;
        }
    } else if (SEQ_LT(seg->ack, pcb->snd_una)) {
        return true; /* "If the ACK is a duplicate (SEG.ACK < SND.UNA), it can be ignored" */
    }
    if (seg->ack == pcb->snd_una && pcb->snd_wnd == 0)
        pcb->retries = 0; /* the peer answers our window probes: it is alive */
    /* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ or
     * (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK))" */
    if (SEQ_LT(pcb->snd_wl1, seg->seq) || (pcb->snd_wl1 == seg->seq && SEQ_LEQ(pcb->snd_wl2, seg->ack))) {
        bool opened = pcb->snd_wnd == 0 && seg->wnd != 0;
        pcb->snd_wnd = seg->wnd << pcb->snd_wscale;
        if (pcb->snd_wnd > pcb->max_snd_wnd)
            pcb->max_snd_wnd = pcb->snd_wnd;
        pcb->snd_wl1 = seg->seq;
        pcb->snd_wl2 = seg->ack;
        if (opened && SEQ_GT(pcb->snd_nxt, pcb->snd_una)) {
            /* the window reopened: the probed octet was refused, so send from SND.UNA again now
             * instead of waiting for the backed-off persist timer */
            pcb->snd_nxt = pcb->snd_una;
            pcb->rto_deadline = 0;
            if (pcb->srtt_x8) {
                uint32_t rto = pcb->srtt_x8 / 8 + pcb->rttvar_x4;
                pcb->rto_ms = rto < TCP_RTO_MIN_MS ? TCP_RTO_MIN_MS : rto > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : rto;
            }
        }
    }
    /* our FIN acknowledged: the closing states move on */
    if (pcb->fin_acked) {
        switch (pcb->state) {
        case TCP_FIN_WAIT_1:
            pcb->state = TCP_FIN_WAIT_2;
            if (!pcb->user)
                pcb->tw_deadline = stack->now_ms + TCP_FIN_WAIT2_MS;
            break;
        case TCP_CLOSING:
            tcp_enter_time_wait(pcb);
            break;
        case TCP_LAST_ACK:
            tcp_pcb_gone(pcb, NET_OK); /* "delete the TCB, enter the CLOSED state, and return" */
            return false;
        default:
            break;
        }
    }
    return true;
}

/* RFC 9293 3.10.7.4: the synchronized states and SYN-RECEIVED. */
static void established_input(struct tcp_pcb *pcb, struct tcp_seg *seg)
{
    struct net_stack *stack = pcb->stack;
    bool syn = seg->flags & TCP_SYN, fin = seg->flags & TCP_FIN;
    uint32_t space = pcb->rcv.buf ? tcp_rcv_space(pcb) : TCP_RCVBUF;
    uint32_t seglen = seg->len + syn + fin;

    if (pcb->keepalive) {
        pcb->keep_deadline = stack->now_ms + TCP_KEEPALIVE_IDLE_MS;
        pcb->keep_probes = 0;
    }
    /* a retransmitted SYN in SYN-RECEIVED: our SYN,ACK was lost, send it again (as BSD and Linux do)
     * rather than only the ACK the acceptability test would give */
    if (pcb->state == TCP_SYN_RECEIVED && syn && !(seg->flags & (TCP_ACK | TCP_RST)) && seg->seq == pcb->irs) {
        tcp_send_syn(pcb);
        return;
    }
    /* TIME_WAIT: "The only thing that can arrive in this state is a retransmission of the remote FIN.
     * Acknowledge it, and restart the 2 MSL timeout." (it sits just below RCV.NXT) */
    if (pcb->state == TCP_TIME_WAIT && fin && !(seg->flags & TCP_RST) && seg->seq + seg->len + 1 == pcb->rcv_nxt) {
        tcp_send_ack(pcb);
        tcp_enter_time_wait(pcb);
        return;
    }
    uint32_t orig_seq = seg->seq;
    /* first, check sequence number: the four acceptability cases */
    bool ok;
    uint32_t end = pcb->rcv_nxt + space;
    if (seglen == 0)
        ok = space == 0 ? seg->seq == pcb->rcv_nxt
                        : SEQ_LEQ(pcb->rcv_nxt, seg->seq) && SEQ_LT(seg->seq, end);
    else if (space == 0)
        ok = false;
    else
        ok = (SEQ_LEQ(pcb->rcv_nxt, seg->seq) && SEQ_LT(seg->seq, end)) ||
             (SEQ_LEQ(pcb->rcv_nxt, seg->seq + seglen - 1) && SEQ_LT(seg->seq + seglen - 1, end));
    /* "special allowance should be made to accept valid ACKs, URGs, and RSTs" on a zero window */
    if (!ok && space == 0 && seg->seq == pcb->rcv_nxt) {
        ok = true;
        seg->len = 0;
        fin = false;
        seglen = syn;
        pcb->ack_now = true; /* a window probe: answer with our (still zero) window */
    }
    if (!ok) {
        /* "If an incoming segment is not acceptable, an acknowledgment should be sent in reply
         * (unless the RST bit is set)" */
        stack->stats.tcp_drop_outwin++;
        if (!(seg->flags & TCP_RST))
            ack_invalid(pcb);
        return;
    }
    /* trim to the window: bytes before rcv_nxt were already received, bytes past the window cannot
     * be kept */
    if (SEQ_LT(seg->seq, pcb->rcv_nxt)) {
        uint32_t dup = pcb->rcv_nxt - seg->seq;
        if (syn) {
            syn = false;
            dup--;
            seg->seq++;
        }
        if (dup >= seg->len) {
            if (dup > seg->len)
                fin = false;
            seg->seq += seg->len;
            seg->len = 0;
        } else {
            seg->data += dup;
            seg->len -= dup;
            seg->seq += dup;
        }
        pcb->ack_now = true; /* a retransmission: tell the peer where we are */
    }
    if (SEQ_GT(seg->seq + seg->len, end)) {
        seg->len = end - seg->seq;
        fin = false;
    }

    /* second, check the RST bit (with RFC 5961 3.2: only an exact match resets). RFC 1337: a RST in
     * TIME_WAIT is ignored, so that an old duplicate cannot end the wait early. */
    if ((seg->flags & TCP_RST) && pcb->state == TCP_TIME_WAIT)
        return;
    if (seg->flags & TCP_RST) {
        if (orig_seq != pcb->rcv_nxt) {
            stack->stats.tcp_challenge_ack++;
            ack_invalid(pcb);
            return;
        }
        stack->stats.tcp_rst_rx++;
        /* SYN-RECEIVED from a passive open "returns to LISTEN": the child just goes away */
        tcp_pcb_gone(pcb, pcb->state == TCP_SYN_RECEIVED && !pcb->listener ? NET_ERR_REFUSED
                                                                           : NET_ERR_RESET);
        return;
    }
    /* fourth, check the SYN bit: RFC 5961 4.2, answer with a challenge ACK */
    if (syn) {
        stack->stats.tcp_challenge_ack++;
        ack_invalid(pcb);
        return;
    }
    /* fifth, check the ACK field: "if the ACK bit is off, drop the segment" */
    if (!(seg->flags & TCP_ACK))
        return;
    if (pcb->state == TCP_TIME_WAIT) {
        if (fin || seg->len) { /* anything else acceptable: answer, restart the wait */
            tcp_send_ack(pcb);
            tcp_enter_time_wait(pcb);
        }
        return;
    }
    if (!process_ack(pcb, seg))
        return;
    /* seventh, process the segment text */
    bool in_order = true;
    if (seg->len > 0) {
        if (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_FIN_WAIT_1 || pcb->state == TCP_FIN_WAIT_2)
            in_order = receive_data(pcb, seg);
        else
            in_order = false; /* after the peer's FIN no new data is valid: ignore it */
    } else {
        in_order = seg->seq == pcb->rcv_nxt;
    }
    /* eighth, check the FIN bit: only an in-order FIN is processed (a later one is retransmitted) */
    if (fin && in_order && seg->seq + seg->len == pcb->rcv_nxt && !pcb->fin_received) {
        pcb->fin_received = true;
        pcb->rcv_nxt++;
        pcb->nooo = 0;
        pcb->ack_now = true;
        switch (pcb->state) {
        case TCP_SYN_RECEIVED:
        case TCP_ESTABLISHED:
            pcb->state = TCP_CLOSE_WAIT;
            break;
        case TCP_FIN_WAIT_1:
            /* our FIN was acked in process_ack (-> FIN_WAIT_2) or not: simultaneous close */
            pcb->state = TCP_CLOSING;
            break;
        case TCP_FIN_WAIT_2:
            tcp_enter_time_wait(pcb);
            break;
        default:
            break;
        }
    }
    tcp_output(pcb);
    tcp_notify(pcb);
}

void tcp_input(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info)
{
    stack->stats.tcp_rx++;
    struct tcp_hdr *th = (struct tcp_hdr *)nb->data;
    size_t hlen = nb->len >= TCP_HLEN ? (size_t)(th->off >> 4) * 4 : 0;
    if (nb->len < TCP_HLEN || hlen < TCP_HLEN || hlen > nb->len) {
        stack->stats.tcp_drop_short++;
        goto drop;
    }
    /* RFC 9293 3.10.7 / RFC 1122 4.2.2.7: a segment with a bad checksum is discarded */
    uint32_t sum = net_chksum_pseudo(info->src, info->dst, IP4_PROTO_TCP, (uint16_t)nb->len);
    if (net_chksum_fold(net_chksum_add(sum, nb->data, nb->len)) != 0) {
        stack->stats.tcp_drop_chksum++;
        goto drop;
    }
    if (info->broadcast || (info->dst >> 28) == 0xe) {
        stack->stats.tcp_drop_noconn++;
        goto drop;
    }
    struct tcp_seg seg = {
        .seq = net_ntohl(th->seq), .ack = net_ntohl(th->ack), .flags = th->flags,
        .wnd = net_ntohs(th->window), .data = nb->data + hlen, .len = (uint32_t)(nb->len - hlen),
    };
    if (!parse_options(nb->data + TCP_HLEN, hlen - TCP_HLEN, &seg)) {
        stack->stats.tcp_drop_opts++;
        goto drop;
    }
    uint16_t sport = net_ntohs(th->src_port), dport = net_ntohs(th->dst_port);
    struct tcp_pcb *pcb = demux(stack, info, sport, dport);
    if (!pcb) {
        stack->stats.tcp_drop_noconn++;
        reset_closed(stack, info, sport, dport, &seg);
        goto drop;
    }
    switch (pcb->state) {
    case TCP_LISTEN:
        listen_input(pcb, info, sport, &seg);
        break;
    case TCP_SYN_SENT:
        syn_sent_input(pcb, &seg);
        break;
    default:
        established_input(pcb, &seg);
        break;
    }
drop:
    netbuf_free(nb);
}

void tcp_icmp_unreachable(struct net_stack *stack, uint8_t code, uint32_t src, uint32_t dst, uint16_t sport,
                          uint16_t dport, uint32_t seq)
{
    struct tcp_pcb *pcb = NULL;
    for (struct tcp_pcb *p = stack->tcp_pcbs; p; p = p->next)
        if (p->state != TCP_CLOSED && p->state != TCP_LISTEN && p->local_ip == src && p->local_port == sport &&
            p->remote_ip == dst && p->remote_port == dport)
            pcb = p;
    /* RFC 5927 section 4.1: believe only a quote of data in flight (SND.UNA <= seq < SND.NXT) */
    if (!pcb || SEQ_LT(seq, pcb->snd_una) || SEQ_GEQ(seq, pcb->snd_max)) {
        stack->stats.icmp_drop++;
        return;
    }
    stack->stats.tcp_icmp_errors++;
    /* RFC 1122 4.2.3.9: codes 2 (protocol) and 3 (port unreachable) are hard errors. Like BSD and
     * Linux (RFC 5461), only a connection still opening is aborted; others treat it as soft (the
     * retransmission timer decides). */
    if ((code == ICMP_CODE_PROTO_UNREACH || code == ICMP_CODE_PORT_UNREACH) && pcb->state == TCP_SYN_SENT)
        tcp_pcb_gone(pcb, NET_ERR_REFUSED);
}
