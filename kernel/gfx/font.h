/* kernel/gfx/font.h — the console's bitmap font, generated at build time from a Debian PSF console
 * font by tools/psf2c.py ($(BUILD)/kernel/gen/font.c; kernel/rules.mk names the font). Read-only. */
#ifndef KERNEL_GFX_FONT_H
#define KERNEL_GFX_FONT_H

#include <stdint.h>

struct font {
    uint32_t width, height; /* pixels per glyph */
    uint32_t row_bytes;     /* bytes per glyph row; the leftmost pixel is the top bit of byte 0 */
    uint32_t glyph_bytes;   /* bytes per glyph */
    const uint8_t *glyphs;  /* glyph_bytes per glyph */
    uint16_t map[256];      /* Latin-1 code point -> glyph index */
};

extern const struct font font_default;

/* the bitmap of code point c (0..255) */
static inline const uint8_t *font_glyph(const struct font *f, unsigned char c)
{
    return f->glyphs + (uint32_t)f->map[c] * f->glyph_bytes;
}

#endif
