/* kernel/fs/fat32_dir.c — FAT32 directories: entries, VFAT long names, lookup, create, remove,
 * rename, readdir (contract in fat32.h; shared internals in fat32_priv.h).
 *
 * A directory is a cluster chain of 32-byte slots. A name is a run of long-name slots (UTF-16, 13
 * units each, last part first) followed by one short 8.3 slot that carries the attributes, times,
 * first cluster and size. Slots are addressed by their index from the start of the directory; that
 * index of the entry after a short slot is the readdir cookie, stable while other names come and go.
 * Names at the interface are UTF-8; on disk they are UTF-16 (long) and uppercase ASCII (short).
 * Directory sectors are changed through the block cache as BCACHE_META; new directory clusters are
 * written directly before anything links to them (rule W2 in fat32.h). */
#include "kernel/fs/fat32_priv.h"

#define DIR_SLOTS_MAX 65536   /* FAT spec: a directory holds at most 65536 entries */
#define SHORT_TRIES 1000

/* ---- directory cursor ---------------------------------------------------------------------------- */

static uint32_t slots_per_cluster(const struct fat32 *fs)
{
    return fs->cluster_size / DIRENT_SIZE;
}

struct dir_iter {
    struct fat32 *fs;
    uint32_t cluster;   /* cluster holding slot; 0 past the end of the chain */
    uint32_t last;      /* last cluster seen (to extend the chain) */
    uint32_t slot;      /* slot index from the start of the directory */
    uint32_t steps;     /* clusters walked, bounded by the cluster count */
};

/* Moves to the next cluster of the chain. A directory holds at most DIR_SLOTS_MAX slots, so a chain
 * that goes on past that many clusters can only be a loop. */
static int iter_step_cluster(struct dir_iter *it)
{
    uint32_t next;
    int err = fat_next(it->fs, it->cluster, &next);
    if (err)
        return err;
    it->steps++;
    if (next && (it->steps >= DIR_SLOTS_MAX / slots_per_cluster(it->fs) || it->steps > it->fs->cluster_count))
        return fat_corrupt(it->fs, "fat32: directory cluster chain too long: it loops (FAT cycle)");
    it->last = it->cluster;
    it->cluster = next;
    return FS_OK;
}

/* Positions the cursor at slot in the directory starting at first, walking from the cluster at
 * index hint_index (hint_cluster) when that is not past the slot (0, 0: from the start). */
static int iter_start_hint(struct dir_iter *it, struct fat32 *fs, uint32_t first, uint32_t slot,
                           uint32_t hint_index, uint32_t hint_cluster)
{
    uint32_t per = slots_per_cluster(fs);
    it->fs = fs;
    it->cluster = first;
    it->last = first;
    it->slot = 0;
    it->steps = 0;
    if (!fat_cluster_valid(fs, first))
        return fat_corrupt(fs, "fat32: directory has an out-of-range first cluster");
    if (hint_cluster && hint_index <= slot / per) {
        it->cluster = it->last = hint_cluster;
        it->slot = hint_index * per;
        it->steps = hint_index; /* keeps the loop bound of iter_step_cluster exact */
    }
    while (it->cluster && it->slot + per <= slot) {
        int err = iter_step_cluster(it);
        if (err)
            return err;
        it->slot += per;
    }
    it->slot = slot;
    return FS_OK;
}

static int iter_start(struct dir_iter *it, struct fat32 *fs, uint32_t first, uint32_t slot)
{
    return iter_start_hint(it, fs, first, slot, 0, 0);
}

static uint64_t iter_lba(const struct dir_iter *it)
{
    uint32_t in_cluster = (it->slot % slots_per_cluster(it->fs)) * DIRENT_SIZE;
    return fat_cluster_lba(it->fs, it->cluster) + in_cluster / it->fs->sector_size;
}

static uint32_t iter_off(const struct dir_iter *it)
{
    return ((it->slot % slots_per_cluster(it->fs)) * DIRENT_SIZE) % it->fs->sector_size;
}

