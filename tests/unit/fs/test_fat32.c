/* tests/unit/fs/test_fat32.c — FAT32 driver against images made by mkfs.fat, checked by fsck.fat -n
 * and read back with mtools (issue 5, "Tests and measures", host part). */
#include "kernel/fs/fat32.h"
#include "kernel/fs/bcache.h"
#include "tests/unit/fs/fs_host.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Seconds on the monotonic clock, for the rates the tests print (host, ASan build: indications only). */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- tests ------------------------------------------------------------------------------------ */

static void test_mount_empty(void)
{
    const char *img = work_path("empty.img");
    CHECK(make_fat_image(img, 40, "-s 1 -n WALOS"));
    struct vol v;
    CHECK(vol_open(&v, img));
    if (!v.fs)
        return;
    struct vfs_dirent ent;
    CHECK_EQ(v.root->ops->readdir(v.root, 0, &ent), FS_ENOENT); /* the label is not listed */
    CHECK(!fat32_is_read_only(v.fs));
    CHECK(fat32_error(v.fs) == NULL);
    CHECK(fat32_free_bytes(v.fs) > 39u * 1000 * 1000 - 4000000);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
}

static void test_create_write_read(void)
{
    const char *img = work_path("basic.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    const char *msg = "hello, walos\n";
    CHECK_EQ(put_file(v.root, "HELLO.TXT", msg, strlen(msg)), FS_OK);
    CHECK_EQ(put_file(v.root, "lower.txt", "x", 1), FS_OK);
    CHECK_EQ(put_file(v.root, "empty", "", 0), FS_OK);
    char buf[64] = {0};
    CHECK_EQ(get_file(v.root, "hello.txt", buf, sizeof buf), (long)strlen(msg)); /* case-insensitive */
    CHECK(memcmp(buf, msg, strlen(msg)) == 0);
    struct vfs_node *n;
    CHECK_EQ(vfs_create(v.root, "HELLO.TXT", 9, &n), FS_EEXIST);
    CHECK_EQ(vfs_lookup(v.root, "nope", 4, &n), FS_ENOENT);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    check_mtype(img, "HELLO.TXT", msg);
    check_mtype(img, "lower.txt", "x");
    char out[4096];
    CHECK_EQ(run_cmd(out, sizeof out, "LANG=C.UTF-8 mdir -i '%s' -b ::/", img), 0);
    CHECK(strstr(out, "::/lower.txt") != NULL);
    CHECK(strstr(out, "::/HELLO.TXT") != NULL);
    /* read back after a remount */
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    memset(buf, 0, sizeof buf);
    CHECK_EQ(get_file(v.root, "HELLO.TXT", buf, sizeof buf), (long)strlen(msg));
    CHECK(strcmp(buf, msg) == 0);
    struct vfs_stat st;
    CHECK_EQ(vfs_lookup(v.root, "lower.txt", 9, &n), FS_OK);
    CHECK_EQ(vfs_stat(n, &st), FS_OK);
    CHECK_EQ(st.size, 1);
    CHECK_EQ(st.type, VFS_FILE);
    CHECK_EQ(st.mtime_ns, 1700000000ull * 1000000000ull);
    vfs_node_release(n);
    CHECK_EQ(vol_close(&v), FS_OK);
}

static void test_mtools_files_readable(void)
{
    const char *img = work_path("mtools.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    char out[4096];
    const char *src = work_path("mtools-src.txt");
    FILE *f = fopen(src, "w");
    for (int i = 0; i < 3000; i++)
        fprintf(f, "line %d\n", i);
    fclose(f);
    CHECK_EQ(run_cmd(out, sizeof out, "mmd -i '%s' ::/Sub && mcopy -i '%s' '%s' '::/Sub/A Long Name.txt'",
                     img, img, src), 0);
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    struct vfs_node *sub;
    CHECK_EQ(vfs_lookup(v.root, "sub", 3, &sub), FS_OK);
    if (sub) {
        char *buf = malloc(100000);
        long n = get_file(sub, "a long name.TXT", buf, 100000);
        CHECK(n > 20000);
        CHECK(n > 0 && memcmp(buf, "line 0\nline 1\n", 14) == 0);
        CHECK(n > 0 && memcmp(buf + n - 10, "line 2999\n", 10) == 0);
        free(buf);
        vfs_node_release(sub);
    }
    CHECK_EQ(vol_close(&v), FS_OK);
}


static void test_dirs_rename_delete(void)
{
    const char *img = work_path("dirs.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    struct vfs_node *a, *b, *c;
    CHECK_EQ(vfs_mkdir(v.root, "alpha", 5, &a), FS_OK);
    CHECK_EQ(vfs_mkdir(v.root, "Beta Directory", 14, &b), FS_OK);
    CHECK_EQ(vfs_mkdir(a, "gamma", 5, &c), FS_OK);
    CHECK_EQ(put_file(c, "deep.txt", "deep\n", 5), FS_OK);
    CHECK_EQ(put_file(a, "one.txt", "one\n", 4), FS_OK);
    CHECK_EQ(put_file(a, "two.txt", "two\n", 4), FS_OK);
    CHECK_EQ(put_file(b, "gone.txt", "gone\n", 5), FS_OK);
    /* rename within a directory, across directories, over an existing file */
    CHECK_EQ(vfs_rename(a, "one.txt", 7, a, "uno.txt", 7), FS_OK);
    CHECK_EQ(vfs_rename(a, "two.txt", 7, b, "dos.txt", 7), FS_OK);
    CHECK_EQ(put_file(b, "target.txt", "old target\n", 11), FS_OK);
    CHECK_EQ(vfs_rename(a, "uno.txt", 7, b, "target.txt", 10), FS_OK);
    /* move a directory with contents, and refuse moving it under itself */
    CHECK_EQ(vfs_rename(a, "gamma", 5, b, "gamma moved", 11), FS_OK);
    struct vfs_node *moved = must_lookup(b, "gamma moved");
    CHECK_EQ(vfs_rename(b, "gamma moved", 11, moved, "x", 1), FS_EINVAL);
    CHECK_EQ(vfs_rename(v.root, "alpha", 5, a, "x", 1), FS_EINVAL);
    /* the open node of the moved directory still works */
    CHECK_EQ(put_file(c, "after.txt", "after\n", 6), FS_OK);
    vfs_node_release(moved);
    /* unlink and rmdir rules */
    CHECK_EQ(vfs_unlink(b, "gone.txt", 8), FS_OK);
    CHECK_EQ(vfs_unlink(b, "gone.txt", 8), FS_ENOENT);
    CHECK_EQ(vfs_rmdir(v.root, "Beta Directory", 14), FS_ENOTEMPTY);
    CHECK_EQ(vfs_unlink(v.root, "alpha", 5), FS_EISDIR);
    CHECK_EQ(vfs_rmdir(b, "dos.txt", 7), FS_ENOTDIR);
    CHECK_EQ(vfs_mkdir(a, "empty", 5, NULL), FS_OK);
    CHECK_EQ(vfs_rmdir(a, "empty", 5), FS_OK);
    CHECK_EQ(count_entries(a), 0);
    CHECK_EQ(count_entries(b), 3); /* dos.txt, target.txt, gamma moved */
    vfs_node_release(a);
    vfs_node_release(b);
    vfs_node_release(c);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    check_mtype(img, "Beta Directory/dos.txt", "two\n");
    check_mtype(img, "Beta Directory/target.txt", "one\n");
    check_mtype(img, "Beta Directory/gamma moved/deep.txt", "deep\n");
    check_mtype(img, "Beta Directory/gamma moved/after.txt", "after\n");
    char out[4096];
    CHECK(run_cmd(out, sizeof out, "mtype -i '%s' '::Beta Directory/gone.txt'", img) != 0);
    CHECK_EQ(run_cmd(out, sizeof out, "mdir -i '%s' -b ::/alpha", img), 0);
    CHECK(strstr(out, "one.txt") == NULL && strstr(out, "uno.txt") == NULL);
}

static void test_unicode_long_names(void)
{
    const char *img = work_path("unicode.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    static const char *names[] = {
        "Ünïcödé façade.txt",
        "файл с длинным именем.dat",
        "日本語のファイル名.md",
        "emoji \xF0\x9F\x98\x80 smile.txt",
        "a name that is quite a lot longer than eight dot three allows, really.text",
        "UPPER.TXT",
        "MiXeD.CaSe",
        "dots.in.the.name.tar.gz",
        "  leading spaces",
        "x",
        "check \xE2\x9C\x93 mark",
    };
    const int count = sizeof names / sizeof names[0];
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    for (int i = 0; i < count; i++)
        CHECK_EQ(put_file(v.root, names[i], names[i], strlen(names[i])), FS_OK);
    /* 255 UTF-16 units is the limit */
    char longest[300];
    memset(longest, 'L', 255);
    longest[255] = 0;
    CHECK_EQ(put_file(v.root, longest, "L", 1), FS_OK);
    longest[255] = 'L', longest[256] = 0;
    struct vfs_node *n;
    CHECK_EQ(vfs_create(v.root, longest, 256, &n), FS_ENAMETOOLONG);
    CHECK_EQ(vfs_create(v.root, "bad:name", 8, &n), FS_EINVAL);
    CHECK_EQ(vfs_create(v.root, "trailing.", 9, &n), FS_EINVAL);
    CHECK_EQ(vfs_create(v.root, "\xC3\x28", 2, &n), FS_EINVAL); /* invalid UTF-8 */
    CHECK_EQ(vfs_lookup(v.root, "ÜNÏCÖDÉ FAÇADE.TXT", strlen("ÜNÏCÖDÉ FAÇADE.TXT"), &n), FS_OK);
    if (n)
        vfs_node_release(n);
    /* readdir returns every name exactly */
    struct vfs_dirent *ent = malloc(sizeof *ent);
    int seen = 0;
    for (uint64_t cookie = 0; vfs_readdir(v.root, cookie, ent) == FS_OK; cookie = ent->next_cookie)
        for (int i = 0; i < count; i++)
            if (strcmp(ent->name, names[i]) == 0)
                seen++;
    free(ent);
    CHECK_EQ(seen, count);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    for (int i = 0; i < count; i++)
        if (!strstr(names[i], "\xF0")) /* mtools 4 mangles characters outside the BMP */
            check_mtype(img, names[i], names[i]);
    check_mtype(img, "日本語のファイル名.md", "日本語のファイル名.md");
    longest[255] = 0;
    check_mtype(img, longest, "L");
}


static void test_dir_1000_files(void)
{
    const char *img = work_path("many.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    struct vfs_node *d;
    CHECK_EQ(vfs_mkdir(v.root, "many", 4, &d), FS_OK);
    if (!d)
        return;
    char name[64], data[32];
    int errors = 0;
    double t0 = now_s();
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "file number %04d with a long name.txt", i);
        snprintf(data, sizeof data, "%d\n", i);
        errors += put_file(d, name, data, strlen(data)) != FS_OK;
    }
    printf("created 1000 files in one directory: %.0f files/s\n", 1000 / (now_s() - t0));
    CHECK_EQ(errors, 0);
    CHECK_EQ(count_entries(d), 1000);
    /* remove every third, then add new ones into the holes */
    for (int i = 0; i < 1000; i += 3) {
        snprintf(name, sizeof name, "file number %04d with a long name.txt", i);
        errors += vfs_unlink(d, name, strlen(name)) != FS_OK;
    }
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "new%03d.bin", i);
        errors += put_file(d, name, "n", 1) != FS_OK;
    }
    CHECK_EQ(errors, 0);
    CHECK_EQ(count_entries(d), 1000 - 334 + 100);
    char buf[32] = {0};
    CHECK_EQ(get_file(d, "FILE NUMBER 0998 WITH A LONG NAME.TXT", buf, sizeof buf), 4);
    CHECK(strcmp(buf, "998\n") == 0);
    vfs_node_release(d);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    static char out[1 << 17];
    CHECK_EQ(run_cmd(out, sizeof out, "mdir -i '%s' -b ::/many | wc -l", img), 0);
    CHECK_EQ(atoi(out), 1000 - 334 + 100);
    check_mtype(img, "many/file number 0997 with a long name.txt", "997\n");
    check_mtype(img, "many/new042.bin", "n");
}

