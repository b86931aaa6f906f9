/* kernel/gfx/fb.c — framebuffer pixels (contract in fb.h). */
#include "kernel/gfx/fb.h"

#include "kernel/lib/string.h"
#include "kernel/mm/memlayout.h"

static uint32_t shift_of(uint32_t mask)
{
    return mask ? (uint32_t)__builtin_ctz(mask) : 0;
}

bool fb_init(struct fb *fb, const struct bootinfo_framebuffer *info)
{
    if (info->format == BOOTINFO_FB_NONE || info->bpp != 32 || !info->addr || !info->width)
        return false;
    fb->pixels = phys_to_virt(info->addr);
    fb->width = info->width;
    fb->height = info->height;
    fb->pitch = info->pitch;
    fb->bpp = info->bpp;
    fb->format = info->format;
    fb->red_mask = info->red_mask;
    fb->green_mask = info->green_mask;
    fb->blue_mask = info->blue_mask;
    return true;
}

uint32_t fb_pack(const struct fb *fb, uint32_t rgb)
{
    uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
    switch (fb->format) {
    case BOOTINFO_FB_RGBX: return r | g << 8 | b << 16;
    case BOOTINFO_FB_BGRX: return b | g << 8 | r << 16;
    default:
        return (r << shift_of(fb->red_mask) & fb->red_mask) | (g << shift_of(fb->green_mask) & fb->green_mask) |
               (b << shift_of(fb->blue_mask) & fb->blue_mask);
    }
}

static uint32_t *row(const struct fb *fb, uint32_t y)
{
    return (uint32_t *)(fb->pixels + (uint64_t)y * fb->pitch);
}

/* Cuts the rectangle at (x, y) of *w by *h to the screen; false when nothing of it is on screen. */
static bool clip(const struct fb *fb, uint32_t x, uint32_t y, uint32_t *w, uint32_t *h)
{
    if (x >= fb->width || y >= fb->height)
        return false;
    if (*w > fb->width - x)
        *w = fb->width - x;
    if (*h > fb->height - y)
        *h = fb->height - y;
    return true;
}

void fb_fill(const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t rgb)
{
    if (!clip(fb, x, y, &w, &h))
        return;
    uint32_t px = fb_pack(fb, rgb);
    for (uint32_t j = 0; j < h; j++) {
        uint32_t *r = row(fb, y + j) + x;
        for (uint32_t i = 0; i < w; i++)
            r[i] = px;
    }
}

void fb_invert(const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    if (!clip(fb, x, y, &w, &h))
        return;
    uint32_t mask = fb_pack(fb, 0xffffff);
    for (uint32_t j = 0; j < h; j++) {
        uint32_t *r = row(fb, y + j) + x;
        for (uint32_t i = 0; i < w; i++)
            r[i] ^= mask;
    }
}

void fb_glyph(const struct fb *fb, const struct font *font, uint32_t x, uint32_t y, unsigned char c,
              uint32_t fg, uint32_t bg)
{
    if (x + font->width > fb->width || y + font->height > fb->height)
        return;
    const uint8_t *g = font_glyph(font, c);
    uint32_t pf = fb_pack(fb, fg), pb = fb_pack(fb, bg);
    for (uint32_t j = 0; j < font->height; j++) {
        uint32_t *r = row(fb, y + j) + x;
        const uint8_t *bits = g + j * font->row_bytes;
        for (uint32_t i = 0; i < font->width; i++)
            r[i] = (bits[i / 8] & (0x80 >> (i % 8))) ? pf : pb;
    }
}

void fb_scroll(const struct fb *fb, uint32_t dy, uint32_t bg)
{
    if (dy >= fb->height) {
        fb_fill(fb, 0, 0, fb->width, fb->height, bg);
        return;
    }
    memmove(fb->pixels, fb->pixels + (uint64_t)dy * fb->pitch, (uint64_t)(fb->height - dy) * fb->pitch);
    fb_fill(fb, 0, fb->height - dy, fb->width, dy, bg);
}