static int iter_next(struct dir_iter *it)
{
    it->slot++;
    if (it->slot % slots_per_cluster(it->fs) == 0)
        return iter_step_cluster(it);
    return FS_OK;
}

/* Copies the current slot into raw. */
static int iter_read(struct dir_iter *it, uint8_t *raw)
{
    struct bcache_buf *b;
    int err = bcache_get(it->fs->cache, iter_lba(it), true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    memcpy(raw, b->data + iter_off(it), DIRENT_SIZE);
    bcache_put(it->fs->cache, b);
    return FS_OK;
}

/* Overwrites the current slot (BCACHE_META). */
static int iter_write(struct dir_iter *it, const uint8_t *raw)
{
    struct bcache_buf *b;
    int err = bcache_get(it->fs->cache, iter_lba(it), true, &b);
    if (err != BLOCK_OK)
        return fat_block_err(err);
    memcpy(b->data + iter_off(it), raw, DIRENT_SIZE);
    bcache_dirty(it->fs->cache, b, BCACHE_META);
    bcache_put(it->fs->cache, b);
    return FS_OK;
}

/* ---- scanning --------------------------------------------------------------------------------- */

/* One name found in a directory. */
struct dir_found {
    uint32_t first_slot;     /* first slot of its long-name run (short_slot when none) */
    uint32_t short_slot;
    uint64_t lba;            /* position of the short slot */
    uint32_t off;
    uint8_t raw[DIRENT_SIZE];
    bool dot;                /* "." or ".." */
    struct name16 name;      /* the long name, or the short one as shown */
};

/* Reads from the cursor to the next name (skipping free slots, volume labels and orphaned long-name
 * slots) and leaves the cursor after it. FS_ENOENT at the end of the directory. */
static int scan_next(struct dir_iter *it, struct dir_found *f)
{
    uint32_t lfn_count = 0, lfn_expect = 0, lfn_start = 0;
    uint8_t lfn_sum = 0;
    uint8_t raw[DIRENT_SIZE];
    while (it->cluster) {
        int err = iter_read(it, raw);
        if (err)
            return err;
        uint32_t slot = it->slot;
        if (raw[0] == DIRENT_END)
            return FS_ENOENT;
        if (raw[0] == DIRENT_FREE) {
            lfn_expect = 0;
        } else if ((raw[11] & 0x3F) == ATTR_LONG_NAME) {
            uint32_t ord = raw[0] & 0x1F;
            if ((raw[0] & LFN_LAST) && ord >= 1 && ord <= 20) {
                lfn_count = ord, lfn_expect = ord, lfn_start = slot, lfn_sum = raw[13];
                f->name.len = 0;
            } else if (!(lfn_expect > 1 && ord == lfn_expect - 1 && raw[13] == lfn_sum)) {
                lfn_expect = 0; /* out of sequence: an orphan */
                goto next;
            }
            lfn_expect = ord;
            static const uint8_t offs[LFN_UNITS] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
            for (uint32_t k = 0; k < LFN_UNITS; k++) {
                uint32_t pos = (ord - 1) * LFN_UNITS + k;
                if (pos <= NAME_UNITS_MAX)
                    f->name.u[pos] = get16(raw + offs[k]);
            }
        } else if (raw[11] & ATTR_VOLUME_ID) {
            lfn_expect = 0;
        } else {
            memcpy(f->raw, raw, DIRENT_SIZE);
            f->short_slot = slot;
            f->lba = iter_lba(it);
            f->off = iter_off(it);
            f->dot = raw[0] == '.' && (raw[1] == ' ' || (raw[1] == '.' && raw[2] == ' '));
            bool long_ok = lfn_expect == 1 && lfn_sum == fat_short_checksum(raw);
            if (long_ok) {
                uint32_t max = lfn_count * LFN_UNITS, n = 0;
                if (max > NAME_UNITS_MAX)
                    max = NAME_UNITS_MAX;
                while (n < max && f->name.u[n] != 0)
                    n++;
                f->name.len = n;
                f->first_slot = lfn_start;
                long_ok = n > 0;
            }
            if (!long_ok) {
                fat_short_display(raw, &f->name);
                f->first_slot = slot;
            }
            return iter_next(it);
        }
    next:
        if ((err = iter_next(it)) != FS_OK)
            return err;
    }
    return FS_ENOENT;
}

/* Finds name in the directory starting at first. FS_ENOENT when absent. */
static int dir_find(struct fat32 *fs, uint32_t first, const struct name16 *name, struct dir_found *f)
{
    struct dir_iter it;
    int err = iter_start(&it, fs, first, 0);
    while (!err) {
        err = scan_next(&it, f);
        if (!err && !f->dot && fat_name_equal(f->name.u, f->name.len, name->u, name->len))
            return FS_OK;
    }
    return err;
}

/* Marks the slots of a found name free. */
static int erase_slots(struct fat32 *fs, uint32_t dir_first, const struct dir_found *f)
{
    struct dir_iter it;
    int err = iter_start(&it, fs, dir_first, f->first_slot);
    uint8_t raw[DIRENT_SIZE];
    for (uint32_t s = f->first_slot; !err && s <= f->short_slot; s++) {
        if (!it.cluster)
            return fat_corrupt(fs, "fat32: directory ended inside a name");
        if ((err = iter_read(&it, raw)) != FS_OK)
            break;
        raw[0] = DIRENT_FREE;
        if ((err = iter_write(&it, raw)) != FS_OK)
            break;
        if (s < f->short_slot)
            err = iter_next(&it);
    }
    return err;
}

/* ---- short names -------------------------------------------------------------------------------- */

static int short_exists(struct fat32 *fs, uint32_t dir_first, const uint8_t *name11, bool *exists_out)
{
    struct dir_iter it;
    struct dir_found f;
    int err = iter_start(&it, fs, dir_first, 0);
    *exists_out = false;
    while (!err) {
        err = scan_next(&it, &f);
        if (!err && memcmp(f.raw, name11, 11) == 0) {
            *exists_out = true;
            return FS_OK;
        }
    }
    return err == FS_ENOENT ? FS_OK : err;
}

/* Picks a unique short name: the basis itself when exact, else NAME~N, then a hashed form. */
static int short_unique(struct fat32 *fs, uint32_t dir_first, const struct name16 *name, uint8_t *out11,
                        bool *need_lfn)
{
    uint8_t basis[11];
    bool exact, upper, exists;
    fat_short_basis(name, basis, &exact, &upper);
    *need_lfn = !(exact && upper);
    int err;
    if (exact) {
        if ((err = short_exists(fs, dir_first, basis, &exists)) != FS_OK)
            return err;
        if (!exists) {
            memcpy(out11, basis, 11);
            return FS_OK;
        }
        *need_lfn = true;
    }
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < name->len; i++)
        hash = (hash ^ name->u[i]) * 16777619u;
    uint32_t base_len = 0;
    while (base_len < 8 && basis[base_len] != ' ')
        base_len++;
    for (uint32_t k = 1; k <= SHORT_TRIES; k++) {
        char tail[8];
        uint8_t cand[11];
        memcpy(cand, basis, 11);
        uint32_t keep;
        if (k <= 4) {
            tail[0] = '~', tail[1] = (char)('0' + k), tail[2] = 0;
            keep = base_len < 6 ? base_len : 6;
        } else {
            static const char hex[] = "0123456789ABCDEF";
            uint32_t h = (hash + k * 2654435761u) & 0xFFFF;
            keep = base_len < 2 ? base_len : 2;
            for (int d = 0; d < 4; d++)
                cand[keep + d] = (uint8_t)hex[(h >> (12 - 4 * d)) & 15];
            keep += 4;
            tail[0] = '~', tail[1] = '1', tail[2] = 0;
        }
        uint32_t p = keep;
        for (int t = 0; tail[t]; t++)
            cand[p++] = (uint8_t)tail[t];
        while (p < 8)
            cand[p++] = ' ';
        if ((err = short_exists(fs, dir_first, cand, &exists)) != FS_OK)
            return err;
        if (!exists) {
            memcpy(out11, cand, 11);
            return FS_OK;
        }
    }
    return FS_ENOSPC;
}

