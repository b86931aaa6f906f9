/* tests/unit/fs/test_fat32_ops.c — randomized operations against a host directory as oracle, and a
 * host-side crash sweep: the same workload cut off after N block writes, for many N, each image then
 * checked by fsck.fat -n against what fat32.h says a crash may leave (issue 5). */
#include "kernel/fs/fat32.h"
#include "kernel/fs/bcache.h"
#include "tests/unit/fs/fs_host.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- randomized operations with an oracle ---------------------------------------------------- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return n ? (uint32_t)((rng_state >> 33) % n) : 0;
}

#define MAX_DIRS 24
static char dirs[MAX_DIRS][512];  /* relative paths; "" is the root */
static int ndirs;
static const char *pool[] = {
    "a.txt", "B file.dat", "c", "Ünï façade.txt", "длинное имя файла.bin", "日本.md",
    "Long Name Number Seven.text", "x8", "dir one", "DIR2", "d3", "Zeta.Long.Ext.Here",
};
#define POOL_SIZE (int)(sizeof pool / sizeof pool[0])

static char oracle_root[512];

static void join(char *out, size_t size, const char *dir, const char *name)
{
    if (dir[0])
        snprintf(out, size, "%s/%s", dir, name);
    else
        snprintf(out, size, "%s", name);
}

static void host_path(char *out, size_t size, const char *rel)
{
    snprintf(out, size, "%s/%s", oracle_root, rel);
}

static struct vfs_node *our_dir(struct vol *v, const char *rel)
{
    struct vfs_node *n = NULL;
    if (vfs_resolve(v->root, rel, &n) != FS_OK)
        return NULL;
    return n;
}

static uint8_t *scratch_a, *scratch_b;
#define SCRATCH (256 * 1024)

static int mismatches;

static void compare_file(struct vol *v, const char *rel)
{
    char hp[1024];
    host_path(hp, sizeof hp, rel);
    int fd = open(hp, O_RDONLY);
    ssize_t hn = fd >= 0 ? read(fd, scratch_a, SCRATCH) : -1;
    if (fd >= 0)
        close(fd);
    struct vfs_node *n = our_dir(v, rel);
    size_t done = 0;
    int err = n ? n->ops->read(n, 0, scratch_b, SCRATCH, &done) : FS_ENOENT;
    vfs_node_release(n);
    if (hn < 0 || err || (size_t)hn != done || memcmp(scratch_a, scratch_b, done) != 0) {
        printf("content differs: %s (host %zd bytes, ours %zu, err %d)\n", rel, hn, done, err);
        mismatches++;
    }
}

/* Walks the oracle tree and checks every name, type and content, and the entry counts. */
static void compare_tree(struct vol *v, const char *rel)
{
    char hp[1024];
    host_path(hp, sizeof hp, rel);
    DIR *d = opendir(hp);
    if (!d) {
        mismatches++;
        return;
    }
    int host_count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        host_count++;
        char child[1024];
        join(child, sizeof child, rel, e->d_name);
        char chp[1200];
        host_path(chp, sizeof chp, child);
        struct stat st;
        stat(chp, &st);
        struct vfs_node *n = our_dir(v, child);
        if (!n) {
            printf("missing in ours: %s\n", child);
            mismatches++;
            continue;
        }
        bool is_dir = S_ISDIR(st.st_mode);
        if ((n->type == VFS_DIR) != is_dir) {
            printf("type differs: %s\n", child);
            mismatches++;
        }
        vfs_node_release(n);
        if (is_dir)
            compare_tree(v, child);
        else
            compare_file(v, child);
    }
    closedir(d);
    struct vfs_node *ours = our_dir(v, rel);
    int our_count = ours ? count_entries(ours) : -1;
    vfs_node_release(ours);
    if (our_count != host_count) {
        printf("entry count differs in '%s': host %d, ours %d\n", rel, host_count, our_count);
        mismatches++;
    }
}

