/* kernel/proc/platform_kernel_sock.h — sockets as kernel objects behind plat_handle values.
 *
 * platform_kernel_sock.c implements every plat_sock_* call of include/walos/platform.h and
 * plat_getaddrinfo on the kernel's stack (kernel/net/netif_kernel.h, kernel/net/sock.h,
 * kernel/net/dns.h); platform_kernel_wasi.c, which owns the handle tables (handle.h), gives a socket
 * handle its fd_read/fd_write/poll/stat/close through the ksock_* calls below.
 *
 * Locking: every call into the stack holds the network lock (netif_lock: interrupts off), so a
 * check for readiness and the proc_block_until that follows it cannot miss a wake-up: the stack's
 * readiness callback (sock_set_notify, run from the receive interrupt, net_tick or a loopback flush)
 * calls proc_wake for each process on the socket's wait list.
 * Blocking: a blocking handle whose operation cannot progress parks the current process
 * (proc_block_until) and answers PLAT_WOULD_BLOCK; a WASI_FDFLAG_NONBLOCK handle answers WASI_EAGAIN.
 * IPv6 gives WASI_EAFNOSUPPORT (the stack is IPv4 only).
 * Names (plat_getaddrinfo): dotted quads and "localhost" answer at once; other names go to the DNS
 * server of the kernel command line, `net.dns=A.B.C.D` (UDP) or `net.dns=tcp:A.B.C.D` (TCP, RFC 7766:
 * QEMU's restrict=on user network forwards only TCP), else the one DHCP offered; the caller is parked
 * until the answer, NXDOMAIN (WASI_EAI_NONAME) or the resolver's timeout (WASI_EAI_AGAIN), woken by
 * the query's own callback (dns_set_notify; a 1 s safety re-check besides); a lookup made before
 * DHCP has bound looks every 50 ms, up to 20 s, for the address.
 * Wake-ups: a process parked on a socket (blocking call, or poll_oneoff) is woken only by that
 * socket's readiness changes (a per-socket wait list), not by every network event. */
#ifndef KERNEL_PROC_PLATFORM_KERNEL_SOCK_H
#define KERNEL_PROC_PLATFORM_KERNEL_SOCK_H

#include <stdbool.h>
#include <walos/platform.h>

struct proc;
struct ksock;

/* ---- implemented by platform_kernel_wasi.c (the handle tables) ---- */
/* Installs socket k in p's table (NULL: the kernel's) with fdflags; the table then owns k (closed
 * with ksock_close when the last handle sharing it goes). WASI_ESUCCESS with *out, or WASI_EMFILE
 * (k was closed). */
int handle_sock_install(struct proc *p, struct ksock *k, uint16_t fdflags, plat_handle *out);
/* The socket behind the current process's handle h and that handle's fdflags (no new reference: valid
 * while h stays open). WASI_EBADF (not open) or WASI_ENOTSOCK. */
int handle_sock_get(plat_handle h, struct ksock **k_out, uint16_t *fdflags_out);

/* Sets the fdflags (WASI_FDFLAG_NONBLOCK or 0) of socket handle h in p's table (NULL: the kernel's),
 * whoever is running; shared by every handle duplicated from it. No-op when h is not a socket. */
void handle_sock_set_flags(struct proc *p, plat_handle h, uint16_t fdflags);

/* ---- implemented by platform_kernel_sock.c, used by platform_kernel_wasi.c ---- */
/* fd_read / fd_write on a socket: sock_recv / sock_send with the same blocking rules. */
int ksock_read(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count,
               size_t *n_out);
int ksock_write(struct ksock *k, uint16_t fdflags, const struct plat_iovec *iov, size_t count,
                size_t *n_out);
/* Fills f->ready/hangup/error for f->want. The caller holds the network lock (plat_poll does). */
void ksock_poll(struct ksock *k, struct plat_pollfd *f);
/* WASI_FILETYPE_SOCKET_STREAM or _DGRAM. */
uint8_t ksock_filetype(const struct ksock *k);
/* Closes the socket (a TCP connection finishes in the background; a listener resets its
 * unaccepted connections) and frees k. */
void ksock_close(struct ksock *k);

/* ---- for the service manager (socket activation) ---- */
/* Opens a TCP socket listening on 0.0.0.0:port (backlog 128) as a handle in the kernel's own table.
 * WASI_ESUCCESS with *out, WASI_EADDRINUSE, WASI_ENETDOWN (no network), WASI_EMFILE, WASI_ENOMEM.
 * Never blocks. */
int ksock_listen_tcp(uint16_t port, plat_handle *out);

#endif