/* Deterministic content of byte i of a test file. */
static uint8_t pattern(uint64_t i, uint32_t seed)
{
    uint64_t x = (i / 8 + seed) * 0x9E3779B97F4A7C15ull;
    return (uint8_t)(x >> (8 * (i % 8)));
}

static void test_file_over_100mb(void)
{
    const char *img = work_path("big.img");
    /* 2 KiB clusters keep the count above 65525, so mtools also sees FAT32 (it goes by the count) */
    CHECK(make_fat_image(img, 170, "-s 4"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    const size_t chunk = 1 << 20, total = 101 * chunk + 12345;
    uint8_t *buf = malloc(chunk), *back = malloc(chunk);
    struct vfs_node *n;
    CHECK_EQ(vfs_create(v.root, "big.bin", 7, &n), FS_OK);
    if (!n) {
        free(buf);
        free(back);
        return;
    }
    int errors = 0;
    double t0 = now_s();
    for (size_t off = 0; off < total; off += chunk) {
        size_t len = total - off < chunk ? total - off : chunk, done;
        for (size_t i = 0; i < len; i++)
            buf[i] = pattern(off + i, 7);
        errors += n->ops->write(n, off, buf, len, &done) != FS_OK || done != len;
    }
    CHECK_EQ(errors, 0);
    double write_s = now_s() - t0;
    struct vfs_stat st;
    CHECK_EQ(vfs_stat(n, &st), FS_OK);
    CHECK_EQ(st.size, total);
    vfs_node_release(n);
    struct bcache_stats bs = bcache_get_stats(fat32_cache(v.fs));
    printf("big file: wrote %.0f MB/s (host file device); %llu sectors written, %llu writebacks, "
           "%llu flushes\n", total / write_s / 1e6, (unsigned long long)bs.sectors_written,
           (unsigned long long)bs.writebacks, (unsigned long long)bs.flushes);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    /* mtools reads the same bytes */
    const char *copy = work_path("big.copy");
    char out[1024];
    if (run_cmd(out, sizeof out, "mcopy -n -i '%s' ::big.bin '%s'", img, copy) != 0) {
        printf("mcopy: %s\n", out);
        CHECK(0);
    }
    FILE *f = fopen(copy, "rb");
    size_t mismatches = 0, got = 0;
    if (f) {
        size_t r;
        while ((r = fread(back, 1, chunk, f)) > 0) {
            for (size_t i = 0; i < r; i++)
                mismatches += back[i] != pattern(got + i, 7);
            got += r;
        }
        fclose(f);
    }
    unlink(copy);
    CHECK_EQ(got, total);
    CHECK_EQ(mismatches, 0);
    /* and so do we, after a remount; then the space comes back */
    if (vol_open(&v, img)) {
        uint64_t free_before = fat32_free_bytes(v.fs);
        CHECK_EQ(vfs_lookup(v.root, "big.bin", 7, &n), FS_OK);
        mismatches = 0;
        size_t done;
        double read_s = 0;
        for (size_t off = 0; n && off < total; off += done) {
            double r0 = now_s();
            if (n->ops->read(n, off, back, chunk, &done) != FS_OK || done == 0)
                break;
            read_s += now_s() - r0;
            for (size_t i = 0; i < done; i++)
                mismatches += back[i] != pattern(off + i, 7);
        }
        printf("big file: read %.0f MB/s (host file device, page cache)\n", total / read_s / 1e6);
        CHECK_EQ(mismatches, 0);
        vfs_node_release(n);
        CHECK_EQ(vfs_unlink(v.root, "big.bin", 7), FS_OK);
        CHECK_EQ(fat32_sync(v.fs), FS_OK);
        CHECK(fat32_free_bytes(v.fs) >= free_before + total);
        CHECK_EQ(vol_close(&v), FS_OK);
        check_fsck(img);
    } else {
        CHECK(0);
    }
    free(buf);
    free(back);
}

static void test_full_disk(void)
{
    const char *img = work_path("full.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    CHECK_EQ(put_file(v.root, "keep.txt", "precious\n", 9), FS_OK);
    CHECK_EQ(fat32_sync(v.fs), FS_OK);
    struct vfs_node *n;
    CHECK_EQ(vfs_create(v.root, "fill.bin", 8, &n), FS_OK);
    if (!n)
        return;
    uint8_t *buf = malloc(65536 + 100);
    memset(buf, 0xAB, 65536 + 100);
    uint64_t off = 0;
    int err = FS_OK;
    size_t done;
    while (err == FS_OK) {
        err = n->ops->write(n, off, buf, 65536 + 100, &done);
        off += done;
    }
    CHECK_EQ(err, FS_ENOSPC);
    CHECK_EQ(fat32_free_bytes(v.fs), 0);
    struct vfs_stat st;
    CHECK_EQ(vfs_stat(n, &st), FS_OK);
    CHECK_EQ(st.size, off);
    CHECK(off > 38u * 1000 * 1000);
    vfs_node_release(n);
    /* more small files fail cleanly, the old one is intact */
    int nospc = 0;
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "small%02d.txt", i);
        int e = put_file(v.root, name, "s", 1);
        nospc += e == FS_ENOSPC;
        CHECK(e == FS_OK || e == FS_ENOSPC);
    }
    CHECK(nospc > 0);
    char back[16] = {0};
    CHECK_EQ(get_file(v.root, "keep.txt", back, sizeof back), 9);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    check_mtype(img, "keep.txt", "precious\n");
    /* delete and write again: the pending frees are committed when space runs out */
    if (vol_open(&v, img)) {
        CHECK_EQ(vfs_unlink(v.root, "fill.bin", 8), FS_OK);
        CHECK_EQ(put_file(v.root, "again.bin", buf, 65536), FS_OK);
        CHECK_EQ(vol_close(&v), FS_OK);
        check_fsck(img);
    }
    free(buf);
}

static void test_truncate_extend(void)
{
    const char *img = work_path("trunc.img");
    CHECK(make_fat_image(img, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    uint8_t *want = calloc(1, 60000), *got = calloc(1, 60000);
    memset(want, 'A', 10000);
    CHECK_EQ(put_file(v.root, "t.bin", want, 10000), FS_OK);
    struct vfs_node *n = must_lookup(v.root, "t.bin");
    if (!n)
        return;
    CHECK_EQ(vfs_truncate(n, 3000), FS_OK);
    memset(want + 3000, 0, 7000);
    CHECK_EQ(vfs_truncate(n, 20000), FS_OK);       /* the old 'A's must not come back */
    size_t done;
    CHECK_EQ(n->ops->write(n, 50000, "Z", 1, &done), FS_OK); /* a gap of zeros */
    want[50000] = 'Z';
    CHECK_EQ(n->ops->read(n, 0, got, 60000, &done), FS_OK);
    CHECK_EQ(done, 50001);
    CHECK(memcmp(got, want, 50001) == 0);
    CHECK_EQ(vfs_truncate(n, 0), FS_OK);
    CHECK_EQ(n->ops->read(n, 0, got, 100, &done), FS_OK);
    CHECK_EQ(done, 0);
    CHECK_EQ(n->ops->write(n, 0, want, 50001, &done), FS_OK);
    CHECK_EQ(vfs_truncate(n, 1234), FS_OK);
    /* grow again before the truncated tail is committed (rule W3 keep_last check) */
    CHECK_EQ(n->ops->write(n, 1234, want + 1234, 30000, &done), FS_OK);
    vfs_node_release(n);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    const char *copy = work_path("t.copy");
    char out[512];
    CHECK_EQ(run_cmd(out, sizeof out, "mcopy -n -i '%s' ::t.bin '%s'", img, copy), 0);
    FILE *f = fopen(copy, "rb");
    size_t r = f ? fread(got, 1, 60000, f) : 0;
    if (f)
        fclose(f);
    CHECK_EQ(r, 31234);
    CHECK(memcmp(got, want, 31234) == 0);
    free(want);
    free(got);
}

/* Finds a root directory entry by its 11-byte short name in an image; returns the image offset of
 * the entry or -1. Also fills geometry. */
struct geo {
    uint32_t bps, spc, reserved, nfats, fat_sectors, root;
};

static long find_root_entry(FILE *f, const char *name11, struct geo *g)
{
    uint8_t bs[512];
    fseek(f, 0, SEEK_SET);
    if (fread(bs, 1, 512, f) != 512)
        return -1;
    g->bps = bs[11] | bs[12] << 8;
    g->spc = bs[13];
    g->reserved = bs[14] | bs[15] << 8;
    g->nfats = bs[16];
    g->fat_sectors = bs[36] | bs[37] << 8 | bs[38] << 16 | (uint32_t)bs[39] << 24;
    g->root = bs[44] | bs[45] << 8 | bs[46] << 16 | (uint32_t)bs[47] << 24;
    long data = (long)(g->reserved + g->nfats * g->fat_sectors) * g->bps;
    long root = data + (long)(g->root - 2) * g->spc * g->bps;
    uint8_t e[32];
    for (int i = 0; i < (int)(g->spc * g->bps / 32); i++) {
        fseek(f, root + i * 32, SEEK_SET);
        if (fread(e, 1, 32, f) != 32)
            return -1;
        if (memcmp(e, name11, 11) == 0)
            return root + i * 32;
    }
    return -1;
}

static void set_fat(FILE *f, const struct geo *g, uint32_t cluster, uint32_t value)
{
    for (uint32_t k = 0; k < g->nfats; k++) {
        fseek(f, (long)(g->reserved + k * g->fat_sectors) * g->bps + cluster * 4, SEEK_SET);
        uint8_t v[4] = {(uint8_t)value, (uint8_t)(value >> 8), (uint8_t)(value >> 16), (uint8_t)(value >> 24)};
        fwrite(v, 1, 4, f);
    }
}

static uint32_t get_fat(FILE *f, const struct geo *g, uint32_t cluster)
{
    uint8_t v[4] = {0};
    fseek(f, (long)g->reserved * g->bps + cluster * 4, SEEK_SET);
    if (fread(v, 1, 4, f) != 4)
        return 0;
    return (uint32_t)(v[0] | v[1] << 8 | v[2] << 16 | v[3] << 24) & 0x0FFFFFFF;
}

static void patch_bytes(const char *img, long off, const void *bytes, size_t n)
{
    FILE *f = fopen(img, "r+b");
    fseek(f, off, SEEK_SET);
    fwrite(bytes, 1, n, f);
    fclose(f);
}

static const char *log_seen;
static void test_log(void *ctx, const char *msg)
{
    (void)ctx;
    log_seen = msg;
}

static void test_hostile_bpb(void)
{
    const char *img = work_path("hostile-bpb.img");
    static const struct {
        long off;
        uint8_t bytes[4];
        size_t n;
        const char *why;
    } cases[] = {
        {11, {0x00, 0x03}, 2, "bytes-per-sector"},
        {13, {3}, 1, "sectors-per-cluster"},
        {16, {0}, 1, "number of FATs"},
        {32, {0xFF, 0xFF, 0xFF, 0x7F}, 4, "larger than its device"},
        {44, {0xFF, 0xFF, 0xFF, 0x0F}, 4, "root directory cluster"},
        {510, {0, 0}, 2, "signature"},
        {36, {1, 0, 0, 0}, 4, "FAT too small"},
        {22, {1, 0}, 2, "FAT12/16"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(make_fat_image(img, 40, "-s 1"));
        patch_bytes(img, cases[i].off, cases[i].bytes, cases[i].n);
        struct file_dev fd;
        CHECK(file_dev_open(&fd, img, false));
        struct fat32 *fs = NULL;
        const char *why = NULL;
        CHECK_EQ(fat32_mount(&fd.dev, NULL, &fs, &why), FS_EINVAL);
        CHECK(why && strstr(why, cases[i].why));
        if (!why || !strstr(why, cases[i].why))
            printf("case %zu: why = %s\n", i, why ? why : "(null)");
        file_dev_close(&fd);
    }
}

static void test_hostile_fat(void)
{
    const char *img = work_path("hostile-fat.img");
    for (int variant = 0; variant < 3; variant++) {
        CHECK(make_fat_image(img, 40, "-s 1"));
        struct vol v;
        if (!vol_open(&v, img)) {
            CHECK(0);
            return;
        }
        uint8_t data[4096];
        memset(data, 'c', sizeof data);
        CHECK_EQ(put_file(v.root, "CYCLE.BIN", data, sizeof data), FS_OK); /* 8 clusters */
        struct vfs_node *ld;
        CHECK_EQ(vfs_mkdir(v.root, "LOOP", 4, &ld), FS_OK);
        char name[16];
        for (int i = 0; ld && i < 40; i++) { /* 80 slots: 5 clusters of 16 */
            snprintf(name, sizeof name, "f%d", i);
            CHECK_EQ(put_file(ld, name, "", 0), FS_OK);
        }
        vfs_node_release(ld);
        CHECK_EQ(vol_close(&v), FS_OK);
        FILE *f = fopen(img, "r+b");
        struct geo g;
        long e = find_root_entry(f, "CYCLE   BIN", &g), d = find_root_entry(f, "LOOP       ", &g);
        CHECK(e > 0 && d > 0);
        uint8_t raw[32];
        fseek(f, e, SEEK_SET);
        CHECK_EQ(fread(raw, 1, 32, f), 32);
        uint32_t c = (uint32_t)(raw[26] | raw[27] << 8 | raw[20] << 16 | raw[21] << 24);
        fseek(f, d, SEEK_SET);
        CHECK_EQ(fread(raw, 1, 32, f), 32);
        uint32_t dc = (uint32_t)(raw[26] | raw[27] << 8 | raw[20] << 16 | raw[21] << 24);
        if (variant == 0)
            set_fat(f, &g, c + 3, c + 1);      /* cycle inside the file: c+1 has two predecessors */
        else if (variant == 1)
            set_fat(f, &g, c + 2, 0x0ABCDEF0); /* link out of the volume */
        else
            set_fat(f, &g, get_fat(f, &g, dc), dc); /* the directory's 2nd cluster leads back */
        fclose(f);
        log_seen = NULL;
        struct fat32_options o = {.clock = test_clock, .log = test_log};
        if (!vol_open_opts(&v, img, &o)) {
            CHECK(0);
            continue;
        }
        static char back[8192];
        long r = get_file(v.root, "CYCLE.BIN", back, sizeof back);
        struct vfs_node *loop = must_lookup(v.root, "LOOP");
        int n = loop ? count_entries(loop) : 0;
        (void)n;
        vfs_node_release(loop);
        if (variant < 2) {
            CHECK(fat32_is_read_only(v.fs));
            CHECK(log_seen != NULL && fat32_error(v.fs) == log_seen);
        }
        if (variant == 1)
            CHECK_EQ(r, -FS_EIO);
        if (variant == 2) {
            CHECK(fat32_is_read_only(v.fs)); /* found while listing, not at mount */
            CHECK(fat32_error(v.fs) && strstr(fat32_error(v.fs), "loop"));
        }
        printf("variant %d: %s (read %ld)\n", variant, fat32_error(v.fs) ? fat32_error(v.fs) : "-", r);
        CHECK_EQ(put_file(v.root, "new.txt", "x", 1), FS_EROFS);
        vol_close(&v);
    }
}


static void test_4k_sectors(void)
{
    /* 4096-byte sectors and clusters: 70000 clusters, so every tool sees FAT32 */
    const char *img = work_path("4k.img");
    CHECK(make_fat_image(img, 280, "-S 4096 -s 1"));
    struct vol v;
    memset(&v, 0, sizeof v);
    CHECK(file_dev_open_sectors(&v.fd, img, false, 4096));
    const char *why = NULL;
    struct fat32_options o = {.clock = test_clock};
    CHECK_EQ(fat32_mount(&v.fd.dev, &o, &v.fs, &why), FS_OK);
    if (!v.fs) {
        printf("mount: %s\n", why ? why : "-");
        return;
    }
    v.root = fat32_root(v.fs);
    uint8_t *buf = malloc(300000);
    for (int i = 0; i < 300000; i++)
        buf[i] = (uint8_t)(i * 7);
    struct vfs_node *d;
    CHECK_EQ(vfs_mkdir(v.root, "four k", 6, &d), FS_OK);
    char name[32];
    for (int i = 0; d && i < 200; i++) { /* 200 long names: the directory spans clusters */
        snprintf(name, sizeof name, "a longer name %03d.bin", i);
        CHECK_EQ(put_file(d, name, buf + i, (size_t)(i * 1000 + 1)), FS_OK);
    }
    CHECK_EQ(put_file(v.root, "big.bin", buf, 300000), FS_OK);
    vfs_node_release(d);
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    char out[512];
    CHECK_EQ(run_cmd(out, sizeof out, "mdir -i '%s' -b '::/four k' | wc -l", img), 0);
    CHECK_EQ(atoi(out), 200);
    const char *copy = work_path("4k.copy");
    CHECK_EQ(run_cmd(out, sizeof out, "mcopy -n -i '%s' ::big.bin '%s'", img, copy), 0);
    FILE *f = fopen(copy, "rb");
    uint8_t *back = malloc(300001);
    size_t r = f ? fread(back, 1, 300001, f) : 0;
    if (f)
        fclose(f);
    CHECK_EQ(r, 300000);
    CHECK(memcmp(back, buf, 300000) == 0);
    unlink(copy);
    free(back);
    free(buf);
}

static const struct fs_test tests[] = {
    {"mount_empty", test_mount_empty},
    {"create_write_read", test_create_write_read},
    {"mtools_files_readable", test_mtools_files_readable},
    {"dirs_rename_delete", test_dirs_rename_delete},
    {"unicode_long_names", test_unicode_long_names},
    {"dir_1000_files", test_dir_1000_files},
    {"file_over_100mb", test_file_over_100mb},
    {"full_disk", test_full_disk},
    {"truncate_extend", test_truncate_extend},
    {"4k_sectors", test_4k_sectors},
    {"hostile_bpb", test_hostile_bpb},
    {"hostile_fat", test_hostile_fat},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
