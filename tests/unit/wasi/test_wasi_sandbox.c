/* tests/unit/wasi/test_wasi_sandbox.c — adversarial tests of wasi/path.c's sandbox and of guest
 * pointer checks: `..` escapes, absolute paths, symlinks that lead outside, symlink loops, NUL in
 * paths, bad pointers (EFAULT, never a crash). After every escape attempt the tree outside the
 * preopen must be untouched (fixture.h draws it). */
#include "fixture.h"

static void outside_untouched(void)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/outside/secret", scratch);
    FILE *f = fopen(p, "r");
    char buf[16] = {0};
    CHECK(f != NULL);
    if (f) {
        CHECK(fread(buf, 1, sizeof buf - 1, f) == 6);
        fclose(f);
    }
    CHECK(strcmp(buf, "secret") == 0);
    CHECK(!host_exists("outside/new"));
    CHECK(!host_exists("new"));
}

static void test_dotdot_cannot_climb(void)
{
    fixture_setup();
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, 0, "../outside/secret", 0, WASI_RIGHT_FD_READ, 0, &fd),
             WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "sub/../../outside/secret", 0, WASI_RIGHT_FD_READ, 0, &fd),
             WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "..", WASI_OFLAG_DIRECTORY, 0, 0, &fd), WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "sub/./../..", WASI_OFLAG_DIRECTORY, 0, 0, &fd),
             WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "../outside/new", WASI_OFLAG_CREAT, WASI_RIGHT_FD_WRITE, 0,
                       &fd), WASI_ENOTCAPABLE);
    /* `..` that stays inside is fine */
    CHECK_EQ(open_path(ROOT_FD, 0, "sub/../file", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_close, 1, A(fd)), WASI_ESUCCESS);
    /* every path_* call goes through the same walk */
    uint32_t p = put_str("../outside/new"), q = put_str("../outside/secret");
    uint32_t st = alloc_mem(WASI_FILESTAT_SIZE);
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(p), A(14)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(0), A(q), A(17), A(st)),
             WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_unlink_file, 3, A(ROOT_FD), A(q), A(17)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_remove_directory, 3, A(ROOT_FD), A(put_str("../outside")), A(10)),
             WASI_ENOTCAPABLE);
    uint32_t f = put_str("file");
    CHECK_EQ(call(wasi_path_rename, 6, A(ROOT_FD), A(f), A(4), A(ROOT_FD), A(p), A(14)),
             WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_link, 7, A(ROOT_FD), A(0), A(q), A(17), A(ROOT_FD), A(put_str("x")),
                  A(1)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_symlink, 5, A(f), A(4), A(ROOT_FD), A(p), A(14)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_filestat_set_times, 7, A(ROOT_FD), A(0), A(q), A(17), A(0), A(0),
                  A(WASI_FSTFLAG_MTIM_NOW)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_readlink, 6, A(ROOT_FD), A(q), A(17), A(alloc_mem(64)), A(64),
                  A(alloc_mem(4))), WASI_ENOTCAPABLE);
    outside_untouched();
}

static void test_absolute_paths_refused(void)
{
    fixture_setup();
    uint32_t fd;
    char abs_secret[700];
    snprintf(abs_secret, sizeof abs_secret, "%s/outside/secret", scratch);
    CHECK_EQ(open_path(ROOT_FD, 0, abs_secret, 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "/file", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "/", WASI_OFLAG_DIRECTORY, 0, 0, &fd), WASI_ENOTCAPABLE);
    uint32_t p = put_str("/etc");
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(p), A(4)), WASI_ENOTCAPABLE);
    /* a symlink may not be created with an absolute target */
    CHECK_EQ(call(wasi_path_symlink, 5, A(p), A(4), A(ROOT_FD), A(put_str("l")), A(1)),
             WASI_ENOTCAPABLE);
    CHECK(!host_exists("root/l"));
    outside_untouched();
}