static void fill_random(uint8_t *p, size_t n)
{
    uint32_t seed = rnd(1u << 30);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)((i * 131 + seed) >> 3);
}

static int outcome_differs;
static bool quiet_outcomes; /* after a simulated power cut our view is stale: do not compare */

static void note_outcome(const char *what, const char *a, const char *b, bool host_ok, int ours)
{
    if (!quiet_outcomes && host_ok != (ours == FS_OK)) {
        printf("%s '%s' -> '%s': host %s (errno %d), ours %d\n", what, a, b ? b : "",
               host_ok ? "ok" : "failed", host_ok ? 0 : errno, ours);
        outcome_differs++;
    }
}

static void op_write(struct vol *v)
{
    const char *dir = dirs[rnd(ndirs)], *name = pool[rnd(POOL_SIZE)];
    char rel[1024], hp[1200];
    join(rel, sizeof rel, dir, name);
    host_path(hp, sizeof hp, rel);
    struct stat st;
    if (stat(hp, &st) == 0 && S_ISDIR(st.st_mode))
        return;
    bool fresh = rnd(2) == 0 || stat(hp, &st) != 0;
    size_t len = rnd(10) == 0 ? rnd(200000) : rnd(8000);
    uint64_t off = fresh ? 0 : rnd((uint32_t)st.st_size + 3000);
    if (off + len > SCRATCH)
        len = SCRATCH - off;
    fill_random(scratch_a, len);
    int fd = open(hp, O_CREAT | O_RDWR | (fresh ? O_TRUNC : 0), 0644);
    bool host_ok = fd >= 0 && pwrite(fd, scratch_a, len, (off_t)off) == (ssize_t)len;
    if (fd >= 0)
        close(fd);
    struct vfs_node *d = our_dir(v, dir), *n = NULL;
    int err = d ? vfs_lookup(d, name, strlen(name), &n) : FS_ENOENT;
    if (err == FS_ENOENT && d)
        err = vfs_create(d, name, strlen(name), &n);
    if (!err && fresh)
        err = vfs_truncate(n, 0);
    size_t done;
    if (!err)
        err = n->ops->write(n, off, scratch_a, len, &done);
    vfs_node_release(n);
    vfs_node_release(d);
    note_outcome("write", rel, NULL, host_ok, err);
}

static void op_truncate(struct vol *v)
{
    const char *dir = dirs[rnd(ndirs)], *name = pool[rnd(POOL_SIZE)];
    char rel[1024], hp[1200];
    join(rel, sizeof rel, dir, name);
    host_path(hp, sizeof hp, rel);
    struct stat st;
    if (stat(hp, &st) != 0 || S_ISDIR(st.st_mode))
        return;
    uint64_t size = rnd((uint32_t)st.st_size * 2 + 100);
    if (size > SCRATCH)
        size = SCRATCH;
    bool host_ok = truncate(hp, (off_t)size) == 0;
    struct vfs_node *n = our_dir(v, rel);
    int err = n ? vfs_truncate(n, size) : FS_ENOENT;
    vfs_node_release(n);
    note_outcome("truncate", rel, NULL, host_ok, err);
}

static void op_unlink(struct vol *v)
{
    const char *dir = dirs[rnd(ndirs)], *name = pool[rnd(POOL_SIZE)];
    char rel[1024], hp[1200];
    join(rel, sizeof rel, dir, name);
    host_path(hp, sizeof hp, rel);
    bool host_ok = unlink(hp) == 0;
    struct vfs_node *d = our_dir(v, dir);
    int err = d ? vfs_unlink(d, name, strlen(name)) : FS_ENOENT;
    vfs_node_release(d);
    note_outcome("unlink", rel, NULL, host_ok, err);
}

