/* kernel/fs/vfs.h — the virtual filesystem: nodes, a mount table, open files, directory cookies.
 *
 * This is the interface the kernel's WASI backend calls. It works one name at a time (the WASI layer
 * walks paths itself, inside its preopens), plus vfs_resolve for the kernel's own absolute paths.
 * Every filesystem (kernel/fs/fat32, kernel/fs/ramfs) implements struct vfs_fs_ops over nodes that
 * embed a struct vfs_node as their first member. All errors are enum fs_err (WASI errno values).
 *
 * References: a node returned through *_out carries one reference that the caller gives back with
 * vfs_node_release. A filesystem returns the same node object for the same file while any reference
 * is held, so node pointers compare as identities (the mount table relies on this).
 *
 * Directory iteration (vfs_readdir): cookie 0 starts; each entry carries the cookie of the next one.
 * Cookies 0 and 1 are the synthesized "." (with the directory's own ino) and ".." (ino 0: a node does
 * not know its parent); the others are the filesystem's own positions
 * (on FAT the slot index of the entry), so they stay valid while other entries are added or removed.
 *
 * Nothing here is locked: the kernel serializes filesystem calls (one big lock or one fs task).
 * Every call may block on disk I/O; none may be called from IRQ context.
 *
 * Wiring at boot (kernel): gpt_read(disk) (kernel/fs/gpt.h); pick the partition whose unique_guid
 * or first_lba matches the loader's ESP in bootinfo; gpt_partition_device(); fat32_mount() on it
 * with the RTC as clock (kernel/fs/fat32.h); vfs_mount("/", fat32_root(fs)); ramfs_create() and
 * vfs_mount("/tmp", ramfs_root(tmp)) (kernel/fs/ramfs.h; "/tmp" must exist on the root volume), and
 * likewise "/dev" (kernel/fs/devfs.h). Then vfs_sync_all() periodically (every 5 s: kernel/storage.c), on fd_sync/fd_datasync (vfs_sync) and before power-off. */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/fs/fs_errno.h"

enum vfs_type {
    VFS_FILE = 1,
    VFS_DIR = 2,
    VFS_CHARDEV = 3,
    VFS_SYMLINK = 4,  /* a symbolic link: its target is read with vfs_readlink, never followed here */
};

struct vfs_stat {
    uint64_t dev;         /* filesystem id */
    uint64_t ino;         /* stable while the file keeps a name (FAT has no inode numbers) */
    enum vfs_type type;
    uint64_t nlink;
    uint64_t size;
    uint64_t atime_ns, mtime_ns, ctime_ns;  /* since 1970-01-01 UTC */
};

#define VFS_NAME_MAX 765  /* bytes of UTF-8: 255 UTF-16 units of a FAT long name */

struct vfs_dirent {
    uint64_t next_cookie;     /* pass to vfs_readdir for the entry after this one */
    uint64_t ino;
    enum vfs_type type;
    uint32_t name_len;
    char name[VFS_NAME_MAX + 1];  /* UTF-8, NUL-terminated */
};

struct vfs_node;

/* What a filesystem implements. Each returns an enum fs_err. Names are UTF-8, not NUL-terminated,
 * never empty, ".", ".." or containing '/' (the VFS checks). Nodes passed in are held by the caller. */
