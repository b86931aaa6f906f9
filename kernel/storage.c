/* kernel/storage.c — boot-disk discovery, the root mount, and the storage test switches (contract in
 * storage.h).
 *
 * Below: kernel/drivers/pci.c, virtio_blk.c (disks), kernel/fs/gpt.c (partitions), fat32.c and
 * ramfs.c (filesystems), vfs.c (the namespace). Above: kmain calls storage_init once; the WASI
 * backend later reaches files through the VFS alone. The test switches live here so that the kernel's
 * own self-tests (kernel/selftest.c) need not know about disks. */


#include "kernel/storage.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
#include "kernel/cmdline.h"
#include "kernel/drivers/pci.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/fs/bcache.h"
#include "kernel/fs/devfs.h"
#include "kernel/fs/fat32.h"
#include "kernel/fs/gpt.h"
#include "kernel/fs/ramfs.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/stdlib.h"
#include "kernel/lib/string.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memlayout.h"
#include "kernel/mm/vmm.h"
#include "kernel/printk.h"
#include "kernel/proc/handle.h"
#include "kernel/proc/proc.h"

#define TMP_BYTES_MAX (16ULL << 20) /* the /tmp ramfs's data budget */
#define ROOT_RAM_BYTES_MAX (32ULL << 20)
#define NS_PER_SEC 1000000000ULL
#define FLUSH_PERIOD_NS (5 * NS_PER_SEC) /* periodic write-back of the block cache */

static struct {
    struct gpt_part_device part;  /* the boot partition as a block device */
    struct fat32 *fat;            /* the root volume, NULL when the root is a ramfs */
    struct ramfs *root_ram;
    struct ramfs *tmp;
    uint64_t next_flush_ns;       /* timer_ns() of the next periodic flush */
    uint64_t flushes;             /* periodic flushes done */
} st;

static int64_t clock_seconds(void *ctx)
{
    (void)ctx;
    return timer_realtime_ns() / (int64_t)NS_PER_SEC;
}

static uint64_t clock_ns(void *ctx)
{
    (void)ctx;
    return (uint64_t)timer_realtime_ns();
}

static void fat_log(void *ctx, const char *msg)
{
    printk("storage: %s: %s\n", (const char *)ctx, msg);
}

static bool guid_zero(const uint8_t g[16])
{
    for (int i = 0; i < 16; i++)
        if (g[i])
            return false;
    return true;
}

/* the boot partition on disk, or -1; table is caller-owned scratch */
static int find_boot_partition(struct block_device *disk, const struct bootinfo *bi, struct gpt_table *table)
{
    int err = gpt_read(disk, table);
    if (err != GPT_OK) {
        printk("storage: %s: no usable GPT (%s%s%s)\n", disk->name,
               err == GPT_ENOTGPT ? "no GPT signature" : err == GPT_EBADCRC ? "header or entry CRC wrong"
               : err == GPT_EIO ? "read error" : "out of memory",
               table->note ? ": " : "", table->note ? table->note : "");
        return -1;
    }
    if (table->note)
        printk("storage: %s: GPT: %s\n", disk->name, table->note);
    bool by_guid = !guid_zero(bi->esp_guid);
    for (uint32_t i = 0; i < table->count; i++) {
        const struct gpt_partition *p = &table->parts[i];
        if (by_guid ? memcmp(p->unique_guid, bi->esp_guid, 16) == 0 && p->first_lba == bi->esp_start_lba
                    : memcmp(p->type_guid, gpt_type_esp, 16) == 0)
            return (int)i;
    }
    return -1;
}

static int mount_ram_root(const char *why)
{
    printk("storage: %s; root is a RAM filesystem (nothing written will survive a reboot)\n", why);
    if (ramfs_create(ROOT_RAM_BYTES_MAX, clock_ns, NULL, &st.root_ram) != FS_OK)
        return -1;
    struct vfs_node *root = ramfs_root(st.root_ram);
    int err = vfs_mount("/", root);
    vfs_node_release(root);
    return err;
}

