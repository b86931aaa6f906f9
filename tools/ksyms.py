#!/usr/bin/env python3
"""Turns `llvm-nm -n --defined-only kernel.elf` output (stdin) into the kernel's symbol table, an
assembly file (stdout) defining ksyms_count and ksyms_entries[] in section .ksyms, as declared in
kernel/ksyms.h: entries {uint64 address, const char *name}, sorted by address, functions only."""
import sys

syms = []
for line in sys.stdin:
    parts = line.split()
    if len(parts) != 3:
        continue
    addr, kind, name = parts
    if kind not in "tT" or name.startswith(".L") or name.startswith("$"):
        continue
    syms.append((int(addr, 16), name))
syms.sort()

out = ['\t.section .ksyms,"a"', "\t.balign 8", "\t.globl ksyms_count", "ksyms_count:",
       "\t.quad %d" % len(syms), "\t.globl ksyms_entries", "ksyms_entries:"]
for i, (addr, name) in enumerate(syms):
    out.append("\t.quad 0x%x, .Lksym_name%d" % (addr, i))
for i, (addr, name) in enumerate(syms):
    out.append('.Lksym_name%d:\t.asciz "%s"' % (i, name))
print("\n".join(out))
