/* struct bootinfo: what a boot entry hands the kernel.
 *
 * Both entries fill it the same way: the UEFI loader (boot/loader.c) and the kernel's own Multiboot2
 * entry (GRUB, BIOS or EFI). The kernel copies what it keeps out of it early, then reclaims the memory
 * the loader used (BOOTINFO_MEM_LOADER ranges, which include this struct and the memory map).
 *
 * Addresses are physical. At the jump into the kernel, the loader guarantees: long mode, paging on with
 * the kernel's PT_LOAD segments mapped at their ELF virtual addresses and the first 4 GiB identity-mapped
 * (so this struct, the memory map and the command line are reachable through their physical
 * addresses), interrupts off, a valid stack, and boot services exited.
 *
 * Details of the UEFI loader's side (boot/loader.c), for the kernel's early code:
 *   - entry is called like a System V function `void entry(struct bootinfo *bi)`: RDI = bi, RSP = 8 mod
 *     16, RBP = 0, a zero return address on the stack (do not return), direction flag clear;
 *   - the identity map covers the first 4 GiB and all RAM above it (2 MiB pages); the kernel's PT_LOADs
 *     are mapped with 4 KiB pages, all present and writable, no NX;
 *   - the kernel sits in one physically contiguous, 2 MiB-aligned block (kernel_phys_base, typed
 *     BOOTINFO_MEM_KERNEL in the map): physical = virtual - (lowest PT_LOAD p_vaddr rounded down to 4 KiB)
 *     + kernel_phys_base. p_paddr is ignored on UEFI (GRUB uses it under Multiboot2);
 *   - the boot stack (64 KiB), the page tables, this struct, the memory map, and the GDT/IDT the firmware
 *     left loaded all live in BOOTINFO_MEM_LOADER memory: load your own GDT, IDT, stack and CR3 before
 *     reusing those ranges;
 *   - cmdline comes from QEMU fw_cfg "opt/walos/cmdline" when present, else \walos\cmdline.
 *
 * Versioning: `magic` first, then `version` and `size`. A new field is added at the end and bumps
 * `version`; the kernel refuses a magic or version it does not know, with a message on COM1. */
#ifndef WALOS_BOOTINFO_H
#define WALOS_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC   0x544f4f42534f4c57ULL /* "WLOSBOOT" little-endian */
#define BOOTINFO_VERSION 1
#define BOOTINFO_CMDLINE_MAX 512

/* Kernel virtual range: every PT_LOAD of kernel.elf must lie inside it (the loader checks). */
#define BOOTINFO_KERNEL_VBASE 0xffffffff80000000ULL
#define BOOTINFO_KERNEL_VEND  0xffffffffc0000000ULL

enum bootinfo_protocol {
    BOOTINFO_PROTO_UEFI = 1,       /* boot/loader.c */
    BOOTINFO_PROTO_MULTIBOOT2 = 2, /* kernel's Multiboot2 entry (GRUB) */
};

/* Memory-map entry types, already translated from UEFI or Multiboot2 types. */
enum bootinfo_mem_type {
    BOOTINFO_MEM_USABLE = 1,       /* free RAM */
    BOOTINFO_MEM_RESERVED = 2,     /* never touch */
    BOOTINFO_MEM_ACPI_RECLAIM = 3, /* ACPI tables; usable once they are parsed */
    BOOTINFO_MEM_ACPI_NVS = 4,     /* firmware-owned, keep */
    BOOTINFO_MEM_LOADER = 5,       /* loader/boot-services memory incl. this struct: free after copying */
    BOOTINFO_MEM_KERNEL = 6,       /* the kernel image as loaded */
    BOOTINFO_MEM_BAD = 7,          /* faulty RAM */
    BOOTINFO_MEM_RUNTIME = 8,      /* UEFI runtime services code/data, keep */
    BOOTINFO_MEM_MMIO = 9,         /* memory-mapped I/O, not RAM */
};

struct bootinfo_mmap_entry {
    uint64_t base;   /* physical start, page-aligned */
    uint64_t length; /* bytes, multiple of 4096 */
    uint32_t type;   /* enum bootinfo_mem_type */
    uint32_t reserved;
};

enum bootinfo_pixel_format {
    BOOTINFO_FB_NONE = 0,  /* no framebuffer (headless): fb fields are zero */
    BOOTINFO_FB_RGBX = 1,  /* byte 0 red, 1 green, 2 blue, 3 reserved */
    BOOTINFO_FB_BGRX = 2,  /* byte 0 blue, 1 green, 2 red, 3 reserved (the usual one on OVMF) */
    BOOTINFO_FB_BITMASK = 3, /* use the masks */
};

struct bootinfo_framebuffer {
    uint64_t addr;   /* physical base */
    uint64_t size;   /* bytes */
    uint32_t width;  /* pixels */
    uint32_t height; /* pixels */
    uint32_t pitch;  /* bytes per scan line */
    uint32_t bpp;    /* bits per pixel (32 for RGBX/BGRX) */
    uint32_t format; /* enum bootinfo_pixel_format */
    uint32_t red_mask, green_mask, blue_mask; /* BOOTINFO_FB_BITMASK only */
};

struct bootinfo {
    uint64_t magic;       /* BOOTINFO_MAGIC */
    uint32_t version;     /* BOOTINFO_VERSION */
    uint32_t size;        /* sizeof(struct bootinfo) as the loader knew it */
    uint32_t protocol;    /* enum bootinfo_protocol */
    uint32_t mmap_count;  /* entries at mmap_addr */
    uint64_t mmap_addr;   /* physical address of struct bootinfo_mmap_entry[mmap_count], sorted by base */
    struct bootinfo_framebuffer fb;
    uint64_t acpi_rsdp;   /* physical address of the RSDP (ACPI 2.0+ preferred), 0 if none */
    uint64_t kernel_phys_base; /* where the lowest PT_LOAD landed */
    uint64_t kernel_phys_size; /* bytes from kernel_phys_base to the end of the highest PT_LOAD */
    uint64_t loader_base;      /* the loader's own image base (for debugging), 0 under Multiboot2 */
    uint64_t loader_entry_tsc; /* TSC when the loader started (boot-time report), 0 if unknown */
    /* Boot device: the ESP the loader was started from. Zero under Multiboot2: the kernel then takes
     * the first EFI System Partition it finds. */
    uint8_t esp_guid[16];      /* GPT unique partition GUID, on-disk byte order */
    uint64_t esp_start_lba;    /* first LBA of that partition */
    char cmdline[BOOTINFO_CMDLINE_MAX]; /* NUL-terminated kernel command line (\walos\cmdline) */
};

#endif
