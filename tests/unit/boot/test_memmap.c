/* Host tests of boot/memmap.c: type translation, sorting, merging, descriptor stride, RAM top. */
#include <stdint.h>
#include <string.h>

#include "boot/efi.h"
#include "boot/memmap.h"
#include "tests/unit/harness.h"

#define STRIDE 48 /* OVMF's descriptor size: larger than the struct (40 bytes) */

static uint8_t map[STRIDE * 16];
static int count;

static void add(uint32_t type, uint64_t base, uint64_t pages)
{
    EFI_MEMORY_DESCRIPTOR d = {.type = type, .physical_start = base, .number_of_pages = pages};
    memset(map + count * STRIDE, 0xa5, STRIDE); /* junk in the padding */
    memcpy(map + count * STRIDE, &d, sizeof d);
    count++;
}

static void test_types(void)
{
    CHECK_EQ(memmap_type(EFI_CONVENTIONAL_MEMORY), BOOTINFO_MEM_USABLE);
    CHECK_EQ(memmap_type(EFI_BOOT_SERVICES_DATA), BOOTINFO_MEM_LOADER);
    CHECK_EQ(memmap_type(EFI_LOADER_CODE), BOOTINFO_MEM_LOADER);
    CHECK_EQ(memmap_type(EFI_RUNTIME_SERVICES_CODE), BOOTINFO_MEM_RUNTIME);
    CHECK_EQ(memmap_type(EFI_ACPI_RECLAIM_MEMORY), BOOTINFO_MEM_ACPI_RECLAIM);
    CHECK_EQ(memmap_type(EFI_ACPI_MEMORY_NVS), BOOTINFO_MEM_ACPI_NVS);
    CHECK_EQ(memmap_type(EFI_UNUSABLE_MEMORY), BOOTINFO_MEM_BAD);
    CHECK_EQ(memmap_type(EFI_MEMORY_MAPPED_IO), BOOTINFO_MEM_MMIO);
    CHECK_EQ(memmap_type(MEMMAP_EFI_KERNEL_TYPE), BOOTINFO_MEM_KERNEL);
    CHECK_EQ(memmap_type(EFI_PERSISTENT_MEMORY), BOOTINFO_MEM_RESERVED);
    CHECK_EQ(memmap_type(0x80000001u), BOOTINFO_MEM_RESERVED);
}

static void test_sort_and_merge(void)
{
    struct bootinfo_mmap_entry out[16];
    count = 0;
    add(EFI_CONVENTIONAL_MEMORY, 0x200000, 16);      /* 0x200000-0x210000 */
    add(EFI_BOOT_SERVICES_DATA, 0x100000, 1);        /* 0x100000-0x101000 */
    add(EFI_CONVENTIONAL_MEMORY, 0x210000, 16);      /* touches the first: merged */
    add(EFI_LOADER_DATA, 0x101000, 2);               /* touches BS data: both LOADER, merged */
    add(EFI_CONVENTIONAL_MEMORY, 0x300000, 0);       /* empty: dropped */
    add(EFI_CONVENTIONAL_MEMORY, 0x400000, 1);       /* gap before: separate */
    add(MEMMAP_EFI_KERNEL_TYPE, 0x220000, 4);        /* touches but another type */
    uint32_t n = memmap_translate(map, (uint64_t)count * STRIDE, STRIDE, out);
    CHECK_EQ(n, 4);
    CHECK_EQ(out[0].base, 0x100000);
    CHECK_EQ(out[0].length, 0x3000);
    CHECK_EQ(out[0].type, BOOTINFO_MEM_LOADER);
    CHECK_EQ(out[1].base, 0x200000);
    CHECK_EQ(out[1].length, 0x20000);
    CHECK_EQ(out[1].type, BOOTINFO_MEM_USABLE);
    CHECK_EQ(out[2].base, 0x220000);
    CHECK_EQ(out[2].type, BOOTINFO_MEM_KERNEL);
    CHECK_EQ(out[3].base, 0x400000);
    for (uint32_t i = 1; i < n; i++)
        CHECK(out[i - 1].base + out[i - 1].length <= out[i].base);
}

static void test_partial_descriptor_ignored(void)
{
    struct bootinfo_mmap_entry out[16];
    count = 0;
    add(EFI_CONVENTIONAL_MEMORY, 0x1000, 1);
    add(EFI_CONVENTIONAL_MEMORY, 0x9000, 1);
    CHECK_EQ(memmap_translate(map, STRIDE + STRIDE / 2, STRIDE, out), 1);
    CHECK_EQ(memmap_translate(map, 0, STRIDE, out), 0);
}

static void test_ram_top(void)
{
    count = 0;
    add(EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100);
    add(EFI_MEMORY_MAPPED_IO, 0xfe000000, 0x1000);       /* MMIO does not count */
    add(EFI_RESERVED_MEMORY_TYPE, 0xfff00000, 0x100);    /* nor reserved */
    add(EFI_BOOT_SERVICES_CODE, 0x7f000000, 0x1000);     /* ends at 0x80000000 */
    CHECK_EQ(memmap_ram_top(map, (uint64_t)count * STRIDE, STRIDE), 0x80000000);
    add(EFI_CONVENTIONAL_MEMORY, 0x100000000ULL, 0x40000); /* RAM above 4 GiB */
    CHECK_EQ(memmap_ram_top(map, (uint64_t)count * STRIDE, STRIDE), 0x140000000ULL);
    CHECK_EQ(memmap_ram_top(map, 0, STRIDE), 0);
}

int main(int argc, char **argv)
{
    static const struct test_case tests[] = {
        {"memmap_types", test_types},
        {"memmap_sort_and_merge", test_sort_and_merge},
        {"memmap_partial_descriptor_ignored", test_partial_descriptor_ignored},
        {"memmap_ram_top", test_ram_top},
        {NULL, NULL},
    };
    return test_main(tests, argc, argv);
}
