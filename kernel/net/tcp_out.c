/* kernel/net/tcp_out.c — building and sending TCP segments.
 *
 * Every segment is built fresh from the control block: data is copied out of the send ring (which
 * keeps everything from SND.UNA on, so a retransmission is just another copy), the ACK field and
 * window from the receive state. Segments go to ipv4.c (ip4_output). Callers: tcp.c (user calls,
 * timers) and tcp_in.c (answers and ACK clocking). */
#include "kernel/net/tcp_priv.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/tcp.h"

/* RFC 9293 3.7.1 / RFC 6691: announce the outgoing interface's MTU less 40 bytes of headers. */
static uint16_t our_mss(struct tcp_pcb *pcb)
{
    uint32_t next_hop;
    struct netdev *dev = ip4_route(pcb->stack, pcb->remote_ip, &next_hop);
    uint32_t mtu = dev ? dev->mtu : 576;
    return (uint16_t)(mtu - IP4_HLEN - TCP_HLEN);
}

static uint16_t window_field(struct tcp_pcb *pcb, bool syn)
{
    uint32_t space = tcp_rcv_space(pcb);
    /* RFC 9293 3.8.6.2.2 (receiver SWS avoidance): move the right edge only when it can advance by
     * min(BUFF/2, MSS); until then keep offering what was already promised (never less: no shrink) */
    uint32_t promised = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
    uint32_t step = pcb->rcv.cap / 2 < pcb->mss ? pcb->rcv.cap / 2 : pcb->mss;
    if (!syn && pcb->state >= TCP_ESTABLISHED && space < promised + step)
        space = promised;
    /* RFC 7323 2.2: the window in a SYN segment is never scaled */
    uint32_t w = syn ? space : space >> pcb->rcv_wscale;
    return (uint16_t)(w > 65535 ? 65535 : w);
}

static int build_and_send(struct tcp_pcb *pcb, uint32_t seq, uint32_t len, uint8_t flags)
{
    struct net_stack *stack = pcb->stack;
    uint8_t opts[40];
    size_t optlen = 0;
    if (flags & TCP_SYN) {
        uint16_t mss = our_mss(pcb);
        opts[0] = TCP_OPT_MSS;
        opts[1] = 4;
        opts[2] = (uint8_t)(mss >> 8);
        opts[3] = (uint8_t)mss;
        optlen = 4;
        /* RFC 7323 2.2: send WS in a SYN; in a SYN,ACK only when the SYN carried it */
        if (pcb->state == TCP_SYN_SENT || pcb->wscale_ok) {
            opts[4] = TCP_OPT_NOP;
            opts[5] = TCP_OPT_WSCALE;
            opts[6] = 3;
            opts[7] = pcb->rcv_wscale;
            optlen = 8;
        }
        /* RFC 2018 2: SACK-permitted in a SYN; in a SYN,ACK only when the SYN carried it */
        if (pcb->state == TCP_SYN_SENT || pcb->sack_ok) {
            opts[optlen++] = TCP_OPT_NOP;
            opts[optlen++] = TCP_OPT_NOP;
            opts[optlen++] = TCP_OPT_SACK_PERM;
            opts[optlen++] = 2;
        }
    } else if (pcb->sack_ok && pcb->nooo > 0 && len == 0 && (flags & TCP_ACK) && !(flags & TCP_RST)) {
        /* RFC 2018 3-4 (receiver side): the out-of-order ranges we hold, at most 4 blocks (no
         * timestamps here), the first one holding the segment that triggered this ACK (the range
         * last added or grown is the last of pcb->ooo, tcp_in.c). Pure ACKs only: a data segment's
         * size is planned without option space. */
        int n = pcb->nooo < 4 ? pcb->nooo : 4;
        opts[0] = TCP_OPT_NOP;
        opts[1] = TCP_OPT_NOP;
        opts[2] = TCP_OPT_SACK;
        opts[3] = (uint8_t)(2 + 8 * n);
        optlen = 4;
        for (int i = 0; i < n; i++, optlen += 8) {
            const struct tcp_range *r = &pcb->ooo[pcb->nooo - 1 - i];
            net_put32(opts + optlen, r->start);
            net_put32(opts + optlen + 4, r->end);
        }
    }
    struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, TCP_HLEN + optlen + len);
    if (!nb)
        return NET_ERR_NOMEM;
    struct tcp_hdr *th = (struct tcp_hdr *)nb->data;
    th->src_port = net_htons(pcb->local_port);
    th->dst_port = net_htons(pcb->remote_port);
    th->seq = net_htonl(seq);
    th->ack = net_htonl((flags & TCP_ACK) ? pcb->rcv_nxt : 0);
    th->off = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
    th->flags = flags;
    uint16_t wnd = (flags & TCP_RST) ? 0 : window_field(pcb, flags & TCP_SYN);
    th->window = net_htons(wnd);
    th->chksum = 0;
    th->urgent = 0;
    memcpy(nb->data + TCP_HLEN, opts, optlen);
    if (len)
        tcp_ring_read_at(&pcb->snd, seq - pcb->snd_una, nb->data + TCP_HLEN + optlen, len);
    uint32_t sum = net_chksum_pseudo(pcb->local_ip, pcb->remote_ip, IP4_PROTO_TCP, (uint16_t)nb->len);
    th->chksum = net_chksum_fold(net_chksum_add(sum, nb->data, nb->len));
    stack->stats.tcp_tx++;
    int err = ip4_output(stack, nb, pcb->local_ip, pcb->remote_ip, IP4_PROTO_TCP, false);
    netbuf_free(nb);
    if ((flags & TCP_ACK) && !(flags & TCP_RST)) {
        /* every segment carrying an ACK satisfies a pending delayed ACK */
        pcb->rcv_adv = pcb->rcv_nxt + ((flags & TCP_SYN) ? wnd : (uint32_t)wnd << pcb->rcv_wscale);
        pcb->delack_deadline = 0;
        pcb->delack_segs = 0;
        pcb->ack_now = false;
    }
    return err;
}

