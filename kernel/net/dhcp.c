/* kernel/net/dhcp.c — DHCP client (RFC 2131 sections 3.1 and 4.4, options RFC 2132).
 *
 * One client per stack, on one interface, over a UDP endpoint bound to port 68 whose callback
 * receives the server's replies (ipv4.c accepts UDP for an interface without an address, so that a
 * unicast OFFER reaches us; we also set the BROADCAST flag, RFC 2131 4.1). Timers run from dhcp_tick
 * (net.c). Below: udp.c. Configures the struct netdev fields ip/netmask/gateway/dns_server. */
#include "kernel/net/dhcp.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/udp.h"
#include "kernel/net/proto/dhcp.h"

#define DHCP_RETRY_FIRST_MS 4000  /* RFC 2131 4.1: "a delay of 4 seconds for the first retransmission" */
#define DHCP_RETRY_MAX_MS 64000   /* "... up to a maximum of 64 seconds" */
#define DHCP_MSG_MAX 576          /* RFC 2131 2: a client must accept messages up to 576 octets */

struct dhcp_client {
    enum dhcp_state state;
    struct netdev *dev;
    struct udp_pcb *pcb;
    uint32_t xid;
    uint32_t offered_ip, server_id;
    uint32_t retry_ms;
    uint64_t next_ms;      /* next retransmission (or T1 when bound) */
    uint64_t lease_end_ms;
};

static int send_msg(struct net_stack *stack, struct dhcp_client *c, uint8_t type)
{
    uint8_t buf[DHCP_FIXED_LEN + 64];
    memset(buf, 0, sizeof(buf));
    struct dhcp_msg *m = (struct dhcp_msg *)buf;
    m->op = DHCP_OP_REQUEST;
    m->htype = 1;
    m->hlen = 6;
    m->xid = net_htonl(c->xid);
    m->flags = net_htons(DHCP_FLAG_BROADCAST);
    if (c->state == DHCP_RENEWING)
        m->ciaddr = net_htonl(c->dev->ip);
    memcpy(m->chaddr, c->dev->mac, 6);
    m->magic = net_htonl(DHCP_MAGIC);
    uint8_t *o = buf + DHCP_FIXED_LEN;
    *o++ = DHCP_OPT_MSG_TYPE;
    *o++ = 1;
    *o++ = type;
    if (type == DHCP_REQUEST && c->state == DHCP_REQUESTING) {
        /* RFC 2131 4.3.2 / table 5: SELECTING-state REQUEST carries requested IP and server id */
        *o++ = DHCP_OPT_REQUESTED_IP;
        *o++ = 4;
        net_put32(o, c->offered_ip);
        o += 4;
        *o++ = DHCP_OPT_SERVER_ID;
        *o++ = 4;
        net_put32(o, c->server_id);
        o += 4;
    }
    *o++ = DHCP_OPT_PARAM_LIST;
    *o++ = 4;
    *o++ = DHCP_OPT_SUBNET_MASK;
    *o++ = DHCP_OPT_ROUTER;
    *o++ = DHCP_OPT_DNS;
    *o++ = DHCP_OPT_LEASE_TIME;
    *o++ = DHCP_OPT_END;
    c->next_ms = stack->now_ms + c->retry_ms;
    c->retry_ms = c->retry_ms * 2 > DHCP_RETRY_MAX_MS ? DHCP_RETRY_MAX_MS : c->retry_ms * 2;
    return udp_sendto(c->pcb, buf, (size_t)(o - buf), NET_IP4_BROADCAST, DHCP_SERVER_PORT);
}

/* Finds option code in the options area; returns its data and length, or NULL. Bounded by len. */
static const uint8_t *find_option(const uint8_t *opt, size_t len, uint8_t code, uint8_t *olen_out)
{
    size_t i = 0;
    while (i < len) {
        uint8_t k = opt[i];
        if (k == DHCP_OPT_END)
            break;
        if (k == DHCP_OPT_PAD) {
            i++;
            continue;
        }
        if (i + 1 >= len || i + 2 + opt[i + 1] > len)
            return NULL;
        if (k == code) {
            *olen_out = opt[i + 1];
            return opt + i + 2;
        }
        i += 2 + (size_t)opt[i + 1];
    }
    return NULL;
}

static uint32_t option32(const uint8_t *opt, size_t len, uint8_t code, uint32_t dflt)
{
    uint8_t l;
    const uint8_t *p = find_option(opt, len, code, &l);
    return p && l >= 4 ? net_get32(p) : dflt;
}

static void restart(struct net_stack *stack, struct dhcp_client *c)
{
    c->state = DHCP_SELECTING;
    c->xid = net_random(stack);
    c->retry_ms = DHCP_RETRY_FIRST_MS;
    send_msg(stack, c, DHCP_DISCOVER);
}

