#!/usr/bin/env python3
"""tests/qemu/net/dnsd.py — the test resolver of net-httpd-dns.test: DNS over TCP (RFC 7766: each
message behind a two-byte length) on stdin/stdout, one connection per run: QEMU starts it for each
guest connection to the guestfwd address (guestfwd=tcp:10.0.2.100:53-cmd:python3 dnsd.py). QEMU's
user network with restrict=on forwards no UDP, so the guest's resolver uses TCP (net.dns=tcp:...).

Answers A queries (RFC 1035 4.1) for the names in NAMES, NXDOMAIN for any other name, NOTIMP for
anything but a standard query; stops when the guest closes the connection."""
import struct
import sys

NAMES = {"walos.test": "10.1.2.3", "www.walos.test": "10.1.2.4",
         "gateway.walos.test": "10.0.2.2"}  # QEMU's user-net gateway: answers ping (net-ping-names)


def read_exact(f, n):
    data = b""
    while len(data) < n:
        block = f.read1(n - len(data))
        if not block:
            return None
        data += block
    return data


def qname(msg, pos):
    labels = []
    while True:
        n = msg[pos]
        pos += 1
        if n == 0:
            return ".".join(labels).lower(), pos
        if n & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(msg[pos:pos + n].decode("ascii", "replace"))
        pos += n


def answer(msg):
    qid, flags, qdcount = struct.unpack(">HHH", msg[:6])
    rd = flags & 0x0100
    if (flags & 0x7800) or qdcount != 1:  # opcode other than QUERY
        return struct.pack(">HHHHHH", qid, 0x8000 | rd | 4, 0, 0, 0, 0)
    name, end = qname(msg, 12)
    qtype, qclass = struct.unpack(">HH", msg[end:end + 4])
    question = msg[12:end + 4]
    addr = NAMES.get(name)
    if addr is None:
        return struct.pack(">HHHHHH", qid, 0x8000 | rd | 0x80 | 3, 1, 0, 0, 0) + question
    if qtype != 1 or qclass != 1:
        return struct.pack(">HHHHHH", qid, 0x8000 | rd | 0x80, 1, 0, 0, 0) + question
    rr = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + bytes(int(x) for x in addr.split("."))
    return struct.pack(">HHHHHH", qid, 0x8400 | rd | 0x80, 1, 1, 0, 0) + question + rr


def main():
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = read_exact(inp, 2)
        if head is None:
            return
        msg = read_exact(inp, struct.unpack(">H", head)[0])
        if msg is None:
            return
        try:
            reply = answer(msg)
        except (ValueError, IndexError, struct.error):
            return
        out.write(struct.pack(">H", len(reply)) + reply)
        out.flush()


if __name__ == "__main__":
    main()
