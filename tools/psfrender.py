#!/usr/bin/env python3
"""Host renderer for the kernel console's screenshot test.

    psfrender.py compare SHOT.ppm TEXT [--row N] [--font PSF] [--out EXPECTED.ppm]
    psfrender.py render TEXT OUT.ppm [--font PSF] [--width W]

`compare` draws TEXT as console row N would show it (cell (col, row) at pixel (col * glyph width,
row * glyph height), CONSOLE_FG on CONSOLE_BG, both read from kernel/gfx/console.h) with the same PSF
font the kernel build converted (named in the first line of build/kernel/gen/font.c), and compares
that row of the QEMU screendump (PPM P6) pixel by pixel, the rest of the row included (it must be
background). Exit 0 when every pixel matches; otherwise prints the mismatch count and the first
differing pixels, and writes the expected row to --out if given."""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import psf2c  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def console_colours():
    text = open(os.path.join(ROOT, "kernel/gfx/console.h")).read()
    fg = int(re.search(r"#define CONSOLE_FG (0x[0-9a-fA-F]+)", text).group(1), 16)
    bg = int(re.search(r"#define CONSOLE_BG (0x[0-9a-fA-F]+)", text).group(1), 16)
    return [(c >> 16 & 255, c >> 8 & 255, c & 255) for c in (fg, bg)]


def built_font():
    gen = os.path.join(ROOT, "build/kernel/gen/font.c")
    first = open(gen).readline()
    m = re.search(r"from (\S+): do not edit", first)
    if not m:
        raise SystemExit("psfrender: cannot tell the font from %s" % gen)
    return m.group(1)


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval (comments not expected from QEMU)
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise SystemExit("psfrender: %s is not a P6 PPM with maxval 255" % path)
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


def render_row(font, text, width, fg, bg):
    """returns (height, bytes of a width x height RGB image)"""
    gw, gh, rb = font["width"], font["height"], font["row_bytes"]
    img = bytearray(bytes(bg) * (width * gh))
    for col, ch in enumerate(text):
        code = ord(ch) if ord(ch) < 256 else ord("?")
        glyph = font["glyphs"][font["map"][code]]
        x0 = col * gw
        if x0 + gw > width:
            break
        for y in range(gh):
            for x in range(gw):
                on = glyph[y * rb + x // 8] & (0x80 >> (x % 8))
                p = (y * width + x0 + x) * 3
                img[p:p + 3] = bytes(fg if on else bg)
    return gh, bytes(img)


def write_ppm(path, w, h, pixels):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + pixels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["compare", "render"])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--row", type=int, default=0)
    ap.add_argument("--font")
    ap.add_argument("--out")
    ap.add_argument("--width", type=int, default=1024)
    args = ap.parse_args()
    font = psf2c.load(args.font or built_font())
    fg, bg = console_colours()
    if args.mode == "render":
        h, img = render_row(font, args.a, args.width, fg, bg)
        write_ppm(args.b, args.width, h, img)
        return 0
    w, h, shot = read_ppm(args.a)
    cols = w // font["width"]
    width = cols * font["width"]
    gh, want = render_row(font, args.b, width, fg, bg)
    y0 = args.row * gh
    if y0 + gh > h:
        print("psfrender: screendump %dx%d has no row %d" % (w, h, args.row))
        return 1
    bad = []
    for y in range(gh):
        line = shot[((y0 + y) * w) * 3:((y0 + y) * w + width) * 3]
        exp = want[y * width * 3:(y + 1) * width * 3]
        if line != exp:
            for x in range(width):
                if line[x * 3:x * 3 + 3] != exp[x * 3:x * 3 + 3]:
                    bad.append((x, y0 + y, tuple(line[x * 3:x * 3 + 3]), tuple(exp[x * 3:x * 3 + 3])))
    if args.out:
        write_ppm(args.out, width, gh, want)
    if bad:
        print("psfrender: %d of %d pixels differ in row %d; first: %s" % (len(bad), width * gh, args.row,
              ", ".join("(%d,%d) got %s want %s" % b for b in bad[:5])))
        return 1
    print("psfrender: row %d matches %r pixel for pixel (%dx%d, font %dx%d)" % (
        args.row, args.b, width, gh, font["width"], font["height"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