static void op_mkdir(struct vol *v)
{
    if (ndirs >= MAX_DIRS)
        return;
    const char *dir = dirs[rnd(ndirs)], *name = pool[rnd(POOL_SIZE)];
    char rel[1024], hp[1200];
    join(rel, sizeof rel, dir, name);
    if (strlen(rel) >= sizeof dirs[0])
        return;
    host_path(hp, sizeof hp, rel);
    bool host_ok = mkdir(hp, 0755) == 0;
    struct vfs_node *d = our_dir(v, dir);
    int err = d ? vfs_mkdir(d, name, strlen(name), NULL) : FS_ENOENT;
    vfs_node_release(d);
    note_outcome("mkdir", rel, NULL, host_ok, err);
    if (host_ok)
        snprintf(dirs[ndirs++], sizeof dirs[0], "%s", rel);
}

static void forget_dir_tree(const char *rel)
{
    size_t len = strlen(rel);
    for (int i = 0; i < ndirs;) {
        if (!strncmp(dirs[i], rel, len) && (dirs[i][len] == 0 || dirs[i][len] == '/'))
            memcpy(dirs[i], dirs[--ndirs], sizeof dirs[0]);
        else
            i++;
    }
}

static void op_rmdir(struct vol *v)
{
    if (ndirs < 2)
        return;
    int i = 1 + rnd(ndirs - 1);
    char rel[512], parent[512];
    snprintf(rel, sizeof rel, "%s", dirs[i]);
    snprintf(parent, sizeof parent, "%s", rel);
    char *slash = strrchr(parent, '/');
    const char *name = slash ? slash + 1 : rel;
    if (slash)
        *slash = 0;
    else
        parent[0] = 0;
    char hp[1200];
    host_path(hp, sizeof hp, rel);
    bool host_ok = rmdir(hp) == 0;
    struct vfs_node *d = our_dir(v, parent);
    int err = d ? vfs_rmdir(d, name, strlen(name)) : FS_ENOENT;
    vfs_node_release(d);
    note_outcome("rmdir", rel, NULL, host_ok, err);
    if (host_ok)
        forget_dir_tree(rel);
}

static void op_rename(struct vol *v)
{
    const char *sdir = dirs[rnd(ndirs)], *sname = pool[rnd(POOL_SIZE)];
    const char *ddir = dirs[rnd(ndirs)], *dname = pool[rnd(POOL_SIZE)];
    char srel[1024], drel[1024], shp[1200], dhp[1200];
    join(srel, sizeof srel, sdir, sname);
    join(drel, sizeof drel, ddir, dname);
    if (strlen(drel) >= sizeof dirs[0] - 40)
        return;
    host_path(shp, sizeof shp, srel);
    host_path(dhp, sizeof dhp, drel);
    struct stat st;
    bool src_dir = stat(shp, &st) == 0 && S_ISDIR(st.st_mode);
    bool host_ok = rename(shp, dhp) == 0;
    struct vfs_node *sd = our_dir(v, sdir), *dd = our_dir(v, ddir);
    int err = sd && dd ? vfs_rename(sd, sname, strlen(sname), dd, dname, strlen(dname)) : FS_ENOENT;
    vfs_node_release(sd);
    vfs_node_release(dd);
    note_outcome("rename", srel, drel, host_ok, err);
    if (host_ok && src_dir && strcmp(srel, drel) != 0) {
        size_t len = strlen(srel);
        for (int i = 0; i < ndirs; i++) {
            if (!strncmp(dirs[i], srel, len) && (dirs[i][len] == 0 || dirs[i][len] == '/')) {
                char tmp[1200];
                snprintf(tmp, sizeof tmp, "%s%s", drel, dirs[i] + len);
                snprintf(dirs[i], sizeof dirs[0], "%s", tmp);
            }
        }
    }
}

