/* tests/unit/fs/test_vfs.c — the VFS over a FAT32 root and a ramfs /tmp: mount crossing, open
 * files and offsets, readdir cookies, cross-filesystem rules (issue 5); symbolic and hard links and
 * nanosecond times on ramfs (issue 6). */
#include "kernel/fs/fat32.h"
#include "kernel/fs/ramfs.h"
#include "kernel/fs/vfs.h"
#include "tests/unit/fs/fs_host.h"

#include <stdlib.h>

static struct vol v;
static struct ramfs *tmp;

static uint64_t ram_clock(void *ctx)
{
    (void)ctx;
    return 1700000000ull * 1000000000ull;
}

static void test_mounts(void)
{
    const char *img = work_path("vfs.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    CHECK_EQ(vfs_mkdir(v.root, "tmp", 3, NULL), FS_OK);
    CHECK_EQ(vfs_mount("/", v.root), FS_OK);
    CHECK_EQ(vfs_mount("/", v.root), FS_EBUSY);
    CHECK_EQ(ramfs_create(1 << 20, ram_clock, NULL, &tmp), FS_OK);
    struct vfs_node *troot = ramfs_root(tmp);
    CHECK_EQ(vfs_mount("/nope", troot), FS_ENOENT);
    CHECK_EQ(vfs_mount("/tmp", troot), FS_OK);
    vfs_node_release(troot);
    struct vfs_node *root = vfs_root(), *n = NULL;
    CHECK(root == v.root);
    CHECK_EQ(vfs_resolve(root, "/tmp", &n), FS_OK);
    CHECK(n == troot);
    vfs_node_release(n);
    CHECK_EQ(vfs_lookup(root, "tmp", 3, &n), FS_OK);
    CHECK(n == troot);
    /* names in the mount */
    struct vfs_node *f;
    CHECK_EQ(vfs_create(n, "Case", 4, &f), FS_OK);
    vfs_node_release(f);
    CHECK_EQ(vfs_create(n, "case", 4, &f), FS_OK); /* ramfs is case-sensitive */
    vfs_node_release(f);
    CHECK_EQ(vfs_mkdir(n, "sub", 3, NULL), FS_OK);
    CHECK_EQ(vfs_resolve(root, "/tmp/sub/.", &f), FS_OK);
    CHECK_EQ(f->type, VFS_DIR);
    vfs_node_release(f);
    CHECK_EQ(vfs_resolve(root, "/tmp/../tmp", &f), FS_EINVAL);
    /* rules at the boundary */
    CHECK_EQ(vfs_rename(n, "case", 4, root, "case", 4), FS_EXDEV);
    CHECK_EQ(vfs_rmdir(root, "tmp", 3), FS_EBUSY);
    CHECK_EQ(vfs_rename(root, "tmp", 3, root, "tmp2", 4), FS_EBUSY);
    CHECK_EQ(vfs_lookup(root, "..", 2, &f), FS_EINVAL);
    CHECK_EQ(vfs_create(root, "a/b", 3, &f), FS_EINVAL);
    CHECK_EQ(vfs_create(root, ".", 1, &f), FS_EEXIST);
    vfs_node_release(n);
    vfs_node_release(root);
}

static void test_open_files(void)
{
    struct vfs_node *root = vfs_root(), *n;
    if (!root) {
        SKIP("no root mounted (mounts test failed)");
        return;
    }
    const char *paths[] = {"/notes.txt", "/tmp/notes.txt"};
    for (int i = 0; i < 2; i++) {
        struct vfs_node *dir;
        CHECK_EQ(vfs_resolve(root, i ? "/tmp" : "/", &dir), FS_OK);
        CHECK_EQ(vfs_create(dir, "notes.txt", 9, &n), FS_OK);
        vfs_node_release(dir);
        struct vfs_file *w, *r, *a;
        CHECK_EQ(vfs_open(n, VFS_O_WRITE, &w), FS_OK);
        CHECK_EQ(vfs_open(n, VFS_O_READ, &r), FS_OK);
        CHECK_EQ(vfs_open(n, VFS_O_WRITE | VFS_O_APPEND, &a), FS_OK);
        vfs_node_release(n);
        size_t done;
        char buf[64] = {0};
        CHECK_EQ(vfs_write(w, "hello ", 6, &done), FS_OK);
        CHECK_EQ(vfs_write(a, "world", 5, &done), FS_OK);   /* at the end */
        CHECK_EQ(vfs_write(w, "HELLO ", 6, &done), FS_OK);   /* at w's offset 6: overwrites world */
        CHECK_EQ(vfs_read(r, buf, 4, &done), FS_OK);
        CHECK_EQ(vfs_read(r, buf + 4, 60, &done), FS_OK);
        CHECK(strcmp(buf, "hello HELLO ") == 0);
        CHECK_EQ(vfs_read(w, buf, 1, &done), FS_EBADF);
        CHECK_EQ(vfs_write(r, buf, 1, &done), FS_EBADF);
        uint64_t off;
        CHECK_EQ(vfs_seek(r, -6, VFS_SEEK_END, &off), FS_OK);
        CHECK_EQ(off, 6);
        CHECK_EQ(vfs_seek(r, -7, VFS_SEEK_SET, &off), FS_EINVAL);
        CHECK_EQ(vfs_pread(r, 0, buf, 5, &done), FS_OK);
        CHECK(memcmp(buf, "hello", 5) == 0);
        CHECK_EQ(vfs_pwrite(w, 20, "!", 1, &done), FS_OK); /* a gap of zeros */
        CHECK_EQ(vfs_pread(r, 12, buf, 20, &done), FS_OK);
        CHECK_EQ(done, 9);
        CHECK(buf[0] == 0 && buf[7] == 0 && buf[8] == '!');
        /* unlinked while open: still readable through the open file */
        CHECK_EQ(vfs_resolve(root, i ? "/tmp" : "/", &dir), FS_OK);
        CHECK_EQ(vfs_unlink(dir, "notes.txt", 9), FS_OK);
        CHECK_EQ(vfs_lookup(dir, "notes.txt", 9, &n), FS_ENOENT);
        vfs_node_release(dir);
        CHECK_EQ(vfs_pread(r, 0, buf, 5, &done), FS_OK);
        CHECK(memcmp(buf, "hello", 5) == 0);
        vfs_file_hold(r);
        vfs_close(r);
        vfs_close(r);
        vfs_close(w);
        vfs_close(a);
        (void)paths;
    }
    vfs_node_release(root);
}

/* Lists dir from cookie into names (count returned). */
static int list(struct vfs_node *dir, uint64_t cookie, char names[][64], uint64_t *cookies, int max)
{
    struct vfs_dirent *ent = malloc(sizeof *ent);
    int n = 0;
    while (n < max && vfs_readdir(dir, cookie, ent) == FS_OK) {
        snprintf(names[n], 64, "%s", ent->name);
        cookie = ent->next_cookie;
        cookies[n++] = cookie;
    }
    free(ent);
    return n;
}

static void test_readdir_cookies(void)
{
    struct vfs_node *root = vfs_root();
    if (!root) {
        SKIP("no root mounted (mounts test failed)");
        return;
    }
    for (int i = 0; i < 2; i++) {
        struct vfs_node *dir, *d;
        CHECK_EQ(vfs_resolve(root, i ? "/tmp" : "/", &dir), FS_OK);
        CHECK_EQ(vfs_mkdir(dir, "cookies", 7, &d), FS_OK);
        vfs_node_release(dir);
        char name[32];
        for (int k = 0; k < 20; k++) {
            snprintf(name, sizeof name, "entry %02d", k);
            CHECK_EQ(put_file(d, name, "e", 1), FS_OK);
        }
        char names[40][64];
        uint64_t cookies[40];
        int n = list(d, 0, names, cookies, 40);
        CHECK_EQ(n, 22);
        CHECK(strcmp(names[0], ".") == 0 && strcmp(names[1], "..") == 0);
        CHECK(strcmp(names[2], "entry 00") == 0);
        /* resume after entry 05 while entries before and at it go away: the rest is unchanged */
        uint64_t resume = cookies[7];
        CHECK_EQ(vfs_unlink(d, "entry 01", 8), FS_OK);
        CHECK_EQ(vfs_unlink(d, "entry 05", 8), FS_OK);
        char rest[40][64];
        int m = list(d, resume, rest, cookies, 40);
        CHECK_EQ(m, 14);
        CHECK(strcmp(rest[0], "entry 06") == 0 && strcmp(rest[13], "entry 19") == 0);
        CHECK_EQ(list(d, 0, names, cookies, 40), 20);
        vfs_node_release(d);
    }
    vfs_node_release(root);
}

/* wasi-suite rust/fd_readdir: the synthesized "." entry carried ino 0 instead of the directory's own
 * (what fd_filestat_get of that directory reports), on FAT and on ramfs. */
static void test_readdir_dot_ino(void)
{
    struct vfs_node *root = vfs_root();
    if (!root) {
        SKIP("no root mounted (mounts test failed)");
        return;
    }
    struct vfs_dirent *ent = malloc(sizeof *ent);
    for (int i = 0; i < 2; i++) {
        struct vfs_node *dir, *d;
        struct vfs_stat st;
        CHECK_EQ(vfs_resolve(root, i ? "/tmp" : "/", &dir), FS_OK);
        CHECK_EQ(vfs_mkdir(dir, "dotino", 6, &d), FS_OK);
        vfs_node_release(dir);
        CHECK_EQ(vfs_stat(d, &st), FS_OK);
        CHECK_EQ(vfs_readdir(d, 0, ent), FS_OK);
        CHECK(strcmp(ent->name, ".") == 0);
        CHECK(ent->ino == st.ino && st.ino != 0);
        vfs_node_release(d);
    }
    free(ent);
    vfs_node_release(root);
}

/* issue 6: symbolic links, hard links and nanosecond times on ramfs; FAT32 answers ENOTSUP after
 * the POSIX checks. The hard-linked pair left in /tmp is freed once by the teardown (ASan). */
static void test_links(void)
{
    struct vfs_node *root = vfs_root(), *t, *f, *l, *g;
    if (!root) {
        SKIP("no root mounted (mounts test failed)");
        return;
    }
    CHECK_EQ(vfs_resolve(root, "/tmp", &t), FS_OK);
    /* symlinks */
    CHECK_EQ(vfs_symlink(t, "sl", 2, "some/target", 11), FS_OK);
    CHECK_EQ(vfs_symlink(t, "sl", 2, "x", 1), FS_EEXIST);
    CHECK_EQ(vfs_symlink(t, "empty", 5, "", 0), FS_ENOENT);
    CHECK_EQ(vfs_lookup(t, "sl", 2, &l), FS_OK);
    CHECK_EQ(l->type, VFS_SYMLINK);
    struct vfs_stat st, st2;
    CHECK_EQ(vfs_stat(l, &st), FS_OK);
    CHECK(st.type == VFS_SYMLINK && st.size == 11 && st.nlink == 1);
    char buf[32];
    size_t n;
    CHECK_EQ(vfs_readlink(l, buf, sizeof buf, &n), FS_OK);
    CHECK(n == 11 && memcmp(buf, "some/target", 11) == 0);
    CHECK_EQ(vfs_readlink(l, buf, 4, &n), FS_OK); /* truncates, as readlink(2) */
    CHECK(n == 4 && memcmp(buf, "some", 4) == 0);
    struct vfs_file *file;
    CHECK_EQ(vfs_open(l, VFS_O_READ, &file), FS_EINVAL);
    CHECK_EQ(vfs_truncate(l, 0), FS_EINVAL);
    CHECK_EQ(vfs_rmdir(t, "sl", 2), FS_ENOTDIR);
    CHECK_EQ(vfs_unlink(t, "sl", 2), FS_OK);
    CHECK_EQ(vfs_stat(l, &st), FS_OK); /* still held */
    CHECK_EQ(st.nlink, 0u);
    vfs_node_release(l);
    CHECK_EQ(vfs_lookup(t, "sl", 2, &l), FS_ENOENT);
    /* hard links */
    CHECK_EQ(vfs_create(t, "h1", 2, &f), FS_OK);
    size_t done;
    CHECK_EQ(f->ops->write(f, 0, "data", 4, &done), FS_OK);
    CHECK_EQ(vfs_link(f, t, "h2", 2), FS_OK);
    CHECK_EQ(vfs_link(f, t, "h2", 2), FS_EEXIST);
    CHECK_EQ(vfs_link(t, t, "d2", 2), FS_EISDIR);
    CHECK_EQ(vfs_link(f, root, "h3", 2), FS_EXDEV);
    CHECK_EQ(vfs_lookup(t, "h2", 2, &g), FS_OK);
    CHECK(g == f);
    CHECK_EQ(vfs_stat(f, &st), FS_OK);
    CHECK_EQ(st.nlink, 2u);
    CHECK_EQ(vfs_rename(t, "h1", 2, t, "h2", 2), FS_OK); /* two names of one file: no-op */
    CHECK_EQ(vfs_stat(f, &st), FS_OK);
    CHECK_EQ(st.nlink, 2u);
    CHECK_EQ(vfs_unlink(t, "h1", 2), FS_OK);
    CHECK_EQ(vfs_stat(g, &st), FS_OK);
    CHECK_EQ(st.nlink, 1u);
    CHECK_EQ(vfs_link(f, t, "h3", 2), FS_OK);
    CHECK_EQ(vfs_rename(t, "h3", 2, t, "h4", 2), FS_OK);
    CHECK_EQ(vfs_unlink(t, "h2", 2), FS_OK);
    CHECK_EQ(vfs_lookup(t, "h4", 2, &l), FS_OK);
    CHECK_EQ(l->ops->read(l, 0, buf, sizeof buf, &n), FS_OK);
    CHECK(n == 4 && memcmp(buf, "data", 4) == 0);
    vfs_node_release(l);
    CHECK_EQ(vfs_unlink(t, "h4", 2), FS_OK); /* no name left: lives while referenced */
    CHECK_EQ(vfs_link(f, t, "h5", 2), FS_ENOENT);
    CHECK_EQ(f->ops->read(f, 0, buf, sizeof buf, &n), FS_OK);
    CHECK_EQ(n, 4u);
    vfs_node_release(g);
    vfs_node_release(f);
    /* nanosecond times */
    CHECK_EQ(vfs_create(t, "keep1", 5, &f), FS_OK);
    CHECK_EQ(vfs_set_times(f, 1234567890123456789ull, 1234567890123456701ull), FS_OK);
    CHECK_EQ(vfs_stat(f, &st), FS_OK);
    CHECK(st.atime_ns == 1234567890123456789ull && st.mtime_ns == 1234567890123456701ull);
    CHECK_EQ(vfs_set_times(f, UINT64_MAX, st.mtime_ns - 100), FS_OK);
    CHECK_EQ(vfs_stat(f, &st2), FS_OK);
    CHECK(st2.atime_ns == st.atime_ns && st2.mtime_ns == st.mtime_ns - 100);
    CHECK_EQ(vfs_link(f, t, "keep2", 5), FS_OK);
    vfs_node_release(f);
    /* FAT32: EEXIST first, then ENOTSUP */
    CHECK_EQ(vfs_symlink(root, "tmp", 3, "x", 1), FS_EEXIST);
    CHECK_EQ(vfs_symlink(root, "fatsl", 5, "x", 1), FS_ENOTSUP);
    CHECK_EQ(vfs_create(root, "fatf", 4, &f), FS_OK);
    CHECK_EQ(vfs_link(f, root, "tmp", 3), FS_EEXIST);
    CHECK_EQ(vfs_link(f, root, "fatg", 4), FS_ENOTSUP);
    CHECK_EQ(vfs_readlink(f, buf, sizeof buf, &n), FS_EINVAL);
    vfs_node_release(f);
    CHECK_EQ(vfs_unlink(root, "fatf", 4), FS_OK);
    vfs_node_release(t);
    vfs_node_release(root);
}

/* A ramfs alone: renaming over one name of a hard-linked file keeps the file under its other name,
 * symlink targets count in the byte budget and come back when the last name goes, destroy refuses
 * while a linked node is held and frees a tree holding links once. */
static void test_ramfs_links_alone(void)
{
    struct ramfs *fs;
    CHECK_EQ(ramfs_create(64, ram_clock, NULL, &fs), FS_OK);
    struct vfs_node *r = ramfs_root(fs), *a, *b, *n;
    struct vfs_stat st;
    size_t done;
    char target[65];
    memset(target, 'x', sizeof target);
    CHECK_EQ(vfs_symlink(r, "big", 3, target, sizeof target), FS_ENOSPC); /* past the budget */
    CHECK_EQ(vfs_lookup(r, "big", 3, &n), FS_ENOENT);
    CHECK_EQ(vfs_symlink(r, "s", 1, target, 40), FS_OK);
    CHECK_EQ(ramfs_used_bytes(fs), 40u);
    CHECK_EQ(vfs_unlink(r, "s", 1), FS_OK);
    CHECK_EQ(ramfs_used_bytes(fs), 0u);
    CHECK_EQ(vfs_create(r, "a", 1, &a), FS_OK);
    CHECK_EQ(a->ops->write(a, 0, "A", 1, &done), FS_OK);
    CHECK_EQ(vfs_link(a, r, "a2", 2), FS_OK);
    CHECK_EQ(vfs_create(r, "b", 1, &b), FS_OK);
    CHECK_EQ(vfs_rename(r, "b", 1, r, "a", 1), FS_OK); /* "a" now names b; a lives on as "a2" */
    CHECK_EQ(vfs_stat(a, &st), FS_OK);
    CHECK_EQ(st.nlink, 1u);
    CHECK_EQ(vfs_lookup(r, "a2", 2, &n), FS_OK);
    CHECK(n == a);
    vfs_node_release(n);
    CHECK_EQ(vfs_lookup(r, "a", 1, &n), FS_OK);
    CHECK(n == b);
    vfs_node_release(n);
    CHECK_EQ(vfs_symlink(r, "l", 1, "a2", 2), FS_OK);
    struct vfs_dirent *ent = malloc(sizeof *ent);
    int links = 0;
    for (uint64_t c = 0; ent && vfs_readdir(r, c, ent) == FS_OK; c = ent->next_cookie)
        links += ent->type == VFS_SYMLINK && strcmp(ent->name, "l") == 0;
    free(ent);
    CHECK_EQ(links, 1);
    CHECK_EQ(ramfs_destroy(fs), FS_EBUSY); /* a and b are held */
    vfs_node_release(a);
    vfs_node_release(b);
    CHECK_EQ(vfs_link(b, r, "b2", 2), FS_OK); /* b released but still named: still linkable */
    vfs_node_release(r);
    CHECK_EQ(ramfs_destroy(fs), FS_OK);
}

static void test_teardown(void)
{
    if (!v.fs) {
        SKIP("nothing mounted");
        return;
    }
    CHECK_EQ(vfs_sync_all(), FS_OK);
    CHECK_EQ(vfs_unmount("/tmp"), FS_OK);
    CHECK_EQ(vfs_unmount("/tmp"), FS_EINVAL);
    CHECK_EQ(vfs_unmount("/"), FS_EINVAL);
    CHECK_EQ(ramfs_destroy(tmp), FS_OK);
    struct vfs_node *root = vfs_root();
    CHECK(root == v.root);
    vfs_node_release(root);
    char img[512];
    snprintf(img, sizeof img, "%s", work_path("vfs.img"));
    vfs_node_release(v.root);                   /* the test's reference */
    CHECK_EQ(fat32_unmount(v.fs), FS_EBUSY);     /* "/" still holds the root */
    vfs_node_release(v.root);                   /* drop the mount table's reference by hand */
    CHECK_EQ(fat32_unmount(v.fs), FS_OK);
    file_dev_close(&v.fd);
    check_fsck(img);
}

static const struct fs_test tests[] = {
    {"mounts", test_mounts},
    {"open_files", test_open_files},
    {"readdir_cookies", test_readdir_cookies},
    {"readdir_dot_ino", test_readdir_dot_ino},
    {"links", test_links},
    {"ramfs_links_alone", test_ramfs_links_alone},
    {"teardown", test_teardown},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
