/* kernel/net/dns.c — DNS stub resolver (RFC 1035 sections 4.1 and 7, RFC 1123 6.1.3).
 *
 * Message building and parsing are pure functions over a byte buffer with explicit bounds; the
 * resolver keeps up to DNS_MAX_QUERIES outstanding queries per stack, each with its own UDP endpoint
 * (a fresh ephemeral port and a random ID, so a spoofed answer must guess both: RFC 5452 section 9),
 * and is driven by dns_tick (net.c) for retransmissions. A query may instead go over TCP (RFC 7766:
 * each message behind a two-byte length), one connection per query, advanced by dns_tick and by
 * each poll. Below: udp.c, tcp.h. Above: plat_getaddrinfo (kernel/proc/platform_kernel_sock.c). */
#include "kernel/net/dns.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/tcp.h"
#include "kernel/net/udp.h"
#include "kernel/net/proto/dns.h"

/* ---- messages ---- */
static uint16_t get16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

int dns_build_query(uint8_t *buf, size_t cap, uint16_t id, const char *name)
{
    size_t nlen = strlen(name);
    if (nlen > 0 && name[nlen - 1] == '.')
        nlen--;
    if (nlen == 0 || nlen + 2 > DNS_MAX_NAME)
        return NET_ERR_INVAL;
    size_t need = DNS_HLEN + nlen + 2 + 4;
    if (cap < need)
        return NET_ERR_NOMEM;
    memset(buf, 0, DNS_HLEN);
    buf[0] = (uint8_t)(id >> 8);
    buf[1] = (uint8_t)id;
    buf[2] = DNS_FLAG_RD >> 8;
    buf[5] = 1; /* QDCOUNT */
    size_t pos = DNS_HLEN;
    size_t start = 0;
    /* "www.example.com" -> 3www7example3com0 (RFC 1035 3.1) */
    for (size_t i = 0; i <= nlen; i++) {
        if (i == nlen || name[i] == '.') {
            size_t l = i - start;
            if (l == 0 || l > DNS_MAX_LABEL)
                return NET_ERR_INVAL;
            buf[pos++] = (uint8_t)l;
            memcpy(buf + pos, name + start, l);
            pos += l;
            start = i + 1;
        }
    }
    buf[pos++] = 0;
    buf[pos++] = 0;
    buf[pos++] = DNS_TYPE_A;
    buf[pos++] = 0;
    buf[pos++] = DNS_CLASS_IN;
    return (int)pos;
}

int dns_name_decode(const uint8_t *msg, size_t len, size_t *pos, char *out, size_t cap)
{
    size_t p = *pos, o = 0, wire = 0;
    int jumps = 0;
    bool jumped = false;
    if (cap == 0)
        return NET_ERR_INVAL;
    for (;;) {
        if (p >= len)
            return NET_ERR_INVAL;
        uint8_t l = msg[p];
        if ((l & DNS_PTR_MASK) == DNS_PTR_MASK) {
            /* RFC 1035 4.1.4: a pointer to a prior occurrence of a name */
            if (p + 1 >= len)
                return NET_ERR_INVAL;
            size_t target = ((size_t)(l & 0x3f) << 8) | msg[p + 1];
            if (target >= p || ++jumps > DNS_MAX_POINTERS)
                return NET_ERR_INVAL; /* forward pointers and loops are refused */
            if (!jumped)
                *pos = p + 2;
            jumped = true;
            p = target;
            continue;
        }
        if (l & DNS_PTR_MASK)
            return NET_ERR_INVAL; /* 01 and 10 prefixes are reserved (RFC 6891 drops 01) */
        if (l == 0) {
            if (!jumped)
                *pos = p + 1;
            out[o] = 0;
            return NET_OK;
        }
        wire += (size_t)l + 1;
        if (wire + 1 > DNS_MAX_NAME || p + 1 + l > len)
            return NET_ERR_INVAL;
        if (o + l + 2 > cap)
            return NET_ERR_INVAL;
        if (o)
            out[o++] = '.';
        memcpy(out + o, msg + p + 1, l);
        o += l;
        p += 1 + (size_t)l;
    }
}

