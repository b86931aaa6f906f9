#!/usr/bin/env python3
"""tests/qemu/storage/files.py — the files test=storage-write puts under /storage-test (kernel/storage.c
test_files[]; keep the two lists in step), and a checker for a folder they were copied into.

    files.py check DIR    exit 0 when DIR holds exactly those files with exactly those bytes
"""
import os
import sys


def pattern(size, seed):
    # kernel/storage.c pattern(): (uint8_t)(i * 31 + seed * 101 + (i >> 10))
    return bytes(((i * 31 + seed * 101 + (i >> 10)) & 0xFF) for i in range(size))


FILES = {
    "hello.txt": b"hello from walos\n",
    "empty": b"",
    "one-sector.bin": pattern(512, 1),
    "odd-size.bin": pattern(5000, 2),
    "big.bin": pattern((1 << 20) + 123, 3),
    "A long file name, with Mixed Case.txt": b"long names work\n",
    "sub/deeper/nested.bin": pattern(70000, 4),
}


def check(folder):
    bad = 0
    found = set()
    for dirpath, _, names in os.walk(folder):
        for n in names:
            found.add(os.path.relpath(os.path.join(dirpath, n), folder))
    for rel, want in FILES.items():
        path = os.path.join(folder, rel)
        if not os.path.isfile(path):
            print(f"missing: {rel}")
            bad += 1
            continue
        with open(path, "rb") as f:
            got = f.read()
        if got != want:
            first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
            print(f"differs: {rel}: {len(got)} bytes (want {len(want)}), first difference at {first}")
            bad += 1
        else:
            print(f"ok: {rel} ({len(got)} bytes)")
    for extra in sorted(found - set(FILES)):
        print(f"unexpected: {extra}")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "check":
        sys.exit(__doc__)
    sys.exit(check(sys.argv[2]))
