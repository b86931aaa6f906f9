"""lossy.py - net-raw-lossy.test: a TCP transfer from walos through a lossy relay arrives intact.

Usage (from the .test's host: line): lossy.py PEER_SOCKET QEMU_SOCKET SERIAL_LOG [BYTES] [LOSS] [MODE]

Walos runs the in-kernel responder (test=net-echo) on 192.0.2.2 (net.ip=). The peer is a TCP client
(rawlink.TcpClient) whose every IPv4 frame, in both directions, goes through rawlink.Relay: dropped
with probability LOSS (default 0.10), else delayed up to 10 ms, 5% of them 30 ms more (so later
segments overtake them). Through it the client fetches /bytes/BYTES (default 262144) and checks
every byte against the responder's pattern ((i * 7 + (i >> 11)) & 0xff, netcheck.py's formula).
Then, on a clean link, GET /stats: walos's counters must show retransmissions, fast retransmits
(RFC 5681 3.2: three duplicate ACKs) and out-of-order handling on the peer's side is implied by the
intact body. The relay's seed is fixed, so the drop pattern (by frame order) is the same each run.

MODE "upload" turns the direction around: the client streams about BYTES of pipelined requests
(each GET /bytes/N padded to ~1.8 KB with a header line; the last one asks to close) through the
relay with its own sliding window, fast retransmit and RTO (rawlink.TcpClient.stream), and checks
every response in order. Walos's receive side then has to keep out-of-order segments, and its
counter tcp_ooo_segments must grow.
Exits 0 when the body is intact and the counters show recovery, 1 with a reason otherwise.
"""
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from rawlink import RawLink, Relay, fail, http_get, log, log_size, ping, read_counters  # noqa: E402


def expected(n):
    return bytes(((i * 7 + (i >> 11)) & 0xff) for i in range(n))


def stats(link, logpath):
    at = log_size(logpath)
    status, _, body, _ = http_get(link, "/stats")
    if body != b"ok\n":
        fail("GET /stats answered %r %r" % (status, body))
    return read_counters(logpath, after=at)


PAD = 1800


def upload_requests(size):
    """Pipelined requests adding up to about size bytes; returns (bytes, [N of each request])."""
    reqs, ns, total, i = [], [], 0, 0
    while total < size:
        n = 40 + (i * 37) % 400
        last = total + PAD + 100 >= size
        r = ("GET /bytes/%d HTTP/1.1\r\nHost: walos\r\nX-Pad: %s\r\n%s\r\n"
             % (n, "p" * (PAD - (i % 50)), "Connection: close\r\n" if last else "")).encode()
        reqs.append(r)
        ns.append(n)
        total += len(r)
        i += 1
    return b"".join(reqs), ns


def parse_responses(data):
    """The bodies of the complete responses at the start of data, in order."""
    bodies, at = [], 0
    while True:
        head_end = data.find(b"\r\n\r\n", at)
        if head_end < 0:
            return bodies
        length = None
        for line in data[at:head_end].split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        if length is None or len(data) < head_end + 4 + length:
            return bodies
        if not data[at:].startswith(b"HTTP/1.1 200"):
            fail("response %d is %r" % (len(bodies), data[at:at + 40]))
        bodies.append(data[head_end + 4:head_end + 4 + length])
        at = head_end + 4 + length


def upload(link, logpath, size, loss):
    from rawlink import TcpClient
    before = stats(link, logpath)
    stream, ns = upload_requests(size)
    relay = Relay(seed=20261127, loss=loss)
    link.relay = relay
    c = TcpClient(link)
    c.connect()
    t0 = time.monotonic()
    data = c.stream(stream, lambda d: len(parse_responses(bytes(d))) >= len(ns))
    took = time.monotonic() - t0
    link.relay = None
    c.close()
    bodies = parse_responses(data)
    if len(bodies) != len(ns):
        fail("%d responses to %d requests" % (len(bodies), len(ns)))
    for i, (n, body) in enumerate(zip(ns, bodies)):
        if body != expected(n):
            fail("response %d (/bytes/%d) differs" % (i, n))
    log("%d bytes of %d pipelined requests sent through the relay in %.1f s (%.0f KB/s), all %d responses "
        "intact; relay dropped %d frames, reordered %d; the client retransmitted %d times (%d fast)"
        % (len(stream), len(ns), took, len(stream) / 1024 / took, len(bodies), relay.dropped, relay.reordered,
           c.retransmits + c.fast_retransmits, c.fast_retransmits))
    after = stats(link, logpath)
    grew = {k: after.get(k, 0) - before.get(k, 0) for k in
            ("tcp_ooo_segments", "tcp_drop_ooo", "tcp_drop_outwin", "tcp_retransmits", "tcp_fast_retransmits",
             "tcp_timeouts", "tcp_delayed_acks")}
    log("walos counters during the upload: " + " ".join("%s=+%d" % kv for kv in grew.items()))
    if relay.dropped == 0:
        fail("the relay dropped nothing: the test did not test recovery")
    if grew["tcp_ooo_segments"] <= 0:
        fail("walos kept no out-of-order segment during an upload with %d dropped frames" % relay.dropped)
    log("walos reassembled the upload from out-of-order segments")
    return 0


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    peer, qemu, logpath = sys.argv[1:4]
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 262144
    loss = float(sys.argv[5]) if len(sys.argv) > 5 else 0.10
    mode = sys.argv[6] if len(sys.argv) > 6 else "download"
    link = RawLink(peer, qemu)
    link.resolve()
    if not ping(link, 1):
        fail("no echo reply on the clean link")
    if mode == "upload":
        return upload(link, logpath, size, loss)
    before = stats(link, logpath)

    relay = Relay(seed=20261126, loss=loss)
    link.relay = relay
    t0 = time.monotonic()
    status, headers, body, client = http_get(link, "/bytes/%d" % size)
    took = time.monotonic() - t0
    link.relay = None
    link.drain(0.5)
    if not status.startswith("HTTP/1.1 200"):
        fail("GET /bytes/%d answered %r" % (size, status))
    if len(body) != size:
        fail("got %d bytes of %d" % (len(body), size))
    want = expected(size)
    if body != want:
        first = next(i for i in range(size) if body[i] != want[i])
        fail("byte %d differs (got %d, want %d)" % (first, body[first], want[first]))
    log("%d bytes intact through the relay in %.1f s (%.0f KB/s); relay dropped %d frames, delayed %d, "
        "reordered %d; the client sent %d out-of-order ACKs"
        % (size, took, size / 1024 / took, relay.dropped, relay.delayed, relay.reordered, client.dupacks_sent))

    after = stats(link, logpath)
    grew = {k: after.get(k, 0) - before.get(k, 0) for k in
            ("tcp_retransmits", "tcp_fast_retransmits", "tcp_timeouts", "tcp_dupacks", "tcp_partial_acks",
             "tcp_ooo_segments", "tcp_drop_ooo")}
    log("walos counters during the transfer: " + " ".join("%s=+%d" % kv for kv in grew.items()))
    if relay.dropped == 0:
        fail("the relay dropped nothing: the test did not test recovery")
    for k in ("tcp_retransmits", "tcp_fast_retransmits", "tcp_dupacks"):
        if grew[k] <= 0:
            fail("%s did not grow during a transfer with %d dropped frames" % (k, relay.dropped))
    log("recovery seen: retransmissions, fast retransmits and duplicate ACKs")
    link.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