/* mounts the volume on st.part at "/"; returns 0, or -1 when it is not a usable FAT32 volume */
static int mount_disk_root(void)
{
    struct fat32_options opts = {.read_only = st.part.dev.read_only, .clock = clock_seconds, .log = fat_log,
                                 .ctx = (void *)st.part.dev.name};
    const char *why = NULL;
    int err = fat32_mount(&st.part.dev, &opts, &st.fat, &why);
    if (err != FS_OK) {
        printk("storage: %s: cannot mount FAT32 (%s)\n", st.part.dev.name,
               err == FS_EINVAL && why ? why : err == FS_EIO ? "read error" : "out of memory");
        st.fat = NULL;
        return -1;
    }
    struct vfs_node *root = fat32_root(st.fat);
    err = vfs_mount("/", root);
    vfs_node_release(root);
    if (err != FS_OK) {
        printk("storage: vfs_mount / failed (%d)\n", err);
        return -1;
    }
    uint64_t free_mib = fat32_free_bytes(st.fat) >> 20;
    if (fat32_error(st.fat))
        printk("storage: root is %s (FAT32), READ-ONLY: %s\n", st.part.dev.name, fat32_error(st.fat));
    else
        printk("storage: root is %s (FAT32, %s), %lu MiB free\n", st.part.dev.name,
               fat32_is_read_only(st.fat) ? "read-only" : "read-write", free_mib);
    return 0;
}

static void mount_tmp(void)
{
    struct vfs_node *root = vfs_root(), *dir = NULL;
    if (!root)
        return;
    int err = vfs_lookup(root, "tmp", 3, &dir);
    if (err == FS_ENOENT && (err = vfs_mkdir(root, "tmp", 3, &dir)) == FS_OK)
        vfs_sync(root); /* one mkdir at first boot, on disk at once rather than at some later sync */
    vfs_node_release(root);
    if (err != FS_OK) {
        printk("storage: no /tmp directory (%d): /tmp not mounted\n", err);
        return;
    }
    vfs_node_release(dir);
    if (ramfs_create(TMP_BYTES_MAX, clock_ns, NULL, &st.tmp) != FS_OK)
        return;
    struct vfs_node *tmp_root = ramfs_root(st.tmp);
    err = vfs_mount("/tmp", tmp_root);
    vfs_node_release(tmp_root);
    if (err != FS_OK)
        printk("storage: mounting /tmp failed (%d)\n", err);
}

static int dev_random(void *buf, size_t len)
{
    return plat_random(buf, len);
}

/* /dev: a devfs over the console and RDRAND. "/dev" is made on the root volume at first boot. */
static void mount_dev(void)
{
    struct vfs_node *root = vfs_root(), *dir = NULL;
    if (!root)
        return;
    int err = vfs_lookup(root, "dev", 3, &dir);
    if (err == FS_ENOENT && (err = vfs_mkdir(root, "dev", 3, &dir)) == FS_OK)
        vfs_sync(root);
    vfs_node_release(root);
    if (err != FS_OK) {
        printk("storage: no /dev directory (%d): /dev not mounted\n", err);
        return;
    }
    vfs_node_release(dir);
    static const struct devfs_hooks hooks = {
        .console_read = handle_console_take,
        .console_write = handle_console_out,
        .random = dev_random,
    };
    struct vfs_node *dev_root = NULL;
    if (devfs_create(&hooks, &dev_root) != FS_OK)
        return;
    err = vfs_mount("/dev", dev_root);
    vfs_node_release(dev_root);
    if (err != FS_OK)
        printk("storage: mounting /dev failed (%d)\n", err);
}

/* The scheduler's poll hook: every FLUSH_PERIOD_NS, writes back what the filesystems hold dirty
 * (a sync with nothing dirty costs only the device flushes). Never keeps the scheduler busy. */
static bool storage_poll(void)
{
    uint64_t now = timer_ns();
    if (now < st.next_flush_ns)
        return false;
    st.next_flush_ns = now + FLUSH_PERIOD_NS;
    int err = storage_sync();
    st.flushes++;
    if (err != FS_OK)
        printk("storage: periodic flush failed (%d)\n", err);
    return false;
}

