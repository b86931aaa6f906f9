/* kernel/net/netbuf.c — packet buffers: allocation, references, header push/pull.
 *
 * The rules a holder follows are in netbuf.h. The layers above (eth.c, ipv4.c, udp.c, tcp_*.c) build
 * packets in buffers from here; the layer below (netdev drivers) hands received frames in as netbufs.
 * State: the live count and the failure-injection knob, global over all stack instances. */
#include "kernel/net/netbuf.h"
#include "kernel/net/net_alloc.h"
#include "walos/platform.h"

static struct {
    long live;       /* buffers allocated and not yet returned */
    long fail_after; /* <0: off; otherwise allocations left before failures start */
} pool = { 0, -1 };

struct netbuf *netbuf_alloc(size_t headroom, size_t len)
{
    if (headroom > NETBUF_MAX_SIZE || len > NETBUF_MAX_SIZE - headroom)
        return NULL;
    if (pool.fail_after == 0)
        return NULL;
    struct netbuf *nb = kmalloc(sizeof(*nb) + headroom + len);
    if (!nb)
        return NULL;
    if (pool.fail_after > 0)
        pool.fail_after--;
    nb->next = NULL;
    nb->cap = headroom + len;
    nb->data = nb->storage + headroom;
    nb->len = len;
    nb->refs = 1;
    nb->from_addr = 0;
    nb->from_port = 0;
    nb->stamp = 0;
    pool.live++;
    return nb;
}

struct netbuf *netbuf_ref(struct netbuf *nb)
{
    nb->refs++;
    return nb;
}

void netbuf_free(struct netbuf *nb)
{
    if (!nb)
        return;
    if (--nb->refs > 0)
        return;
    /* poison, so that a use after free shows up in tests */
    memset(nb->storage, 0xdb, nb->cap);
    pool.live--;
    kfree(nb);
}

struct netbuf *netbuf_copy(const struct netbuf *nb, size_t headroom)
{
    struct netbuf *c = netbuf_alloc(headroom, nb->len);
    if (!c)
        return NULL;
    memcpy(c->data, nb->data, nb->len);
    c->from_addr = nb->from_addr;
    c->from_port = nb->from_port;
    c->stamp = nb->stamp;
    return c;
}

uint8_t *netbuf_push(struct netbuf *nb, size_t n)
{
    if ((size_t)(nb->data - nb->storage) < n)
        return NULL;
    nb->data -= n;
    nb->len += n;
    return nb->data;
}

uint8_t *netbuf_pull(struct netbuf *nb, size_t n)
{
    if (nb->len < n)
        return NULL;
    uint8_t *old = nb->data;
    nb->data += n;
    nb->len -= n;
    return old;
}

void netbuf_trim(struct netbuf *nb, size_t len)
{
    if (len < nb->len)
        nb->len = len;
}

long netbuf_live(void)
{
    return pool.live;
}

void netbuf_fail_after(long n)
{
    pool.fail_after = n;
}
