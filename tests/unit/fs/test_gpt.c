/* tests/unit/fs/test_gpt.c — GPT parsing on images made by sgdisk, corrupted copies, and a FAT32
 * volume mounted through a partition device (issue 5). */
#include "kernel/fs/gpt.h"
#include "kernel/fs/fat32.h"
#include "tests/unit/fs/fs_host.h"

#include <stdlib.h>

static const char *make_gpt_image(void)
{
    const char *img = work_path("gpt.img");
    char out[4096];
    if (run_cmd(out, sizeof out, "rm -f '%s' && truncate -s 64M '%s' && sgdisk -n 1:2048:+41M -t 1:ef00 "
                "-c 1:'EFI system' -n 2:0:+8M -t 2:8300 -c 2:'data ünï' '%s'", img, img, img) != 0) {
        printf("sgdisk: %s\n", out);
        return NULL;
    }
    return img;
}

static void flip_byte(const char *img, long off)
{
    FILE *f = fopen(img, "r+b");
    fseek(f, off, SEEK_SET);
    int c = fgetc(f);
    fseek(f, off, SEEK_SET);
    fputc(c ^ 0x5A, f);
    fclose(f);
}

static void test_parse(void)
{
    if (!have_tool("sgdisk")) {
        SKIP("sgdisk (gdisk) not installed");
        return;
    }
    const char *img = make_gpt_image();
    CHECK(img != NULL);
    if (!img)
        return;
    struct file_dev fd;
    CHECK(file_dev_open(&fd, img, true));
    struct gpt_table *t = malloc(sizeof *t);
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_OK);
    CHECK(t->primary_ok && t->backup_ok);
    CHECK(t->note == NULL);
    CHECK_EQ(t->count, 2);
    CHECK_EQ(t->parts[0].number, 1);
    CHECK_EQ(t->parts[0].first_lba, 2048);
    CHECK_EQ(t->parts[0].last_lba, 2048 + 41 * 2048 - 1);
    CHECK(memcmp(t->parts[0].type_guid, gpt_type_esp, 16) == 0);
    CHECK(strcmp(t->parts[0].name, "EFI system") == 0);
    CHECK(strcmp(t->parts[1].name, "data ünï") == 0);
    CHECK(memcmp(t->parts[1].type_guid, gpt_type_esp, 16) != 0);
    /* a partition device is bounded */
    struct gpt_part_device p;
    gpt_partition_device(&fd.dev, &t->parts[1], &p);
    CHECK(strcmp(p.dev.name, "file2") == 0);
    CHECK_EQ(p.dev.sector_count, 8 * 2048);
    uint8_t sector[512];
    CHECK_EQ(block_read(&p.dev, 8 * 2048, 1, sector), BLOCK_ERANGE);
    CHECK_EQ(block_read(&p.dev, 8 * 2048 - 1, 1, sector), BLOCK_OK);
    CHECK_EQ(gpt_crc32(0, "123456789", 9), 0xCBF43926u); /* the CRC-32 check value */
    free(t);
    file_dev_close(&fd);
}

static void test_corrupt_copies(void)
{
    if (!have_tool("sgdisk")) {
        SKIP("sgdisk (gdisk) not installed");
        return;
    }
    struct gpt_table *t = malloc(sizeof *t);
    struct file_dev fd;
    const long last = 64l * 1024 * 1024 - 512;
    /* primary header CRC bad: the backup is used */
    const char *img = make_gpt_image();
    flip_byte(img, 512 + 40);
    CHECK(file_dev_open(&fd, img, true));
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_OK);
    CHECK(!t->primary_ok && t->backup_ok);
    CHECK(t->note && strstr(t->note, "using the backup"));
    CHECK_EQ(t->count, 2);
    file_dev_close(&fd);
    /* primary entry array bad: refused by its CRC, backup used */
    img = make_gpt_image();
    flip_byte(img, 2 * 512 + 60);
    CHECK(file_dev_open(&fd, img, true));
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_OK);
    CHECK(!t->primary_ok && t->backup_ok);
    CHECK_EQ(t->count, 2);
    file_dev_close(&fd);
    /* backup bad only: primary used, noted */
    img = make_gpt_image();
    flip_byte(img, last + 40);
    CHECK(file_dev_open(&fd, img, true));
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_OK);
    CHECK(t->primary_ok && !t->backup_ok);
    CHECK(t->note && strstr(t->note, "CRC32"));
    file_dev_close(&fd);
    /* both bad: refused with the reason */
    img = make_gpt_image();
    flip_byte(img, 512 + 40);
    flip_byte(img, last + 40);
    CHECK(file_dev_open(&fd, img, true));
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_EBADCRC);
    CHECK(t->note && strstr(t->note, "CRC32 mismatch"));
    printf("both copies bad: %s\n", t->note ? t->note : "-");
    file_dev_close(&fd);
    /* no GPT at all */
    img = work_path("nogpt.img");
    char out[256];
    run_cmd(out, sizeof out, "rm -f '%s' && truncate -s 1M '%s'", img, img);
    CHECK(file_dev_open(&fd, img, true));
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_ENOTGPT);
    file_dev_close(&fd);
    free(t);
}

static void test_fat_in_partition(void)
{
    if (!have_tool("sgdisk")) {
        SKIP("sgdisk (gdisk) not installed");
        return;
    }
    const char *img = make_gpt_image();
    char out[4096];
    /* 41 MiB with 512-byte clusters: above 65525 clusters, so every tool sees FAT32 */
    CHECK_EQ(run_cmd(out, sizeof out, "mkfs.fat -F 32 -s 1 --offset 2048 '%s' %d", img, 41 * 1024), 0);
    struct file_dev fd;
    CHECK(file_dev_open(&fd, img, false));
    struct gpt_table *t = malloc(sizeof *t);
    CHECK_EQ(gpt_read(&fd.dev, t), GPT_OK);
    struct gpt_part_device p;
    gpt_partition_device(&fd.dev, &t->parts[0], &p);
    struct fat32 *fs = NULL;
    const char *why = NULL;
    CHECK_EQ(fat32_mount(&p.dev, NULL, &fs, &why), FS_OK);
    if (fs) {
        struct vfs_node *root = fat32_root(fs);
        CHECK_EQ(put_file(root, "in partition.txt", "gpt ok\n", 7), FS_OK);
        vfs_node_release(root);
        CHECK_EQ(fat32_unmount(fs), FS_OK);
    }
    file_dev_close(&fd);
    free(t);
    CHECK_EQ(run_cmd(out, sizeof out, "mtype -i '%s@@1M' '::in partition.txt'", img), 0);
    CHECK(strcmp(out, "gpt ok\n") == 0);
    const char *part = work_path("gpt-part1.img");
    CHECK_EQ(run_cmd(out, sizeof out, "dd if='%s' of='%s' bs=1M skip=1 count=41 status=none", img, part), 0);
    check_fsck(part);
}

static const struct fs_test tests[] = {
    {"parse", test_parse},
    {"corrupt_copies", test_corrupt_copies},
    {"fat_in_partition", test_fat_in_partition},
    {NULL, NULL},
};

int main(int argc, char **argv)
{
    return fs_test_main(tests, argc, argv);
}
