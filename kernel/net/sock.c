/* kernel/net/sock.c — sockets over tcp.h and udp.h, with WASI errno results.
 *
 * Above: wasi/ (through the kernel's platform implementation). Below: tcp.c and udp.c. A TCP sock
 * holds a tcp_pcb it owns (tcp.h ownership rules); closing hands the pcb back to the stack. */
#include "kernel/net/sock.h"
#include "kernel/net/net_priv.h"
#include "kernel/net/tcp.h"
#include "kernel/net/udp.h"

struct sock {
    struct net_stack *stack;
    enum sock_type type;
    struct tcp_pcb *tcp;      /* STREAM */
    struct udp_pcb *udp;      /* DGRAM */
    bool connect_reported;    /* the outcome of a TCP connect was reported once */
    bool shut_rd;             /* SHUT_RD: reads see end of stream */
};

int sock_errno(int net_err)
{
    switch (net_err) {
    case NET_OK: return SOCK_OK;
    case NET_ERR_NOMEM: return SOCK_ENOMEM;
    case NET_ERR_INVAL: return SOCK_EINVAL;
    case NET_ERR_NOROUTE: return SOCK_EHOSTUNREACH;
    case NET_ERR_WOULDBLOCK: return SOCK_EAGAIN;
    case NET_ERR_INUSE: return SOCK_EADDRINUSE;
    case NET_ERR_REFUSED: return SOCK_ECONNREFUSED;
    case NET_ERR_RESET: return SOCK_ECONNRESET;
    case NET_ERR_TIMEOUT: return SOCK_ETIMEDOUT;
    case NET_ERR_NOTCONN: return SOCK_ENOTCONN;
    case NET_ERR_CLOSED: return SOCK_EPIPE;
    case NET_ERR_MSGSIZE: return SOCK_EMSGSIZE;
    case NET_ERR_ISCONN: return SOCK_EISCONN;
    case NET_ERR_INPROGRESS: return SOCK_EINPROGRESS;
    case NET_ERR_ABORTED: return SOCK_ECONNABORTED;
    case NET_ERR_NOTFOUND: return SOCK_ENOENT;
    default: return SOCK_EIO;
    }
}

int sock_open(struct net_stack *stack, enum sock_type type, struct sock **sock_out)
{
    if (type != SOCK_TYPE_STREAM && type != SOCK_TYPE_DGRAM)
        return SOCK_EINVAL;
    struct sock *s = kmalloc(sizeof(*s));
    if (!s)
        return SOCK_ENOMEM;
    memset(s, 0, sizeof(*s));
    s->stack = stack;
    s->type = type;
    if (type == SOCK_TYPE_STREAM)
        s->tcp = tcp_new(stack);
    else
        s->udp = udp_new(stack);
    if (!s->tcp && !s->udp) {
        kfree(s);
        return SOCK_ENOMEM;
    }
    *sock_out = s;
    return SOCK_OK;
}

int sock_bind(struct sock *s, uint32_t ip, uint16_t port)
{
    if (s->tcp)
        return sock_errno(tcp_bind(s->tcp, ip, port));
    return sock_errno(udp_bind(s->udp, ip, port));
}

int sock_listen(struct sock *s, int backlog)
{
    if (!s->tcp)
        return SOCK_ENOTSUP;
    return sock_errno(tcp_listen(s->tcp, backlog));
}

int sock_accept(struct sock *s, struct sock **new_out)
{
    if (!s->tcp || tcp_get_state(s->tcp) != TCP_LISTEN)
        return SOCK_EINVAL;
    if (!(tcp_poll(s->tcp) & TCP_POLL_READ))
        return SOCK_EAGAIN;
    struct sock *n = kmalloc(sizeof(*n));
    if (!n)
        return SOCK_ENOMEM;
    memset(n, 0, sizeof(*n));
    n->stack = s->stack;
    n->type = SOCK_TYPE_STREAM;
    n->tcp = tcp_accept(s->tcp);
    n->connect_reported = true;
    *new_out = n;
    return SOCK_OK;
}

int sock_connect(struct sock *s, uint32_t ip, uint16_t port)
{
    if (s->udp)
        return sock_errno(udp_connect(s->udp, ip, port));
    enum tcp_state st = tcp_get_state(s->tcp);
    int err = tcp_error(s->tcp);
    if (st == TCP_CLOSED && err == NET_OK) {
        err = tcp_connect(s->tcp, ip, port);
        return err == NET_OK ? SOCK_EINPROGRESS : sock_errno(err);
    }
    if (st == TCP_SYN_SENT || st == TCP_SYN_RECEIVED)
        return SOCK_EALREADY;
    if (err != NET_OK && !s->connect_reported) {
        s->connect_reported = true;
        return sock_errno(err);
    }
    return SOCK_EISCONN;
}

int sock_send(struct sock *s, const void *buf, size_t len, size_t *sent_out)
{
    *sent_out = 0;
    if (s->udp) {
        if (!s->udp->remote_ip)
            return SOCK_EDESTADDRREQ;
        return sock_sendto(s, buf, len, s->udp->remote_ip, s->udp->remote_port, sent_out);
    }
    if (len == 0)
        return SOCK_OK;
    long n = tcp_write(s->tcp, buf, len);
    if (n < 0)
        return sock_errno((int)n);
    *sent_out = (size_t)n;
    return SOCK_OK;
}

