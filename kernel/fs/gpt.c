/* kernel/fs/gpt.c — GPT parsing and partition devices (contract in gpt.h).
 *
 * Layer below: kernel/drivers/block.h. Layer above: the kernel's disk discovery, which picks the
 * partition the loader booted from (bootinfo ESP GUID/LBA) and mounts kernel/fs/fat32 on it.
 * On-disk format: UEFI 2.10 §5.2.3 (protective MBR) and §5.3.2/§5.3.3 (header and entry array). */
#include "kernel/fs/gpt.h"
#include "kernel/fs/fs_alloc.h"
#include "walos/platform.h"

#define GPT_SIGNATURE "EFI PART"
#define GPT_HEADER_MIN 92
#define GPT_ENTRY_MIN 128
#define GPT_ENTRIES_MAX_BYTES (1u << 20) /* refuse absurd entry arrays */
#define MBR_TYPE_PROTECTIVE 0xEE

const uint8_t gpt_type_esp[16] = {0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
                                  0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b};

uint32_t gpt_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The header fields we use (UEFI 2.10 table 5.5). */
struct header {
    uint64_t my_lba, alternate_lba, first_usable, last_usable, entries_lba;
    uint32_t entry_count, entry_size, entries_crc;
    uint8_t disk_guid[16];
};

/* Reads and checks the header at lba and its entry array. On success *entries_out is a kmalloc'd
 * array the caller frees. Returns GPT_OK, GPT_ENOTGPT (no signature), GPT_EBADCRC (*why set), GPT_EIO
 * or GPT_ENOMEM. */
static int read_header(struct block_device *dev, uint64_t lba, uint8_t *sector, struct header *h,
                       uint8_t **entries_out, const char **why)
{
    uint32_t ss = dev->sector_size;
    if (block_read(dev, lba, 1, sector) != BLOCK_OK)
        return GPT_EIO;
    if (memcmp(sector, GPT_SIGNATURE, 8) != 0)
        return GPT_ENOTGPT;
    uint32_t hsize = le32(sector + 12);
    if (hsize < GPT_HEADER_MIN || hsize > ss) {
        *why = "GPT header size out of range";
        return GPT_EBADCRC;
    }
    uint32_t stored = le32(sector + 16);
    memset(sector + 16, 0, 4);
    if (gpt_crc32(0, sector, hsize) != stored) {
        *why = "GPT header CRC32 mismatch";
        return GPT_EBADCRC;
    }
    h->my_lba = le64(sector + 24);
    h->alternate_lba = le64(sector + 32);
    h->first_usable = le64(sector + 40);
    h->last_usable = le64(sector + 48);
    memcpy(h->disk_guid, sector + 56, 16);
    h->entries_lba = le64(sector + 72);
    h->entry_count = le32(sector + 80);
    h->entry_size = le32(sector + 84);
    h->entries_crc = le32(sector + 88);
    if (h->my_lba != lba) {
        *why = "GPT header MyLBA does not match its position";
        return GPT_EBADCRC;
    }
    if (h->entry_size < GPT_ENTRY_MIN || h->entry_size % GPT_ENTRY_MIN != 0 || h->entry_count == 0 ||
        (uint64_t)h->entry_count * h->entry_size > GPT_ENTRIES_MAX_BYTES) {
        *why = "GPT entry array size out of range";
        return GPT_EBADCRC;
    }
    if (h->first_usable > h->last_usable || h->last_usable >= dev->sector_count) {
        *why = "GPT usable range outside the disk";
        return GPT_EBADCRC;
    }
    uint32_t bytes = h->entry_count * h->entry_size;
    uint32_t sectors = (bytes + ss - 1) / ss;
    if (h->entries_lba >= dev->sector_count || sectors > dev->sector_count - h->entries_lba) {
        *why = "GPT entry array outside the disk";
        return GPT_EBADCRC;
    }
    uint8_t *entries = kmalloc((size_t)sectors * ss);
    if (!entries)
        return GPT_ENOMEM;
    if (block_read(dev, h->entries_lba, sectors, entries) != BLOCK_OK) {
        kfree(entries);
        return GPT_EIO;
    }
    if (gpt_crc32(0, entries, bytes) != h->entries_crc) {
        kfree(entries);
        *why = "GPT partition entry array CRC32 mismatch";
        return GPT_EBADCRC;
    }
    *entries_out = entries;
    return GPT_OK;
}

