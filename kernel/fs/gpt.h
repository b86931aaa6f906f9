/* kernel/fs/gpt.h — GUID Partition Table parsing (UEFI 2.10 §5.3) and partition block devices.
 *
 * gpt_read validates the protective MBR, the primary header at LBA 1 (signature, header CRC32, MyLBA,
 * sizes) and its entry array CRC32, and the backup header at the last LBA the same way. It uses the
 * primary when valid, else the backup, and says so in table->note. A partition device is a
 * struct block_device that forwards to its disk with the partition's start added: filesystems mount
 * on it as on a whole disk. */
#ifndef KERNEL_FS_GPT_H
#define KERNEL_FS_GPT_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/drivers/block.h"

#define GPT_MAX_PARTITIONS 128

/* Errors of the GPT layer. 0 = OK. */
enum gpt_err {
    GPT_OK = 0,
    GPT_EIO = 1,       /* the disk could not be read */
    GPT_ENOTGPT = 2,   /* no GPT signature in either header: not a GPT disk */
    GPT_EBADCRC = 3,   /* headers present but neither copy passes its CRC32 and sanity checks */
    GPT_ENOMEM = 4,    /* no memory for the entry array */
    GPT_EINVAL = 5,    /* sector size unsupported, or partition number out of range */
};

struct gpt_partition {
    uint32_t number;          /* 1-based index in the entry array */
    uint8_t type_guid[16];    /* as stored on disk (mixed-endian GUID) */
    uint8_t unique_guid[16];
    uint64_t first_lba, last_lba;  /* inclusive */
    uint64_t attributes;
    char name[72];            /* UTF-8, from the UTF-16LE name, NUL-terminated */
};

struct gpt_table {
    uint8_t disk_guid[16];
    uint32_t count;                     /* used entries in parts[] */
    struct gpt_partition parts[GPT_MAX_PARTITIONS];
    bool primary_ok, backup_ok;         /* which header copies passed every check */
    const char *note;                   /* NULL, or why a copy was refused (static string) */
};

/* The EFI System Partition type GUID C12A7328-F81F-11D2-BA4B-00A0C93EC93B, in on-disk byte order. */
extern const uint8_t gpt_type_esp[16];

/* Reads and validates dev's GPT into *table (caller-owned, about 20 KiB). Blocks on disk I/O.
 * Returns GPT_OK (table->note may report a refused copy), GPT_ENOTGPT, GPT_EBADCRC (table->note says
 * why), GPT_EIO or GPT_ENOMEM. */
int gpt_read(struct block_device *dev, struct gpt_table *table);

/* A partition as a block device. Fill with gpt_partition_device; it borrows the disk, which must
 * outlive it. */
struct gpt_part_device {
    struct block_device dev;    /* what filesystems mount on */
    struct block_device *disk;
    uint64_t start_lba;
    char name[24];
};

/* Makes *out a block device over partition part of disk (sector 0 = part->first_lba). */
void gpt_partition_device(struct block_device *disk, const struct gpt_partition *part,
                          struct gpt_part_device *out);

/* CRC32 (IEEE 802.3, reflected, as GPT uses) of len bytes, continuing from crc (start with 0). */
uint32_t gpt_crc32(uint32_t crc, const void *data, size_t len);

#endif
