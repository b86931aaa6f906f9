/* kernel/proc/platform_kernel_sock.c — the socket calls of include/walos/platform.h for the kernel
 * (contract in kernel/proc/platform_kernel_sock.h).
 *
 * Above: wasi/sock.c (preview1 sock_accept/recv/send/shutdown), wasi/sock_ext.c (the WasmEdge
 * extension: open, bind, listen, connect, addresses, options, UDP, getaddrinfo), wasi/fd.c and
 * wasi/poll.c through platform_kernel_wasi.c (fd_read/fd_write/poll_oneoff on a socket), and the
 * service manager (ksock_listen_tcp, socket activation). Below: kernel/net/sock.h on the one stack
 * netif_kernel.h brought up, and kernel/net/dns.h for names.
 *
 * A struct ksock wraps one struct sock with what the WASI view adds: whether a blocking connect is
 * being repeated by wasi/ (so its own repeat answers success, not EISCONN), listening, and the
 * options that have no effect on this stack but read back as set, and who waits on it: a process that
 * parks on a socket (a blocking call, or poll_oneoff finding it not ready: ksock_poll) is put on the
 * socket's wait list, and the socket's readiness callback, `wake`, wakes exactly those processes
 * (proc_wake) and empties the list (a retried call that must wait again puts itself back). When more
 * than KSOCK_WAITERS processes wait on one socket, the callback wakes every parked process instead
 * (proc_event), as it did for every socket before. */
#include "kernel/proc/platform_kernel_sock.h"

#include "kernel/arch/x86_64/timer.h"
#include "kernel/cmdline.h"
#include "kernel/mm/heap.h"
#include "kernel/net/dns.h"
#include "kernel/net/net.h"
#include "kernel/net/netdev.h"
#include "kernel/net/netif_kernel.h"
#include "kernel/net/sock.h"
#include "kernel/net/tcp.h"
#include "kernel/proc/proc.h"

#define LISTEN_BACKLOG_MAX 128
#define DGRAM_MAX 65507          /* largest UDP payload over IPv4 */
#define DNS_ADDR_POLL_NS 50000000ull /* a getaddrinfo waiting for DHCP looks every 50 ms */
#define DNS_SAFETY_NS 1000000000ull /* a parked getaddrinfo, woken by its answer, also looks each 1 s */
#define KSOCK_WAITERS 8          /* processes remembered per socket (more: wake every parked one) */
#define DNS_PENDING 8            /* getaddrinfo calls waiting for their answer */
#define DNS_ADDR_WAIT_NS 20000000000ull /* a lookup made before DHCP is done waits this long for it */
#define NAME_MAX_LEN 256

struct ksock {
    struct sock *sock;
    bool stream;               /* TCP (else UDP) */
    bool listening;
    bool connecting;           /* a blocking connect is in progress: wasi/ repeats the call */
    bool reuseaddr, keepalive, broadcast; /* read back by get_option */
    int waiters[KSOCK_WAITERS]; /* pids parked on this socket (0: free); guarded by the network lock */
    bool waiters_overflow;     /* someone did not fit: the next wake wakes everybody */
};

/* one getaddrinfo waiting for the DNS client: the process repeats the call (PLAT_WOULD_BLOCK); the
 * query's completion callback (dns_set_notify) wakes it */
struct dns_pending {
    int pid;                   /* 0: free */
    int query;                 /* dns_resolve_start handle; -1: waiting for the interface's address */
    uint64_t since_ns;         /* when the call began */
    char name[NAME_MAX_LEN];
};

static struct {
    struct dns_pending dns[DNS_PENDING];
} ks;

/* the readiness callback of every socket (arg: its ksock): runs inside the stack (receive interrupt,
 * net_tick, or a loopback flush), never calls into it */
static void wake(void *arg)
{
    struct ksock *k = arg;
    if (!k || k->waiters_overflow) {
        if (k)
            k->waiters_overflow = false;
        proc_event();
    }
    if (!k)
        return;
    for (int i = 0; i < KSOCK_WAITERS && k->waiters[i]; i++) {
        proc_wake(proc_get(k->waiters[i]));
        k->waiters[i] = 0;
    }
}