static void test_random_vs_oracle(void)
{
    const char *img = work_path("random.img");
    CHECK(make_fat_image(img, 48, "-s 1"));
    snprintf(oracle_root, sizeof oracle_root, "%s", work_path("oracle"));
    char out[256];
    run_cmd(out, sizeof out, "rm -rf '%s' && mkdir -p '%s'", oracle_root, oracle_root);
    const char *seed = getenv("FS_SEED");
    rng_state = seed ? strtoull(seed, NULL, 0) : 20261126;
    int ops = getenv("FS_OPS") ? atoi(getenv("FS_OPS")) : 2000;
    printf("random ops: seed %llu, %d operations\n", (unsigned long long)rng_state, ops);
    scratch_a = malloc(SCRATCH);
    scratch_b = malloc(SCRATCH);
    ndirs = 1;
    dirs[0][0] = 0;
    mismatches = outcome_differs = 0;
    struct vol v;
    if (!vol_open(&v, img)) {
        CHECK(0);
        return;
    }
    for (int i = 0; i < ops; i++) {
        uint32_t r = rnd(100);
        if (r < 35)
            op_write(&v);
        else if (r < 45)
            op_truncate(&v);
        else if (r < 57)
            op_unlink(&v);
        else if (r < 67)
            op_mkdir(&v);
        else if (r < 75)
            op_rmdir(&v);
        else if (r < 93)
            op_rename(&v);
        else if (r < 98) {
            /* compare one random file now */
            char rel[1024], hp[1200];
            join(rel, sizeof rel, dirs[rnd(ndirs)], pool[rnd(POOL_SIZE)]);
            host_path(hp, sizeof hp, rel);
            struct stat st;
            if (stat(hp, &st) == 0 && !S_ISDIR(st.st_mode))
                compare_file(&v, rel);
        } else {
            CHECK_EQ(vol_close(&v), FS_OK);
            if (!vol_open(&v, img)) {
                CHECK(0);
                return;
            }
        }
    }
    compare_tree(&v, "");
    CHECK_EQ(vol_close(&v), FS_OK);
    check_fsck(img);
    /* and once more after a remount */
    if (vol_open(&v, img)) {
        compare_tree(&v, "");
        CHECK_EQ(vol_close(&v), FS_OK);
    }
    CHECK_EQ(outcome_differs, 0);
    CHECK_EQ(mismatches, 0);
    free(scratch_a);
    free(scratch_b);
}

/* ---- crash sweep ------------------------------------------------------------------------------- */

static uint32_t crash_cache_sectors; /* 0: the default */
static int crash_points = 45;        /* cut points (FS_CRASH_POINTS=1000 cuts after every write) */

static bool crash_open(struct vol *v, const char *img)
{
    struct fat32_options o = {.clock = test_clock, .cache_sectors = crash_cache_sectors};
    return vol_open_opts(v, img, &o);
}

static const char synced_text[] = "this file was synced before the crash\n";

/* The workload. Returns after the last sync; phase_a_writes_out = device writes when the first sync
 * (after which the s* files are durable) had completed. */
