/* kernel/fs/bcache.h — a write-back cache of device sectors, with ordered writeback.
 *
 * Interface (the shape of xv6's bio.c): bcache_get pins a sector's buffer, the caller reads or
 * changes buf->data, calls bcache_dirty after a change, then bcache_put; never touch a buffer after
 * bcache_put. Dirty buffers stay in memory until bcache_sync, or until the cache needs room, and are
 * then written in a fixed order by class:
 *
 *     1. BCACHE_DATA and BCACHE_FAT buffers (sorted by sector, adjacent ones coalesced)
 *     2. device FLUSH
 *     3. BCACHE_META buffers (directory entries, FSInfo)
 *     4. device FLUSH
 *
 * So a META sector never reaches the disk before the FAT and data sectors that were dirtied before it
 * (the rule kernel/fs/fat32.h builds its crash consistency on). A mirror region (bcache_set_mirror)
 * is written to every copy at writeback: FAT32 keeps its two FATs identical this way.
 *
 * Large transfers of file data bypass the buffers with bcache_read_direct / bcache_write_direct,
 * which stay coherent with cached copies of the same sectors; small reads of file data use
 * bcache_read_cached, so data read again (a config file, a page httpd serves) costs no I/O.
 *
 * All functions may block (they do device I/O) and are not for IRQ context. A cache belongs to one
 * filesystem and is not locked: its user serializes calls. Errors are enum block_err values. */
#ifndef KERNEL_FS_BCACHE_H
#define KERNEL_FS_BCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/drivers/block.h"

/* Write-back class of a dirty buffer: decides its place in the writeback order above. */
enum bcache_class {
    BCACHE_DATA = 0,  /* file data (written first) */
    BCACHE_FAT = 1,   /* allocation tables (written with data, before any META) */
    BCACHE_META = 2,  /* directory entries, FSInfo (written after a FLUSH) */
};

/* A cached sector. Fields other than data are the cache's. */
struct bcache_buf {
    uint8_t *data;                 /* sector_size bytes, valid while pinned */
    uint64_t lba;                  /* which sector */
    uint32_t pins;                 /* bcache_get count minus bcache_put count */
    bool dirty;
    enum bcache_class cls;         /* meaningful while dirty */
    struct bcache_buf *hash_next;  /* bucket chain */
    struct bcache_buf *lru_prev, *lru_next;  /* most recently used at the head */
};

/* Counters, for tests and benchmarks. */
struct bcache_stats {
    uint64_t hits, misses;         /* bcache_get lookups */
    uint64_t sectors_read, sectors_written;  /* device traffic, including direct I/O and mirrors */
    uint64_t writebacks;           /* ordered writebacks (syncs and evictions) */
    uint64_t flushes;              /* device FLUSH requests */
};

struct bcache;

/* Creates a cache of nbufs sectors (at least 8) over dev, which must outlive it. Returns BLOCK_OK
 * and *cache_out, or BLOCK_EINVAL (nbufs too small) or BLOCK_EIO (out of memory). */
int bcache_create(struct block_device *dev, uint32_t nbufs, struct bcache **cache_out);

/* Frees the cache without writing anything: call bcache_sync first to keep dirty data. */
void bcache_destroy(struct bcache *cache);

/* Declares sectors [lba, lba + count) a mirror region: a dirty sector lba + i is also written to
 * lba + i + k * stride for k = 1 .. copies - 1. At most one region. */
void bcache_set_mirror(struct bcache *cache, uint64_t lba, uint64_t count, uint64_t stride,
                       uint32_t copies);

/* Pins the buffer of sector lba and returns it in *buf_out. With read = false the caller promises to
 * overwrite the whole sector, so a miss is not read from the device (its data is zeroed). May write
 * back dirty buffers to make room. Returns BLOCK_OK, a device error, or BLOCK_EBUSY when every
 * buffer is pinned (a caller bug: it holds too many). */
int bcache_get(struct bcache *cache, uint64_t lba, bool read, struct bcache_buf **buf_out);

/* Marks a pinned buffer dirty with a writeback class. A buffer dirtied twice keeps the later class
 * unless the earlier was META (META is never demoted). */
void bcache_dirty(struct bcache *cache, struct bcache_buf *buf, enum bcache_class cls);

/* Unpins a buffer. */
void bcache_put(struct bcache *cache, struct bcache_buf *buf);

/* Writes back every dirty buffer in the order above, with device flushes. Returns BLOCK_OK or the
 * first error (buffers that failed stay dirty). */
int bcache_sync(struct bcache *cache);

/* Writes back the DATA and FAT buffers only, then FLUSH (steps 1-2 above); META stays dirty. */
int bcache_sync_data(struct bcache *cache);

/* Installs the function the cache calls when it needs room and every unpinned buffer is dirty,
 * instead of bcache_sync: the filesystem's own ordered writeback (kernel/fs/fat32.c fat_writeback),
 * which must leave buffers clean and return a block error. Not called re-entrantly: a miss while it
 * runs that finds no clean buffer fails with BLOCK_EBUSY. */
void bcache_set_writeback(struct bcache *cache, int (*writeback)(void *ctx), void *ctx);

/* Reads count sectors at lba into buf, bypassing the buffers but seeing their (newer) contents. */
int bcache_read_direct(struct bcache *cache, uint64_t lba, uint32_t count, void *buf);
/* Reads [lba, lba + count) like bcache_read_direct, in one device request when any sector is not
 * cached, none when all are; what it read is kept in clean buffers, taken only from clean unpinned
 * ones (it never writes back or fails for want of room: a sector that finds no buffer is simply
 * not kept). For small transfers: each sector costs a copy and a buffer. */
int bcache_read_cached(struct bcache *cache, uint64_t lba, uint32_t count, void *buf);

/* Writes count sectors from buf straight to the device (no flush), updating cached copies, which
 * become clean. For file data only (class BCACHE_DATA). */
int bcache_write_direct(struct bcache *cache, uint64_t lba, uint32_t count, const void *buf);

/* Drops every clean unpinned buffer (tests use it to force re-reads). */
void bcache_drop_clean(struct bcache *cache);

/* Returns the counters. */
struct bcache_stats bcache_get_stats(const struct bcache *cache);

/* The device the cache sits on. */
struct block_device *bcache_device(const struct bcache *cache);

#endif