/* ---- creating entries ----------------------------------------------------------------------------- */

/* An end mark (name[0] == 0) hides every slot after it, so the free slots in [from, to) that a new
 * name skipped over (to keep it inside one sector) become plain free slots. */
static int clear_end_marks(struct fat32 *fs, uint32_t dir_first, uint32_t from, uint32_t to)
{
    if (from >= to)
        return FS_OK;
    struct dir_iter it;
    uint8_t raw[DIRENT_SIZE];
    int err = iter_start(&it, fs, dir_first, from);
    for (uint32_t s = from; !err && s < to && it.cluster; s++) {
        if ((err = iter_read(&it, raw)) != FS_OK)
            break;
        if (raw[0] == DIRENT_END) {
            raw[0] = DIRENT_FREE;
            err = iter_write(&it, raw);
        }
        if (!err)
            err = iter_next(&it);
    }
    return err;
}

/* Finds `need` consecutive free slots, extending the directory with zeroed clusters when needed.
 * *slot_out = the first. */
static int find_free_run(struct fat32 *fs, uint32_t dir_first, uint32_t need, uint32_t *slot_out)
{
    struct dir_iter it;
    int err = iter_start(&it, fs, dir_first, 0);
    uint32_t run = 0, run_start = 0;
    /* A name that fits in one sector never straddles two, so writing or erasing it is one sector
     * write and a crash cannot leave half of it (an orphaned long-name part). */
    uint32_t per_sector = fs->sector_size / DIRENT_SIZE;
    bool one_sector = need <= per_sector;
    uint32_t first_end = UINT32_MAX;
    uint8_t raw[DIRENT_SIZE];
    while (!err && it.cluster) {
        if ((err = iter_read(&it, raw)) != FS_OK)
            return err;
        if (one_sector && it.slot % per_sector == 0)
            run = 0;
        if (raw[0] == DIRENT_END && first_end == UINT32_MAX)
            first_end = it.slot;
        if (raw[0] == DIRENT_FREE || raw[0] == DIRENT_END) {
            if (run == 0)
                run_start = it.slot;
            if (++run == need) {
                *slot_out = run_start;
                return clear_end_marks(fs, dir_first, first_end, run_start);
            }
        } else {
            run = 0;
        }
        err = iter_next(&it);
    }
    if (err)
        return err;
    /* the chain ended: append clusters (zeroed on disk first: rule W2) */
    uint32_t end = it.slot, last = it.last;
    if (run == 0 || one_sector)
        run_start = end, run = 0;
    while (run < need) {
        if (end + slots_per_cluster(fs) > DIR_SLOTS_MAX)
            return FS_ENOSPC;
        uint32_t c;
        if ((err = fat_alloc(fs, last, true, &c)) != FS_OK)
            return err;
        last = c;
        end += slots_per_cluster(fs);
        run += slots_per_cluster(fs);
    }
    *slot_out = run_start;
    return clear_end_marks(fs, dir_first, first_end, run_start);
}

