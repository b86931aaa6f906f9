/* kernel/fs/fat32.c — FAT32 volume: mount checks, FAT access, cluster allocation, ordered sync,
 * node table (contract in fat32.h, internals in fat32_priv.h).
 *
 * Layers: kernel/fs/vfs.c calls the ops table at the end of this file; directory operations live in
 * fat32_dir.c and file data in fat32_file.c; everything reaches the disk through kernel/fs/bcache.c.
 * The write-ordering rules W1-W5 are stated in fat32.h; the places that keep them say so. */
#include "kernel/fs/fat32_priv.h"

#define FAT32_DEFAULT_CACHE 1024
#define FSINFO_LEAD_SIG 0x41615252u
#define FSINFO_STRUC_SIG 0x61417272u
#define FSINFO_TRAIL_SIG 0xAA550000u
#define FSINFO_UNKNOWN 0xFFFFFFFFu
#define EXT_FLAGS_NO_MIRROR 0x80
#define EXT_FLAGS_ACTIVE_MASK 0x0F
#define SCAN_CHUNK_SECTORS 32

static uint64_t next_fs_id = 1;

/* ---- errors ------------------------------------------------------------------------------------ */

int fat_corrupt(struct fat32 *fs, const char *msg)
{
    if (!fs->error) {
        fs->error = msg;
        if (fs->opts.log)
            fs->opts.log(fs->opts.ctx, msg);
    }
    fs->read_only = true;
    return FS_EIO;
}

int fat_block_err(int block_err)
{
    switch (block_err) {
    case BLOCK_OK: return FS_OK;
    case BLOCK_EROFS: return FS_EROFS;
    default: return FS_EIO;
    }
}

/* ---- time ------------------------------------------------------------------------------------- */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y_out, unsigned *m_out, unsigned *d_out)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *y_out = (int64_t)yoe + era * 400 + (m <= 2);
    *m_out = m;
    *d_out = d;
}

/* FAT dates cover 1980-01-01 .. 2107-12-31; date = (year-1980)<<9 | month<<5 | day, time =
 * hour<<11 | minute<<5 | seconds/2. */
static void seconds_to_fat(int64_t secs, uint16_t *date_out, uint16_t *time_out)
{
    const int64_t min = 315532800;            /* 1980-01-01 */
    const int64_t max = 4354819199;           /* 2107-12-31 23:59:59 */
    if (secs < min)
        secs = min;
    if (secs > max)
        secs = max;
    int64_t days = secs / 86400, rem = secs % 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    *date_out = (uint16_t)((y - 1980) << 9 | m << 5 | d);
    *time_out = (uint16_t)((rem / 3600) << 11 | ((rem / 60) % 60) << 5 | (rem % 60) / 2);
}

void fat_now(struct fat32 *fs, uint16_t *date_out, uint16_t *time_out, uint8_t *tenth_out)
{
    int64_t secs = fs->opts.clock ? fs->opts.clock(fs->opts.ctx) : 0;
    seconds_to_fat(secs, date_out, time_out);
    if (tenth_out)
        *tenth_out = (uint8_t)((secs > 0 && (secs & 1)) ? 100 : 0);
}

