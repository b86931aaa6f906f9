/* kernel/fs/fat32_file.c — FAT32 file data: read, write, truncate/extend, stat, times (contract in
 * fat32.h; shared internals in fat32_priv.h).
 *
 * A file is a chain of clusters plus a size in its short entry. Invariant: the chain has exactly
 * ceil(size / cluster_size) clusters (a truncated tail waiting on the pending-free list, rule W3 in
 * fat32.h, is no longer counted). Bytes past the size in the last cluster are undefined, so growing a
 * file always writes zeros over [old size, new start) first. Whole sectors move straight between the
 * caller's buffer and the disk (bcache_*_direct), over runs of contiguous clusters; partial sectors
 * go through the block cache. */
#include "kernel/fs/fat32_priv.h"

#define DIRECT_MAX_SECTORS 1024  /* largest single direct transfer */
/* Reads of file data up to this many whole sectors keep a copy in the block cache: a small file or
 * a small read repeated then costs no I/O (a 4 KiB pread from the disk took 50-700 us under TCG);
 * larger ones stream past it and leave the cache to metadata. */
#define CACHED_READ_MAX_SECTORS 16

static uint32_t clusters_for(const struct fat32 *fs, uint64_t size)
{
    return (uint32_t)((size + fs->cluster_size - 1) >> fs->cluster_shift);
}

/* How many sectors from `lba` (inside cluster c at index idx) can be moved in one request: the rest of
 * c, then whole following clusters while the chain is contiguous, up to max_sectors. */
static int contiguous_sectors(struct fat32_node *node, uint32_t idx, uint32_t c, uint32_t sector_in_cluster,
                              uint32_t max_sectors, uint32_t *count_out)
{
    struct fat32 *fs = node->fs;
    uint32_t n = fs->sectors_per_cluster - sector_in_cluster;
    while (n < max_sectors) {
        uint32_t next;
        int err = fat_next(fs, c, &next);
        if (err)
            return err;
        if (next != c + 1)
            break;
        c = next;
        idx++;
        node->pos_index = idx; /* keep the walk cache on the last cluster used */
        node->pos_cluster = c;
        n += fs->sectors_per_cluster;
    }
    *count_out = n < max_sectors ? n : max_sectors;
    return FS_OK;
}

int fat32_file_read(struct vfs_node *vn, uint64_t off, void *buf, size_t len, size_t *done_out)
{
    struct fat32_node *node = (struct fat32_node *)vn;
    struct fat32 *fs = node->fs;
    *done_out = 0;
    if (vn->type == VFS_DIR)
        return FS_EISDIR;
    if (off >= node->size)
        return FS_OK;
    if (len > node->size - off)
        len = (size_t)(node->size - off);
    uint8_t *out = buf;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t idx = (uint32_t)(pos >> fs->cluster_shift);
        uint32_t in_cluster = (uint32_t)(pos & (fs->cluster_size - 1));
        uint32_t c;
        int err = fat_node_cluster_at(node, idx, &c);
        if (err)
            return err;
        uint32_t sector = in_cluster / fs->sector_size, in_sector = in_cluster % fs->sector_size;
        uint64_t lba = fat_cluster_lba(fs, c) + sector;
        size_t left = len - done;
        if (in_sector == 0 && left >= fs->sector_size) {
            uint32_t want = (uint32_t)(left / fs->sector_size > DIRECT_MAX_SECTORS ? DIRECT_MAX_SECTORS
                                                                                  : left / fs->sector_size);
            uint32_t n;
            if ((err = contiguous_sectors(node, idx, c, sector, want, &n)) != FS_OK)
                return err;
            err = n <= CACHED_READ_MAX_SECTORS ? bcache_read_cached(fs->cache, lba, n, out + done)
                                               : bcache_read_direct(fs->cache, lba, n, out + done);
            if (err != BLOCK_OK)
                return fat_block_err(err);
            done += (size_t)n * fs->sector_size;
        } else {
            struct bcache_buf *b;
            if ((err = bcache_get(fs->cache, lba, true, &b)) != BLOCK_OK)
                return fat_block_err(err);
            size_t n = fs->sector_size - in_sector < left ? fs->sector_size - in_sector : left;
            memcpy(out + done, b->data + in_sector, n);
            bcache_put(fs->cache, b);
            done += n;
        }
        *done_out = done;
    }
    return FS_OK;
}