/* Writes the long-name slots and the short slot (raw, whose name is set here) at slot. Returns the
 * short slot's position. */
static int write_entry(struct fat32 *fs, uint32_t dir_first, uint32_t slot, const struct name16 *name,
                       bool need_lfn, uint8_t *raw, uint64_t *lba_out, uint32_t *off_out)
{
    static const uint8_t offs[LFN_UNITS] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    uint32_t parts = need_lfn ? (name->len + LFN_UNITS - 1) / LFN_UNITS : 0;
    uint8_t sum = fat_short_checksum(raw);
    struct dir_iter it;
    int err = iter_start(&it, fs, dir_first, slot);
    for (uint32_t i = 0; !err && i < parts; i++) {
        uint32_t ord = parts - i;
        uint8_t l[DIRENT_SIZE] = {0};
        l[0] = (uint8_t)(ord | (i == 0 ? LFN_LAST : 0));
        l[11] = ATTR_LONG_NAME;
        l[13] = sum;
        for (uint32_t k = 0; k < LFN_UNITS; k++) {
            uint32_t pos = (ord - 1) * LFN_UNITS + k;
            uint16_t u = pos < name->len ? name->u[pos] : pos == name->len ? 0 : 0xFFFF;
            put16(l + offs[k], u);
        }
        if (!it.cluster)
            return fat_corrupt(fs, "fat32: directory shorter than its free run");
        if ((err = iter_write(&it, l)) == FS_OK)
            err = iter_next(&it);
    }
    if (err)
        return err;
    if (!it.cluster)
        return fat_corrupt(fs, "fat32: directory shorter than its free run");
    *lba_out = iter_lba(&it);
    *off_out = iter_off(&it);
    return iter_write(&it, raw);
}