int tcp_send_segment(struct tcp_pcb *pcb, uint32_t seq, uint32_t len, uint8_t flags)
{
    return build_and_send(pcb, seq, len, flags);
}

int tcp_send_syn(struct tcp_pcb *pcb)
{
    if (pcb->state == TCP_SYN_SENT)
        return build_and_send(pcb, pcb->iss, 0, TCP_SYN);
    return build_and_send(pcb, pcb->iss, 0, TCP_SYN | TCP_ACK);
}

int tcp_send_ack(struct tcp_pcb *pcb)
{
    return build_and_send(pcb, pcb->snd_nxt, 0, TCP_ACK);
}

void tcp_retransmit_first(struct tcp_pcb *pcb)
{
    uint32_t n = pcb->snd.len < pcb->mss ? pcb->snd.len : pcb->mss;
    uint8_t flags = TCP_ACK;
    if (pcb->fin_queued && !pcb->fin_acked && n == pcb->snd.len)
        flags |= TCP_FIN;
    if (n == 0 && !(flags & TCP_FIN))
        return;
    pcb->n_retransmits++;
    pcb->stack->stats.tcp_retransmits++;
    pcb->rtt_timing = false; /* Karn's algorithm (RFC 6298 section 3) */
    build_and_send(pcb, pcb->snd_una, n, flags | (n ? TCP_PSH : 0));
}

