/* kernel/arch/x86_64/mb2info.c — turns the Multiboot2 boot information (spec section 3.6) into the
 * struct bootinfo the UEFI loader would have passed (contract in mb2info.h). */
#include "kernel/arch/x86_64/mb2info.h"

#include "kernel/lib/string.h"
#include "kernel/mm/memlayout.h"

enum {
    TAG_END = 0,
    TAG_CMDLINE = 1,
    TAG_MMAP = 6,
    TAG_FRAMEBUFFER = 8,
    TAG_ACPI_OLD = 14,
    TAG_ACPI_NEW = 15,
};
enum { MB2_MEM_AVAILABLE = 1, MB2_MEM_ACPI = 3, MB2_MEM_NVS = 4, MB2_MEM_BAD = 5 };
enum { MB2_FB_INDEXED = 0, MB2_FB_RGB = 1, MB2_FB_EGA_TEXT = 2 };

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};
struct mb2_mmap_entry {
    uint64_t base, length;
    uint32_t type, reserved;
};
struct __attribute__((packed)) mb2_fb {
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp, type;
    uint16_t reserved;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

static uint32_t mem_type(uint32_t t)
{
    switch (t) {
    case MB2_MEM_AVAILABLE: return BOOTINFO_MEM_USABLE;
    case MB2_MEM_ACPI: return BOOTINFO_MEM_ACPI_RECLAIM;
    case MB2_MEM_NVS: return BOOTINFO_MEM_ACPI_NVS;
    case MB2_MEM_BAD: return BOOTINFO_MEM_BAD;
    default: return BOOTINFO_MEM_RESERVED;
    }
}

static uint32_t mask(uint8_t pos, uint8_t size)
{
    return size >= 32 ? 0xffffffffu : (((1u << size) - 1) << pos);
}

static void parse_fb(const struct mb2_fb *f, struct bootinfo_framebuffer *fb)
{
    if (f->type != MB2_FB_RGB)
        return; /* EGA text or indexed colour: no usable framebuffer */
    fb->addr = f->addr;
    fb->width = f->width;
    fb->height = f->height;
    fb->pitch = f->pitch;
    fb->bpp = f->bpp;
    fb->size = (uint64_t)f->pitch * f->height;
    fb->red_mask = mask(f->red_pos, f->red_size);
    fb->green_mask = mask(f->green_pos, f->green_size);
    fb->blue_mask = mask(f->blue_pos, f->blue_size);
    if (f->bpp == 32 && f->red_pos == 16 && f->green_pos == 8 && f->blue_pos == 0)
        fb->format = BOOTINFO_FB_BGRX;
    else if (f->bpp == 32 && f->red_pos == 0 && f->green_pos == 8 && f->blue_pos == 16)
        fb->format = BOOTINFO_FB_RGBX;
    else
        fb->format = BOOTINFO_FB_BITMASK;
}

static uint32_t parse_mmap(const struct mb2_tag *tag, struct bootinfo_mmap_entry *out, uint32_t max)
{
    const uint8_t *p = (const uint8_t *)tag + 16; /* type, size, entry_size, entry_version */
    uint32_t entry_size = ((const uint32_t *)tag)[2];
    const uint8_t *end = (const uint8_t *)tag + tag->size;
    uint32_t n = 0;
    if (entry_size < sizeof(struct mb2_mmap_entry))
        return 0;
    for (; p + entry_size <= end && n < max; p += entry_size) {
        const struct mb2_mmap_entry *e = (const void *)p;
        uint32_t type = mem_type(e->type);
        uint64_t base = e->base, top = e->base + e->length;
        if (type == BOOTINFO_MEM_USABLE) { /* usable: round inwards */
            base = (base + 4095) & ~4095ULL;
            top &= ~4095ULL;
        } else { /* everything else: round outwards */
            base &= ~4095ULL;
            top = (top + 4095) & ~4095ULL;
        }
        if (top <= base)
            continue;
        /* insertion sort by base */
        uint32_t i = n++;
        while (i > 0 && out[i - 1].base > base) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = (struct bootinfo_mmap_entry){ .base = base, .length = top - base, .type = type };
    }
    return n;
}

int mb2_parse(const void *info, struct bootinfo *bi, struct bootinfo_mmap_entry *mmap, uint32_t max,
              uint8_t *rsdp_copy)
{
    uint32_t total = *(const uint32_t *)info;
    const uint8_t *p = (const uint8_t *)info + 8, *end = (const uint8_t *)info + total;
    int rsdp_len = 0;
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *tag = (const void *)p;
        if (tag->type == TAG_END || tag->size < 8)
            break;
        const void *body = p + 8;
        uint32_t body_len = tag->size - 8;
        switch (tag->type) {
        case TAG_CMDLINE:
            strlcpy(bi->cmdline, body, body_len + 1 < sizeof bi->cmdline ? body_len + 1 : sizeof bi->cmdline);
            break;
        case TAG_MMAP:
            bi->mmap_count = parse_mmap(tag, mmap, max);
            break;
        case TAG_FRAMEBUFFER:
            if (body_len >= sizeof(struct mb2_fb))
                parse_fb(body, &bi->fb);
            break;
        case TAG_ACPI_NEW: /* an ACPI 2.0+ RSDP wins over the old one */
        case TAG_ACPI_OLD:
            if (body_len > 36)
                body_len = 36;
            if (tag->type == TAG_ACPI_NEW || rsdp_len == 0) {
                memcpy(rsdp_copy, body, body_len);
                rsdp_len = (int)body_len;
            }
            break;
        }
        p += (tag->size + 7) & ~7u;
    }
    return rsdp_len;
}

/* ---- kernel side: static storage, linker symbols ---- */
#define KPHYS(p) ((uint64_t)(p) - KERNEL_VBASE) /* valid under Multiboot2: kernel.ld's AT() */

static struct bootinfo mb2_bootinfo;
static struct bootinfo_mmap_entry mb2_mmap[MB2_MMAP_MAX];
static uint8_t mb2_rsdp[36] __attribute__((aligned(16)));

struct bootinfo *mb2_to_bootinfo(uint64_t magic, uint64_t info)
{
    struct bootinfo *bi = &mb2_bootinfo;
    if (magic != MB2_BOOTLOADER_MAGIC)
        return bi; /* magic stays 0: kmain reports it */
    bi->magic = BOOTINFO_MAGIC;
    bi->version = BOOTINFO_VERSION;
    bi->size = sizeof *bi;
    bi->protocol = BOOTINFO_PROTO_MULTIBOOT2;
    if (mb2_parse((const void *)info, bi, mb2_mmap, MB2_MMAP_MAX, mb2_rsdp) > 0)
        bi->acpi_rsdp = KPHYS(mb2_rsdp);
    bi->mmap_addr = KPHYS(mb2_mmap);
    bi->kernel_phys_base = KPHYS(__kernel_start);
    bi->kernel_phys_size = (uint64_t)(__kernel_end - __kernel_start);
    return bi;
}
