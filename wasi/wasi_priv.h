/* wasi/wasi_priv.h — internals shared by the files of wasi/ (not for embedders).
 *
 *   table.c  the import table: (module, name, signature, handler), and wasi_link
 *   ctx.c    wasi_ctx: args, environment, fd table
 *   guest.c  guest memory: (offset, len) -> host pointer or EFAULT; iovec arrays
 *   args.c   args_*, environ_*, clock_*, random_get, sched_yield, proc_*
 *   fd.c     fd_*
 *   path.c   path resolution inside the sandbox, and path_*
 *   poll.c   poll_oneoff
 *   sock.c   sock_* of preview1 (accept, recv, send, shutdown)
 *   sock_ext.c  the WasmEdge socket extension (sock_open, sock_bind, ... sock_getaddrinfo)
 *   sock_fallback.c  weak ENOSYS stand-ins for backends without those platform calls yet
 *   unstable.c  the older wasi_unstable (snapshot 0) variants of four calls
 * Every handler has the engine's host-function shape (engine/wasm.h) and stores a WASI errno in
 * slots[0] (proc_exit excepted). */
#ifndef WASI_WASI_PRIV_H
#define WASI_WASI_PRIV_H

#include "wasi/wasi.h"
#include "wasi/abi.h"

#define WASI_MODULE "wasi_snapshot_preview1"
#define WASI_MAX_FDS 4096      /* beyond: WASI_EMFILE */

/* Rights a handle of each kind can ever have. */
#define WASI_RIGHTS_FILE                                                                        \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |                         \
     WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |                 \
     WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |                      \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                             \
     WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
#define WASI_RIGHTS_DIR                                                                         \
    (WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC |             \
     WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE |                           \
     WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN |         \
     WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE |         \
     WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET |                             \
     WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |                   \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK |  \
     WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE)
#define WASI_RIGHTS_SOCKET                                                                      \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |               \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE | WASI_RIGHT_SOCK_SHUTDOWN |     \
     WASI_RIGHT_SOCK_ACCEPT)
#define WASI_RIGHTS_TTY                                                                         \
    (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_FDSTAT_SET_FLAGS |               \
     WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)

/* One fd table slot. */
struct wasi_fd {
    bool used;
    bool owned;                /* close the handle when the fd goes away (stdio: not owned) */
    plat_handle handle;
    uint8_t filetype;          /* enum wasi_filetype, fixed at open */
    uint64_t rights_base;      /* what this fd allows */
    uint64_t rights_inheriting;/* what fds opened through it may get */
    char *preopen;             /* guest path of a preopened directory (owned), else NULL */
};

struct wasi_ctx {
    char **argv;               /* argc strings, owned */
    uint32_t argc;
    uint32_t argv_bytes;       /* sum of strlen+1 */
    char **env;
    uint32_t envc;
    uint32_t env_bytes;
    struct wasi_fd *fds;       /* fd_cap slots, owned */
    uint32_t fd_cap;
    bool poll_blocked;         /* poll_oneoff returned WASM_BLOCK: relative timeouts count from */
    uint64_t poll_start;       /* poll_start (monotonic ns), so a retry does not restart them */
    bool net_allowed;          /* sock_open and sock_getaddrinfo permitted (wasi_ctx_allow_net) */
};

/* ---- fd table (ctx.c) ---- */
/* The slot of `fd` if it is open and has every right in `rights`: WASI_ESUCCESS, WASI_EBADF (not
 * open) or WASI_ENOTCAPABLE (missing a right). */
int wasi_fd_get(struct wasi_ctx *ctx, uint32_t fd, uint64_t rights, struct wasi_fd **out);
/* A new fd (lowest free number) holding `entry` (copied). WASI_ESUCCESS, WASI_EMFILE or
 * WASI_ENOMEM; on error the caller still owns the handle. */
int wasi_fd_insert(struct wasi_ctx *ctx, const struct wasi_fd *entry, uint32_t *fd_out);
/* The tail of every call that creates an fd (path_open, sock_accept, sock_open): inserts `entry`,
 * stores the new fd number at guest address `fd_out` (already checked) and returns the call's errno
 * through wasi_return; on failure closes entry->handle, which the caller then no longer owns. */
int wasi_fd_install(struct wasi_ctx *ctx, const struct wasi_fd *entry, uint8_t *fd_out,
                    uint64_t *slots);
