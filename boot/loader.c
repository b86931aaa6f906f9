/* boot/loader.c — the walos UEFI loader (BOOTX64.EFI), a PE32+ EFI application.
 *
 * Layer above: the firmware (OVMF under QEMU) starts us from \EFI\BOOT\BOOTX64.EFI. Layer below: the
 * kernel, entered with a struct bootinfo (include/walos/bootinfo.h states what it is promised).
 *
 * Steps, in order, each either done or a clear failure (fail(): message on screen through ConOut and on
 * COM1 through our own port I/O, then a hlt loop — never a silent hang, never a jump into garbage):
 *   1. open the volume we were loaded from (LoadedImage->DeviceHandle + Simple File System);
 *   2. read \walos\kernel.elf, check it fully (boot/elf_check.h), copy its PT_LOADs into one 2 MiB-aligned
 *      block below 4 GiB of our own memory type (so the map says BOOTINFO_MEM_KERNEL), zero the rest;
 *   3. the command line: QEMU fw_cfg "opt/walos/cmdline" when present (one image, many test command
 *      lines), otherwise \walos\cmdline, otherwise empty;
 *   4. GOP framebuffer (none: headless, said on screen), ACPI RSDP (2.0 preferred), the boot partition
 *      (GUID and start LBA from the device path's Hard Drive node), TSC at entry, our image base;
 *   5. page tables (boot/paging.h): identity map of the first 4 GiB, of all RAM and of the framebuffer
 *      (2 MiB pages), the kernel at its ELF virtual addresses (4 KiB pages); a 64 KiB stack;
 *   6. the memory map (allocated with room to spare first), ExitBootServices, retried with a fresh map
 *      when the map key changed; the map translated to bootinfo types, sorted and merged
 *      (boot/memmap.h);
 *   7. CR3, stack, RDI = bootinfo, jump to the ELF entry (System V ABI: entry sees RSP = 8 mod 16).
 *
 * Test switch: `loader.test-stale-key=N` on the command line makes the first N ExitBootServices calls
 * use a stale map key (tests/qemu/loader-ebs-*.test).
 *
 * Integers passed to say()/fail() are always uint64_t (this target's `long` is 32 bits). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/efi.h"
#include "boot/elf64.h"
#include "boot/elf_check.h"
#include "boot/memmap.h"
#include "boot/paging.h"
#include "walos/bootinfo.h"

#define KERNEL_PATH u"\\walos\\kernel.elf"
#define CMDLINE_PATH u"\\walos\\cmdline"
/* Test switch on the command line: hand ExitBootServices a stale map key N times, to exercise the
 * retry path (N >= EBS_TRIES ends in the "failed N times" error). */
#define TEST_STALE_KEY "loader.test-stale-key"
#define KERNEL_MAX_FILE (256ULL << 20)      /* refuse absurd kernel files */
#define BELOW_4G 0xffffffffULL
#define STACK_PAGES 16
#define EBS_TRIES 8
#define PAGE 4096ULL
#define MIB2 (2ULL << 20)
#define GIB (1ULL << 30)

#define CR4_LA57 (1ULL << 12)

/* COM1 (16550 UART) and QEMU fw_cfg ports */
#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THR_EMPTY 0x20
#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_CMDLINE_NAME "opt/walos/cmdline"

static struct {
    EFI_HANDLE image;
    EFI_SYSTEM_TABLE *st;
    EFI_BOOT_SERVICES *bs;
    int exited; /* boot services gone: COM1 only */
} boot;

/* ---- compiler support: clang may emit calls to these ------------------------------------------ */
void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