/* UTF-16LE name (36 code units) to UTF-8; surrogate pairs combined, bad ones become '?'. */
static void name_to_utf8(const uint8_t *in, char *out, size_t out_size)
{
    size_t o = 0;
    for (int i = 0; i < 36; i++) {
        uint32_t c = (uint32_t)in[2 * i] | (uint32_t)in[2 * i + 1] << 8;
        if (c == 0)
            break;
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < 36) {
            uint32_t lo = (uint32_t)in[2 * i + 2] | (uint32_t)in[2 * i + 3] << 8;
            if (lo >= 0xDC00 && lo < 0xE000) {
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            } else {
                c = '?';
            }
        } else if (c >= 0xD800 && c < 0xE000) {
            c = '?';
        }
        uint8_t enc[4];
        size_t n;
        if (c < 0x80) {
            enc[0] = (uint8_t)c, n = 1;
        } else if (c < 0x800) {
            enc[0] = (uint8_t)(0xC0 | c >> 6), enc[1] = (uint8_t)(0x80 | (c & 0x3F)), n = 2;
        } else if (c < 0x10000) {
            enc[0] = (uint8_t)(0xE0 | c >> 12), enc[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            enc[2] = (uint8_t)(0x80 | (c & 0x3F)), n = 3;
        } else {
            enc[0] = (uint8_t)(0xF0 | c >> 18), enc[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
            enc[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F)), enc[3] = (uint8_t)(0x80 | (c & 0x3F)), n = 4;
        }
        if (o + n >= out_size)
            break;
        memcpy(out + o, enc, n);
        o += n;
    }
    out[o] = 0;
}

static bool guid_is_zero(const uint8_t *g)
{
    for (int i = 0; i < 16; i++)
        if (g[i])
            return false;
    return true;
}

