/* host/walos_run.c — walos-run: runs a WASI command module on Linux, like `wasmtime run`.
 *
 *   walos-run [--dir HOST[::GUEST]]... [--env K=V]... [--argv0 NAME] [--fuel N]
 *             [--max-memory BYTES] [--tcplisten ADDR:PORT]... [--allow-net]
 *             [--bounds=guard|check] app.wasm [args...]
 *
 * The engine (engine/wasm.h) loads and runs the module; wasi/ (wasi/wasi.h) provides
 * wasi_snapshot_preview1 over host/platform_posix*.c. The guest sees only what the flags give it:
 * argv (argv[0] is --argv0 or the module path), exactly the --env variables ("--env K" copies the
 * host's K), stdio, and each --dir preopened as GUEST (default: HOST as written). --tcplisten binds and listens on ADDR:PORT and
 * preopens the socket after the directories, for sock_accept. --allow-net lets the program open its
 * own sockets and resolve names (the WasmEdge socket extension; off by default, as wasmtime's
 * -S inherit-network: without it a program reaches only the sockets it was handed).
 *
 * Exit status: the program's proc_exit code (0 when _start returns). A trap prints "walos-run: trap:
 * REASON" and a backtrace on stderr and exits with 134 (128 + SIGABRT, as wasmtime and a native
 * abort() do). Usage errors, unreadable files and load/link errors print one line and exit 125
 * (wasmtime's "could not run").
 *
 * --bounds picks how loads and stores are kept inside linear memory (engine/wasm.h "linear
 * memories"): `check` (the default) bounds-checks each access explicitly; `guard` reserves 8 GiB
 * per memory and turns a fault in its guard region into the same trap (host/guard_posix.h). Both
 * trap identically; their speed is compared in the README.
 *
 * WALOS_RUN_TIMING=1 in the host environment (never passed to the guest) prints the time spent
 * loading (decode + validate) and instantiating on stderr: tests/wasi/real.py reports it. */
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/wasm.h"
#include "host/guard_posix.h"
#include "wasi/wasi.h"

#define EXIT_TRAP 134          /* 128 + SIGABRT */
#define EXIT_CANNOT_RUN 125
#define MAX_LIST 256

struct options {
    const char *dirs[MAX_LIST];
    int ndirs;
    const char *env[MAX_LIST];
    int nenv;
    const char *listen[MAX_LIST];
    int nlisten;
    bool allow_net;
    const char *argv0;
    uint64_t fuel;
    uint64_t max_memory;
    bool guard;                /* --bounds=guard */
    const char *module;
    char **args;               /* guest args after argv[0] */
    int nargs;
};

static void usage(void)
{
    fprintf(stderr, "usage: walos-run [--dir HOST[::GUEST]]... [--env K=V]... [--argv0 NAME] "
                    "[--fuel N] [--max-memory BYTES] [--tcplisten ADDR:PORT]... [--allow-net] "
                    "[--bounds=guard|check] app.wasm [args...]\n");
    exit(EXIT_CANNOT_RUN);
}

static int die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "walos-run: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return EXIT_CANNOT_RUN;
}

/* "--flag value" or "--flag=value"; returns the value or NULL when argv[*i] is not this flag. */
static const char *flag(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != 0)
        return NULL;
    if (*i + 1 >= argc)
        usage();
    return argv[++*i];
}

static void add(const char **list, int *count, const char *v)
{
    if (*count >= MAX_LIST)
        usage();
    list[(*count)++] = v;
}

static void parse(int argc, char **argv, struct options *o)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *v;
        char *end;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if ((v = flag(argc, argv, &i, "--dir"))) {
            add(o->dirs, &o->ndirs, v);
        } else if ((v = flag(argc, argv, &i, "--env"))) {
            if (!strchr(v, '=')) {   /* "--env K": K's value from the host, as wasmtime does */
                const char *hv = getenv(v);
                if (!hv)
                    continue;
                char *kv = malloc(strlen(v) + strlen(hv) + 2);
                if (!kv)
                    usage();
                sprintf(kv, "%s=%s", v, hv);
                v = kv;
            }
            add(o->env, &o->nenv, v);
        } else if (strcmp(argv[i], "--allow-net") == 0) {
            o->allow_net = true;
        } else if ((v = flag(argc, argv, &i, "--tcplisten"))) {
            add(o->listen, &o->nlisten, v);
        } else if ((v = flag(argc, argv, &i, "--argv0"))) {
            o->argv0 = v;
        } else if ((v = flag(argc, argv, &i, "--fuel"))) {
            o->fuel = strtoull(v, &end, 10);
            if (*end || !*v)
                usage();
        } else if ((v = flag(argc, argv, &i, "--bounds"))) {
            if (strcmp(v, "guard") != 0 && strcmp(v, "check") != 0)
                usage();
            o->guard = strcmp(v, "guard") == 0;
        } else if ((v = flag(argc, argv, &i, "--max-memory"))) {
            o->max_memory = strtoull(v, &end, 10);
            if (*end || !*v)
                usage();
        } else {
            usage();
        }
    }
    if (i >= argc)
        usage();
    o->module = argv[i];
    o->args = argv + i + 1;
    o->nargs = argc - i - 1;
}

