/* sdk/wasmedge_socket.h — sockets for C programs on walos (and WasmEdge, Mewz): the WasmEdge socket
 * extension of wasi_snapshot_preview1, declared for clang --target=wasm32-wasi.
 *
 * wasi-libc has no socket(2) for preview1; these imports are what walos (wasi/sock_ext.c) and
 * WasmEdge provide. Signatures and layouts follow WasmEdge's own client crate
 * (second-state/wasmedge_wasi_socket, src/socket.rs) so programs built against either run on both.
 * The preview1 calls __wasi_sock_accept/recv/send/shutdown (<wasi/api.h>) work on these sockets
 * too, and so do fd_read, fd_write, fd_close, fd_fdstat_set_flags (NONBLOCK) and poll_oneoff.
 *
 * Every function returns a WASI errno (0 = success; __WASI_ERRNO_* of <wasi/api.h>), or for
 * wasmedge_sock_getaddrinfo one of WASMEDGE_EAI_*. Pointers are only read or written during the
 * call; nothing is kept. Blocking: calls on a blocking socket wait (accept, connect, recv, send,
 * getaddrinfo); with NONBLOCK they answer __WASI_ERRNO_AGAIN (connect: INPROGRESS) instead.
 *
 * Security: a program may open sockets and resolve names only when its runner allows it (walos-run
 * --allow-net; WasmEdge allows by default). Otherwise wasmedge_sock_open and
 * wasmedge_sock_getaddrinfo answer __WASI_ERRNO_ACCES, and the program reaches the network only
 * through listening sockets it was handed as preopened fds (walos-run --tcplisten, a unit's
 * listen=tcp:PORT). Bad pointers give __WASI_ERRNO_FAULT, never a crash. */
#ifndef SDK_WASMEDGE_SOCKET_H
#define SDK_WASMEDGE_SOCKET_H

#include <stdint.h>

#define WASMEDGE_IMPORT(name) \
    __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

/* address families and socket types (sock_open, addrinfo) */
#define WASMEDGE_AF_UNSPEC 0
#define WASMEDGE_AF_INET4 1
#define WASMEDGE_AF_INET6 2
#define WASMEDGE_SOCK_ANY 0
#define WASMEDGE_SOCK_DGRAM 1     /* UDP */
#define WASMEDGE_SOCK_STREAM 2    /* TCP */

/* socket options: level WASMEDGE_SOL_SOCKET only; the value is an int32_t */
#define WASMEDGE_SOL_SOCKET 0
#define WASMEDGE_SO_REUSEADDR 0
#define WASMEDGE_SO_TYPE 1        /* read-only: WASMEDGE_SOCK_* */
#define WASMEDGE_SO_ERROR 2       /* read-only: pending error as a WASI errno, cleared by reading */
#define WASMEDGE_SO_BROADCAST 4
#define WASMEDGE_SO_SNDBUF 5
#define WASMEDGE_SO_RCVBUF 6
#define WASMEDGE_SO_KEEPALIVE 7
#define WASMEDGE_SO_ACCEPTCONN 13 /* read-only */

/* resolver errors of wasmedge_sock_getaddrinfo (WasmEdge's errno values beyond preview1's) */
#define WASMEDGE_EAI_ADDRFAMILY 77
#define WASMEDGE_EAI_AGAIN 78
#define WASMEDGE_EAI_BADFLAGS 79
#define WASMEDGE_EAI_FAIL 80
#define WASMEDGE_EAI_FAMILY 81
#define WASMEDGE_EAI_MEMORY 82
#define WASMEDGE_EAI_NODATA 83
#define WASMEDGE_EAI_NONAME 84    /* the name or service is not known */
#define WASMEDGE_EAI_SERVICE 85
#define WASMEDGE_EAI_SOCKTYPE 86
#define WASMEDGE_EAI_SYSTEM 87

/* An address buffer. For bind, connect and send_to: size 4 holds an IPv4 address, size 16 an IPv6
 * one (network byte order); a buffer of 18 bytes or more holds the family (uint16_t, little-endian)
 * followed by the address. getlocaladdr/getpeeraddr/recv_from write the same forms: raw when size
 * is under 18 (it must fit: 4 or 16), family-prefixed otherwise (use 128, as WasmEdge's clients). */
typedef struct wasmedge_address {
    uint8_t *buf;
    uint32_t size;
} wasmedge_address;

/* One result of getaddrinfo: sa_data as POSIX's sockaddr after the family, port first (big-endian):
 * IPv4: port[2] addr[4] zero[8] (14 bytes); IPv6: port[2] flowinfo[4] addr[16] scope[4] (26). On
 * entry sa_data_len is the capacity of sa_data (give 26); on return the bytes written. */
typedef struct wasmedge_sockaddr {
    uint8_t family;           /* WASMEDGE_AF_* */
    uint32_t sa_data_len;
    uint8_t *sa_data;
} wasmedge_sockaddr;

/* Hints (flags, family, socktype) and results (the rest). The caller links `next` through an array
 * of these, each with its own addr and sa_data buffers, and passes the first one's address. */