uint64_t fat_time_to_ns(uint16_t date, uint16_t time)
{
    unsigned m = (date >> 5) & 15, d = date & 31;
    if (m < 1 || m > 12 || d < 1)
        return 0; /* an unset or invalid date */
    int64_t days = days_from_civil(1980 + (date >> 9), m, d);
    int64_t secs = days * 86400 + (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2;
    return (uint64_t)secs * 1000000000ull;
}

void fat_ns_to_time(uint64_t ns, uint16_t *date_out, uint16_t *time_out)
{
    seconds_to_fat((int64_t)(ns / 1000000000ull), date_out, time_out);
}

/* ---- FAT access ------------------------------------------------------------------------------- */

bool fat_cluster_valid(const struct fat32 *fs, uint32_t cluster)
{
    return cluster >= 2 && cluster <= fs->cluster_count + 1;
}

uint64_t fat_cluster_lba(const struct fat32 *fs, uint32_t cluster)
{
    return fs->data_lba + (uint64_t)(cluster - 2) * fs->sectors_per_cluster;
}

int fat_get(struct fat32 *fs, uint32_t cluster, uint32_t *value_out)
{
    if (cluster > fs->cluster_count + 1)
        return fat_corrupt(fs, "fat32: cluster number out of range");
    uint64_t byte = (uint64_t)cluster * 4;
    struct bcache_buf *b;
    int err = bcache_get(fs->cache, fs->fat_lba + byte / fs->sector_size, true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    *value_out = get32(b->data + byte % fs->sector_size) & FAT_MASK;
    bcache_put(fs->cache, b);
    return FS_OK;
}

int fat_set(struct fat32 *fs, uint32_t cluster, uint32_t value)
{
    if (!fat_cluster_valid(fs, cluster))
        return fat_corrupt(fs, "fat32: write to an out-of-range FAT entry");
    uint64_t byte = (uint64_t)cluster * 4;
    struct bcache_buf *b;
    int err = bcache_get(fs->cache, fs->fat_lba + byte / fs->sector_size, true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    uint8_t *p = b->data + byte % fs->sector_size;
    put32(p, (get32(p) & ~FAT_MASK) | (value & FAT_MASK));
    bcache_dirty(fs->cache, b, BCACHE_FAT);
    bcache_put(fs->cache, b);
    return FS_OK;
}

int fat_next(struct fat32 *fs, uint32_t cluster, uint32_t *next_out)
{
    uint32_t v;
    int err = fat_get(fs, cluster, &v);
    if (err)
        return err;
    if (v >= FAT_EOC_MIN) {
        *next_out = 0;
        return FS_OK;
    }
    if (!fat_cluster_valid(fs, v))
        return fat_corrupt(fs, "fat32: cluster chain leads to a free, bad or out-of-range cluster");
    *next_out = v;
    return FS_OK;
}

/* ---- allocation ---------------------------------------------------------------------------- */

static int commit_pending(struct fat32 *fs);

/* Remembers prev's on-disk value before it is linked to a new cluster (W1). Without memory for the
 * record, writes everything back first, so that the new cluster's entry is on the disk before the
 * link can be. */
static int record_link(struct fat32 *fs, uint32_t prev)
{
    for (uint32_t i = 0; i < fs->link_count; i++)
        if (fs->links[i].prev == prev)
            return FS_OK; /* the first record holds the on-disk value */
    uint32_t old;
    int err = fat_get(fs, prev, &old);
    if (err)
        return err;
    if (old < FAT_EOC_MIN) {
        /* prev still leads to a truncated tail waiting on the pending list (W3): relinking it now
         * could leave a chain shorter than the size on the disk. Make the truncation durable first;
         * then prev is a plain end of chain. */
        if ((err = fat32_sync(fs)) != FS_OK || (err = fat_get(fs, prev, &old)) != FS_OK)
            return err;
    }
    if (fs->link_count == fs->link_cap) {
        uint32_t cap = fs->link_cap ? fs->link_cap * 2 : 64;
        struct fat_link *l = kmalloc(sizeof *l * cap);
        if (!l)
            return fat_writeback(fs);
        if (fs->link_count)
            memcpy(l, fs->links, sizeof *l * fs->link_count);
        kfree(fs->links);
        fs->links = l;
        fs->link_cap = cap;
    }
    fs->links[fs->link_count].prev = prev;
    fs->links[fs->link_count].old = old;
    fs->link_count++;
    return FS_OK;
}

int fat_writeback(struct fat32 *fs)
{
    int err = FS_OK;
    fs->last_alloc = 0; /* from here on, every cluster's entry is on the disk */
    if (fs->link_count > 0) {
        /* pass 1: new clusters' entries, with every recorded link still at its on-disk value */
        for (uint32_t i = 0; i < fs->link_count && !err; i++) {
            struct fat_link *l = &fs->links[i];
            if ((err = fat_get(fs, l->prev, &l->now)) == FS_OK)
                err = fat_set(fs, l->prev, l->old);
        }
        int werr = fat_block_err(bcache_sync_data(fs->cache));
        for (uint32_t i = 0; i < fs->link_count; i++) /* always restore the in-memory FAT */
            fat_set(fs, fs->links[i].prev, fs->links[i].now);
        if (err || werr)
            return err ? err : werr;
        fs->link_count = 0;
    }
    /* pass 2: the links with the rest of the FAT and data, FLUSH, then META */
    return fat_block_err(bcache_sync(fs->cache));
}

static int cache_writeback(void *ctx)
{
    int err = fat_writeback(ctx);
    return err == FS_OK ? BLOCK_OK : BLOCK_EIO;
}

int fat_alloc(struct fat32 *fs, uint32_t prev, bool zero, uint32_t *cluster_out)
{
    if (fs->read_only)
        return FS_EROFS;
    if (fs->free_count == 0 && fs->pending_count > 0) {
        int err = fat32_sync(fs); /* commits pending frees (rule W3) */
        if (err)
            return err;
    }
    if (fs->free_count == 0)
        return FS_ENOSPC;
    uint32_t c = fs->next_free;
    for (uint32_t n = 0; n < fs->cluster_count; n++, c++) {
        if (!fat_cluster_valid(fs, c))
            c = 2;
        uint32_t v;
        int err = fat_get(fs, c, &v);
        if (err)
            return err;
        if (v != FAT_FREE)
            continue;
        if (zero) {
            /* W2: the zeroed cluster is on the disk before anything links to it */
            err = bcache_write_direct(fs->cache, fat_cluster_lba(fs, c), fs->sectors_per_cluster,
                                      fs->zero_cluster);
            if (err != BLOCK_OK)
                return fat_block_err(err);
        }
        if ((err = fat_set(fs, c, FAT_EOC)) != FS_OK)
            return err;
        /* a link from the cluster allocated just before (a chain growing in one go) needs no
         * record: that cluster is itself unreachable on the disk until the link before it is */
        if (prev && prev != fs->last_alloc && (err = record_link(fs, prev)) != FS_OK)
            return err;
        if (prev && (err = fat_set(fs, prev, c)) != FS_OK)
            return err;
        fs->free_count--;
        fs->next_free = c + 1;
        fs->last_alloc = c;
        *cluster_out = c;
        return FS_OK;
    }
    fs->free_count = 0; /* the count was wrong: there is no free cluster */
    return FS_ENOSPC;
}

int fat_free_later(struct fat32 *fs, uint32_t keep_last, uint32_t head)
{
    if (!fat_cluster_valid(fs, head))
        return FS_OK;
    if (fs->pending_count == fs->pending_cap) {
        uint32_t cap = fs->pending_cap ? fs->pending_cap * 2 : 16;
        struct pending_free *p = kmalloc(sizeof *p * cap);
        if (!p) {
            /* no room to defer: sync now so the entry change is on disk, then queue in place */
            int err = fat32_sync(fs);
            if (err)
                return err;
        } else {
            if (fs->pending_count)
                memcpy(p, fs->pending, sizeof *p * fs->pending_count);
            kfree(fs->pending);
            fs->pending = p;
            fs->pending_cap = cap;
        }
    }
    if (fs->pending_count == fs->pending_cap)
        return FS_ENOMEM;
    fs->pending[fs->pending_count].keep_last = keep_last;
    fs->pending[fs->pending_count].head = head;
    fs->pending_count++;
    return FS_OK;
}

/* Applies the pending list to the FAT (only after the entries that referred to it are on disk). */
static int commit_pending(struct fat32 *fs)
{
    for (uint32_t i = 0; i < fs->pending_count; i++) {
        struct pending_free *p = &fs->pending[i];
        int err;
        if (p->keep_last) {
            uint32_t v;
            if ((err = fat_get(fs, p->keep_last, &v)) != FS_OK)
                return err;
            if (v == p->head && (err = fat_set(fs, p->keep_last, FAT_EOC)) != FS_OK)
                return err;
        }
        uint32_t c = p->head;
        for (uint32_t steps = 0; steps <= fs->cluster_count && fat_cluster_valid(fs, c); steps++) {
            uint32_t v;
            if ((err = fat_get(fs, c, &v)) != FS_OK)
                return err;
            if (v == FAT_FREE)
                break; /* already free: a damaged chain, stop rather than guess */
            if ((err = fat_set(fs, c, FAT_FREE)) != FS_OK)
                return err;
            fs->free_count++;
            if (c < fs->next_free)
                fs->next_free = c;
            if (v >= FAT_EOC_MIN)
                break;
            c = v;
        }
    }
    fs->pending_count = 0;
    return FS_OK;
}

static int write_fsinfo(struct fat32 *fs)
{
    if (!fs->fsinfo_lba)
        return FS_OK;
    struct bcache_buf *b;
    int err = bcache_get(fs->cache, fs->fsinfo_lba, true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    if (get32(b->data + 488) != fs->free_count || get32(b->data + 492) != fs->next_free) {
        put32(b->data + 488, fs->free_count);
        put32(b->data + 492, fs->next_free);
        bcache_dirty(fs->cache, b, BCACHE_META); /* W5 */
    }
    bcache_put(fs->cache, b);
    return FS_OK;
}

int fat32_sync(struct fat32 *fs)
{
    int err = fat_writeback(fs);
    if (err)
        return err;
    if (fs->read_only)
        return FS_OK; /* after damage, free nothing: chains may be shared */
    if (fs->pending_count > 0 && (err = commit_pending(fs)) != FS_OK)
        return err;
    if ((err = write_fsinfo(fs)) != FS_OK)
        return err;
    return fat_writeback(fs);
}

/* ---- nodes ------------------------------------------------------------------------------------ */

struct fat32_node *fat_node_find(struct fat32 *fs, uint64_t lba, uint32_t off)
{
    for (struct fat32_node *n = fs->nodes; n; n = n->next)
        if (!n->is_root && !n->unlinked && n->entry_lba == lba && n->entry_off == off)
            return n;
    return NULL;
}

int fat_node_get(struct fat32 *fs, uint64_t lba, uint32_t off, uint32_t parent_cluster, const uint8_t *raw,
             struct fat32_node **node_out)
{
    struct fat32_node *n = fat_node_find(fs, lba, off);
    if (n) {
        n->vn.refs++;
        *node_out = n;
        return FS_OK;
    }
    n = kzalloc(sizeof *n);
    if (!n)
        return FS_ENOMEM;
    n->vn.ops = &fat32_vfs_ops;
    n->vn.type = (raw[11] & ATTR_DIRECTORY) ? VFS_DIR : VFS_FILE;
    n->vn.refs = 1;
    n->vn.fs_id = fs->id;
    n->fs = fs;
    n->first_cluster = dirent_cluster(raw);
    n->size = n->vn.type == VFS_FILE ? get32(raw + 28) : 0;
    n->entry_lba = lba;
    n->entry_off = off;
    n->parent_cluster = parent_cluster;
    n->next = fs->nodes;
    fs->nodes = n;
    *node_out = n;
    return FS_OK;
}

int fat_node_read_entry(struct fat32_node *node, uint8_t *raw)
{
    struct bcache_buf *b;
    int err = bcache_get(node->fs->cache, node->entry_lba, true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    memcpy(raw, b->data + node->entry_off, DIRENT_SIZE);
    bcache_put(node->fs->cache, b);
    return FS_OK;
}

int fat_node_update_entry(struct fat32_node *node, bool touch_mtime)
{
    if (node->is_root || node->unlinked)
        return FS_OK;
    struct fat32 *fs = node->fs;
    struct bcache_buf *b;
    int err = bcache_get(fs->cache, node->entry_lba, true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    uint8_t *raw = b->data + node->entry_off;
    dirent_set_cluster(raw, node->first_cluster);
    if (node->vn.type == VFS_FILE)
        put32(raw + 28, node->size);
    if (touch_mtime) {
        uint16_t date, time;
        fat_now(fs, &date, &time, NULL);
        put16(raw + 22, time);
        put16(raw + 24, date);
        put16(raw + 18, date);
        raw[11] |= ATTR_ARCHIVE;
    }
    bcache_dirty(fs->cache, b, BCACHE_META); /* W1/W2: after the FAT and data it refers to */
    bcache_put(fs->cache, b);
    return FS_OK;
}

int fat_node_cluster_at(struct fat32_node *node, uint32_t index, uint32_t *cluster_out)
{
    struct fat32 *fs = node->fs;
    if (!fat_cluster_valid(fs, node->first_cluster))
        return fat_corrupt(fs, "fat32: file has an out-of-range first cluster");
    uint32_t i = 0, c = node->first_cluster;
    if (node->pos_cluster && node->pos_index <= index)
        i = node->pos_index, c = node->pos_cluster;
    while (i < index) {
        uint32_t next;
        int err = fat_next(fs, c, &next);
        if (err)
            return err;
        if (next == 0)
            return fat_corrupt(fs, "fat32: cluster chain shorter than the file size");
        c = next;
        i++;
    }
    node->pos_index = i;
    node->pos_cluster = c;
    *cluster_out = c;
    return FS_OK;
}

static void node_release(struct vfs_node *vn)
{
    struct fat32_node *node = (struct fat32_node *)vn;
    struct fat32 *fs = node->fs;
    struct fat32_node **p = &fs->nodes;
    while (*p && *p != node)
        p = &(*p)->next;
    if (*p)
        *p = node->next;
    if (node->unlinked && node->first_cluster && !fs->read_only)
        fat_free_later(fs, 0, node->first_cluster); /* its entry is already gone (W3) */
    kfree(node);
}

static int node_sync(struct vfs_node *vn)
{
    return fat32_sync(((struct fat32_node *)vn)->fs);
}

const struct vfs_fs_ops fat32_vfs_ops = {
    .lookup = fat32_dir_lookup,
    .create = fat32_dir_create,
    .remove = fat32_dir_remove,
    .rename = fat32_dir_rename,
    .read = fat32_file_read,
    .write = fat32_file_write,
    .truncate = fat32_file_truncate,
    .stat = fat32_file_stat,
    .set_times = fat32_file_set_times,
    .readdir = fat32_dir_readdir,
    .sync = node_sync,
    .release = node_release,
};

/* ---- mount ------------------------------------------------------------------------------------ */

static bool is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* Checks the boot sector (FAT spec §3.1-3.3) and fills the geometry. Returns NULL or why not. */
static const char *parse_bpb(struct fat32 *fs, const uint8_t *bs)
{
    if (bs[510] != 0x55 || bs[511] != 0xAA)
        return "fat32: no boot sector signature (0x55AA)";
    if (bs[0] != 0xEB && bs[0] != 0xE9)
        return "fat32: boot sector has no jump instruction";
    uint32_t bps = get16(bs + 11), spc = bs[13], reserved = get16(bs + 14), nfats = bs[16];
    uint32_t root_entries = get16(bs + 17), total16 = get16(bs + 19), fat16 = get16(bs + 22);
    uint32_t total = get32(bs + 32), fat_sectors = get32(bs + 36), root = get32(bs + 44);
    uint32_t ext_flags = get16(bs + 40), fsinfo = get16(bs + 48);
    if (!is_pow2(bps) || bps < 512 || bps > 4096)
        return "fat32: bad bytes-per-sector in BPB";
    if (bps != fs->dev->sector_size)
        return "fat32: BPB sector size differs from the device's";
    if (!is_pow2(spc) || bps * spc > 65536)
        return "fat32: bad sectors-per-cluster in BPB";
    if (reserved == 0)
        return "fat32: no reserved sectors in BPB";
    if (nfats == 0 || nfats > 4)
        return "fat32: bad number of FATs in BPB";
    if (root_entries != 0 || fat16 != 0 || total16 != 0 || fat_sectors == 0)
        return "fat32: not a FAT32 volume (FAT12/16 BPB fields set)";
    if (get16(bs + 42) != 0)
        return "fat32: unknown FAT32 version";
    if (total == 0 || total > fs->dev->sector_count)
        return "fat32: volume larger than its device";
    uint64_t data_start = reserved + (uint64_t)nfats * fat_sectors;
    if (data_start + spc > total)
        return "fat32: FATs leave no room for data";
    uint64_t clusters = (total - data_start) / spc;
    if (clusters > 0x0FFFFFF5 - 1)
        return "fat32: too many clusters";
    if ((uint64_t)fat_sectors * bps / 4 < clusters + 2)
        return "fat32: FAT too small for the volume";
    if (root < 2 || root > clusters + 1)
        return "fat32: root directory cluster out of range";
    uint32_t active = ext_flags & EXT_FLAGS_ACTIVE_MASK;
    bool mirror = !(ext_flags & EXT_FLAGS_NO_MIRROR);
    if (!mirror && active >= nfats)
        return "fat32: active FAT number out of range";
    fs->sector_size = bps;
    fs->sectors_per_cluster = spc;
    fs->cluster_size = bps * spc;
    fs->cluster_shift = 0;
    while ((1u << fs->cluster_shift) < fs->cluster_size)
        fs->cluster_shift++;
    fs->fat_sectors = fat_sectors;
    fs->num_fats = mirror ? nfats : 1;
    fs->fat_lba = reserved + (uint64_t)(mirror ? 0 : active) * fat_sectors;
    fs->data_lba = data_start;
    fs->cluster_count = (uint32_t)clusters;
    fs->root_cluster = root;
    fs->fsinfo_lba = (fsinfo >= 1 && fsinfo < reserved) ? fsinfo : 0;
    return NULL;
}

/* Reads the whole FAT once: counts free clusters and checks every link (range; no cluster with two
 * predecessors, which a cross-link or a cycle into a chain needs). Damage makes the volume
 * read-only. */
static int scan_fat(struct fat32 *fs)
{
    uint32_t per_sector = fs->sector_size / 4;
    uint8_t *chunk = kmalloc((size_t)SCAN_CHUNK_SECTORS * fs->sector_size);
    uint32_t bitmap_words = (fs->cluster_count + 2 + 31) / 32;
    uint32_t *linked = kzalloc((size_t)bitmap_words * 4); /* optional: NULL skips the check */
    if (!chunk) {
        kfree(linked);
        return FS_ENOMEM;
    }
    uint32_t last = fs->cluster_count + 1, free_count = 0, first_free = 0;
    uint32_t total_sectors = (uint32_t)(((uint64_t)last * 4) / fs->sector_size + 1);
    int err = FS_OK;
    for (uint32_t s = 0; s < total_sectors && !err; s += SCAN_CHUNK_SECTORS) {
        uint32_t n = total_sectors - s < SCAN_CHUNK_SECTORS ? total_sectors - s : SCAN_CHUNK_SECTORS;
        int berr = block_read(fs->dev, fs->fat_lba + s, n, chunk);
        if (berr != BLOCK_OK) {
            err = fat_block_err(berr);
            break;
        }
        for (uint32_t i = 0; i < n * per_sector; i++) {
            uint32_t c = s * per_sector + i;
            if (c < 2)
                continue;
            if (c > last)
                break;
            uint32_t v = get32(chunk + (size_t)i * 4) & FAT_MASK;
            if (v == FAT_FREE) {
                free_count++;
                if (!first_free)
                    first_free = c;
            } else if (v >= FAT_EOC_MIN || v == FAT_BAD) {
                continue;
            } else if (!fat_cluster_valid(fs, v)) {
                fat_corrupt(fs, "fat32: FAT entry points outside the volume; mounted read-only");
            } else if (linked) {
                if (linked[v / 32] & (1u << (v % 32)))
                    fat_corrupt(fs, "fat32: two FAT entries point to one cluster (cross-link or "
                                    "cycle); mounted read-only");
                linked[v / 32] |= 1u << (v % 32);
            }
        }
    }
    if (!err && linked && (linked[fs->root_cluster / 32] & (1u << (fs->root_cluster % 32))))
        fat_corrupt(fs, "fat32: root directory chain loops back to its start; mounted read-only");
    kfree(chunk);
    kfree(linked);
    fs->free_count = free_count;
    fs->next_free = first_free ? first_free : 2;
    return err;
}

int fat32_mount(struct block_device *dev, const struct fat32_options *opts, struct fat32 **fs_out,
                const char **why_out)
{
    *why_out = NULL;
    if (dev->sector_size < 512 || dev->sector_size > 4096) {
        *why_out = "fat32: unsupported device sector size";
        return FS_EINVAL;
    }
    struct fat32 *fs = kzalloc(sizeof *fs);
    uint8_t *bs = kmalloc(dev->sector_size);
    int err = FS_ENOMEM;
    if (!fs || !bs)
        goto fail;
    fs->dev = dev;
    if (opts)
        fs->opts = *opts;
    fs->id = next_fs_id++;
    if ((err = fat_block_err(block_read(dev, 0, 1, bs))) != FS_OK)
        goto fail;
    if ((*why_out = parse_bpb(fs, bs)) != NULL) {
        err = FS_EINVAL;
        goto fail;
    }
    if (fs->fsinfo_lba) {
        if ((err = fat_block_err(block_read(dev, fs->fsinfo_lba, 1, bs))) != FS_OK)
            goto fail;
        if (get32(bs) != FSINFO_LEAD_SIG || get32(bs + 484) != FSINFO_STRUC_SIG ||
            get32(bs + 508) != FSINFO_TRAIL_SIG)
            fs->fsinfo_lba = 0; /* no valid FSInfo: do not write one */
    }
    fs->read_only = fs->opts.read_only || dev->read_only;
    uint32_t nbufs = fs->opts.cache_sectors ? fs->opts.cache_sectors : FAT32_DEFAULT_CACHE;
    if (nbufs < fs->sectors_per_cluster * 2u + 16)
        nbufs = fs->sectors_per_cluster * 2u + 16;
    if (bcache_create(dev, nbufs, &fs->cache) != BLOCK_OK) {
        err = FS_ENOMEM;
        goto fail;
    }
    bcache_set_writeback(fs->cache, cache_writeback, fs);
    if (fs->num_fats > 1)
        bcache_set_mirror(fs->cache, fs->fat_lba, fs->fat_sectors, fs->fat_sectors, fs->num_fats);
    fs->zero_cluster = kzalloc(fs->cluster_size);
    if (!fs->zero_cluster)
        goto fail;
    if ((err = scan_fat(fs)) != FS_OK)
        goto fail;
    if ((err = fat32_dir_check_root(fs)) != FS_OK) {
        *why_out = fs->error ? fs->error : "fat32: root directory unreadable";
        err = FS_EINVAL;
        goto fail;
    }
    struct fat32_node *root = kzalloc(sizeof *root);
    if (!root)
        goto fail;
    root->vn.ops = &fat32_vfs_ops;
    root->vn.type = VFS_DIR;
    root->vn.refs = 1; /* the volume's own reference */
    root->vn.fs_id = fs->id;
    root->fs = fs;
    root->is_root = true;
    root->first_cluster = fs->root_cluster;
    fs->root = root;
    fs->nodes = root;
    kfree(bs);
    *fs_out = fs;
    return FS_OK;
fail:
    if (fs) {
        bcache_destroy(fs->cache);
        kfree(fs->zero_cluster);
    }
    kfree(fs);
    kfree(bs);
    return err;
}

int fat32_unmount(struct fat32 *fs)
{
    for (struct fat32_node *n = fs->nodes; n; n = n->next)
        if (!n->is_root || n->vn.refs > 1)
            return FS_EBUSY;
    int err = fat32_sync(fs);
    bcache_destroy(fs->cache);
    kfree(fs->root);
    kfree(fs->pending);
    kfree(fs->links);
    kfree(fs->zero_cluster);
    kfree(fs);
    return err;
}

struct vfs_node *fat32_root(struct fat32 *fs)
{
    fs->root->vn.refs++;
    return &fs->root->vn;
}

const char *fat32_error(const struct fat32 *fs)
{
    return fs->error;
}

bool fat32_is_read_only(const struct fat32 *fs)
{
    return fs->read_only;
}

uint64_t fat32_free_bytes(const struct fat32 *fs)
{
    return (uint64_t)fs->free_count * fs->cluster_size;
}

struct bcache *fat32_cache(const struct fat32 *fs)
{
    return fs->cache;
}
