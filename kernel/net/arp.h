/* kernel/net/arp.h — the ARP cache seen from outside the stack (RFC 826, RFC 1122 2.3.2).
 *
 * Resolution itself is internal (arp_output in net_priv.h): an IP datagram for an unresolved next hop
 * waits (at most ARP_MAX_PENDING per address) while a request is sent once a second, up to
 * ARP_MAX_REQUESTS times; then the entry and its waiting datagrams are dropped (arp_timeouts).
 * Resolved entries live ARP_ENTRY_TTL_MS and are refreshed by any ARP packet from the owner. */
#ifndef KERNEL_NET_ARP_H
#define KERNEL_NET_ARP_H

#include <stdbool.h>
#include <stdint.h>

struct net_stack;

#define ARP_ENTRY_TTL_MS (5 * 60 * 1000)
#define ARP_RETRY_MS 1000 /* RFC 1122 2.3.2.1: at most one request per second per address */
#define ARP_MAX_REQUESTS 3

/* Looks ip up in the cache. Returns true and copies the address to mac_out when resolved. */
bool arp_lookup(struct net_stack *stack, uint32_t ip, uint8_t mac_out[6]);

#endif