static void dhcp_recv(void *arg, struct netbuf *nb)
{
    struct net_stack *stack = arg;
    struct dhcp_client *c = stack->dhcp;
    if (!c || nb->len < DHCP_FIXED_LEN + 3)
        goto done;
    const struct dhcp_msg *m = (const struct dhcp_msg *)nb->data;
    if (m->op != DHCP_OP_REPLY || net_ntohl(m->xid) != c->xid || net_ntohl(m->magic) != DHCP_MAGIC ||
        memcmp(m->chaddr, c->dev->mac, 6) != 0)
        goto done;
    const uint8_t *opt = nb->data + DHCP_FIXED_LEN;
    size_t olen = nb->len - DHCP_FIXED_LEN;
    uint8_t l;
    const uint8_t *t = find_option(opt, olen, DHCP_OPT_MSG_TYPE, &l);
    if (!t || l != 1)
        goto done;
    uint32_t yiaddr = net_ntohl(m->yiaddr);
    if (*t == DHCP_OFFER && c->state == DHCP_SELECTING) {
        uint32_t sid = option32(opt, olen, DHCP_OPT_SERVER_ID, 0);
        if (!yiaddr || yiaddr == NET_IP4_BROADCAST || !sid)
            goto done;
        c->offered_ip = yiaddr;
        c->server_id = sid;
        c->state = DHCP_REQUESTING;
        c->retry_ms = DHCP_RETRY_FIRST_MS;
        send_msg(stack, c, DHCP_REQUEST);
    } else if (*t == DHCP_ACK && (c->state == DHCP_REQUESTING || c->state == DHCP_RENEWING)) {
        if (!yiaddr || yiaddr == NET_IP4_BROADCAST)
            goto done;
        struct netdev *d = c->dev;
        d->ip = yiaddr;
        d->netmask = option32(opt, olen, DHCP_OPT_SUBNET_MASK, NET_IP4(255, 255, 255, 0));
        d->gateway = option32(opt, olen, DHCP_OPT_ROUTER, 0);
        d->dns_server = option32(opt, olen, DHCP_OPT_DNS, 0);
        uint32_t lease = option32(opt, olen, DHCP_OPT_LEASE_TIME, 3600);
        if (lease < 60)
            lease = 60;
        c->state = DHCP_BOUND;
        c->lease_end_ms = stack->now_ms + (uint64_t)lease * 1000;
        c->next_ms = stack->now_ms + (uint64_t)lease * 500; /* T1 = 0.5 * lease (RFC 2131 4.4.5) */
    } else if (*t == DHCP_NAK && (c->state == DHCP_REQUESTING || c->state == DHCP_RENEWING)) {
        /* RFC 2131 4.4.4 / 4.4.5: on DHCPNAK, stop using the address and restart */
        if (c->state == DHCP_RENEWING)
            c->dev->ip = 0;
        restart(stack, c);
    }
done:
    netbuf_free(nb);
}

int dhcp_start(struct net_stack *stack, struct netdev *dev)
{
    if (stack->dhcp)
        return NET_ERR_INUSE;
    struct dhcp_client *c = kmalloc(sizeof(*c));
    if (!c)
        return NET_ERR_NOMEM;
    memset(c, 0, sizeof(*c));
    c->dev = dev;
    c->pcb = udp_new(stack);
    if (!c->pcb) {
        kfree(c);
        return NET_ERR_NOMEM;
    }
    if (udp_bind(c->pcb, 0, DHCP_CLIENT_PORT) != NET_OK) {
        udp_free(c->pcb);
        kfree(c);
        return NET_ERR_INUSE;
    }
    c->pcb->recv = dhcp_recv;
    c->pcb->recv_arg = stack;
    stack->dhcp = c;
    restart(stack, c);
    return NET_OK;
}

void dhcp_stop(struct net_stack *stack)
{
    dhcp_flush(stack);
}

enum dhcp_state dhcp_get_state(const struct net_stack *stack)
{
    return stack->dhcp ? stack->dhcp->state : DHCP_OFF;
}

void dhcp_tick(struct net_stack *stack)
{
    struct dhcp_client *c = stack->dhcp;
    if (!c)
        return;
    uint64_t now = stack->now_ms;
    if ((c->state == DHCP_BOUND || c->state == DHCP_RENEWING) && now >= c->lease_end_ms) {
        c->dev->ip = 0; /* RFC 2131 4.4.5: the lease expired */
        restart(stack, c);
        return;
    }
    if (now < c->next_ms)
        return;
    switch (c->state) {
    case DHCP_SELECTING:
        send_msg(stack, c, DHCP_DISCOVER);
        break;
    case DHCP_REQUESTING:
        send_msg(stack, c, DHCP_REQUEST);
        break;
    case DHCP_BOUND:
        c->state = DHCP_RENEWING;
        c->xid = net_random(stack);
        c->retry_ms = DHCP_RETRY_FIRST_MS;
        send_msg(stack, c, DHCP_REQUEST);
        break;
    case DHCP_RENEWING:
        send_msg(stack, c, DHCP_REQUEST);
        break;
    default:
        break;
    }
}

void dhcp_flush(struct net_stack *stack)
{
    struct dhcp_client *c = stack->dhcp;
    if (!c)
        return;
    udp_free(c->pcb);
    kfree(c);
    stack->dhcp = NULL;
}
