/* kernel/fs/ramfs.h — a filesystem in kernel memory, for /tmp (issue 5).
 *
 * Files, directories and symbolic links live in kmalloc'd memory and vanish with the filesystem.
 * Names are bytes (case-sensitive, up to RAMFS_NAME_MAX); readdir cookies are slot indexes in the
 * directory, stable while other names come and go. A file or symlink may have several names (hard
 * links; stat's nlink counts them, every name shows the same ino) and lives while it has a name or
 * a reference. Times are kept to the nanosecond as given (set_times) or as read from the clock.
 * A byte budget bounds file data and link targets (FS_ENOSPC past it). Implements
 * struct vfs_fs_ops (kernel/fs/vfs.h); every call is O(entries in the directory) at most and never
 * blocks. Not locked: the kernel serializes filesystem calls. */
#ifndef KERNEL_FS_RAMFS_H
#define KERNEL_FS_RAMFS_H

#include <stdint.h>
#include "kernel/fs/vfs.h"

#define RAMFS_NAME_MAX 255

struct ramfs;

/* Nanoseconds since 1970-01-01 UTC, for timestamps; NULL leaves them 0. */
typedef uint64_t (*ramfs_clock_fn)(void *ctx);

/* Creates an empty filesystem whose file data may use up to max_bytes. FS_OK or FS_ENOMEM. */
int ramfs_create(uint64_t max_bytes, ramfs_clock_fn clock, void *ctx, struct ramfs **fs_out);
/* The root directory (one new reference). */
struct vfs_node *ramfs_root(struct ramfs *fs);
/* Frees everything. FS_EBUSY (nothing freed) while any node but the root is referenced. */
int ramfs_destroy(struct ramfs *fs);
/* Bytes of file data in use. */
uint64_t ramfs_used_bytes(const struct ramfs *fs);

#endif
