/* kernel/fs/ramfs.c — in-memory filesystem for /tmp (contract in ramfs.h).
 *
 * Layer above: kernel/fs/vfs.c through ramfs_ops. Layer below: the kernel heap (kmalloc). A node
 * lives while it has a name (nlink > 0) or a reference (vn.refs); the last of the two to go frees
 * it. A directory is an array of entries (name, node); a removed name leaves an empty slot that
 * later names reuse, so a slot index is a stable readdir cookie. A file may have several names
 * (hard links: entries in any directories pointing at the same node); a directory has exactly one,
 * and knows its parent (for the rename-into-own-subtree check). A symbolic link is a node whose data
 * is its target. */
#include "kernel/fs/ramfs.h"
#include "kernel/fs/fs_alloc.h"
#include "walos/platform.h"

struct ramfs_node;

struct ramfs_dent {
    struct ramfs_node *node;       /* NULL: a free slot */
    char *name;                    /* kmalloc'd, NUL-terminated */
    uint32_t name_len;
};

struct ramfs_node {
    struct vfs_node vn;            /* first: vfs_node pointers are ramfs_node pointers */
    struct ramfs *fs;
    struct ramfs_node *parent;     /* directories: the one holding its name; NULL when removed */
    uint32_t nlink;                /* names (the root always counts one) */
    uint64_t ino;
    uint64_t atime_ns, mtime_ns, ctime_ns;
    /* files: contents; symbolic links: the target */
    uint8_t *data;
    uint64_t size, cap;
    /* directories */
    struct ramfs_dent *slots;
    uint32_t slot_count, slot_cap, entries;
};

struct ramfs {
    struct ramfs_node *root;
    uint64_t max_bytes, used_bytes;
    uint64_t next_ino;
    uint64_t id;
    ramfs_clock_fn clock;
    void *ctx;
};

static const struct vfs_fs_ops ramfs_ops;
static uint64_t next_ramfs_id = 1u << 20; /* apart from fat32's ids */

static uint64_t now(struct ramfs *fs)
{
    return fs->clock ? fs->clock(fs->ctx) : 0;
}

static struct ramfs_node *node_new(struct ramfs *fs, enum vfs_type type)
{
    struct ramfs_node *n = kzalloc(sizeof *n);
    if (!n)
        return NULL;
    n->vn.ops = &ramfs_ops;
    n->vn.type = type;
    n->vn.fs_id = fs->id;
    n->fs = fs;
    n->ino = fs->next_ino++;
    n->atime_ns = n->mtime_ns = n->ctime_ns = now(fs);
    return n;
}

static void node_free(struct ramfs_node *n)
{
    n->fs->used_bytes -= n->cap;
    kfree(n->data);
    kfree(n->slots);
    kfree(n);
}

/* Frees a node that has neither a name nor a reference. */
static void maybe_free(struct ramfs_node *n)
{
    if (n->nlink == 0 && n->vn.refs == 0)
        node_free(n);
}

int ramfs_create(uint64_t max_bytes, ramfs_clock_fn clock, void *ctx, struct ramfs **fs_out)
{
    struct ramfs *fs = kzalloc(sizeof *fs);
    if (!fs)
        return FS_ENOMEM;
    fs->max_bytes = max_bytes;
    fs->clock = clock;
    fs->ctx = ctx;
    fs->next_ino = 1;
    fs->id = next_ramfs_id++;
    fs->root = node_new(fs, VFS_DIR);
    if (!fs->root) {
        kfree(fs);
        return FS_ENOMEM;
    }
    fs->root->nlink = 1;
    fs->root->vn.refs = 1; /* the filesystem's own */
    *fs_out = fs;
    return FS_OK;
}

struct vfs_node *ramfs_root(struct ramfs *fs)
{
    fs->root->vn.refs++;
    return &fs->root->vn;
}

static bool tree_busy(struct ramfs_node *n)
{
    if (n != n->fs->root && n->vn.refs > 0)
        return true;
    for (uint32_t i = 0; i < n->slot_count; i++)
        if (n->slots[i].node && tree_busy(n->slots[i].node))
            return true;
    return false;
}

/* Frees a directory and everything named under it (a file with several names once). */
static void tree_free(struct ramfs_node *n)
{
    for (uint32_t i = 0; i < n->slot_count; i++) {
        struct ramfs_node *c = n->slots[i].node;
        if (!c)
            continue;
        kfree(n->slots[i].name);
        if (c->vn.type == VFS_DIR)
            tree_free(c);
        else if (--c->nlink == 0)
            node_free(c);
    }
    node_free(n);
}

int ramfs_destroy(struct ramfs *fs)
{
    if (tree_busy(fs->root) || fs->root->vn.refs > 1)
        return FS_EBUSY;
    tree_free(fs->root);
    kfree(fs);
    return FS_OK;
}