int sock_recv(struct sock *s, void *buf, size_t len, size_t *got_out)
{
    *got_out = 0;
    if (s->udp)
        return sock_recvfrom(s, buf, len, got_out, NULL, NULL);
    if (s->shut_rd)
        return SOCK_OK; /* reads after SHUT_RD see end of stream */
    long n = tcp_read(s->tcp, buf, len);
    if (n < 0)
        return sock_errno((int)n);
    *got_out = (size_t)n;
    return SOCK_OK;
}

int sock_sendto(struct sock *s, const void *buf, size_t len, uint32_t ip, uint16_t port, size_t *sent_out)
{
    *sent_out = 0;
    if (!s->udp)
        return SOCK_ENOTSUP;
    int err = udp_sendto(s->udp, buf, len, ip, port);
    if (err != NET_OK)
        return sock_errno(err);
    *sent_out = len;
    return SOCK_OK;
}

int sock_recvfrom(struct sock *s, void *buf, size_t len, size_t *got_out, uint32_t *ip_out,
                  uint16_t *port_out)
{
    *got_out = 0;
    if (!s->udp)
        return SOCK_ENOTSUP;
    struct netbuf *nb = udp_recv(s->udp);
    if (!nb)
        return SOCK_EAGAIN;
    size_t n = nb->len < len ? nb->len : len;
    memcpy(buf, nb->data, n);
    *got_out = n;
    if (ip_out)
        *ip_out = nb->from_addr;
    if (port_out)
        *port_out = nb->from_port;
    netbuf_free(nb);
    return SOCK_OK;
}

int sock_shutdown(struct sock *s, int how)
{
    if (how < SOCK_SHUT_RD || how > (SOCK_SHUT_RD | SOCK_SHUT_WR))
        return SOCK_EINVAL;
    if (!s->tcp)
        return SOCK_ENOTSUP;
    enum tcp_state st = tcp_get_state(s->tcp);
    if (st == TCP_CLOSED || st == TCP_LISTEN || st == TCP_SYN_SENT)
        return SOCK_ENOTCONN;
    if (how & SOCK_SHUT_RD)
        s->shut_rd = true;
    if (how & SOCK_SHUT_WR)
        return sock_errno(tcp_shutdown(s->tcp));
    return SOCK_OK;
}

int sock_close(struct sock *s)
{
    if (s->tcp)
        tcp_close(s->tcp);
    if (s->udp)
        udp_free(s->udp);
    kfree(s);
    return SOCK_OK;
}

unsigned sock_poll(const struct sock *s)
{
    if (s->udp)
        return (s->udp->qhead ? SOCK_POLL_IN : 0) | SOCK_POLL_OUT;
    unsigned t = tcp_poll(s->tcp), r = 0;
    if (t & TCP_POLL_READ)
        r |= SOCK_POLL_IN;
    if (t & TCP_POLL_WRITE)
        r |= SOCK_POLL_OUT;
    if (t & TCP_POLL_HUP)
        r |= SOCK_POLL_HUP;
    if (t & TCP_POLL_ERR)
        r |= SOCK_POLL_ERR;
    if (s->shut_rd)
        r |= SOCK_POLL_IN;
    return r;
}

int sock_error(struct sock *s)
{
    if (!s->tcp || s->connect_reported)
        return SOCK_OK;
    int err = tcp_error(s->tcp);
    if (err == NET_OK)
        return SOCK_OK;
    s->connect_reported = true;
    return sock_errno(err);
}

int sock_local_addr(const struct sock *s, uint32_t *ip_out, uint16_t *port_out)
{
    if (s->tcp) {
        tcp_local(s->tcp, ip_out, port_out);
    } else {
        *ip_out = s->udp->local_ip;
        *port_out = s->udp->local_port;
    }
    return SOCK_OK;
}

int sock_peer_addr(const struct sock *s, uint32_t *ip_out, uint16_t *port_out)
{
    if (s->tcp) {
        enum tcp_state st = tcp_get_state(s->tcp);
        if (st == TCP_CLOSED || st == TCP_LISTEN)
            return SOCK_ENOTCONN;
        tcp_remote(s->tcp, ip_out, port_out);
        return SOCK_OK;
    }
    if (!s->udp->remote_ip)
        return SOCK_ENOTCONN;
    *ip_out = s->udp->remote_ip;
    *port_out = s->udp->remote_port;
    return SOCK_OK;
}

int sock_set_nodelay(struct sock *s, int on)
{
    if (!s->tcp)
        return SOCK_ENOTSUP;
    tcp_set_nagle(s->tcp, !on);
    return SOCK_OK;
}

int sock_set_keepalive(struct sock *s, int on)
{
    if (!s->tcp)
        return SOCK_ENOTSUP;
    tcp_set_keepalive(s->tcp, on != 0);
    return SOCK_OK;
}

struct tcp_pcb *sock_tcp(const struct sock *s)
{
    return s->tcp;
}

int sock_set_notify(struct sock *s, void (*fn)(void *arg), void *arg)
{
    if (s->tcp) {
        tcp_set_notify(s->tcp, fn, arg);
    } else {
        s->udp->notify = fn;
        s->udp->notify_arg = arg;
    }
    return SOCK_OK;
}