/* Closes the handle (if owned) and frees the slot. */
int wasi_fd_remove(struct wasi_ctx *ctx, uint32_t fd);
/* The rights a handle of `filetype` can ever have. */
uint64_t wasi_rights_for(uint8_t filetype);

/* ---- guest memory (guest.c) ---- */
/* The host address of guest bytes [off, off+len) or NULL (and *err = WASI_EFAULT) when they are not
 * all inside memory. A zero-length range at mem_size is valid. */
void *wasi_guest(uint8_t *mem, uint64_t mem_size, uint64_t off, uint64_t len);
/* Reads `count` guest iovecs at `iovs` into host iovecs (*out, allocated when count > inline_cap:
 * free with wasi_iovecs_free). Every buffer is checked. WASI_ESUCCESS or WASI_EFAULT/WASI_ENOMEM. */
int wasi_iovecs(uint8_t *mem, uint64_t mem_size, uint32_t iovs, uint32_t count,
                struct plat_iovec *inline_buf, size_t inline_cap, struct plat_iovec **out);
void wasi_iovecs_free(struct plat_iovec *iov, struct plat_iovec *inline_buf);

/* Little-endian guest loads and stores (the host is little-endian: x86-64). */
static inline uint16_t wasi_ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t wasi_ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t wasi_ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void wasi_st8(uint8_t *p, uint8_t v) { *p = v; }
static inline void wasi_st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void wasi_st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void wasi_st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Ends a handler: stores errno `err` as the i32 result, or blocks on PLAT_WOULD_BLOCK. */
static inline int wasi_return(uint64_t *slots, int err)
{
    if (err == PLAT_WOULD_BLOCK)
        return WASM_BLOCK;
    slots[0] = (uint32_t)err;
    return WASM_OK;
}

/* Writes a filestat at guest address p (WASI_FILESTAT_SIZE bytes, already checked). */
void wasi_put_filestat(uint8_t *p, const struct plat_filestat *st);

/* ---- shared by preview1 and wasi_unstable (unstable.c) ---- */
/* fd_filestat_get's work: the stat of fd (rights checked). */
int wasi_fd_stat(struct wasm_host_call *call, uint32_t fd, struct plat_filestat *st);
/* path_filestat_get's work, from its slots (fd, flags, path, path_len). */
int wasi_path_stat(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size,
                   struct plat_filestat *st);
/* poll_oneoff's work on n subscriptions in preview1 layout at host address `in` (checked or
 * converted by the caller); events go to `out`, their count to `nevents`. Returns an errno or
 * PLAT_WOULD_BLOCK. */
int wasi_poll(struct wasi_ctx *ctx, const uint8_t *in, uint32_t n, uint8_t *out,
              uint8_t *nevents);

/* ---- path resolution (path.c) ---- */
/* Validates fstflags for set_times calls: WASI_EINVAL for X together with X_NOW or unknown bits. */
int wasi_check_fstflags(uint16_t fstflags);

/* ---- handlers, in witx order: the engine host-function shape (engine/wasm.h wasm_host_fn) ---- */
int wasi_args_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_args_sizes_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_environ_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_environ_sizes_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_clock_res_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_clock_time_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_advise(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_allocate(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_close(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_datasync(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_fdstat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_fdstat_set_flags(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_fdstat_set_rights(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_filestat_set_size(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_filestat_set_times(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_pread(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_prestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_prestat_dir_name(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_pwrite(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_read(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_readdir(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_renumber(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_seek(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_sync(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_tell(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_fd_write(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_create_directory(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_filestat_set_times(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_link(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_open(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_readlink(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_remove_directory(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_rename(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_symlink(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_path_unlink_file(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_poll_oneoff(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_proc_exit(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_proc_raise(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sched_yield(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_random_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_accept(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_recv(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_send(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_shutdown(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);

/* the WasmEdge socket extension (sock_ext.c) */
int wasi_sock_open(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_bind(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_listen(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_connect(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_getlocaladdr(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_getpeeraddr(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_setsockopt(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_getsockopt(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_send_to(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_recv_from(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);
int wasi_sock_getaddrinfo(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem, uint64_t mem_size);

/* wasi_unstable (snapshot 0) variants of the four calls whose layouts or constants differ */
int wasi_unstable_fd_seek(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                          uint64_t mem_size);
int wasi_unstable_fd_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                                  uint64_t mem_size);
int wasi_unstable_path_filestat_get(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                                    uint64_t mem_size);
int wasi_unstable_poll_oneoff(struct wasm_host_call *call, uint64_t *slots, uint8_t *mem,
                              uint64_t mem_size);

#endif