uint64_t ramfs_used_bytes(const struct ramfs *fs)
{
    return fs->used_bytes;
}

/* ---- directories ------------------------------------------------------------------------------ */

static int find(struct ramfs_node *dir, const char *name, size_t len, uint32_t *slot_out)
{
    for (uint32_t i = 0; i < dir->slot_count; i++) {
        struct ramfs_dent *d = &dir->slots[i];
        if (d->node && d->name_len == len && memcmp(d->name, name, len) == 0) {
            *slot_out = i;
            return FS_OK;
        }
    }
    return FS_ENOENT;
}

/* *slot_out = a free slot of dir (growing the array when none is left); it stays free. */
static int free_slot(struct ramfs_node *dir, uint32_t *slot_out)
{
    for (uint32_t i = 0; i < dir->slot_count; i++)
        if (!dir->slots[i].node) {
            *slot_out = i;
            return FS_OK;
        }
    if (dir->slot_count == dir->slot_cap) {
        uint32_t cap = dir->slot_cap ? dir->slot_cap * 2 : 8;
        struct ramfs_dent *s = kzalloc(sizeof *s * cap);
        if (!s)
            return FS_ENOMEM;
        if (dir->slot_count)
            memcpy(s, dir->slots, sizeof *s * dir->slot_count);
        kfree(dir->slots);
        dir->slots = s;
        dir->slot_cap = cap;
    }
    dir->slots[dir->slot_count].node = NULL;
    *slot_out = dir->slot_count++;
    return FS_OK;
}

static char *name_dup(const char *name, size_t len)
{
    char *s = kmalloc(len + 1);
    if (s) {
        memcpy(s, name, len);
        s[len] = 0;
    }
    return s;
}

/* Puts child into free slot `slot` of dir under name (kmalloc'd; the entry owns it). Cannot fail. */
static void place(struct ramfs_node *dir, uint32_t slot, struct ramfs_node *child, char *name,
                  size_t len)
{
    dir->slots[slot] = (struct ramfs_dent){.node = child, .name = name, .name_len = (uint32_t)len};
    dir->entries++;
    child->nlink++;
    if (child->vn.type == VFS_DIR)
        child->parent = dir;
    dir->mtime_ns = dir->ctime_ns = child->ctime_ns = now(dir->fs);
}

/* Gives child a new name in dir. */
static int attach(struct ramfs_node *dir, struct ramfs_node *child, const char *name, size_t len)
{
    uint32_t slot;
    char *copy = name_dup(name, len);
    if (!copy)
        return FS_ENOMEM;
    int err = free_slot(dir, &slot);
    if (err) {
        kfree(copy);
        return err;
    }
    place(dir, slot, child, copy, len);
    return FS_OK;
}

/* Takes the name in slot away; the node is the caller's to free (maybe_free). */
static struct ramfs_node *detach(struct ramfs_node *dir, uint32_t slot)
{
    struct ramfs_node *c = dir->slots[slot].node;
    kfree(dir->slots[slot].name);
    dir->slots[slot] = (struct ramfs_dent){0};
    dir->entries--;
    c->nlink--;
    if (c->vn.type == VFS_DIR)
        c->parent = NULL;
    dir->mtime_ns = dir->ctime_ns = c->ctime_ns = now(dir->fs);
    return c;
}

static int ram_lookup(struct vfs_node *vdir, const char *name, size_t len, struct vfs_node **node_out)
{
    struct ramfs_node *dir = (struct ramfs_node *)vdir;
    uint32_t slot;
    if (vdir->type != VFS_DIR)
        return FS_ENOTDIR;
    if (!dir->nlink)
        return FS_ENOENT;
    int err = find(dir, name, len, &slot);
    if (err)
        return err;
    struct ramfs_node *c = dir->slots[slot].node;
    c->vn.refs++;
    *node_out = &c->vn;
    return FS_OK;
}

/* The checks before a new name goes into dir. */
static int check_new_name(struct ramfs_node *dir, const char *name, size_t len)
{
    uint32_t slot;
    if (dir->vn.type != VFS_DIR)
        return FS_ENOTDIR;
    if (!dir->nlink)
        return FS_ENOENT;
    if (len > RAMFS_NAME_MAX)
        return FS_ENAMETOOLONG;
    if (find(dir, name, len, &slot) == FS_OK)
        return FS_EEXIST;
    return FS_OK;
}

static int ram_create(struct vfs_node *vdir, const char *name, size_t len, enum vfs_type type,
                      struct vfs_node **node_out)
{
    struct ramfs_node *dir = (struct ramfs_node *)vdir;
    int err = check_new_name(dir, name, len);
    if (err)
        return err;
    if (type != VFS_FILE && type != VFS_DIR)
        return FS_ENOTSUP;
    struct ramfs_node *n = node_new(dir->fs, type);
    if (!n)
        return FS_ENOMEM;
    err = attach(dir, n, name, len);
    if (err) {
        node_free(n);
        return err;
    }
    n->vn.refs = 1;
    *node_out = &n->vn;
    return FS_OK;
}

