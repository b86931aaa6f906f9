/* boot/elf_check.c — validation of the kernel ELF image (contract in elf_check.h).
 *
 * Runs inside the UEFI loader (no libc: it copies headers out with its own byte loop, so neither the
 * file's alignment nor a memcpy symbol matters) and on the host in unit tests. */
#include "boot/elf_check.h"
#include "boot/elf64.h"

#define PAGE_MASK 0xfffULL

/* ORDER ELF_CHECK: one text per enum elf_check_err value. */
static const char *const messages[ELF_CHECK_ERR_COUNT] = {
    [ELF_CHECK_OK] = "ok",
    [ELF_CHECK_SHORT] = "file is shorter than an ELF header",
    [ELF_CHECK_MAGIC] = "not an ELF file (bad magic)",
    [ELF_CHECK_CLASS] = "not a 64-bit ELF file",
    [ELF_CHECK_ENDIAN] = "not a little-endian ELF file",
    [ELF_CHECK_VERSION] = "unknown ELF version",
    [ELF_CHECK_TYPE] = "not an ELF executable (e_type is not ET_EXEC)",
    [ELF_CHECK_MACHINE] = "not an x86-64 ELF file",
    [ELF_CHECK_PHDRS] = "program header table malformed or outside the file",
    [ELF_CHECK_DYNAMIC] = "dynamic ELF (PT_INTERP or PT_DYNAMIC): the kernel must be static",
    [ELF_CHECK_NO_LOAD] = "no PT_LOAD segment",
    [ELF_CHECK_FILESZ] = "segment with p_filesz larger than p_memsz",
    [ELF_CHECK_TRUNCATED] = "segment data past the end of the file (truncated file?)",
    [ELF_CHECK_RANGE] = "segment outside the kernel virtual range",
    [ELF_CHECK_OVERLAP] = "segments overlap",
    [ELF_CHECK_ENTRY] = "entry point outside the executable segments",
};

const char *elf_check_strerror(enum elf_check_err err)
{
    if ((unsigned)err >= ELF_CHECK_ERR_COUNT)
        return "unknown ELF check error";
    return messages[err];
}

static void copy_bytes(void *dst, const void *src, uint64_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
}

/* a + b <= limit, without overflow */
static int fits(uint64_t a, uint64_t b, uint64_t limit)
{
    return a <= limit && b <= limit - a;
}

void elf_check_phdr(const void *file, const struct elf_check_info *info, uint32_t index, void *phdr_out)
{
    const uint8_t *base = file;
    copy_bytes(phdr_out, base + info->phoff + (uint64_t)index * sizeof(struct elf64_phdr),
               sizeof(struct elf64_phdr));
}

static enum elf_check_err check_header(const struct elf64_ehdr *eh, uint64_t size)
{
    const uint8_t *id = eh->e_ident;
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
        return ELF_CHECK_MAGIC;
    if (id[ELF_EI_CLASS] != ELF_CLASS64)
        return ELF_CHECK_CLASS;
    if (id[ELF_EI_DATA] != ELF_DATA2LSB)
        return ELF_CHECK_ENDIAN;
    if (id[ELF_EI_VERSION] != ELF_EV_CURRENT || eh->e_version != ELF_EV_CURRENT)
        return ELF_CHECK_VERSION;
    if (eh->e_type != ELF_ET_EXEC)
        return ELF_CHECK_TYPE;
    if (eh->e_machine != ELF_EM_X86_64)
        return ELF_CHECK_MACHINE;
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > ELF_CHECK_MAX_PHNUM)
        return ELF_CHECK_PHDRS;
    if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size))
        return ELF_CHECK_PHDRS;
    return ELF_CHECK_OK;
}

static enum elf_check_err check_load(const struct elf64_phdr *ph, uint64_t size, uint64_t vbase,
                                     uint64_t vend)
{
    if (ph->p_filesz > ph->p_memsz)
        return ELF_CHECK_FILESZ;
    if (!fits(ph->p_offset, ph->p_filesz, size))
        return ELF_CHECK_TRUNCATED;
    if (ph->p_vaddr < vbase || !fits(ph->p_vaddr - vbase, ph->p_memsz, vend - vbase))
        return ELF_CHECK_RANGE;
    return ELF_CHECK_OK;
}

enum elf_check_err elf_check(const void *file, uint64_t size, uint64_t vbase, uint64_t vend,
                             struct elf_check_info *info_out)
{
    struct elf64_ehdr eh;
    struct elf64_phdr ph, other;
    enum elf_check_err err;

    if (size < sizeof(eh))
        return ELF_CHECK_SHORT;
    copy_bytes(&eh, file, sizeof(eh));
    err = check_header(&eh, size);
    if (err != ELF_CHECK_OK)
        return err;

    struct elf_check_info info = {
        .entry = eh.e_entry, .vlow = UINT64_MAX, .vhigh = 0, .phnum = eh.e_phnum, .phoff = eh.e_phoff,
    };
    int entry_ok = 0;
    for (uint32_t i = 0; i < info.phnum; i++) {
        elf_check_phdr(file, &info, i, &ph);
        if (ph.p_type == ELF_PT_INTERP || ph.p_type == ELF_PT_DYNAMIC)
            return ELF_CHECK_DYNAMIC;
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
            continue;
        err = check_load(&ph, size, vbase, vend);
        if (err != ELF_CHECK_OK)
            return err;
        /* overlap with any earlier PT_LOAD: both are inside [vbase, vend), so no sum wraps */
        for (uint32_t j = 0; j < i; j++) {
            elf_check_phdr(file, &info, j, &other);
            if (other.p_type != ELF_PT_LOAD || other.p_memsz == 0)
                continue;
            if (ph.p_vaddr < other.p_vaddr + other.p_memsz && other.p_vaddr < ph.p_vaddr + ph.p_memsz)
                return ELF_CHECK_OVERLAP;
        }
        if ((ph.p_flags & ELF_PF_X) && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz)
            entry_ok = 1;
        uint64_t lo = ph.p_vaddr & ~PAGE_MASK;
        uint64_t hi = (ph.p_vaddr + ph.p_memsz + PAGE_MASK) & ~PAGE_MASK; /* vend is page-aligned */
        if (lo < info.vlow)
            info.vlow = lo;
        if (hi > info.vhigh)
            info.vhigh = hi;
        info.load_count++;
    }
    if (info.load_count == 0)
        return ELF_CHECK_NO_LOAD;
    if (!entry_ok)
        return ELF_CHECK_ENTRY;
    *info_out = info;
    return ELF_CHECK_OK;
}
