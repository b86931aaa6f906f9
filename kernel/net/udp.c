/* kernel/net/udp.c — UDP (RFC 768, RFC 1122 4.1): demultiplexing to endpoints, checksums, output.
 *
 * Below: ipv4.c. Above: sock.c (queued datagrams), dhcp.c and dns.c (callbacks). A datagram for a
 * port nobody bound is answered with ICMP port unreachable (RFC 1122 4.1.3.1) unless it was broadcast. */
#include "kernel/net/udp.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/proto/icmp.h"
#include "kernel/net/proto/ipv4.h"
#include "kernel/net/proto/udp.h"

struct udp_pcb *udp_new(struct net_stack *stack)
{
    struct udp_pcb *pcb = kmalloc(sizeof(*pcb));
    if (!pcb)
        return NULL;
    memset(pcb, 0, sizeof(*pcb));
    pcb->stack = stack;
    return pcb;
}

bool udp_port_used(struct net_stack *stack, uint16_t port)
{
    for (struct udp_pcb *p = stack->udp_pcbs; p; p = p->next)
        if (p->local_port == port)
            return true;
    return false;
}

int udp_list(struct net_stack *stack, struct udp_endpoint *out, int max)
{
    int n = 0;
    for (struct udp_pcb *p = stack->udp_pcbs; p; p = p->next, n++)
        if (n < max)
            out[n] = (struct udp_endpoint){.local_ip = p->local_ip, .remote_ip = p->remote_ip,
                                           .local_port = p->local_port, .remote_port = p->remote_port,
                                           .queued_bytes = (uint32_t)p->qbytes};
    return n;
}

int udp_bind(struct udp_pcb *pcb, uint32_t ip, uint16_t port)
{
    struct net_stack *stack = pcb->stack;
    if (pcb->local_port)
        return NET_ERR_INVAL;
    if (port == 0)
        port = net_ephemeral_port(stack, IP4_PROTO_UDP);
    if (port == 0 || udp_port_used(stack, port))
        return NET_ERR_INUSE;
    pcb->local_ip = ip;
    pcb->local_port = port;
    pcb->next = stack->udp_pcbs;
    stack->udp_pcbs = pcb;
    return NET_OK;
}

int udp_connect(struct udp_pcb *pcb, uint32_t ip, uint16_t port)
{
    if (!pcb->local_port) {
        int err = udp_bind(pcb, 0, 0);
        if (err != NET_OK)
            return err;
    }
    pcb->remote_ip = ip;
    pcb->remote_port = ip ? port : 0;
    return NET_OK;
}

int udp_sendto(struct udp_pcb *pcb, const void *data, size_t len, uint32_t ip, uint16_t port)
{
    struct net_stack *stack = pcb->stack;
    if (len > 65535 - IP4_HLEN - UDP_HLEN)
        return NET_ERR_MSGSIZE;
    if (!pcb->local_port) {
        int err = udp_bind(pcb, 0, 0);
        if (err != NET_OK)
            return err;
    }
    uint32_t next_hop;
    struct netdev *dev = ip4_route(stack, ip, &next_hop);
    if (!dev) {
        stack->stats.ip_noroute++;
        return NET_ERR_NOROUTE;
    }
    uint32_t src = pcb->local_ip ? pcb->local_ip : dev->ip;
    struct netbuf *nb = netbuf_alloc(NETBUF_HEADROOM, UDP_HLEN + len);
    if (!nb)
        return NET_ERR_NOMEM;
    struct udp_hdr *uh = (struct udp_hdr *)nb->data;
    uh->src_port = net_htons(pcb->local_port);
    uh->dst_port = net_htons(port);
    uh->len = net_htons((uint16_t)(UDP_HLEN + len));
    uh->chksum = 0;
    memcpy(nb->data + UDP_HLEN, data, len);
    uint32_t sum = net_chksum_pseudo(src, ip, IP4_PROTO_UDP, (uint16_t)nb->len);
    uint16_t c = net_chksum_fold(net_chksum_add(sum, nb->data, nb->len));
    uh->chksum = c ? c : 0xffff; /* RFC 768: a computed zero is sent as all ones */
    stack->stats.udp_tx++;
    int err = ip4_output(stack, nb, src, ip, IP4_PROTO_UDP, false);
    netbuf_free(nb);
    return err;
}

struct netbuf *udp_recv(struct udp_pcb *pcb)
{
    struct netbuf *nb = pcb->qhead;
    if (!nb)
        return NULL;
    pcb->qhead = nb->next;
    if (!pcb->qhead)
        pcb->qtail = NULL;
    pcb->qlen--;
    pcb->qbytes -= nb->len;
    nb->next = NULL;
    return nb;
}