/* ---- port I/O and registers -------------------------------------------------------------------- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
static inline void halt_forever(void)
{
    for (;;)
        __asm__ volatile("hlt");
}

/* ---- output: COM1 (always) and ConOut (until boot services exit) ------------------------------ */
static void com1_putc(char c)
{
    for (int spin = 0; spin < 100000 && !(inb(COM1_LSR) & LSR_THR_EMPTY); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

static void put_line(const char *s, int error)
{
    for (const char *p = s; *p; p++) {
        if (*p == '\n')
            com1_putc('\r');
        com1_putc(*p);
    }
    if (boot.exited || !boot.st || !boot.st->con_out)
        return;
    CHAR16 wide[128];
    size_t n = 0;
    if (error)
        boot.st->con_out->set_attribute(boot.st->con_out, EFI_LIGHTRED);
    for (const char *p = s;; p++) {
        if (*p == '\n' || *p == 0 || n >= 124) {
            if (*p == '\n')
                wide[n++] = '\r', wide[n++] = '\n';
            wide[n] = 0;
            boot.st->con_out->output_string(boot.st->con_out, wide);
            n = 0;
            if (*p == 0)
                break;
            if (*p == '\n')
                continue;
        }
        wide[n++] = (CHAR16)(uint8_t)*p;
    }
    if (error)
        boot.st->con_out->set_attribute(boot.st->con_out, EFI_LIGHTGRAY);
}

/* Formats into buf: %s (const char *), %u and %x (uint64_t, %0Nx zero-pads), %c (int), %%. */
static void format(char *buf, size_t cap, const char *fmt, va_list ap)
{
    size_t n = 0;
#define EMIT(ch) do { if (n + 1 < cap) buf[n++] = (ch); } while (0)
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            EMIT(*f);
            continue;
        }
        f++;
        if (*f == 's') {
            const char *s = va_arg(ap, const char *);
            for (; s && *s; s++)
                EMIT(*s);
            continue;
        }
        int width = 0; /* %0Nx: zero-padded to N digits */
        if (*f == '0')
            for (f++; *f >= '0' && *f <= '9'; f++)
                width = width * 10 + (*f - '0');
        if (*f == 'u' || *f == 'x') {
            uint64_t v = va_arg(ap, uint64_t), base = *f == 'u' ? 10 : 16;
            char digits[24];
            int k = 0;
            do {
                digits[k++] = "0123456789abcdef"[v % base];
                v /= base;
            } while (v);
            while (width > k && width-- > 0)
                EMIT('0');
            while (k)
                EMIT(digits[--k]);
        } else if (*f == 'c') {
            EMIT((char)va_arg(ap, int));
        } else if (*f == '%') {
            EMIT('%');
        } else {
            break;
        }
    }
#undef EMIT
    buf[n] = 0;
}

/* One whole line per call (COM1 first, then ConOut), so that the two copies OVMF shows on its serial
 * console never interleave inside a line. */
static void say_line(const char *prefix, const char *fmt, va_list ap, int error)
{
    char buf[640];
    size_t n = 0;
    while (prefix[n] && n < 64) {
        buf[n] = prefix[n];
        n++;
    }
    format(buf + n, sizeof buf - n - 2, fmt, ap);
    while (buf[n])
        n++;
    buf[n++] = '\n';
    buf[n] = 0;
    put_line(buf, error);
}

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_line("walos-loader: ", fmt, ap, 0);
    va_end(ap);
}

/* The one failure exit: the reason on screen and COM1, then wait. Tests key on "walos-loader: error:". */
__attribute__((noreturn)) static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_line("walos-loader: error: ", fmt, ap, 1);
    va_end(ap);
    put_line("walos-loader: cannot boot walos; halted (fix the boot volume and reset)\n", 1);
    halt_forever();
    __builtin_unreachable();
}

static const char *status_text(EFI_STATUS s)
{
    switch (s) {
    case EFI_SUCCESS: return "success";
    case EFI_NOT_FOUND: return "not found";
    case EFI_OUT_OF_RESOURCES: return "out of resources";
    case EFI_INVALID_PARAMETER: return "invalid parameter";
    case EFI_UNSUPPORTED: return "unsupported";
    case EFI_DEVICE_ERROR: return "device error";
    case EFI_BUFFER_TOO_SMALL: return "buffer too small";
    default: return "error";
    }
}

/* ---- memory ------------------------------------------------------------------------------------ */
/* Zeroed pages below 4 GiB of the given type; fails the boot when there are none. */
static uint64_t alloc_pages(uint64_t pages, uint32_t type, const char *what)
{
    EFI_PHYSICAL_ADDRESS addr = BELOW_4G;
    EFI_STATUS s = boot.bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, type, pages, &addr);
    if (EFI_IS_ERROR(s))
        fail("cannot allocate %u KiB for %s: %s (EFI status 0x%x)", pages * 4, what, status_text(s), s);
    memset((void *)(uintptr_t)addr, 0, pages * PAGE);
    return addr;
}

