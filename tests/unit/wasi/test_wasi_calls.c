/* tests/unit/wasi/test_wasi_calls.c — the preview1 calls one by one, through their handlers, over
 * the POSIX platform: args/environ, clocks, random, fd I/O and seeking, stat and set_* calls,
 * rights, renumber, readdir, prestat, path operations, poll_oneoff timeouts, proc_exit, and the
 * import table. */
#include "fixture.h"

static uint32_t iov1(uint32_t buf, uint32_t len)
{
    uint32_t iov = alloc_mem(8);
    wasi_st32(mem + iov, buf);
    wasi_st32(mem + iov + 4, len);
    return iov;
}

static void test_args_environ(void)
{
    fixture_setup();
    uint32_t c = alloc_mem(4), b = alloc_mem(4);
    CHECK_EQ(call(wasi_args_sizes_get, 2, A(c), A(b)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + c), 2);
    CHECK_EQ(wasi_ld32(mem + b), 7);   /* "prog\0a\0" */
    uint32_t ptrs = alloc_mem(8), buf = alloc_mem(7);
    CHECK_EQ(call(wasi_args_get, 2, A(ptrs), A(buf)), WASI_ESUCCESS);
    CHECK(strcmp((char *)mem + wasi_ld32(mem + ptrs), "prog") == 0);
    CHECK(strcmp((char *)mem + wasi_ld32(mem + ptrs + 4), "a") == 0);
    CHECK_EQ(call(wasi_environ_sizes_get, 2, A(c), A(b)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + c), 1);
    CHECK_EQ(wasi_ld32(mem + b), 4);
    CHECK_EQ(call(wasi_environ_get, 2, A(ptrs), A(buf)), WASI_ESUCCESS);
    CHECK(strcmp((char *)mem + wasi_ld32(mem + ptrs), "K=V") == 0);
}

static void test_clocks_random(void)
{
    fixture_setup();
    uint32_t t = alloc_mem(8), t2 = alloc_mem(8);
    for (uint32_t id = 0; id < 4; id++) {
        CHECK_EQ(call(wasi_clock_res_get, 2, A(id), A(t)), WASI_ESUCCESS);
        CHECK(wasi_ld64(mem + t) > 0);
        CHECK_EQ(call(wasi_clock_time_get, 3, A(id), A(1), A(t)), WASI_ESUCCESS);
    }
    CHECK_EQ(call(wasi_clock_time_get, 3, A(4), A(1), A(t)), WASI_EINVAL);
    CHECK_EQ(call(wasi_clock_time_get, 3, A(WASI_CLOCK_MONOTONIC), A(1), A(t)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_clock_time_get, 3, A(WASI_CLOCK_MONOTONIC), A(1), A(t2)), WASI_ESUCCESS);
    CHECK(wasi_ld64(mem + t2) >= wasi_ld64(mem + t));
    CHECK_EQ(call(wasi_clock_time_get, 3, A(WASI_CLOCK_REALTIME), A(1), A(t)), WASI_ESUCCESS);
    CHECK(wasi_ld64(mem + t) > 1600000000ull * 1000000000ull);
    uint32_t r = alloc_mem(64);
    CHECK_EQ(call(wasi_random_get, 2, A(r), A(64)), WASI_ESUCCESS);
    int zeros = 0;
    for (int i = 0; i < 64; i++)
        zeros += mem[r + i] == 0;
    CHECK(zeros < 16);
    CHECK_EQ(call(wasi_sched_yield, 0), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_proc_raise, 1, A(6)), WASI_ENOSYS);
}

