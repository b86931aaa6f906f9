/* kernel/net/icmp.c — ICMP (RFC 792, RFC 1122 3.2.2): echo reply, echo request, port unreachable.
 *
 * Below: ipv4.c (icmp_input gets the ICMP message with the IP header pulled; output goes through
 * ip4_output). Above: a ping program through icmp.h. Other message types are counted and dropped;
 * RFC 1122 3.2.2 lets a host silently discard types it does not know. */
#include "kernel/net/icmp.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/proto/icmp.h"
#include "kernel/net/proto/ipv4.h"

static int send_icmp(struct net_stack *stack, uint32_t src, uint32_t dst, struct netbuf *nb)
{
    struct icmp_hdr *h = (struct icmp_hdr *)nb->data;
    h->chksum = 0;
    h->chksum = net_chksum_fold(net_chksum_add(0, nb->data, nb->len));
    stack->stats.icmp_tx++;
    return ip4_output(stack, nb, src, dst, IP4_PROTO_ICMP, false);
}

void icmp_input(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info)
{
    stack->stats.icmp_rx++;
    if (nb->len < ICMP_HLEN || net_chksum_fold(net_chksum_add(0, nb->data, nb->len)) != 0) {
        stack->stats.icmp_drop++;
        netbuf_free(nb);
        return;
    }
    struct icmp_hdr *h = (struct icmp_hdr *)nb->data;
    if (h->type == ICMP_ECHO_REQUEST && h->code == 0) {
        /* RFC 1122 3.2.2.6: an echo request to a broadcast address MAY be silently discarded; it is,
         * to avoid smurf amplification */
        if (info->broadcast) {
            stack->stats.icmp_drop++;
            netbuf_free(nb);
            return;
        }
        /* RFC 792: swap addresses, type 0, same identifier, sequence and data */
        struct netbuf *r = netbuf_copy(nb, NETBUF_HEADROOM);
        if (r) {
            ((struct icmp_hdr *)r->data)->type = ICMP_ECHO_REPLY;
            send_icmp(stack, info->dst, info->src, r);
            netbuf_free(r);
        }
    } else if (h->type == ICMP_ECHO_REPLY) {
        int slot = 0;
        for (int i = 0; i < ICMP_REPLY_SLOTS; i++) {
            if (!stack->replies[i].used) {
                slot = i;
                break;
            }
            if (stack->replies[i].when_ms < stack->replies[slot].when_ms)
                slot = i;
        }
        struct icmp_reply_rec *rec = &stack->replies[slot];
        rec->used = true;
        rec->from = info->src;
        rec->id = net_ntohs(h->id);
        rec->seq = net_ntohs(h->seq);
        rec->len = (uint16_t)(nb->len - ICMP_HLEN);
        rec->ttl = info->ttl;
        uint64_t sent = 0;
        if (nb->len >= ICMP_HLEN + 8)
            for (int i = 0; i < 8; i++)
                sent = sent << 8 | nb->data[ICMP_HLEN + i];
        rec->when_ms = stack->now_ms;
        rec->sent_ms = sent; /* the rtt is computed at take time */
        if (stack->echo_notify)
            stack->echo_notify(stack->echo_notify_arg, rec->id, rec->seq);
    } else if (h->type == ICMP_DEST_UNREACH && nb->len >= ICMP_HLEN + IP4_HLEN + 8) {
        /* RFC 792: the data quotes the original IP header and its first 8 data octets */
        const struct ip4_hdr *q = (const struct ip4_hdr *)(nb->data + ICMP_HLEN);
        size_t qhl = (size_t)(q->ver_ihl & 0xf) * 4;
        if ((q->ver_ihl >> 4) == 4 && qhl >= IP4_HLEN && nb->len >= ICMP_HLEN + qhl + 8 &&
            q->proto == IP4_PROTO_TCP) {
            const uint8_t *t = nb->data + ICMP_HLEN + qhl;
            tcp_icmp_unreachable(stack, h->code, net_ntohl(q->src), net_ntohl(q->dst),
                                 (uint16_t)((t[0] << 8) | t[1]), (uint16_t)((t[2] << 8) | t[3]), net_get32(t + 4));
        } else {
            stack->stats.icmp_drop++;
        }
    } else {
        stack->stats.icmp_drop++;
    }
    netbuf_free(nb);
}

int icmp_echo_request(struct net_stack *stack, uint32_t dst, uint16_t id, uint16_t seq, size_t len)
{
    if (len > 65507)
        return NET_ERR_MSGSIZE;
    struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, ICMP_HLEN + len);
    if (!nb)
        return NET_ERR_NOMEM;
    struct icmp_hdr *h = (struct icmp_hdr *)nb->data;
    h->type = ICMP_ECHO_REQUEST;
    h->code = 0;
    h->id = net_htons(id);
    h->seq = net_htons(seq);
    uint8_t *p = nb->data + ICMP_HLEN;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i < 8 ? stack->now_ms >> (56 - 8 * i) : i);
    int err = send_icmp(stack, 0, dst, nb);
    netbuf_free(nb);
    return err;
}

bool icmp_echo_reply_take(struct net_stack *stack, uint16_t id, struct icmp_echo_reply *reply_out)
{
    struct icmp_reply_rec *best = NULL;
    for (int i = 0; i < ICMP_REPLY_SLOTS; i++) {
        struct icmp_reply_rec *r = &stack->replies[i];
        if (r->used && r->id == id && (!best || r->when_ms < best->when_ms))
            best = r;
    }
    if (!best)
        return false;
    reply_out->from = best->from;
    reply_out->seq = best->seq;
    reply_out->len = best->len;
    reply_out->ttl = best->ttl;
    reply_out->rtt_ms = best->len >= 8 && best->when_ms >= best->sent_ms ? best->when_ms - best->sent_ms : 0;
    best->used = false;
    return true;
}

void icmp_set_echo_notify(struct net_stack *stack, icmp_echo_notify_fn fn, void *arg)
{
    stack->echo_notify = fn;
    stack->echo_notify_arg = arg;
}