/* ---- files ------------------------------------------------------------------------------------- */
static EFI_FILE_PROTOCOL *open_boot_volume(void)
{
    static const EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    static const EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
    EFI_LOADED_IMAGE_PROTOCOL *li;
    EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
    EFI_FILE_PROTOCOL *root;
    EFI_STATUS s = boot.bs->handle_protocol(boot.image, &loaded_image_guid, (void **)&li);
    if (EFI_IS_ERROR(s))
        fail("no LoadedImage protocol on our own image: %s", status_text(s));
    s = boot.bs->handle_protocol(li->device_handle, &fs_guid, (void **)&fs);
    if (EFI_IS_ERROR(s))
        fail("the boot device has no file system the firmware can read: %s", status_text(s));
    s = fs->open_volume(fs, &root);
    if (EFI_IS_ERROR(s))
        fail("cannot open the boot volume: %s (EFI status 0x%x)", status_text(s), s);
    return root;
}

/* Reads a whole file into fresh loader pages. Returns 0 and sets *data_out, *size_out; or the EFI
 * status of a failed open (the caller decides whether a missing file is fatal). Read errors are fatal. */
static EFI_STATUS read_file(EFI_FILE_PROTOCOL *root, const CHAR16 *path, const char *name, uint64_t max,
                            uint8_t **data_out, uint64_t *size_out)
{
    static const EFI_GUID info_guid = EFI_FILE_INFO_GUID;
    EFI_FILE_PROTOCOL *file;
    EFI_STATUS s = root->open(root, &file, path, EFI_FILE_MODE_READ, 0);
    if (EFI_IS_ERROR(s))
        return s;
    uint64_t info_buf[64]; /* EFI_FILE_INFO + name, 8-byte aligned */
    UINTN info_size = sizeof info_buf;
    s = file->get_info(file, &info_guid, &info_size, info_buf);
    if (EFI_IS_ERROR(s))
        fail("cannot stat %s: %s (EFI status 0x%x)", name, status_text(s), s);
    const EFI_FILE_INFO *info = (const EFI_FILE_INFO *)info_buf;
    if (info->attribute & EFI_FILE_DIRECTORY)
        fail("%s is a directory, not a file", name);
    uint64_t size = info->file_size;
    if (size > max)
        fail("%s is too large (%u bytes, at most %u)", name, size, max);
    uint8_t *data = (uint8_t *)(uintptr_t)alloc_pages((size + PAGE) / PAGE, EFI_LOADER_DATA, name);
    uint64_t done = 0;
    while (done < size) {
        UINTN chunk = size - done;
        s = file->read(file, &chunk, data + done);
        if (EFI_IS_ERROR(s))
            fail("cannot read %s at byte %u: %s (EFI status 0x%x)", name, done, status_text(s), s);
        if (chunk == 0)
            fail("%s: read stopped at byte %u of %u", name, done, size);
        done += chunk;
    }
    file->close(file);
    *data_out = data;
    *size_out = size;
    return EFI_SUCCESS;
}

/* ---- kernel ------------------------------------------------------------------------------------ */
struct kernel_image {
    uint64_t entry;
    uint64_t vlow, vhigh; /* page-aligned virtual span */
    uint64_t phys;        /* where vlow landed (2 MiB aligned) */
    uint64_t file_size;
    uint32_t segments;
};

