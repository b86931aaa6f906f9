"""lossy.py - net-raw-lossy.test: a TCP transfer from walos through a lossy relay arrives intact.

Usage (from the .test's host: line): lossy.py PEER_SOCKET QEMU_SOCKET SERIAL_LOG [BYTES] [LOSS]

Walos runs the in-kernel responder (test=net-echo) on 192.0.2.2 (net.ip=). The peer is a TCP client
(rawlink.TcpClient) whose every IPv4 frame, in both directions, goes through rawlink.Relay: dropped
with probability LOSS (default 0.10), else delayed up to 10 ms, 5% of them 30 ms more (so later
segments overtake them). Through it the client fetches /bytes/BYTES (default 262144) and checks
every byte against the responder's pattern ((i * 7 + (i >> 11)) & 0xff, netcheck.py's formula).
Then, on a clean link, GET /stats: walos's counters must show retransmissions, fast retransmits
(RFC 5681 3.2: three duplicate ACKs) and out-of-order handling on the peer's side is implied by the
intact body. The relay's seed is fixed, so the drop pattern (by frame order) is the same each run.
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


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    peer, qemu, logpath = sys.argv[1:4]
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 262144
    loss = float(sys.argv[5]) if len(sys.argv) > 5 else 0.10
    link = RawLink(peer, qemu)
    link.resolve()
    if not ping(link, 1):
        fail("no echo reply on the clean link")
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
