#!/usr/bin/env python3
"""tests/qemu/net/oneshot.py PORT N TEXT — host side of net-httpd-restart.test: N connections one
after the other to 127.0.0.1:PORT (QEMU's hostfwd to a walos service that answers one connection and
exits); each must read TEXT and a newline, then the end of the stream. The service is restarted in
between, so each connection waits in the listening socket's backlog first. Each connection has a
generous timeout; exit status 0 on success, 1 with a reason otherwise."""
import socket
import sys
import time


def main():
    port, n, text = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode() + b"\n"
    t0 = time.time()
    for i in range(n):
        data = b""
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=90) as s:
                while True:
                    block = s.recv(4096)
                    if not block:
                        break
                    data += block
        except OSError as e:
            print(f"oneshot: FAIL connection {i}: {e} (got {data!r})", flush=True)
            sys.exit(1)
        if data != text:
            print(f"oneshot: FAIL connection {i}: got {data!r}, expected {text!r}", flush=True)
            sys.exit(1)
    print(f"oneshot: {n} connections answered across restarts in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
