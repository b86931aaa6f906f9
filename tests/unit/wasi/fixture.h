/* tests/unit/wasi/fixture.h — calling wasi/ handlers directly, with a fake guest memory.
 *
 * Each test file includes this once. fixture_setup() makes a fresh scratch tree under
 * build/test-wasi/<pid>/:
 *     outside/secret          a file the guest must never reach
 *     root/                   preopened as guest "/" (fd 3)
 *     root/file               "hello"
 *     root/sub/               a directory
 * and a wasi_ctx with stdio, that preopen, argv {"prog", "a"} and env {"K=V"}. The guest memory is
 * `mem` (MEM_SIZE bytes); put() copies bytes into it at a bump offset and returns their address.
 * call() runs a handler with up to 9 arguments and returns the errno it stored. */
#ifndef TESTS_UNIT_WASI_FIXTURE_H
#define TESTS_UNIT_WASI_FIXTURE_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "wasi/wasi_priv.h"

#define MEM_SIZE 65536u
#define ROOT_FD 3

static uint8_t mem[MEM_SIZE];
static uint32_t mem_top;
static struct wasi_ctx *ctx;
static struct wasm_host_call host_call;
static char scratch[512];          /* build/test-wasi/<pid> (absolute) */
static int last_status;            /* the handler's return (WASM_OK, WASM_EXIT...) */

/* Engine stand-ins: proc_exit reports through these. */
static int32_t exit_status = -1;
int wasm_host_exit(struct wasm_host_call *call, int32_t status)
{
    (void)call;
    exit_status = status;
    return WASM_EXIT;
}
int wasm_host_trap(struct wasm_host_call *call, const char *message)
{
    (void)call, (void)message;
    return WASM_TRAP;
}

/* wasi_link's calls are recorded here (tests check the import table through them). */
static int defined_count;
static const char *defined_last_sig;
int wasm_linker_define_func(wasm_linker *l, const char *module, const char *name,
                            const char *signature, wasm_host_fn fn, void *host_data)
{
    (void)l, (void)name, (void)fn, (void)host_data;
    if ((strcmp(module, "wasi_snapshot_preview1") != 0 && strcmp(module, "wasi_unstable") != 0) ||
        signature[0] != '(')
        return WASM_ERR_ARG;
    defined_count++;
    defined_last_sig = signature;
    return WASM_OK;
}

static uint32_t put(const void *data, uint32_t len)
{
    uint32_t at = (mem_top + 7) & ~7u;
    memcpy(mem + at, data, len);
    mem_top = at + len;
    return at;
}
static inline uint32_t put_str(const char *s) { return put(s, (uint32_t)strlen(s)); }
static inline uint32_t alloc_mem(uint32_t len)
{
    uint32_t at = (mem_top + 7) & ~7u;
    memset(mem + at, 0, len);
    mem_top = at + len;
    return at;
}

static uint32_t call(wasm_host_fn fn, int n, ...)
{
    uint64_t slots[9] = {0};
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        slots[i] = va_arg(ap, uint64_t);
    va_end(ap);
    last_status = fn(&host_call, slots, mem, MEM_SIZE);
    return (uint32_t)slots[0];
}
#define A(x) ((uint64_t)(x))

static inline void host_write(const char *rel, const char *text)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", scratch, rel);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}
static inline bool host_exists(const char *rel)
{
    char p[1024];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", scratch, rel);
    return lstat(p, &st) == 0;
}
static inline void host_mkdir(const char *rel)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", scratch, rel);
    mkdir(p, 0777);
}
static inline void host_symlink(const char *target, const char *rel)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", scratch, rel);
    if (symlink(target, p) != 0)
        perror("symlink");
}

/* Opens `path` under dirfd; returns errno, fd in *fd_out. */
static inline uint32_t open_path(uint32_t dirfd, uint32_t lookup, const char *path, uint32_t oflags,
                          uint64_t rights, uint32_t fdflags, uint32_t *fd_out)
{
    uint32_t p = put_str(path), out = alloc_mem(4);
    uint32_t err = call(wasi_path_open, 9, A(dirfd), A(lookup), A(p), A(strlen(path)), A(oflags),
                        A(rights), A(rights), A(fdflags), A(out));
    *fd_out = wasi_ld32(mem + out);
    return err;
}

static void fixture_teardown(void)
{
    wasi_ctx_free(ctx);
    ctx = NULL;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        printf("warning: could not remove %s\n", scratch);
}

static void fixture_setup(void)
{
    if (ctx)
        fixture_teardown();
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd))
        abort();
    snprintf(scratch, sizeof scratch, "%s/build/test-wasi/%d", cwd, (int)getpid());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", scratch, scratch);
    if (system(cmd) != 0)
        abort();
    host_mkdir("outside");
    host_write("outside/secret", "secret");
    host_mkdir("root");
    host_write("root/file", "hello");
    host_mkdir("root/sub");
    const char *argv[] = {"prog", "a"};
    const char *env[] = {"K=V"};
    ctx = wasi_ctx_new(2, argv, 1, env);
    wasi_ctx_set_stdio(ctx, 0, 1, 2);
    char root[600];
    snprintf(root, sizeof root, "%s/root", scratch);
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    if (wasi_ctx_preopen_dir(ctx, fd, "/") != ROOT_FD)
        abort();
    host_call.host_data = ctx;
    mem_top = 1024;
    memset(mem, 0, sizeof mem);
}

#endif
