/* kernel/fs/vfs.c — mount table, name operations, open files, directory cookies (contract in
 * vfs.h).
 *
 * Layer above: the kernel's WASI backend (kernel/proc) and kernel self-tests. Layer below: the
 * filesystems' struct vfs_fs_ops (kernel/fs/fat32*.c, kernel/fs/ramfs.c). The VFS checks names,
 * crosses mount points, keeps reference counts and file offsets, and synthesizes "." and ".." in
 * directory listings; everything else is the filesystem's. */
#include "kernel/fs/vfs.h"
#include "kernel/fs/fs_alloc.h"
#include "walos/platform.h"

/* One mount: the directory node it covers (NULL for "/") and the mounted root. */
struct mount {
    bool used;
    char path[64];
    struct vfs_node *covered;
    struct vfs_node *root;
};

static struct {
    struct mount mounts[VFS_MOUNTS_MAX];
    struct vfs_node *root;
} vfs;

#define VFS_COOKIE_DOT 0
#define VFS_COOKIE_DOTDOT 1
#define VFS_COOKIE_FIRST 2  /* filesystem cookie 0 */

void vfs_node_hold(struct vfs_node *node)
{
    node->refs++;
}

void vfs_node_release(struct vfs_node *node)
{
    if (!node)
        return;
    if (node->refs > 1) {
        node->refs--;
        return;
    }
    node->refs = 0;
    node->ops->release(node);
}

/* FS_OK for a single name component the filesystems may see. */
static int check_name(const char *name, size_t len)
{
    if (len == 0)
        return FS_EINVAL;
    if (len > VFS_NAME_MAX)
        return FS_ENAMETOOLONG;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return FS_EINVAL;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == 0)
            return FS_EINVAL;
    return FS_OK;
}

static struct mount *mount_covering(struct vfs_node *node)
{
    for (int i = 0; i < VFS_MOUNTS_MAX; i++)
        if (vfs.mounts[i].used && vfs.mounts[i].covered == node)
            return &vfs.mounts[i];
    return NULL;
}

static bool is_mount_root(struct vfs_node *node)
{
    for (int i = 0; i < VFS_MOUNTS_MAX; i++)
        if (vfs.mounts[i].used && vfs.mounts[i].root == node)
            return true;
    return false;
}

/* ---- names ------------------------------------------------------------------------------------ */

int vfs_lookup(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out)
{
    if (dir->type != VFS_DIR)
        return FS_ENOTDIR;
    if (len == 1 && name[0] == '.') {
        vfs_node_hold(dir);
        *node_out = dir;
        return FS_OK;
    }
    int err = check_name(name, len);
    if (err)
        return err;
    struct vfs_node *child;
    if ((err = dir->ops->lookup(dir, name, len, &child)) != FS_OK)
        return err;
    struct mount *m = mount_covering(child);
    if (m) {
        vfs_node_release(child);
        child = m->root;
        vfs_node_hold(child);
    }
    *node_out = child;
    return FS_OK;
}

int vfs_resolve(struct vfs_node *start, const char *path, struct vfs_node **node_out)
{
    struct vfs_node *cur = path[0] == '/' ? vfs.root : start;
    if (!cur)
        return FS_ENOENT;
    vfs_node_hold(cur);
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - p);
        if (len == 0)
            break;
        if (!(len == 1 && p[0] == '.')) {
            struct vfs_node *next;
            int err = vfs_lookup(cur, p, len, &next);
            vfs_node_release(cur);
            if (err)
                return err;
            cur = next;
        }
        p = e;
    }
    *node_out = cur;
    return FS_OK;
}

/* Whether name can be a new entry of dir: FS_ENOTDIR, check_name's error, or FS_EEXIST for "." and
 * "..", which every directory has. */
static int check_new_name(struct vfs_node *dir, const char *name, size_t len)
{
    if (dir->type != VFS_DIR)
        return FS_ENOTDIR;
    int err = check_name(name, len);
    return err == FS_EINVAL && len > 0 && len <= 2 && name[0] == '.' ? FS_EEXIST : err;
}

