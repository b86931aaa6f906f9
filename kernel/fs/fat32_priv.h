/* kernel/fs/fat32_priv.h — internals shared by fat32.c (volume, FAT, allocation, sync, nodes),
 * fat32_dir.c (directory entries, long names, namespace operations) and fat32_file.c (file data).
 * Not for use outside kernel/fs/fat32*.c. On-disk layouts: Microsoft FAT specification 1.03. */
#ifndef KERNEL_FS_FAT32_PRIV_H
#define KERNEL_FS_FAT32_PRIV_H

#include "kernel/fs/bcache.h"
#include "kernel/fs/fat32.h"
#include "kernel/fs/fs_alloc.h"
#include "walos/platform.h"

/* FAT entry values (28 bits used; the top 4 are reserved and preserved on write). */
#define FAT_MASK 0x0FFFFFFFu
#define FAT_FREE 0u
#define FAT_BAD 0x0FFFFFF7u
#define FAT_EOC_MIN 0x0FFFFFF8u
#define FAT_EOC 0x0FFFFFFFu

/* Directory entry (32 bytes):
 *   0 name[11]  11 attr  12 ntres  13 ctime_tenth  14 ctime  16 cdate  18 adate  20 cluster_hi
 *  22 wtime  24 wdate  26 cluster_lo  28 size
 * Long-name entry: 0 ord (0x40 = last), 1 name 5 units, 11 attr 0x0F, 12 type 0, 13 checksum,
 *  14 name 6 units, 26 zero, 28 name 2 units. */
#define DIRENT_SIZE 32
#define ATTR_READ_ONLY 0x01
#define ATTR_HIDDEN 0x02
#define ATTR_SYSTEM 0x04
#define ATTR_VOLUME_ID 0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_ARCHIVE 0x20
#define ATTR_LONG_NAME 0x0F
#define DIRENT_FREE 0xE5      /* name[0] of a deleted entry */
#define DIRENT_END 0x00       /* name[0]: this and all later entries are free */
#define LFN_LAST 0x40
#define LFN_UNITS 13          /* UTF-16 units per long-name entry */
#define NAME_UNITS_MAX 255
#define NTRES_LOWER_BASE 0x08
#define NTRES_LOWER_EXT 0x10

#define FAT32_MAX_FILE 0xFFFFFFFFull

/* One step of the pending-free list (write-ordering rule W3 in fat32.h). */
struct pending_free {
    uint32_t keep_last;   /* 0, or the cluster that becomes EOC if it still links to head */
    uint32_t head;        /* first cluster of the chain to free */
};

/* A link from a cluster already on the disk to a newly allocated one (rule W1 in fat32.h): the
 * writeback writes the FAT with `prev` still holding `old`, flushes, and only then the link. */
struct fat_link {
    uint32_t prev;        /* the cluster whose FAT entry now points to a new cluster */
    uint32_t old;         /* its value on the disk before (EOC, or a pending-free tail) */
    uint32_t now;         /* scratch for fat_writeback */
};

/* A file or directory in use. Found again by its entry position while referenced. */
struct fat32_node {
    struct vfs_node vn;          /* first: vfs_node pointers are fat32_node pointers */
    struct fat32 *fs;
    struct fat32_node *next;     /* fs->nodes list */
    bool is_root;
    bool unlinked;               /* name removed while open: free the chain at release */
    uint32_t first_cluster;      /* 0 for an empty file */
    uint32_t size;               /* files only */
    /* where the short entry is (not for the root or an unlinked node) */
    uint64_t entry_lba;
    uint32_t entry_off;
    uint32_t parent_cluster;     /* first cluster of the parent directory */
    /* last position reached in the chain, to make sequential access O(1) per cluster */
    uint32_t pos_index, pos_cluster;
};

