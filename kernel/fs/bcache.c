/* kernel/fs/bcache.c — write-back sector cache with ordered writeback (contract in bcache.h).
 *
 * Layer below: kernel/drivers/block.h (block_read/block_write/block_flush). Layer above: the
 * filesystems (kernel/fs/fat32*.c). Buffers live in one array, found through a hash of chained
 * buckets and kept on one LRU list. A miss takes the least recently used unpinned clean buffer; when
 * every unpinned buffer is dirty, the whole cache is written back first (in order), which keeps the
 * ordering promise of bcache.h even under memory pressure. */
#include "kernel/fs/bcache.h"
#include "kernel/fs/fs_alloc.h"
#include "walos/platform.h"

#define BCACHE_MIN_BUFS 8
#define BCACHE_RUN_MAX 64 /* sectors coalesced into one write */

struct bcache {
    struct block_device *dev;
    uint32_t sector_size;
    uint32_t nbufs;
    struct bcache_buf *bufs;
    uint8_t *memory;               /* nbufs * sector_size */
    struct bcache_buf **buckets;
    uint32_t nbuckets;             /* power of two */
    struct bcache_buf *lru_head, *lru_tail;
    struct bcache_buf **sorted;    /* scratch for writeback: nbufs entries */
    uint8_t *run;                  /* scratch for coalesced writes: BCACHE_RUN_MAX sectors */
    uint64_t mirror_lba, mirror_count, mirror_stride;
    uint32_t mirror_copies;
    bool unflushed;                /* a write completed since the last FLUSH */
    int (*writeback)(void *ctx);   /* the owner's ordered writeback, or NULL */
    void *writeback_ctx;
    bool in_writeback;
    struct bcache_stats stats;
};

static uint32_t bucket_of(const struct bcache *c, uint64_t lba)
{
    uint64_t h = lba * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 32) & (c->nbuckets - 1);
}

static struct bcache_buf *find(struct bcache *c, uint64_t lba)
{
    for (struct bcache_buf *b = c->buckets[bucket_of(c, lba)]; b; b = b->hash_next)
        if (b->lba == lba)
            return b;
    return NULL;
}

static void hash_remove(struct bcache *c, struct bcache_buf *b)
{
    struct bcache_buf **p = &c->buckets[bucket_of(c, b->lba)];
    while (*p && *p != b)
        p = &(*p)->hash_next;
    if (*p)
        *p = b->hash_next;
    b->hash_next = NULL;
}

static void hash_insert(struct bcache *c, struct bcache_buf *b)
{
    uint32_t i = bucket_of(c, b->lba);
    b->hash_next = c->buckets[i];
    c->buckets[i] = b;
}

static void lru_unlink(struct bcache *c, struct bcache_buf *b)
{
    if (b->lru_prev)
        b->lru_prev->lru_next = b->lru_next;
    else
        c->lru_head = b->lru_next;
    if (b->lru_next)
        b->lru_next->lru_prev = b->lru_prev;
    else
        c->lru_tail = b->lru_prev;
    b->lru_prev = b->lru_next = NULL;
}

static void lru_push_head(struct bcache *c, struct bcache_buf *b)
{
    b->lru_prev = NULL;
    b->lru_next = c->lru_head;
    if (c->lru_head)
        c->lru_head->lru_prev = b;
    c->lru_head = b;
    if (!c->lru_tail)
        c->lru_tail = b;
}

int bcache_create(struct block_device *dev, uint32_t nbufs, struct bcache **cache_out)
{
    if (nbufs < BCACHE_MIN_BUFS || dev->sector_size == 0)
        return BLOCK_EINVAL;
    struct bcache *c = kzalloc(sizeof *c);
    if (!c)
        return BLOCK_EIO;
    c->dev = dev;
    c->sector_size = dev->sector_size;
    c->nbufs = nbufs;
    c->nbuckets = 1;
    while (c->nbuckets < nbufs)
        c->nbuckets <<= 1;
    c->bufs = kzalloc(sizeof *c->bufs * nbufs);
    c->memory = kmalloc((size_t)nbufs * c->sector_size);
    c->buckets = kzalloc(sizeof *c->buckets * c->nbuckets);
    c->sorted = kmalloc(sizeof *c->sorted * nbufs);
    c->run = kmalloc((size_t)BCACHE_RUN_MAX * c->sector_size);
    if (!c->bufs || !c->memory || !c->buckets || !c->sorted || !c->run) {
        bcache_destroy(c);
        return BLOCK_EIO;
    }
    for (uint32_t i = 0; i < nbufs; i++) {
        struct bcache_buf *b = &c->bufs[i];
        b->data = c->memory + (size_t)i * c->sector_size;
        b->lba = UINT64_MAX; /* empty: never in the hash */
        lru_push_head(c, b);
    }
    *cache_out = c;
    return BLOCK_OK;
}

void bcache_destroy(struct bcache *c)
{
    if (!c)
        return;
    kfree(c->bufs);
    kfree(c->memory);
    kfree(c->buckets);
    kfree(c->sorted);
    kfree(c->run);
    kfree(c);
}

