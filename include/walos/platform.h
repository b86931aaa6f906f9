/* include/walos/platform.h — what engine/ and wasi/ need from the system they run on.
 *
 * engine/ and wasi/ include nothing from the outside but this header and the C11 freestanding headers
 * (stddef.h, stdint.h, stdbool.h, stdarg.h, limits.h, float.h). Each embedder implements it once:
 * host/platform_posix*.c for walos-run and the tests, kernel/proc/platform_kernel*.c in the kernel.
 * No #ifdef HOST in engine/ or wasi/: what differs lives behind these functions.
 *
 * Two sections: "needed by the engine" and "needed by WASI". */
#ifndef WALOS_PLATFORM_H
#define WALOS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* ======== needed by the engine ================================================================ */

/* The C string/memory functions, with their standard contracts. The host's libc provides them;
 * the kernel's kernel/lib does. Declared here so that engine/ and wasi/ need no libc header. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* General allocation. plat_alloc/plat_realloc return NULL when out of memory (never abort);
 * memory is 16-byte aligned. plat_free(NULL) is a no-op. */
void *plat_alloc(size_t size);
void *plat_calloc(size_t count, size_t size); /* zeroed; NULL on overflow or out of memory */
void *plat_realloc(void *ptr, size_t size);
void plat_free(void *ptr);

/* Linear-memory regions. plat_mem_reserve reserves `reserve` bytes of address space (page-aligned,
 * inaccessible) and makes the first `commit` bytes readable, writable and zeroed; NULL when it cannot
 * (the engine then falls back to plat_alloc and explicit bounds checks). plat_mem_commit makes
 * [base, base + new_commit) accessible, zeroing the new part; returns false when out of memory.
 * plat_mem_release gives the whole reservation back. */
void *plat_mem_reserve(uint64_t reserve, uint64_t commit);
bool plat_mem_commit(void *base, uint64_t old_commit, uint64_t new_commit);
void plat_mem_release(void *base, uint64_t reserve);

/* ======== needed by WASI ====================================================================== */
/* (owned by wasi/: files and directories by handle, clocks, random, poll, sockets, exit) */
/*
 * Every call returns a WASI errno (wasi/abi.h: WASI_ESUCCESS = 0) directly, or PLAT_WOULD_BLOCK
 * where stated: the operation cannot complete now, nothing was done, and wasi/ returns WASM_BLOCK so
 * that the engine calls it again when the process is resumed (a backend that can block in place,
 * like POSIX, never returns it). None of these keeps a pointer argument after it returns.
 *
 * Sandbox contract: directory calls take a directory handle and ONE name: a NUL-terminated path
 * component, never empty, never containing '/', never "..", possibly "." (the directory itself).
 * The platform never follows a symbolic link in that name (O_NOFOLLOW / AT_SYMLINK_NOFOLLOW): wasi/
 * reads links with plat_readlink_at and resolves them itself, inside the preopen. Whole paths never
 * cross this interface, so no backend can be made to leave the sandbox. */
#include "wasi/abi.h"

typedef int32_t plat_handle;   /* an open file, directory, socket or stdio stream; -1: none */
#define PLAT_NO_HANDLE (-1)
#define PLAT_WOULD_BLOCK 0x10000   /* not an errno: retry later (see above) */

struct plat_iovec {            /* host pointers, already checked against guest memory by wasi/ */
    void *buf;
    size_t len;
};

struct plat_filestat {         /* wasi `filestat`, host order; times in ns since the epoch */
    uint64_t dev, ino;
    uint8_t filetype;          /* enum wasi_filetype */
    uint64_t nlink, size, atim, mtim, ctim;
};

struct plat_dirent {           /* one directory entry (plat_fd_readdir) */
    uint64_t next;             /* cookie of the entry after this one */
    uint64_t ino;
    uint8_t filetype;
};

/* -- handles: files, directories, stdio, sockets -- */
/* Opens `name` in `dir` without following a symlink there (a symlink gives WASI_ELOOP, or
 * WASI_ENOTDIR with WASI_OFLAG_DIRECTORY). oflags: WASI_OFLAG_*; fdflags: WASI_FDFLAG_*; read/write:
 * the access wanted (a directory is opened for reading whatever they say). *out owned by the caller,
 * released with plat_fd_close. Errors as POSIX openat, mapped: EEXIST, ENOENT, EISDIR, EACCES... */
int plat_open_at(plat_handle dir, const char *name, uint32_t oflags, uint32_t fdflags, bool read,
                 bool write, plat_handle *out);
int plat_fd_close(plat_handle h);
/* Scatter/gather I/O at the current position (or at `offset` for pread/pwrite, which do not move
 * it). May return PLAT_WOULD_BLOCK when nothing can be transferred yet and the handle is blocking;
 * a non-blocking handle returns WASI_EAGAIN instead. Short transfers are allowed. */