static void test_symlinks_pointing_outside(void)
{
    fixture_setup();
    char abs_outside[700];
    snprintf(abs_outside, sizeof abs_outside, "%s/outside", scratch);
    host_symlink(abs_outside, "root/abs");             /* absolute, planted by the host */
    host_symlink("../outside", "root/rel");            /* relative, climbing out */
    host_symlink("../../outside/secret", "root/sub/deep");
    host_symlink("sub/../..", "root/sneaky");
    uint32_t fd;
    const char *bad[] = {"abs/secret", "rel/secret", "sub/deep", "sneaky/outside/secret"};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, bad[i], 0, WASI_RIGHT_FD_READ, 0,
                           &fd), WASI_ENOTCAPABLE);
        CHECK_EQ(open_path(ROOT_FD, 0, bad[i], 0, WASI_RIGHT_FD_READ, 0, &fd),
                 i == 2 ? WASI_ELOOP : WASI_ENOTCAPABLE);
    }
    /* following the final link: refused; not following it: the link itself (no escape) */
    CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, "rel", WASI_OFLAG_DIRECTORY, 0, 0, &fd),
             WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "rel", WASI_OFLAG_DIRECTORY, 0, 0, &fd) == WASI_ESUCCESS, 0);
    CHECK_EQ(open_path(ROOT_FD, 0, "abs/new", WASI_OFLAG_CREAT, WASI_RIGHT_FD_WRITE, 0, &fd),
             WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "rel/", WASI_OFLAG_DIRECTORY, 0, 0, &fd), WASI_ENOTCAPABLE);
    uint32_t st = alloc_mem(WASI_FILESTAT_SIZE);
    uint32_t p = put_str("sub/deep");
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(WASI_LOOKUP_SYMLINK_FOLLOW), A(p),
                  A(8), A(st)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(0), A(p), A(8), A(st)),
             WASI_ESUCCESS);
    CHECK_EQ(mem[st + 16], WASI_FILETYPE_SYMBOLIC_LINK);
    /* unlinking the link removes the link, never its target */
    CHECK_EQ(call(wasi_path_unlink_file, 3, A(ROOT_FD), A(p), A(8)), WASI_ESUCCESS);
    /* the hard link of a symlink's target, followed: refused */
    CHECK_EQ(call(wasi_path_link, 7, A(ROOT_FD), A(WASI_LOOKUP_SYMLINK_FOLLOW),
                  A(put_str("rel/secret")), A(10), A(ROOT_FD), A(put_str("stolen")), A(6)),
             WASI_ENOTCAPABLE);
    CHECK(!host_exists("root/stolen"));
    outside_untouched();
}

/* A guest may store any relative target in a symlink (the spec allows it), but following one that
 * climbs out is refused, from every starting directory. */
static void test_guest_made_symlinks_cannot_escape(void)
{
    fixture_setup();
    uint32_t t = put_str("../outside/secret"), l = put_str("esc");
    CHECK_EQ(call(wasi_path_symlink, 5, A(t), A(17), A(ROOT_FD), A(l), A(3)), WASI_ESUCCESS);
    uint32_t t2 = put_str("../../outside"), l2 = put_str("sub/up2");
    CHECK_EQ(call(wasi_path_symlink, 5, A(t2), A(13), A(ROOT_FD), A(l2), A(7)), WASI_ESUCCESS);
    uint32_t fd, sub;
    CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, "esc", 0, WASI_RIGHT_FD_READ, 0, &fd),
             WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(ROOT_FD, 0, "sub/up2/secret", 0, WASI_RIGHT_FD_READ, 0, &fd),
             WASI_ENOTCAPABLE);
    /* from an fd opened on sub/, `..` may not climb above sub/ either */
    CHECK_EQ(open_path(ROOT_FD, 0, "sub", WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR, 0, &sub),
             WASI_ESUCCESS);
    CHECK_EQ(open_path(sub, 0, "../file", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ENOTCAPABLE);
    CHECK_EQ(open_path(sub, WASI_LOOKUP_SYMLINK_FOLLOW, "up2", WASI_OFLAG_DIRECTORY, 0, 0, &fd),
             WASI_ENOTCAPABLE);
    /* moved one level down, the same target resolves inside (root/outside/secret: absent) */
    uint32_t l3 = put_str("sub/esc2");
    CHECK_EQ(call(wasi_path_rename, 6, A(ROOT_FD), A(l), A(3), A(ROOT_FD), A(l3), A(8)),
             WASI_ESUCCESS);
    CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, "sub/esc2", 0, WASI_RIGHT_FD_READ, 0,
                       &fd), WASI_ENOENT);
    outside_untouched();
}

