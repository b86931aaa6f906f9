/* kernel/fs/fat32.h — the FAT32 filesystem (Microsoft FAT specification 1.03, with VFAT long names).
 *
 * Mounts a FAT32 volume on a struct block_device (a whole disk or a GPT partition) and exposes it as
 * vfs nodes (kernel/fs/vfs.h): read/write, long names (UTF-16 on disk, UTF-8 at the interface),
 * directories, create/remove/rename (also across directories), truncate/extend, timestamps from a
 * clock callback, FSInfo free-count upkeep, every FAT copy kept identical. Writes go through a
 * write-back block cache (kernel/fs/bcache.h) and reach the disk at fat32_sync / vfs_sync, when the
 * cache needs room, and at unmount.
 *
 * Hostile disks: the boot sector is checked field by field and refused with a message (why_out) when
 * it cannot describe a FAT32 volume. The whole FAT is scanned at mount: an entry pointing outside the
 * volume, or two entries pointing to the same cluster (a cross-link or cycle), mounts the volume
 * read-only with a message (fat32_error). Every chain walk is bounded by the cluster count, so a FAT
 * cycle found later ends the walk with FS_EIO and also turns the volume read-only; nothing loops.
 *
 * ---- Write ordering (what makes a crash leave only lost clusters) ----------------------------------
 * Rules, with "A before B" meaning A is written and a device FLUSH completes before B is written:
 *  W1. Allocation: a cluster's FAT entry (EOC or the link to it) is written, in every FAT copy,
 *      before any directory entry that refers to it. (FAT buffers are BCACHE_FAT, directory
 *      entries BCACHE_META; bcache writes DATA+FAT, FLUSH, META, FLUSH.)
 *  W2. Data: file data (written directly or as BCACHE_DATA) reaches the disk in the first phase of
 *      the next writeback, before the directory entry that records the new size or first cluster.
 *      A new directory's cluster ("." and "..") and a directory's new zeroed cluster are written
 *      directly, before the entry or FAT link that makes them part of the tree.
 *  W3. Freeing: clusters released by unlink, rmdir, truncate or a replacing rename are not freed in
 *      the FAT at once. They go on a pending list; fat32_sync first writes back everything (so the
 *      directory entry no longer refers to them), then sets the FAT entries to free (and cuts a
 *      truncated chain with EOC), then writes back again. A pending cluster is never reallocated
 *      before that, so no cluster is ever referenced by two files on disk.
 *  W4. Rename: the old entry's removal is written back (a sync) before the new entry is created.
 *      A crash in between leaves the file's clusters as a lost chain (fsck recovers it), never two
 *      names for one chain. A directory moved to another parent gets its ".." rewritten and synced
 *      between the two, so a reachable directory never has a stale "..".
 *  W5. FSInfo (free count, next free hint) is a hint, written as META at each sync.
 *  W5b. Names: a new name that fits in one sector (up to 195 UTF-16 units with 512-byte sectors)
 *      is placed so it never straddles two sectors, so creating or erasing it is one sector write.
 *  W6. FAT copies: each FAT sector is written to copy 1, then to the other copies, so copy 1 is
 *      never older than the others.
 * What a crash may therefore leave: lost clusters (allocated but unreferenced: from unsynced
 * writes, pending frees, or rename/unlink/open-unlinked files in flight); a wrong FSInfo free count;
 * FAT copies that differ in the sectors being written (copy 1 is the newer, fsck uses it); a file
 * grown since its last sync whose chain is longer than its recorded size (W1 links clusters before
 * the entry records the size: fsck trims the extra clusters, the recorded bytes are intact); and
 * unsynced files with their old size or old contents; an orphaned long-name part only when a longer
 * name, or one written by another tool across a sector boundary, was being created or erased. Never: cross-links, a chain shorter than its
 * file's size, a directory entry pointing to a free cluster, a stale "..", or lost synced data.
 * Data overwritten in place is not atomic (as on any FAT implementation). tests/unit/fs/
 * test_fat32_ops.c (crash_sweep) cuts a workload after every write and checks exactly this list.
 *
 * Not supported: FAT12/16, volumes whose sector size differs from the device's, file sizes of 4 GiB
 * or more (FS_EFBIG), symlinks, permissions beyond the read-only attribute (ignored). */
#ifndef KERNEL_FS_FAT32_H
#define KERNEL_FS_FAT32_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/drivers/block.h"
#include "kernel/fs/vfs.h"

struct fat32;

/* Seconds since 1970-01-01 UTC, for timestamps (FAT stores local time; walos uses UTC). */
typedef int64_t (*fat32_clock_fn)(void *ctx);
/* Receives a one-line message: why the volume went read-only. May be NULL. */
typedef void (*fat32_log_fn)(void *ctx, const char *msg);

struct fat32_options {
    bool read_only;           /* mount read-only */
    uint32_t cache_sectors;   /* block cache size; 0 = default (1024) */
    fat32_clock_fn clock;     /* NULL: timestamps stay at 1980-01-01 */
    fat32_log_fn log;
    void *ctx;                /* passed to clock and log */
};

/* ---- mounting --------------------------------------------------------------------------------- */

/* Mounts the FAT32 volume on dev (which must outlive the mount). Returns FS_OK and *fs_out, or
 * FS_EINVAL (not a usable FAT32 volume: *why_out says why, static string), FS_EIO (disk error), or
 * FS_ENOMEM. A volume found damaged mounts read-only: fat32_error then returns the reason.
 * Blocks (reads the whole FAT). */
int fat32_mount(struct block_device *dev, const struct fat32_options *opts, struct fat32 **fs_out,
                const char **why_out);

/* Syncs and frees everything. Fails with FS_EBUSY while nodes other than the root are referenced
 * (the fs is then still mounted); returns a sync error after freeing anyway. */
int fat32_unmount(struct fat32 *fs);

/* Writes every change to the disk (rules above), then commits pending frees, then FSInfo. */
int fat32_sync(struct fat32 *fs);

/* The root directory node (one new reference). */
struct vfs_node *fat32_root(struct fat32 *fs);

/* NULL, or why the volume is read-only after damage was found (static string). */
const char *fat32_error(const struct fat32 *fs);

bool fat32_is_read_only(const struct fat32 *fs);

/* Free space now, in bytes (clusters on the pending list not yet counted). */
uint64_t fat32_free_bytes(const struct fat32 *fs);

/* The cache under the volume (tests and benchmarks read its counters). */
struct bcache *fat32_cache(const struct fat32 *fs);

#endif