static void crash_workload(struct vol *v, uint64_t *phase_a_writes_out)
{
    char name[32];
    struct vfs_node *sd = NULL;
    vfs_mkdir(v->root, "synced", 6, &sd);
    for (int i = 0; i < 10 && sd; i++) {
        snprintf(name, sizeof name, "s%d.txt", i);
        put_file(sd, name, synced_text, sizeof synced_text - 1);
    }
    uint8_t *big = malloc(300000);
    memset(big, 'b', 300000);
    put_file(v->root, "base.bin", big, 100000);
    fat32_sync(v->fs);
    *phase_a_writes_out = v->fd.writes;
    /* phase B: everything a program does, unsynced until the end */
    struct vfs_node *nd = NULL;
    vfs_mkdir(v->root, "new dir", 7, &nd);
    for (int i = 0; i < 12 && nd; i++) {
        snprintf(name, sizeof name, "new file %d.txt", i);
        put_file(nd, name, big, 3000 + 700 * i);
    }
    struct vfs_node *n = NULL;
    if (sd && vfs_lookup(sd, "s0.txt", 6, &n) == FS_OK) { /* append */
        size_t done;
        n->ops->write(n, sizeof synced_text - 1, big, 5000, &done);
        vfs_node_release(n);
    }
    if (sd && nd) {
        vfs_rename(sd, "s5.txt", 6, nd, "moved five.txt", 14);
        vfs_rename(sd, "s6.txt", 6, sd, "renamed six.txt", 15);
        vfs_unlink(sd, "s7.txt", 6);
    }
    if (vfs_lookup(v->root, "base.bin", 8, &n) == FS_OK) {
        vfs_truncate(n, 5000);
        size_t done;
        n->ops->write(n, 5000, big, 250000, &done);
        vfs_node_release(n);
    }
    fat32_sync(v->fs);
    for (int i = 0; i < 6 && nd; i++) {
        snprintf(name, sizeof name, "new file %d.txt", i);
        vfs_unlink(nd, name, strlen(name));
    }
    if (nd)
        vfs_rename(v->root, "new dir", 7, sd, "nested", 6);
    fat32_sync(v->fs);
    vfs_node_release(nd);
    vfs_node_release(sd);
    free(big);
}

/* fsck.fat -n output lines a crash may produce per fat32.h: lost clusters, a wrong free count, FAT
 * copies that differ in the sectors being written, and a file appended to (or regrown) since its
 * last sync whose chain is longer than its recorded size. Path lines ("/dir/file") only introduce a
 * finding, which must itself be allowed. Anything else (cross-links, chains shorter than the size,
 * entries pointing to free clusters, bad directories) is a failure. */
static bool fsck_line_allowed(const char *line, size_t len)
{
    static const char *prefixes[] = {
        "fsck.fat ", "Reclaimed ", "Leaving filesystem unchanged", "Free cluster summary wrong",
        "  Auto-correcting", "FATs differ but appear to be intact", "  Using first FAT",
        "  File size is ", "  Truncating file to ", "/",
    };
    if (len == 0)
        return true;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t pl = strlen(prefixes[i]);
        if (len >= pl && memcmp(line, prefixes[i], pl) == 0) {
            if (i == 7) /* only "chain longer than the size" */
                return memmem(line, len, "cluster chain length is >", 25) != NULL;
            return true;
        }
    }
    /* the summary: "<image>: N files, A/B clusters" */
    return memmem(line, len, " files, ", 8) != NULL && memmem(line, len, " clusters", 9) != NULL;
}

static bool fsck_output_allowed(const char *out)
{
    const char *p = out;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!fsck_line_allowed(p, len))
            return false;
        p += len + (e ? 1 : 0);
    }
    return true;
}

