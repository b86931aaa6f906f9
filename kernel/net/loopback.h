/* kernel/net/loopback.h — the loopback interface (127.0.0.1/8).
 *
 * Every stack gets one at net_create, owned by the stack. Frames sent on it are copied into a queue
 * and delivered back into the same stack by net_loopback_flush (the caller's entry point, once its call
 * returned) or the next net_tick, never from inside transmit, so a TCP segment to ourselves never
 * re-enters tcp_output. The queue is bounded (LOOPBACK_QUEUE_MAX frames);
 * past it, transmit fails and the sender retransmits later. */
#ifndef KERNEL_NET_LOOPBACK_H
#define KERNEL_NET_LOOPBACK_H

#include "kernel/net/netdev.h"

#define LOOPBACK_QUEUE_MAX 256

/* Allocates and configures a loopback interface (name "lo", 127.0.0.1/8, MTU 16384). NULL on OOM.
 * The caller attaches it with net_add_netdev and frees it with loopback_destroy after net_destroy. */
struct netdev *loopback_create(void);

/* Frees the interface and any frames still queued on it. */
void loopback_destroy(struct netdev *dev);

#endif