void bcache_set_mirror(struct bcache *c, uint64_t lba, uint64_t count, uint64_t stride, uint32_t copies)
{
    c->mirror_lba = lba;
    c->mirror_count = count;
    c->mirror_stride = stride;
    c->mirror_copies = copies;
}

static int dev_write(struct bcache *c, uint64_t lba, uint32_t count, const void *data)
{
    int err = block_write(c->dev, lba, count, data);
    if (err == BLOCK_OK)
        c->stats.sectors_written += count;
    c->unflushed = true;
    return err;
}

/* Writes a run of consecutive sectors, and its mirror copies when it lies in the mirror region. */
static int write_run(struct bcache *c, uint64_t lba, uint32_t count, const void *data)
{
    int err = dev_write(c, lba, count, data);
    if (err != BLOCK_OK)
        return err;
    if (c->mirror_copies > 1 && lba >= c->mirror_lba && lba < c->mirror_lba + c->mirror_count) {
        for (uint32_t k = 1; k < c->mirror_copies; k++) {
            err = dev_write(c, lba + k * c->mirror_stride, count, data);
            if (err != BLOCK_OK)
                return err;
        }
    }
    return BLOCK_OK;
}

static bool in_mirror(const struct bcache *c, uint64_t lba)
{
    return c->mirror_copies > 1 && lba >= c->mirror_lba && lba < c->mirror_lba + c->mirror_count;
}

/* Shell sort of the scratch array by lba (no libc qsort in the kernel). */
static void sort_by_lba(struct bcache_buf **a, uint32_t n)
{
    static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (uint32_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        uint32_t gap = gaps[g];
        for (uint32_t i = gap; i < n; i++) {
            struct bcache_buf *t = a[i];
            uint32_t j = i;
            while (j >= gap && a[j - gap]->lba > t->lba) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = t;
        }
    }
}

/* Writes every dirty buffer whose class is in [lo, hi], coalescing runs of adjacent sectors. */
static int write_class(struct bcache *c, enum bcache_class lo, enum bcache_class hi)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nbufs; i++) {
        struct bcache_buf *b = &c->bufs[i];
        if (b->dirty && b->cls >= lo && b->cls <= hi)
            c->sorted[n++] = b;
    }
    sort_by_lba(c->sorted, n);
    int first_err = BLOCK_OK;
    uint32_t i = 0;
    while (i < n) {
        uint32_t j = i + 1;
        while (j < n && j - i < BCACHE_RUN_MAX && c->sorted[j]->lba == c->sorted[j - 1]->lba + 1 &&
               in_mirror(c, c->sorted[j]->lba) == in_mirror(c, c->sorted[i]->lba))
            j++;
        int err;
        if (j - i == 1) {
            err = write_run(c, c->sorted[i]->lba, 1, c->sorted[i]->data);
        } else {
            for (uint32_t k = i; k < j; k++)
                memcpy(c->run + (size_t)(k - i) * c->sector_size, c->sorted[k]->data, c->sector_size);
            err = write_run(c, c->sorted[i]->lba, j - i, c->run);
        }
        if (err == BLOCK_OK) {
            for (uint32_t k = i; k < j; k++)
                c->sorted[k]->dirty = false;
        } else if (first_err == BLOCK_OK) {
            first_err = err;
        }
        i = j;
    }
    return first_err;
}

/* FLUSH, skipped when nothing was written since the last one. */
static int dev_flush(struct bcache *c)
{
    if (!c->unflushed)
        return BLOCK_OK;
    c->stats.flushes++;
    int err = block_flush(c->dev);
    if (err == BLOCK_OK)
        c->unflushed = false;
    return err;
}

int bcache_sync_data(struct bcache *c)
{
    int err = write_class(c, BCACHE_DATA, BCACHE_FAT);
    if (err != BLOCK_OK)
        return err;
    return dev_flush(c);
}

int bcache_sync(struct bcache *c)
{
    c->stats.writebacks++;
    int err = bcache_sync_data(c);
    if (err != BLOCK_OK)
        return err; /* never write META over FAT sectors that did not make it */
    err = write_class(c, BCACHE_META, BCACHE_META);
    if (err != BLOCK_OK)
        return err;
    return dev_flush(c);
}

void bcache_set_writeback(struct bcache *c, int (*writeback)(void *ctx), void *ctx)
{
    c->writeback = writeback;
    c->writeback_ctx = ctx;
}

/* Makes dirty buffers clean when the cache is full: the owner's writeback, or bcache_sync. */
static int make_room(struct bcache *c)
{
    if (!c->writeback)
        return bcache_sync(c);
    if (c->in_writeback)
        return BLOCK_EBUSY;
    c->in_writeback = true;
    int err = c->writeback(c->writeback_ctx);
    c->in_writeback = false;
    return err;
}

