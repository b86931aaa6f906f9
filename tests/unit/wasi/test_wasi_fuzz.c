/* tests/unit/wasi/test_wasi_fuzz.c — every handler called many times with random arguments over a
 * random guest memory (a fixed seed, so runs repeat): no call may crash the host, every errno must
 * be a preview1 errno, and nothing outside the preopen may change. stdio is /dev/null here; calls
 * that would wait (poll_oneoff with random timeouts, sock_accept) are left out. */
#include "fixture.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* An argument: a small fd, a pointer near or past the end of memory, a length, or noise. */
static uint64_t arg(void)
{
    switch (next() % 6) {
    case 0: return next() % 8;
    case 1: return next() % 2048;
    case 2: return MEM_SIZE - next() % 64;
    case 3: return next() % 40;
    case 4: return (uint32_t)next();
    default: return next();
    }
}

static void fill_memory(void)
{
    static const char alphabet[] = "ab./\0/..x";
    for (uint32_t i = 0; i < MEM_SIZE; i++)
        mem[i] = (uint8_t)(next() % 3 == 0 ? next() : (uint8_t)alphabet[next() % 9]);
}

static void test_random_calls_never_crash(void)
{
    fixture_setup();
    int null_fd = open("/dev/null", O_RDWR);
    wasi_ctx_set_stdio(ctx, null_fd, null_fd, null_fd);
    static const wasm_host_fn fns[] = {
        wasi_args_get, wasi_args_sizes_get, wasi_environ_get, wasi_environ_sizes_get,
        wasi_clock_res_get, wasi_clock_time_get, wasi_fd_advise, wasi_fd_allocate, wasi_fd_close,
        wasi_fd_datasync, wasi_fd_fdstat_get, wasi_fd_fdstat_set_flags,
        wasi_fd_fdstat_set_rights, wasi_fd_filestat_get, wasi_fd_filestat_set_size,
        wasi_fd_filestat_set_times, wasi_fd_pread, wasi_fd_prestat_get, wasi_fd_prestat_dir_name,
        wasi_fd_pwrite, wasi_fd_read, wasi_fd_readdir, wasi_fd_renumber, wasi_fd_seek,
        wasi_fd_sync, wasi_fd_tell, wasi_fd_write, wasi_path_create_directory,
        wasi_path_filestat_get, wasi_path_filestat_set_times, wasi_path_link, wasi_path_open,
        wasi_path_readlink, wasi_path_remove_directory, wasi_path_rename, wasi_path_symlink,
        wasi_path_unlink_file, wasi_proc_exit, wasi_proc_raise, wasi_sched_yield,
        wasi_random_get, wasi_sock_recv, wasi_sock_send, wasi_sock_shutdown,
    };
    int bad_errno = 0, bad_status = 0, succeeded = 0;
    for (int i = 0; i < 60000; i++) {
        if (i % 1000 == 0)
            fill_memory();
        uint64_t slots[9];
        for (int k = 0; k < 9; k++)
            slots[k] = arg();
        wasm_host_fn fn = fns[next() % (sizeof fns / sizeof fns[0])];
        if (fn == wasi_fd_filestat_set_size || fn == wasi_fd_allocate)
            slots[1] %= 1 << 20, slots[2] %= 1 << 20;   /* no multi-GB sparse files */
        int rc = fn(&host_call, slots, mem, MEM_SIZE);
        if (rc == WASM_EXIT)
            continue;
        if (rc != WASM_OK)
            bad_status++;
        else if (fn != wasi_proc_exit && slots[0] > WASI_ENOTCAPABLE)
            bad_errno++;
        else if (slots[0] == WASI_ESUCCESS)
            succeeded++;
    }
    printf("%d of 60000 random calls succeeded\n", succeeded);
    CHECK(succeeded > 1000);   /* the arguments reach past the first checks */
    CHECK_EQ(bad_status, 0);
    CHECK_EQ(bad_errno, 0);
    /* nothing changed outside the preopen */
    char p[1024];
    snprintf(p, sizeof p, "%s/outside/secret", scratch);
    FILE *f = fopen(p, "r");
    char buf[16] = {0};
    CHECK(f && fread(buf, 1, 15, f) == 6 && strcmp(buf, "secret") == 0);
    if (f)
        fclose(f);
    snprintf(p, sizeof p, "ls -A '%s' | tr '\\n' ' '", scratch);
    FILE *ls = popen(p, "r");
    char names[256] = {0};
    CHECK(ls && fgets(names, sizeof names, ls));
    if (ls)
        pclose(ls);
    CHECK(strcmp(names, "outside root ") == 0);
    snprintf(p, sizeof p, "ls -A '%s/outside' | tr '\\n' ' '", scratch);
    ls = popen(p, "r");
    memset(names, 0, sizeof names);
    CHECK(ls && fgets(names, sizeof names, ls));
    if (ls)
        pclose(ls);
    CHECK(strcmp(names, "secret ") == 0);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"random_calls_never_crash", test_random_calls_never_crash},
        {NULL, NULL},
    };
    int rc = test_main(tests, argc, argv);
    fixture_teardown();
    return rc;
}
