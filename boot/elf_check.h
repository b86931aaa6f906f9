/* boot/elf_check.h — validates a kernel ELF image before the loader trusts any byte of it.
 *
 * Pure C with no firmware dependency: boot/loader.c calls it on the file it read, and the host unit
 * test (tests/unit/boot/test_elf_check.c) feeds it crafted and damaged images.
 *
 * What "valid" means: ELF64, little-endian, version 1, ET_EXEC, EM_X86_64; program headers of the
 * expected size lying wholly inside the file; no PT_INTERP or PT_DYNAMIC; at least one PT_LOAD; for every
 * PT_LOAD, file data inside the file, p_filesz <= p_memsz, and [p_vaddr, p_vaddr + p_memsz) inside the
 * caller's virtual range; PT_LOADs do not overlap; the entry point lies inside an executable PT_LOAD.
 * Every sum is checked for overflow, so a hostile file cannot wrap an address around. */
#ifndef BOOT_ELF_CHECK_H
#define BOOT_ELF_CHECK_H

#include <stdint.h>

#define ELF_CHECK_MAX_PHNUM 64 /* more program headers than this is refused */

/* Results; 0 = OK. elf_check_strerror gives the text shown to the user. Keep in the order of the
 * message table in elf_check.c (grep ORDER ELF_CHECK). */
enum elf_check_err {
    ELF_CHECK_OK = 0,
    ELF_CHECK_SHORT,        /* file smaller than an ELF header */
    ELF_CHECK_MAGIC,        /* no 0x7f 'E' 'L' 'F' */
    ELF_CHECK_CLASS,        /* not ELFCLASS64 */
    ELF_CHECK_ENDIAN,       /* not little-endian */
    ELF_CHECK_VERSION,      /* e_ident version or e_version not 1 */
    ELF_CHECK_TYPE,         /* not ET_EXEC */
    ELF_CHECK_MACHINE,      /* not EM_X86_64 */
    ELF_CHECK_PHDRS,        /* program header table malformed or outside the file */
    ELF_CHECK_DYNAMIC,      /* PT_INTERP or PT_DYNAMIC present: the kernel must be static */
    ELF_CHECK_NO_LOAD,      /* no PT_LOAD segment */
    ELF_CHECK_FILESZ,       /* a PT_LOAD with p_filesz > p_memsz */
    ELF_CHECK_TRUNCATED,    /* a PT_LOAD's file data runs past the end of the file */
    ELF_CHECK_RANGE,        /* a PT_LOAD outside the allowed virtual range */
    ELF_CHECK_OVERLAP,      /* two PT_LOADs overlap */
    ELF_CHECK_ENTRY,        /* entry point not inside an executable PT_LOAD */
    ELF_CHECK_ERR_COUNT
};

/* What a valid image looks like, for the loader to size and place it. */
struct elf_check_info {
    uint64_t entry;     /* e_entry (virtual) */
    uint64_t vlow;      /* lowest PT_LOAD p_vaddr, rounded down to 4 KiB */
    uint64_t vhigh;     /* highest PT_LOAD p_vaddr + p_memsz, rounded up to 4 KiB */
    uint32_t load_count; /* PT_LOAD segments */
    uint32_t phnum;     /* program headers (all types) */
    uint64_t phoff;     /* file offset of the program header table */
};

/* Checks `size` bytes at `file` (which need no particular alignment) against the rules above, with
 * every PT_LOAD required inside [vbase, vend). Returns ELF_CHECK_OK and fills *info_out, or an error
 * (info_out then undefined). Reads only; never writes the file; keeps no pointer. */
enum elf_check_err elf_check(const void *file, uint64_t size, uint64_t vbase, uint64_t vend,
                             struct elf_check_info *info_out);

/* Reads program header `index` (< info->phnum) of a file elf_check accepted into *phdr_out. */
void elf_check_phdr(const void *file, const struct elf_check_info *info, uint32_t index,
                    void *phdr_out);

/* A one-line English description of `err`, never NULL (static storage). */
const char *elf_check_strerror(enum elf_check_err err);

#endif
