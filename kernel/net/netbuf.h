/* kernel/net/netbuf.h — packet buffers.
 *
 * A netbuf is one contiguous block: a header, then storage with headroom in front of the packet so
 * that each layer can prepend its header without copying (netbuf_push) and strip it on input
 * (netbuf_pull). `data` points at the first byte of the current layer's header (or payload), `len`
 * counts valid bytes from there.
 *
 * Ownership rules (the whole stack follows them; see also netdev.h):
 *   - netbuf_alloc returns a buffer with one reference, owned by the caller.
 *   - Whoever holds a reference releases it exactly once with netbuf_free; the block is returned when
 *     the last reference goes. Never touch a buffer after releasing your reference.
 *   - netbuf_ref adds a reference for a second holder (e.g. the ARP pending queue). While a buffer is
 *     shared, its bytes and offsets are frozen for everyone but the holder the transfer was made to;
 *     the giver only frees. A holder that wants to change a shared buffer copies it (netbuf_copy).
 *   - An *_input function that returns NET_OK consumed the caller's reference; on an error the caller
 *     still owns it. An *_output function never frees the caller's reference, but may move `data`
 *     (it pushes headers): after output the caller may only free the buffer.
 *   - `next` links a buffer into one queue at a time and belongs to the holder that queued it.
 * Nothing here blocks; all functions may run in IRQ context if kmalloc may. */
#ifndef KERNEL_NET_NETBUF_H
#define KERNEL_NET_NETBUF_H

#include <stddef.h>
#include <stdint.h>

/* Room reserved in front of every packet built by the stack: Ethernet 14 + IPv4 60 + TCP 60. */
#define NETBUF_HEADROOM 136
/* Largest buffer netbuf_alloc hands out (a 64 KiB reassembled datagram plus headroom). */
#define NETBUF_MAX_SIZE (65536 + NETBUF_HEADROOM)

struct netbuf {
    struct netbuf *next; /* queue link, owned by the holder that queued the buffer */
    uint8_t *data;       /* first valid byte */
    size_t len;          /* valid bytes from data */
    size_t cap;          /* bytes in storage[] */
    int refs;            /* holders; the buffer is freed when it drops to 0 */
    uint32_t from_addr;  /* set by input paths: source IPv4 address (host order) */
    uint16_t from_port;  /* set by udp input: source port */
    uint64_t stamp;      /* free for the holder (the fake link keeps a delivery time here) */
    uint8_t storage[];
};

/* Allocates a buffer with `headroom` free bytes in front and `len` valid (uninitialized) bytes.
 * Returns NULL when out of memory or when headroom + len exceeds NETBUF_MAX_SIZE. */
struct netbuf *netbuf_alloc(size_t headroom, size_t len);

/* Adds a reference; returns nb. */
struct netbuf *netbuf_ref(struct netbuf *nb);

/* Releases one reference (NULL is a no-op). */
void netbuf_free(struct netbuf *nb);

/* Returns a fresh single-reference copy of nb's valid bytes, with `headroom` in front; NULL on
 * out of memory. The metadata fields are copied too. */
struct netbuf *netbuf_copy(const struct netbuf *nb, size_t headroom);

/* Prepends n bytes: returns the new data pointer, or NULL (buffer unchanged) when headroom < n. */
uint8_t *netbuf_push(struct netbuf *nb, size_t n);

/* Strips n bytes from the front: returns the old data pointer, or NULL (unchanged) when len < n. */
uint8_t *netbuf_pull(struct netbuf *nb, size_t n);

/* Shortens the buffer to len bytes (no-op when already shorter). */
void netbuf_trim(struct netbuf *nb, size_t len);

/* Number of buffers currently allocated, over all stacks (the tests' leak check). */
long netbuf_live(void);

/* Test knob (habit 19): after `n` more successful allocations, every netbuf_alloc fails until the
 * knob is reset with a negative n. */
void netbuf_fail_after(long n);

#endif