static void test_symlinks_inside_work(void)
{
    fixture_setup();
    host_symlink("sub", "root/tosub");
    host_symlink("../file", "root/sub/up");
    host_symlink("tosub/up", "root/chain");
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, "chain", 0, WASI_RIGHT_FD_READ, 0,
                       &fd), WASI_ESUCCESS);
    uint32_t buf = alloc_mem(16), iov = alloc_mem(8), n = alloc_mem(4);
    wasi_st32(mem + iov, buf);
    wasi_st32(mem + iov + 4, 16);
    CHECK_EQ(call(wasi_fd_read, 4, A(fd), A(iov), A(1), A(n)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + n), 5);
    CHECK(memcmp(mem + buf, "hello", 5) == 0);
    CHECK_EQ(open_path(ROOT_FD, 0, "tosub/up", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ELOOP);
    CHECK_EQ(open_path(ROOT_FD, 0, "tosub/", WASI_OFLAG_DIRECTORY, 0, 0, &fd), WASI_ESUCCESS);
}

static void test_symlink_loops(void)
{
    fixture_setup();
    host_symlink("b", "root/a");
    host_symlink("a", "root/b");
    host_symlink("self", "root/self");
    host_symlink("loop/x", "root/loop");
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, "a", 0, WASI_RIGHT_FD_READ, 0, &fd),
             WASI_ELOOP);
    CHECK_EQ(open_path(ROOT_FD, 0, "self/x", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ELOOP);
    CHECK_EQ(open_path(ROOT_FD, 0, "loop", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ELOOP);
    CHECK_EQ(open_path(ROOT_FD, WASI_LOOKUP_SYMLINK_FOLLOW, "loop", 0, 0, 0, &fd), WASI_ELOOP);
    uint32_t p = put_str("a/");
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(p), A(2)), WASI_ELOOP);
}

static void test_nul_and_bad_names(void)
{
    fixture_setup();
    uint32_t fd;
    const char with_nul[] = "file\0../../outside/secret";
    uint32_t p = put(with_nul, sizeof with_nul - 1), out = alloc_mem(4);
    CHECK_EQ(call(wasi_path_open, 9, A(ROOT_FD), A(0), A(p), A(sizeof with_nul - 1), A(0),
                  A(WASI_RIGHT_FD_READ), A(0), A(0), A(out)), WASI_EILSEQ);
    CHECK_EQ(call(wasi_path_open, 9, A(ROOT_FD), A(0), A(p), A(5), A(0), A(WASI_RIGHT_FD_READ),
                  A(0), A(0), A(out)), WASI_EILSEQ);
    CHECK_EQ(open_path(ROOT_FD, 0, "", 0, 0, 0, &fd), WASI_ENOENT);
    char longname[300];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_EQ(open_path(ROOT_FD, 0, longname, WASI_OFLAG_CREAT, 0, 0, &fd), WASI_ENAMETOOLONG);
    /* a path fd that is a file, not a directory */
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ESUCCESS);
    uint32_t fd2;
    CHECK_EQ(open_path(fd, 0, "x", 0, 0, 0, &fd2), WASI_ENOTDIR);
    CHECK_EQ(open_path(99, 0, "x", 0, 0, 0, &fd2), WASI_EBADF);
    outside_untouched();
}

