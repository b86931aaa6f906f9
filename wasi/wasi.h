/* wasi/wasi.h — WASI preview1 (`wasi_snapshot_preview1`) for the engine: the public contract.
 *
 * wasi/ implements every preview1 function once, over include/walos/platform.h ("needed by WASI"),
 * and registers them with an engine linker (engine/wasm.h), together with the WasmEdge socket
 * extension (sock_open, sock_connect, sock_getaddrinfo...: wasi/sock_ext.c, sdk/wasmedge_socket.h)
 * under the same module name, as WasmEdge does. Embedders: host/walos_run.c (POSIX
 * backend, host/platform_posix_wasi.c) and, later, kernel/proc (kernel VFS, clocks, sockets).
 *
 * A wasi_ctx is one process's WASI state: argv, environment, the fd table (stdio, preopened
 * directories and sockets, and what the program opens). Sandbox: every path_* call resolves its path
 * one component at a time from a directory fd (wasi/path.c); `..` never climbs above the directory
 * the fd names, absolute paths are refused (WASI_ENOTCAPABLE), and symbolic links are followed only
 * while they stay inside. Every guest pointer is checked against linear memory (WASI_EFAULT).
 *
 * Blocking: a platform call that answers PLAT_WOULD_BLOCK makes the function return WASM_BLOCK to
 * the engine with nothing done; the engine calls it again on resume.
 * proc_raise answers WASI_ENOSYS (as wasmtime does: signals are not part of the sandbox model).
 *
 * Embedding, in order (host/walos_run.c is the worked example):
 *   ctx = wasi_ctx_new(argc, argv, envc, env);        one per process
 *   wasi_ctx_set_stdio(ctx, in, out, err);            fds 0-2 (not owned)
 *   wasi_ctx_preopen_dir(ctx, dir, "/");               fds 3.. (owned), then sockets
 *   wasi_link(ctx, linker); wasm_linker_instantiate(linker, module, &inst, &err);
 *   run the start function, then the export "_start", on an exec: WASM_OK is exit status 0,
 *   WASM_EXIT is proc_exit (wasm_exec_exit_status), WASM_TRAP a fault, WASM_BLOCK a platform call
 *   that would block (park the process, wasm_exec_resume later), WASM_YIELD a preemption point;
 *   wasi_ctx_free(ctx) after the store, when the process is gone. */
#ifndef WASI_WASI_H
#define WASI_WASI_H

#include <stdint.h>
#include <stdbool.h>

#include "engine/wasm.h"
#include "walos/platform.h"

struct wasi_ctx;

/* A context with copies of argv[0..argc) and env[0..envc) ("KEY=VALUE" strings, passed to the
 * guest exactly in this order). No fds yet. NULL when out of memory. */
struct wasi_ctx *wasi_ctx_new(int argc, const char *const *argv, int envc, const char *const *env);
/* Closes every handle the context owns and frees it. */
void wasi_ctx_free(struct wasi_ctx *ctx);

/* Installs fds 0, 1 and 2 on the given handles (PLAT_NO_HANDLE leaves one unset). The context does
 * not own them: fd_close only forgets them. Returns WASI_ESUCCESS or WASI_ENOMEM. */
int wasi_ctx_set_stdio(struct wasi_ctx *ctx, plat_handle in, plat_handle out, plat_handle err);
/* Preopens directory handle `dir` (now owned by the context) as guest path `guest_path` (copied;
 * "/" for a root). Returns the new fd (3, 4, ... in call order) or -1 when out of memory. */
int wasi_ctx_preopen_dir(struct wasi_ctx *ctx, plat_handle dir, const char *guest_path);
/* Preopens a listening socket (owned by the context) for sock_accept. Returns its fd or -1. */
int wasi_ctx_preopen_socket(struct wasi_ctx *ctx, plat_handle listener);

/* Lets the program open sockets and resolve names (the WasmEdge socket extension: sock_open,
 * sock_getaddrinfo). Off by default: without it those answer WASI_EACCES, and the program reaches
 * the network only through sockets the embedder preopened (walos-run --tcplisten, unit listen=).
 * walos-run turns it on with --allow-net; the kernel per service. */
void wasi_ctx_allow_net(struct wasi_ctx *ctx, bool allow);

/* Defines every preview1 function in `l` under module "wasi_snapshot_preview1", each with its
 * signature, host_data = ctx (which must outlive the linker's store), and the same functions under
 * the older "wasi_unstable" (snapshot 0: its different layouts are converted, wasi/unstable.c).
 * Returns WASM_OK or the linker's error. */
int wasi_link(struct wasi_ctx *ctx, wasm_linker *l);

/* Whether (module, name) is a function wasi/ provides (either module): for clear "unknown import"
 * messages. */
bool wasi_provides(const char *module, const char *name);

#endif