/* Finds a buffer to reuse: the least recently used unpinned clean one, after a writeback if needed. */
static int take_victim(struct bcache *c, struct bcache_buf **victim_out)
{
    for (int round = 0; round < 2; round++) {
        bool any_unpinned = false;
        for (struct bcache_buf *b = c->lru_tail; b; b = b->lru_prev) {
            if (b->pins)
                continue;
            any_unpinned = true;
            if (!b->dirty) {
                *victim_out = b;
                return BLOCK_OK;
            }
        }
        if (!any_unpinned)
            return BLOCK_EBUSY;
        int err = make_room(c);
        if (err != BLOCK_OK)
            return err;
    }
    return BLOCK_EBUSY;
}

int bcache_get(struct bcache *c, uint64_t lba, bool read, struct bcache_buf **buf_out)
{
    if (lba >= c->dev->sector_count)
        return BLOCK_ERANGE;
    struct bcache_buf *b = find(c, lba);
    if (b) {
        c->stats.hits++;
    } else {
        c->stats.misses++;
        int err = take_victim(c, &b);
        if (err != BLOCK_OK)
            return err;
        if (b->lba != UINT64_MAX)
            hash_remove(c, b);
        b->lba = UINT64_MAX;
        if (read) {
            err = block_read(c->dev, lba, 1, b->data);
            if (err != BLOCK_OK)
                return err;
            c->stats.sectors_read++;
        } else {
            memset(b->data, 0, c->sector_size);
        }
        b->lba = lba;
        hash_insert(c, b);
    }
    b->pins++;
    lru_unlink(c, b);
    lru_push_head(c, b);
    *buf_out = b;
    return BLOCK_OK;
}

void bcache_dirty(struct bcache *c, struct bcache_buf *b, enum bcache_class cls)
{
    (void)c;
    if (!b->dirty || b->cls != BCACHE_META)
        b->cls = cls;
    b->dirty = true;
}

void bcache_put(struct bcache *c, struct bcache_buf *b)
{
    (void)c;
    if (b->pins > 0)
        b->pins--;
}

int bcache_read_direct(struct bcache *c, uint64_t lba, uint32_t count, void *buf)
{
    int err = block_read(c->dev, lba, count, buf);
    if (err != BLOCK_OK)
        return err;
    c->stats.sectors_read += count;
    for (uint32_t i = 0; i < count; i++) {
        struct bcache_buf *b = find(c, lba + i);
        if (b)
            memcpy((uint8_t *)buf + (size_t)i * c->sector_size, b->data, c->sector_size);
    }
    return BLOCK_OK;
}

/* The least recently used unpinned clean buffer, or NULL (no writeback, unlike take_victim). */
static struct bcache_buf *clean_victim(struct bcache *c)
{
    for (struct bcache_buf *b = c->lru_tail; b; b = b->lru_prev)
        if (!b->pins && !b->dirty)
            return b;
    return NULL;
}

int bcache_read_cached(struct bcache *c, uint64_t lba, uint32_t count, void *buf)
{
    if (lba >= c->dev->sector_count || count > c->dev->sector_count - lba)
        return BLOCK_ERANGE;
    uint32_t cached = 0;
    while (cached < count && find(c, lba + cached))
        cached++;
    if (cached < count) {
        int err = block_read(c->dev, lba, count, buf);
        if (err != BLOCK_OK)
            return err;
        c->stats.sectors_read += count;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *dst = (uint8_t *)buf + (size_t)i * c->sector_size;
        struct bcache_buf *b = find(c, lba + i);
        if (b) {
            memcpy(dst, b->data, c->sector_size); /* the cached copy is the newest (it may be dirty) */
        } else if ((b = clean_victim(c))) {
            if (b->lba != UINT64_MAX)
                hash_remove(c, b);
            memcpy(b->data, dst, c->sector_size);
            b->lba = lba + i;
            hash_insert(c, b);
        } else {
            continue;
        }
        lru_unlink(c, b);
        lru_push_head(c, b);
    }
    return BLOCK_OK;
}

int bcache_write_direct(struct bcache *c, uint64_t lba, uint32_t count, const void *buf)
{
    int err = dev_write(c, lba, count, buf);
    if (err != BLOCK_OK)
        return err;
    for (uint32_t i = 0; i < count; i++) {
        struct bcache_buf *b = find(c, lba + i);
        if (b) {
            memcpy(b->data, (const uint8_t *)buf + (size_t)i * c->sector_size, c->sector_size);
            b->dirty = false;
        }
    }
    return BLOCK_OK;
}

void bcache_drop_clean(struct bcache *c)
{
    for (uint32_t i = 0; i < c->nbufs; i++) {
        struct bcache_buf *b = &c->bufs[i];
        if (!b->pins && !b->dirty && b->lba != UINT64_MAX) {
            hash_remove(c, b);
            b->lba = UINT64_MAX;
        }
    }
}

struct bcache_stats bcache_get_stats(const struct bcache *c)
{
    return c->stats;
}

struct block_device *bcache_device(const struct bcache *c)
{
    return c->dev;
}
