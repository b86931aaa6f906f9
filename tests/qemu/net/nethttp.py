"""tests/qemu/net/nethttp.py — what the host-side network test scripts share (httpcheck.py,
netcheck.py, sink.py): the test byte pattern, curl, an HTTP/1.1 response reader, and opening and
driving many keep-alive connections at once. Failures raise CheckError; each script turns it into
its "NAME: FAIL why" line. Only 127.0.0.1 is ever contacted."""
import hashlib
import socket
import subprocess
import threading

HOST = "127.0.0.1"


class CheckError(Exception):
    pass


def pattern_sha256(n):
    """SHA-256 of bytes 0..n-1 where byte i = (i * 7 + (i >> 11)) & 0xff (kernel/net/netif_test.c
    gen_byte, srv/bin/nc.c -n)."""
    base = bytes((j * 7) & 0xff for j in range(2048))
    h = hashlib.sha256()
    k = 0
    while n > 0:
        block = base.translate(bytes((b + k) & 0xff for b in range(256)))
        h.update(block[:min(n, 2048)])
        n -= 2048
        k += 1
    return h.hexdigest()


def curl(port, path, timeout, out=None):
    """Host curl GETs path (to the file out, else returns the body)."""
    cmd = ["curl", "-sS", "--fail", "-m", str(timeout), f"http://{HOST}:{port}{path}"]
    if out:
        cmd += ["-o", out]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout + 5)
    if r.returncode != 0:
        raise CheckError(f"curl {path}: exit {r.returncode}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def read_response(f, head=False):
    """Reads one HTTP response from a socket file; returns (status, headers, body)."""
    line = f.readline()
    if not line:
        raise OSError("connection closed before a response")
    status = int(line.split()[1])
    headers = {}
    while True:
        h = f.readline()
        if h in (b"\r\n", b""):
            break
        k, _, v = h.decode().partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    body = b"" if head else f.read(length)
    if len(body) != (0 if head else length):
        raise OSError("short body")
    return status, headers, body


def get_once(port, path="/", timeout=10):
    """One GET on a connection of its own; returns (status, headers, body)."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: walos\r\nConnection: close\r\n\r\n".encode())
        return read_response(s.makefile("rb"))


def open_connections(ports, n, timeout=120):
    """Opens n connections spread over ports (hostfwd rules to the same guest port): one after
    another on each port, the ports in parallel. QEMU's user network accepts forwarded connections
    from a listen(2) backlog of 1. A connect that finds it full waits out the host's 1 s SYN retry;
    two connects racing for it can lose a connection outright (the host drops the final ACK, the
    client believes it is connected, QEMU never sees it). One connect at a time per port avoids
    both; several ports keep it quick. Returns the sockets, in order."""
    socks, errors = [None] * n, []

    def opener(first):
        for i in range(first, n, len(ports)):
            try:
                # bound first: a port of its own. connect() alone may give two connections to
                # different host ports the same source port, and QEMU keeps the source port, so
                # the guest would see one connection twice.
                socks[i] = socket.create_connection((HOST, ports[i % len(ports)]), timeout=timeout,
                                                    source_address=(HOST, 0))
            except OSError as e:
                errors.append(f"connect {i} (port {ports[i % len(ports)]}): {e}")
                return

    threads = [threading.Thread(target=opener, args=(k,)) for k in range(len(ports))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        for s in socks:
            if s:
                s.close()
        raise CheckError(errors[0])
    return socks


def run_sessions(socks, session, timeout):
    """Runs session(i, sock_file_reader, sock) for every socket at once, each in its own thread,
    and closes the sockets. A session raises OSError (or ValueError/IndexError from parsing) on a
    bad answer. Raises CheckError unless every session completed."""
    errors, done = [], [0]
    lock = threading.Lock()

    def worker(i, s):
        try:
            session(i, s.makefile("rb"), s)
            with lock:
                done[0] += 1
        except (OSError, ValueError, IndexError) as e:
            with lock:
                errors.append(f"connection {i}: {e}")
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(i, s)) for i, s in enumerate(socks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if errors or done[0] != len(socks):
        raise CheckError(f"{done[0]}/{len(socks)} connections completed; {len(errors)} errors: {errors[:3]}")
