/* Host tests of the boot-information paths: Multiboot2 info -> struct bootinfo
 * (kernel/arch/x86_64/mb2info.c, mb2_parse) and the command line (kernel/cmdline.c, with a fake
 * fw_cfg file standing in for QEMU's). */
#include "tests/unit/harness.h"
#include "kernel/arch/x86_64/mb2info.h"
#include "kernel/cmdline.h"

#include <stdint.h>

/* mb2info.c's kernel half refers to these linker symbols */
char __kernel_start[1], __kernel_end[1];

/* stand-in for kernel/drivers/fwcfg.c */
static const char *fake_fwcfg;
long fwcfg_read_file(const char *name, void *buf, size_t size)
{
    if (!fake_fwcfg || strcmp(name, CMDLINE_FWCFG_FILE) != 0)
        return -1;
    size_t n = strlen(fake_fwcfg);
    memcpy(buf, fake_fwcfg, n < size ? n : size);
    return (long)n;
}

/* a Multiboot2 information block builder */
static uint8_t info[1024] __attribute__((aligned(8)));
static size_t info_len;

static void *tag(uint32_t type, uint32_t size)
{
    uint8_t *t = info + info_len;
    memcpy(t, &type, 4);
    memcpy(t + 4, &size, 4);
    info_len += (size + 7) & ~7u;
    return t + 8;
}

static void build_info(void)
{
    memset(info, 0, sizeof info);
    info_len = 8;
    char *cmd = tag(1, 8 + 12);
    memcpy(cmd, "test=fault ", 12);
    uint32_t *mm = tag(6, 16 + 4 * 24);
    mm[0] = 24; /* entry_size */
    mm[1] = 0;  /* entry_version */
    uint64_t ents[4][3] = {
        { 0x100000, 0x7ee0000, 1 },   /* usable RAM from 1 MiB */
        { 0x0, 0x9fc00, 1 },          /* low RAM, length not page-aligned */
        { 0xfffc0000, 0x40000, 2 },   /* reserved (firmware) */
        { 0x7fe0123, 0x1000, 3 },     /* ACPI reclaim, unaligned: rounded outwards */
    };
    for (int i = 0; i < 4; i++) {
        uint8_t *e = (uint8_t *)(mm + 2) + i * 24;
        uint32_t type = (uint32_t)ents[i][2];
        memcpy(e, &ents[i][0], 8);
        memcpy(e + 8, &ents[i][1], 8);
        memcpy(e + 16, &type, 4);
    }
    uint8_t *fb = tag(8, 8 + 30); /* GRUB: addr, pitch, width, height, bpp, type, u16 reserved, 6 colour bytes */
    uint64_t addr = 0xfd000000;
    uint32_t pitch = 4096, w = 1024, h = 768;
    memcpy(fb, &addr, 8);
    memcpy(fb + 8, &pitch, 4);
    memcpy(fb + 12, &w, 4);
    memcpy(fb + 16, &h, 4);
    fb[20] = 32; /* bpp */
    fb[21] = 1;  /* RGB */
    fb[24] = 16; fb[25] = 8; fb[26] = 8; fb[27] = 8; fb[28] = 0; fb[29] = 8; /* BGRX */
    uint8_t *rsdp = tag(14, 8 + 20);
    memcpy(rsdp, "RSD PTR ", 8);
    tag(0, 8);
    uint32_t total = (uint32_t)info_len;
    memcpy(info, &total, 4);
}

static void test_mb2_parse(void)
{
    build_info();
    struct bootinfo bi;
    struct bootinfo_mmap_entry map[8];
    uint8_t rsdp[36];
    memset(&bi, 0, sizeof bi);
    int rlen = mb2_parse(info, &bi, map, 8, rsdp);
    CHECK_EQ(rlen, 20);
    CHECK(memcmp(rsdp, "RSD PTR ", 8) == 0);
    CHECK(strcmp(bi.cmdline, "test=fault ") == 0);
    CHECK_EQ(bi.mmap_count, 4);
    /* sorted by base, page-rounded: usable inwards, the rest outwards */
    CHECK_EQ(map[0].base, 0);
    CHECK_EQ(map[0].length, 0x9f000);
    CHECK_EQ(map[0].type, BOOTINFO_MEM_USABLE);
    CHECK_EQ(map[1].base, 0x100000);
    CHECK_EQ(map[2].base, 0x7fe0000);
    CHECK_EQ(map[2].length, 0x2000);
    CHECK_EQ(map[2].type, BOOTINFO_MEM_ACPI_RECLAIM);
    CHECK_EQ(map[3].type, BOOTINFO_MEM_RESERVED);
    CHECK_EQ(bi.fb.format, BOOTINFO_FB_BGRX);
    CHECK_EQ(bi.fb.width, 1024);
    CHECK_EQ(bi.fb.size, 4096 * 768);
    CHECK_EQ(bi.fb.red_mask, 0xff0000);
    /* the bound on entries holds */
    memset(&bi, 0, sizeof bi);
    mb2_parse(info, &bi, map, 2, rsdp);
    CHECK_EQ(bi.mmap_count, 2);
}

static void test_mb2_entry(void)
{
    build_info();
    struct bootinfo *bi = mb2_to_bootinfo(0x1234, (uint64_t)(uintptr_t)info);
    CHECK_EQ(bi->magic, 0); /* wrong magic: kmain reports it */
    bi = mb2_to_bootinfo(MB2_BOOTLOADER_MAGIC, (uint64_t)(uintptr_t)info);
    CHECK(bi->magic == BOOTINFO_MAGIC);
    CHECK_EQ(bi->protocol, BOOTINFO_PROTO_MULTIBOOT2);
    CHECK_EQ(bi->mmap_count, 4);
    CHECK(bi->acpi_rsdp != 0);
}

static void test_cmdline(void)
{
    fake_fwcfg = NULL;
    cmdline_init("test=fault  exit");
    CHECK(strcmp(cmdline_get(), "test=fault  exit") == 0);
    CHECK(cmdline_has("exit"));
    CHECK(cmdline_has("test"));
    CHECK(!cmdline_has("ex"));
    CHECK(!cmdline_has("exitcode"));
    CHECK(cmdline_is("test", "fault"));
    CHECK(!cmdline_is("test", "faul"));
    CHECK(!cmdline_is("exit", "1"));
    char v[8];
    CHECK(cmdline_value("test", v, sizeof v) && strcmp(v, "fault") == 0);
    CHECK(!cmdline_value("exit", v, sizeof v));
    /* fw_cfg appended (GRUB path), newlines as spaces, several test= words */
    fake_fwcfg = "test=selftest\nreboot\n";
    cmdline_init("root=x");
    CHECK(strcmp(cmdline_get(), "root=x test=selftest reboot ") == 0);
    CHECK(cmdline_is("test", "selftest") && cmdline_has("reboot") && cmdline_has("root"));
    /* not appended twice when the loader already put it in bootinfo */
    fake_fwcfg = "test=fault exit";
    cmdline_init("test=fault exit");
    CHECK(strcmp(cmdline_get(), "test=fault exit") == 0);
    fake_fwcfg = "poweroff";
    cmdline_init(NULL);
    CHECK(strcmp(cmdline_get(), "poweroff") == 0);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        { "mb2_parse", test_mb2_parse },
        { "mb2_entry", test_mb2_entry },
        { "cmdline", test_cmdline },
        { 0, 0 },
    };
    return test_main(tests, argc, argv);
}