static void test_file_io(void)
{
    fixture_setup();
    uint32_t fd;
    uint64_t rw = WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_SEEK |
                  WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_FILESTAT_GET |
                  WASI_RIGHT_FD_FILESTAT_SET_SIZE | WASI_RIGHT_FD_FILESTAT_SET_TIMES |
                  WASI_RIGHT_FD_FDSTAT_SET_FLAGS;
    CHECK_EQ(open_path(ROOT_FD, 0, "new", WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, rw, 0, &fd),
             WASI_ESUCCESS);
    CHECK(fd > 3);
    uint32_t fd2;
    CHECK_EQ(open_path(ROOT_FD, 0, "new", WASI_OFLAG_CREAT | WASI_OFLAG_EXCL, rw, 0, &fd2),
             WASI_EEXIST);
    uint32_t data = put_str("hello world"), n = alloc_mem(4), pos = alloc_mem(8);
    CHECK_EQ(call(wasi_fd_write, 4, A(fd), A(iov1(data, 11)), A(1), A(n)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + n), 11);
    CHECK_EQ(call(wasi_fd_tell, 2, A(fd), A(pos)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + pos), 11);
    CHECK_EQ(call(wasi_fd_seek, 4, A(fd), A((uint64_t)-5), A(WASI_WHENCE_CUR), A(pos)),
             WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + pos), 6);
    CHECK_EQ(call(wasi_fd_seek, 4, A(fd), A(0), A(3), A(pos)), WASI_EINVAL);
    CHECK_EQ(call(wasi_fd_seek, 4, A(fd), A((uint64_t)-100), A(WASI_WHENCE_CUR), A(pos)),
             WASI_EINVAL);
    uint32_t buf = alloc_mem(16);
    CHECK_EQ(call(wasi_fd_read, 4, A(fd), A(iov1(buf, 16)), A(1), A(n)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + n), 5);
    CHECK(memcmp(mem + buf, "world", 5) == 0);
    /* pread/pwrite do not move the position */
    CHECK_EQ(call(wasi_fd_pwrite, 5, A(fd), A(iov1(put_str("J"), 1)), A(1), A(0), A(n)),
             WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_pread, 5, A(fd), A(iov1(buf, 5)), A(1), A(0), A(n)), WASI_ESUCCESS);
    CHECK(memcmp(mem + buf, "Jello", 5) == 0);
    CHECK_EQ(call(wasi_fd_tell, 2, A(fd), A(pos)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + pos), 11);
    /* filestat, set_size, set_times */
    uint32_t st = alloc_mem(WASI_FILESTAT_SIZE);
    CHECK_EQ(call(wasi_fd_filestat_get, 2, A(fd), A(st)), WASI_ESUCCESS);
    CHECK_EQ(mem[st + 16], WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(wasi_ld64(mem + st + 32), 11);
    CHECK_EQ(wasi_ld64(mem + st + 24), 1);
    CHECK_EQ(call(wasi_fd_filestat_set_size, 2, A(fd), A(3)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_filestat_get, 2, A(fd), A(st)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + st + 32), 3);
    CHECK_EQ(call(wasi_fd_filestat_set_times, 4, A(fd), A(5000000000ull), A(7000000000ull),
                  A(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_MTIM)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_filestat_get, 2, A(fd), A(st)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + st + 40), 5000000000ull);
    CHECK_EQ(wasi_ld64(mem + st + 48), 7000000000ull);
    CHECK_EQ(call(wasi_fd_filestat_set_times, 4, A(fd), A(0), A(0),
                  A(WASI_FSTFLAG_ATIM | WASI_FSTFLAG_ATIM_NOW)), WASI_EINVAL);
    /* append mode */
    uint32_t fda;
    CHECK_EQ(open_path(ROOT_FD, 0, "new", 0, rw, WASI_FDFLAG_APPEND, &fda), WASI_ESUCCESS);
    uint32_t fds = alloc_mem(WASI_FDSTAT_SIZE);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(fda), A(fds)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld16(mem + fds + 2), WASI_FDFLAG_APPEND);
    CHECK_EQ(call(wasi_fd_write, 4, A(fda), A(iov1(data, 2)), A(1), A(n)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_filestat_get, 2, A(fd), A(st)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + st + 32), 5);
    CHECK_EQ(call(wasi_fd_fdstat_set_flags, 2, A(fda), A(0)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(fda), A(fds)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld16(mem + fds + 2), 0);
    CHECK_EQ(call(wasi_fd_close, 1, A(fda)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_close, 1, A(fda)), WASI_EBADF);
    /* O_TRUNC */
    CHECK_EQ(open_path(ROOT_FD, 0, "new", WASI_OFLAG_TRUNC, rw, 0, &fda), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_filestat_get, 2, A(fd), A(st)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + st + 32), 0);
    /* a directory is not readable through fd_read */
    CHECK_EQ(call(wasi_fd_read, 4, A(ROOT_FD), A(iov1(buf, 4)), A(1), A(n)) != WASI_ESUCCESS, 1);
    CHECK_EQ(call(wasi_fd_seek, 4, A(ROOT_FD), A(0), A(WASI_WHENCE_CUR), A(pos)) != 0, 1);
}