static void load_kernel(EFI_FILE_PROTOCOL *root, struct kernel_image *k)
{
    uint8_t *file;
    uint64_t size;
    EFI_STATUS s = read_file(root, KERNEL_PATH, "\\walos\\kernel.elf", KERNEL_MAX_FILE, &file, &size);
    if (EFI_IS_ERROR(s))
        fail("cannot open \\walos\\kernel.elf on the boot volume: %s (EFI status 0x%x)", status_text(s), s);
    struct elf_check_info info;
    enum elf_check_err err = elf_check(file, size, BOOTINFO_KERNEL_VBASE, BOOTINFO_KERNEL_VEND, &info);
    if (err != ELF_CHECK_OK)
        fail("\\walos\\kernel.elf (%u bytes) is not a valid walos kernel: %s", size, elf_check_strerror(err));

    /* one block, 2 MiB aligned: allocate 511 pages extra, give back the unaligned head and the tail */
    uint64_t pages = (info.vhigh - info.vlow) / PAGE, extra = MIB2 / PAGE - 1;
    EFI_PHYSICAL_ADDRESS raw = BELOW_4G;
    s = boot.bs->allocate_pages(EFI_ALLOCATE_MAX_ADDRESS, MEMMAP_EFI_KERNEL_TYPE, pages + extra, &raw);
    if (EFI_IS_ERROR(s))
        fail("cannot allocate %u KiB for the kernel image: %s (EFI status 0x%x)", pages * 4, status_text(s), s);
    uint64_t phys = (raw + MIB2 - 1) & ~(MIB2 - 1);
    uint64_t head = (phys - raw) / PAGE, tail = extra - head;
    if (head)
        boot.bs->free_pages(raw, head);
    if (tail)
        boot.bs->free_pages(phys + pages * PAGE, tail);

    memset((void *)(uintptr_t)phys, 0, pages * PAGE); /* BSS and the gaps between segments */
    for (uint32_t i = 0; i < info.phnum; i++) {
        struct elf64_phdr ph;
        elf_check_phdr(file, &info, i, &ph);
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
            continue;
        memcpy((void *)(uintptr_t)(phys + (ph.p_vaddr - info.vlow)), file + ph.p_offset, ph.p_filesz);
    }
    boot.bs->free_pages((EFI_PHYSICAL_ADDRESS)(uintptr_t)file, (size + PAGE) / PAGE);
    *k = (struct kernel_image){
        .entry = info.entry, .vlow = info.vlow, .vhigh = info.vhigh, .phys = phys,
        .file_size = size, .segments = info.load_count,
    };
}

/* ---- command line ------------------------------------------------------------------------------ */
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

static void fw_cfg_read(void *dst, uint64_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = inb(FW_CFG_DATA);
}

/* QEMU's fw_cfg file "opt/walos/cmdline" (legacy I/O ports; docs/specs/fw_cfg.rst in QEMU) into out.
 * Returns 1 when found. Elsewhere the signature does not match and nothing is read. */
static int cmdline_from_fw_cfg(char *out, uint64_t cap)
{
    uint8_t sig[4], count_be[4], entry[64];
    outw(FW_CFG_SELECTOR, FW_CFG_SIGNATURE);
    fw_cfg_read(sig, 4);
    if (sig[0] != 'Q' || sig[1] != 'E' || sig[2] != 'M' || sig[3] != 'U')
        return 0;
    outw(FW_CFG_SELECTOR, FW_CFG_FILE_DIR);
    fw_cfg_read(count_be, 4);
    uint32_t count = be32(count_be);
    for (uint32_t i = 0; i < count && i < 4096; i++) {
        fw_cfg_read(entry, sizeof entry); /* be32 size, be16 select, be16 reserved, char name[56] */
        const char *name = (const char *)entry + 8, *want = FW_CFG_CMDLINE_NAME;
        int k = 0;
        while (k < 56 && want[k] && name[k] == want[k])
            k++;
        if (want[k] != 0 || name[k] != 0)
            continue;
        uint64_t size = be32(entry);
        uint16_t select = (uint16_t)(entry[4] << 8 | entry[5]);
        if (size > cap - 1)
            size = cap - 1;
        outw(FW_CFG_SELECTOR, select);
        fw_cfg_read(out, size);
        out[size] = 0;
        return 1;
    }
    return 0;
}

/* Keeps printable ASCII, turns newlines and tabs into spaces, trims trailing spaces. */
static void cmdline_clean(char *s)
{
    uint64_t n = 0;
    for (uint64_t i = 0; s[i]; i++) {
        char c = s[i];
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
        if (c >= ' ' && c <= '~')
            s[n++] = c;
    }
    while (n && s[n - 1] == ' ')
        n--;
    s[n] = 0;
}