static void test_bad_pointers_are_efault(void)
{
    fixture_setup();
    uint64_t end = MEM_SIZE;
    /* path beyond memory, straddling the end, and a wrapping length */
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(end), A(1)), WASI_EFAULT);
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(end - 2), A(4)), WASI_EFAULT);
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(0xffffffffu), A(0xffffffffu)),
             WASI_EFAULT);
    /* result pointers */
    uint32_t p = put_str("file");
    CHECK_EQ(call(wasi_path_open, 9, A(ROOT_FD), A(0), A(p), A(4), A(0), A(0), A(0), A(0),
                  A(end - 3)), WASI_EFAULT);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(1), A(end - 8)), WASI_EFAULT);
    CHECK_EQ(call(wasi_fd_filestat_get, 2, A(ROOT_FD), A(end)), WASI_EFAULT);
    CHECK_EQ(call(wasi_args_get, 2, A(end), A(0)), WASI_EFAULT);
    CHECK_EQ(call(wasi_args_get, 2, A(0), A(end - 3)), WASI_EFAULT);
    CHECK_EQ(call(wasi_environ_sizes_get, 2, A(0xfffffffeu), A(0)), WASI_EFAULT);
    CHECK_EQ(call(wasi_clock_time_get, 3, A(0), A(0), A(end - 4)), WASI_EFAULT);
    CHECK_EQ(call(wasi_random_get, 2, A(end - 10), A(11)), WASI_EFAULT);
    CHECK_EQ(call(wasi_random_get, 2, A(end), A(0)), WASI_ESUCCESS);
    /* iovecs: the array itself, then one buffer pointing outside */
    uint32_t n = alloc_mem(4), iov = alloc_mem(16);
    CHECK_EQ(call(wasi_fd_write, 4, A(1), A(end - 4), A(1), A(n)), WASI_EFAULT);
    CHECK_EQ(call(wasi_fd_write, 4, A(1), A(iov), A(0x20000000u), A(n)), WASI_EFAULT);
    wasi_st32(mem + iov, 0);
    wasi_st32(mem + iov + 4, 0);
    wasi_st32(mem + iov + 8, (uint32_t)end - 2);
    wasi_st32(mem + iov + 12, 3);
    CHECK_EQ(call(wasi_fd_write, 4, A(1), A(iov), A(2), A(n)), WASI_EFAULT);
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_read, 4, A(fd), A(iov), A(2), A(n)), WASI_EFAULT);
    CHECK_EQ(call(wasi_fd_read, 4, A(fd), A(iov), A(1), A(end)), WASI_EFAULT);
    CHECK_EQ(call(wasi_fd_readdir, 5, A(ROOT_FD), A(end - 10), A(100), A(0), A(n)), WASI_EFAULT);
    CHECK_EQ(call(wasi_poll_oneoff, 4, A(end - 10), A(0), A(1), A(n)), WASI_EFAULT);
    CHECK_EQ(call(wasi_fd_prestat_dir_name, 3, A(ROOT_FD), A(end), A(1)), WASI_EFAULT);
    CHECK_EQ(call(wasi_path_readlink, 6, A(ROOT_FD), A(p), A(4), A(end - 1), A(5), A(n)),
             WASI_EFAULT);
    CHECK_EQ(call(wasi_path_symlink, 5, A(end), A(5), A(ROOT_FD), A(p), A(4)), WASI_EFAULT);
}

static int open_host_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 4096; fd++)
        n += fcntl(fd, F_GETFD) >= 0;
    return n;
}

/* every walk releases the directories it opened, on success and on every error path */
static void test_walks_leak_no_handles(void)
{
    fixture_setup();
    host_mkdir("root/sub/a");
    host_mkdir("root/sub/a/b");
    host_symlink("a/b", "root/sub/l");
    host_symlink("loop", "root/loop");
    int before = open_host_fds();
    const char *paths[] = {"sub/a/b/x", "sub/l/../../file", "sub/a/b/../../../../x", "loop/x",
                           "sub/a/missing/x", "file/x", "sub/l/", "sub/./a//b/"};
    uint32_t st = alloc_mem(WASI_FILESTAT_SIZE);
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            uint32_t p = put_str(paths[i]), len = (uint32_t)strlen(paths[i]), fd;
            call(wasi_path_filestat_get, 5, A(ROOT_FD), A(1), A(p), A(len), A(st));
            call(wasi_path_create_directory, 3, A(ROOT_FD), A(p), A(len));
            call(wasi_path_remove_directory, 3, A(ROOT_FD), A(p), A(len));
            call(wasi_path_rename, 6, A(ROOT_FD), A(p), A(len), A(ROOT_FD), A(p), A(len));
            if (open_path(ROOT_FD, 1, paths[i], 0, 0, 0, &fd) == WASI_ESUCCESS)
                call(wasi_fd_close, 1, A(fd));
            mem_top = 1024;
        }
    CHECK_EQ(open_host_fds(), before);
}

static void test_no_memory_at_all(void)
{
    fixture_setup();
    uint64_t slots[4] = {1, 0, 0, 0};
    /* a module without memory: every pointer is out of range */
    CHECK_EQ(wasi_fd_fdstat_get(&host_call, slots, NULL, 0), WASM_OK);
    CHECK_EQ(slots[0], WASI_EFAULT);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"dotdot_cannot_climb", test_dotdot_cannot_climb},
        {"absolute_paths_refused", test_absolute_paths_refused},
        {"symlinks_pointing_outside", test_symlinks_pointing_outside},
        {"guest_made_symlinks_cannot_escape", test_guest_made_symlinks_cannot_escape},
        {"symlinks_inside_work", test_symlinks_inside_work},
        {"symlink_loops", test_symlink_loops},
        {"nul_and_bad_names", test_nul_and_bad_names},
        {"bad_pointers_are_efault", test_bad_pointers_are_efault},
        {"walks_leak_no_handles", test_walks_leak_no_handles},
        {"no_memory_at_all", test_no_memory_at_all},
        {NULL, NULL},
    };
    int rc = test_main(tests, argc, argv);
    fixture_teardown();
    return rc;
}