static void test_crash_sweep(void)
{
    const char *base = work_path("crash-base.img"), *img = work_path("crash.img");
    CHECK(make_fat_image(base, 40, "-s 1"));
    char out[8192];
    /* a dry run counts the writes */
    run_cmd(out, sizeof out, "cp --sparse=always '%s' '%s'", base, img);
    struct vol v;
    if (!crash_open(&v, img)) {
        CHECK(0);
        return;
    }
    uint64_t phase_a;
    crash_workload(&v, &phase_a);
    uint64_t dry_writebacks = bcache_get_stats(fat32_cache(v.fs)).writebacks;
    CHECK_EQ(vol_close(&v), FS_OK);
    uint64_t total = v.fd.writes;
    check_fsck(img);
    int points = getenv("FS_CRASH_POINTS") ? atoi(getenv("FS_CRASH_POINTS")) : crash_points;
    uint64_t step = total / (uint64_t)points + 1;
    int bad = 0, runs = 0, lost_synced = 0;
    printf("crash sweep: %llu writes in the workload (%llu before the first sync), cut every %llu\n",
           (unsigned long long)total, (unsigned long long)phase_a, (unsigned long long)step);
    for (uint64_t cut = 0; cut <= total; cut += step) {
        run_cmd(out, sizeof out, "cp --sparse=always '%s' '%s'", base, img);
        if (!crash_open(&v, img)) {
            CHECK(0);
            return;
        }
        v.fd.cut_after = (int64_t)cut;
        uint64_t pa;
        crash_workload(&v, &pa);
        vfs_node_release(v.root);
        fat32_unmount(v.fs); /* its writes after the cut are lost too */
        file_dev_close(&v.fd);
        runs++;
        fsck_clean(img, out, sizeof out);
        if (!fsck_output_allowed(out)) {
            printf("cut after %llu writes: fsck.fat -n reports:\n%s\n", (unsigned long long)cut, out);
            bad++;
        }
        if (cut >= phase_a) {
            /* the synced files that phase B leaves alone must be intact */
            struct fat32_options o = {.read_only = true};
            if (vol_open_opts(&v, img, &o)) {
                char buf[128];
                struct vfs_node *sd = must_lookup(v.root, "synced");
                for (int i = 0; sd && i < 10; i++) {
                    if (i >= 5 && i <= 7)
                        continue; /* renamed or unlinked in phase B */
                    char name[16];
                    snprintf(name, sizeof name, "s%d.txt", i);
                    long r = get_file(sd, name, buf, sizeof buf);
                    if (r < (long)sizeof synced_text - 1 || memcmp(buf, synced_text, sizeof synced_text - 1)) {
                        printf("cut after %llu: synced %s lost (%ld)\n", (unsigned long long)cut, name, r);
                        lost_synced++;
                    }
                }
                vfs_node_release(sd);
                vol_close(&v);
            }
        }
    }
    printf("crash sweep: %d cut points, %d with disallowed fsck findings, %d synced files lost "
           "(cache of %u sectors: %llu writebacks in the dry run)\n", runs, bad, lost_synced,
           crash_cache_sectors, (unsigned long long)dry_writebacks);
    CHECK_EQ(bad, 0);
    CHECK_EQ(lost_synced, 0);
}


/* ---- corrupted images: never a crash or a hang ------------------------------------------------- */

static int fuzz_files, fuzz_dirs;

/* Reads everything reachable (bounded depth and count), ignoring errors. */
static void fuzz_walk(struct vfs_node *dir, int depth)
{
    if (depth > 6)
        return;
    struct vfs_dirent *ent = malloc(sizeof *ent);
    uint64_t cookie = 2; /* skip the synthesized "." and ".." */
    for (int k = 0; k < 300 && vfs_readdir(dir, cookie, ent) == FS_OK; k++) {
        cookie = ent->next_cookie;
        struct vfs_node *n;
        if (vfs_lookup(dir, ent->name, ent->name_len, &n) != FS_OK)
            continue;
        if (n->type == VFS_DIR) {
            fuzz_dirs++;
            fuzz_walk(n, depth + 1);
        } else {
            size_t done;
            for (uint64_t off = 0; off < 1 << 20; off += done)
                if (n->ops->read(n, off, scratch_a, 65536, &done) != FS_OK || done == 0)
                    break;
            fuzz_files++;
        }
        vfs_node_release(n);
    }
    free(ent);
}

