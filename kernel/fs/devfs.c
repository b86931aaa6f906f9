/* kernel/fs/devfs.c — /dev: null, zero, random, urandom, console (contract in devfs.h).
 *
 * Layer above: kernel/fs/vfs.c through devfs_ops. Layer below: the hooks given at creation. All nodes
 * live in one allocation, freed only by devfs_destroy, so release only counts; node identity is the
 * address, as the VFS requires. */
#include "kernel/fs/devfs.h"
#include "kernel/fs/fs_alloc.h"
#include "walos/platform.h"

enum devfs_kind { DEV_ROOT, DEV_NULL, DEV_ZERO, DEV_RANDOM, DEV_URANDOM, DEV_CONSOLE, DEV_COUNT };

static const char *const dev_names[DEV_COUNT] = {
    [DEV_NULL] = "null", [DEV_ZERO] = "zero", [DEV_RANDOM] = "random",
    [DEV_URANDOM] = "urandom", [DEV_CONSOLE] = "console",
};

struct devfs_node {
    struct vfs_node vn;  /* first: vfs_node pointers are devfs_node pointers */
    struct devfs *fs;
    enum devfs_kind kind;
};

struct devfs {
    struct devfs_node nodes[DEV_COUNT];
    struct devfs_hooks hooks;
    uint64_t id;
};

static const struct vfs_fs_ops devfs_ops;
static uint64_t next_devfs_id = 2u << 20; /* apart from fat32's and ramfs's ids */

static struct devfs_node *dnode(struct vfs_node *n)
{
    return (struct devfs_node *)n;
}

int devfs_create(const struct devfs_hooks *hooks, struct vfs_node **root_out)
{
    struct devfs *fs = kzalloc(sizeof *fs);
    if (!fs)
        return FS_ENOMEM;
    if (hooks)
        fs->hooks = *hooks;
    fs->id = next_devfs_id++;
    for (int k = 0; k < DEV_COUNT; k++) {
        struct devfs_node *n = &fs->nodes[k];
        n->vn.ops = &devfs_ops;
        n->vn.type = k == DEV_ROOT ? VFS_DIR : VFS_CHARDEV;
        n->vn.fs_id = fs->id;
        n->fs = fs;
        n->kind = (enum devfs_kind)k;
    }
    fs->nodes[DEV_ROOT].vn.refs = 1;
    *root_out = &fs->nodes[DEV_ROOT].vn;
    return FS_OK;
}

int devfs_destroy(struct vfs_node *root)
{
    struct devfs *fs = dnode(root)->fs;
    for (int k = 1; k < DEV_COUNT; k++)
        if (fs->nodes[k].vn.refs > 0)
            return FS_EBUSY;
    kfree(fs);
    return FS_OK;
}

static size_t name_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int devfs_lookup(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out)
{
    struct devfs_node *d = dnode(dir);
    if (d->kind != DEV_ROOT)
        return FS_ENOTDIR;
    for (int k = 1; k < DEV_COUNT; k++) {
        const char *s = dev_names[k];
        if (name_len(s) == len && memcmp(s, name, len) == 0) {
            struct vfs_node *n = &d->fs->nodes[k].vn;
            n->refs++;
            *node_out = n;
            return FS_OK;
        }
    }
    return FS_ENOENT;
}

static int devfs_create_name(struct vfs_node *dir, const char *name, size_t len, enum vfs_type type,
                             struct vfs_node **node_out)
{
    (void)type;
    struct vfs_node *n;
    if (devfs_lookup(dir, name, len, &n) == FS_OK) {
        n->refs--;
        return FS_EEXIST;
    }
    *node_out = NULL;
    return FS_ENOTSUP;
}

static int devfs_remove(struct vfs_node *dir, const char *name, size_t len, bool want_dir)
{
    (void)dir, (void)name, (void)len, (void)want_dir;
    return FS_ENOTSUP;
}

static int devfs_rename(struct vfs_node *old_dir, const char *old_name, size_t old_len,
                        struct vfs_node *new_dir, const char *new_name, size_t new_len)
{
    (void)old_dir, (void)old_name, (void)old_len, (void)new_dir, (void)new_name, (void)new_len;
    return FS_ENOTSUP;
}

static int devfs_read(struct vfs_node *node, uint64_t off, void *buf, size_t len, size_t *done_out)
{
    (void)off;
    struct devfs_node *n = dnode(node);
    const struct devfs_hooks *h = &n->fs->hooks;
    *done_out = 0;
    switch (n->kind) {
    case DEV_NULL:
        return FS_OK;
    case DEV_ZERO:
        memset(buf, 0, len);
        *done_out = len;
        return FS_OK;
    case DEV_RANDOM:
    case DEV_URANDOM:
        if (!h->random || h->random(buf, len) != 0)
            return FS_EIO;
        *done_out = len;
        return FS_OK;
    case DEV_CONSOLE:
        *done_out = h->console_read ? h->console_read(buf, len) : 0;
        return FS_OK;
    default:
        return FS_EISDIR;
    }
}

static int devfs_write(struct vfs_node *node, uint64_t off, const void *buf, size_t len, size_t *done_out)
{
    (void)off;
    struct devfs_node *n = dnode(node);
    *done_out = 0;
    if (n->kind == DEV_ROOT)
        return FS_EISDIR;
    if (n->kind == DEV_CONSOLE && n->fs->hooks.console_write)
        n->fs->hooks.console_write(buf, len);
    *done_out = len;
    return FS_OK;
}

static int devfs_truncate(struct vfs_node *node, uint64_t size)
{
    (void)size;
    return dnode(node)->kind == DEV_ROOT ? FS_EISDIR : FS_OK; /* O_TRUNC on a device is a no-op */
}

static int devfs_stat(struct vfs_node *node, struct vfs_stat *st_out)
{
    struct devfs_node *n = dnode(node);
    memset(st_out, 0, sizeof *st_out);
    st_out->dev = n->fs->id;
    st_out->ino = (uint64_t)n->kind + 1;
    st_out->type = node->type;
    st_out->nlink = n->kind == DEV_ROOT ? 2 : 1;
    return FS_OK;
}

static int devfs_readdir(struct vfs_node *dir, uint64_t cookie, struct vfs_dirent *ent)
{
    if (dnode(dir)->kind != DEV_ROOT)
        return FS_ENOTDIR;
    uint64_t k = cookie + 1; /* cookie 0 is the first device, index 1 */
    if (k >= DEV_COUNT)
        return FS_ENOENT;
    const char *s = dev_names[k];
    ent->next_cookie = cookie + 1;
    ent->ino = k + 1;
    ent->type = VFS_CHARDEV;
    ent->name_len = (uint32_t)name_len(s);
    memcpy(ent->name, s, ent->name_len + 1);
    return FS_OK;
}

static int devfs_sync(struct vfs_node *node)
{
    (void)node;
    return FS_OK;
}

static void devfs_release(struct vfs_node *node)
{
    (void)node; /* nodes live as long as the filesystem: forever */
}

static const struct vfs_fs_ops devfs_ops = {
    .lookup = devfs_lookup,
    .create = devfs_create_name,
    .remove = devfs_remove,
    .rename = devfs_rename,
    .read = devfs_read,
    .write = devfs_write,
    .truncate = devfs_truncate,
    .stat = devfs_stat,
    .set_times = NULL,
    .readdir = devfs_readdir,
    .sync = devfs_sync,
    .release = devfs_release,
};
