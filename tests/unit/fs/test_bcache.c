/* tests/unit/fs/test_bcache.c — the block cache's writeback order, mirrors, eviction and direct I/O,
 * over an in-memory device that records every request. */
#include "kernel/fs/bcache.h"
#include "kernel/fs/blockfault.h"
#include "tests/unit/fs/fs_host.h"

#include <stdlib.h>

#define MEM_SECTORS 256

struct mem_dev {
    struct block_device dev;
    uint8_t data[MEM_SECTORS][512];
    char log[4096];  /* "w10 w20 f m100 f" : writes (lba, count>1 as +n) and flushes */
    size_t log_len;
};

static void log_add(struct mem_dev *m, const char *s)
{
    size_t n = strlen(s);
    if (m->log_len + n + 1 < sizeof m->log) {
        memcpy(m->log + m->log_len, s, n + 1);
        m->log_len += n;
    }
}

static int mem_submit(struct block_device *dev, struct block_request *req)
{
    struct mem_dev *m = dev->priv;
    char s[32];
    if (req->op == BLOCK_READ) {
        memcpy(req->buf, m->data[req->lba], (size_t)req->count * 512);
    } else if (req->op == BLOCK_WRITE) {
        memcpy(m->data[req->lba], req->buf, (size_t)req->count * 512);
        snprintf(s, sizeof s, req->count > 1 ? "w%llu+%u " : "w%llu ", (unsigned long long)req->lba,
                 req->count);
        log_add(m, s);
    } else {
        log_add(m, "f ");
    }
    req->done(req, BLOCK_OK);
    return BLOCK_OK;
}

static const struct block_ops mem_ops = {.submit = mem_submit};

static struct mem_dev *mem_new(void)
{
    struct mem_dev *m = calloc(1, sizeof *m);
    m->dev.name = "mem";
    m->dev.sector_size = 512;
    m->dev.sector_count = MEM_SECTORS;
    m->dev.ops = &mem_ops;
    m->dev.priv = m;
    return m;
}

static void dirty(struct bcache *c, uint64_t lba, uint8_t fill, enum bcache_class cls)
{
    struct bcache_buf *b;
    CHECK_EQ(bcache_get(c, lba, true, &b), BLOCK_OK);
    memset(b->data, fill, 512);
    bcache_dirty(c, b, cls);
    bcache_put(c, b);
}

static void test_order_and_mirror(void)
{
    struct mem_dev *m = mem_new();
    struct bcache *c;
    CHECK_EQ(bcache_create(&m->dev, 16, &c), BLOCK_OK);
    bcache_set_mirror(c, 10, 10, 10, 2); /* sectors 10..19 are copied to 20..29 */
    dirty(c, 100, 1, BCACHE_META);
    dirty(c, 11, 2, BCACHE_FAT);
    dirty(c, 50, 3, BCACHE_DATA);
    dirty(c, 10, 4, BCACHE_FAT);
    dirty(c, 51, 5, BCACHE_DATA);
    CHECK_EQ(bcache_sync(c), BLOCK_OK);
    /* FAT and data first, sorted and coalesced (mirror runs apart), FLUSH, then META, FLUSH */
    CHECK(strcmp(m->log, "w10+2 w20+2 w50+2 f w100 f ") == 0);
    printf("log: %s\n", m->log);
    CHECK_EQ(m->data[21][0], 2);
    CHECK_EQ(m->data[20][0], 4);
    /* nothing dirty: no writes, no flush */
    m->log_len = 0, m->log[0] = 0;
    CHECK_EQ(bcache_sync(c), BLOCK_OK);
    CHECK_EQ(m->log_len, 0);
    /* META is never demoted by a later class */
    dirty(c, 60, 6, BCACHE_META);
    dirty(c, 60, 7, BCACHE_DATA);
    CHECK_EQ(bcache_sync_data(c), BLOCK_OK);
    CHECK_EQ(m->log_len, 0);
    CHECK_EQ(bcache_sync(c), BLOCK_OK);
    CHECK(strcmp(m->log, "w60 f ") == 0);
    bcache_destroy(c);
    free(m);
}

static int hook_calls;
static struct bcache *hook_cache;
static int hook(void *ctx)
{
    (void)ctx;
    hook_calls++;
    return bcache_sync(hook_cache);
}