/* Puts the current process on k's wait list (lock held). */
static void wait_on(struct ksock *k)
{
    struct proc *p = proc_current();
    if (!p)
        return;
    for (int i = 0; i < KSOCK_WAITERS; i++) {
        if (k->waiters[i] == p->pid)
            return;
        if (!k->waiters[i]) {
            k->waiters[i] = p->pid;
            return;
        }
    }
    k->waiters_overflow = true;
}

/* Parks the current process until k's next readiness change (the lock is held: no wake-up is lost),
 * or EAGAIN for a non-blocking handle. */
static int would_block(struct ksock *k, uint16_t fdflags)
{
    if (fdflags & WASI_FDFLAG_NONBLOCK)
        return WASI_EAGAIN;
    wait_on(k);
    proc_block_until(PROC_NO_DEADLINE);
    return PLAT_WOULD_BLOCK;
}

static uint32_t ip_from(const uint8_t a[4])
{
    return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static void sockaddr_set(struct plat_sockaddr *out, uint32_t ip, uint16_t port)
{
    memset(out, 0, sizeof *out);
    out->family = PLAT_AF_INET4;
    out->port = port;
    out->addr[0] = (uint8_t)(ip >> 24);
    out->addr[1] = (uint8_t)(ip >> 16);
    out->addr[2] = (uint8_t)(ip >> 8);
    out->addr[3] = (uint8_t)ip;
}

static size_t iov_total(const struct plat_iovec *iov, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += iov[i].len;
    return n;
}

/* ---- objects ------------------------------------------------------------------------------------ */

/* A new ksock over a new sock of type on the kernel's stack (lock held). */
static int ksock_new(bool stream, struct ksock **out)
{
    struct net_stack *stack = netif_stack();
    if (!stack)
        return WASI_ENETDOWN;
    struct ksock *k = kzalloc(sizeof *k);
    if (!k)
        return WASI_ENOMEM;
    int err = sock_open(stack, stream ? SOCK_TYPE_STREAM : SOCK_TYPE_DGRAM, &k->sock);
    if (err) {
        kfree(k);
        return err;
    }
    k->stream = stream;
    sock_set_notify(k->sock, wake, k);
    *out = k;
    return WASI_ESUCCESS;
}

void ksock_close(struct ksock *k)
{
    if (!k)
        return;
    bool on = netif_lock();
    sock_set_notify(k->sock, NULL, NULL);
    sock_close(k->sock);
    netif_unlock(on);
    kfree(k); /* nothing waits on a closed socket; a peer's callback tells its own waiters */
}

uint8_t ksock_filetype(const struct ksock *k)
{
    return k->stream ? WASI_FILETYPE_SOCKET_STREAM : WASI_FILETYPE_SOCKET_DGRAM;
}

void ksock_poll(struct ksock *k, struct plat_pollfd *f)
{
    unsigned r = sock_poll(k->sock);
    uint8_t ready = 0;
    if (r & (SOCK_POLL_IN | SOCK_POLL_HUP | SOCK_POLL_ERR))
        ready |= PLAT_POLL_READ;
    if (r & (SOCK_POLL_OUT | SOCK_POLL_HUP | SOCK_POLL_ERR))
        ready |= PLAT_POLL_WRITE;
    enum tcp_state st = k->stream ? tcp_get_state(sock_tcp(k->sock)) : TCP_CLOSED;
    bool handshake = (st == TCP_SYN_SENT || st == TCP_SYN_RECEIVED) && !(r & (SOCK_POLL_HUP | SOCK_POLL_ERR));
    if (k->listening || handshake)
        ready &= (uint8_t)~PLAT_POLL_WRITE; /* nothing to write on a listener or during the handshake;
                                               a failed connect shows as writable with SO_ERROR set */
    f->ready = (uint8_t)(f->want & ready);
    f->hangup = (r & SOCK_POLL_HUP) != 0;
    if (!f->ready)
        wait_on(k); /* poll_oneoff may park on it (if nothing else is ready: else a spurious wake) */
}

/* ---- transfers ---------------------------------------------------------------------------------- */

/* TCP: moves bytes between the connection and the iovecs in order (send: from them, else into
 * them) until one is filled or drained only in part. Bytes already moved win over a later error or
 * EAGAIN (a short count, as POSIX); nothing moved and nothing possible yet: would_block. Lock held. */
static int stream_iov(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count, bool send,
                      size_t *n_out)
{
    for (size_t i = 0; i < count; i++) {
        if (!iov[i].len)
            continue;
        size_t done = 0;
        int err = send ? sock_send(k->sock, iov[i].buf, iov[i].len, &done)
                       : sock_recv(k->sock, iov[i].buf, iov[i].len, &done);
        if (err)
            return *n_out ? WASI_ESUCCESS : err == WASI_EAGAIN ? would_block(k, fdflags) : err;
        *n_out += done;
        if (done < iov[i].len)
            break;
    }
    return WASI_ESUCCESS;
}

/* Receives into the iovecs (TCP: as much as is there; UDP: one datagram); lock held. */
static int recv_locked(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count,
                       size_t *n_out, uint32_t *ip_out, uint16_t *port_out)
{
    *n_out = 0;
    size_t want = iov_total(iov, count);
    if (k->stream) {
        int err = stream_iov(k, fdflags, iov, count, false, n_out);
        if (!err && ip_out)
            sock_peer_addr(k->sock, ip_out, port_out);
        return err;
    }
    /* UDP: one datagram, scattered over the iovecs through one bounce buffer */
    uint8_t *tmp = count == 1 ? iov[0].buf : kmalloc(want ? want : 1);
    if (!tmp)
        return WASI_ENOMEM;
    size_t got = 0;
    uint32_t ip = 0;
    uint16_t port = 0;
    int err = sock_recvfrom(k->sock, tmp, want, &got, &ip, &port);
    if (!err && count != 1)
        for (size_t i = 0, off = 0; i < count && off < got; off += iov[i].len, i++)
            memcpy(iov[i].buf, tmp + off, got - off < iov[i].len ? got - off : iov[i].len);
    if (count != 1)
        kfree(tmp);
    if (err == WASI_EAGAIN)
        return would_block(k, fdflags);
    if (err)
        return err;
    *n_out = got;
    if (ip_out) {
        *ip_out = ip;
        *port_out = port;
    }
    return WASI_ESUCCESS;
}

/* Sends from the iovecs (TCP: what the send buffer takes; UDP: one datagram to ip:port, or to the
 * connected peer when ip is 0); lock held. */
static int send_locked(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count,
                       uint32_t ip, uint16_t port, size_t *n_out)
{
    *n_out = 0;
    size_t total = iov_total(iov, count);
    if (k->stream)
        return stream_iov(k, fdflags, iov, count, true, n_out);
    if (total > DGRAM_MAX)
        return WASI_EMSGSIZE;
    const uint8_t *src = count == 1 ? iov[0].buf : NULL;
    uint8_t *tmp = NULL;
    if (!src) {
        if (!(tmp = kmalloc(total ? total : 1)))
            return WASI_ENOMEM;
        for (size_t i = 0, off = 0; i < count; off += iov[i].len, i++)
            memcpy(tmp + off, iov[i].buf, iov[i].len);
        src = tmp;
    }
    int err = ip ? sock_sendto(k->sock, src, total, ip, port, n_out) : sock_send(k->sock, src, total, n_out);
    kfree(tmp);
    return err == WASI_EAGAIN ? would_block(k, fdflags) : err;
}

int ksock_read(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count,
               size_t *n_out)
{
    bool on = netif_lock();
    int err = recv_locked(k, fdflags, iov, count, n_out, NULL, NULL);
    netif_unlock(on);
    return err;
}

int ksock_write(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count,
                size_t *n_out)
{
    bool on = netif_lock();
    int err = send_locked(k, fdflags, iov, count, 0, 0, n_out);
    netif_unlock(on);
    return err;
}

/* ---- preview1: accept, recv, send, shutdown -------------------------------------------------------- */

int plat_sock_accept(plat_handle listener, uint16_t fdflags, plat_handle *out)
{
    struct ksock *k, *n;
    uint16_t lflags;
    int err = handle_sock_get(listener, &k, &lflags);
    if (err)
        return err;
    if (!k->listening)
        return WASI_EINVAL;
    if (!(n = kzalloc(sizeof *n)))
        return WASI_ENOMEM;
    bool on = netif_lock();
    err = sock_accept(k->sock, &n->sock);
    if (err == WASI_EAGAIN)
        err = would_block(k, lflags);
    else if (!err)
        sock_set_notify(n->sock, wake, n);
    netif_unlock(on);
    if (err) {
        kfree(n);
        return err;
    }
    n->stream = true;
    return handle_sock_install(proc_current(), n, fdflags, out);
}

int plat_sock_recv(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                   size_t *n_out, uint16_t *roflags_out)
{
    struct ksock *k;
    uint16_t fdflags;
    *n_out = 0;
    *roflags_out = 0;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    if (riflags & WASI_RIFLAG_RECV_PEEK)
        return WASI_ENOTSUP; /* the stack has no peek; WAITALL is a hint we may ignore */
    return ksock_read(k, fdflags, iov, count, n_out);
}

int plat_sock_send(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out)
{
    struct ksock *k;
    uint16_t fdflags;
    *n_out = 0;
    int err = handle_sock_get(h, &k, &fdflags);
    return err ? err : ksock_write(k, fdflags, iov, count, n_out);
}

int plat_sock_shutdown(plat_handle h, uint8_t how)
{
    struct ksock *k;
    uint16_t fdflags;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    bool on = netif_lock();
    err = sock_shutdown(k->sock, how);
    wake(k); /* a process sharing this socket and parked on it sees the end */
    netif_unlock(on);
    return err;
}

/* ---- the WasmEdge extension: open, bind, listen, connect, addresses --------------------------------- */

int plat_sock_open(uint8_t family, uint8_t type, plat_handle *out)
{
    *out = PLAT_NO_HANDLE;
    if (family != PLAT_AF_INET4)
        return WASI_EAFNOSUPPORT; /* the stack is IPv4 only */
    if (type != PLAT_SOCK_STREAM && type != PLAT_SOCK_DGRAM)
        return WASI_EPROTONOSUPPORT;
    struct ksock *k;
    bool on = netif_lock();
    int err = ksock_new(type == PLAT_SOCK_STREAM, &k);
    netif_unlock(on);
    return err ? err : handle_sock_install(proc_current(), k, 0, out);
}

int plat_sock_bind(plat_handle h, const struct plat_sockaddr *addr)
{
    struct ksock *k;
    uint16_t fdflags;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    if (addr->family != PLAT_AF_INET4)
        return WASI_EAFNOSUPPORT;
    bool on = netif_lock();
    err = sock_bind(k->sock, ip_from(addr->addr), addr->port);
    netif_unlock(on);
    return err;
}

int plat_sock_listen(plat_handle h, int32_t backlog)
{
    struct ksock *k;
    uint16_t fdflags;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    if (!k->stream)
        return WASI_ENOTSUP;
    if (backlog < 1)
        backlog = 1;
    if (backlog > LISTEN_BACKLOG_MAX)
        backlog = LISTEN_BACKLOG_MAX;
    bool on = netif_lock();
    err = sock_listen(k->sock, backlog);
    netif_unlock(on);
    if (!err)
        k->listening = true;
    return err;
}

int plat_sock_connect(plat_handle h, const struct plat_sockaddr *addr)
{
    struct ksock *k;
    uint16_t fdflags;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    if (addr->family != PLAT_AF_INET4)
        return WASI_EAFNOSUPPORT;
    bool on = netif_lock();
    err = sock_connect(k->sock, ip_from(addr->addr), addr->port);
    if (k->stream && (err == WASI_EINPROGRESS || err == WASI_EALREADY)) {
        if (fdflags & WASI_FDFLAG_NONBLOCK) {
            k->connecting = false;
        } else {
            k->connecting = true; /* wasi/ repeats this call once woken */
            err = would_block(k, fdflags);
        }
    } else if (err == WASI_EISCONN && k->connecting) {
        k->connecting = false;
        err = WASI_ESUCCESS; /* our own repeat: the handshake finished */
    } else {
        k->connecting = false;
    }
    netif_unlock(on);
    return err;
}

int plat_sock_addr(plat_handle h, bool peer, struct plat_sockaddr *out)
{
    struct ksock *k;
    uint16_t fdflags;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    uint32_t ip = 0;
    uint16_t port = 0;
    bool on = netif_lock();
    err = peer ? sock_peer_addr(k->sock, &ip, &port) : sock_local_addr(k->sock, &ip, &port);
    netif_unlock(on);
    if (!err)
        sockaddr_set(out, ip, port);
    return err;
}

int plat_sock_send_to(plat_handle h, const struct plat_iovec *iov, size_t count,
                      const struct plat_sockaddr *to, size_t *n_out)
{
    struct ksock *k;
    uint16_t fdflags;
    *n_out = 0;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    if (!k->stream && to->family != PLAT_AF_INET4)
        return WASI_EAFNOSUPPORT;
    bool on = netif_lock();
    err = send_locked(k, fdflags, iov, count, k->stream ? 0 : ip_from(to->addr), to->port, n_out);
    netif_unlock(on);
    return err;
}

int plat_sock_recv_from(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                        size_t *n_out, uint16_t *roflags_out, struct plat_sockaddr *from_out)
{
    struct ksock *k;
    uint16_t fdflags;
    *n_out = 0;
    *roflags_out = 0;
    memset(from_out, 0, sizeof *from_out);
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    if (riflags & WASI_RIFLAG_RECV_PEEK)
        return WASI_ENOTSUP;
    uint32_t ip = 0;
    uint16_t port = 0;
    bool on = netif_lock();
    err = recv_locked(k, fdflags, iov, count, n_out, &ip, &port);
    netif_unlock(on);
    if (!err)
        sockaddr_set(from_out, ip, port);
    return err;
}

/* ---- options ----------------------------------------------------------------------------------- */

int plat_sock_set_option(plat_handle h, uint32_t name, int32_t value)
{
    struct ksock *k;
    uint16_t fdflags;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    switch (name) {
    case PLAT_SO_REUSEADDR: k->reuseaddr = value != 0; return WASI_ESUCCESS; /* no TIME_WAIT bind conflict here */
    case PLAT_SO_BROADCAST: k->broadcast = value != 0; return WASI_ESUCCESS;
    case PLAT_SO_SNDBUF:
    case PLAT_SO_RCVBUF: return WASI_ESUCCESS; /* fixed buffers (tcp.h TCP_SNDBUF/TCP_RCVBUF) */
    case PLAT_SO_KEEPALIVE: {
        if (!k->stream)
            return WASI_ENOPROTOOPT;
        bool on = netif_lock();
        err = sock_set_keepalive(k->sock, value != 0);
        netif_unlock(on);
        if (!err)
            k->keepalive = value != 0;
        return err;
    }
    case PLAT_SO_TYPE:
    case PLAT_SO_ERROR:
    case PLAT_SO_ACCEPTCONN: return WASI_EINVAL;
    default: return WASI_ENOPROTOOPT;
    }
}

int plat_sock_get_option(plat_handle h, uint32_t name, int32_t *value_out)
{
    struct ksock *k;
    uint16_t fdflags;
    *value_out = 0;
    int err = handle_sock_get(h, &k, &fdflags);
    if (err)
        return err;
    switch (name) {
    case PLAT_SO_REUSEADDR: *value_out = k->reuseaddr; return WASI_ESUCCESS;
    case PLAT_SO_BROADCAST: *value_out = k->broadcast; return WASI_ESUCCESS;
    case PLAT_SO_KEEPALIVE: *value_out = k->keepalive; return WASI_ESUCCESS;
    case PLAT_SO_SNDBUF: *value_out = k->stream ? TCP_SNDBUF : DGRAM_MAX; return WASI_ESUCCESS;
    case PLAT_SO_RCVBUF: *value_out = k->stream ? TCP_RCVBUF : DGRAM_MAX; return WASI_ESUCCESS;
    case PLAT_SO_TYPE: *value_out = k->stream ? PLAT_SOCK_STREAM : PLAT_SOCK_DGRAM; return WASI_ESUCCESS;
    case PLAT_SO_ACCEPTCONN: *value_out = k->listening; return WASI_ESUCCESS;
    case PLAT_SO_ERROR: {
        bool on = netif_lock();
        *value_out = sock_error(k->sock);
        netif_unlock(on);
        return WASI_ESUCCESS;
    }
    default: return WASI_ENOPROTOOPT;
    }
}

/* ---- socket activation ------------------------------------------------------------------------- */

int ksock_listen_tcp(uint16_t port, plat_handle *out)
{
    struct ksock *k = NULL;
    bool on = netif_lock();
    int err = ksock_new(true, &k);
    if (!err && !(err = sock_bind(k->sock, NET_IP4_ANY, port)))
        err = sock_listen(k->sock, LISTEN_BACKLOG_MAX);
    netif_unlock(on);
    if (err) {
        ksock_close(k); /* NULL when ksock_new failed */
        return err;
    }
    k->listening = true;
    return handle_sock_install(NULL, k, 0, out);
}

/* ---- names --------------------------------------------------------------------------------------- */

/* "a.b.c.d" -> ip (host order); false when not a dotted quad. */
static bool parse_ip4(const char *s, uint32_t *ip_out)
{
    uint32_t ip = 0;
    for (int part = 0; part < 4; part++) {
        if (*s < '0' || *s > '9')
            return false;
        uint32_t v = 0;
        for (int digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
            v = v * 10 + (uint32_t)(*s - '0');
            if (digits == 3 || v > 255)
                return false;
        }
        ip = ip << 8 | v;
        if (part < 3 && *s++ != '.')
            return false;
    }
    *ip_out = ip;
    return *s == 0;
}

static int parse_service(const char *service, uint16_t *port_out)
{
    static const struct { const char *name; uint16_t port; } known[] = {
        {"http", 80}, {"https", 443}, {"domain", 53}, {"ftp", 21}, {"ssh", 22}, {"smtp", 25},
    };
    *port_out = 0;
    if (!service)
        return WASI_ESUCCESS;
    if (*service >= '0' && *service <= '9') {
        uint32_t v = 0;
        for (const char *s = service; *s; s++) {
            if (*s < '0' || *s > '9' || (v = v * 10 + (uint32_t)(*s - '0')) > 65535)
                return WASI_EAI_SERVICE;
        }
        *port_out = (uint16_t)v;
        return WASI_ESUCCESS;
    }
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(service, known[i].name)) {
            *port_out = known[i].port;
            return WASI_ESUCCESS;
        }
    return WASI_EAI_SERVICE;
}