struct vfs_fs_ops {
    /* *node_out = the child called name (one new reference). FS_ENOENT, FS_ENOTDIR. */
    int (*lookup)(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out);
    /* Creates a file or directory; FS_EEXIST when the name exists. */
    int (*create)(struct vfs_node *dir, const char *name, size_t len, enum vfs_type type,
                  struct vfs_node **node_out);
    /* Removes a name. want_dir: rmdir (FS_ENOTDIR on a file, FS_ENOTEMPTY); else unlink (FS_EISDIR
     * on a directory). An open file stays readable until its last reference goes. */
    int (*remove)(struct vfs_node *dir, const char *name, size_t len, bool want_dir);
    /* Moves a name, replacing an existing target of the same kind (a directory only if empty). */
    int (*rename)(struct vfs_node *old_dir, const char *old_name, size_t old_len,
                  struct vfs_node *new_dir, const char *new_name, size_t new_len);
    /* Reads up to len bytes at off; *done_out = bytes read (0 at or past the end). */
    int (*read)(struct vfs_node *node, uint64_t off, void *buf, size_t len, size_t *done_out);
    /* Writes len bytes at off, growing the file (a gap reads as zeros); *done_out may be short
     * only with an error (FS_ENOSPC, FS_EFBIG) after some bytes were written. */
    int (*write)(struct vfs_node *node, uint64_t off, const void *buf, size_t len, size_t *done_out);
    /* Sets the size; growing fills with zeros. */
    int (*truncate)(struct vfs_node *node, uint64_t size);
    int (*stat)(struct vfs_node *node, struct vfs_stat *st_out);
    /* Sets times (ns since the epoch; UINT64_MAX leaves one unchanged). May be NULL. */
    int (*set_times)(struct vfs_node *node, uint64_t atime_ns, uint64_t mtime_ns);
    /* Fills *ent with the first entry at or after the filesystem cookie; FS_ENOENT at the end. The
     * entry's next_cookie is also a filesystem cookie. Never returns "." or "..". */
    int (*readdir)(struct vfs_node *dir, uint64_t cookie, struct vfs_dirent *ent);
    /* Writes everything of the filesystem the node is on to the disk. */
    int (*sync)(struct vfs_node *node);
    /* Optional (NULL: the filesystem has none; the VFS answers FS_ENOTSUP after its own checks).
     * symlink: creates a VFS_SYMLINK called name holding target (bytes, stored as given; never
     * empty); FS_EEXIST when the name exists. readlink: copies min(cap, target length) bytes of the
     * target into buf (no NUL), *len_out = bytes copied. link: gives node (never a directory, on the
     * same filesystem as dir, already checked) one more name; FS_EEXIST, FS_ENOENT when node has no
     * name left (unlinked but still open). */
    int (*symlink)(struct vfs_node *dir, const char *name, size_t len, const char *target,
                   size_t target_len);
    int (*readlink)(struct vfs_node *node, char *buf, size_t cap, size_t *len_out);
    int (*link)(struct vfs_node *node, struct vfs_node *dir, const char *name, size_t len);
    /* The last reference went: free the node (and an unlinked file's data). */
    void (*release)(struct vfs_node *node);
};

/* The part of every filesystem node the VFS sees. The filesystem fills ops, type, fs_id and sets
 * refs = 1 when it hands a new node out. */
struct vfs_node {
    const struct vfs_fs_ops *ops;
    enum vfs_type type;
    uint32_t refs;
    uint64_t fs_id;       /* filesystem instance, for stat.dev and cross-fs rename checks */
};

/* ---- references ------------------------------------------------------------------------------ */

/* Adds a reference. */
void vfs_node_hold(struct vfs_node *node);
/* Drops a reference; the last one frees the node. NULL is a no-op. */
void vfs_node_release(struct vfs_node *node);

/* ---- mount table ------------------------------------------------------------------------------ */

#define VFS_MOUNTS_MAX 16

/* Mounts a filesystem's root node at an absolute path. "/" must come first; other paths must name
 * an existing directory. The table takes one reference to root. FS_EBUSY when the path is already
 * a mount point, FS_ENOSPC when the table is full, lookup errors otherwise. */
int vfs_mount(const char *path, struct vfs_node *root);
/* Undoes vfs_mount (not "/"): syncs and drops the table's references. FS_EINVAL if not mounted. */
int vfs_unmount(const char *path);
/* The root of the namespace, with one new reference; NULL before "/" is mounted. */
struct vfs_node *vfs_root(void);
/* Syncs every mounted filesystem; returns the first error. For fd_sync of everything, periodic
 * flush and shutdown. */
int vfs_sync_all(void);

/* ---- names (one at a time) ------------------------------------------------------------------- */

/* The child of dir called name, crossing into a filesystem mounted there. "." returns dir itself;
 * ".." is FS_EINVAL (the caller keeps its own path stack). FS_ENAMETOOLONG past VFS_NAME_MAX. */