static void test_eviction(void)
{
    struct mem_dev *m = mem_new();
    struct bcache *c;
    CHECK_EQ(bcache_create(&m->dev, 8, &c), BLOCK_OK);
    CHECK_EQ(bcache_create(&m->dev, 4, &hook_cache), BLOCK_EINVAL);
    hook_cache = c;
    bcache_set_writeback(c, hook, NULL);
    for (int i = 0; i < 8; i++)
        dirty(c, (uint64_t)i, (uint8_t)(i + 1), BCACHE_META);
    CHECK_EQ(hook_calls, 0);
    dirty(c, 8, 9, BCACHE_META); /* needs room: the owner's writeback runs */
    CHECK_EQ(hook_calls, 1);
    CHECK_EQ(m->data[3][0], 4);
    /* all pinned: EBUSY, never a wrong buffer */
    struct bcache_buf *pins[8], *extra;
    for (int i = 0; i < 8; i++)
        CHECK_EQ(bcache_get(c, (uint64_t)(100 + i), true, &pins[i]), BLOCK_OK);
    CHECK_EQ(bcache_get(c, 200, true, &extra), BLOCK_EBUSY);
    for (int i = 0; i < 8; i++)
        bcache_put(c, pins[i]);
    /* direct I/O sees and updates cached copies */
    dirty(c, 30, 0x33, BCACHE_DATA);
    uint8_t buf[3 * 512];
    CHECK_EQ(bcache_read_direct(c, 29, 3, buf), BLOCK_OK);
    CHECK_EQ(buf[512], 0x33);
    memset(buf, 0x44, sizeof buf);
    CHECK_EQ(bcache_write_direct(c, 29, 3, buf), BLOCK_OK);
    struct bcache_buf *b;
    CHECK_EQ(bcache_get(c, 30, true, &b), BLOCK_OK);
    CHECK_EQ(b->data[0], 0x44);
    CHECK(!b->dirty);
    bcache_put(c, b);
    CHECK_EQ(bcache_get(c, MEM_SECTORS, true, &b), BLOCK_ERANGE);
    struct bcache_stats st = bcache_get_stats(c);
    CHECK(st.hits > 0 && st.misses > 0 && st.sectors_written > 0);
    bcache_destroy(c);
    free(m);
}


static int cuts;
static void on_cut(void *ctx)
{
    (void)ctx;
    cuts++;
}

static void test_blockfault(void)
{
    struct mem_dev *m = mem_new();
    struct blockfault bf;
    blockfault_init(&bf, &m->dev);
    CHECK_EQ(bf.dev.sector_count, MEM_SECTORS);
    uint8_t buf[512];
    memset(buf, 7, sizeof buf);
    bf.cut_after = 2;
    bf.on_cut = on_cut;
    for (int i = 0; i < 4; i++)
        CHECK_EQ(block_write(&bf.dev, (uint64_t)i, 1, buf), BLOCK_OK);
    CHECK_EQ(m->data[1][0], 7);
    CHECK_EQ(m->data[2][0], 0); /* dropped after the cut */
    CHECK_EQ(cuts, 1);
    CHECK(bf.cut);
    CHECK_EQ(block_read(&bf.dev, 1, 1, buf), BLOCK_OK);
    CHECK_EQ(buf[0], 7);
    bf.cut_after = UINT64_MAX;
    bf.fail_after = 5;
    CHECK_EQ(block_write(&bf.dev, 9, 1, buf), BLOCK_OK);
    CHECK_EQ(block_write(&bf.dev, 9, 1, buf), BLOCK_EIO);
    CHECK_EQ(block_flush(&bf.dev), BLOCK_OK);
    free(m);
}

/* bcache_read_cached: the second read of a range costs no device I/O; a dirty cached sector wins
 * over the disk; with every buffer dirty it still reads right and writes nothing back. */
static void test_read_cached(void)
{
    struct mem_dev *m = mem_new();
    for (int i = 0; i < MEM_SECTORS; i++)
        memset(m->data[i], i, 512);
    struct bcache *c;
    CHECK_EQ(bcache_create(&m->dev, 8, &c), BLOCK_OK);
    uint8_t buf[4 * 512];
    CHECK_EQ(bcache_read_cached(c, 40, 4, buf), BLOCK_OK);
    CHECK(buf[0] == 40 && buf[3 * 512] == 43);
    uint64_t read_before = bcache_get_stats(c).sectors_read;
    memset(buf, 0, sizeof buf);
    memset(m->data[41], 0x99, 512); /* changed behind the cache's back: the cached copy answers */
    CHECK_EQ(bcache_read_cached(c, 40, 4, buf), BLOCK_OK);
    CHECK_EQ(bcache_get_stats(c).sectors_read, read_before);
    CHECK(buf[512] == 41 && buf[3 * 512 + 511] == 43);
    /* a partly cached range: one request, cached copies overlay it, the dirty one wins */
    dirty(c, 45, 0x55, BCACHE_DATA);
    CHECK_EQ(bcache_read_cached(c, 42, 4, buf), BLOCK_OK);
    CHECK(buf[0] == 42 && buf[3 * 512] == 0x55);
    /* every buffer dirty: nothing is kept, nothing is written back, the data is still right */
    for (int i = 0; i < 8; i++)
        dirty(c, (uint64_t)(100 + i), 0x77, BCACHE_DATA);
    size_t log_before = m->log_len;
    CHECK_EQ(bcache_read_cached(c, 200, 2, buf), BLOCK_OK);
    CHECK(buf[0] == 200 && buf[512] == 201);
    CHECK_EQ(m->log_len, log_before);
    CHECK_EQ(bcache_read_cached(c, MEM_SECTORS - 1, 2, buf), BLOCK_ERANGE);
    bcache_destroy(c);
    free(m);
}

static const struct fs_test tests[] = {
    {"order_and_mirror", test_order_and_mirror},
    {"eviction", test_eviction},
    {"read_cached", test_read_cached},
    {"blockfault", test_blockfault},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
