#!/usr/bin/env python3
"""tests/qemu/net/sink.py N — the host end of net-httpd-upload.test: QEMU runs it for each guest
connection to the guestfwd address (guestfwd=tcp:10.0.2.100:80-cmd:python3 sink.py N), with the
connection on stdin and stdout. It reads until the guest shuts its side down, checks that it got
exactly N bytes of the test pattern (byte i = (i * 7 + (i >> 11)) & 0xff, srv/bin/nc.c -n) by length
and SHA-256, and answers one line, which nc prints on the guest's console:
    upload ok N bytes, sha256 matches (T s, R MB/s)      or      upload BAD: why
Reads are bounded by the guest closing; the QEMU test's own timeout bounds the whole run."""
import hashlib
import sys
import time

from nethttp import pattern_sha256  # the test copies nethttp.py beside this file


def main():
    want = int(sys.argv[1])
    h, n = hashlib.sha256(), 0
    inp = sys.stdin.buffer
    t0 = None
    while True:
        block = inp.read1(1 << 16)
        if not block:
            break
        if t0 is None:
            t0 = time.time()
        h.update(block)
        n += len(block)
    secs = max(time.time() - (t0 or time.time()), 1e-6)
    if n != want:
        answer = f"upload BAD: got {n} bytes, expected {want}\n"
    elif h.hexdigest() != pattern_sha256(want):
        answer = f"upload BAD: sha256 {h.hexdigest()} != {pattern_sha256(want)}\n"
    else:
        answer = f"upload ok {n} bytes, sha256 matches ({secs:.1f} s, {n / secs / 1e6:.1f} MB/s)\n"
    sys.stdout.write(answer)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
