/* wasi-runner MANIFEST [FROM TO] — runs the official WASI testsuite inside walos
 * (tests/qemu/wasi-suite.test).
 *
 * MANIFEST (written on the host by tests/qemu/wasi/manifest.py from the suite's per-test JSON files,
 * format documented there) lists one record per test: its name, the .wasm path, args, the complete
 * environment, the directory to preopen as the child's "/" (optional), the expected exit status and
 * the expected stdout prefix (optional). For each test the runner, like the upstream runner
 * (../shared/testsuites/wasi/FORMAT.md):
 *   - deletes every *.cleanup entry under the root (before and after the run);
 *   - opens the root directory and names that fd "/" (walos_proc preopen), so the child gets it as its
 *     only preopen, fd 3, and nothing else of the runner's filesystem;
 *   - spawns the .wasm (walos_proc spawn) with stdin on an empty pipe (end of file at once), stdout on a
 *     pipe the runner reads, stderr on the runner's own (the console);
 *   - reads the child's stdout until end of file (at most TEST_TIMEOUT_MS: then it kills the child),
 *     waits for it and compares the status and the stdout prefix.
 * It prints "wasi: NAME ok (N ms)" or "wasi: NAME FAIL why" per test, then
 * "wasi: N passed, N failed" and the kernel's free memory before and after (a leak per spawn would
 * show). With FROM TO it then runs every test a second time on copies of the fixtures: each root
 * under FROM is copied (files and directories, recursively) to the same place under TO (e.g. /wasi
 * on FAT32 to /tmp/wasi on the RAM filesystem) before its first test, and the results print as
 * "wasi@TO: NAME ok|FAIL ...", "wasi@TO: N passed, N failed" and the free memory after. It exits 0
 * once every test ran (the set of passing tests is judged on the host: tests/qemu/wasi/check.py);
 * 2 when it cannot run at all (bad manifest, no "/" preopen, a copy that fails). */
#include <errno.h>
#include <dirent.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "sdk/walos.h"

#define TEST_TIMEOUT_MS 60000
#define MAX_ARGS 32
#define MAX_ENV 32
#define STDOUT_KEEP 4096
#define PACK_BYTES 8192

struct test {
    char *name, *path, *root, *want_stdout;
    char *args[MAX_ARGS];
    int nargs;
    char *env[MAX_ENV];
    int nenv;
    int want_exit;
};

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Undoes the manifest's escapes in place: \n \t \\ \xHH. */
static char *unescape(char *s)
{
    char *out = s;
    for (char *in = s; *in; in++) {
        if (*in != '\\' || !in[1]) {
            *out++ = *in;
            continue;
        }
        in++;
        if (*in == 'n') {
            *out++ = '\n';
        } else if (*in == 't') {
            *out++ = '\t';
        } else if (*in == 'x' && in[1] && in[2]) {
            char hex[3] = {in[1], in[2], 0};
            *out++ = (char)strtol(hex, NULL, 16);
            in += 2;
        } else {
            *out++ = *in;
        }
    }
    *out = 0;
    return s;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf)
        buf[len] = 0;
    return buf;
}

/* Parses the next record from *cursor into t. Returns 1 (a record), 0 (end), -1 (bad line). */
static int next_test(char **cursor, struct test *t)
{
    memset(t, 0, sizeof *t);
    char *line;
    while ((line = strsep(cursor, "\n")) != NULL) {
        if (!*line || *line == '#')
            continue;
        char *value = strchr(line, ' ');
        if (value)
            *value++ = 0;
        else
            value = line + strlen(line);
        unescape(value);
        if (!strcmp(line, "test"))
            t->name = value;
        else if (!strcmp(line, "path"))
            t->path = value;
        else if (!strcmp(line, "root"))
            t->root = value;
        else if (!strcmp(line, "stdout"))
            t->want_stdout = value;
        else if (!strcmp(line, "exit"))
            t->want_exit = atoi(value);
        else if (!strcmp(line, "arg") && t->nargs < MAX_ARGS)
            t->args[t->nargs++] = value;
        else if (!strcmp(line, "env") && t->nenv < MAX_ENV)
            t->env[t->nenv++] = value;
        else if (!strcmp(line, "end"))
            return t->name && t->path ? 1 : -1;
        else
            return -1;
    }
    return t->name ? -1 : 0;
}

/* Deletes every entry named *.cleanup under dir (directories recursively), as the upstream runner;
 * a doomed directory goes with everything in it (doomed set by the caller for the contents). */
static void cleanup_tree(const char *dir, int depth, bool doomed_dir)
{
    DIR *d = opendir(dir);
    if (!d || depth > 8) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n = strlen(e->d_name);
        bool doomed = doomed_dir || (n > 8 && !strcmp(e->d_name + n - 8, ".cleanup"));
        struct stat st;
        bool is_dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir)
            cleanup_tree(path, depth + 1, doomed);
        if (doomed && (is_dir ? rmdir(path) : unlink(path)) == 0)
            rewinddir(d); /* the listing changed under us */
    }
    closedir(d);
}

