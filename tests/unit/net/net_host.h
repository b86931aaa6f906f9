/* tests/unit/net/net_host.h — the host tests' allocator hooks (net_host.c). */
#ifndef TESTS_UNIT_NET_NET_HOST_H
#define TESTS_UNIT_NET_NET_HOST_H

/* kmalloc blocks not yet freed. */
long net_host_live_blocks(void);
/* After n more successful kmallocs, every kmalloc fails (n < 0: never). */
void net_host_fail_after(long n);

#endif