/* The getaddrinfo of the current process waiting for `name`, or a free place (pid 0) for it, or
 * NULL. Places of processes that are gone are given back (their queries cancelled). Lock held. */
static struct dns_pending *dns_slot(int pid, const char *name)
{
    struct dns_pending *free_slot = NULL;
    for (int i = 0; i < DNS_PENDING; i++) {
        struct dns_pending *d = &ks.dns[i];
        if (d->pid) {
            struct proc *p = proc_get(d->pid);
            if (!p || p->state == PROC_ZOMBIE) {
                if (d->query >= 0)
                    dns_resolve_cancel(netif_stack(), d->query);
                d->pid = 0;
            }
        }
        if (d->pid == pid && !strcmp(d->name, name))
            return d;
        if (!d->pid && !free_slot)
            free_slot = d;
    }
    return free_slot;
}

/* the query's completion callback (dns_set_notify): inside the stack; wakes the process that asked */
static void dns_wake(void *arg)
{
    struct dns_pending *d = arg;
    if (d->pid)
        proc_wake(proc_get(d->pid));
}

/* The DNS server: the kernel command line's `net.dns=A.B.C.D` (UDP) or `net.dns=tcp:A.B.C.D` (TCP,
 * RFC 7766: QEMU's user network with restrict=on forwards only TCP, through guestfwd), else the one
 * DHCP offered. False when there is none. */