struct fat32 {
    struct block_device *dev;
    struct bcache *cache;
    struct fat32_options opts;
    uint64_t id;
    /* geometry from the boot sector */
    uint32_t sector_size;
    uint32_t sectors_per_cluster;
    uint32_t cluster_size;        /* bytes */
    uint32_t cluster_shift;       /* log2(cluster_size) */
    uint32_t fat_sectors;         /* per FAT copy */
    uint32_t num_fats;
    uint64_t fat_lba;             /* first sector of the FAT copy we read */
    uint64_t data_lba;            /* first sector of cluster 2 */
    uint32_t cluster_count;       /* data clusters: valid numbers are 2 .. cluster_count + 1 */
    uint32_t root_cluster;
    uint32_t fsinfo_lba;          /* 0: no valid FSInfo sector */
    /* allocation state */
    uint32_t free_count;          /* exact, computed at mount */
    uint32_t next_free;           /* where the next search starts */
    struct pending_free *pending;
    uint32_t pending_count, pending_cap;
    struct fat_link *links;       /* links made since the last writeback */
    uint32_t link_count, link_cap;
    uint32_t last_alloc;          /* cluster allocated last since the last writeback, or 0 */
    /* status */
    bool read_only;
    const char *error;            /* first damage found */
    struct fat32_node *nodes;     /* referenced nodes, root first */
    struct fat32_node *root;
    uint8_t *zero_cluster;        /* cluster_size zero bytes, for zero-filling */
};

/* ---- fat32.c: FAT access and allocation ---------------------------------------------------------- */

/* Marks the volume damaged: read-only from now on, msg logged once. Returns FS_EIO. */
int fat_corrupt(struct fat32 *fs, const char *msg);
/* Maps an enum block_err to an enum fs_err. */
int fat_block_err(int block_err);
/* Reads FAT[cluster] into *value_out (28 bits). FS_EIO for a cluster out of range. */
int fat_get(struct fat32 *fs, uint32_t cluster, uint32_t *value_out);
/* Writes FAT[cluster] (all copies at writeback). */
int fat_set(struct fat32 *fs, uint32_t cluster, uint32_t value);
/* The cluster after `cluster` in a chain: *next_out = 0 at the end of the chain. A free, bad or
 * out-of-range link is damage: FS_EIO and read-only. */
int fat_next(struct fat32 *fs, uint32_t cluster, uint32_t *next_out);
/* Allocates one cluster marked EOC, linked after prev when prev != 0. When zero is true the cluster
 * is zero-filled on disk first. FS_ENOSPC when the volume is full (after committing pending frees). */
int fat_alloc(struct fat32 *fs, uint32_t prev, bool zero, uint32_t *cluster_out);
/* The ordered writeback (rules W1-W2): FAT and data without the new links, FLUSH, then the links,
 * FLUSH, then META, FLUSH. Every writeback of the volume's cache goes through it. Returns an enum
 * fs_err. */
int fat_writeback(struct fat32 *fs);
/* Queues a chain for freeing at the next sync (rule W3). keep_last: see struct pending_free. */
int fat_free_later(struct fat32 *fs, uint32_t keep_last, uint32_t head);
/* First sector of a cluster. */
uint64_t fat_cluster_lba(const struct fat32 *fs, uint32_t cluster);
bool fat_cluster_valid(const struct fat32 *fs, uint32_t cluster);
/* Current time as FAT date/time; tenth = hundredths of a second (0..199) for ctime. */
void fat_now(struct fat32 *fs, uint16_t *date_out, uint16_t *time_out, uint8_t *tenth_out);
/* FAT date/time to ns since 1970-01-01. */
uint64_t fat_time_to_ns(uint16_t date, uint16_t time);
/* ns since 1970 to FAT date/time (clamped to 1980..2107). */
void fat_ns_to_time(uint64_t ns, uint16_t *date_out, uint16_t *time_out);

/* ---- fat32.c: nodes ------------------------------------------------------------------------------ */

/* The node for the short entry at (lba, off), existing or new (one new reference). raw is the
 * 32-byte entry. FS_ENOMEM. */
int fat_node_get(struct fat32 *fs, uint64_t lba, uint32_t off, uint32_t parent_cluster, const uint8_t *raw,
             struct fat32_node **node_out);
