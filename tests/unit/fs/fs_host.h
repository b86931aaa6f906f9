/* tests/unit/fs/fs_host.h — host support for the filesystem tests: a file-backed block device
 * (with write counting, a "power cut" after N writes, and injected errors), kmalloc over malloc,
 * shell helpers to make and check images, and a harness with skips.
 *
 * The harness: tests call CHECK/CHECK_EQ (counted) or SKIP(reason) and return; fs_test_main prints
 * "ok NAME", "FAIL NAME" or "skip NAME: reason" per test and ends with "N passed, N failed, N skipped".
 * Work files go to $FS_TEST_DIR (default build/fs-test). */
#ifndef TESTS_UNIT_FS_FS_HOST_H
#define TESTS_UNIT_FS_FS_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kernel/drivers/block.h"

/* ---- harness ---------------------------------------------------------------------------------- */

struct fs_test {
    const char *name;
    void (*fn)(void);
};

extern int fs_checks_failed;
extern const char *fs_skip_reason;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                  \
            fs_checks_failed++;                                                     \
        }                                                                           \
    } while (0)

#define CHECK_EQ(a, b)                                                              \
    do {                                                                            \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);             \
        if (check_a_ != check_b_) {                                                 \
            printf("FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, \
                   #b, check_a_, check_b_);                                         \
            fs_checks_failed++;                                                     \
        }                                                                           \
    } while (0)

/* Marks the running test skipped (the caller returns right after). */
#define SKIP(reason) (fs_skip_reason = (reason))

int fs_test_main(const struct fs_test *tests, int argc, char **argv);

/* ---- file-backed block device ------------------------------------------------------------------ */

struct file_dev {
    struct block_device dev;
    int fd;
    uint64_t writes;          /* WRITE requests completed */
    uint64_t flushes;
    int64_t cut_after;        /* >= 0: writes after this many are silently dropped (power cut) */
    int64_t fail_after;       /* >= 0: writes after this many fail with BLOCK_EIO */
    bool fail_reads;          /* every READ fails */
};

/* Opens path as a device of 512-byte sectors (its size must be a multiple). false on error. */
bool file_dev_open(struct file_dev *fd, const char *path, bool read_only);
/* The same with another sector size (4096: a 4Kn disk). */
bool file_dev_open_sectors(struct file_dev *fd, const char *path, bool read_only, uint32_t sector_size);
void file_dev_close(struct file_dev *fd);

/* ---- images and tools --------------------------------------------------------------------------- */

/* $FS_TEST_DIR/name, in a static buffer rotated over 8 slots. */
const char *work_path(const char *name);
/* Runs a shell command (tools from /usr/sbin too); returns its exit status; output into out (may be
 * NULL) truncated to out_size. */
int run_cmd(char *out, size_t out_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Creates a sparse file of mib MiB and formats it FAT32 with extra mkfs.fat options. true on success. */
bool make_fat_image(const char *path, unsigned mib, const char *mkfs_opts);
/* fsck.fat -n on the image: true when it reports no error; its output goes to out. */
bool fsck_clean(const char *path, char *out, size_t out_size);
/* true when a host tool is installed. */
bool have_tool(const char *name);

/* ---- FAT32 volumes (helpers shared by the FAT tests) ------------------------------------------ */

struct fat32;
struct fat32_options;
struct vfs_node;

struct vol {
    struct file_dev fd;
    struct fat32 *fs;
    struct vfs_node *root;   /* one reference, dropped by vol_close */
};

/* A fixed clock: 1700000000 (2023-11-14 22:13:20 UTC). */
int64_t test_clock(void *ctx);
/* Opens the image and mounts it (with test_clock); false, with a message, on failure. */
bool vol_open(struct vol *v, const char *path);
bool vol_open_opts(struct vol *v, const char *path, const struct fat32_options *opts);
/* Unmounts (syncing) and closes; returns fat32_unmount's result. */
int vol_close(struct vol *v);
/* Creates or truncates name in dir and writes data; returns an enum fs_err. */
int put_file(struct vfs_node *dir, const char *name, const void *data, size_t len);
/* Reads name from dir into buf (at most cap); bytes read, or -errno. */
long get_file(struct vfs_node *dir, const char *name, void *buf, size_t cap);
/* CHECKs that fsck.fat -n finds nothing (prints its output otherwise). */
void check_fsck(const char *img);
/* CHECKs that mtype of ::name prints exactly want. */
void check_mtype(const char *img, const char *name, const char *want);
/* vfs_lookup that CHECKs success; NULL on failure. */
struct vfs_node *must_lookup(struct vfs_node *dir, const char *name);
/* Entries of a directory, without "." and "..". */
int count_entries(struct vfs_node *dir);

#endif