static void fill_times(struct fat32 *fs, uint8_t *raw)
{
    uint16_t date, time;
    uint8_t tenth;
    fat_now(fs, &date, &time, &tenth);
    raw[13] = tenth;
    put16(raw + 14, time);
    put16(raw + 16, date);
    put16(raw + 18, date);
    put16(raw + 22, time);
    put16(raw + 24, date);
}

static int check_dir(struct vfs_node *dir)
{
    if (dir->type != VFS_DIR)
        return FS_ENOTDIR;
    struct fat32_node *d = (struct fat32_node *)dir;
    if (d->unlinked)
        return FS_ENOENT;
    return FS_OK;
}

/* Writes "." and ".." into a new directory cluster, straight to the disk (W2). */
static int init_dir_cluster(struct fat32 *fs, uint32_t cluster, uint32_t parent_first, const uint8_t *raw)
{
    uint8_t *sector = kzalloc(fs->sector_size);
    if (!sector)
        return FS_ENOMEM;
    uint8_t *dot = sector, *dotdot = sector + DIRENT_SIZE;
    memcpy(dot, raw, DIRENT_SIZE);
    memset(dot, ' ', 11);
    dot[0] = '.';
    dirent_set_cluster(dot, cluster);
    memcpy(dotdot, dot, DIRENT_SIZE);
    dotdot[1] = '.';
    dirent_set_cluster(dotdot, parent_first == fs->root_cluster ? 0 : parent_first);
    int err = fat_block_err(bcache_write_direct(fs->cache, fat_cluster_lba(fs, cluster), 1, sector));
    kfree(sector);
    return err;
}

int fat32_dir_create(struct vfs_node *dir, const char *name, size_t len, enum vfs_type type,
                     struct vfs_node **node_out)
{
    struct fat32_node *d = (struct fat32_node *)dir;
    struct fat32 *fs = d->fs;
    int err = check_dir(dir);
    if (err)
        return err;
    if (fs->read_only)
        return FS_EROFS;
    if (type != VFS_FILE && type != VFS_DIR)
        return FS_ENOTSUP;
    struct name16 *n16 = kmalloc(sizeof *n16);
    struct dir_found *f = kmalloc(sizeof *f);
    if (!n16 || !f) {
        err = FS_ENOMEM;
        goto out;
    }
    if ((err = fat_name_from_utf8(name, len, n16)) != FS_OK)
        goto out;
    err = dir_find(fs, d->first_cluster, n16, f);
    if (err != FS_ENOENT) {
        if (err == FS_OK)
            err = FS_EEXIST;
        goto out;
    }
    uint8_t raw[DIRENT_SIZE] = {0};
    bool need_lfn;
    if ((err = short_unique(fs, d->first_cluster, n16, raw, &need_lfn)) != FS_OK)
        goto out;
    uint32_t parts = need_lfn ? (n16->len + LFN_UNITS - 1) / LFN_UNITS : 0, slot;
    if ((err = find_free_run(fs, d->first_cluster, parts + 1, &slot)) != FS_OK)
        goto out;
    raw[11] = type == VFS_DIR ? ATTR_DIRECTORY : ATTR_ARCHIVE;
    fill_times(fs, raw);
    if (type == VFS_DIR) {
        uint32_t c;
        if ((err = fat_alloc(fs, 0, true, &c)) != FS_OK) /* W1: FAT before the entry */
            goto out;
        dirent_set_cluster(raw, c);
        if ((err = init_dir_cluster(fs, c, d->first_cluster, raw)) != FS_OK)
            goto out;
    }
    uint64_t lba;
    uint32_t off;
    if ((err = write_entry(fs, d->first_cluster, slot, n16, need_lfn, raw, &lba, &off)) != FS_OK)
        goto out;
    if (!d->is_root)
        fat_node_update_entry(d, true); /* the parent's mtime */
    struct fat32_node *node = NULL;
    err = fat_node_get(fs, lba, off, d->first_cluster, raw, &node);
    if (!err)
        *node_out = &node->vn;
out:
    kfree(n16);
    kfree(f);
    return err;
}

