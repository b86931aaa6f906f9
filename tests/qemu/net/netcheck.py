#!/usr/bin/env python3
"""tests/qemu/net/netcheck.py — host side of the net-* QEMU tests: drives the kernel's test=net-echo
HTTP responder (kernel/net/netif_test.c) through QEMU's hostfwd on 127.0.0.1:PORT.

    netcheck.py PORT page            host curl GETs / and checks the page
    netcheck.py PORT bytes N         host curl GETs /bytes/N; size and SHA-256 must match the pattern
    netcheck.py PORT concurrent N [PORT...]
                                     N keep-alive connections at once, 3 requests each, all must
                                     succeed; spread over PORT and the further forwarded ports
    netcheck.py PORT hostile         garbage, half-open and reset connections, oversized headers; then
                                     the responder must still answer
    netcheck.py PORT flood N         N UDP datagrams of 1400 bytes as fast as possible to the forwarded
                                     UDP port (same number), then the responder must still answer
    netcheck.py PORT stats           GET /stats (the kernel prints its counters on serial)

Every network operation has a timeout; exit status 0 on success, 1 with a reason otherwise. Only
127.0.0.1 is ever contacted."""
import hashlib
import socket
import sys
import time

from nethttp import HOST, CheckError, curl, get_once, open_connections, pattern_sha256, read_response, run_sessions


def fail(why):
    print("netcheck: FAIL " + why, flush=True)
    sys.exit(1)


def cmd_page(port):
    body = curl(port, "/", 20)
    if body != b"walos net-echo\n":
        fail(f"unexpected page {body[:80]!r}")
    print("netcheck: page ok")


def cmd_bytes(port, n, work):
    out = f"{work}/body.bin"
    t0 = time.time()
    curl(port, f"/bytes/{n}", 400, out)
    secs = time.time() - t0
    with open(out, "rb") as f:
        data = f.read()
    if len(data) != n:
        fail(f"got {len(data)} bytes, expected {n}")
    got, want = hashlib.sha256(data).hexdigest(), pattern_sha256(n)
    if got != want:
        fail(f"sha256 {got} != {want}")
    print(f"netcheck: {n} bytes, sha256 ok, {secs:.1f} s ({n / secs / 1e6:.2f} MB/s)")


def cmd_concurrent(ports, n):
    """n keep-alive connections, all open before the first request (nethttp.open_connections),
    then three requests on each, all at once."""
    socks = open_connections(ports, n, timeout=60)

    def session(i, f, s):
        for r in range(3):
            path = "/" if r != 1 else f"/bytes/{1000 + i}"
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: walos\r\n\r\n".encode())
            status, _, body = read_response(f)
            if status != 200 or (r != 1 and body != b"walos net-echo\n") or (r == 1 and len(body) != 1000 + i):
                raise OSError(f"bad response {status} {len(body)}")

    t0 = time.time()
    run_sessions(socks, session, 120)
    print(f"netcheck: {n} concurrent keep-alive connections x 3 requests ok in {time.time() - t0:.1f} s")


def cmd_hostile(port):
    import os
    import random
    import struct
    rnd = random.Random(7)
    half_open = []
    for i in range(40):  # connections that never send anything
        half_open.append(socket.create_connection((HOST, port), timeout=10))
    for i in range(100):  # random garbage, sometimes binary, then close
        with socket.create_connection((HOST, port), timeout=10) as s:
            s.sendall(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 3000))))
    for i in range(20):  # a header that never ends, oversized
        with socket.create_connection((HOST, port), timeout=10) as s:
            try:
                s.sendall(b"GET / HTTP/1.1\r\nX: " + b"a" * 5000)
            except OSError:
                pass
    for i in range(50):  # reset right after a partial request (SO_LINGER 0 -> RST)
        s = socket.create_connection((HOST, port), timeout=10)
        s.sendall(b"GET /bytes/10000000 HTTP/1.1\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    for i in range(20):  # bad numbers and methods
        for req in (b"GET /bytes/99999999999999999999 HTTP/1.1\r\n\r\n", b"POST / HTTP/1.1\r\n\r\n",
                    b"\r\n\r\n", b"GET\r\n\r\n"):
            with socket.create_connection((HOST, port), timeout=10) as s:
                s.sendall(req)
                s.settimeout(10)
                try:
                    s.recv(4096)
                except OSError:
                    pass
    for s in half_open:
        s.close()
    del os
    status, _, body = get_once(port)
    if status != 200 or body != b"walos net-echo\n":
        fail(f"responder broken after hostile traffic: {status} {body[:60]!r}")
    print("netcheck: hostile traffic survived, responder still answers")


def cmd_flood(port, n):
    t0 = time.time()
    payload = bytes(range(256)) * 5 + bytes(120)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        for i in range(n):
            try:
                u.sendto(payload, (HOST, port))
            except OSError:
                pass
    secs = time.time() - t0
    status, _, body = get_once(port)
    if status != 200 or body != b"walos net-echo\n":
        fail(f"responder broken after the flood: {status} {body[:60]!r}")
    print(f"netcheck: {n} UDP datagrams sent in {secs:.1f} s, responder still answers")


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    port, what = int(sys.argv[1]), sys.argv[2]
    import os
    work = os.environ.get("WORK", "/tmp")
    if what == "page":
        cmd_page(port)
    elif what == "bytes":
        cmd_bytes(port, int(sys.argv[3]), work)
    elif what == "concurrent":
        cmd_concurrent([port] + [int(p) for p in sys.argv[4:]], int(sys.argv[3]))
    elif what == "hostile":
        cmd_hostile(port)
    elif what == "flood":
        cmd_flood(port, int(sys.argv[3]))
    elif what == "stats":
        status, _, _ = get_once(port, "/stats")
        if status != 200:
            fail(f"/stats: {status}")
    else:
        fail(f"unknown command {what}")


if __name__ == "__main__":
    try:
        main()
    except CheckError as e:
        fail(str(e))
