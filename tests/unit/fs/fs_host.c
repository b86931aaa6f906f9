/* tests/unit/fs/fs_host.c — host support for the filesystem tests (contract in fs_host.h). */
#include "tests/unit/fs/fs_host.h"
#include "kernel/fs/fat32.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- allocation (kernel/fs/fs_alloc.h) --------------------------------------------------------- */

void *kmalloc(size_t size)
{
    return malloc(size ? size : 1);
}

void *kzalloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void kfree(void *ptr)
{
    free(ptr);
}

/* ---- harness ---------------------------------------------------------------------------------- */

int fs_checks_failed;
const char *fs_skip_reason;

int fs_test_main(const struct fs_test *tests, int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    mkdir(work_path(""), 0755);
    for (const struct fs_test *t = tests; t->name; t++) {
        if (argc > 1 && !strstr(t->name, argv[1]))
            continue;
        int before = fs_checks_failed;
        fs_skip_reason = NULL;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        t->fn();
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        fflush(stdout);
        if (fs_checks_failed != before) {
            printf("FAIL %s\n", t->name);
            failed++;
        } else if (fs_skip_reason) {
            printf("skip %s: %s\n", t->name, fs_skip_reason);
            skipped++;
        } else {
            printf("ok %s (%.1f s)\n", t->name, secs);
            passed++;
        }
        fflush(stdout);
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}

/* ---- file device ------------------------------------------------------------------------------ */

static int file_submit(struct block_device *dev, struct block_request *req)
{
    struct file_dev *f = dev->priv;
    int status = BLOCK_OK;
    size_t bytes = (size_t)req->count * dev->sector_size;
    off_t off = (off_t)(req->lba * dev->sector_size);
    if (req->op != BLOCK_FLUSH && (req->lba >= dev->sector_count || req->count > dev->sector_count - req->lba))
        return BLOCK_ERANGE;
    switch (req->op) {
    case BLOCK_READ:
        if (f->fail_reads || pread(f->fd, req->buf, bytes, off) != (ssize_t)bytes)
            status = BLOCK_EIO;
        break;
    case BLOCK_WRITE:
        if (dev->read_only) {
            status = BLOCK_EROFS;
        } else if (f->fail_after >= 0 && (int64_t)f->writes >= f->fail_after) {
            status = BLOCK_EIO;
        } else {
            if (!(f->cut_after >= 0 && (int64_t)f->writes >= f->cut_after) &&
                pwrite(f->fd, req->buf, bytes, off) != (ssize_t)bytes)
                status = BLOCK_EIO;
            f->writes++;
        }
        break;
    case BLOCK_FLUSH:
        f->flushes++;
        break; /* the test process's page cache is the "disk"; fsync would only slow the tests */
    default:
        return BLOCK_EINVAL;
    }
    req->done(req, status);
    return BLOCK_OK;
}

static const struct block_ops file_ops = {.submit = file_submit, .wait = NULL};

bool file_dev_open(struct file_dev *f, const char *path, bool read_only)
{
    return file_dev_open_sectors(f, path, read_only, 512);
}

bool file_dev_open_sectors(struct file_dev *f, const char *path, bool read_only, uint32_t sector_size)
{
    memset(f, 0, sizeof *f);
    f->fd = open(path, read_only ? O_RDONLY : O_RDWR);
    if (f->fd < 0)
        return false;
    struct stat st;
    if (fstat(f->fd, &st) != 0 || st.st_size % sector_size != 0) {
        close(f->fd);
        return false;
    }
    f->dev.name = "file";
    f->dev.sector_size = sector_size;
    f->dev.sector_count = (uint64_t)st.st_size / sector_size;
    f->dev.read_only = read_only;
    f->dev.ops = &file_ops;
    f->dev.priv = f;
    f->cut_after = -1;
    f->fail_after = -1;
    return true;
}

void file_dev_close(struct file_dev *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

/* ---- tools ------------------------------------------------------------------------------------ */

const char *work_path(const char *name)
{
    static char bufs[8][512];
    static int next;
    char *b = bufs[next++ % 8];
    const char *dir = getenv("FS_TEST_DIR");
    snprintf(b, sizeof bufs[0], "%s/%s", dir ? dir : "build/fs-test", name);
    return b;
}

int run_cmd(char *out, size_t out_size, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[4300];
    snprintf(full, sizeof full, "PATH=\"$PATH:/usr/sbin:/sbin\" MTOOLS_SKIP_CHECK=1 %s 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t n = 0;
    char tmp[4096];
    size_t got;
    while ((got = fread(tmp, 1, sizeof tmp, p)) > 0) {
        if (out && n + 1 < out_size) {
            size_t take = got < out_size - 1 - n ? got : out_size - 1 - n;
            memcpy(out + n, tmp, take);
            n += take;
        }
    }
    if (out && out_size)
        out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool have_tool(const char *name)
{
    return run_cmd(NULL, 0, "command -v %s >/dev/null", name) == 0;
}

bool make_fat_image(const char *path, unsigned mib, const char *mkfs_opts)
{
    unlink(path);
    char out[2048];
    if (run_cmd(out, sizeof out, "truncate -s %uM '%s'", mib, path) != 0)
        return false;
    if (run_cmd(out, sizeof out, "mkfs.fat -F 32 %s '%s'", mkfs_opts ? mkfs_opts : "", path) != 0) {
        printf("mkfs.fat failed: %s\n", out);
        return false;
    }
    return true;
}

bool fsck_clean(const char *path, char *out, size_t out_size)
{
    int st = run_cmd(out, out_size, "fsck.fat -n '%s'", path);
    return st == 0;
}

/* ---- FAT32 volumes ------------------------------------------------------------------------- */

int64_t test_clock(void *ctx)
{
    (void)ctx;
    return 1700000000; /* 2023-11-14 22:13:20 UTC */
}

bool vol_open_opts(struct vol *v, const char *path, const struct fat32_options *opts)
{
    memset(v, 0, sizeof *v);
    if (!file_dev_open(&v->fd, path, false))
        return false;
    const char *why;
    int err = fat32_mount(&v->fd.dev, opts, &v->fs, &why);
    if (err) {
        printf("mount %s: error %d: %s\n", path, err, why ? why : "");
        file_dev_close(&v->fd);
        return false;
    }
    v->root = fat32_root(v->fs);
    return true;
}

bool vol_open(struct vol *v, const char *path)
{
    struct fat32_options o = {.clock = test_clock};
    return vol_open_opts(v, path, &o);
}

int vol_close(struct vol *v)
{
    vfs_node_release(v->root);
    int err = fat32_unmount(v->fs);
    file_dev_close(&v->fd);
    return err;
}

/* Creates (or truncates) path-relative file name in dir with data. */
int put_file(struct vfs_node *dir, const char *name, const void *data, size_t len)
{
    struct vfs_node *n;
    int err = vfs_create(dir, name, strlen(name), &n);
    if (err == FS_EEXIST) {
        if ((err = vfs_lookup(dir, name, strlen(name), &n)) != FS_OK)
            return err;
        if ((err = vfs_truncate(n, 0)) != FS_OK) {
            vfs_node_release(n);
            return err;
        }
    } else if (err) {
        return err;
    }
    size_t done;
    err = n->ops->write(n, 0, data, len, &done);
    if (!err && done != len)
        err = FS_EIO;
    vfs_node_release(n);
    return err;
}

/* Reads a whole file (at most cap bytes) into buf; returns bytes or -errno. */
long get_file(struct vfs_node *dir, const char *name, void *buf, size_t cap)
{
    struct vfs_node *n;
    int err = vfs_lookup(dir, name, strlen(name), &n);
    if (err)
        return -err;
    size_t done;
    err = n->ops->read(n, 0, buf, cap, &done);
    vfs_node_release(n);
    return err ? -err : (long)done;
}

void check_fsck(const char *img)
{
    char out[4096];
    bool ok = fsck_clean(img, out, sizeof out);
    if (!ok)
        printf("fsck.fat -n %s:\n%s\n", img, out);
    CHECK(ok);
}

/* mtype of ::name equals want. */
void check_mtype(const char *img, const char *name, const char *want)
{
    char out[8192];
    int st = run_cmd(out, sizeof out, "LANG=C.UTF-8 mtype -i '%s' '::%s'", img, name);
    CHECK_EQ(st, 0);
    if (strcmp(out, want) != 0)
        printf("mtype ::%s gave \"%s\", want \"%s\"\n", name, out, want);
    CHECK(strcmp(out, want) == 0);
}

struct vfs_node *must_lookup(struct vfs_node *dir, const char *name)
{
    struct vfs_node *n = NULL;
    int err = vfs_lookup(dir, name, strlen(name), &n);
    if (err)
        printf("lookup %s: %d\n", name, err);
    CHECK_EQ(err, FS_OK);
    return err ? NULL : n;
}

int count_entries(struct vfs_node *dir)
{
    struct vfs_dirent *ent = malloc(sizeof *ent);
    uint64_t cookie = 0;
    int n = 0;
    while (vfs_readdir(dir, cookie, ent) == FS_OK) {
        if (strcmp(ent->name, ".") && strcmp(ent->name, ".."))
            n++;
        cookie = ent->next_cookie;
    }
    free(ent);
    return n;
}

