/* kernel/net/loopback.c — the loopback interface: frames sent come back as received frames.
 *
 * transmit copies the frame into a FIFO; loopback_poll (called by net_tick, net.c) hands each queued
 * frame to netdev_input, and so does loopback_flush (net_loopback_flush: right after a call into the
 * stack returns, so a ping of 127.0.0.1 or a loopback TCP exchange does not wait for the tick). Below: nothing; above: eth.c, which sees an ordinary Ethernet interface
 * whose frames are addressed to itself (ipv4.c skips ARP on NETDEV_FLAG_LOOPBACK). */
#include "kernel/net/loopback.h"
#include "kernel/net/net_priv.h"

struct loopback {
    struct netdev dev;     /* first, so a netdev pointer is a loopback pointer */
    struct netbuf *head, *tail;
    int count;
};

static int loopback_transmit(struct netdev *dev, struct netbuf *nb)
{
    struct loopback *lo = (struct loopback *)dev;
    if (lo->count >= LOOPBACK_QUEUE_MAX)
        return NET_ERR_NOMEM;
    struct netbuf *c = netbuf_copy(nb, 0);
    if (!c)
        return NET_ERR_NOMEM;
    c->next = NULL;
    if (lo->tail)
        lo->tail->next = c;
    else
        lo->head = c;
    lo->tail = c;
    lo->count++;
    return NET_OK;
}

struct netdev *loopback_create(void)
{
    struct loopback *lo = kmalloc(sizeof(*lo));
    if (!lo)
        return NULL;
    memset(lo, 0, sizeof(*lo));
    memcpy(lo->dev.name, "lo", 3);
    lo->dev.mtu = 16384;
    lo->dev.flags = NETDEV_FLAG_UP | NETDEV_FLAG_LOOPBACK;
    lo->dev.ip = NET_IP4(127, 0, 0, 1);
    lo->dev.netmask = NET_IP4(255, 0, 0, 0);
    lo->dev.transmit = loopback_transmit;
    lo->dev.driver = lo;
    return &lo->dev;
}

/* The oldest queued frame, unlinked; NULL when the queue is empty. */
static struct netbuf *dequeue(struct loopback *lo)
{
    struct netbuf *nb = lo->head;
    if (!nb)
        return NULL;
    lo->head = nb->next;
    if (!lo->head)
        lo->tail = NULL;
    lo->count--;
    nb->next = NULL;
    return nb;
}

static void drain(struct loopback *lo)
{
    /* deliver only what is queued now: frames sent while delivering wait for the next poll */
    int n = lo->count;
    struct netbuf *nb;
    while (n-- > 0 && (nb = dequeue(lo))) {
        if (lo->dev.stack)
            lo->dev.stack->stats.lo_tick++;
        if (netdev_input(&lo->dev, nb) != NET_OK)
            netbuf_free(nb);
    }
}

void loopback_destroy(struct netdev *dev)
{
    if (!dev)
        return;
    struct loopback *lo = (struct loopback *)dev;
    for (struct netbuf *nb; (nb = dequeue(lo));)
        netbuf_free(nb);
    kfree(lo);
}

int loopback_flush(struct net_stack *stack, int budget)
{
    int done = 0;
    for (int i = 0; i < stack->ndevs; i++) {
        if (!(stack->devs[i]->flags & NETDEV_FLAG_LOOPBACK))
            continue;
        struct loopback *lo = (struct loopback *)stack->devs[i]->driver;
        /* frames that delivery sends join the tail and are delivered in this loop too */
        struct netbuf *nb;
        while (done < budget && (nb = dequeue(lo))) {
            done++;
            stack->stats.lo_prompt++;
            if (netdev_input(&lo->dev, nb) != NET_OK)
                netbuf_free(nb);
        }
    }
    return done;
}

void loopback_poll(struct net_stack *stack)
{
    for (int i = 0; i < stack->ndevs; i++)
        if (stack->devs[i]->flags & NETDEV_FLAG_LOOPBACK)
            drain((struct loopback *)stack->devs[i]->driver);
}