static int ram_remove(struct vfs_node *vdir, const char *name, size_t len, bool want_dir)
{
    struct ramfs_node *dir = (struct ramfs_node *)vdir;
    uint32_t slot;
    if (vdir->type != VFS_DIR)
        return FS_ENOTDIR;
    int err = find(dir, name, len, &slot);
    if (err)
        return err;
    struct ramfs_node *c = dir->slots[slot].node;
    bool is_dir = c->vn.type == VFS_DIR;
    if (want_dir && !is_dir)
        return FS_ENOTDIR;
    if (!want_dir && is_dir)
        return FS_EISDIR;
    if (is_dir && c->entries > 0)
        return FS_ENOTEMPTY;
    maybe_free(detach(dir, slot));
    return FS_OK;
}

static int ram_rename(struct vfs_node *vold, const char *old_name, size_t old_len, struct vfs_node *vnew,
                      const char *new_name, size_t new_len)
{
    struct ramfs_node *od = (struct ramfs_node *)vold, *nd = (struct ramfs_node *)vnew;
    uint32_t oslot, nslot;
    if (vold->type != VFS_DIR || vnew->type != VFS_DIR)
        return FS_ENOTDIR;
    if (new_len > RAMFS_NAME_MAX)
        return FS_ENAMETOOLONG;
    int err = find(od, old_name, old_len, &oslot);
    if (err)
        return err;
    if (!nd->nlink)
        return FS_ENOENT;
    struct ramfs_node *c = od->slots[oslot].node;
    if (c->vn.type == VFS_DIR)
        for (struct ramfs_node *p = nd; p; p = p->parent)
            if (p == c)
                return FS_EINVAL; /* into its own subtree */
    struct ramfs_node *t = find(nd, new_name, new_len, &nslot) == FS_OK ? nd->slots[nslot].node : NULL;
    if (t == c)
        return FS_OK; /* two names of one file (or the same name): nothing to do, as POSIX */
    if (t && c->vn.type == VFS_DIR && t->vn.type != VFS_DIR)
        return FS_ENOTDIR;
    if (t && c->vn.type != VFS_DIR && t->vn.type == VFS_DIR)
        return FS_EISDIR;
    if (t && t->vn.type == VFS_DIR && t->entries > 0)
        return FS_ENOTEMPTY;
    char *copy = name_dup(new_name, new_len);
    if (!copy)
        return FS_ENOMEM;
    if (t)
        maybe_free(detach(nd, nslot)); /* its slot is now free for the new name */
    else if ((err = free_slot(nd, &nslot)) != FS_OK) {
        kfree(copy);
        return err;
    }
    detach(od, oslot);
    place(nd, nslot, c, copy, new_len);
    return FS_OK;
}

static int ram_readdir(struct vfs_node *vdir, uint64_t cookie, struct vfs_dirent *ent)
{
    struct ramfs_node *dir = (struct ramfs_node *)vdir;
    if (vdir->type != VFS_DIR)
        return FS_ENOTDIR;
    for (uint64_t i = cookie; i < dir->slot_count; i++) {
        struct ramfs_dent *d = &dir->slots[i];
        if (!d->node)
            continue;
        ent->next_cookie = i + 1;
        ent->ino = d->node->ino;
        ent->type = d->node->vn.type;
        ent->name_len = d->name_len;
        memcpy(ent->name, d->name, d->name_len + 1);
        return FS_OK;
    }
    return FS_ENOENT;
}

/* ---- links --------------------------------------------------------------------------------------- */

static int reserve(struct ramfs_node *n, uint64_t size);

static int ram_symlink(struct vfs_node *vdir, const char *name, size_t len, const char *target,
                       size_t target_len)
{
    struct ramfs_node *dir = (struct ramfs_node *)vdir;
    int err = check_new_name(dir, name, len);
    if (err)
        return err;
    struct ramfs_node *n = node_new(dir->fs, VFS_SYMLINK);
    if (!n)
        return FS_ENOMEM;
    if ((err = reserve(n, target_len)) != FS_OK || (err = attach(dir, n, name, len)) != FS_OK) {
        node_free(n);
        return err;
    }
    memcpy(n->data, target, target_len);
    n->size = target_len;
    return FS_OK;
}

static int ram_readlink(struct vfs_node *vn, char *buf, size_t cap, size_t *len_out)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    size_t len = n->size < cap ? (size_t)n->size : cap;
    memcpy(buf, n->data, len);
    *len_out = len;
    n->atime_ns = now(n->fs);
    return FS_OK;
}