int fat32_dir_lookup(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out)
{
    struct fat32_node *d = (struct fat32_node *)dir;
    int err = check_dir(dir);
    if (err)
        return err;
    struct name16 *n16 = kmalloc(sizeof *n16);
    struct dir_found *f = kmalloc(sizeof *f);
    if (!n16 || !f) {
        err = FS_ENOMEM;
        goto out;
    }
    if ((err = fat_name_from_utf8(name, len, n16)) != FS_OK) {
        if (err == FS_EINVAL)
            err = FS_ENOENT; /* a name that cannot exist here */
        goto out;
    }
    if ((err = dir_find(d->fs, d->first_cluster, n16, f)) != FS_OK)
        goto out;
    struct fat32_node *node;
    if ((err = fat_node_get(d->fs, f->lba, f->off, d->first_cluster, f->raw, &node)) == FS_OK)
        *node_out = &node->vn;
out:
    kfree(n16);
    kfree(f);
    return err;
}

/* FS_OK when the directory has only "." and "..", FS_ENOTEMPTY otherwise. */
static int dir_empty(struct fat32 *fs, uint32_t first)
{
    struct dir_iter it;
    struct dir_found *f = kmalloc(sizeof *f);
    if (!f)
        return FS_ENOMEM;
    int err = iter_start(&it, fs, first, 0);
    while (!err) {
        err = scan_next(&it, f);
        if (!err && !f->dot) {
            err = FS_ENOTEMPTY;
            break;
        }
    }
    kfree(f);
    return err == FS_ENOENT ? FS_OK : err;
}

/* Removes a found name: its slots now, its clusters at the next sync (W3) or when its open node goes. */
static int remove_found(struct fat32 *fs, uint32_t dir_first, const struct dir_found *f)
{
    int err = erase_slots(fs, dir_first, f);
    if (err)
        return err;
    struct fat32_node *live = fat_node_find(fs, f->lba, f->off);
    if (live) {
        live->unlinked = true;
        return FS_OK;
    }
    uint32_t first = dirent_cluster(f->raw);
    return first ? fat_free_later(fs, 0, first) : FS_OK;
}

int fat32_dir_remove(struct vfs_node *dir, const char *name, size_t len, bool want_dir)
{
    struct fat32_node *d = (struct fat32_node *)dir;
    struct fat32 *fs = d->fs;
    int err = check_dir(dir);
    if (err)
        return err;
    if (fs->read_only)
        return FS_EROFS;
    struct name16 *n16 = kmalloc(sizeof *n16);
    struct dir_found *f = kmalloc(sizeof *f);
    if (!n16 || !f) {
        err = FS_ENOMEM;
        goto out;
    }
    if ((err = fat_name_from_utf8(name, len, n16)) != FS_OK) {
        if (err == FS_EINVAL)
            err = FS_ENOENT;
        goto out;
    }
    if ((err = dir_find(fs, d->first_cluster, n16, f)) != FS_OK)
        goto out;
    bool is_dir = f->raw[11] & ATTR_DIRECTORY;
    if (want_dir && !is_dir) {
        err = FS_ENOTDIR;
        goto out;
    }
    if (!want_dir && is_dir) {
        err = FS_EISDIR;
        goto out;
    }
    if (is_dir && (err = dir_empty(fs, dirent_cluster(f->raw))) != FS_OK)
        goto out;
    if ((err = remove_found(fs, d->first_cluster, f)) == FS_OK && !d->is_root)
        err = fat_node_update_entry(d, true);
out:
    kfree(n16);
    kfree(f);
    return err;
}