static bool dns_server(const struct netdev *dev, uint32_t *ip_out, bool *tcp_out)
{
    char val[32];
    *tcp_out = false;
    if (cmdline_value("net.dns", val, sizeof val)) {
        *tcp_out = !strncmp(val, "tcp:", 4);
        return parse_ip4(val + (*tcp_out ? 4 : 0), ip_out);
    }
    *ip_out = dev->dns_server;
    return *ip_out != 0;
}

/* Resolves name through the DNS server (or answers at once); lock held. WASI_ESUCCESS,
 * PLAT_WOULD_BLOCK (parked), or a WASI_EAI_* error. */
static int resolve_locked(const char *name, uint32_t *ip_out)
{
    if (parse_ip4(name, ip_out))
        return WASI_ESUCCESS;
    if (!strcmp(name, "localhost")) {
        *ip_out = NET_IP4(127, 0, 0, 1);
        return WASI_ESUCCESS;
    }
    struct net_stack *stack = netif_stack();
    struct netdev *dev = netif_primary();
    struct proc *p = proc_current();
    uint32_t server;
    bool tcp;
    if (!stack || !dev || !dns_server(dev, &server, &tcp))
        return WASI_EAI_FAIL; /* no network, or no DNS server */
    if (strlen(name) >= NAME_MAX_LEN)
        return WASI_EAI_NONAME;
    if (!p)
        return WASI_EAI_AGAIN; /* the kernel itself cannot wait here */
    struct dns_pending *d = dns_slot(p->pid, name);
    if (!d)
        return WASI_EAI_AGAIN;
    if (!d->pid) {
        d->pid = p->pid;
        d->query = -1;
        d->since_ns = timer_ns();
        memcpy(d->name, name, strlen(name) + 1);
    }
    if (d->query < 0 && !dev->ip) { /* a service started at boot may ask before DHCP is done */
        if (timer_ns() - d->since_ns > DNS_ADDR_WAIT_NS) {
            d->pid = 0;
            return WASI_EAI_AGAIN;
        }
        proc_block_until(timer_ns() + DNS_ADDR_POLL_NS);
        return PLAT_WOULD_BLOCK;
    }
    if (d->query < 0) {
        int q = tcp ? dns_resolve_start_tcp(stack, name, server) : dns_resolve_start(stack, name, server);
        if (q < 0) {
            d->pid = 0;
            return q == NET_ERR_INVAL ? WASI_EAI_NONAME : WASI_EAI_AGAIN;
        }
        d->query = q;
        dns_set_notify(stack, q, dns_wake, d);
    }
    int err = dns_resolve_poll(stack, d->query, ip_out);
    if (err == NET_ERR_WOULDBLOCK) {
        proc_block_until(timer_ns() + DNS_SAFETY_NS); /* dns_wake wakes it: no 10 ms re-checks */
        return PLAT_WOULD_BLOCK;
    }
    d->pid = 0; /* the query is released */
    if (err == NET_OK)
        return WASI_ESUCCESS;
    return err == NET_ERR_NOTFOUND ? WASI_EAI_NONAME : WASI_EAI_AGAIN;
}