static void test_corrupted_images(void)
{
    const char *base = work_path("fuzz-base.img"), *img = work_path("fuzz.img");
    CHECK(make_fat_image(base, 40, "-s 1"));
    struct vol v;
    if (!vol_open(&v, base)) {
        CHECK(0);
        return;
    }
    scratch_a = malloc(SCRATCH);
    memset(scratch_a, 'f', SCRATCH);
    struct vfs_node *d = NULL, *e = NULL;
    vfs_mkdir(v.root, "Some Directory", 14, &d);
    if (d)
        vfs_mkdir(d, "nested dir", 10, &e);
    char name[48];
    for (int i = 0; i < 30; i++) {
        snprintf(name, sizeof name, "file with long name %d.txt", i);
        put_file(i % 3 == 0 ? v.root : i % 3 == 1 ? d : e, name, scratch_a, (size_t)(i * 1500));
    }
    vfs_node_release(d);
    vfs_node_release(e);
    CHECK_EQ(vol_close(&v), FS_OK);
    FILE *f = fopen(base, "rb");
    uint8_t bs[512];
    CHECK_EQ(fread(bs, 1, 512, f), 512);
    fclose(f);
    uint32_t reserved = bs[14] | bs[15] << 8, fat = bs[36] | bs[37] << 8 | bs[38] << 16;
    long fat_start = (long)reserved * 512, data_start = (long)(reserved + 2 * fat) * 512;
    const char *seed = getenv("FS_SEED");
    rng_state = seed ? strtoull(seed, NULL, 0) : 77;
    int iterations = getenv("FS_FUZZ") ? atoi(getenv("FS_FUZZ")) : 80;
    int refused = 0, damaged = 0, clean = 0;
    char out[256];
    for (int it = 0; it < iterations; it++) {
        run_cmd(out, sizeof out, "cp --sparse=always '%s' '%s'", base, img);
        f = fopen(img, "r+b");
        int flips = 1 + (int)rnd(12);
        for (int k = 0; k < flips; k++) {
            uint32_t where = rnd(10);
            long off = where == 0 ? (long)rnd(96)                        /* the BPB */
                     : where < 5 ? fat_start + (long)rnd(4 * 512)       /* the first FAT sectors */
                                 : data_start + (long)rnd(80 * 512);    /* directories, early data */
            fseek(f, off, SEEK_SET);
            uint8_t b = (uint8_t)rnd(256);
            fwrite(&b, 1, 1, f);
        }
        fclose(f);
        struct file_dev fd;
        if (!file_dev_open(&fd, img, false)) {
            CHECK(0);
            continue;
        }
        struct fat32 *fs = NULL;
        const char *why = NULL;
        if (fat32_mount(&fd.dev, NULL, &fs, &why) != FS_OK) {
            CHECK(why != NULL);
            refused++;
            file_dev_close(&fd);
            continue;
        }
        struct vfs_node *root = fat32_root(fs);
        fuzz_walk(root, 0);
        /* writes must fail cleanly or work */
        struct vfs_node *n = NULL;
        if (vfs_create(root, "fuzz new file.txt", 17, &n) == FS_OK) {
            size_t done;
            n->ops->write(n, 0, scratch_a, 20000, &done);
            vfs_node_release(n);
        }
        vfs_rename(root, "fuzz new file.txt", 17, root, "renamed.txt", 11);
        vfs_unlink(root, "file with long name 0.txt", 25);
        vfs_mkdir(root, "fuzz dir", 8, NULL);
        vfs_rmdir(root, "Some Directory", 14);
        if (fat32_is_read_only(fs))
            damaged++;
        else
            clean++;
        vfs_node_release(root);
        CHECK(fat32_unmount(fs) != FS_EBUSY); /* no reference leaked on any path */
        file_dev_close(&fd);
    }
    printf("corrupted images: %d iterations: %d refused at mount, %d found damaged (read-only), %d "
           "mounted clean; %d files and %d directories read\n",
           iterations, refused, damaged, clean, fuzz_files, fuzz_dirs);
    free(scratch_a);
}


/* Random operations with a sync every 40, cut after a random number of writes; each image must
 * show only the findings fsck_output_allowed accepts. */