/* Makes the chain long enough for `end` bytes. On ENOSPC, *end_out is what fits (may equal the old
 * capacity). */
static int grow_chain(struct fat32_node *node, uint64_t end, uint64_t *end_out)
{
    struct fat32 *fs = node->fs;
    uint32_t have = node->first_cluster ? clusters_for(fs, node->size) : 0;
    uint32_t need = clusters_for(fs, end);
    *end_out = end;
    if (need <= have)
        return FS_OK;
    uint32_t last = 0;
    int err;
    if (have > 0 && (err = fat_node_cluster_at(node, have - 1, &last)) != FS_OK)
        return err;
    for (uint32_t i = have; i < need; i++) {
        uint32_t c;
        err = fat_alloc(fs, last, false, &c); /* W1: FAT now, the entry later */
        if (err) {
            *end_out = (uint64_t)i << fs->cluster_shift;
            return err;
        }
        if (i == 0) {
            node->first_cluster = c;
            node->pos_cluster = 0;
        }
        last = c;
    }
    return FS_OK;
}

/* Writes len bytes at off (off <= size); src NULL writes zeros. */
static int write_at(struct fat32_node *node, uint64_t off, const uint8_t *src, size_t len, size_t *done_out)
{
    struct fat32 *fs = node->fs;
    *done_out = 0;
    uint64_t end;
    int alloc_err = grow_chain(node, off + len, &end);
    if (alloc_err && end <= off)
        return alloc_err;
    if (end < off + len)
        len = (size_t)(end - off);
    size_t done = 0;
    int err = FS_OK;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t idx = (uint32_t)(pos >> fs->cluster_shift);
        uint32_t in_cluster = (uint32_t)(pos & (fs->cluster_size - 1));
        uint32_t c;
        if ((err = fat_node_cluster_at(node, idx, &c)) != FS_OK)
            break;
        uint32_t sector = in_cluster / fs->sector_size, in_sector = in_cluster % fs->sector_size;
        uint64_t lba = fat_cluster_lba(fs, c) + sector;
        size_t left = len - done;
        if (in_sector == 0 && left >= fs->sector_size) {
            uint32_t want = (uint32_t)(left / fs->sector_size > DIRECT_MAX_SECTORS ? DIRECT_MAX_SECTORS
                                                                                  : left / fs->sector_size);
            uint32_t n;
            if (!src) /* zeros come from one cluster-sized buffer */
                want = want < fs->sectors_per_cluster - sector ? want : fs->sectors_per_cluster - sector;
            else if ((err = contiguous_sectors(node, idx, c, sector, want, &n)) != FS_OK)
                break;
            if (!src)
                n = want;
            const void *from = src ? (const void *)(src + done) : (const void *)fs->zero_cluster;
            if ((err = bcache_write_direct(fs->cache, lba, n, from)) != BLOCK_OK) {
                err = fat_block_err(err);
                break;
            }
            done += (size_t)n * fs->sector_size;
        } else {
            struct bcache_buf *b;
            if ((err = bcache_get(fs->cache, lba, true, &b)) != BLOCK_OK) {
                err = fat_block_err(err);
                break;
            }
            size_t n = fs->sector_size - in_sector < left ? fs->sector_size - in_sector : left;
            if (src)
                memcpy(b->data + in_sector, src + done, n);
            else
                memset(b->data + in_sector, 0, n);
            bcache_dirty(fs->cache, b, BCACHE_DATA);
            bcache_put(fs->cache, b);
            done += n;
        }
    }
    *done_out = done;
    if (off + done > node->size)
        node->size = (uint32_t)(off + done);
    int uerr = fat_node_update_entry(node, true); /* W2: META, after the data and FAT */
    if (err)
        return err;
    if (alloc_err)
        return alloc_err;
    return uerr;
}