static int make(struct vfs_node *dir, const char *name, size_t len, enum vfs_type type,
                struct vfs_node **node_out)
{
    int err = check_new_name(dir, name, len);
    if (err)
        return err;
    struct vfs_node *node;
    if ((err = dir->ops->create(dir, name, len, type, &node)) != FS_OK)
        return err;
    if (node_out)
        *node_out = node;
    else
        vfs_node_release(node);
    return FS_OK;
}

int vfs_create(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out)
{
    return make(dir, name, len, VFS_FILE, node_out);
}

int vfs_mkdir(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out)
{
    return make(dir, name, len, VFS_DIR, node_out);
}

/* FS_EBUSY when name in dir is a mount point. */
static int check_not_mountpoint(struct vfs_node *dir, const char *name, size_t len)
{
    struct vfs_node *child;
    if (dir->ops->lookup(dir, name, len, &child) != FS_OK)
        return FS_OK;
    int err = mount_covering(child) ? FS_EBUSY : FS_OK;
    vfs_node_release(child);
    return err;
}

static int remove_name(struct vfs_node *dir, const char *name, size_t len, bool want_dir)
{
    if (dir->type != VFS_DIR)
        return FS_ENOTDIR;
    int err = check_name(name, len);
    if (err)
        return err;
    if ((err = check_not_mountpoint(dir, name, len)) != FS_OK)
        return err;
    return dir->ops->remove(dir, name, len, want_dir);
}

int vfs_unlink(struct vfs_node *dir, const char *name, size_t len)
{
    return remove_name(dir, name, len, false);
}

int vfs_rmdir(struct vfs_node *dir, const char *name, size_t len)
{
    return remove_name(dir, name, len, true);
}

int vfs_rename(struct vfs_node *old_dir, const char *old_name, size_t old_len,
               struct vfs_node *new_dir, const char *new_name, size_t new_len)
{
    if (old_dir->type != VFS_DIR || new_dir->type != VFS_DIR)
        return FS_ENOTDIR;
    int err = check_name(old_name, old_len);
    if (!err)
        err = check_name(new_name, new_len);
    if (err)
        return err;
    if (old_dir->fs_id != new_dir->fs_id || old_dir->ops != new_dir->ops)
        return FS_EXDEV;
    if ((err = check_not_mountpoint(old_dir, old_name, old_len)) != FS_OK ||
        (err = check_not_mountpoint(new_dir, new_name, new_len)) != FS_OK)
        return err;
    return old_dir->ops->rename(old_dir, old_name, old_len, new_dir, new_name, new_len);
}

int vfs_stat(struct vfs_node *node, struct vfs_stat *st_out)
{
    return node->ops->stat(node, st_out);
}

int vfs_truncate(struct vfs_node *node, uint64_t size)
{
    if (node->type == VFS_DIR)
        return FS_EISDIR;
    if (node->type == VFS_SYMLINK)
        return FS_EINVAL;
    return node->ops->truncate(node, size);
}

int vfs_set_times(struct vfs_node *node, uint64_t atime_ns, uint64_t mtime_ns)
{
    return node->ops->set_times ? node->ops->set_times(node, atime_ns, mtime_ns) : FS_ENOTSUP;
}

/* FS_EEXIST when name exists in dir, FS_OK when it does not, the lookup's other errors. */
static int check_absent(struct vfs_node *dir, const char *name, size_t len)
{
    int err = check_new_name(dir, name, len);
    if (err)
        return err;
    struct vfs_node *child;
    err = dir->ops->lookup(dir, name, len, &child);
    if (err == FS_OK) {
        vfs_node_release(child);
        return FS_EEXIST;
    }
    return err == FS_ENOENT ? FS_OK : err;
}

int vfs_symlink(struct vfs_node *dir, const char *name, size_t len, const char *target,
                size_t target_len)
{
    int err = check_absent(dir, name, len);
    if (err)
        return err;
    if (target_len == 0)
        return FS_ENOENT;
    if (target_len > VFS_LINK_MAX)
        return FS_ENAMETOOLONG;
    if (!dir->ops->symlink)
        return FS_ENOTSUP;
    return dir->ops->symlink(dir, name, len, target, target_len);
}