typedef struct wasmedge_addrinfo {
    uint16_t flags;
    uint8_t family;           /* WASMEDGE_AF_*; 0 in hints: any */
    uint8_t socktype;         /* WASMEDGE_SOCK_*; 0 in hints: any */
    uint8_t protocol;         /* 0 IP, 1 TCP, 2 UDP */
    uint32_t addrlen;         /* out: 16 (IPv4) or 28 (IPv6), POSIX's sockaddr sizes */
    wasmedge_sockaddr *addr;
    char *canonname;          /* not filled by walos (canonnamelen 0) */
    uint32_t canonnamelen;
    struct wasmedge_addrinfo *next;
} wasmedge_addrinfo;

#if defined(__wasm32__)
_Static_assert(sizeof(wasmedge_address) == 8, "WasmEdge address layout");
_Static_assert(sizeof(wasmedge_sockaddr) == 12, "WasmEdge sockaddr layout");
_Static_assert(sizeof(wasmedge_addrinfo) == 28, "WasmEdge addrinfo layout");
#endif

/* -- creating and naming sockets -- */
/* A new socket in *fd_out, with every socket right. ACCES (not allowed), AFNOSUPPORT, PROTOTYPE,
 * MFILE. */
uint32_t wasmedge_sock_open(uint32_t family, uint32_t type, uint32_t *fd_out)
    WASMEDGE_IMPORT("sock_open");
/* port in host order. ADDRINUSE, ADDRNOTAVAIL, INVAL (bad size / already bound), NOTSOCK, BADF. */
uint32_t wasmedge_sock_bind(uint32_t fd, wasmedge_address *addr, uint32_t port)
    WASMEDGE_IMPORT("sock_bind");
/* TCP only (UDP: NOTSUP). */
uint32_t wasmedge_sock_listen(uint32_t fd, uint32_t backlog) WASMEDGE_IMPORT("sock_listen");
/* TCP: connects (blocks until done, or INPROGRESS when NONBLOCK; then poll for writing and read
 * SO_ERROR). UDP: sets the default peer. CONNREFUSED, TIMEDOUT, HOSTUNREACH, ISCONN... */
uint32_t wasmedge_sock_connect(uint32_t fd, wasmedge_address *addr, uint32_t port)
    WASMEDGE_IMPORT("sock_connect");
/* The local / remote address into addr, its kind (4 or 6) into *addr_type, port (host order).
 * getpeeraddr of an unconnected socket: NOTCONN. */
uint32_t wasmedge_sock_getlocaladdr(uint32_t fd, wasmedge_address *addr, uint32_t *addr_type,
                                    uint32_t *port) WASMEDGE_IMPORT("sock_getlocaladdr");
uint32_t wasmedge_sock_getpeeraddr(uint32_t fd, wasmedge_address *addr, uint32_t *addr_type,
                                   uint32_t *port) WASMEDGE_IMPORT("sock_getpeeraddr");

/* -- options -- */
/* flag_size must be 4. Unknown name or level: NOPROTOOPT; read-only name: INVAL. */
uint32_t wasmedge_sock_setsockopt(uint32_t fd, int32_t level, int32_t name, const int32_t *flag,
                                  uint32_t flag_size) WASMEDGE_IMPORT("sock_setsockopt");
/* *flag_size: capacity on entry (>= 4), 4 on return. */
uint32_t wasmedge_sock_getsockopt(uint32_t fd, int32_t level, int32_t name, int32_t *flag,
                                  uint32_t *flag_size) WASMEDGE_IMPORT("sock_getsockopt");

/* -- datagrams (iovecs as <wasi/api.h>'s __wasi_ciovec_t / __wasi_iovec_t) -- */
/* One datagram to addr:port; *sent_out bytes. flags: 0. */
uint32_t wasmedge_sock_send_to(uint32_t fd, const void *iovs, uint32_t iovs_len,
                               wasmedge_address *addr, uint32_t port, uint32_t flags,
                               uint32_t *sent_out) WASMEDGE_IMPORT("sock_send_to");
/* One datagram and its sender (addr: give a 128-byte buffer: family-prefixed form). flags:
 * __WASI_RIFLAGS_RECV_PEEK/WAITALL; *roflags_out: __WASI_ROFLAGS_RECV_DATA_TRUNCATED. */
uint32_t wasmedge_sock_recv_from(uint32_t fd, void *iovs, uint32_t iovs_len,
                                 wasmedge_address *addr, uint32_t flags, uint32_t *port_out,
                                 uint32_t *received_out, uint32_t *roflags_out)
    WASMEDGE_IMPORT("sock_recv_from");

/* -- names -- */
/* Resolves node (host name or numeric address) and service (port number or name; either may be
 * empty, not both); node_len/service_len may count a trailing NUL. *res holds the address of the
 * first entry of the caller's linked array, max_len its length; *res_len_out the number filled.
 * ACCES (not allowed), WASMEDGE_EAI_NONAME, _FAMILY, _SOCKTYPE, _MEMORY (max_len 0), FAULT. */
uint32_t wasmedge_sock_getaddrinfo(const char *node, uint32_t node_len, const char *service,
                                   uint32_t service_len, const wasmedge_addrinfo *hints,
                                   wasmedge_addrinfo **res, uint32_t max_len,
                                   uint32_t *res_len_out) WASMEDGE_IMPORT("sock_getaddrinfo");

#undef WASMEDGE_IMPORT

#endif
