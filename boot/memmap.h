/* boot/memmap.h — the UEFI memory map turned into struct bootinfo's (include/walos/bootinfo.h).
 *
 * Pure functions over a GetMemoryMap buffer (entries `desc_size` bytes apart, which may exceed
 * sizeof(EFI_MEMORY_DESCRIPTOR)): no firmware call and no allocation, so the loader can run them after
 * ExitBootServices, and the host unit test (tests/unit/boot/test_memmap.c) can feed them made-up maps. */
#ifndef BOOT_MEMMAP_H
#define BOOT_MEMMAP_H

#include <stdint.h>

#include "walos/bootinfo.h"

/* The OS-loader memory type (UEFI reserves 0x80000000 and up for OS loaders) the loader allocates the
 * kernel image with, so that the map reports it as BOOTINFO_MEM_KERNEL. 'W' for walos. */
#define MEMMAP_EFI_KERNEL_TYPE 0x80000057u

/* enum bootinfo_mem_type for an EFI memory type: free RAM is USABLE; loader and boot-services code
 * and data are LOADER (the kernel frees them once it copied what it needs); unknown types RESERVED. */
uint32_t memmap_type(uint32_t efi_type);

/* The highest end address of any range that is not MMIO or reserved (0 for an empty map). */
uint64_t memmap_ram_top(const void *map, uint64_t map_size, uint64_t desc_size);

/* Writes the translated map into out[] (room for map_size / desc_size entries), sorted by base, with
 * empty ranges dropped and touching ranges of one type merged. Returns the number written. */
uint32_t memmap_translate(const void *map, uint64_t map_size, uint64_t desc_size,
                          struct bootinfo_mmap_entry *out);

#endif
