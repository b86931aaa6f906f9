/* boot/memmap.c — UEFI memory map translation (contract in memmap.h). */
#include "boot/memmap.h"
#include "boot/efi.h"

uint32_t memmap_type(uint32_t efi_type)
{
    switch (efi_type) {
    case EFI_CONVENTIONAL_MEMORY:
        return BOOTINFO_MEM_USABLE;
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
        return BOOTINFO_MEM_LOADER;
    case EFI_RUNTIME_SERVICES_CODE:
    case EFI_RUNTIME_SERVICES_DATA:
        return BOOTINFO_MEM_RUNTIME;
    case EFI_ACPI_RECLAIM_MEMORY:
        return BOOTINFO_MEM_ACPI_RECLAIM;
    case EFI_ACPI_MEMORY_NVS:
        return BOOTINFO_MEM_ACPI_NVS;
    case EFI_UNUSABLE_MEMORY:
        return BOOTINFO_MEM_BAD;
    case EFI_MEMORY_MAPPED_IO:
    case EFI_MEMORY_MAPPED_IO_PORT_SPACE:
        return BOOTINFO_MEM_MMIO;
    case MEMMAP_EFI_KERNEL_TYPE:
        return BOOTINFO_MEM_KERNEL;
    default: /* reserved, PAL code, persistent and unaccepted memory, other OS types */
        return BOOTINFO_MEM_RESERVED;
    }
}

uint64_t memmap_ram_top(const void *map, uint64_t map_size, uint64_t desc_size)
{
    const uint8_t *bytes = map;
    uint64_t top = 0;
    for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)(bytes + off);
        uint32_t type = memmap_type(d->type);
        if (type == BOOTINFO_MEM_MMIO || type == BOOTINFO_MEM_RESERVED)
            continue;
        uint64_t end = d->physical_start + d->number_of_pages * EFI_PAGE_SIZE;
        if (end > top)
            top = end;
    }
    return top;
}

/* Insertion sort: maps hold a few hundred entries, and it needs no memory. */
uint32_t memmap_translate(const void *map, uint64_t map_size, uint64_t desc_size,
                          struct bootinfo_mmap_entry *out)
{
    const uint8_t *bytes = map;
    uint32_t n = 0;
    for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)(bytes + off);
        if (d->number_of_pages == 0)
            continue;
        struct bootinfo_mmap_entry e = {
            .base = d->physical_start,
            .length = d->number_of_pages * EFI_PAGE_SIZE,
            .type = memmap_type(d->type),
        };
        uint32_t i = n++;
        while (i > 0 && out[i - 1].base > e.base) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = e;
    }
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (m > 0 && out[m - 1].type == out[i].type && out[m - 1].base + out[m - 1].length == out[i].base)
            out[m - 1].length += out[i].length;
        else
            out[m++] = out[i];
    }
    return m;
}