int gpt_read(struct block_device *dev, struct gpt_table *table)
{
    uint32_t ss = dev->sector_size;
    if (ss < 512 || ss > 4096 || dev->sector_count < 4)
        return GPT_EINVAL;
    memset(table, 0, sizeof *table);
    uint8_t *sector = kmalloc(ss);
    if (!sector)
        return GPT_ENOMEM;
    int result;
    /* Protective MBR (UEFI 2.10 §5.2.3): signature 0x55AA and a partition of type 0xEE. A missing
     * one is noted, not fatal: some tools write hybrid MBRs, and the GPT headers carry the CRCs. */
    if (block_read(dev, 0, 1, sector) != BLOCK_OK) {
        result = GPT_EIO;
        goto out;
    }
    bool protective = sector[510] == 0x55 && sector[511] == 0xAA;
    bool has_ee = false;
    for (int i = 0; i < 4; i++)
        if (sector[446 + 16 * i + 4] == MBR_TYPE_PROTECTIVE)
            has_ee = true;
    if (!protective || !has_ee)
        table->note = "no protective MBR";

    struct header primary, backup, *use = NULL;
    uint8_t *pentries = NULL, *bentries = NULL, *entries;
    const char *pwhy = NULL, *bwhy = NULL;
    int perr = read_header(dev, 1, sector, &primary, &pentries, &pwhy);
    if (perr == GPT_EIO || perr == GPT_ENOMEM) {
        result = perr;
        goto out;
    }
    uint64_t backup_lba = dev->sector_count - 1;
    if (perr == GPT_OK && primary.alternate_lba < dev->sector_count)
        backup_lba = primary.alternate_lba;
    int berr = read_header(dev, backup_lba, sector, &backup, &bentries, &bwhy);
    if (berr == GPT_EIO || berr == GPT_ENOMEM) {
        kfree(pentries);
        result = berr;
        goto out;
    }
    table->primary_ok = perr == GPT_OK;
    table->backup_ok = berr == GPT_OK;
    if (perr == GPT_OK) {
        use = &primary, entries = pentries;
        if (berr != GPT_OK)
            table->note = berr == GPT_ENOTGPT ? "backup GPT header missing" : bwhy;
    } else if (berr == GPT_OK) {
        use = &backup, entries = bentries;
        table->note = perr == GPT_ENOTGPT ? "primary GPT header missing; using the backup"
                                          : "primary GPT header refused; using the backup";
    } else {
        kfree(pentries);
        kfree(bentries);
        if (perr == GPT_ENOTGPT && berr == GPT_ENOTGPT) {
            result = GPT_ENOTGPT;
        } else {
            table->note = perr != GPT_ENOTGPT ? pwhy : bwhy;
            result = GPT_EBADCRC;
        }
        goto out;
    }
    memcpy(table->disk_guid, use->disk_guid, 16);
    for (uint32_t i = 0; i < use->entry_count && table->count < GPT_MAX_PARTITIONS; i++) {
        const uint8_t *e = entries + (size_t)i * use->entry_size;
        if (guid_is_zero(e))
            continue;
        struct gpt_partition *p = &table->parts[table->count];
        uint64_t first = le64(e + 32), last = le64(e + 40);
        if (first > last || first < use->first_usable || last > use->last_usable)
            continue; /* an entry outside the usable range is ignored, never exposed */
        p->number = i + 1;
        memcpy(p->type_guid, e, 16);
        memcpy(p->unique_guid, e + 16, 16);
        p->first_lba = first;
        p->last_lba = last;
        p->attributes = le64(e + 48);
        name_to_utf8(e + 56, p->name, sizeof p->name);
        table->count++;
    }
    kfree(pentries);
    kfree(bentries);
    result = GPT_OK;
out:
    kfree(sector);
    return result;
}

static int part_submit(struct block_device *dev, struct block_request *req)
{
    struct gpt_part_device *p = dev->priv;
    if (req->op != BLOCK_FLUSH) {
        if (req->count == 0 || req->lba >= dev->sector_count || req->count > dev->sector_count - req->lba)
            return BLOCK_ERANGE;
        req->lba += p->start_lba;
    }
    return p->disk->ops->submit(p->disk, req);
}

static void part_wait(struct block_device *dev, struct block_request *req)
{
    struct gpt_part_device *p = dev->priv;
    if (p->disk->ops->wait)
        p->disk->ops->wait(p->disk, req);
}

static const struct block_ops part_ops = {.submit = part_submit, .wait = part_wait};

void gpt_partition_device(struct block_device *disk, const struct gpt_partition *part,
                          struct gpt_part_device *out)
{
    memset(out, 0, sizeof *out);
    out->disk = disk;
    out->start_lba = part->first_lba;
    /* name: disk name + partition number, e.g. "vda1" */
    size_t n = 0;
    for (const char *s = disk->name ? disk->name : "disk"; *s && n < sizeof out->name - 4; s++)
        out->name[n++] = *s;
    uint32_t num = part->number;
    char digits[4];
    int d = 0;
    do {
        digits[d++] = (char)('0' + num % 10);
        num /= 10;
    } while (num && d < 3);
    while (d)
        out->name[n++] = digits[--d];
    out->name[n] = 0;
    out->dev.name = out->name;
    out->dev.sector_size = disk->sector_size;
    out->dev.sector_count = part->last_lba - part->first_lba + 1;
    out->dev.read_only = disk->read_only;
    out->dev.ops = &part_ops;
    out->dev.priv = out;
}
