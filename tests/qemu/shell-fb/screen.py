#!/usr/bin/env python3
"""tests/qemu/shell-fb/screen.py — checks text on the framebuffer console in QEMU screendumps (PPM P6),
drawn the way tools/psfrender.py draws a console row (same font, colours and cell layout).

    screen.py typed BEFORE.ppm AFTER.ppm TEXT
Passes (exit 0) when some text row of AFTER shows exactly TEXT (then background to the row's end)
and the same row of BEFORE does not: the typed line appeared on screen between the two shots.
Prints the row it found, or why not."""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import psf2c  # noqa: E402
import psfrender  # noqa: E402


def rows(path, font):
    """Yields (row, bytes of that text row), width cut to whole cells."""
    w, h, pixels = psfrender.read_ppm(path)
    gw, gh = font["width"], font["height"]
    width = w // gw * gw
    for r in range(h // gh):
        yield r, b"".join(pixels[(y * w) * 3:(y * w + width) * 3] for y in range(r * gh, (r + 1) * gh)), width


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "typed":
        sys.exit(__doc__)
    before, after, text = sys.argv[2:]
    font = psf2c.load(psfrender.built_font())
    fg, bg = psfrender.console_colours()
    before_rows = {r: data for r, data, _ in rows(before, font)}
    for r, data, width in rows(after, font):
        _, want = psfrender.render_row(font, text, width, fg, bg)
        if data == want:
            if before_rows.get(r) == want:
                print(f"screen: row {r} already showed {text!r} before typing")
                return 1
            print(f"screen: row {r} shows {text!r} pixel for pixel after typing, and did not before")
            return 0
    print(f"screen: no row of {after} shows {text!r}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
