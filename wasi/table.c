/* wasi/table.c — the one import table of wasi_snapshot_preview1: (name, signature, handler).
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
};

static const struct wasi_import imports[] = {
    {"args_get",                "(ii)i",        wasi_args_get},
    {"args_sizes_get",          "(ii)i",        wasi_args_sizes_get},
    {"environ_get",             "(ii)i",        wasi_environ_get},
    {"environ_sizes_get",       "(ii)i",        wasi_environ_sizes_get},
    {"clock_res_get",           "(ii)i",        wasi_clock_res_get},
    {"clock_time_get",          "(iIi)i",       wasi_clock_time_get},
    {"fd_advise",               "(iIIi)i",      wasi_fd_advise},
    {"fd_allocate",             "(iII)i",       wasi_fd_allocate},
    {"fd_close",                "(i)i",         wasi_fd_close},
    {"fd_datasync",             "(i)i",         wasi_fd_datasync},
    {"fd_fdstat_get",           "(ii)i",        wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags",     "(ii)i",        wasi_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights",    "(iII)i",       wasi_fd_fdstat_set_rights},
    {"fd_filestat_get",         "(ii)i",        wasi_fd_filestat_get},
    {"fd_filestat_set_size",    "(iI)i",        wasi_fd_filestat_set_size},
    {"fd_filestat_set_times",   "(iIIi)i",      wasi_fd_filestat_set_times},
    {"fd_pread",                "(iiiIi)i",     wasi_fd_pread},
    {"fd_prestat_get",          "(ii)i",        wasi_fd_prestat_get},
    {"fd_prestat_dir_name",     "(iii)i",       wasi_fd_prestat_dir_name},
    {"fd_pwrite",               "(iiiIi)i",     wasi_fd_pwrite},
    {"fd_read",                 "(iiii)i",      wasi_fd_read},
    {"fd_readdir",              "(iiiIi)i",     wasi_fd_readdir},
    {"fd_renumber",             "(ii)i",        wasi_fd_renumber},
    {"fd_seek",                 "(iIii)i",      wasi_fd_seek},
    {"fd_sync",                 "(i)i",         wasi_fd_sync},
    {"fd_tell",                 "(ii)i",        wasi_fd_tell},
    {"fd_write",                "(iiii)i",      wasi_fd_write},
    {"path_create_directory",   "(iii)i",       wasi_path_create_directory},
    {"path_filestat_get",       "(iiiii)i",     wasi_path_filestat_get},
    {"path_filestat_set_times", "(iiiiIIi)i",   wasi_path_filestat_set_times},
    {"path_link",               "(iiiiiii)i",   wasi_path_link},
    {"path_open",               "(iiiiiIIii)i", wasi_path_open},
    {"path_readlink",           "(iiiiii)i",    wasi_path_readlink},
    {"path_remove_directory",   "(iii)i",       wasi_path_remove_directory},
    {"path_rename",             "(iiiiii)i",    wasi_path_rename},
    {"path_symlink",            "(iiiii)i",     wasi_path_symlink},
    {"path_unlink_file",        "(iii)i",       wasi_path_unlink_file},
    {"poll_oneoff",             "(iiii)i",      wasi_poll_oneoff},
    {"proc_exit",               "(i)",          wasi_proc_exit},
    {"proc_raise",              "(i)i",         wasi_proc_raise},
    {"sched_yield",             "()i",          wasi_sched_yield},
    {"random_get",              "(ii)i",        wasi_random_get},
    {"sock_accept",             "(iii)i",       wasi_sock_accept},
    {"sock_recv",               "(iiiiii)i",    wasi_sock_recv},
    {"sock_send",               "(iiiii)i",     wasi_sock_send},
    {"sock_shutdown",           "(ii)i",        wasi_sock_shutdown},
};

int wasi_link(struct wasi_ctx *ctx, wasm_linker *l)
{
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++) {
        int rc = wasm_linker_define_func(l, WASI_MODULE, imports[i].name, imports[i].signature,
                                         imports[i].handler, ctx);
        if (rc != WASM_OK)
            return rc;
    }
    return WASM_OK;
}

bool wasi_provides(const char *module, const char *name)
{
    if (strcmp(module, WASI_MODULE) != 0)
        return false;
    for (size_t i = 0; i < sizeof imports / sizeof imports[0]; i++)
        if (strcmp(imports[i].name, name) == 0)
            return true;
    return false;
}