/* The referenced node for an entry position, or NULL. */
struct fat32_node *fat_node_find(struct fat32 *fs, uint64_t lba, uint32_t off);
/* Reads the node's short entry into raw (32 bytes). */
int fat_node_read_entry(struct fat32_node *node, uint8_t *raw);
/* Rewrites the node's short entry: size and first cluster, and the write time when touch_mtime. */
int fat_node_update_entry(struct fat32_node *node, bool touch_mtime);
/* The cluster at index in the node's chain (0 = first). FS_EIO when the chain is shorter. */
int fat_node_cluster_at(struct fat32_node *node, uint32_t index, uint32_t *cluster_out);

extern const struct vfs_fs_ops fat32_vfs_ops;

/* ---- fat32_dir.c ----------------------------------------------------------------------------- */

int fat32_dir_lookup(struct vfs_node *dir, const char *name, size_t len, struct vfs_node **node_out);
int fat32_dir_create(struct vfs_node *dir, const char *name, size_t len, enum vfs_type type,
                     struct vfs_node **node_out);
int fat32_dir_remove(struct vfs_node *dir, const char *name, size_t len, bool want_dir);
int fat32_dir_rename(struct vfs_node *old_dir, const char *old_name, size_t old_len,
                     struct vfs_node *new_dir, const char *new_name, size_t new_len);
int fat32_dir_readdir(struct vfs_node *dir, uint64_t cookie, struct vfs_dirent *ent);
/* Checks the root directory's chain at mount (bounded walk). */
int fat32_dir_check_root(struct fat32 *fs);

/* ---- fat32_name.c ---------------------------------------------------------------------------- */

/* A long name in UTF-16 code units. */
struct name16 {
    uint16_t u[NAME_UNITS_MAX + 1];
    uint32_t len;
};

/* UTF-8 to UTF-16, checking it is a legal long name: FS_OK, FS_EINVAL (bad UTF-8, a forbidden
 * character, empty, or ending in '.' or ' ') or FS_ENAMETOOLONG (over 255 units). */
int fat_name_from_utf8(const char *s, size_t len, struct name16 *out);
/* UTF-16 to UTF-8 into out (VFS_NAME_MAX + 1 bytes, NUL-terminated); returns the byte length. */
uint32_t fat_name_to_utf8(const uint16_t *u, uint32_t n, char *out);
/* Case-insensitive equality (ASCII, Latin-1, Greek, Cyrillic). */
bool fat_name_equal(const uint16_t *a, uint32_t alen, const uint16_t *b, uint32_t blen);
/* The checksum a long-name entry carries of its short name. */
uint8_t fat_short_checksum(const uint8_t *name11);
/* A short entry's name as shown ("NAME.EXT", lowercased per the NT flags). */
void fat_short_display(const uint8_t *raw, struct name16 *out);
/* The 8.3 basis of a long name. *exact: the long name is this 8.3 name up to case; *upper: it has no
 * lowercase letter (so it needs no long-name entries when exact). */
void fat_short_basis(const struct name16 *name, uint8_t *out11, bool *exact, bool *upper);

/* ---- fat32_file.c ---------------------------------------------------------------------------- */

int fat32_file_read(struct vfs_node *node, uint64_t off, void *buf, size_t len, size_t *done_out);
int fat32_file_write(struct vfs_node *node, uint64_t off, const void *buf, size_t len,
                     size_t *done_out);
int fat32_file_truncate(struct vfs_node *node, uint64_t size);
int fat32_file_stat(struct vfs_node *node, struct vfs_stat *st_out);
int fat32_file_set_times(struct vfs_node *node, uint64_t atime_ns, uint64_t mtime_ns);

/* little-endian field access */
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t dirent_cluster(const uint8_t *raw)
{
    return (uint32_t)get16(raw + 20) << 16 | get16(raw + 26);
}
static inline void dirent_set_cluster(uint8_t *raw, uint32_t cluster)
{
    put16(raw + 20, (uint16_t)(cluster >> 16));
    put16(raw + 26, (uint16_t)cluster);
}

#endif
