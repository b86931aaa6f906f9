#!/usr/bin/env python3
"""tests/qemu/net/httpcheck.py — host side of the net-httpd-* QEMU tests: drives /bin/httpd.wasm,
started in walos by the service manager (socket activation), through QEMU's hostfwd on 127.0.0.1:PORT.

    httpcheck.py PORT wait                 GET / until httpd answers (DHCP and the service start take
                                           a while; up to 120 s)
    httpcheck.py PORT page FILE            host curl GETs / and the body must equal FILE
    httpcheck.py PORT file PATH FILE       host curl GETs PATH; size and SHA-256 must match FILE's
    httpcheck.py PORT concurrent N FILE [PORT...]
                                           N keep-alive connections open at once, 3 requests each
                                           (GET /, HEAD /, GET /index.html), every body equal to FILE;
                                           spread over PORT and the further ports (all forwarded to
                                           the same guest port)
    httpcheck.py PORT missing              GET /no-such-file answers 404

Every network operation has a timeout; no pass or fail depends on how fast anything is. Exit status
0 on success, 1 with a reason otherwise. Only 127.0.0.1 is ever contacted."""
import hashlib
import os
import sys
import time

from nethttp import CheckError, curl, get_once, open_connections, read_response, run_sessions


def fail(why):
    print("httpcheck: FAIL " + why, flush=True)
    sys.exit(1)


def cmd_wait(port):
    t0 = time.time()
    last = ""
    while time.time() - t0 < 120:
        try:
            status, _, _ = get_once(port)
            if status == 200:
                print(f"httpcheck: httpd answers after {time.time() - t0:.1f} s")
                return
            last = f"status {status}"
        except (OSError, ValueError, IndexError) as e:
            last = str(e) or type(e).__name__
        time.sleep(1)
    fail(f"httpd never answered GET / ({last})")


def cmd_page(port, want_file):
    want = open(want_file, "rb").read()
    body = curl(port, "/", 30)
    if body != want:
        fail(f"unexpected page {body[:80]!r}")
    print(f"httpcheck: page ok ({len(body)} bytes)")


def cmd_file(port, path, want_file, work):
    out = os.path.join(work, "download.bin")
    t0 = time.time()
    curl(port, path, 500, out)
    secs = max(time.time() - t0, 1e-6)
    h, n = hashlib.sha256(), 0
    with open(out, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            n += len(block)
    w, wn = hashlib.sha256(), 0
    with open(want_file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            w.update(block)
            wn += len(block)
    os.unlink(out)
    if n != wn:
        fail(f"{path}: got {n} bytes, expected {wn}")
    if h.hexdigest() != w.hexdigest():
        fail(f"{path}: sha256 {h.hexdigest()} != {w.hexdigest()}")
    print(f"httpcheck: {path} {n} bytes, sha256 ok, {secs:.1f} s ({n / secs / 1e6:.2f} MB/s)")


def cmd_concurrent(ports, n, want_file):
    """n keep-alive connections, every one open before the first request is sent (nethttp's
    open_connections says how), then three requests on each, all connections at once."""
    want = open(want_file, "rb").read()
    t0 = time.time()
    socks = open_connections(ports, n)
    t_open = time.time() - t0

    def session(i, f, s):
        for method, path in (("GET", "/"), ("HEAD", "/"), ("GET", "/index.html")):
            s.sendall(f"{method} {path} HTTP/1.1\r\nHost: walos\r\n\r\n".encode())
            status, headers, body = read_response(f, head=method == "HEAD")
            if status != 200 or int(headers.get("content-length", "-1")) != len(want):
                raise OSError(f"{method} {path}: status {status}, headers {headers}")
            if method == "GET" and body != want:
                raise OSError(f"{method} {path}: wrong body {body[:40]!r}")

    t1 = time.time()
    run_sessions(socks, session, 300)
    print(f"httpcheck: {n} keep-alive connections open at once (opened in {t_open:.1f} s over "
          f"{len(ports)} forwarded ports), 3 requests each, all ok in {time.time() - t1:.1f} s")


def cmd_missing(port):
    status, _, _ = get_once(port, "/no-such-file")
    if status != 404:
        fail(f"/no-such-file: status {status}, expected 404")
    print("httpcheck: 404 ok")


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    port, what, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    work = os.environ.get("WORK", "/tmp")
    if what == "wait":
        cmd_wait(port)
    elif what == "page":
        cmd_page(port, args[0])
    elif what == "file":
        cmd_file(port, args[0], args[1], work)
    elif what == "concurrent":
        cmd_concurrent([port] + [int(p) for p in args[2:]], int(args[0]), args[1])
    elif what == "missing":
        cmd_missing(port)
    else:
        fail(f"unknown command {what}")


if __name__ == "__main__":
    try:
        main()
    except CheckError as e:
        fail(str(e))