static void test_rights(void)
{
    fixture_setup();
    uint32_t fd, n = alloc_mem(4), buf = alloc_mem(8), fds = alloc_mem(WASI_FDSTAT_SIZE);
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, 0, &fd),
             WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_write, 4, A(fd), A(iov1(buf, 1)), A(1), A(n)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(fd), A(fds)), WASI_ESUCCESS);
    CHECK_EQ(mem[fds], WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(wasi_ld64(mem + fds + 8), WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK);
    /* rights only shrink */
    CHECK_EQ(call(wasi_fd_fdstat_set_rights, 3, A(fd), A(WASI_RIGHT_FD_SEEK), A(0)),
             WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_read, 4, A(fd), A(iov1(buf, 1)), A(1), A(n)), WASI_ENOTCAPABLE);
    CHECK_EQ(call(wasi_fd_fdstat_set_rights, 3, A(fd), A(WASI_RIGHT_FD_READ), A(0)),
             WASI_ENOTCAPABLE);
    /* a directory fd passes on at most its inheriting rights */
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(ROOT_FD), A(fds)), WASI_ESUCCESS);
    CHECK_EQ(mem[fds], WASI_FILETYPE_DIRECTORY);
    CHECK_EQ(wasi_ld64(mem + fds + 8) & WASI_RIGHT_FD_READ, 0);
    uint64_t dir_base = wasi_ld64(mem + fds + 8);
    CHECK_EQ(call(wasi_fd_fdstat_set_rights, 3, A(ROOT_FD), A(dir_base), A(WASI_RIGHT_FD_SEEK)),
             WASI_ESUCCESS);
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK, 0, &fd),
             WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(fd), A(fds)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + fds + 8), WASI_RIGHT_FD_SEEK);
    /* without path_create_file, O_CREAT is refused */
    CHECK_EQ(call(wasi_fd_fdstat_set_rights, 3, A(ROOT_FD),
                  A(dir_base & ~WASI_RIGHT_PATH_CREATE_FILE), A(WASI_RIGHT_FD_SEEK)),
             WASI_ESUCCESS);
    CHECK_EQ(open_path(ROOT_FD, 0, "x", WASI_OFLAG_CREAT, 0, 0, &fd), WASI_ENOTCAPABLE);
    CHECK(!host_exists("root/x"));
}

static void test_fd_table(void)
{
    fixture_setup();
    uint32_t a, b;
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ, 0, &a), WASI_ESUCCESS);
    CHECK_EQ(open_path(ROOT_FD, 0, "sub", WASI_OFLAG_DIRECTORY, WASI_RIGHTS_DIR, 0, &b),
             WASI_ESUCCESS);
    CHECK_EQ(a, 4);
    CHECK_EQ(b, 5);
    CHECK_EQ(call(wasi_fd_renumber, 2, A(a), A(b)), WASI_ESUCCESS);
    uint32_t fds = alloc_mem(WASI_FDSTAT_SIZE);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(b), A(fds)), WASI_ESUCCESS);
    CHECK_EQ(mem[fds], WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(call(wasi_fd_fdstat_get, 2, A(a), A(fds)), WASI_EBADF);
    CHECK_EQ(call(wasi_fd_renumber, 2, A(b), A(77)), WASI_EBADF);
    /* the lowest free number is reused */
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ, 0, &a), WASI_ESUCCESS);
    CHECK_EQ(a, 4);
    /* prestat */
    uint32_t ps = alloc_mem(8), name = alloc_mem(8);
    CHECK_EQ(call(wasi_fd_prestat_get, 2, A(ROOT_FD), A(ps)), WASI_ESUCCESS);
    CHECK_EQ(mem[ps], WASI_PREOPENTYPE_DIR);
    CHECK_EQ(wasi_ld32(mem + ps + 4), 1);
    CHECK_EQ(call(wasi_fd_prestat_dir_name, 3, A(ROOT_FD), A(name), A(1)), WASI_ESUCCESS);
    CHECK_EQ(mem[name], '/');
    CHECK_EQ(call(wasi_fd_prestat_dir_name, 3, A(ROOT_FD), A(name), A(0)), WASI_ENAMETOOLONG);
    CHECK_EQ(call(wasi_fd_prestat_get, 2, A(a), A(ps)), WASI_EBADF);
    CHECK_EQ(call(wasi_fd_prestat_get, 2, A(50), A(ps)), WASI_EBADF);
    /* closing a preopen is allowed */
    CHECK_EQ(call(wasi_fd_close, 1, A(ROOT_FD)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_fd_prestat_get, 2, A(ROOT_FD), A(ps)), WASI_EBADF);
}