int plat_getaddrinfo(const char *node, const char *service, uint8_t family, uint8_t type,
                     struct plat_addrinfo *out, size_t cap, size_t *count_out)
{
    *count_out = 0;
    if (!node && !service)
        return WASI_EAI_NONAME;
    if (family != 0 && family != PLAT_AF_INET4)
        return WASI_EAI_FAMILY; /* IPv4 only */
    if (type != 0 && type != PLAT_SOCK_STREAM && type != PLAT_SOCK_DGRAM)
        return WASI_EAI_SOCKTYPE;
    uint16_t port;
    int err = parse_service(service, &port);
    if (err)
        return err;
    uint32_t ip = NET_IP4(127, 0, 0, 1); /* no node: the loopback address, as POSIX without AI_PASSIVE */
    if (node) {
        bool on = netif_lock();
        err = resolve_locked(node, &ip);
        netif_unlock(on);
        if (err)
            return err;
    }
    for (uint8_t t = PLAT_SOCK_DGRAM; t <= PLAT_SOCK_STREAM && *count_out < cap; t++) {
        if (type && type != t)
            continue;
        struct plat_addrinfo *r = &out[*count_out];
        memset(r, 0, sizeof *r);
        sockaddr_set(&r->addr, ip, port);
        r->type = t;
        r->protocol = t == PLAT_SOCK_STREAM ? 1 : 2;
        ++*count_out;
    }
    /* stream first: what a client connecting by name wants */
    if (*count_out == 2) {
        struct plat_addrinfo tmp = out[0];
        out[0] = out[1];
        out[1] = tmp;
    }
    return WASI_ESUCCESS;
}
