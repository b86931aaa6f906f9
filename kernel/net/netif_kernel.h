/* kernel/net/netif_kernel.h — the running kernel's network: one TCP/IP stack (net.h) over every NIC.
 *
 * netif_init (boot, once, after PCI and interrupts) creates the stack, probes the drivers
 * (virtio_net.h, e1000.h), attaches each interface and starts DHCP on the first one. Received frames
 * go into the stack from the drivers' interrupt callbacks (netdev_input, then net_tick). Everything
 * else that calls into the stack or its sockets (sock.h) holds the network lock, which is "interrupts
 * off" on this one-CPU kernel: netif_lock / netif_unlock. The outermost netif_unlock first delivers
 * what the call sent on the loopback interface (net_loopback_flush), so loopback traffic does not wait
 * for the tick.
 *
 * Timers: net_tick runs after each received burst and from netif_poll, which whoever waits on the
 * network calls on each wake-up (the 100 Hz tick wakes `sti; hlt`). netif_poll also logs the DHCP
 * result ("net: eth0 10.0.2.15/24 gateway 10.0.2.2 dns 10.0.2.3") and then pings the gateway once
 * so that its ARP entry is resolved ("net: gateway 10.0.2.2 is 52:55:...").
 *
 * Switch net.ip=A.B.C.D/N[,GATEWAY] gives the first NIC a static address instead of DHCP (the
 * raw-link tests, tests/qemu/net-raw-*.test: no DHCP server on that link).
 *
 * Test switch: test=net-echo runs netif_test_serve (netif_test.c): an HTTP/1.1 responder on port 80
 * that never returns. */
#ifndef KERNEL_NET_NETIF_KERNEL_H
#define KERNEL_NET_NETIF_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

struct net_stack;
struct netdev;

/* Brings the network up (no NIC is not an error). Returns 0, or 1 when a test switch failed. */
int netif_init(void);
/* The kernel's stack (NULL before netif_init or when out of memory) and its first NIC (or NULL). */
struct net_stack *netif_stack(void);
struct netdev *netif_primary(void);
/* The network lock (interrupts off; nests through the saved flag). */
bool netif_lock(void);
void netif_unlock(bool saved);
/* Runs the stack's timers to now and reports configuration changes; takes the lock itself. */
void netif_poll(void);
/* Whether the first NIC has an address (DHCP bound). */
bool netif_configured(void);
/* Prints the interfaces, the drivers' counters and every non-zero stack counter (netstat-like). */
void netif_print_stats(void);

/* netif_test.c: the test=net-echo responder; never returns. */
void netif_test_serve(void);

#endif