struct entry { char name[64]; uint8_t type; uint64_t next; };

static int read_dir(uint32_t fd, uint64_t cookie, uint32_t buf_len, struct entry *out, int max,
                    uint32_t *used_out)
{
    uint32_t buf = alloc_mem(buf_len), used = alloc_mem(4);
    if (call(wasi_fd_readdir, 5, A(fd), A(buf), A(buf_len), A(cookie), A(used)))
        return -1;
    uint32_t u = wasi_ld32(mem + used), p = 0;
    int n = 0;
    while (p + WASI_DIRENT_SIZE <= u && n < max) {
        uint32_t len = wasi_ld32(mem + buf + p + 16);
        if (p + WASI_DIRENT_SIZE + len > u)
            break;
        out[n].next = wasi_ld64(mem + buf + p);
        out[n].type = mem[buf + p + 20];
        memcpy(out[n].name, mem + buf + p + WASI_DIRENT_SIZE, len < 63 ? len : 63);
        out[n].name[len < 63 ? len : 63] = 0;
        p += WASI_DIRENT_SIZE + len;
        n++;
    }
    *used_out = u;
    return n;
}

static void test_readdir(void)
{
    fixture_setup();
    struct entry e[16];
    uint32_t used;
    int n = read_dir(ROOT_FD, 0, 4096, e, 16, &used);
    CHECK_EQ(n, 4);   /* . .. file sub */
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(e[i].name, "file") == 0 && e[i].type == WASI_FILETYPE_REGULAR_FILE) seen |= 1;
        if (strcmp(e[i].name, "sub") == 0 && e[i].type == WASI_FILETYPE_DIRECTORY) seen |= 2;
        if (strcmp(e[i].name, ".") == 0) seen |= 4;
        if (strcmp(e[i].name, "..") == 0) seen |= 8;
    }
    CHECK_EQ(seen, 15);
    CHECK(used < 4096);
    /* continue from the second entry's cookie: the last two come back */
    struct entry f[16];
    CHECK_EQ(read_dir(ROOT_FD, e[1].next, 4096, f, 16, &used), 2);
    CHECK(strcmp(f[0].name, e[2].name) == 0);
    /* a small buffer is filled completely: bufused == buf_len says "there is more" */
    CHECK_EQ(read_dir(ROOT_FD, 0, 30, f, 16, &used), 1);
    CHECK_EQ(used, 30);
    /* a file is not a directory */
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR, 0, &fd),
             WASI_ESUCCESS);
    CHECK_EQ(read_dir(fd, 0, 100, f, 16, &used), -1);
}