void udp_free(struct udp_pcb *pcb)
{
    if (!pcb)
        return;
    struct udp_pcb **pp = &pcb->stack->udp_pcbs;
    while (*pp && *pp != pcb)
        pp = &(*pp)->next;
    if (*pp)
        *pp = pcb->next;
    struct netbuf *nb;
    while ((nb = udp_recv(pcb)) != NULL)
        netbuf_free(nb);
    kfree(pcb);
}

/* RFC 1122 4.1.3.1 / RFC 792: port unreachable quotes the IP header and the first 8 data bytes. */
static void send_port_unreachable(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info)
{
    size_t quote = nb->len < 8 ? nb->len : 8;
    struct netbuf *r = netbuf_alloc(NETBUF_HEADROOM, ICMP_HLEN + IP4_HLEN + quote);
    if (!r)
        return;
    struct icmp_hdr *h = (struct icmp_hdr *)r->data;
    memset(h, 0, ICMP_HLEN);
    h->type = ICMP_DEST_UNREACH;
    h->code = ICMP_CODE_PORT_UNREACH;
    struct ip4_hdr *ih = (struct ip4_hdr *)(r->data + ICMP_HLEN);
    memset(ih, 0, IP4_HLEN);
    ih->ver_ihl = 0x45;
    ih->total_len = net_htons((uint16_t)(IP4_HLEN + nb->len));
    ih->ttl = info->ttl;
    ih->proto = IP4_PROTO_UDP;
    ih->src = net_htonl(info->src);
    ih->dst = net_htonl(info->dst);
    memcpy(r->data + ICMP_HLEN + IP4_HLEN, nb->data, quote);
    h->chksum = net_chksum_fold(net_chksum_add(0, r->data, r->len));
    stack->stats.icmp_tx++;
    ip4_output(stack, r, info->dst, info->src, IP4_PROTO_ICMP, false);
    netbuf_free(r);
}

void udp_input(struct net_stack *stack, struct netbuf *nb, const struct ip4_info *info)
{
    stack->stats.udp_rx++;
    struct udp_hdr *uh = (struct udp_hdr *)nb->data;
    size_t ulen = nb->len >= UDP_HLEN ? net_ntohs(uh->len) : 0;
    /* RFC 768: the length counts header and data; it may not exceed what IP carried */
    if (nb->len < UDP_HLEN || ulen < UDP_HLEN || ulen > nb->len) {
        stack->stats.udp_drop_short++;
        goto drop;
    }
    netbuf_trim(nb, ulen);
    /* RFC 1122 4.1.3.4: verify a non-zero checksum, silently discard on failure */
    if (uh->chksum != 0) {
        uint32_t sum = net_chksum_pseudo(info->src, info->dst, IP4_PROTO_UDP, (uint16_t)ulen);
        if (net_chksum_fold(net_chksum_add(sum, nb->data, ulen)) != 0) {
            stack->stats.udp_drop_chksum++;
            goto drop;
        }
    }
    uint16_t dport = net_ntohs(uh->dst_port), sport = net_ntohs(uh->src_port);
    struct udp_pcb *pcb = NULL;
    for (struct udp_pcb *p = stack->udp_pcbs; p; p = p->next) {
        if (p->local_port != dport)
            continue;
        if (p->local_ip && p->local_ip != info->dst && !info->broadcast)
            continue;
        if (p->remote_ip && (p->remote_ip != info->src || p->remote_port != sport))
            continue;
        pcb = p;
        break;
    }
    if (!pcb) {
        stack->stats.udp_noport++;
        if (!info->broadcast)
            send_port_unreachable(stack, nb, info);
        goto drop;
    }
    netbuf_pull(nb, UDP_HLEN);
    nb->from_addr = info->src;
    nb->from_port = sport;
    if (pcb->recv) {
        pcb->recv(pcb->recv_arg, nb);
        return;
    }
    if (pcb->qlen >= UDP_QUEUE_MAX || pcb->qbytes + nb->len > UDP_QUEUE_MAX_BYTES) {
        stack->stats.udp_drop_queue++;
        goto drop;
    }
    nb->next = NULL;
    if (pcb->qtail)
        pcb->qtail->next = nb;
    else
        pcb->qhead = nb;
    pcb->qtail = nb;
    pcb->qlen++;
    pcb->qbytes += nb->len;
    if (pcb->notify)
        pcb->notify(pcb->notify_arg);
    return;
drop:
    netbuf_free(nb);
}

void udp_flush(struct net_stack *stack)
{
    /* endpoints belong to their users; only their queued buffers go, and they are unlinked */
    for (struct udp_pcb *p = stack->udp_pcbs; p; p = p->next) {
        struct netbuf *nb;
        while ((nb = udp_recv(p)) != NULL)
            netbuf_free(nb);
    }
    stack->udp_pcbs = NULL;
}
