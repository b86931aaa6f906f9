/* tests/unit/net/fakelink.h — a simulated Ethernet cable between two stacks, for host tests.
 *
 * Each end is a struct netdev. A frame transmitted on one end is copied into the link's queue and
 * delivered to the other end's stack after `delay_ms` (+ up to `jitter_ms` random extra, which
 * reorders frames). Every frame a stack transmits is checked first: a wrong IPv4, TCP, UDP or ICMP
 * checksum counts in bad_frames (tests assert none). The link can drop, duplicate and corrupt frames at given rates (per million), and
 * a filter callback can drop chosen frames. Time is the test's: fakelink_step advances one ms,
 * delivers what is due and runs net_tick on both stacks. Deterministic for a given seed. */
#ifndef TESTS_UNIT_NET_FAKELINK_H
#define TESTS_UNIT_NET_FAKELINK_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/net/netdev.h"

#define FAKELINK_MAX_QUEUE 100000

struct fakelink;

struct fakelink_end {
    struct netdev dev;       /* first: a netdev pointer is an end pointer */
    struct fakelink *link;
    int side;                /* 0 or 1 */
};

/* Returns false to drop the frame (nb: the transmitted frame, Ethernet header on). */
typedef bool (*fakelink_filter_fn)(void *arg, int from_side, const struct netbuf *nb);

struct fakelink {
    struct fakelink_end end[2];
    struct net_stack *stack[2];
    uint64_t now;
    uint32_t rng;
    uint32_t loss_ppm, dup_ppm, corrupt_ppm; /* rates per million frames */
    uint32_t delay_ms, jitter_ms;
    fakelink_filter_fn filter;
    void *filter_arg;
    struct netbuf *queue[FAKELINK_MAX_QUEUE]; /* in flight; nb->stamp = delivery time, from_port = side */
    int nqueue;
    uint64_t sent, delivered, dropped, duplicated, corrupted;
    uint64_t bad_frames;     /* frames a stack sent with a wrong IPv4/TCP/UDP/ICMP checksum */
};

/* Sets up a link with two fresh stacks: side 0 is 10.0.0.1/24, side 1 is 10.0.0.2/24 (MTU 1500).
 * Returns false on out of memory. */
bool fakelink_init(struct fakelink *link, uint32_t seed);
/* Frees both stacks and the frames in flight. */
void fakelink_destroy(struct fakelink *link);
/* Advances one millisecond: delivers due frames, ticks both stacks. */
void fakelink_step(struct fakelink *link);
/* Steps until done(arg) is true or max_ms passed; returns done's last value. */
bool fakelink_run(struct fakelink *link, bool (*done)(void *arg), void *arg, uint64_t max_ms);
/* Steps ms milliseconds. */
void fakelink_advance(struct fakelink *link, uint64_t ms);
/* Moves time on by ms in coarse steps of `step` ms (for long idle periods: timers fire up to step
 * late, frames are delivered up to step late). */
void fakelink_skip(struct fakelink *link, uint64_t ms, uint64_t step);

#endif