int plat_fd_read(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out);
int plat_fd_write(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out);
int plat_fd_pread(plat_handle h, const struct plat_iovec *iov, size_t count, uint64_t offset,
                  size_t *n_out);
int plat_fd_pwrite(plat_handle h, const struct plat_iovec *iov, size_t count, uint64_t offset,
                   size_t *n_out);
/* whence: enum wasi_whence. Not seekable (pipe, socket, tty): WASI_ESPIPE. */
int plat_fd_seek(plat_handle h, int64_t offset, uint8_t whence, uint64_t *pos_out);
int plat_fd_stat(plat_handle h, struct plat_filestat *out);
/* The fdflags the handle has now (APPEND, NONBLOCK, SYNC...), and a change of them. */
int plat_fd_get_flags(plat_handle h, uint16_t *fdflags_out);
int plat_fd_set_flags(plat_handle h, uint16_t fdflags);
int plat_fd_set_size(plat_handle h, uint64_t size);
/* fstflags: WASI_FSTFLAG_* (already validated: never both X and X_NOW). */
int plat_fd_set_times(plat_handle h, uint64_t atim, uint64_t mtim, uint16_t fstflags);
int plat_fd_sync(plat_handle h);
int plat_fd_datasync(plat_handle h);
int plat_fd_advise(plat_handle h, uint64_t offset, uint64_t len, uint8_t advice);
int plat_fd_allocate(plat_handle h, uint64_t offset, uint64_t len);
/* The entry of directory `h` at `cookie` (0: first; then the previous entry's `next`). Writes the
 * name's first name_cap bytes (no NUL) and its full length to *name_len_out. At the end:
 * WASI_ESUCCESS with *end_out = true. Includes "." and "..". */
int plat_fd_readdir(plat_handle h, uint64_t cookie, struct plat_dirent *out, char *name,
                    size_t name_cap, size_t *name_len_out, bool *end_out);

/* -- names in a directory (one component each, never followed) -- */
int plat_stat_at(plat_handle dir, const char *name, struct plat_filestat *out);
/* Copies the link's target (no NUL) into buf, at most cap bytes; *len_out = bytes copied. Not a
 * link: WASI_EINVAL. */
int plat_readlink_at(plat_handle dir, const char *name, char *buf, size_t cap, size_t *len_out);
int plat_mkdir_at(plat_handle dir, const char *name);
int plat_rmdir_at(plat_handle dir, const char *name);
int plat_unlink_at(plat_handle dir, const char *name);   /* not a directory */
int plat_rename_at(plat_handle old_dir, const char *old_name, plat_handle new_dir,
                   const char *new_name);
int plat_link_at(plat_handle old_dir, const char *old_name, plat_handle new_dir,
                 const char *new_name);
/* Creates symlink `name` whose contents are `target` (stored as is; wasi/ checks it). */
int plat_symlink_at(const char *target, plat_handle dir, const char *name);
int plat_set_times_at(plat_handle dir, const char *name, uint64_t atim, uint64_t mtim,
                      uint16_t fstflags);

/* -- clocks, random, scheduling -- */
/* id: enum wasi_clockid; an unknown id gives WASI_EINVAL. Nanoseconds. */
int plat_clock_time(uint32_t id, uint64_t *ns_out);
int plat_clock_res(uint32_t id, uint64_t *ns_out);
/* Fills buf with cryptographically secure random bytes. */
int plat_random(void *buf, size_t len);
int plat_yield(void);

/* -- readiness -- */
struct plat_pollfd {
    plat_handle handle;
    uint8_t want;              /* 1: readable, 2: writable */
    uint8_t ready;             /* out: the subset of `want` that is ready (or error/hangup seen) */
    uint16_t error;            /* out: WASI errno for this handle (0: none) */
    uint8_t hangup;            /* out: peer closed */
    uint64_t nbytes;           /* out: bytes available to read, when known (0 otherwise) */
};
#define PLAT_POLL_READ 1
#define PLAT_POLL_WRITE 2
/* Waits until one of fds is ready or timeout_ns passes (-1: forever, 0: just look). Sets *ready_out
 * to the number of entries with `ready` or `error` set. May return PLAT_WOULD_BLOCK when none is
 * ready and timeout_ns != 0. */
int plat_poll(struct plat_pollfd *fds, size_t count, int64_t timeout_ns, size_t *ready_out);

/* -- sockets (connected streams come from plat_sock_accept on a listening handle) -- */
int plat_sock_accept(plat_handle listener, uint16_t fdflags, plat_handle *out);
/* riflags: WASI_RIFLAG_*; *roflags_out: WASI_ROFLAG_*. Same blocking rules as plat_fd_read. */
int plat_sock_recv(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                   size_t *n_out, uint16_t *roflags_out);
int plat_sock_send(plat_handle h, const struct plat_iovec *iov, size_t count, size_t *n_out);
/* how: WASI_SDFLAG_RD | WASI_SDFLAG_WR. Not a socket: WASI_ENOTSOCK. */
int plat_sock_shutdown(plat_handle h, uint8_t how);