static void test_path_operations(void)
{
    fixture_setup();
    uint32_t d = put_str("d"), dd = put_str("d/e"), st = alloc_mem(WASI_FILESTAT_SIZE);
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(d), A(1)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(d), A(1)), WASI_EEXIST);
    CHECK_EQ(call(wasi_path_create_directory, 3, A(ROOT_FD), A(dd), A(3)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_remove_directory, 3, A(ROOT_FD), A(d), A(1)), WASI_ENOTEMPTY);
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(0), A(dd), A(3), A(st)),
             WASI_ESUCCESS);
    CHECK_EQ(mem[st + 16], WASI_FILETYPE_DIRECTORY);
    uint32_t f = put_str("file"), g = put_str("d/e/g");
    CHECK_EQ(call(wasi_path_rename, 6, A(ROOT_FD), A(f), A(4), A(ROOT_FD), A(g), A(5)),
             WASI_ESUCCESS);
    CHECK(host_exists("root/d/e/g") && !host_exists("root/file"));
    CHECK_EQ(call(wasi_path_link, 7, A(ROOT_FD), A(0), A(g), A(5), A(ROOT_FD), A(f), A(4)),
             WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(0), A(f), A(4), A(st)),
             WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + st + 24), 2);
    CHECK_EQ(call(wasi_path_unlink_file, 3, A(ROOT_FD), A(g), A(5)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_unlink_file, 3, A(ROOT_FD), A(g), A(5)), WASI_ENOENT);
    CHECK_EQ(call(wasi_path_unlink_file, 3, A(ROOT_FD), A(d), A(1)), WASI_EISDIR);
    uint32_t fslash = put_str("file/");
    CHECK_EQ(call(wasi_path_unlink_file, 3, A(ROOT_FD), A(fslash), A(5)), WASI_ENOTDIR);
    CHECK_EQ(call(wasi_path_remove_directory, 3, A(ROOT_FD), A(f), A(4)), WASI_ENOTDIR);
    CHECK_EQ(call(wasi_path_remove_directory, 3, A(ROOT_FD), A(dd), A(3)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_remove_directory, 3, A(ROOT_FD), A(put_str("d/")), A(2)),
             WASI_ESUCCESS);
    /* symlink + readlink (truncating) */
    uint32_t l = put_str("link"), buf = alloc_mem(8), used = alloc_mem(4);
    CHECK_EQ(call(wasi_path_symlink, 5, A(f), A(4), A(ROOT_FD), A(l), A(4)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_readlink, 6, A(ROOT_FD), A(l), A(4), A(buf), A(8), A(used)),
             WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + used), 4);
    CHECK(memcmp(mem + buf, "file", 4) == 0);
    CHECK_EQ(call(wasi_path_readlink, 6, A(ROOT_FD), A(l), A(4), A(buf), A(2), A(used)),
             WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + used), 2);
    CHECK_EQ(call(wasi_path_readlink, 6, A(ROOT_FD), A(f), A(4), A(buf), A(8), A(used)),
             WASI_EINVAL);
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(WASI_LOOKUP_SYMLINK_FOLLOW), A(l),
                  A(4), A(st)), WASI_ESUCCESS);
    CHECK_EQ(mem[st + 16], WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(call(wasi_path_filestat_set_times, 7, A(ROOT_FD), A(0), A(f), A(4), A(0),
                  A(9000000000ull), A(WASI_FSTFLAG_MTIM)), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_path_filestat_get, 5, A(ROOT_FD), A(0), A(f), A(4), A(st)),
             WASI_ESUCCESS);
    CHECK_EQ(wasi_ld64(mem + st + 48), 9000000000ull);
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, 0, "file/", 0, WASI_RIGHT_FD_READ, 0, &fd), WASI_ENOTDIR);
    CHECK_EQ(open_path(ROOT_FD, 0, "sub///", 0, 0, 0, &fd), WASI_ESUCCESS);
    CHECK_EQ(open_path(ROOT_FD, 0, "sub/.//../sub/./", 0, 0, 0, &fd), WASI_ESUCCESS);
    CHECK_EQ(open_path(ROOT_FD, 0, "missing", 0, 0, 0, &fd), WASI_ENOENT);
    CHECK_EQ(open_path(ROOT_FD, 0, "missing/x", WASI_OFLAG_CREAT, 0, 0, &fd), WASI_ENOENT);
    CHECK_EQ(open_path(ROOT_FD, 0, "file/x", 0, 0, 0, &fd), WASI_ENOTDIR);
}