static void mount_root(const struct bootinfo *bi)
{
    int disks = virtio_blk_init();
    if (disks == 0) {
        mount_ram_root("no virtio disk (booted from a read-only medium?)");
        return;
    }
    struct gpt_table *table = kmalloc(sizeof *table);
    if (!table) {
        mount_ram_root("out of memory reading partition tables");
        return;
    }
    bool found = false;
    for (int d = 0; d < disks && !found; d++) {
        struct block_device *disk = virtio_blk_disk(d);
        int i = find_boot_partition(disk, bi, table);
        if (i < 0)
            continue;
        found = true;
        const struct gpt_partition *p = &table->parts[i];
        gpt_partition_device(disk, p, &st.part);
        printk("storage: boot partition %s: LBA %lu-%lu%s\n", st.part.dev.name, p->first_lba, p->last_lba,
               guid_zero(bi->esp_guid) ? " (first EFI System Partition)" : " (matches the loader's ESP)");
    }
    kfree(table);
    if (!found)
        mount_ram_root("no boot partition on any disk");
    else if (mount_disk_root() != 0)
        mount_ram_root("the boot partition holds no usable FAT32 volume");
}

int storage_sync(void)
{
    return vfs_sync_all();
}

bool storage_root_on_disk(void)
{
    return st.fat != NULL;
}

/* ---- test switches ------------------------------------------------------------------------------ */

static int t_pass, t_fail;

static void check(bool ok, const char *what)
{
    if (ok) {
        t_pass++;
    } else {
        t_fail++;
        printk("storage-test: FAIL %s\n", what);
    }
}

/* the bytes of test file `seed` at offset i (tests/qemu/storage/files.py computes the same) */
static uint8_t pattern(uint64_t i, uint32_t seed)
{
    return (uint8_t)(i * 31 + seed * 101 + (i >> 10));
}

struct test_file {
    const char *path;     /* under /storage-test */
    uint64_t size;
    uint32_t seed;        /* 0: the text below */
    const char *text;
};

static const struct test_file test_files[] = {
    {"hello.txt", 17, 0, "hello from walos\n"},
    {"empty", 0, 0, ""},
    {"one-sector.bin", 512, 1, NULL},
    {"odd-size.bin", 5000, 2, NULL},
    {"big.bin", (1u << 20) + 123, 3, NULL},
    {"A long file name, with Mixed Case.txt", 16, 0, "long names work\n"},
    {"sub/deeper/nested.bin", 70000, 4, NULL},
};
#define TEST_DIR "storage-test"
#define CHUNK 40000 /* deliberately not a multiple of anything */

/* resolves (and with create, makes) the directories of path under /storage-test; returns the
 * directory holding its last component and *name_out pointing at that component */