void tcp_output(struct tcp_pcb *pcb)
{
    struct net_stack *stack = pcb->stack;
    if (pcb->state < TCP_ESTABLISHED || pcb->state == TCP_TIME_WAIT) {
        if (pcb->ack_now && pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN)
            tcp_send_ack(pcb);
        return;
    }
    /* RFC 5681 section 2: send no more than min(cwnd, rwnd) beyond SND.UNA; RFC 3042 limited
     * transmit: the first and second duplicate ACKs each let one more segment out */
    if (pcb->snd_wnd > pcb->max_snd_wnd)
        pcb->max_snd_wnd = pcb->snd_wnd;
    uint32_t cwnd = pcb->cwnd;
    if (!pcb->in_recovery && pcb->dupacks > 0)
        cwnd += (uint32_t)(pcb->dupacks < 2 ? pcb->dupacks : 2) * pcb->mss;
    uint32_t wnd = cwnd < pcb->snd_wnd ? cwnd : pcb->snd_wnd;
    for (;;) {
        uint32_t off = pcb->snd_nxt - pcb->snd_una;
        if (pcb->fin_acked || off > pcb->snd.len)
            break; /* FIN already sent and everything before it */
        uint32_t avail = pcb->snd.len - off;
        uint32_t room = wnd > off ? wnd - off : 0;
        uint32_t n = avail < room ? avail : room;
        if (n > pcb->mss)
            n = pcb->mss;
        bool fin = pcb->fin_queued && off + n == pcb->snd.len;
        if (n == 0 && !fin)
            break;
        /* RFC 9293 3.8.6.2.1 (sender SWS avoidance, a MUST of RFC 1122 4.2.3.4): with more data
         * waiting than the window takes, send only a full segment or half the largest window seen;
         * the override timer (tcp.c) breaks a wait with nothing in flight */
        if (n < pcb->mss && avail > room && pcb->snd_wnd <= cwnd && n < pcb->max_snd_wnd / 2 &&
            !pcb->force_send)
            break; /* (only when the peer's window is the limit; cwnd limits are RFC 5681's) */
        /* RFC 9293 3.7.4 Nagle: with it on, hold a short segment while data is unacknowledged */
        if (pcb->nagle && n < pcb->mss && off > 0 && !fin)
            break;
        uint8_t flags = TCP_ACK | (n ? TCP_PSH : 0) | (fin ? TCP_FIN : 0);
        bool retransmission = SEQ_LT(pcb->snd_nxt, pcb->snd_max);
        if (retransmission) {
            pcb->n_retransmits++;
            stack->stats.tcp_retransmits++;
        } else if (!pcb->rtt_timing && n > 0) {
            /* RFC 6298 section 3: time one segment at a time, never a retransmitted one */
            pcb->rtt_timing = true;
            pcb->rtt_seq = pcb->snd_nxt;
            pcb->rtt_start = stack->now_ms;
        }
        build_and_send(pcb, pcb->snd_nxt, n, flags);
        pcb->snd_nxt += n + (fin ? 1 : 0);
        if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        /* RFC 6298 5.1: start the timer when sending data with none running */
        if (!pcb->rto_deadline)
            pcb->rto_deadline = stack->now_ms + pcb->rto_ms;
        if (fin)
            break;
    }
    /* data waiting with nothing in flight (a zero window to probe, or an SWS wait to override):
     * the timer must run (RFC 9293 3.8.6.1 and 3.8.6.2.1) */
    if (!pcb->rto_deadline && !pcb->fin_acked && pcb->snd.len > pcb->snd_nxt - pcb->snd_una)
        pcb->rto_deadline = stack->now_ms + pcb->rto_ms;
    if (pcb->ack_now)
        tcp_send_ack(pcb);
}

void tcp_send_rst(struct net_stack *stack, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
                  uint32_t seq, uint32_t ack, bool with_ack)
{
    struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, TCP_HLEN);
    if (!nb)
        return;
    struct tcp_hdr *th = (struct tcp_hdr *)nb->data;
    memset(th, 0, TCP_HLEN);
    th->src_port = net_htons(sport);
    th->dst_port = net_htons(dport);
    th->seq = net_htonl(seq);
    th->ack = net_htonl(with_ack ? ack : 0);
    th->off = (TCP_HLEN / 4) << 4;
    th->flags = TCP_RST | (with_ack ? TCP_ACK : 0);
    uint32_t sum = net_chksum_pseudo(src, dst, IP4_PROTO_TCP, TCP_HLEN);
    th->chksum = net_chksum_fold(net_chksum_add(sum, nb->data, nb->len));
    stack->stats.tcp_tx++;
    stack->stats.tcp_rst_tx++;
    ip4_output(stack, nb, src, dst, IP4_PROTO_TCP, false);
    netbuf_free(nb);
}
