/* Host tests of boot/elf_check.c: a well-formed kernel image passes; each kind of damage the loader
 * must refuse is refused with its own error. Images are built in memory (build_image). */
#include <stdint.h>
#include <string.h>

#include "boot/elf64.h"
#include "boot/elf_check.h"
#include "tests/unit/harness.h"
#include "walos/bootinfo.h"

#define VBASE BOOTINFO_KERNEL_VBASE
#define VEND BOOTINFO_KERNEL_VEND
#define TEXT_VADDR (VBASE + 0x100000)

static uint8_t image[0x4000];

/* Two PT_LOADs: text (R+X, 0x100 bytes at file 0x1000) and data+bss (R+W, 0x80 bytes in file, 0x2000
 * in memory, at file 0x2000). Entry at the start of text. */
static struct elf64_ehdr *build_image(void)
{
    memset(image, 0, sizeof image);
    struct elf64_ehdr *eh = (struct elf64_ehdr *)image;
    memcpy(eh->e_ident, "\x7f" "ELF", 4);
    eh->e_ident[ELF_EI_CLASS] = ELF_CLASS64;
    eh->e_ident[ELF_EI_DATA] = ELF_DATA2LSB;
    eh->e_ident[ELF_EI_VERSION] = ELF_EV_CURRENT;
    eh->e_type = ELF_ET_EXEC;
    eh->e_machine = ELF_EM_X86_64;
    eh->e_version = ELF_EV_CURRENT;
    eh->e_entry = TEXT_VADDR;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof(struct elf64_phdr);
    eh->e_phnum = 2;
    struct elf64_phdr *ph = (struct elf64_phdr *)(image + eh->e_phoff);
    ph[0] = (struct elf64_phdr){.p_type = ELF_PT_LOAD, .p_flags = ELF_PF_R | ELF_PF_X, .p_offset = 0x1000,
                                .p_vaddr = TEXT_VADDR, .p_paddr = 0x100000, .p_filesz = 0x100,
                                .p_memsz = 0x100, .p_align = 0x1000};
    ph[1] = (struct elf64_phdr){.p_type = ELF_PT_LOAD, .p_flags = ELF_PF_R | ELF_PF_W, .p_offset = 0x2000,
                                .p_vaddr = TEXT_VADDR + 0x1000, .p_paddr = 0x101000, .p_filesz = 0x80,
                                .p_memsz = 0x2000, .p_align = 0x1000};
    return eh;
}

static struct elf64_phdr *phdr(int i) { return (struct elf64_phdr *)(image + sizeof(struct elf64_ehdr)) + i; }

static enum elf_check_err check_image(uint64_t size)
{
    struct elf_check_info info;
    return elf_check(image, size, VBASE, VEND, &info);
}

static void test_valid(void)
{
    build_image();
    struct elf_check_info info;
    CHECK_EQ(elf_check(image, sizeof image, VBASE, VEND, &info), ELF_CHECK_OK);
    CHECK_EQ(info.entry, TEXT_VADDR);
    CHECK_EQ(info.vlow, TEXT_VADDR);
    CHECK_EQ(info.vhigh, TEXT_VADDR + 0x3000);
    CHECK_EQ(info.load_count, 2);
    struct elf64_phdr ph;
    elf_check_phdr(image, &info, 1, &ph);
    CHECK_EQ(ph.p_memsz, 0x2000);
}

static void test_header_damage(void)
{
    struct elf64_ehdr *eh;
    CHECK_EQ(check_image(10), ELF_CHECK_SHORT);
    eh = build_image(), eh->e_ident[1] = 'X';
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_MAGIC);
    eh = build_image(), eh->e_ident[ELF_EI_CLASS] = 1;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_CLASS);
    eh = build_image(), eh->e_ident[ELF_EI_DATA] = 2;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_ENDIAN);
    eh = build_image(), eh->e_version = 2;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_VERSION);
    eh = build_image(), eh->e_type = 3;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_TYPE);
    eh = build_image(), eh->e_machine = 3;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_MACHINE);
}

static void test_phdr_table(void)
{
    struct elf64_ehdr *eh;
    eh = build_image(), eh->e_phentsize = 32;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_PHDRS);
    eh = build_image(), eh->e_phnum = 0;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_PHDRS);
    eh = build_image(), eh->e_phoff = sizeof image - 60;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_PHDRS);
    eh = build_image(), eh->e_phoff = UINT64_MAX - 8; /* wraps around */
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_PHDRS);
    eh = build_image(), eh->e_phnum = ELF_CHECK_MAX_PHNUM + 1;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_PHDRS);
}

static void test_segments(void)
{
    build_image(), phdr(1)->p_type = ELF_PT_INTERP;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_DYNAMIC);
    build_image(), phdr(0)->p_type = ELF_PT_NULL, phdr(1)->p_type = ELF_PT_NULL;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_NO_LOAD);
    build_image(), phdr(1)->p_filesz = 0x3000;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_FILESZ);
    /* truncated file: the data segment's bytes end past the end */
    build_image();
    CHECK_EQ(check_image(0x2040), ELF_CHECK_TRUNCATED);
    build_image(), phdr(0)->p_offset = UINT64_MAX - 0x10;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_TRUNCATED);
}

static void test_range(void)
{
    build_image(), phdr(1)->p_vaddr = 0x400000; /* low half */
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_RANGE);
    build_image(), phdr(1)->p_vaddr = VEND - 0x1000; /* runs past VEND */
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_RANGE);
    build_image(), phdr(1)->p_vaddr = UINT64_MAX - 0xfff; /* wraps */
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_RANGE);
    build_image(), phdr(1)->p_vaddr = VEND - 0x2000; /* ends exactly at VEND: fine */
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_OK);
}

static void test_overlap_and_entry(void)
{
    build_image(), phdr(1)->p_vaddr = TEXT_VADDR + 0x80;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_OVERLAP);
    struct elf64_ehdr *eh = build_image();
    eh->e_entry = TEXT_VADDR + 0x1000; /* in the data segment, not executable */
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_ENTRY);
    eh = build_image(), eh->e_entry = VBASE;
    CHECK_EQ(check_image(sizeof image), ELF_CHECK_ENTRY);
}

static void test_messages(void)
{
    for (int e = 0; e < ELF_CHECK_ERR_COUNT; e++)
        CHECK(elf_check_strerror((enum elf_check_err)e) != NULL);
    CHECK(strstr(elf_check_strerror(ELF_CHECK_MAGIC), "magic") != NULL);
    CHECK(strstr(elf_check_strerror(ELF_CHECK_TRUNCATED), "truncated") != NULL);
    CHECK(strcmp(elf_check_strerror(ELF_CHECK_ERR_COUNT), "unknown ELF check error") == 0);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"elf_check_valid", test_valid},
        {"elf_check_header_damage", test_header_damage},
        {"elf_check_phdr_table", test_phdr_table},
        {"elf_check_segments", test_segments},
        {"elf_check_range", test_range},
        {"elf_check_overlap_and_entry", test_overlap_and_entry},
        {"elf_check_messages", test_messages},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