static struct vfs_node *test_parent(const char *path, bool create, const char **name_out)
{
    struct vfs_node *dir = vfs_root(), *next = NULL;
    const char *p = TEST_DIR "/";
    char full[128];
    strlcpy(full, p, sizeof full);
    strlcpy(full + strlen(p), path, sizeof full - strlen(p));
    const char *comp = full;
    for (const char *slash; dir && (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
        size_t len = (size_t)(slash - comp);
        int err = vfs_lookup(dir, comp, len, &next);
        if (err == FS_ENOENT && create)
            err = vfs_mkdir(dir, comp, len, &next);
        vfs_node_release(dir);
        dir = err == FS_OK ? next : NULL;
    }
    *name_out = path + (comp - full - strlen(p));
    return dir;
}

static void fill(uint8_t *buf, const struct test_file *f, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = f->text ? (uint8_t)f->text[off + i] : pattern(off + i, f->seed);
}

static void write_test_file(const struct test_file *f, uint8_t *buf)
{
    const char *name;
    struct vfs_node *dir = test_parent(f->path, true, &name), *node = NULL;
    struct vfs_file *file = NULL;
    bool ok = dir && vfs_create(dir, name, strlen(name), &node) == FS_OK &&
              vfs_open(node, VFS_O_WRITE, &file) == FS_OK;
    for (uint64_t off = 0; ok && off < f->size;) {
        size_t n = f->size - off < CHUNK ? (size_t)(f->size - off) : CHUNK, done = 0;
        fill(buf, f, off, n);
        ok = vfs_write(file, buf, n, &done) == FS_OK && done == n;
        off += n;
    }
    if (file)
        vfs_close(file);
    vfs_node_release(node);
    vfs_node_release(dir);
    check(ok, f->path);
}

static void read_test_file(const struct test_file *f, uint8_t *buf, uint8_t *want)
{
    const char *name;
    struct vfs_node *dir = test_parent(f->path, false, &name), *node = NULL;
    struct vfs_file *file = NULL;
    struct vfs_stat s;
    bool ok = dir && vfs_lookup(dir, name, strlen(name), &node) == FS_OK && vfs_stat(node, &s) == FS_OK &&
              s.size == f->size && vfs_open(node, VFS_O_READ, &file) == FS_OK;
    for (uint64_t off = 0; ok && off < f->size;) {
        size_t n = f->size - off < CHUNK ? (size_t)(f->size - off) : CHUNK, done = 0;
        fill(want, f, off, n);
        ok = vfs_read(file, buf, n, &done) == FS_OK && done == n && memcmp(buf, want, n) == 0;
        off += n;
    }
    if (file)
        vfs_close(file);
    vfs_node_release(node);
    vfs_node_release(dir);
    check(ok, f->path);
}

static void print_disk_stats(void)
{
    for (int d = 0; virtio_blk_disk(d); d++) {
        struct virtio_blk_stats s = virtio_blk_stats(d);
        printk("virtio-blk: %s: %lu interrupts, %lu requests, %lu device requests (%lu writes, %lu flushes), "
               "%lu errors, %lu polled\n", virtio_blk_disk(d)->name, s.interrupts, s.requests, s.parts,
               s.writes, s.flushes, s.errors, s.polled);
    }
}

/* a write workload for the crash sweep: files created, grown, renamed and removed, with syncs
 * between rounds; storage.crash_after cuts it short */
#define CRASH_ROUNDS 6
#define CRASH_FILE_MAX (700 + (CRASH_ROUNDS * 8) * 1531)

static void crash_workload(void)
{
    struct vfs_node *root = vfs_root(), *dir = NULL;
    uint8_t *buf = kmalloc(CRASH_FILE_MAX);
    if (!buf || !root || (vfs_mkdir(root, "crash", 5, &dir) != FS_OK && vfs_lookup(root, "crash", 5, &dir) != FS_OK)) {
        vfs_node_release(root);
        kfree(buf);
        check(false, "crash: mkdir");
        return;
    }
    vfs_node_release(root);
    char name[16], other[16];
    for (int round = 0; round < CRASH_ROUNDS; round++) {
        for (int i = 0; i < 8; i++) {
            struct vfs_node *node = NULL;
            struct vfs_file *file = NULL;
            size_t len = (size_t)snprintf(name, sizeof name, "f%d-%d", round, i), done;
            if (vfs_create(dir, name, len, &node) != FS_OK || vfs_open(node, VFS_O_WRITE, &file) != FS_OK) {
                vfs_node_release(node);
                check(false, "crash: create");
                continue;
            }
            size_t size = 700 + (size_t)(round * 8 + i) * 1531;
            for (size_t k = 0; k < size; k++)
                buf[k] = pattern(k, (uint32_t)(round * 8 + i));
            check(vfs_write(file, buf, size, &done) == FS_OK && done == size, "crash: write");
            vfs_close(file);
            vfs_node_release(node);
        }
        if (round > 0) { /* rename some of the last round, remove others */
            for (int i = 0; i < 8; i += 2) {
                size_t a = (size_t)snprintf(name, sizeof name, "f%d-%d", round - 1, i);
                size_t b = (size_t)snprintf(other, sizeof other, "r%d-%d", round - 1, i);
                check(vfs_rename(dir, name, a, dir, other, b) == FS_OK, "crash: rename");
                a = (size_t)snprintf(name, sizeof name, "f%d-%d", round - 1, i + 1);
                check(vfs_unlink(dir, name, a) == FS_OK, "crash: unlink");
            }
        }
        check(vfs_sync(dir) == FS_OK, "crash: sync");
        printk("storage-test: crash workload round %d synced\n", round);
    }
    vfs_node_release(dir);
    kfree(buf);
    printk("storage-test: crash workload finished\n");
}

/* ---- test=storage-blk: the driver below the filesystem ---- */

#define BLK_TEST_BYTES (1u << 20)
#define BLK_TEST_LBA 4096          /* inside the boot partition's data area on walos.img */
#define BLK_ASYNC_REQUESTS 64      /* more than the driver's slots: the software queue is used */

struct async_count {
    volatile int done;
    volatile int errors;
};

static void async_done(struct block_request *req, int status)
{
    struct async_count *c = req->ctx;
    if (status != BLOCK_OK)
        c->errors++;
    c->done++;
}

/* a buffer whose pages are physically descending, so no two merge into one DMA segment and a 1 MiB
 * transfer needs more segments than one device request may carry */
static uint8_t *scattered_buffer(uint64_t *base_out)
{
    uint64_t pages = BLK_TEST_BYTES / PAGE_SIZE + 1;
    uint64_t va = vmm_reserve(pages * PAGE_SIZE);
    if (!va)
        return NULL;
    for (uint64_t i = pages; i-- > 0;)
        if (vmm_commit(va + i * PAGE_SIZE, PAGE_SIZE) != 0) {
            vmm_release(va, pages * PAGE_SIZE);
            return NULL;
        }
    *base_out = va;
    return (uint8_t *)va + 512; /* sector-aligned, not page-aligned */
}

static void blk_tests(void)
{
    struct block_device *d = virtio_blk_disk(0);
    uint32_t count = BLK_TEST_BYTES / (d ? d->sector_size : 512);
    if (!d || d->sector_count < BLK_TEST_LBA + count) {
        check(false, "blk: a disk of at least 3 MiB");
        return;
    }
    uint8_t *a = kmalloc(BLK_TEST_BYTES), *b = kmalloc(BLK_TEST_BYTES);
    struct block_request *reqs = kzalloc(sizeof *reqs * BLK_ASYNC_REQUESTS);
    uint64_t sbase = 0;
    uint8_t *sc = scattered_buffer(&sbase);
    if (!a || !b || !reqs || !sc) {
        check(false, "blk: memory");
        goto out;
    }
    struct virtio_blk_stats before = virtio_blk_stats(0);
    check(block_read(d, BLK_TEST_LBA, count, a) == BLOCK_OK, "blk: 1 MiB read (contiguous buffer)");
    check(block_read(d, BLK_TEST_LBA, count, sc) == BLOCK_OK && memcmp(a, sc, BLK_TEST_BYTES) == 0,
          "blk: 1 MiB read into scattered pages matches");
    struct virtio_blk_stats mid = virtio_blk_stats(0);
    check(mid.parts - before.parts > mid.requests - before.requests, "blk: a scattered request is split");
    /* many requests in flight at once, completed by interrupts in any order */
    struct async_count c = {0};
    uint32_t per = count / BLK_ASYNC_REQUESTS;
    memset(b, 0, BLK_TEST_BYTES);
    for (int i = 0; i < BLK_ASYNC_REQUESTS; i++) {
        reqs[i] = (struct block_request){.op = BLOCK_READ, .lba = BLK_TEST_LBA + (uint64_t)i * per, .count = per,
                                         .buf = b + (size_t)i * per * d->sector_size, .done = async_done, .ctx = &c};
        if (d->ops->submit(d, &reqs[i]) != BLOCK_OK)
            c.errors++, c.done++;
    }
    for (;;) {
        cli();
        if (c.done == BLK_ASYNC_REQUESTS)
            break;
        sti_hlt();
    }
    sti();
    check(c.errors == 0 && memcmp(a, b, BLK_TEST_BYTES) == 0, "blk: 64 queued requests complete and match");
    /* writes through the split path: the same bytes back, so the volume is unchanged */
    check(storage_sync() == FS_OK, "blk: sync before raw writes");
    check(block_write(d, BLK_TEST_LBA, count, sc) == BLOCK_OK && block_flush(d) == BLOCK_OK,
          "blk: 1 MiB write from scattered pages, flush");
    memset(b, 0, BLK_TEST_BYTES);
    check(block_read(d, BLK_TEST_LBA, count, b) == BLOCK_OK && memcmp(a, b, BLK_TEST_BYTES) == 0,
          "blk: read back after the write");
    /* refusals */
    check(block_read(d, d->sector_count - 1, 2, a) == BLOCK_ERANGE, "blk: past the end is ERANGE");
    check(block_read(d, 0, 0, a) == BLOCK_EINVAL, "blk: zero sectors is EINVAL");
    struct virtio_blk_stats after = virtio_blk_stats(0);
    printk("storage-test: blk: %lu requests became %lu device requests, %lu interrupts\n",
           after.requests - before.requests, after.parts - before.parts, after.interrupts - before.interrupts);
    check(after.interrupts > before.interrupts && after.polled == before.polled, "blk: completions by interrupt");
out:
    kfree(a);
    kfree(b);
    kfree(reqs);
    if (sbase)
        vmm_release(sbase, BLK_TEST_BYTES + PAGE_SIZE);
}

/* ---- test=storage-bench: sequential MB/s and small-file create rate (printed, never asserted) ---- */

#define BENCH_BIG_BYTES (64u << 20)
#define BENCH_CHUNK (1u << 20)
#define BENCH_SMALL_FILES 500

static uint64_t rate(uint64_t amount, uint64_t ns)
{
    return ns ? amount * NS_PER_SEC / ns : 0;
}

static void bench_run(void)
{
    struct vfs_node *root = vfs_root(), *node = NULL, *dir = NULL;
    struct vfs_file *file = NULL;
    uint8_t *buf = kmalloc(BENCH_CHUNK);
    size_t done;
    if (!root || !buf || vfs_create(root, "bench.bin", 9, &node) != FS_OK ||
        vfs_open(node, VFS_O_READ | VFS_O_WRITE, &file) != FS_OK) {
        check(false, "bench: create bench.bin (is there 64 MiB free?)");
        goto out;
    }
    for (size_t i = 0; i < BENCH_CHUNK; i++)
        buf[i] = pattern(i, 9);
    uint64_t t0 = timer_ns();
    bool ok = true;
    for (uint32_t off = 0; ok && off < BENCH_BIG_BYTES; off += BENCH_CHUNK)
        ok = vfs_write(file, buf, BENCH_CHUNK, &done) == FS_OK && done == BENCH_CHUNK;
    ok = ok && storage_sync() == FS_OK;
    uint64_t t1 = timer_ns();
    check(ok, "bench: 64 MiB written");
    bcache_drop_clean(fat32_cache(st.fat));
    for (uint32_t off = 0; ok && off < BENCH_BIG_BYTES; off += BENCH_CHUNK)
        ok = vfs_pread(file, off, buf, BENCH_CHUNK, &done) == FS_OK && done == BENCH_CHUNK && buf[1] == pattern(1, 9);
    uint64_t t2 = timer_ns();
    check(ok, "bench: 64 MiB read back");
    printk("storage-bench: sequential write 64 MiB (with sync): %lu KiB/s\n", rate(BENCH_BIG_BYTES >> 10, t1 - t0));
    printk("storage-bench: sequential read 64 MiB: %lu KiB/s\n", rate(BENCH_BIG_BYTES >> 10, t2 - t1));
    vfs_close(file);
    file = NULL;
    vfs_node_release(node);
    node = NULL;
    check(vfs_unlink(root, "bench.bin", 9) == FS_OK, "bench: unlink");
    /* small files: create + 100 bytes each, one sync at the end */
    if (vfs_mkdir(root, "bench-small", 11, &dir) != FS_OK) {
        check(false, "bench: mkdir");
        goto out;
    }
    char name[16];
    t0 = timer_ns();
    for (int i = 0; ok && i < BENCH_SMALL_FILES; i++) {
        size_t len = (size_t)snprintf(name, sizeof name, "s%04d.txt", i);
        ok = vfs_create(dir, name, len, &node) == FS_OK && vfs_open(node, VFS_O_WRITE, &file) == FS_OK &&
             vfs_write(file, buf, 100, &done) == FS_OK;
        if (file)
            vfs_close(file);
        vfs_node_release(node);
        file = NULL, node = NULL;
    }
    ok = ok && storage_sync() == FS_OK;
    t1 = timer_ns();
    check(ok, "bench: small files");
    printk("storage-bench: %d small files created (with sync): %lu files/s\n", BENCH_SMALL_FILES,
           rate(BENCH_SMALL_FILES, t1 - t0));
    for (int i = 0; i < BENCH_SMALL_FILES; i++) {
        size_t len = (size_t)snprintf(name, sizeof name, "s%04d.txt", i);
        vfs_unlink(dir, name, len);
    }
    vfs_node_release(dir);
    dir = NULL;
    check(vfs_rmdir(root, "bench-small", 11) == FS_OK && storage_sync() == FS_OK, "bench: cleanup");
out:
    if (file)
        vfs_close(file);
    vfs_node_release(node);
    vfs_node_release(dir);
    vfs_node_release(root);
    kfree(buf);
}

static int run_tests(void)
{
    bool write = cmdline_is("test", "storage-write"), read = cmdline_is("test", "storage-read");
    bool crash = cmdline_is("test", "storage-crash"), blk = cmdline_is("test", "storage-blk");
    bool bench = cmdline_is("test", "storage-bench");
    if (!write && !read && !crash && !blk && !bench)
        return 0;
    uint8_t *buf = kmalloc(CHUNK), *want = kmalloc(CHUNK);
    if (!buf || !want) {
        printk("storage-test: out of memory\n");
        kfree(buf);
        kfree(want);
        return 1;
    }
    check(storage_root_on_disk(), "root is on a disk");
    uint32_t n = sizeof test_files / sizeof test_files[0];
    if (write && storage_root_on_disk()) {
        for (uint32_t i = 0; i < n; i++)
            write_test_file(&test_files[i], buf);
        check(storage_sync() == FS_OK, "sync");
        printk("storage-test: wrote %u files under /%s and synced\n", n, TEST_DIR);
    }
    if (read && storage_root_on_disk()) {
        for (uint32_t i = 0; i < n; i++)
            read_test_file(&test_files[i], buf, want);
        printk("storage-test: read back %u files under /%s\n", n, TEST_DIR);
    }
    if (blk && storage_root_on_disk())
        blk_tests();
    if (bench && storage_root_on_disk())
        bench_run();
    if (crash && storage_root_on_disk()) {
        char value[24];
        if (cmdline_value("storage.crash_after", value, sizeof value))
            virtio_blk_crash_after(strtoull(value, NULL, 0));
        crash_workload();
    }
    kfree(buf);
    kfree(want);
    print_disk_stats();
    printk("storage-test: %d passed, %d failed\n", t_pass, t_fail);
    return t_fail;
}

int storage_init(const struct bootinfo *bi)
{
    memset(&st, 0, sizeof st);
    uint64_t t0 = timer_ns();
    if (pci_init() > 0)
        mount_root(bi);
    else
        mount_ram_root("no PCI bus");
    mount_tmp();
    mount_dev();
    st.next_flush_ns = timer_ns() + FLUSH_PERIOD_NS;
    if (proc_add_poll_hook(storage_poll) != 0)
        printk("storage: no poll hook place: no periodic flush\n");
    printk("storage: up in %lu ms (PCI scan, disks, partition table, root and /tmp mounts)\n",
           (timer_ns() - t0) / 1000000);
    return run_tests();
}