int vfs_lookup(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out);
/* Walks an absolute path ("/a/b") or one relative to start (held by the caller). Empty components
 * and "." are skipped, ".." is FS_EINVAL. Symbolic links are not followed: a final one is returned
 * as is, one in the middle gives FS_ENOTDIR (the kernel's own paths have none). */
int vfs_resolve(struct vfs_node *start, const char *path, struct vfs_node **node_out);
int vfs_create(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out);
int vfs_mkdir(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out);
int vfs_unlink(struct vfs_node *dir, const char *name, size_t len);
int vfs_rmdir(struct vfs_node *dir, const char *name, size_t len);
/* FS_EXDEV across filesystems; FS_EBUSY when either name is a mount point. */
int vfs_rename(struct vfs_node *old_dir, const char *old_name, size_t old_len,
               struct vfs_node *new_dir, const char *new_name, size_t new_len);
int vfs_stat(struct vfs_node *node, struct vfs_stat *st_out);
int vfs_truncate(struct vfs_node *node, uint64_t size);
int vfs_set_times(struct vfs_node *node, uint64_t atime_ns, uint64_t mtime_ns);
/* Symbolic and hard links (optional ops above). Each checks the name first (FS_EEXIST when it
 * exists) and answers FS_ENOTSUP on a filesystem without the op (FAT32, devfs).
 * vfs_symlink: FS_ENOENT for an empty target, FS_ENAMETOOLONG past VFS_LINK_MAX bytes.
 * vfs_readlink: FS_EINVAL when node is not a VFS_SYMLINK; a short buffer truncates (no error).
 * vfs_link: a new name in dir for node; FS_EISDIR for a directory, FS_EXDEV across filesystems. */
#define VFS_LINK_MAX 4095
int vfs_symlink(struct vfs_node *dir, const char *name, size_t len, const char *target,
                size_t target_len);
int vfs_readlink(struct vfs_node *node, char *buf, size_t cap, size_t *len_out);
int vfs_link(struct vfs_node *node, struct vfs_node *dir, const char *name, size_t len);
/* Iterates a directory (cookies: see the top of this file). FS_ENOENT at the end. */
int vfs_readdir(struct vfs_node *dir, uint64_t cookie, struct vfs_dirent *ent);
int vfs_sync(struct vfs_node *node);

/* ---- open files --------------------------------------------------------------------------------- */

#define VFS_O_READ 1u
#define VFS_O_WRITE 2u
#define VFS_O_APPEND 4u  /* every write goes to the end */

/* An open file: a node, an offset, access flags. Shared by dup'ed descriptors (refs). */
struct vfs_file {
    struct vfs_node *node;  /* one reference, held until the last close */
    uint64_t offset;
    uint32_t flags;         /* VFS_O_* */
    uint32_t refs;
};

enum vfs_whence { VFS_SEEK_SET = 0, VFS_SEEK_CUR = 1, VFS_SEEK_END = 2 };

/* Opens node (the file takes its own reference). FS_EISDIR when writing a directory, FS_EINVAL for
 * a symbolic link, FS_ENOMEM. */
int vfs_open(struct vfs_node *node, uint32_t flags, struct vfs_file **file_out);
/* Adds a reference to an open file (dup). */
void vfs_file_hold(struct vfs_file *file);
/* Drops a reference; the last one releases the node. */
void vfs_close(struct vfs_file *file);
/* Read/write at the file offset, advancing it; FS_EBADF without the access flag. */
int vfs_read(struct vfs_file *file, void *buf, size_t len, size_t *done_out);
int vfs_write(struct vfs_file *file, const void *buf, size_t len, size_t *done_out);
/* Read/write at off without moving the offset (pwrite ignores VFS_O_APPEND). */
int vfs_pread(struct vfs_file *file, uint64_t off, void *buf, size_t len, size_t *done_out);
int vfs_pwrite(struct vfs_file *file, uint64_t off, const void *buf, size_t len, size_t *done_out);
/* Moves the offset; FS_EINVAL for a negative result. */
int vfs_seek(struct vfs_file *file, int64_t delta, enum vfs_whence whence, uint64_t *offset_out);

#endif