/* The parent of a directory, from its ".." slot. */
static int dir_parent(struct fat32 *fs, uint32_t first, uint32_t *parent_out)
{
    struct dir_iter it;
    uint8_t raw[DIRENT_SIZE];
    int err = iter_start(&it, fs, first, 1);
    if (!err && !it.cluster)
        err = fat_corrupt(fs, "fat32: directory without a \"..\" entry");
    if (!err)
        err = iter_read(&it, raw);
    if (err)
        return err;
    if (raw[0] != '.' || raw[1] != '.')
        return fat_corrupt(fs, "fat32: directory without a \"..\" entry");
    uint32_t p = dirent_cluster(raw);
    *parent_out = p ? p : fs->root_cluster;
    return FS_OK;
}

/* FS_EINVAL when dir `first` is `ancestor` or below it. */
static int check_not_below(struct fat32 *fs, uint32_t first, uint32_t ancestor)
{
    for (uint32_t steps = 0; steps <= fs->cluster_count; steps++) {
        if (first == ancestor)
            return FS_EINVAL;
        if (first == fs->root_cluster)
            return FS_OK;
        int err = dir_parent(fs, first, &first);
        if (err)
            return err;
    }
    return fat_corrupt(fs, "fat32: directory parents loop");
}

/* Rewrites the ".." slot of a moved directory. */
static int set_dotdot(struct fat32 *fs, uint32_t dir_first, uint32_t parent_first)
{
    struct dir_iter it;
    uint8_t raw[DIRENT_SIZE];
    int err = iter_start(&it, fs, dir_first, 1);
    if (!err && !it.cluster)
        err = FS_EIO;
    if (!err)
        err = iter_read(&it, raw);
    if (err)
        return err;
    dirent_set_cluster(raw, parent_first == fs->root_cluster ? 0 : parent_first);
    return iter_write(&it, raw);
}

