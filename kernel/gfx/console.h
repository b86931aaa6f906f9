/* kernel/gfx/console.h — the framebuffer text console: a grid of font cells with a cursor,
 * scrolling, and colours.
 *
 * console_write understands \n, \r, \t, \b and the ANSI SGR escapes ESC[0m, ESC[3Nm / ESC[9Nm
 * (foreground), ESC[4Nm (background), ESC[39m / ESC[49m, and the line editor's ESC[K (erase to the
 * end of the line), ESC[ND / ESC[NC (cursor N cells back / forward); other escapes are dropped. It is printk's
 * second sink (printk_set_console), called with interrupts off, so it needs no lock of its own.
 * The layout is fixed so that tools/psfrender.py can redraw the expected screen on the host: cell
 * (col, row) is at pixel (col * font width, row * font height), CONSOLE_FG on CONSOLE_BG. The cursor
 * is the bottom two pixel rows of its cell, inverted, drawn after each console_write (a row that
 * holds it differs from psfrender's drawing there). */
#ifndef KERNEL_GFX_CONSOLE_H
#define KERNEL_GFX_CONSOLE_H

#include <stdbool.h>
#include <walos/bootinfo.h>

#define CONSOLE_FG 0xd0d0d0 /* light grey */
#define CONSOLE_BG 0x000000

/* clears the screen; false when there is no usable framebuffer (the console then stays off) */
bool console_init(const struct bootinfo_framebuffer *info);
void console_write(const char *s, unsigned long n);
void console_set_colors(unsigned fg_rgb, unsigned bg_rgb);
/* columns and rows of the text grid (0 when off) */
unsigned console_cols(void);
unsigned console_rows(void);

#endif
