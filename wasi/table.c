/* wasi/table.c — the one import table of wasi_snapshot_preview1: (name, signature, handler).
 *
 * The same table serves the older `wasi_unstable` module: there, the entries whose layouts
 * changed use the snapshot-0 handler (`unstable`, wasi/unstable.c) and sock_accept does not exist.
 *
 * Signatures use the engine linker's letters (engine/wasm.h): i i32, I i64; params in parentheses,
 * then results. They follow the witx: every function returns its errno as i32 except proc_exit.
 * wasi_link registers the table with an engine linker; nothing else in wasi/ knows the engine's
 * linking API. */
#include "wasi/wasi_priv.h"

struct wasi_import {
    const char *name;
    const char *signature;
    wasm_host_fn handler;
    wasm_host_fn unstable;     /* wasi_unstable's handler when it differs; NULL: the same */
    bool preview1_only;        /* not in wasi_unstable */
};

static const struct wasi_import imports[] = {
    {"args_get",               "(ii)i",      wasi_args_get, NULL, false},
    {"args_sizes_get",         "(ii)i",      wasi_args_sizes_get, NULL, false},
    {"environ_get",            "(ii)i",      wasi_environ_get, NULL, false},
    {"environ_sizes_get",      "(ii)i",      wasi_environ_sizes_get, NULL, false},
    {"clock_res_get",          "(ii)i",      wasi_clock_res_get, NULL, false},
    {"clock_time_get",         "(iIi)i",     wasi_clock_time_get, NULL, false},
    {"fd_advise",              "(iIIi)i",    wasi_fd_advise, NULL, false},
    {"fd_allocate",            "(iII)i",     wasi_fd_allocate, NULL, false},
    {"fd_close",               "(i)i",       wasi_fd_close, NULL, false},
    {"fd_datasync",            "(i)i",       wasi_fd_datasync, NULL, false},
    {"fd_fdstat_get",          "(ii)i",      wasi_fd_fdstat_get, NULL, false},
    {"fd_fdstat_set_flags",    "(ii)i",      wasi_fd_fdstat_set_flags, NULL, false},
    {"fd_fdstat_set_rights",   "(iII)i",     wasi_fd_fdstat_set_rights, NULL, false},
    {"fd_filestat_get",        "(ii)i",      wasi_fd_filestat_get, wasi_unstable_fd_filestat_get, false},
    {"fd_filestat_set_size",   "(iI)i",      wasi_fd_filestat_set_size, NULL, false},
    {"fd_filestat_set_times",  "(iIIi)i",    wasi_fd_filestat_set_times, NULL, false},
    {"fd_pread",               "(iiiIi)i",   wasi_fd_pread, NULL, false},
    {"fd_prestat_get",         "(ii)i",      wasi_fd_prestat_get, NULL, false},
    {"fd_prestat_dir_name",    "(iii)i",     wasi_fd_prestat_dir_name, NULL, false},
    {"fd_pwrite",              "(iiiIi)i",   wasi_fd_pwrite, NULL, false},
    {"fd_read",                "(iiii)i",    wasi_fd_read, NULL, false},
    {"fd_readdir",             "(iiiIi)i",   wasi_fd_readdir, NULL, false},
    {"fd_renumber",            "(ii)i",      wasi_fd_renumber, NULL, false},
    {"fd_seek",                "(iIii)i",    wasi_fd_seek, wasi_unstable_fd_seek, false},
    {"fd_sync",                "(i)i",       wasi_fd_sync, NULL, false},
    {"fd_tell",                "(ii)i",      wasi_fd_tell, NULL, false},
    {"fd_write",               "(iiii)i",    wasi_fd_write, NULL, false},
    {"path_create_directory",  "(iii)i",     wasi_path_create_directory, NULL, false},
    {"path_filestat_get",      "(iiiii)i",   wasi_path_filestat_get, wasi_unstable_path_filestat_get, false},
    {"path_filestat_set_times", "(iiiiIIi)i", wasi_path_filestat_set_times, NULL, false},
    {"path_link",              "(iiiiiii)i", wasi_path_link, NULL, false},
    {"path_open",              "(iiiiiIIii)i", wasi_path_open, NULL, false},
    {"path_readlink",          "(iiiiii)i",  wasi_path_readlink, NULL, false},
    {"path_remove_directory",  "(iii)i",     wasi_path_remove_directory, NULL, false},
    {"path_rename",            "(iiiiii)i",  wasi_path_rename, NULL, false},
    {"path_symlink",           "(iiiii)i",   wasi_path_symlink, NULL, false},
    {"path_unlink_file",       "(iii)i",     wasi_path_unlink_file, NULL, false},
    {"poll_oneoff",            "(iiii)i",    wasi_poll_oneoff, wasi_unstable_poll_oneoff, false},
    {"proc_exit",              "(i)",        wasi_proc_exit, NULL, false},
    {"proc_raise",             "(i)i",       wasi_proc_raise, NULL, false},
    {"sched_yield",            "()i",        wasi_sched_yield, NULL, false},
    {"random_get",             "(ii)i",      wasi_random_get, NULL, false},
    {"sock_accept",            "(iii)i",     wasi_sock_accept, NULL, true},
    {"sock_recv",              "(iiiiii)i",  wasi_sock_recv, NULL, false},
    {"sock_send",              "(iiiii)i",   wasi_sock_send, NULL, false},
    {"sock_shutdown",          "(ii)i",      wasi_sock_shutdown, NULL, false},
    /* the WasmEdge socket extension (wasi/sock_ext.c): preview1 only, as in WasmEdge */
    {"sock_open",              "(iii)i",     wasi_sock_open, NULL, true},
    {"sock_bind",              "(iii)i",     wasi_sock_bind, NULL, true},
    {"sock_listen",            "(ii)i",      wasi_sock_listen, NULL, true},
    {"sock_connect",           "(iii)i",     wasi_sock_connect, NULL, true},
    {"sock_getlocaladdr",      "(iiii)i",    wasi_sock_getlocaladdr, NULL, true},
    {"sock_getpeeraddr",       "(iiii)i",    wasi_sock_getpeeraddr, NULL, true},
    {"sock_setsockopt",        "(iiiii)i",   wasi_sock_setsockopt, NULL, true},
    {"sock_getsockopt",        "(iiiii)i",   wasi_sock_getsockopt, NULL, true},
    {"sock_send_to",           "(iiiiiii)i", wasi_sock_send_to, NULL, true},
    {"sock_recv_from",         "(iiiiiiii)i", wasi_sock_recv_from, NULL, true},
    {"sock_getaddrinfo",       "(iiiiiiii)i", wasi_sock_getaddrinfo, NULL, true},
};

#define UNSTABLE_MODULE "wasi_unstable"
#define IMPORT_COUNT (sizeof imports / sizeof imports[0])

int wasi_link(struct wasi_ctx *ctx, wasm_linker *l)
{
    for (size_t i = 0; i < IMPORT_COUNT; i++) {
        const struct wasi_import *imp = &imports[i];
        int rc = wasm_linker_define_func(l, WASI_MODULE, imp->name, imp->signature, imp->handler,
                                         ctx);
        if (rc == WASM_OK && !imp->preview1_only)
            rc = wasm_linker_define_func(l, UNSTABLE_MODULE, imp->name, imp->signature,
                                         imp->unstable ? imp->unstable : imp->handler, ctx);
        if (rc != WASM_OK)
            return rc;
    }
    return WASM_OK;
}

bool wasi_provides(const char *module, const char *name)
{
    bool unstable = strcmp(module, UNSTABLE_MODULE) == 0;
    if (!unstable && strcmp(module, WASI_MODULE) != 0)
        return false;
    for (size_t i = 0; i < IMPORT_COUNT; i++)
        if (strcmp(imports[i].name, name) == 0)
            return !(unstable && imports[i].preview1_only);
    return false;
}