int fat32_dir_rename(struct vfs_node *old_dir, const char *old_name, size_t old_len,
                     struct vfs_node *new_dir, const char *new_name, size_t new_len)
{
    struct fat32_node *od = (struct fat32_node *)old_dir, *nd = (struct fat32_node *)new_dir;
    struct fat32 *fs = od->fs;
    int err = check_dir(old_dir);
    if (!err)
        err = check_dir(new_dir);
    if (err)
        return err;
    if (fs->read_only)
        return FS_EROFS;
    struct name16 *on = kmalloc(sizeof *on), *nn = kmalloc(sizeof *nn);
    struct dir_found *of = kmalloc(sizeof *of), *nf = kmalloc(sizeof *nf);
    if (!on || !nn || !of || !nf) {
        err = FS_ENOMEM;
        goto out;
    }
    if ((err = fat_name_from_utf8(old_name, old_len, on)) != FS_OK) {
        if (err == FS_EINVAL)
            err = FS_ENOENT;
        goto out;
    }
    if ((err = fat_name_from_utf8(new_name, new_len, nn)) != FS_OK)
        goto out;
    if ((err = dir_find(fs, od->first_cluster, on, of)) != FS_OK)
        goto out;
    bool is_dir = of->raw[11] & ATTR_DIRECTORY;
    uint32_t moved_first = dirent_cluster(of->raw);
    if (is_dir && (err = check_not_below(fs, nd->first_cluster, moved_first)) != FS_OK)
        goto out;
    err = dir_find(fs, nd->first_cluster, nn, nf);
    bool replace = false;
    if (err == FS_OK) {
        if (nf->lba == of->lba && nf->off == of->off) {
            if (nn->len == of->name.len && memcmp(nn->u, of->name.u, nn->len * 2) == 0)
                goto out; /* same name: nothing to do */
        } else {
            bool target_dir = nf->raw[11] & ATTR_DIRECTORY;
            if (is_dir && !target_dir) {
                err = FS_ENOTDIR;
                goto out;
            }
            if (!is_dir && target_dir) {
                err = FS_EISDIR;
                goto out;
            }
            if (target_dir && (err = dir_empty(fs, dirent_cluster(nf->raw))) != FS_OK)
                goto out;
            replace = true;
        }
    } else if (err != FS_ENOENT) {
        goto out;
    }
    /* reserve the new entry's place before anything is removed, so ENOSPC loses nothing */
    uint8_t raw[DIRENT_SIZE];
    memcpy(raw, of->raw, DIRENT_SIZE);
    bool need_lfn;
    if ((err = short_unique(fs, nd->first_cluster, nn, raw, &need_lfn)) != FS_OK)
        goto out;
    raw[12] = 0; /* NT case flags belonged to the old short name */
    uint32_t parts = need_lfn ? (nn->len + LFN_UNITS - 1) / LFN_UNITS : 0, slot;
    if ((err = find_free_run(fs, nd->first_cluster, parts + 1, &slot)) != FS_OK)
        goto out;
    if (replace && (err = remove_found(fs, nd->first_cluster, nf)) != FS_OK)
        goto out;
    struct fat32_node *live = fat_node_find(fs, of->lba, of->off);
    if ((err = erase_slots(fs, od->first_cluster, of)) != FS_OK)
        goto out;
    if ((err = fat32_sync(fs)) != FS_OK) /* W4: the old name is gone on disk first */
        goto out;
    if (is_dir && od->first_cluster != nd->first_cluster) {
        /* W4: ".." names the new parent before the new name makes the directory reachable */
        if ((err = set_dotdot(fs, moved_first, nd->first_cluster)) != FS_OK ||
            (err = fat32_sync(fs)) != FS_OK)
            goto out;
    }
    uint64_t lba;
    uint32_t off;
    if ((err = write_entry(fs, nd->first_cluster, slot, nn, need_lfn, raw, &lba, &off)) != FS_OK)
        goto out;
    if (live) {
        live->entry_lba = lba;
        live->entry_off = off;
        live->parent_cluster = nd->first_cluster;
    }
    if (!od->is_root)
        fat_node_update_entry(od, true);
    if (!nd->is_root && nd != od)
        fat_node_update_entry(nd, true);
out:
    kfree(on);
    kfree(nn);
    kfree(of);
    kfree(nf);
    return err;
}

int fat32_dir_readdir(struct vfs_node *dir, uint64_t cookie, struct vfs_dirent *ent)
{
    struct fat32_node *d = (struct fat32_node *)dir;
    int err = check_dir(dir);
    if (err)
        return err;
    if (cookie >= DIR_SLOTS_MAX)
        return FS_ENOENT;
    struct dir_found *f = kmalloc(sizeof *f);
    if (!f)
        return FS_ENOMEM;
    /* a listing resumes where the last call stopped: remember that cluster (a directory's chain
     * only grows while it exists, so the position stays right) */
    struct dir_iter it;
    err = iter_start_hint(&it, d->fs, d->first_cluster, (uint32_t)cookie, d->pos_index, d->pos_cluster);
    while (!err) {
        err = scan_next(&it, f);
        if (!err && !f->dot)
            break;
    }
    if (!err && it.cluster) {
        d->pos_index = it.slot / slots_per_cluster(d->fs);
        d->pos_cluster = it.cluster;
    }
    if (!err) {
        ent->next_cookie = f->short_slot + 1;
        ent->ino = f->lba * 128 + f->off / DIRENT_SIZE;
        ent->type = (f->raw[11] & ATTR_DIRECTORY) ? VFS_DIR : VFS_FILE;
        ent->name_len = fat_name_to_utf8(f->name.u, f->name.len, ent->name);
    }
    kfree(f);
    return err;
}

int fat32_dir_check_root(struct fat32 *fs)
{
    struct dir_iter it;
    int err = iter_start(&it, fs, fs->root_cluster, 0);
    while (!err && it.cluster)
        err = iter_step_cluster(&it);
    return err;
}