static void cleanup(const char *dir, int depth) { cleanup_tree(dir, depth, false); }

/* mkdir -p of path's directories and path itself. */
static int mkdirs(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            if (!c)
                return 0;
            *p = c;
        }
    }
}

/* Copies directory from (files and directories, recursively) into the existing directory to. */
static int copy_tree(const char *from, const char *to, int depth)
{
    DIR *d = opendir(from);
    if (!d || depth > 8) {
        if (d)
            closedir(d);
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char src[512], dst[512];
        snprintf(src, sizeof src, "%s/%s", from, e->d_name);
        snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
        struct stat st;
        if (lstat(src, &st) != 0) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = mkdir(dst, 0755) == 0 || errno == EEXIST ? copy_tree(src, dst, depth + 1) : -1;
        } else {
            FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
            char buf[4096];
            size_t n;
            while (out && (n = fread(buf, 1, sizeof buf, in)) > 0)
                if (fwrite(buf, 1, n, out) != n)
                    rc = -1;
            if (!out || (in && ferror(in)))
                rc = -1;
            if (out && fclose(out) != 0)
                rc = -1;
            if (in)
                fclose(in);
        }
    }
    closedir(d);
    return rc;
}

/* The runner's preopen named "/" (the kernel's run= gives it one). */
static int root_preopen(void)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t ps;
        if (__wasi_fd_prestat_get(fd, &ps) != 0)
            break;
        char name[8];
        if (ps.u.dir.pr_name_len == 1 && __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, 1) == 0 &&
            name[0] == '/')
            return (int)fd;
    }
    return -1;
}

static size_t pack(char *buf, size_t cap, char *const *v, int n, const char *first)
{
    size_t len = 0;
    for (int i = first ? -1 : 0; i < n; i++) {
        const char *s = i < 0 ? first : v[i];
        size_t k = strlen(s) + 1;
        if (len + k > cap)
            break;
        memcpy(buf + len, s, k);
        len += k;
    }
    return len;
}

/* Runs one test; returns NULL when it passed, else why (in why_buf). */
static const char *run_test(int root_fd, const struct test *t, char *why_buf, size_t why_cap)
{
    int dir_fd = -1;
    if (t->root) {
        __wasi_fdstat_t st;
        __wasi_fd_t fd;
        if (__wasi_fd_fdstat_get((__wasi_fd_t)root_fd, &st) != 0)
            return "fdstat of the runner's root failed";
        const char *rel = t->root[0] == '/' ? t->root + 1 : t->root;
        int err = __wasi_path_open((__wasi_fd_t)root_fd, 0, rel, __WASI_OFLAGS_DIRECTORY,
                                   st.fs_rights_base, st.fs_rights_inheriting, 0, &fd);
        if (err) {
            snprintf(why_buf, why_cap, "cannot open root %s (errno %d)", t->root, err);
            return why_buf;
        }
        dir_fd = (int)fd;
        if ((err = walos_proc_preopen((uint32_t)dir_fd, "/", 1)) != 0) {
            close(dir_fd);
            snprintf(why_buf, why_cap, "walos_proc_preopen failed (errno %d)", err);
            return why_buf;
        }
    }
    uint32_t in[2], out[2];
    if (walos_proc_pipe(in) || walos_proc_pipe(out)) {
        if (dir_fd >= 0)
            close(dir_fd);
        return "pipe failed";
    }
    close((int)in[1]); /* stdin: end of file at once */
    static char argv[PACK_BYTES], env[PACK_BYTES];
    size_t argv_len = pack(argv, sizeof argv, t->args, t->nargs, t->path);
    size_t env_len = pack(env, sizeof env, t->env, t->nenv, NULL);
    uint32_t fds[4] = {in[0], out[1], 2, (uint32_t)dir_fd};
    uint32_t pid;
    int err = walos_proc_spawn(t->path, (uint32_t)strlen(t->path), argv, (uint32_t)argv_len, env,
                               (uint32_t)env_len, fds, dir_fd >= 0 ? 4 : 3, 0, &pid);
    close((int)in[0]);
    close((int)out[1]);
    if (dir_fd >= 0)
        close(dir_fd);
    if (err) {
        close((int)out[0]);
        snprintf(why_buf, why_cap, "spawn failed (errno %d)", err);
        return why_buf;
    }
    static char got[STDOUT_KEEP + 1];
    size_t got_len = 0;
    long long deadline = now_ms() + TEST_TIMEOUT_MS;
    bool timed_out = false;
    for (;;) {
        struct pollfd p = {.fd = (int)out[0], .events = POLLIN};
        int r = poll(&p, 1, 1000);
        if (r > 0) {
            char buf[512];
            ssize_t n = read((int)out[0], buf, sizeof buf);
            if (n <= 0)
                break; /* end of file: the child and every copy of the write end are gone */
            size_t keep = (size_t)n < STDOUT_KEEP - got_len ? (size_t)n : STDOUT_KEEP - got_len;
            memcpy(got + got_len, buf, keep);
            got_len += keep;
        } else if (r < 0 && errno != EINTR) {
            break;
        }
        if (now_ms() > deadline) {
            timed_out = true;
            walos_proc_kill(pid);
            break;
        }
    }
    got[got_len] = 0;
    close((int)out[0]);
    int32_t status = -1;
    err = walos_proc_wait(pid, WALOS_WAIT_BLOCK, &status);
    if (timed_out) {
        snprintf(why_buf, why_cap, "timed out after %d s", TEST_TIMEOUT_MS / 1000);
        return why_buf;
    }
    if (err) {
        snprintf(why_buf, why_cap, "wait failed (errno %d)", err);
        return why_buf;
    }
    if (status != t->want_exit) {
        snprintf(why_buf, why_cap, "exit status %d, expected %d", status, t->want_exit);
        return why_buf;
    }
    if (t->want_stdout && strncmp(got, t->want_stdout, strlen(t->want_stdout))) {
        snprintf(why_buf, why_cap, "stdout \"%.40s\", expected \"%.40s\"", got, t->want_stdout);
        return why_buf;
    }
    return NULL;
}

