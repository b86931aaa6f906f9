/* kernel/arch/x86_64/mb2info.h — Multiboot2 information -> struct bootinfo.
 *
 * Called once by multiboot2.S in 64-bit mode, before kmain, with the first 4 GiB identity-mapped.
 * Everything the kernel keeps (memory map, framebuffer, RSDP copy, command line) is copied into
 * kernel-owned static storage, so the Multiboot2 information itself need not be preserved. */
#ifndef KERNEL_ARCH_X86_64_MB2INFO_H
#define KERNEL_ARCH_X86_64_MB2INFO_H

#include <stdint.h>
#include <walos/bootinfo.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u /* in EAX at entry (Multiboot2 spec 3.2) */
#define MB2_MMAP_MAX 128                 /* memory-map entries kept; more are dropped */

/* Returns the kernel's static bootinfo filled from the information at `info` (physical =
 * virtual during boot). With a wrong magic, the returned struct has magic 0 and kmain reports it. */
struct bootinfo *mb2_to_bootinfo(uint64_t magic, uint64_t info);

/* The portable core, for host tests: parses the tags at `info` into `bi` (fields it finds) and
 * `mmap` (at most `max` entries, page-rounded, sorted by base; bi->mmap_count set, bi->mmap_addr
 * left to the caller). An ACPI RSDP tag is copied to `rsdp_copy` (36 bytes); returns its length,
 * 0 if none. */
int mb2_parse(const void *info, struct bootinfo *bi, struct bootinfo_mmap_entry *mmap, uint32_t max,
              uint8_t *rsdp_copy);

#endif