/* -- sockets opened by the program (the WasmEdge socket extension, wasi/sock_ext.c) --
 * Addresses cross this interface as struct plat_sockaddr; families and types use WasmEdge's numbers
 * (sdk/wasmedge_socket.h). The kernel backend maps them onto kernel/net/sock.h: sock_open,
 * sock_bind, sock_listen, sock_connect (EINPROGRESS/EALREADY -> PLAT_WOULD_BLOCK), sock_sendto,
 * sock_recvfrom, sock_local_addr/sock_peer_addr, sock_set_nodelay/keepalive, and its DNS client. */
#define PLAT_AF_INET4 1
#define PLAT_AF_INET6 2
#define PLAT_SOCK_DGRAM 1
#define PLAT_SOCK_STREAM 2
struct plat_sockaddr {
    uint8_t family;            /* PLAT_AF_INET4 or PLAT_AF_INET6 */
    uint16_t port;             /* host order */
    uint8_t addr[16];          /* network order: 4 bytes (IPv4) or 16 (IPv6) */
};
/* A new unbound socket; *out owned by the caller (plat_fd_close). WASI_EAFNOSUPPORT,
 * WASI_EPROTONOSUPPORT (type), WASI_EMFILE, WASI_ENOMEM. */
int plat_sock_open(uint8_t family, uint8_t type, plat_handle *out);
/* WASI_EADDRINUSE, WASI_EADDRNOTAVAIL, WASI_EINVAL (already bound), WASI_EAFNOSUPPORT. */
int plat_sock_bind(plat_handle h, const struct plat_sockaddr *addr);
int plat_sock_listen(plat_handle h, int32_t backlog);   /* WASI_ENOTSUP for UDP */
/* Connects (TCP) or sets the default peer (UDP). A blocking socket may get PLAT_WOULD_BLOCK while the
 * handshake runs: wasi/ repeats the call with the same arguments, and the backend then answers the
 * outcome (WASI_ESUCCESS once connected, WASI_ECONNREFUSED, WASI_ETIMEDOUT...), never WASI_EALREADY or
 * WASI_EISCONN for its own repeat. A non-blocking socket answers WASI_EINPROGRESS. */
int plat_sock_connect(plat_handle h, const struct plat_sockaddr *addr);
/* The local (peer = false) or remote address. WASI_ENOTCONN for the peer of an unconnected one. */
int plat_sock_addr(plat_handle h, bool peer, struct plat_sockaddr *out);
/* One datagram to `to` (UDP), same blocking rules as plat_sock_send. */
int plat_sock_send_to(plat_handle h, const struct plat_iovec *iov, size_t count,
                      const struct plat_sockaddr *to, size_t *n_out);
/* One datagram and its sender (UDP; TCP gives the peer), same blocking rules as plat_sock_recv. */
int plat_sock_recv_from(plat_handle h, const struct plat_iovec *iov, size_t count, uint16_t riflags,
                        size_t *n_out, uint16_t *roflags_out, struct plat_sockaddr *from_out);
/* Integer socket options, named by WasmEdge's sockopt numbers (PLAT_SO_*); others WASI_ENOPROTOOPT.
 * Read-only ones (TYPE, ERROR, ACCEPTCONN) refuse a set with WASI_EINVAL. */
#define PLAT_SO_REUSEADDR 0
#define PLAT_SO_TYPE 1
#define PLAT_SO_ERROR 2
#define PLAT_SO_BROADCAST 4
#define PLAT_SO_SNDBUF 5
#define PLAT_SO_RCVBUF 6
#define PLAT_SO_KEEPALIVE 7
#define PLAT_SO_ACCEPTCONN 13
int plat_sock_set_option(plat_handle h, uint32_t name, int32_t value);
int plat_sock_get_option(plat_handle h, uint32_t name, int32_t *value_out);
/* Name resolution: up to `cap` results for (node, service) (either may be NULL, not both), filtered
 * by family (0: any) and type (0: any). node and service are NUL-terminated. *count_out results
 * written. Errors are WasmEdge's resolver errnos (WASI_EAI_* in wasi/abi.h). May block (the kernel's
 * DNS client answers PLAT_WOULD_BLOCK until its reply comes). */
struct plat_addrinfo {
    struct plat_sockaddr addr;
    uint8_t type;              /* PLAT_SOCK_STREAM or PLAT_SOCK_DGRAM */
    uint8_t protocol;          /* WasmEdge ai_protocol: 0 IP, 1 TCP, 2 UDP */
};
int plat_getaddrinfo(const char *node, const char *service, uint8_t family, uint8_t type,
                     struct plat_addrinfo *out, size_t cap, size_t *count_out);

#endif
