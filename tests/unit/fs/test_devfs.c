/* tests/unit/fs/test_devfs.c — the /dev filesystem on the host: lookups, each device's reads and
 * writes through open files, the listing, and names that cannot be made or removed (issue 5). */
#include "kernel/fs/devfs.h"
#include "tests/unit/fs/fs_host.h"

#include <string.h>

static char console_out[256];
static size_t console_out_len;
static const char *console_in = "typed";
static size_t console_in_pos;
static unsigned random_calls;

static size_t hook_console_read(void *buf, size_t len)
{
    size_t left = strlen(console_in) - console_in_pos;
    size_t n = len < left ? len : left;
    memcpy(buf, console_in + console_in_pos, n);
    console_in_pos += n;
    return n;
}

static void hook_console_write(const void *buf, size_t len)
{
    if (console_out_len + len <= sizeof console_out) {
        memcpy(console_out + console_out_len, buf, len);
        console_out_len += len;
    }
}

static int hook_random(void *buf, size_t len)
{
    random_calls++;
    for (size_t i = 0; i < len; i++)
        ((unsigned char *)buf)[i] = (unsigned char)(random_calls * 131 + i * 7 + 1);
    return 0;
}

static const struct devfs_hooks hooks = {hook_console_read, hook_console_write, hook_random};

static struct vfs_node *dev(struct vfs_node *root, const char *name)
{
    struct vfs_node *n = NULL;
    CHECK_EQ(vfs_lookup(root, name, strlen(name), &n), FS_OK);
    return n;
}

static void test_devices(void)
{
    struct vfs_node *root = NULL;
    CHECK_EQ(devfs_create(&hooks, &root), FS_OK);
    CHECK_EQ(root->type, VFS_DIR);
    struct vfs_node *n;
    CHECK_EQ(vfs_lookup(root, "nope", 4, &n), FS_ENOENT);
    CHECK_EQ(vfs_create(root, "new", 3, &n), FS_ENOTSUP);
    CHECK_EQ(vfs_create(root, "null", 4, &n), FS_EEXIST);
    CHECK_EQ(vfs_unlink(root, "null", 4), FS_ENOTSUP);

    unsigned char buf[4096];
    size_t done;
    struct vfs_file *f;
    /* null */
    struct vfs_node *null = dev(root, "null");
    CHECK_EQ(null->type, VFS_CHARDEV);
    CHECK_EQ(vfs_open(null, VFS_O_READ | VFS_O_WRITE, &f), FS_OK);
    CHECK_EQ(vfs_write(f, "abc", 3, &done), FS_OK);
    CHECK_EQ(done, 3u);
    CHECK_EQ(vfs_read(f, buf, sizeof buf, &done), FS_OK);
    CHECK_EQ(done, 0u);
    vfs_close(f);
    /* zero */
    struct vfs_node *zero = dev(root, "zero");
    CHECK_EQ(vfs_open(zero, VFS_O_READ, &f), FS_OK);
    memset(buf, 0xff, sizeof buf);
    CHECK_EQ(vfs_read(f, buf, sizeof buf, &done), FS_OK);
    CHECK_EQ(done, sizeof buf);
    size_t nonzero = 0;
    for (size_t i = 0; i < sizeof buf; i++)
        nonzero += buf[i] != 0;
    CHECK_EQ(nonzero, 0u);
    vfs_close(f);
    /* random: the hook's bytes, a new call each read */
    struct vfs_node *rnd = dev(root, "random");
    unsigned char a[16], b[16];
    CHECK_EQ(vfs_open(rnd, VFS_O_READ, &f), FS_OK);
    CHECK_EQ(vfs_read(f, a, sizeof a, &done), FS_OK);
    CHECK_EQ(done, sizeof a);
    CHECK_EQ(vfs_read(f, b, sizeof b, &done), FS_OK);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_EQ(random_calls, 2u);
    vfs_close(f);
    /* console */
    struct vfs_node *con = dev(root, "console");
    CHECK_EQ(vfs_open(con, VFS_O_READ | VFS_O_WRITE, &f), FS_OK);
    CHECK_EQ(vfs_write(f, "hi\n", 3, &done), FS_OK);
    CHECK_EQ(console_out_len, 3u);
    CHECK(memcmp(console_out, "hi\n", 3) == 0);
    CHECK_EQ(vfs_read(f, buf, 3, &done), FS_OK);
    CHECK_EQ(done, 3u);
    CHECK(memcmp(buf, "typ", 3) == 0);
    CHECK_EQ(vfs_read(f, buf, sizeof buf, &done), FS_OK);
    CHECK_EQ(done, 2u);
    CHECK_EQ(vfs_read(f, buf, sizeof buf, &done), FS_OK); /* nothing waits: 0 bytes, no blocking */
    CHECK_EQ(done, 0u);
    vfs_close(f);
    struct vfs_stat st;
    CHECK_EQ(vfs_stat(con, &st), FS_OK);
    CHECK_EQ(st.type, VFS_CHARDEV);
    CHECK_EQ(vfs_readdir(con, 0, &(struct vfs_dirent){0}), FS_ENOTDIR);
    vfs_node_release(null);
    vfs_node_release(zero);
    vfs_node_release(rnd);
    vfs_node_release(con);
    vfs_node_release(root);
    CHECK_EQ(devfs_destroy(root), FS_OK);
}

static void test_listing(void)
{
    struct vfs_node *root = NULL;
    CHECK_EQ(devfs_create(NULL, &root), FS_OK);
    static struct vfs_dirent ent;
    const char *want[] = {".", "..", "null", "zero", "random", "urandom", "console"};
    uint64_t cookie = 0;
    size_t count = 0;
    while (vfs_readdir(root, cookie, &ent) == FS_OK) {
        if (count < 7)
            CHECK(strcmp(ent.name, want[count]) == 0);
        if (count >= 2)
            CHECK_EQ(ent.type, VFS_CHARDEV);
        count++;
        cookie = ent.next_cookie;
    }
    CHECK_EQ(count, 7u);
    /* resuming from a cookie gives the same next entry */
    CHECK_EQ(vfs_readdir(root, 4, &ent), FS_OK);
    CHECK(strcmp(ent.name, "random") == 0);
    /* no hooks: random fails, console reads nothing and drops writes */
    struct vfs_node *rnd = dev(root, "urandom"), *con = dev(root, "console");
    unsigned char b[8];
    size_t done;
    CHECK_EQ(rnd->ops->read(rnd, 0, b, sizeof b, &done), FS_EIO);
    CHECK_EQ(con->ops->read(con, 0, b, sizeof b, &done), FS_OK);
    CHECK_EQ(done, 0u);
    CHECK_EQ(con->ops->write(con, 0, "x", 1, &done), FS_OK);
    CHECK_EQ(done, 1u);
    vfs_node_release(rnd);
    CHECK_EQ(devfs_destroy(root), FS_EBUSY); /* console still held */
    vfs_node_release(con);
    vfs_node_release(root);
    CHECK_EQ(devfs_destroy(root), FS_OK);
}

static const struct fs_test tests[] = {
    {"devices", test_devices},
    {"listing", test_listing},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
