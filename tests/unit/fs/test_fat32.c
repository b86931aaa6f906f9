/* tests/unit/fs/test_fat32.c — FAT32 driver against images made by mkfs.fat, checked by fsck.fat -n
 * and read back with mtools (issue 5, "Tests and measures", host part). */
#include "kernel/fs/fat32.h"
#include "kernel/fs/bcache.h"
#include "tests/unit/fs/fs_host.h"

#include <stdlib.h>
#include <unistd.h>

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return 1700000000; /* 2023-11-14 22:13:20 UTC */
}

struct vol {
    struct file_dev fd;
    struct fat32 *fs;
    struct vfs_node *root;
};

static bool vol_open_opts(struct vol *v, const char *path, const struct fat32_options *opts)
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

static bool vol_open(struct vol *v, const char *path)
{
    struct fat32_options o = {.clock = test_clock};
    return vol_open_opts(v, path, &o);
}

static int vol_close(struct vol *v)
{
    vfs_node_release(v->root);
    int err = fat32_unmount(v->fs);
    file_dev_close(&v->fd);
    return err;
}

/* Creates (or truncates) path-relative file name in dir with data. */
static int put_file(struct vfs_node *dir, const char *name, const void *data, size_t len)
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
static long get_file(struct vfs_node *dir, const char *name, void *buf, size_t cap)
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

static void check_fsck(const char *img)
{
    char out[4096];
    bool ok = fsck_clean(img, out, sizeof out);
    if (!ok)
        printf("fsck.fat -n %s:\n%s\n", img, out);
    CHECK(ok);
}

/* mtype of ::name equals want. */
static void check_mtype(const char *img, const char *name, const char *want)
{
    char out[8192];
    int st = run_cmd(out, sizeof out, "LANG=C.UTF-8 mtype -i '%s' '::%s'", img, name);
    CHECK_EQ(st, 0);
    if (strcmp(out, want) != 0)
        printf("mtype ::%s gave \"%s\", want \"%s\"\n", name, out, want);
    CHECK(strcmp(out, want) == 0);
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_mount_empty(void)
{
    const char *img = work_path("empty.img");
    CHECK(make_fat_image(img, 40, "-s 1 -n WALOS"));
    struct vol v;
    CHECK(vol_open(&v, img));
    if (!v.fs)
        return;
    struct vfs_dirent ent;
    CHECK_EQ(v.root->ops->readdir(v.root, 0, &ent), FS_ENOENT); /* the label is not listed */
    CHECK(!fat32_is_read_only(v.fs));
    CHECK(fat32_error(v.fs) == NULL);
    CHECK(fat32_free_bytes(v.fs) > 39u * 1000 * 1000 - 4000000);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
}

static void test_create_write_read(void)
{
    const char *img = work_path("basic.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    const char *msg = "hello, walos\n";
    CHECK_EQ(put_file(v.root, "HELLO.TXT", msg, strlen(msg)), FS_OK);
    CHECK_EQ(put_file(v.root, "lower.txt", "x", 1), FS_OK);
    CHECK_EQ(put_file(v.root, "empty", "", 0), FS_OK);
    char buf[64] = {0};
    CHECK_EQ(get_file(v.root, "hello.txt", buf, sizeof buf), (long)strlen(msg)); /* case-insensitive */
    CHECK(memcmp(buf, msg, strlen(msg)) == 0);
    struct vfs_node *n;
    CHECK_EQ(vfs_create(v.root, "HELLO.TXT", 9, &n), FS_EEXIST);
    CHECK_EQ(vfs_lookup(v.root, "nope", 4, &n), FS_ENOENT);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    check_mtype(img, "HELLO.TXT", msg);
    check_mtype(img, "lower.txt", "x");
    char out[4096];
    CHECK_EQ(run_cmd(out, sizeof out, "LANG=C.UTF-8 mdir -i '%s' -b ::/", img), 0);
    CHECK(strstr(out, "::/lower.txt") != NULL);
    CHECK(strstr(out, "::/HELLO.TXT") != NULL);
    /* read back after a remount */
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    memset(buf, 0, sizeof buf);
    CHECK_EQ(get_file(v.root, "HELLO.TXT", buf, sizeof buf), (long)strlen(msg));
    CHECK(strcmp(buf, msg) == 0);
    struct vfs_stat st;
    CHECK_EQ(vfs_lookup(v.root, "lower.txt", 9, &n), FS_OK);
    CHECK_EQ(vfs_stat(n, &st), FS_OK);
    CHECK_EQ(st.size, 1);
    CHECK_EQ(st.type, VFS_FILE);
    CHECK_EQ(st.mtime_ns, 1700000000ull * 1000000000ull);
    vfs_node_release(n);
    CHECK_EQ(vol_close(&v), FS_OK);
}

static void test_mtools_files_readable(void)
{
    const char *img = work_path("mtools.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    char out[4096];
    const char *src = work_path("mtools-src.txt");
    FILE *f = fopen(src, "w");
    for (int i = 0; i < 3000; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    CHECK_EQ(run_cmd(out, sizeof out, "mmd -i '%s' ::/Sub && mcopy -i '%s' '%s' '::/Sub/A Long Name.txt'",
                     img, img, src), 0);
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    struct vfs_node *sub;
    CHECK_EQ(vfs_lookup(v.root, "sub", 3, &sub), FS_OK);
    if (sub) {
        char *buf = malloc(100000);
        long n = get_file(sub, "a long name.TXT", buf, 100000);
        CHECK(n > 20000);
        CHECK(n > 0 && memcmp(buf, "line 0\nline 1\n", 14) == 0);
        CHECK(n > 0 && memcmp(buf + n - 10, "line 2999\n", 10) == 0);
        free(buf);
        vfs_node_release(sub);
    }
    CHECK_EQ(vol_close(&v), FS_OK);
}

static const struct fs_test tests[] = {
    {"mount_empty", test_mount_empty},
    {"create_write_read", test_create_write_read},
    {"mtools_files_readable", test_mtools_files_readable},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