int vfs_readlink(struct vfs_node *node, char *buf, size_t cap, size_t *len_out)
{
    *len_out = 0;
    if (node->type != VFS_SYMLINK || !node->ops->readlink)
        return FS_EINVAL;
    return node->ops->readlink(node, buf, cap, len_out);
}

int vfs_link(struct vfs_node *node, struct vfs_node *dir, const char *name, size_t len)
{
    int err = check_absent(dir, name, len);
    if (err)
        return err;
    if (node->type == VFS_DIR)
        return FS_EISDIR;
    if (node->fs_id != dir->fs_id || node->ops != dir->ops)
        return FS_EXDEV;
    if (!dir->ops->link)
        return FS_ENOTSUP;
    return dir->ops->link(node, dir, name, len);
}

static void set_dot(struct vfs_dirent *ent, uint32_t dots, uint64_t next)
{
    ent->next_cookie = next;
    ent->ino = 0;
    ent->type = VFS_DIR;
    ent->name_len = dots;
    ent->name[0] = '.';
    ent->name[1] = dots == 2 ? '.' : 0;
    ent->name[dots] = 0;
}

int vfs_readdir(struct vfs_node *dir, uint64_t cookie, struct vfs_dirent *ent)
{
    if (dir->type != VFS_DIR)
        return FS_ENOTDIR;
    if (cookie == VFS_COOKIE_DOT) {
        set_dot(ent, 1, VFS_COOKIE_DOTDOT);
        struct vfs_stat st; /* "." is the directory itself: its ino, as stat reports it */
        if (vfs_stat(dir, &st) == FS_OK)
            ent->ino = st.ino;
        return FS_OK;
    }
    if (cookie == VFS_COOKIE_DOTDOT) {
        set_dot(ent, 2, VFS_COOKIE_FIRST);
        return FS_OK;
    }
    int err = dir->ops->readdir(dir, cookie - VFS_COOKIE_FIRST, ent);
    if (!err)
        ent->next_cookie += VFS_COOKIE_FIRST;
    return err;
}

int vfs_sync(struct vfs_node *node)
{
    return node->ops->sync ? node->ops->sync(node) : FS_OK;
}

/* ---- mount table ------------------------------------------------------------------------------ */