/* A listening TCP socket on "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080", "localhost:8080"), or
 * -1 (errno set). */
static int listen_on(const char *spec)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host) {
        errno = EINVAL;
        return -1;
    }
    const char *h = spec;
    size_t n = (size_t)(colon - spec);
    if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {   /* [v6-address] */
        h++;
        n -= 2;
    }
    memcpy(host, h, n);
    host[n] = 0;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res;
    if (getaddrinfo(host, colon + 1, &hints, &res) != 0) {
        errno = EINVAL;
        return -1;
    }
    int s = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (s >= 0) {
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(s, res->ai_addr, res->ai_addrlen) < 0 || listen(s, 128) < 0) {
            int e = errno;
            close(s);
            errno = e;
            s = -1;
        }
    }
    freeaddrinfo(res);
    return s;
}

static int setup_ctx(const struct options *o, struct wasi_ctx **out)
{
    const char **argv = calloc((size_t)o->nargs + 1, sizeof *argv);
    if (!argv)
        return die("out of memory%s%s", "", "");
    argv[0] = o->argv0 ? o->argv0 : o->module;
    for (int i = 0; i < o->nargs; i++)
        argv[i + 1] = o->args[i];
    struct wasi_ctx *ctx = wasi_ctx_new(o->nargs + 1, argv, o->nenv, o->env);
    free(argv);
    if (!ctx || wasi_ctx_set_stdio(ctx, 0, 1, 2) != WASI_ESUCCESS)
        return die("out of memory%s%s", "", "");
    for (int i = 0; i < o->ndirs; i++) {
        char host[4096];
        const char *sep = strstr(o->dirs[i], "::");
        const char *guest = sep ? sep + 2 : o->dirs[i];
        size_t n = sep ? (size_t)(sep - o->dirs[i]) : strlen(o->dirs[i]);
        if (n >= sizeof host)
            return die("--dir %s: path too long%s", o->dirs[i], "");
        memcpy(host, o->dirs[i], n);
        host[n] = 0;
        int fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return die("--dir %s: %s", host, strerror(errno));
        if (wasi_ctx_preopen_dir(ctx, fd, guest) < 0)
            return die("out of memory%s%s", "", "");
    }
    for (int i = 0; i < o->nlisten; i++) {
        int s = listen_on(o->listen[i]);
        if (s < 0)
            return die("--tcplisten %s: cannot listen there (%s)", o->listen[i], strerror(errno));
        if (wasi_ctx_preopen_socket(ctx, s) < 0)
            return die("out of memory%s%s", "", "");
    }
    wasi_ctx_allow_net(ctx, o->allow_net);
    *out = ctx;
    return 0;
}

