/* kernel/net/dns.h — DNS client: A-record lookups over UDP (RFC 1035).
 *
 * Two layers. The message functions are pure (no stack, no allocation) and bounded: they never read
 * outside the given buffer, follow at most DNS_MAX_POINTERS compression pointers per name, and only
 * pointers that go backwards. The resolver sends queries through a stack and is polled for the
 * answer; it retries every DNS_RETRY_MS, DNS_TRIES times in all, then reports NET_ERR_TIMEOUT.
 * Nothing blocks. */
#ifndef KERNEL_NET_DNS_H
#define KERNEL_NET_DNS_H

#include <stddef.h>
#include <stdint.h>

struct net_stack;

#define DNS_MAX_POINTERS 16
#define DNS_RETRY_MS 1000
#define DNS_TRIES 3
#define DNS_MAX_QUERIES 8  /* outstanding queries per stack */
#define DNS_MAX_ADDRS 4    /* A records kept per answer */

/* ---- messages ---- */
/* Writes a standard query (RD set) for the A record of `name` ("example.com", an optional final dot)
 * into buf. Returns the message length, or NET_ERR_INVAL (empty or over-long label or name) or
 * NET_ERR_NOMEM (buf too small). */
int dns_build_query(uint8_t *buf, size_t cap, uint16_t id, const char *name);

/* Decodes the name at msg[*pos] into out ("a.b.c", NUL-terminated, at most cap bytes) and moves *pos
 * past it (past the first pointer when compressed). Returns NET_OK or NET_ERR_INVAL (truncated,
 * forward or looping pointer, label over 63, name over 255 octets, out too small). */
int dns_name_decode(const uint8_t *msg, size_t len, size_t *pos, char *out, size_t cap);

/* Parses a response to query `id` for `name`: copies up to max A-record addresses (host order) into
 * addrs_out and their count into count_out. Returns NET_OK (at least one address), NET_ERR_NOTFOUND
 * (NXDOMAIN, or no A record), NET_ERR_INVAL (malformed, not a response, wrong id or question,
 * truncated flag). */
int dns_parse_response(const uint8_t *msg, size_t len, uint16_t id, const char *name, uint32_t *addrs_out,
                       int max, int *count_out);

/* ---- resolver ---- */
/* Starts resolving name through server (host order, port 53). Returns a query handle >= 0, or
 * NET_ERR_INVAL (bad name), NET_ERR_NOMEM (too many queries), or a send error. The name is copied. */
int dns_resolve_start(struct net_stack *stack, const char *name, uint32_t server);

/* The same over TCP (RFC 7766: the message behind a two-byte length; one connection per query), for a
 * server reached only by TCP (QEMU's user network with restrict=on forwards TCP, not UDP). Gives up
 * (NET_ERR_TIMEOUT) after DNS_RETRY_MS * DNS_TRIES or when the connection fails. Polled, cancelled
 * and released like a UDP query. Returns a handle >= 0, NET_ERR_INVAL, NET_ERR_NOMEM, or
 * tcp_connect's error (NET_ERR_NOROUTE...). */
int dns_resolve_start_tcp(struct net_stack *stack, const char *name, uint32_t server);

/* Polls a query: NET_OK with *addr_out (the first address; the handle is then released),
 * NET_ERR_WOULDBLOCK (no answer yet), NET_ERR_NOTFOUND or NET_ERR_TIMEOUT (released), NET_ERR_INVAL
 * (no such handle). */
int dns_resolve_poll(struct net_stack *stack, int handle, uint32_t *addr_out);

/* Abandons a query. */
void dns_resolve_cancel(struct net_stack *stack, int handle);

/* Calls fn(arg) from inside the stack whenever the query may have progressed: its answer (or
 * NXDOMAIN) arrived, its TCP connection moved, it timed out. Then dns_resolve_poll (outside the
 * callback) moves it on or reports. Like tcp_notify_fn, fn must not call into the stack; spurious
 * calls happen. Cleared when the query is released. fn NULL turns it off. */
typedef void (*dns_notify_fn)(void *arg);
void dns_set_notify(struct net_stack *stack, int handle, dns_notify_fn fn, void *arg);

#endif