static int ram_link(struct vfs_node *vn, struct vfs_node *vdir, const char *name, size_t len)
{
    struct ramfs_node *n = (struct ramfs_node *)vn, *dir = (struct ramfs_node *)vdir;
    if (vn->type == VFS_DIR)
        return FS_EISDIR;
    int err = check_new_name(dir, name, len);
    if (err)
        return err;
    if (!n->nlink)
        return FS_ENOENT;
    return attach(dir, n, name, len);
}

/* ---- files ----------------------------------------------------------------------------------- */

static int ram_read(struct vfs_node *vn, uint64_t off, void *buf, size_t len, size_t *done_out)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    *done_out = 0;
    if (vn->type != VFS_FILE)
        return vn->type == VFS_DIR ? FS_EISDIR : FS_EINVAL;
    if (off >= n->size)
        return FS_OK;
    if (len > n->size - off)
        len = (size_t)(n->size - off);
    memcpy(buf, n->data + off, len);
    *done_out = len;
    return FS_OK;
}

/* Makes room for size bytes (new bytes zeroed). */
static int reserve(struct ramfs_node *n, uint64_t size)
{
    if (size <= n->cap)
        return FS_OK;
    uint64_t cap = n->cap ? n->cap : 256;
    while (cap < size)
        cap *= 2;
    if (n->fs->used_bytes - n->cap + cap > n->fs->max_bytes) {
        cap = size; /* try the exact size before giving up */
        if (n->fs->used_bytes - n->cap + cap > n->fs->max_bytes)
            return FS_ENOSPC;
    }
    if (cap > SIZE_MAX)
        return FS_EFBIG;
    uint8_t *d = kzalloc((size_t)cap);
    if (!d)
        return FS_ENOMEM;
    if (n->size)
        memcpy(d, n->data, (size_t)n->size);
    kfree(n->data);
    n->fs->used_bytes += cap - n->cap;
    n->data = d;
    n->cap = cap;
    return FS_OK;
}

static int ram_write(struct vfs_node *vn, uint64_t off, const void *buf, size_t len, size_t *done_out)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    *done_out = 0;
    if (vn->type != VFS_FILE)
        return vn->type == VFS_DIR ? FS_EISDIR : FS_EINVAL;
    if (len == 0)
        return FS_OK;
    if (off + len < off)
        return FS_EFBIG;
    int err = reserve(n, off + len);
    if (err)
        return err;
    if (off > n->size)
        memset(n->data + n->size, 0, (size_t)(off - n->size));
    memcpy(n->data + off, buf, len);
    if (off + len > n->size)
        n->size = off + len;
    n->mtime_ns = now(n->fs);
    *done_out = len;
    return FS_OK;
}

static int ram_truncate(struct vfs_node *vn, uint64_t size)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    if (vn->type != VFS_FILE)
        return vn->type == VFS_DIR ? FS_EISDIR : FS_EINVAL;
    int err = reserve(n, size);
    if (err)
        return err;
    if (size > n->size)
        memset(n->data + n->size, 0, (size_t)(size - n->size));
    n->size = size;
    n->mtime_ns = now(n->fs);
    return FS_OK;
}

static int ram_stat(struct vfs_node *vn, struct vfs_stat *st)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    memset(st, 0, sizeof *st);
    st->dev = vn->fs_id;
    st->ino = n->ino;
    st->type = vn->type;
    st->nlink = n->nlink;
    st->size = n->size;
    st->atime_ns = n->atime_ns;
    st->mtime_ns = n->mtime_ns;
    st->ctime_ns = n->ctime_ns;
    return FS_OK;
}

static int ram_set_times(struct vfs_node *vn, uint64_t atime_ns, uint64_t mtime_ns)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    if (atime_ns != UINT64_MAX)
        n->atime_ns = atime_ns;
    if (mtime_ns != UINT64_MAX)
        n->mtime_ns = mtime_ns;
    n->ctime_ns = now(n->fs);
    return FS_OK;
}

static int ram_sync(struct vfs_node *vn)
{
    (void)vn;
    return FS_OK;
}

static void ram_release(struct vfs_node *vn)
{
    struct ramfs_node *n = (struct ramfs_node *)vn;
    if (n == n->fs->root)
        return; /* the filesystem holds the root until ramfs_destroy */
    maybe_free(n);
}

static const struct vfs_fs_ops ramfs_ops = {
    .lookup = ram_lookup,
    .create = ram_create,
    .remove = ram_remove,
    .rename = ram_rename,
    .read = ram_read,
    .write = ram_write,
    .truncate = ram_truncate,
    .stat = ram_stat,
    .set_times = ram_set_times,
    .readdir = ram_readdir,
    .sync = ram_sync,
    .symlink = ram_symlink,
    .readlink = ram_readlink,
    .link = ram_link,
    .release = ram_release,
};