/* One line naming the first import neither WASI nor anything else here provides. */
static int check_imports(const char *path, const wasm_module *m)
{
    for (uint32_t i = 0; i < wasm_module_import_count(m); i++) {
        struct wasm_import_info imp;
        wasm_module_import(m, i, &imp);
        if (strcmp(imp.module, "wasi_snapshot_preview1") != 0 &&
            strcmp(imp.module, "wasi_unstable") != 0) {
            fprintf(stderr, "walos-run: %s: unknown import module \"%s\" (import %s.%s); only "
                    "wasi_snapshot_preview1 (and the older wasi_unstable) is provided\n", path,
                    imp.module, imp.module, imp.name);
            return EXIT_CANNOT_RUN;
        }
        if (imp.kind != WASM_EXTERN_FUNC || !wasi_provides(imp.module, imp.name)) {
            fprintf(stderr, "walos-run: %s: unknown import %s.%s: not a WASI function\n",
                    path, imp.module, imp.name);
            return EXIT_CANNOT_RUN;
        }
    }
    return 0;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void print_trap(wasm_exec *e)
{
    fprintf(stderr, "walos-run: trap: %s\n", wasm_exec_trap_message(e));
    struct wasm_frame_info frames[64];
    uint32_t n = wasm_exec_backtrace(e, frames, 64);
    for (uint32_t i = 0; i < n; i++) {
        const char *name = frames[i].func_name && frames[i].func_name[0] ? frames[i].func_name
                                                                         : "<unnamed>";
        fprintf(stderr, "  #%u  func[%u] %s  (code offset 0x%x)\n", i, frames[i].func_index, name,
                frames[i].code_offset);
    }
}

/* Runs f to completion: WASM_OK, WASM_EXIT or WASM_TRAP. */
static int run_func(wasm_exec *e, wasm_func *f)
{
    int rc = guard_exec_call(e, f, NULL);
    while (rc == WASM_YIELD || rc == WASM_BLOCK)   /* the POSIX backend never blocks */
        rc = guard_exec_resume(e);
    return rc;
}

/* The guest may change the flags of the stdio it shares with the host (fd_fdstat_set_flags:
 * NONBLOCK, APPEND); they are put back at exit so the terminal or pipe is left as found. */
static int stdio_flags[3];

static void save_stdio(void)
{
    for (int fd = 0; fd < 3; fd++)
        stdio_flags[fd] = fcntl(fd, F_GETFL);
}

static void restore_stdio(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (stdio_flags[fd] >= 0)
            fcntl(fd, F_SETFL, stdio_flags[fd]);
}

int main(int argc, char **argv)
{
    struct options o = {0};
    parse(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);   /* a write to a closed pipe is EPIPE for the guest, not our death */
    save_stdio();

    int fd = open(o.module, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return die("%s: %s", o.module, strerror(errno));
    size_t len = (size_t)st.st_size;
    const uint8_t *bytes = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : (const uint8_t *)"";
    if (bytes == MAP_FAILED)
        return die("%s: %s", o.module, strerror(errno));
    close(fd);
    if (len < 4 || memcmp(bytes, "\0asm", 4) != 0)
        return die("%s: not a WebAssembly module (no \\0asm magic)%s", o.module, "");

    const char *timing = getenv("WALOS_RUN_TIMING");
    double t0 = seconds();
    struct wasm_error err = {0};
    wasm_module *m;
    if (wasm_module_load(bytes, len, NULL, &m, &err) != WASM_OK)
        return die("%s: %s", o.module, err.message);
    double t1 = seconds();
    if (timing && *timing)
        fprintf(stderr, "walos-run: load %.1f ms (%zu bytes)\n", (t1 - t0) * 1e3, len);
    int rc = check_imports(o.module, m);
    if (rc)
        return rc;

    struct wasi_ctx *ctx;
    rc = setup_ctx(&o, &ctx);
    if (rc)
        return rc;
    struct wasm_limits limits = {.fuel = o.fuel, .guard_pages = o.guard};
    if (o.max_memory)
        limits.max_memory_pages = (uint32_t)((o.max_memory + 65535) / 65536);
    wasm_store *store = wasm_store_new(&limits);
    wasm_linker *linker = store ? wasm_linker_new(store) : NULL;
    if (!linker || wasi_link(ctx, linker) != WASM_OK)
        return die("out of memory%s%s", "", "");
    wasm_store_set_userdata(store, ctx);
    wasm_instance *inst;
    if (wasm_linker_instantiate(linker, m, &inst, &err) != WASM_OK)
        return die("%s: %s", o.module, err.message);
    if (timing && *timing)
        fprintf(stderr, "walos-run: instantiate %.1f ms\n", (seconds() - t1) * 1e3);
    wasm_exec *e = wasm_exec_new(store);
    if (!e)
        return die("out of memory%s%s", "", "");

    wasm_func *start = wasm_instance_start_func(inst);
    wasm_func *entry = wasm_instance_func(inst, "_start");
    if (!entry)
        return die("%s: no exported function \"_start\" (not a WASI command)%s", o.module, "");
    int status = 0;
    rc = start ? run_func(e, start) : WASM_OK;
    if (rc == WASM_OK)
        rc = run_func(e, entry);
    if (rc == WASM_EXIT) {
        status = wasm_exec_exit_status(e);
    } else if (rc == WASM_TRAP) {
        fflush(stdout);
        print_trap(e);
        status = EXIT_TRAP;
    } else if (rc != WASM_OK) {
        status = die("engine error %s%s", "", "");
    }
    fflush(stdout);
    restore_stdio();
    /* exit without tearing down: the OS frees everything at once, and large modules exit faster */
    _exit(status);
}