static bool path_equal(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

int vfs_mount(const char *path, struct vfs_node *root)
{
    if (root->type != VFS_DIR || path[0] != '/' || strlen(path) >= sizeof vfs.mounts[0].path)
        return FS_EINVAL;
    for (int i = 0; i < VFS_MOUNTS_MAX; i++)
        if (vfs.mounts[i].used && path_equal(vfs.mounts[i].path, path))
            return FS_EBUSY;
    struct mount *m = NULL;
    for (int i = 0; i < VFS_MOUNTS_MAX && !m; i++)
        if (!vfs.mounts[i].used)
            m = &vfs.mounts[i];
    if (!m)
        return FS_ENOSPC;
    struct vfs_node *covered = NULL;
    if (!path_equal(path, "/")) {
        if (!vfs.root)
            return FS_ENOENT;
        int err = vfs_resolve(vfs.root, path, &covered);
        if (err)
            return err;
        if (covered->type != VFS_DIR) {
            vfs_node_release(covered);
            return FS_ENOTDIR;
        }
        if (is_mount_root(covered)) {
            vfs_node_release(covered);
            return FS_EBUSY;
        }
    } else if (vfs.root) {
        return FS_EBUSY;
    }
    memset(m, 0, sizeof *m);
    m->used = true;
    memcpy(m->path, path, strlen(path) + 1);
    m->covered = covered; /* the table keeps this reference: it pins the node's identity */
    m->root = root;
    vfs_node_hold(root);
    if (!covered)
        vfs.root = root;
    return FS_OK;
}

int vfs_unmount(const char *path)
{
    for (int i = 0; i < VFS_MOUNTS_MAX; i++) {
        struct mount *m = &vfs.mounts[i];
        if (!m->used || !path_equal(m->path, path))
            continue;
        if (!m->covered)
            return FS_EINVAL; /* "/" stays */
        int err = vfs_sync(m->root);
        vfs_node_release(m->covered);
        vfs_node_release(m->root);
        memset(m, 0, sizeof *m);
        return err;
    }
    return FS_EINVAL;
}

struct vfs_node *vfs_root(void)
{
    if (vfs.root)
        vfs_node_hold(vfs.root);
    return vfs.root;
}

int vfs_sync_all(void)
{
    int first = FS_OK;
    for (int i = 0; i < VFS_MOUNTS_MAX; i++) {
        if (!vfs.mounts[i].used)
            continue;
        int err = vfs_sync(vfs.mounts[i].root);
        if (err && !first)
            first = err;
    }
    return first;
}

/* ---- open files -------------------------------------------------------------------------------- */

int vfs_open(struct vfs_node *node, uint32_t flags, struct vfs_file **file_out)
{
    if (node->type == VFS_DIR && (flags & (VFS_O_WRITE | VFS_O_APPEND)))
        return FS_EISDIR;
    if (node->type == VFS_SYMLINK)
        return FS_EINVAL; /* links are read with vfs_readlink, followed by the caller */
    struct vfs_file *f = kzalloc(sizeof *f);
    if (!f)
        return FS_ENOMEM;
    vfs_node_hold(node);
    f->node = node;
    f->flags = flags;
    f->refs = 1;
    *file_out = f;
    return FS_OK;
}

void vfs_file_hold(struct vfs_file *file)
{
    file->refs++;
}

void vfs_close(struct vfs_file *file)
{
    if (!file || --file->refs > 0)
        return;
    vfs_node_release(file->node);
    kfree(file);
}

int vfs_pread(struct vfs_file *file, uint64_t off, void *buf, size_t len, size_t *done_out)
{
    *done_out = 0;
    if (!(file->flags & VFS_O_READ))
        return FS_EBADF;
    if (file->node->type == VFS_DIR)
        return FS_EISDIR;
    return file->node->ops->read(file->node, off, buf, len, done_out);
}

int vfs_pwrite(struct vfs_file *file, uint64_t off, const void *buf, size_t len, size_t *done_out)
{
    *done_out = 0;
    if (!(file->flags & VFS_O_WRITE))
        return FS_EBADF;
    return file->node->ops->write(file->node, off, buf, len, done_out);
}

int vfs_read(struct vfs_file *file, void *buf, size_t len, size_t *done_out)
{
    int err = vfs_pread(file, file->offset, buf, len, done_out);
    file->offset += *done_out;
    return err;
}

int vfs_write(struct vfs_file *file, const void *buf, size_t len, size_t *done_out)
{
    if (file->flags & VFS_O_APPEND) {
        struct vfs_stat st;
        int err = vfs_stat(file->node, &st);
        if (err)
            return err;
        file->offset = st.size;
    }
    int err = vfs_pwrite(file, file->offset, buf, len, done_out);
    file->offset += *done_out;
    return err;
}

int vfs_seek(struct vfs_file *file, int64_t delta, enum vfs_whence whence, uint64_t *offset_out)
{
    int64_t base;
    if (whence == VFS_SEEK_SET) {
        base = 0;
    } else if (whence == VFS_SEEK_CUR) {
        base = (int64_t)file->offset;
    } else if (whence == VFS_SEEK_END) {
        struct vfs_stat st;
        int err = vfs_stat(file->node, &st);
        if (err)
            return err;
        base = (int64_t)st.size;
    } else {
        return FS_EINVAL;
    }
    if ((delta < 0 && base + delta < 0) || (delta > 0 && base > INT64_MAX - delta))
        return FS_EINVAL;
    file->offset = (uint64_t)(base + delta);
    if (offset_out)
        *offset_out = file->offset;
    return FS_OK;
}