static void test_poll_clock(void)
{
    fixture_setup();
    uint32_t subs = alloc_mem(2 * WASI_SUBSCRIPTION_SIZE), ev = alloc_mem(2 * WASI_EVENT_SIZE);
    uint32_t n = alloc_mem(4), t0 = alloc_mem(8), t1 = alloc_mem(8);
    wasi_st64(mem + subs, 42);
    mem[subs + 8] = WASI_EVENT_CLOCK;
    wasi_st32(mem + subs + 16, WASI_CLOCK_MONOTONIC);
    wasi_st64(mem + subs + 24, 20000000);   /* 20 ms */
    call(wasi_clock_time_get, 3, A(WASI_CLOCK_MONOTONIC), A(1), A(t0));
    CHECK_EQ(call(wasi_poll_oneoff, 4, A(subs), A(ev), A(1), A(n)), WASI_ESUCCESS);
    call(wasi_clock_time_get, 3, A(WASI_CLOCK_MONOTONIC), A(1), A(t1));
    CHECK_EQ(wasi_ld32(mem + n), 1);
    CHECK_EQ(wasi_ld64(mem + ev), 42);
    CHECK_EQ(mem[ev + 10], WASI_EVENT_CLOCK);
    CHECK(wasi_ld64(mem + t1) - wasi_ld64(mem + t0) >= 20000000);
    /* a regular file is always ready; it wins over a long timeout */
    uint32_t fd;
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_POLL_FD_READWRITE,
                       0, &fd), WASI_ESUCCESS);
    wasi_st64(mem + subs + 24, 10000000000ull);
    uint32_t s2 = subs + WASI_SUBSCRIPTION_SIZE;
    wasi_st64(mem + s2, 7);
    mem[s2 + 8] = WASI_EVENT_FD_READ;
    wasi_st32(mem + s2 + 16, fd);
    CHECK_EQ(call(wasi_poll_oneoff, 4, A(subs), A(ev), A(2), A(n)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + n), 1);
    CHECK_EQ(wasi_ld64(mem + ev), 7);
    CHECK_EQ(wasi_ld64(mem + ev + 16), 5);   /* bytes left to read */
    /* a bad fd gives an event with EBADF, not a failed call */
    wasi_st32(mem + s2 + 16, 99);
    CHECK_EQ(call(wasi_poll_oneoff, 4, A(subs), A(ev), A(2), A(n)), WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + n), 1);
    CHECK_EQ(wasi_ld16(mem + ev + 8), WASI_EBADF);
    CHECK_EQ(call(wasi_poll_oneoff, 4, A(subs), A(ev), A(0), A(n)), WASI_EINVAL);
}

static void test_sockets_refuse_non_sockets(void)
{
    fixture_setup();
    uint32_t out = alloc_mem(4);
    CHECK_EQ(call(wasi_sock_shutdown, 2, A(1), A(WASI_SDFLAG_RD)), WASI_ENOTSOCK);
    CHECK_EQ(call(wasi_sock_shutdown, 2, A(77), A(WASI_SDFLAG_RD)), WASI_EBADF);
    CHECK_EQ(call(wasi_sock_accept, 3, A(ROOT_FD), A(0), A(out)), WASI_ENOTCAPABLE);
}