static const char *load_cmdline(EFI_FILE_PROTOCOL *root, char *out, uint64_t cap)
{
    const char *source = "fw_cfg opt/walos/cmdline";
    if (!cmdline_from_fw_cfg(out, cap)) {
        uint8_t *data;
        uint64_t size;
        source = "\\walos\\cmdline";
        out[0] = 0;
        if (EFI_IS_ERROR(read_file(root, CMDLINE_PATH, "\\walos\\cmdline", 1ULL << 20, &data, &size))) {
            source = "none (no \\walos\\cmdline)";
        } else {
            uint64_t n = size < cap - 1 ? size : cap - 1;
            memcpy(out, data, n);
            out[n] = 0;
            boot.bs->free_pages((EFI_PHYSICAL_ADDRESS)(uintptr_t)data, (size + PAGE) / PAGE);
        }
    }
    cmdline_clean(out);
    return source;
}

/* The value N of a "NAME=N" word of the command line (decimal), 0 when absent. */
static uint64_t cmdline_number(const char *cmdline, const char *name)
{
    for (const char *p = cmdline; *p; p++) {
        if (p != cmdline && p[-1] != ' ')
            continue;
        const char *q = p, *n = name;
        while (*n && *q == *n)
            q++, n++;
        if (*n || *q != '=')
            continue;
        uint64_t v = 0;
        for (q++; *q >= '0' && *q <= '9'; q++)
            v = v * 10 + (uint64_t)(*q - '0');
        return v;
    }
    return 0;
}

/* ---- platform facts ---------------------------------------------------------------------------- */
static void find_framebuffer(struct bootinfo_framebuffer *fb)
{
    static const EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
    *fb = (struct bootinfo_framebuffer){.format = BOOTINFO_FB_NONE};
    if (EFI_IS_ERROR(boot.bs->locate_protocol(&gop_guid, NULL, (void **)&gop)) || !gop->mode ||
        !gop->mode->info) {
        say("no GOP framebuffer: booting headless (serial console only)");
        return;
    }
    const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = gop->mode->info;
    if (mi->pixel_format == EFI_PIXEL_BLT_ONLY) {
        say("GOP has no linear framebuffer (BLT only): booting headless (serial console only)");
        return;
    }
    fb->addr = gop->mode->frame_buffer_base;
    fb->size = gop->mode->frame_buffer_size;
    fb->width = mi->horizontal_resolution;
    fb->height = mi->vertical_resolution;
    fb->bpp = 32;
    fb->pitch = mi->pixels_per_scan_line * 4;
    if (mi->pixel_format == EFI_PIXEL_RGB_RESERVED_8BIT) {
        fb->format = BOOTINFO_FB_RGBX;
    } else if (mi->pixel_format == EFI_PIXEL_BGR_RESERVED_8BIT) {
        fb->format = BOOTINFO_FB_BGRX;
    } else {
        fb->format = BOOTINFO_FB_BITMASK;
        fb->red_mask = mi->red_mask, fb->green_mask = mi->green_mask, fb->blue_mask = mi->blue_mask;
    }
    say("framebuffer %ux%u pitch %u format %u at 0x%x", (uint64_t)fb->width, (uint64_t)fb->height,
        (uint64_t)fb->pitch, (uint64_t)fb->format, fb->addr);
}

