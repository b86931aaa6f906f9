/* kernel/gfx/console.c — text console over kernel/gfx/fb.c with the build-time font (font.h).
 * Contract in console.h. */
#include "kernel/gfx/console.h"

#include "kernel/gfx/fb.h"
#include "kernel/gfx/font.h"

/* the 16 ANSI colours (VGA palette) */
static const unsigned palette[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
    0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

static struct {
    bool on;
    struct fb fb;
    const struct font *font;
    unsigned cols, rows;
    unsigned x, y;      /* cursor cell */
    unsigned fg, bg;
    bool cursor;        /* the cursor is drawn at (cursor_x, cursor_y) */
    unsigned cursor_x, cursor_y;
    int esc;            /* 0 none, 1 after ESC, 2 inside ESC[ */
    unsigned params[4];
    unsigned nparams;
} con;

bool console_init(const struct bootinfo_framebuffer *info)
{
    if (!fb_init(&con.fb, info))
        return false;
    con.font = &font_default;
    con.cols = con.fb.width / con.font->width;
    con.rows = con.fb.height / con.font->height;
    con.x = con.y = 0;
    con.cursor = false;
    con.fg = CONSOLE_FG;
    con.bg = CONSOLE_BG;
    fb_fill(&con.fb, 0, 0, con.fb.width, con.fb.height, con.bg);
    con.on = true;
    return true;
}

unsigned console_cols(void) { return con.on ? con.cols : 0; }
unsigned console_rows(void) { return con.on ? con.rows : 0; }

void console_set_colors(unsigned fg, unsigned bg)
{
    con.fg = fg;
    con.bg = bg;
}

static void newline(void)
{
    con.x = 0;
    if (++con.y >= con.rows) {
        fb_scroll(&con.fb, con.font->height, con.bg);
        con.y = con.rows - 1;
    }
}

static void put(unsigned char c)
{
    switch (c) {
    case '\n': newline(); return;
    case '\r': con.x = 0; return;
    case '\t':
        do
            put(' ');
        while (con.x % 8);
        return;
    case '\b':
        if (con.x)
            con.x--;
        return;
    }
    if (c < 0x20)
        return;
    if (con.x >= con.cols)
        newline();
    fb_glyph(&con.fb, con.font, con.x * con.font->width, con.y * con.font->height, c, con.fg, con.bg);
    con.x++;
}

static void sgr(unsigned p)
{
    if (p == 0) {
        con.fg = CONSOLE_FG;
        con.bg = CONSOLE_BG;
    } else if (p >= 30 && p <= 37) {
        con.fg = palette[p - 30];
    } else if (p >= 90 && p <= 97) {
        con.fg = palette[p - 90 + 8];
    } else if (p >= 40 && p <= 47) {
        con.bg = palette[p - 40];
    } else if (p == 39) {
        con.fg = CONSOLE_FG;
    } else if (p == 49) {
        con.bg = CONSOLE_BG;
    }
}

/* The end of a CSI sequence: SGR (m) colours; K, D and C are what the shell's line editor sends
 * (srv/shell/lineedit.c): erase to the end of the line, cursor N cells back, N cells forward. */
static void csi(unsigned char final)
{
    unsigned n = con.nparams && con.params[0] ? con.params[0] : 1;
    if (final == 'm') {
        if (con.nparams == 0)
            sgr(0);
        for (unsigned k = 0; k < con.nparams; k++)
            sgr(con.params[k]);
    } else if (final == 'K' && (con.nparams == 0 || con.params[0] == 0) && con.x < con.cols) {
        fb_fill(&con.fb, con.x * con.font->width, con.y * con.font->height,
                (con.cols - con.x) * con.font->width, con.font->height, con.bg);
    } else if (final == 'D') {
        con.x = n < con.x ? con.x - n : 0;
    } else if (final == 'C') {
        con.x = con.x + n < con.cols ? con.x + n : con.cols - 1;
    }
}

/* The cursor: the bottom CURSOR_LINES pixel rows of its cell, inverted (so drawing it twice erases it,
 * whatever the cell shows). */
#define CURSOR_LINES 2
static void cursor_flip(void)
{
    fb_invert(&con.fb, con.cursor_x * con.font->width,
              con.cursor_y * con.font->height + con.font->height - CURSOR_LINES, con.font->width,
              CURSOR_LINES);
}

void console_write(const char *s, unsigned long n)
{
    if (!con.on)
        return;
    if (con.cursor) /* erased before anything moves: a scroll would carry it along */
        cursor_flip();
    con.cursor = false;
    for (unsigned long i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (con.esc == 1) {
            con.esc = c == '[' ? 2 : 0;
            con.nparams = 0;
            con.params[0] = 0;
            continue;
        }
        if (con.esc == 2) {
            if (c >= '0' && c <= '9') {
                if (con.nparams == 0)
                    con.nparams = 1;
                con.params[con.nparams - 1] = con.params[con.nparams - 1] * 10 + (c - '0');
            } else if (c == ';') {
                if (con.nparams == 0)
                    con.nparams = 1;
                if (con.nparams < 4)
                    con.params[con.nparams++] = 0;
            } else {
                csi(c);
                con.esc = 0;
            }
            continue;
        }
        if (c == 0x1b) {
            con.esc = 1;
            continue;
        }
        put(c);
    }
    if (con.x < con.cols) { /* at x == cols the next character wraps: no cell to mark yet */
        con.cursor_x = con.x;
        con.cursor_y = con.y;
        con.cursor = true;
        cursor_flip();
    }
}