/* Runs every test of the manifest; with from/to, on copies of their roots under `to`. Prints results
 * with `label`. Returns 0, or 2 when the manifest is bad or a copy fails. */
static int run_pass(const char *text, int root_fd, const char *label, const char *from,
                    const char *to)
{
    char *manifest = strdup(text), *cursor = manifest;
    struct test t;
    int passed = 0, failed = 0, r;
    static char why_buf[256], root[512], copied[512];
    copied[0] = 0;
    while ((r = next_test(&cursor, &t)) > 0) {
        size_t from_len = from ? strlen(from) : 0;
        if (from && t.root && !strncmp(t.root, from, from_len) && t.root[from_len] == '/') {
            snprintf(root, sizeof root, "%s%s", to, t.root + from_len);
            if (strcmp(root, copied) != 0) { /* a new fixture folder: fresh copy */
                cleanup(t.root, 0);
                if (mkdirs(root) != 0 || copy_tree(t.root, root, 0) != 0) {
                    printf("%s: cannot run: copying %s to %s failed (errno %d)\n", label, t.root,
                           root, errno);
                    free(manifest);
                    return 2;
                }
                snprintf(copied, sizeof copied, "%s", root);
            }
            t.root = root;
        }
        if (t.root)
            cleanup(t.root, 0);
        long long start = now_ms();
        const char *why = run_test(root_fd, &t, why_buf, sizeof why_buf);
        long long ms = now_ms() - start;
        if (t.root)
            cleanup(t.root, 0);
        if (why) {
            printf("%s: %s FAIL %s\n", label, t.name, why);
            failed++;
        } else {
            printf("%s: %s ok (%lld ms)\n", label, t.name, ms);
            passed++;
        }
        fflush(stdout);
    }
    free(manifest);
    if (r < 0) {
        printf("%s: cannot run: bad manifest record after %d tests\n", label, passed + failed);
        return 2;
    }
    printf("%s: %d passed, %d failed\n", label, passed, failed);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: wasi-runner MANIFEST [FROM TO]\n");
        return 2;
    }
    char *manifest = read_file(argv[1]);
    int root_fd = root_preopen();
    if (!manifest || root_fd < 0) {
        printf("wasi: cannot run: %s\n", !manifest ? "manifest unreadable" : "no \"/\" preopen");
        return 2;
    }
    struct walos_sysinfo before, after;
    walos_proc_sysinfo(&before);
    if (run_pass(manifest, root_fd, "wasi", NULL, NULL) != 0)
        return 2;
    walos_proc_sysinfo(&after);
    printf("wasi: free memory %llu KiB before the tests, %llu KiB after\n",
           (unsigned long long)before.mem_free / 1024, (unsigned long long)after.mem_free / 1024);
    if (argc == 4) {
        static char label[128];
        snprintf(label, sizeof label, "wasi@%s", argv[3]);
        if (run_pass(manifest, root_fd, label, argv[2], argv[3]) != 0)
            return 2;
        walos_proc_sysinfo(&after);
        printf("%s: free memory %llu KiB after the tests\n", label,
               (unsigned long long)after.mem_free / 1024);
    }
    return 0;
}