static int guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (int i = 0; i < 16; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

static uint64_t find_rsdp(void)
{
    static const EFI_GUID acpi20 = EFI_ACPI_20_TABLE_GUID, acpi10 = EFI_ACPI_10_TABLE_GUID;
    uint64_t v1 = 0;
    for (UINTN i = 0; i < boot.st->number_of_table_entries; i++) {
        const EFI_CONFIGURATION_TABLE *t = &boot.st->configuration_table[i];
        if (guid_equal(&t->vendor_guid, &acpi20))
            return (uint64_t)(uintptr_t)t->vendor_table;
        if (guid_equal(&t->vendor_guid, &acpi10))
            v1 = (uint64_t)(uintptr_t)t->vendor_table;
    }
    return v1;
}

/* The Hard Drive node of our device path names the ESP; El Torito (CD-ROM node) leaves zeros. */
static void find_boot_partition(struct bootinfo *bi)
{
    static const EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
    EFI_LOADED_IMAGE_PROTOCOL *li;
    const uint8_t *node;
    if (EFI_IS_ERROR(boot.bs->handle_protocol(boot.image, &loaded_image_guid, (void **)&li)) ||
        EFI_IS_ERROR(boot.bs->handle_protocol(li->device_handle, &dp_guid, (void **)&node))) {
        say("boot device: no device path (partition unknown)");
        return;
    }
    for (int guard = 0; guard < 64 && node[0] != EFI_DP_TYPE_END; guard++) {
        uint16_t len = (uint16_t)(node[2] | node[3] << 8);
        if (len < 4)
            break;
        if (node[0] == EFI_DP_TYPE_MEDIA && node[1] == EFI_DP_SUB_HARD_DRIVE && len >= EFI_DP_HD_LENGTH &&
            node[EFI_DP_HD_SIGNATURE_TYPE] == 2) {
            memcpy(&bi->esp_start_lba, node + EFI_DP_HD_PARTITION_START, 8);
            memcpy(bi->esp_guid, node + EFI_DP_HD_SIGNATURE, 16);
            /* text form: the first three fields are little-endian on disk, the last two big-endian */
            const uint8_t *g = bi->esp_guid;
            uint64_t d1 = (uint64_t)g[3] << 24 | (uint64_t)g[2] << 16 | (uint64_t)g[1] << 8 | g[0];
            uint64_t d2 = (uint64_t)g[5] << 8 | g[4], d3 = (uint64_t)g[7] << 8 | g[6];
            uint64_t d4 = (uint64_t)g[8] << 8 | g[9], d5 = 0;
            for (int i = 10; i < 16; i++)
                d5 = d5 << 8 | g[i];
            say("boot partition GUID %08x-%04x-%04x-%04x-%012x start LBA %u", d1, d2, d3, d4, d5,
                bi->esp_start_lba);
            return;
        }
        if (node[0] == EFI_DP_TYPE_MEDIA && node[1] == EFI_DP_SUB_CDROM) {
            say("boot device: CD-ROM (El Torito), no GPT partition");
            return;
        }
        node += len;
    }
    say("boot device: no GPT partition in the device path");
}

/* ---- entry ------------------------------------------------------------------------------------- */
__attribute__((noreturn)) static void enter_kernel(uint64_t pml4, uint64_t stack_top, uint64_t entry,
                                                   struct bootinfo *bi)
{
    __asm__ volatile("cli\n\t"
                     "cld\n\t"
                     "mov %0, %%cr3\n\t"
                     "mov %1, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "pushq $0\n\t" /* fake return address: RSP = 8 mod 16 at entry, as after a call */
                     "jmp *%2\n\t"
                     :
                     : "r"(pml4), "r"(stack_top), "r"(entry), "D"(bi)
                     : "memory");
    __builtin_unreachable();
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
    uint64_t entry_tsc = rdtsc();
    boot.image = image;
    boot.st = st;
    boot.bs = st->boot_services;
    boot.bs->set_watchdog_timer(0, 0, 0, NULL); /* a failure message must stay on screen */

    static const EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
    EFI_LOADED_IMAGE_PROTOCOL *li = NULL;
    boot.bs->handle_protocol(image, &loaded_image_guid, (void **)&li);
    uint64_t image_base = li ? (uint64_t)(uintptr_t)li->image_base : 0;
    say("started (image base 0x%x, TSC %u)", image_base, entry_tsc);
    if (read_cr4() & CR4_LA57)
        fail("the firmware enabled 5-level paging (CR4.LA57); walos needs 4-level paging");

    EFI_FILE_PROTOCOL *root = open_boot_volume();
    struct kernel_image k;
    load_kernel(root, &k);
    say("kernel \\walos\\kernel.elf: %u bytes, %u segments, virtual 0x%x-0x%x at physical 0x%x, entry 0x%x",
        k.file_size, (uint64_t)k.segments, k.vlow, k.vhigh, k.phys, k.entry);

    /* bootinfo and its memory map share one allocation; sized from a first look at the map */
    UINTN map_size = 0, map_key, desc_size = 0;
    uint32_t desc_version;
    EFI_STATUS s = boot.bs->get_memory_map(&map_size, NULL, &map_key, &desc_size, &desc_version);
    if (s != EFI_BUFFER_TOO_SMALL || desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
        fail("GetMemoryMap gave no size: %s (EFI status 0x%x)", status_text(s), s);
    uint64_t map_cap = map_size + 64 * desc_size; /* our own allocations below add entries */
    uint64_t entries_cap = map_cap / desc_size;
    uint64_t bi_bytes = sizeof(struct bootinfo) + entries_cap * sizeof(struct bootinfo_mmap_entry);
    struct bootinfo *bi = (struct bootinfo *)(uintptr_t)alloc_pages((bi_bytes + PAGE - 1) / PAGE,
                                                                    EFI_LOADER_DATA, "bootinfo");
    struct bootinfo_mmap_entry *entries = (struct bootinfo_mmap_entry *)(bi + 1);
    uint8_t *map = (uint8_t *)(uintptr_t)alloc_pages((map_cap + PAGE - 1) / PAGE, EFI_LOADER_DATA,
                                                     "memory map");
    bi->magic = BOOTINFO_MAGIC;
    bi->version = BOOTINFO_VERSION;
    bi->size = sizeof(struct bootinfo);
    bi->protocol = BOOTINFO_PROTO_UEFI;
    bi->kernel_phys_base = k.phys;
    bi->kernel_phys_size = k.vhigh - k.vlow;
    bi->loader_base = image_base;
    bi->loader_entry_tsc = entry_tsc;
    const char *source = load_cmdline(root, bi->cmdline, sizeof bi->cmdline);
    say("command line (from %s): \"%s\"", source, bi->cmdline);
    root->close(root);
    find_framebuffer(&bi->fb);
    bi->acpi_rsdp = find_rsdp();
    if (bi->acpi_rsdp)
        say("ACPI RSDP at 0x%x", bi->acpi_rsdp);
    else
        say("no ACPI RSDP in the configuration table");
    find_boot_partition(bi);

    map_size = map_cap;
    s = boot.bs->get_memory_map(&map_size, (EFI_MEMORY_DESCRIPTOR *)map, &map_key, &desc_size, &desc_version);
    if (EFI_IS_ERROR(s))
        fail("GetMemoryMap failed: %s (EFI status 0x%x)", status_text(s), s);
    uint64_t top = memmap_ram_top(map, map_size, desc_size);
    if (top < 4 * GIB)
        top = 4 * GIB;
    if (bi->fb.addr + bi->fb.size > top) /* a framebuffer above 4 GiB stays reachable */
        top = bi->fb.addr + bi->fb.size;
    uint64_t pt_pages = paging_pages_needed(top, k.vlow, k.vhigh);
    uint64_t pml4 = paging_build((void *)(uintptr_t)alloc_pages(pt_pages, EFI_LOADER_DATA, "page tables"),
                                 pt_pages, top, k.vlow, k.vhigh, k.phys);
    if (!pml4)
        fail("cannot build page tables (loader bug)");
    uint64_t stack = alloc_pages(STACK_PAGES, EFI_LOADER_DATA, "the kernel's boot stack");
    uint64_t stale_keys = cmdline_number(bi->cmdline, TEST_STALE_KEY);
    say("exiting boot services; jumping to the kernel at 0x%x", k.entry);

    /* From here until ExitBootServices succeeds, only GetMemoryMap may be called: no output, no
     * allocation. A changed map key (an event allocated memory) means: take the map again, retry. */
    uint64_t tries = 0;
    for (;;) {
        map_size = map_cap;
        s = boot.bs->get_memory_map(&map_size, (EFI_MEMORY_DESCRIPTOR *)map, &map_key, &desc_size,
                                    &desc_version);
        if (EFI_IS_ERROR(s)) {
            boot.exited = tries > 0; /* after a failed ExitBootServices, ConOut is off limits */
            fail("GetMemoryMap failed before ExitBootServices: %s (EFI status 0x%x)", status_text(s), s);
        }
        s = boot.bs->exit_boot_services(image, tries < stale_keys ? map_key + 1 : map_key);
        tries++;
        if (!EFI_IS_ERROR(s))
            break;
        if (tries >= EBS_TRIES) {
            boot.exited = 1;
            fail("ExitBootServices failed %u times (memory map kept changing): %s", tries,
                 status_text(s));
        }
    }
    boot.exited = 1;
    if (tries > 1)
        say("ExitBootServices succeeded on try %u", tries);
    bi->mmap_count = memmap_translate(map, map_size, desc_size, entries);
    bi->mmap_addr = (uint64_t)(uintptr_t)entries;
    enter_kernel(pml4, stack + STACK_PAGES * PAGE, k.entry, bi);
}
