/* kernel/fs/devfs.h — the device filesystem mounted at /dev (issue 5).
 *
 * A fixed directory of character devices: null (reads end at once, writes vanish), zero (reads give
 * zeros, writes vanish), random and urandom (reads give bytes of the random hook, writes vanish) and
 * console (reads take what the console input holds now — 0 bytes when it is empty, never blocking;
 * writes go to the console). Names cannot be created, removed or renamed (FS_ENOTSUP); readdir cookies
 * are device indexes. Implements struct vfs_fs_ops (kernel/fs/vfs.h); portable, no kernel calls but
 * the hooks and kzalloc, so the host tests run it. Not locked: the kernel serializes filesystem calls. */
#ifndef KERNEL_FS_DEVFS_H
#define KERNEL_FS_DEVFS_H

#include <stddef.h>
#include "kernel/fs/vfs.h"

/* What the devices reach outside the filesystem. Any hook may be NULL: the device then reads 0 bytes
 * (console) or fails with FS_EIO (random), and console writes are dropped. */
struct devfs_hooks {
    size_t (*console_read)(void *buf, size_t len);      /* bytes taken, 0 when none wait */
    void (*console_write)(const void *buf, size_t len);
    int (*random)(void *buf, size_t len);               /* 0 when buf is filled */
};

/* Creates the filesystem; *root_out = its root directory (one reference, for vfs_mount). The hooks
 * are copied. FS_OK or FS_ENOMEM. The filesystem lives until devfs_destroy (the kernel's: forever). */
int devfs_create(const struct devfs_hooks *hooks, struct vfs_node **root_out);
/* Frees the filesystem of root (a devfs root, whose references are all given back). FS_EBUSY (nothing
 * freed) while a device node is still referenced. The kernel never calls it; the tests do. */
int devfs_destroy(struct vfs_node *root);

#endif