/* wasi_unstable (snapshot 0): whence numbering, 56-byte filestat, 56-byte subscriptions */
static void test_unstable_layouts(void)
{
    fixture_setup();
    uint32_t fd, pos = alloc_mem(8), st = alloc_mem(56);
    CHECK_EQ(open_path(ROOT_FD, 0, "file", 0, WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |
                       WASI_RIGHT_FD_TELL | WASI_RIGHT_FD_FILESTAT_GET, 0, &fd), WASI_ESUCCESS);
    CHECK_EQ(call(wasi_unstable_fd_seek, 4, A(fd), A(0), A(1), A(pos)), WASI_ESUCCESS);  /* END */
    CHECK_EQ(wasi_ld64(mem + pos), 5);
    CHECK_EQ(call(wasi_unstable_fd_seek, 4, A(fd), A(1), A(2), A(pos)), WASI_ESUCCESS);  /* SET */
    CHECK_EQ(wasi_ld64(mem + pos), 1);
    CHECK_EQ(call(wasi_unstable_fd_seek, 4, A(fd), A(1), A(0), A(pos)), WASI_ESUCCESS);  /* CUR */
    CHECK_EQ(wasi_ld64(mem + pos), 2);
    CHECK_EQ(call(wasi_unstable_fd_seek, 4, A(fd), A(0), A(3), A(pos)), WASI_EINVAL);
    memset(mem + st, 0xee, 56);
    CHECK_EQ(call(wasi_unstable_fd_filestat_get, 2, A(fd), A(st)), WASI_ESUCCESS);
    CHECK_EQ(mem[st + 16], WASI_FILETYPE_REGULAR_FILE);
    CHECK_EQ(wasi_ld32(mem + st + 20), 1);
    CHECK_EQ(wasi_ld64(mem + st + 24), 5);
    CHECK_EQ(call(wasi_unstable_fd_filestat_get, 2, A(fd), A(MEM_SIZE - 55)), WASI_EFAULT);
    uint32_t p = put_str("file");
    memset(mem + st, 0xee, 56);
    CHECK_EQ(call(wasi_unstable_path_filestat_get, 5, A(ROOT_FD), A(0), A(p), A(4), A(st)),
             WASI_ESUCCESS);
    CHECK_EQ(wasi_ld32(mem + st + 20), 1);
    CHECK_EQ(wasi_ld64(mem + st + 24), 5);
    uint32_t sub = alloc_mem(56), ev = alloc_mem(WASI_EVENT_SIZE), n = alloc_mem(4);
    uint32_t t0 = alloc_mem(8), t1 = alloc_mem(8);
    wasi_st64(mem + sub, 77);
    mem[sub + 8] = WASI_EVENT_CLOCK;
    wasi_st64(mem + sub + 16, 0x1234);          /* identifier */
    wasi_st32(mem + sub + 24, WASI_CLOCK_MONOTONIC);
    wasi_st64(mem + sub + 32, 15000000);        /* 15 ms */
    call(wasi_clock_time_get, 3, A(WASI_CLOCK_MONOTONIC), A(1), A(t0));
    CHECK_EQ(call(wasi_unstable_poll_oneoff, 4, A(sub), A(ev), A(1), A(n)), WASI_ESUCCESS);
    call(wasi_clock_time_get, 3, A(WASI_CLOCK_MONOTONIC), A(1), A(t1));
    CHECK_EQ(wasi_ld32(mem + n), 1);
    CHECK_EQ(wasi_ld64(mem + ev), 77);
    CHECK(wasi_ld64(mem + t1) - wasi_ld64(mem + t0) >= 15000000);
}

static void test_proc_exit_and_table(void)
{
    fixture_setup();
    call(wasi_proc_exit, 1, A(33));
    CHECK_EQ(last_status, WASM_EXIT);
    CHECK_EQ(exit_status, 33);
    defined_count = 0;
    CHECK_EQ(wasi_link(ctx, NULL), WASM_OK);
    /* preview1 and the 11 WasmEdge socket calls; wasi_unstable without sock_accept and those */
    CHECK_EQ(defined_count, 46 + 11 + 45);
    CHECK(wasi_provides("wasi_snapshot_preview1", "fd_write"));
    CHECK(!wasi_provides("wasi_snapshot_preview1", "fd_nonsense"));
    CHECK(!wasi_provides("env", "fd_write"));
    CHECK(wasi_provides("wasi_unstable", "fd_write"));
    CHECK(!wasi_provides("wasi_unstable", "sock_accept"));
    CHECK(wasi_provides("wasi_snapshot_preview1", "sock_getaddrinfo"));
    CHECK(!wasi_provides("wasi_unstable", "sock_open"));
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"args_environ", test_args_environ},
        {"clocks_random", test_clocks_random},
        {"file_io", test_file_io},
        {"rights", test_rights},
        {"fd_table", test_fd_table},
        {"readdir", test_readdir},
        {"path_operations", test_path_operations},
        {"poll_clock", test_poll_clock},
        {"sockets_refuse_non_sockets", test_sockets_refuse_non_sockets},
        {"unstable_layouts", test_unstable_layouts},
        {"proc_exit_and_table", test_proc_exit_and_table},
        {NULL, NULL},
    };
    int rc = test_main(tests, argc, argv);
    fixture_teardown();
    return rc;
}
