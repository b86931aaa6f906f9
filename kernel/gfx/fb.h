/* kernel/gfx/fb.h — the linear framebuffer (GOP under UEFI, VBE through GRUB under BIOS).
 *
 * fb_init takes the bootinfo description and reaches the pixels through the direct map (vmm must
 * be up). Colours are 0xRRGGBB and are packed for the framebuffer's pixel format here, once. Drawing
 * clips to the screen. No locking: the console (the only user) serializes. */
#ifndef KERNEL_GFX_FB_H
#define KERNEL_GFX_FB_H

#include <stdint.h>
#include <stdbool.h>
#include <walos/bootinfo.h>

#include "kernel/gfx/font.h"

struct fb {
    uint8_t *pixels; /* virtual address of pixel (0, 0) */
    uint32_t width, height, pitch, bpp;
    uint32_t format; /* enum bootinfo_pixel_format */
    uint32_t red_mask, green_mask, blue_mask;
};

/* returns false when there is no usable framebuffer (none, or not 32 bpp) */
bool fb_init(struct fb *fb, const struct bootinfo_framebuffer *info);
uint32_t fb_pack(const struct fb *fb, uint32_t rgb);
void fb_fill(const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h, uint32_t rgb);
/* draws character c of font at pixel (x, y) in fg on bg */
void fb_glyph(const struct fb *fb, const struct font *font, uint32_t x, uint32_t y, unsigned char c,
              uint32_t fg, uint32_t bg);
/* inverts every colour bit of the pixels in the rectangle (clipped): a second call undoes it */
void fb_invert(const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h);
/* moves rows [dy, height) up by dy pixels and fills the freed bottom with bg */
void fb_scroll(const struct fb *fb, uint32_t dy, uint32_t bg);

#endif