static bool name_equal(const char *a, const char *b)
{
    /* RFC 1035 2.3.3: comparisons are case-insensitive; a trailing dot on b is allowed */
    size_t bl = strlen(b);
    if (bl && b[bl - 1] == '.')
        bl--;
    size_t i = 0;
    for (; a[i] && i < bl; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return a[i] == 0 && i == bl;
}

int dns_parse_response(const uint8_t *msg, size_t len, uint16_t id, const char *name, uint32_t *addrs_out,
                       int max, int *count_out)
{
    *count_out = 0;
    if (len < DNS_HLEN || get16(msg) != id)
        return NET_ERR_INVAL;
    uint16_t flags = get16(msg + 2);
    if (!(flags & DNS_FLAG_QR) || (flags & DNS_FLAG_TC))
        return NET_ERR_INVAL;
    if ((flags & DNS_RCODE_MASK) == DNS_RCODE_NXDOMAIN)
        return NET_ERR_NOTFOUND;
    if (flags & DNS_RCODE_MASK)
        return NET_ERR_INVAL;
    uint16_t qd = get16(msg + 4), an = get16(msg + 6);
    if (qd != 1)
        return NET_ERR_INVAL;
    size_t pos = DNS_HLEN;
    char qname[DNS_MAX_NAME + 1];
    if (dns_name_decode(msg, len, &pos, qname, sizeof(qname)) != NET_OK || pos + 4 > len)
        return NET_ERR_INVAL;
    /* the question must be ours (RFC 5452 section 9.1) */
    if (!name_equal(qname, name) || get16(msg + pos) != DNS_TYPE_A || get16(msg + pos + 2) != DNS_CLASS_IN)
        return NET_ERR_INVAL;
    pos += 4;
    int n = 0;
    for (uint16_t i = 0; i < an; i++) {
        char rname[DNS_MAX_NAME + 1];
        if (dns_name_decode(msg, len, &pos, rname, sizeof(rname)) != NET_OK || pos + 10 > len)
            return NET_ERR_INVAL;
        uint16_t type = get16(msg + pos), cls = get16(msg + pos + 2), rdlen = get16(msg + pos + 8);
        pos += 10;
        if (pos + rdlen > len)
            return NET_ERR_INVAL;
        /* A records of the name or of its aliases (a CNAME chain in the same answer) */
        if (type == DNS_TYPE_A && cls == DNS_CLASS_IN && rdlen == 4 && n < max)
            addrs_out[n++] = net_get32(msg + pos);
        pos += rdlen;
    }
    *count_out = n;
    return n ? NET_OK : NET_ERR_NOTFOUND;
}

/* ---- resolver ---- */
struct dns_query {
    bool used;
    int result;               /* NET_ERR_WOULDBLOCK while waiting */
    uint16_t id;
    uint32_t server;
    uint32_t addr;
    int tries;
    uint64_t next_ms;
    struct udp_pcb *pcb;
    struct tcp_pcb *tcp;      /* over TCP: the connection (pcb is NULL) */
    bool tcp_sent;            /* the query went out on it */
    uint16_t tcp_len;         /* bytes of the answer in tcp_buf (its two-byte length included) */
    uint64_t deadline_ms;     /* over TCP: give up then */
    uint8_t tcp_buf[DNS_MAX_UDP + 2];
    char name[DNS_MAX_NAME + 1];
    dns_notify_fn notify;     /* dns_set_notify */
    void *notify_arg;
};

static void query_notify(struct dns_query *q)
{
    if (q->notify)
        q->notify(q->notify_arg);
}

/* the TCP connection's readiness callback: inside the stack, so only tells the waiter, which then
 * polls (tcp_step) */
static void query_tcp_notify(void *arg)
{
    query_notify(arg);
}

struct dns_client {
    struct dns_query q[DNS_MAX_QUERIES];
};

static int send_query(struct net_stack *stack, struct dns_query *q)
{
    uint8_t buf[DNS_MAX_UDP];
    int len = dns_build_query(buf, sizeof(buf), q->id, q->name);
    if (len < 0)
        return len;
    q->tries++;
    q->next_ms = stack->now_ms + DNS_RETRY_MS;
    return udp_sendto(q->pcb, buf, (size_t)len, q->server, DNS_PORT);
}

static void query_recv(void *arg, struct netbuf *nb)
{
    struct dns_query *q = arg;
    uint32_t addrs[DNS_MAX_ADDRS];
    int count;
    /* only the server we asked, from port 53 (RFC 5452 section 9.1) */
    if (q->result == NET_ERR_WOULDBLOCK && nb->from_addr == q->server && nb->from_port == DNS_PORT) {
        int r = dns_parse_response(nb->data, nb->len, q->id, q->name, addrs, DNS_MAX_ADDRS, &count);
        if (r == NET_OK) {
            q->addr = addrs[0];
            q->result = NET_OK;
        } else if (r == NET_ERR_NOTFOUND) {
            q->result = NET_ERR_NOTFOUND;
        }
        if (q->result != NET_ERR_WOULDBLOCK)
            query_notify(q);
    }
    netbuf_free(nb);
}

static void query_release(struct dns_query *q)
{
    if (q->pcb)
        udp_free(q->pcb);
    if (q->tcp) {
        tcp_set_notify(q->tcp, NULL, NULL);
        tcp_abort(q->tcp);
    }
    memset(q, 0, sizeof(*q));
}

/* Moves a TCP query on: sends the query once connected, collects the answer, fails on a connection
 * error or the deadline. */
static void tcp_step(struct net_stack *stack, struct dns_query *q)
{
    if (q->result != NET_ERR_WOULDBLOCK)
        return;
    int err = tcp_error(q->tcp);
    if (err != NET_OK) {
        q->result = NET_ERR_TIMEOUT; /* refused, reset or timed out: no answer */
        return;
    }
    if (!q->tcp_sent && tcp_get_state(q->tcp) >= TCP_ESTABLISHED) {
        uint8_t buf[DNS_MAX_UDP + 2];
        int len = dns_build_query(buf + 2, sizeof(buf) - 2, q->id, q->name);
        if (len < 0) {
            q->result = NET_ERR_INVAL;
            return;
        }
        buf[0] = (uint8_t)(len >> 8);
        buf[1] = (uint8_t)len;
        if (tcp_write(q->tcp, buf, (size_t)len + 2) != len + 2) { /* a fresh send buffer takes it all */
            q->result = NET_ERR_TIMEOUT;
            return;
        }
        q->tcp_sent = true;
    }
    while (q->tcp_sent && q->tcp_len < sizeof(q->tcp_buf)) {
        long n = tcp_read(q->tcp, q->tcp_buf + q->tcp_len, sizeof(q->tcp_buf) - q->tcp_len);
        if (n <= 0) {
            if (n != NET_ERR_WOULDBLOCK)
                q->result = NET_ERR_TIMEOUT; /* closed before a whole answer */
            break;
        }
        q->tcp_len = (uint16_t)(q->tcp_len + n);
    }
    if (q->result == NET_ERR_WOULDBLOCK && q->tcp_len >= 2) {
        size_t want = get16(q->tcp_buf);
        if (want > sizeof(q->tcp_buf) - 2) {
            q->result = NET_ERR_INVAL;
        } else if (q->tcp_len >= want + 2) {
            uint32_t addrs[DNS_MAX_ADDRS];
            int count;
            int r = dns_parse_response(q->tcp_buf + 2, want, q->id, q->name, addrs, DNS_MAX_ADDRS, &count);
            q->result = r == NET_OK ? NET_OK : r == NET_ERR_NOTFOUND ? NET_ERR_NOTFOUND : NET_ERR_INVAL;
            if (r == NET_OK)
                q->addr = addrs[0];
        }
    }
    if (q->result == NET_ERR_WOULDBLOCK && stack->now_ms >= q->deadline_ms)
        q->result = NET_ERR_TIMEOUT;
}

/* A free query slot (the client allocated on first use), or NULL. */
static struct dns_query *query_slot(struct net_stack *stack, int *handle_out)
{
    if (!stack->dns) {
        stack->dns = kmalloc(sizeof(*stack->dns));
        if (!stack->dns)
            return NULL;
        memset(stack->dns, 0, sizeof(*stack->dns));
    }
    for (int h = 0; h < DNS_MAX_QUERIES; h++)
        if (!stack->dns->q[h].used) {
            *handle_out = h;
            return &stack->dns->q[h];
        }
    return NULL;
}

int dns_resolve_start_tcp(struct net_stack *stack, const char *name, uint32_t server)
{
    uint8_t probe[DNS_MAX_UDP];
    int h;
    if (strlen(name) > DNS_MAX_NAME - 2 || dns_build_query(probe, sizeof(probe), 0, name) < 0)
        return NET_ERR_INVAL;
    struct dns_query *q = query_slot(stack, &h);
    if (!q)
        return NET_ERR_NOMEM;
    q->tcp = tcp_new(stack);
    if (!q->tcp)
        return NET_ERR_NOMEM;
    int err = tcp_connect(q->tcp, server, DNS_PORT);
    if (err != NET_OK) {
        tcp_abort(q->tcp);
        q->tcp = NULL;
        return err;
    }
    tcp_set_notify(q->tcp, query_tcp_notify, q);
    q->used = true;
    q->result = NET_ERR_WOULDBLOCK;
    q->id = (uint16_t)net_random(stack);
    q->server = server;
    q->deadline_ms = stack->now_ms + (uint64_t)DNS_RETRY_MS * DNS_TRIES;
    memcpy(q->name, name, strlen(name) + 1);
    return h;
}

int dns_resolve_start(struct net_stack *stack, const char *name, uint32_t server)
{
    if (strlen(name) > DNS_MAX_NAME - 2)
        return NET_ERR_INVAL;
    uint8_t probe[DNS_MAX_UDP];
    if (dns_build_query(probe, sizeof(probe), 0, name) < 0)
        return NET_ERR_INVAL;
    int h;
    struct dns_query *q = query_slot(stack, &h);
    if (!q)
        return NET_ERR_NOMEM;
    q->pcb = udp_new(stack);
    if (!q->pcb)
        return NET_ERR_NOMEM;
    if (udp_bind(q->pcb, 0, 0) != NET_OK) {
        udp_free(q->pcb);
        q->pcb = NULL;
        return NET_ERR_INUSE;
    }
    q->pcb->recv = query_recv;
    q->pcb->recv_arg = q;
    q->used = true;
    q->result = NET_ERR_WOULDBLOCK;
    q->id = (uint16_t)net_random(stack);
    q->server = server;
    memcpy(q->name, name, strlen(name) + 1);
    int err = send_query(stack, q);
    if (err != NET_OK && err != NET_ERR_WOULDBLOCK) {
        query_release(q);
        return err;
    }
    return h;
}

int dns_resolve_poll(struct net_stack *stack, int handle, uint32_t *addr_out)
{
    if (!stack->dns || handle < 0 || handle >= DNS_MAX_QUERIES || !stack->dns->q[handle].used)
        return NET_ERR_INVAL;
    struct dns_query *q = &stack->dns->q[handle];
    if (q->tcp)
        tcp_step(stack, q);
    int r = q->result;
    if (r == NET_ERR_WOULDBLOCK)
        return r;
    if (r == NET_OK)
        *addr_out = q->addr;
    query_release(q);
    return r;
}

void dns_resolve_cancel(struct net_stack *stack, int handle)
{
    if (stack->dns && handle >= 0 && handle < DNS_MAX_QUERIES && stack->dns->q[handle].used)
        query_release(&stack->dns->q[handle]);
}

void dns_set_notify(struct net_stack *stack, int handle, dns_notify_fn fn, void *arg)
{
    if (!stack->dns || handle < 0 || handle >= DNS_MAX_QUERIES || !stack->dns->q[handle].used)
        return;
    stack->dns->q[handle].notify = fn;
    stack->dns->q[handle].notify_arg = arg;
}

void dns_tick(struct net_stack *stack)
{
    if (!stack->dns)
        return;
    for (int h = 0; h < DNS_MAX_QUERIES; h++) {
        struct dns_query *q = &stack->dns->q[h];
        if (q->used && q->tcp) {
            tcp_step(stack, q);
            if (q->result != NET_ERR_WOULDBLOCK)
                query_notify(q); /* answered or given up: its waiter collects it */
            continue;
        }
        if (!q->used || q->result != NET_ERR_WOULDBLOCK || q->next_ms > stack->now_ms)
            continue;
        if (q->tries >= DNS_TRIES) {
            q->result = NET_ERR_TIMEOUT;
            query_notify(q);
        } else {
            send_query(stack, q);
        }
    }
}

void dns_flush(struct net_stack *stack)
{
    if (!stack->dns)
        return;
    for (int h = 0; h < DNS_MAX_QUERIES; h++)
        if (stack->dns->q[h].used)
            query_release(&stack->dns->q[h]);
    kfree(stack->dns);
    stack->dns = NULL;
}