static void test_crash_random(void)
{
    const char *base = work_path("crash-rbase.img"), *img = work_path("crash-r.img");
    CHECK(make_fat_image(base, 40, "-s 1"));
    snprintf(oracle_root, sizeof oracle_root, "%s", work_path("oracle-crash"));
    scratch_a = malloc(SCRATCH);
    scratch_b = malloc(SCRATCH);
    char out[8192];
    int rounds = getenv("FS_CRASH_ROUNDS") ? atoi(getenv("FS_CRASH_ROUNDS")) : 16, bad = 0;
    uint64_t total_writes = 0;
    quiet_outcomes = true;
    for (int round = 0; round < rounds; round++) {
        run_cmd(out, sizeof out, "cp --sparse=always '%s' '%s' && rm -rf '%s' && mkdir -p '%s'", base, img,
                oracle_root, oracle_root);
        struct vol v;
        struct fat32_options o = {.clock = test_clock, .cache_sectors = round % 2 ? 18 : 0};
        if (!vol_open_opts(&v, img, &o)) {
            CHECK(0);
            break;
        }
        rng_state = 1000 + (uint64_t)round;
        v.fd.cut_after = 20 + rnd(600);
        ndirs = 1;
        dirs[0][0] = 0;
        for (int i = 0; i < 300; i++) {
            uint32_t r = rnd(100);
            if (r < 40)
                op_write(&v);
            else if (r < 50)
                op_truncate(&v);
            else if (r < 62)
                op_unlink(&v);
            else if (r < 72)
                op_mkdir(&v);
            else if (r < 80)
                op_rmdir(&v);
            else
                op_rename(&v);
            if (i % 40 == 39)
                fat32_sync(v.fs);
        }
        total_writes += v.fd.writes;
        vfs_node_release(v.root);
        fat32_unmount(v.fs);
        file_dev_close(&v.fd);
        fsck_clean(img, out, sizeof out);
        if (!fsck_output_allowed(out)) {
            printf("round %d (cut after %lld writes): fsck.fat -n reports:\n%s\n", round,
                   (long long)v.fd.cut_after, out);
            bad++;
        }
    }
    quiet_outcomes = false;
    printf("crash random: %d rounds, %llu writes issued, %d with disallowed fsck findings\n", rounds,
           (unsigned long long)total_writes, bad);
    CHECK_EQ(bad, 0);
    free(scratch_a);
    free(scratch_b);
}


/* Disk errors at every point of a workload: calls fail with errors, nothing crashes or leaks. */
static void test_io_errors(void)
{
    const char *base = work_path("eio-base.img"), *img = work_path("eio.img");
    CHECK(make_fat_image(base, 40, "-s 1"));
    char out[256];
    int errors_seen = 0;
    for (int64_t n = 0; n < 90; n += 6) {
        run_cmd(out, sizeof out, "cp --sparse=always '%s' '%s'", base, img);
        struct vol v;
        if (!vol_open(&v, img)) {
            CHECK(0);
            return;
        }
        v.fd.fail_after = n;
        uint64_t pa;
        crash_workload(&v, &pa);
        errors_seen += fat32_sync(v.fs) != FS_OK;
        v.fd.fail_reads = true;
        struct vfs_node *x;
        int err = vfs_lookup(v.root, "base.bin", 8, &x);
        if (err == FS_OK)
            vfs_node_release(x);
        vfs_node_release(v.root);
        CHECK(fat32_unmount(v.fs) != FS_EBUSY);
        file_dev_close(&v.fd);
    }
    printf("io errors: %d of 15 runs ended with a failing sync\n", errors_seen);
    CHECK(errors_seen > 0);
}

/* The crash sweep again with a tiny cache, so writebacks also happen on eviction mid-operation. */
static void test_crash_sweep_small_cache(void)
{
    crash_cache_sectors = 18; /* the smallest the mount allows with 512-byte clusters */
    crash_points = 20;
    test_crash_sweep();
    crash_cache_sectors = 0;
    crash_points = 45;
}

static const struct fs_test tests[] = {
    {"random_vs_oracle", test_random_vs_oracle},
    {"crash_sweep", test_crash_sweep},
    {"crash_sweep_small_cache", test_crash_sweep_small_cache},
    {"crash_random", test_crash_random},
    {"corrupted_images", test_corrupted_images},
    {"io_errors", test_io_errors},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