int fat32_file_write(struct vfs_node *vn, uint64_t off, const void *buf, size_t len, size_t *done_out)
{
    struct fat32_node *node = (struct fat32_node *)vn;
    struct fat32 *fs = node->fs;
    *done_out = 0;
    if (vn->type == VFS_DIR)
        return FS_EISDIR;
    if (fs->read_only)
        return FS_EROFS;
    if (len == 0)
        return FS_OK;
    if (off >= FAT32_MAX_FILE)
        return FS_EFBIG;
    bool too_big = len > FAT32_MAX_FILE - off;
    if (too_big)
        len = (size_t)(FAT32_MAX_FILE - off);
    int err;
    if (off > node->size) {
        size_t zdone;
        if ((err = write_at(node, node->size, NULL, (size_t)(off - node->size), &zdone)) != FS_OK)
            return err;
    }
    err = write_at(node, off, buf, len, done_out);
    if (!err && too_big)
        err = FS_EFBIG;
    return err;
}

int fat32_file_truncate(struct vfs_node *vn, uint64_t size)
{
    struct fat32_node *node = (struct fat32_node *)vn;
    struct fat32 *fs = node->fs;
    if (vn->type == VFS_DIR)
        return FS_EISDIR;
    if (fs->read_only)
        return FS_EROFS;
    if (size > FAT32_MAX_FILE)
        return FS_EFBIG;
    if (size > node->size) {
        size_t done;
        return write_at(node, node->size, NULL, (size_t)(size - node->size), &done);
    }
    if (size == node->size)
        return fat_node_update_entry(node, true);
    uint32_t keep = clusters_for(fs, size), have = node->first_cluster ? clusters_for(fs, node->size) : 0;
    int err;
    if (keep < have) {
        if (keep == 0) {
            uint32_t head = node->first_cluster;
            node->first_cluster = 0;
            err = fat_free_later(fs, 0, head); /* W3: freed after the entry says size 0 */
        } else {
            uint32_t last, next;
            if ((err = fat_node_cluster_at(node, keep - 1, &last)) != FS_OK)
                return err;
            if ((err = fat_next(fs, last, &next)) != FS_OK)
                return err;
            err = next ? fat_free_later(fs, last, next) : FS_OK;
        }
        if (err)
            return err;
        node->pos_cluster = 0;
        node->pos_index = 0;
    }
    node->size = (uint32_t)size;
    return fat_node_update_entry(node, true);
}

int fat32_file_stat(struct vfs_node *vn, struct vfs_stat *st)
{
    struct fat32_node *node = (struct fat32_node *)vn;
    memset(st, 0, sizeof *st);
    st->dev = vn->fs_id;
    st->type = vn->type;
    st->nlink = 1;
    if (node->is_root) {
        st->ino = 1;
        return FS_OK;
    }
    st->ino = node->entry_lba * 128 + node->entry_off / DIRENT_SIZE;
    st->size = node->size;
    if (node->unlinked)
        return FS_OK;
    uint8_t raw[DIRENT_SIZE];
    int err = fat_node_read_entry(node, raw);
    if (err)
        return err;
    st->ctime_ns = fat_time_to_ns(get16(raw + 16), get16(raw + 14)) + (uint64_t)(raw[13] / 100) * 1000000000ull;
    st->atime_ns = fat_time_to_ns(get16(raw + 18), 0);
    st->mtime_ns = fat_time_to_ns(get16(raw + 24), get16(raw + 22));
    return FS_OK;
}

int fat32_file_set_times(struct vfs_node *vn, uint64_t atime_ns, uint64_t mtime_ns)
{
    struct fat32_node *node = (struct fat32_node *)vn;
    struct fat32 *fs = node->fs;
    if (fs->read_only)
        return FS_EROFS;
    if (node->is_root || node->unlinked)
        return FS_OK;
    struct bcache_buf *b;
    int err = bcache_get(fs->cache, node->entry_lba, true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    uint8_t *raw = b->data + node->entry_off;
    uint16_t date, time;
    if (atime_ns != UINT64_MAX) {
        fat_ns_to_time(atime_ns, &date, &time);
        put16(raw + 18, date);
    }
    if (mtime_ns != UINT64_MAX) {
        fat_ns_to_time(mtime_ns, &date, &time);
        put16(raw + 22, time);
        put16(raw + 24, date);
    }
    bcache_dirty(fs->cache, b, BCACHE_META);
    bcache_put(fs->cache, b);
    return FS_OK;
}
