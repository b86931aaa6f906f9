"""rawlink.py - the host end of a raw Ethernet link to walos, for the net-raw-*.test QEMU tests.

QEMU attaches the guest NIC to a datagram socket (-netdev dgram with unix sockets: one datagram is one
Ethernet frame); this module binds the other end and speaks raw frames over it. scapy builds and
parses the frames only: nothing is ever sent on a real interface, no address leaves the socket pair.
Addresses on the link are from TEST-NET-1 (RFC 5737): the peer is 192.0.2.1, walos 192.0.2.2
(boot switch net.ip=192.0.2.2/24).

What is here:
  RawLink      the socket pair end: send(frame), recv(timeout); answers ARP requests for the peer's
               address by itself (so walos can resolve us), and optionally passes every frame
               through a Relay (loss, delay, reordering) in both directions.
  TcpClient    a minimal TCP client over the link (handshake, request, cumulative ACKs with an
               out-of-order buffer, FIN): enough to fetch a page from walos's net-echo responder
               and to drive retransmission, fast retransmit and the window.
  ping()       ICMP echo to walos.
  read_counters(log) the last "netstat:" counter line of the serial log, as a dict.
"""
import heapq
import os
import random
import socket
import sys
import time

from scapy.layers.inet import ICMP, IP, TCP
from scapy.layers.l2 import ARP, Ether
from scapy.packet import Raw

PEER_MAC = "02:00:00:00:00:01"
PEER_IP = "192.0.2.1"
GUEST_IP = "192.0.2.2"
BROADCAST = "ff:ff:ff:ff:ff:ff"


def log(*args):
    print("raw:", *args, flush=True)


def fail(msg):
    print("raw: FAIL:", msg, flush=True)
    sys.exit(1)


class Relay:
    """Loses, delays and reorders IPv4 frames: each one is dropped with probability `loss`, else
    delivered after a uniform delay of up to `delay` seconds, plus `extra` seconds for a fraction
    `reorder` of them (which lets later frames overtake them). ARP passes untouched."""

    def __init__(self, seed, loss=0.10, delay=0.010, reorder=0.05, extra=0.030):
        self.rng = random.Random(seed)
        self.loss, self.delay, self.reorder, self.extra = loss, delay, reorder, extra
        self.dropped = self.delayed = self.reordered = 0

    def plan(self, frame):
        """None to drop the frame, else the delay in seconds before it goes on."""
        if len(frame) >= 14 and frame[12:14] != b"\x08\x00":
            return 0.0
        if self.rng.random() < self.loss:
            self.dropped += 1
            return None
        d = self.rng.uniform(0, self.delay)
        if self.rng.random() < self.reorder:
            d += self.extra
            self.reordered += 1
        self.delayed += 1
        return d


class RawLink:
    def __init__(self, peer_path, qemu_path, relay=None):
        self.qemu_path = qemu_path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            os.unlink(peer_path)
        except FileNotFoundError:
            pass
        self.sock.bind(peer_path)
        self.peer_path = peer_path
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.relay = relay
        self.timed = []          # heap of (due, order, direction, frame) held by the relay
        self.order = 0
        self.inbox = []          # frames for the caller (ARP for us is answered here)
        self.guest_mac = None
        self.sent = self.received = 0

    def close(self):
        self.sock.close()
        try:
            os.unlink(self.peer_path)
        except FileNotFoundError:
            pass

    # ---- output ----
    def _wire_send(self, frame):
        end = time.monotonic() + 30
        while time.monotonic() < end:
            self.sock.settimeout(0.0)
            try:
                self.sock.sendto(frame, self.qemu_path)
                self.sent += 1
                return
            except (BlockingIOError, ConnectionRefusedError, FileNotFoundError, TimeoutError):
                self.pump(0.005, send_ok=False)  # QEMU's queue is full (or not there yet): drain ours
        fail("cannot send to QEMU at %s for 30 s" % self.qemu_path)

    def send(self, frame):
        frame = bytes(frame)
        if self.relay:
            d = self.relay.plan(frame)
            if d is None:
                return
            if d > 0:
                self.order += 1
                heapq.heappush(self.timed, (time.monotonic() + d, self.order, "out", frame))
                return
        self._wire_send(frame)

    # ---- input ----
    def _deliver(self, frame):
        if len(frame) >= 42 and frame[12:14] == b"\x08\x06":
            arp = Ether(frame)[ARP]
            if arp.op == 1 and arp.pdst == PEER_IP:   # who-has us: answer (RFC 826)
                self.guest_mac = arp.hwsrc
                reply = bytes(Ether(dst=arp.hwsrc, src=PEER_MAC) /
                              ARP(op=2, hwsrc=PEER_MAC, psrc=PEER_IP, hwdst=arp.hwsrc, pdst=arp.psrc))
                self.order += 1  # sent by the next pump (never from inside a blocked send)
                heapq.heappush(self.timed, (0.0, self.order, "out", reply))
                return
        self.inbox.append(frame)

    def pump(self, timeout, send_ok=True):
        """Moves frames: what arrives (through the relay) to the inbox, what the relay held and is
        due to its destination (not when called from a blocked send: send_ok False). Waits at most
        `timeout` seconds for the first arrival."""
        end = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            while send_ok and self.timed and self.timed[0][0] <= now:
                _, _, direction, frame = heapq.heappop(self.timed)
                if direction == "out":
                    self._wire_send(frame)
                else:
                    self._deliver(frame)
            wait = max(0.0, end - now)
            if self.timed:
                wait = min(wait, max(0.0, self.timed[0][0] - now))
            self.sock.settimeout(wait if wait > 0 else 0.0001)
            try:
                frame = self.sock.recv(65536)
            except (socket.timeout, BlockingIOError):
                frame = None
            if frame is not None:
                self.received += 1
                d = self.relay.plan(frame) if self.relay else 0.0
                if d is None:
                    pass
                elif d > 0:
                    self.order += 1
                    heapq.heappush(self.timed, (time.monotonic() + d, self.order, "in", frame))
                else:
                    self._deliver(frame)
            if self.inbox or time.monotonic() >= end:
                return

    def recv(self, timeout):
        """The next frame from walos (not an ARP request for us), or None after timeout seconds."""
        end = time.monotonic() + timeout
        while not self.inbox:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.pump(left)
        return self.inbox.pop(0)

    def drain(self, seconds):
        """Discards what walos sends for `seconds` (answering ARP meanwhile)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump(end - time.monotonic())
            self.inbox.clear()

    # ---- helpers ----
    def resolve(self, timeout=10):
        """ARP who-has walos until it answers; returns walos's MAC."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.send(Ether(dst=BROADCAST, src=PEER_MAC) /
                      ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=GUEST_IP))
            t = time.monotonic() + 1
            while time.monotonic() < t:
                f = self.recv(t - time.monotonic())
                if f and len(f) >= 42 and f[12:14] == b"\x08\x06":
                    a = Ether(f)[ARP]
                    if a.op == 2 and a.psrc == GUEST_IP:
                        self.guest_mac = a.hwsrc
                        return a.hwsrc
        fail("walos does not answer ARP for %s" % GUEST_IP)

    def ip(self, payload, **ip_fields):
        """An Ethernet+IPv4 frame from the peer to walos carrying payload (scapy layer)."""
        return Ether(dst=self.guest_mac, src=PEER_MAC) / IP(src=PEER_IP, dst=GUEST_IP, **ip_fields) / payload


def ping(link, seq, timeout=5, payload=b"walos-raw-ping"):
    """Sends one echo request to walos; True when the matching reply came."""
    link.send(link.ip(ICMP(type=8, id=0x4242, seq=seq) / Raw(payload)))
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        f = link.recv(end - time.monotonic())
        if not f:
            break
        p = Ether(f)
        if ICMP in p and p[ICMP].type == 0 and p[ICMP].id == 0x4242 and p[ICMP].seq == seq:
            return bytes(p[ICMP].payload) == payload
    return False


class TcpClient:
    """One TCP connection from the peer to walos (RFC 9293, the client's side only as far as a test
    needs): SYN with MSS 1460 and a 64 KiB window (no scaling), a request, then every new byte is
    appended (overlapping retransmissions trimmed), out-of-order segments are kept until the gap
    fills, and every segment is answered
    by a cumulative ACK (so losses produce duplicate ACKs, RFC 5681). The SYN and the request are
    retransmitted each second until acknowledged."""

    def __init__(self, link, dport=80, sport=None, window=65535):
        self.link = link
        self.dport = dport
        self.sport = sport or random.randint(20000, 60000)
        self.window = window
        self.iss = random.randint(0, 2**32 - 1)
        self.snd_nxt = self.iss
        self.snd_una = self.iss
        self.rcv_nxt = None
        self.data = bytearray()
        self.ooo = {}            # seq -> bytes, beyond rcv_nxt
        self.fin = False
        self.reset = False
        self.dupacks_sent = 0
        self.segments = 0
        self.snd_max = self.iss      # highest sequence number sent (+1)
        self.peer_wnd = 0            # the window walos advertised last (no scaling: we offer none)
        self.dups = 0                # duplicate ACKs in a row
        self.retransmits = self.fast_retransmits = 0

    def _send(self, flags, seq, payload=b""):
        t = TCP(sport=self.sport, dport=self.dport, seq=seq % 2**32, flags=flags, window=self.window,
                ack=(self.rcv_nxt or 0) % 2**32 if "A" in flags else 0)
        if "S" in flags:
            t.options = [("MSS", 1460)]
        self.link.send(self.link.ip(t / Raw(payload) if payload else t))

    def _input(self, p):
        t = p[TCP]
        raw = bytes(p)
        ip_len, ihl = p[IP].len, p[IP].ihl * 4
        payload = raw[14 + ihl + t.dataofs * 4:14 + ip_len]  # past the IP length is Ethernet padding
        if "R" in t.flags:
            self.reset = True
            return
        if "S" in t.flags and "A" in t.flags and self.rcv_nxt is None:
            if t.ack != (self.iss + 1) % 2**32:
                return
            self.rcv_nxt = (t.seq + 1) % 2**32
            self.snd_una = self.snd_nxt = self.snd_max = self.iss + 1
            self.peer_wnd = t.window
            self._send("A", self.snd_nxt)
            return
        if self.rcv_nxt is None:
            return
        if "A" in t.flags:
            adv = (t.ack - self.snd_una) % 2**32
            if 0 < adv <= (self.snd_max - self.snd_una) % 2**32:
                self.snd_una += adv
                self.dups = 0
            elif adv == 0 and not payload and "F" not in t.flags and self.snd_max != self.snd_una:
                self.dups += 1  # RFC 5681 2: a duplicate acknowledgment
            self.peer_wnd = t.window
        self.segments += 1
        if payload:
            self._accept(t.seq, payload)
        fin_seq = (t.seq + len(payload)) % 2**32
        if "F" in t.flags and fin_seq == self.rcv_nxt:
            self.rcv_nxt = (self.rcv_nxt + 1) % 2**32
            self.fin = True
        if payload or "F" in t.flags:
            self._send("A", self.snd_max)

    def _accept(self, seq, payload):
        """Takes what is new in a segment: the part at and past rcv_nxt when it covers rcv_nxt (a
        retransmission may overlap what arrived), else keeps it for later when it is ahead within
        the window; then drains the out-of-order store."""
        behind = (self.rcv_nxt - seq) % 2**32
        if behind < len(payload):
            self._append(payload[behind:])
        else:
            ahead = (seq - self.rcv_nxt) % 2**32
            if 0 < ahead < self.window and len(payload) > len(self.ooo.get(seq, b"")):
                self.ooo[seq] = payload
            self.dupacks_sent += 1  # the ACK below repeats rcv_nxt
        progress = True
        while progress:
            progress = False
            for s_, p_ in list(self.ooo.items()):
                behind = (self.rcv_nxt - s_) % 2**32
                if behind < len(p_):
                    del self.ooo[s_]
                    self._append(p_[behind:])
                    progress = True
                elif behind < 2**31:
                    del self.ooo[s_]  # all of it arrived meanwhile

    def _append(self, chunk):
        self.data += chunk
        self.rcv_nxt = (self.rcv_nxt + len(chunk)) % 2**32

    def _mine(self, f):
        if not f or len(f) < 34 or f[12:14] != b"\x08\x00":
            return None
        p = Ether(f)
        if TCP in p and p[IP].src == GUEST_IP and p[TCP].sport == self.dport and p[TCP].dport == self.sport:
            return p
        return None

    def connect(self, timeout=30):
        end = time.monotonic() + timeout
        while self.rcv_nxt is None:
            if time.monotonic() > end or self.reset:
                fail("no connection to %s:%d (reset=%s)" % (GUEST_IP, self.dport, self.reset))
            self._send("S", self.iss)
            t = time.monotonic() + 1
            while self.rcv_nxt is None and time.monotonic() < t:
                p = self._mine(self.link.recv(t - time.monotonic()))
                if p:
                    self._input(p)

    def request(self, text, until, timeout=90):
        """Sends text (bytes), then receives until until(data) is true, the FIN, or the timeout."""
        req_seq = self.snd_nxt
        self.snd_nxt += len(text)
        self.snd_max = self.snd_nxt
        end = time.monotonic() + timeout
        resend = 0.0
        while not self.fin and not until(self.data):
            now = time.monotonic()
            if now > end:
                fail("transfer timed out after %d bytes" % len(self.data))
            if self.reset:
                fail("connection reset after %d bytes" % len(self.data))
            if self.snd_una != self.snd_nxt and now >= resend:
                self._send("PA", req_seq, text)
                resend = now + 1.0
            p = self._mine(self.link.recv(0.2))
            if p:
                self._input(p)
        return bytes(self.data)

    def stream(self, data, until, timeout=110):
        """Sends data (bytes) as a sender should over a bad link: segments of up to 1460 bytes
        within walos's advertised window (at most 32 KiB in flight), a retransmission of the first
        unacknowledged segment after three duplicate ACKs (RFC 5681 3.2), and after no progress for
        an RTO (0.5 s, doubling to 4 s) go-back-N from it, with a 1-byte probe into a zero window.
        Meanwhile receives as request() does; returns once until(received) is true or the FIN came
        and everything was acknowledged."""
        base, total, sent = self.snd_nxt, len(data), 0
        self.snd_max = base
        rto, last_progress = 0.5, time.monotonic()
        end = last_progress + timeout
        while True:
            acked = self.snd_una - base
            if (self.fin or until(self.data)) and acked >= total:
                break
            now = time.monotonic()
            if now > end:
                fail("upload timed out: %d of %d bytes acknowledged, %d received" % (acked, total, len(self.data)))
            if self.reset:
                fail("connection reset after %d bytes acknowledged" % acked)
            probe = False
            if acked < total and now - last_progress > rto:
                sent, rto, last_progress, probe = acked, min(rto * 2, 4.0), now, True
                self.retransmits += 1
            if self.dups >= 3 and acked < total:
                n = min(1460, total - acked)
                self._send("PA", base + acked, data[acked:acked + n])
                self.dups = 0
                self.fast_retransmits += 1
            wnd = min(self.peer_wnd or (1 if probe else 0), 32768)
            while sent < total and sent - acked < wnd:
                n = min(1460, total - sent, wnd - (sent - acked))
                self._send("PA", base + sent, data[sent:sent + n])
                sent += n
                self.snd_max = max(self.snd_max, base + sent)
            p = self._mine(self.link.recv(0.05))
            if p:
                before = self.snd_una
                self._input(p)
                if self.snd_una != before:
                    rto, last_progress = 0.5, time.monotonic()
        self.snd_nxt = base + total
        return bytes(self.data)

    def close(self):
        self._send("FA", self.snd_nxt)
        self.snd_nxt += 1
        self.link.drain(0.3)


def http_get(link, path, connect_timeout=30, timeout=110):
    """GET path with Connection: close; returns (status line, headers dict, body, the client)."""
    c = TcpClient(link)
    c.connect(connect_timeout)

    def complete(data):
        head, sep, body = bytes(data).partition(b"\r\n\r\n")
        if not sep:
            return False
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                return len(body) >= int(v)
        return False

    data = c.request(("GET %s HTTP/1.1\r\nHost: walos\r\nConnection: close\r\n\r\n" % path).encode(), complete,
                     timeout)
    c.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return lines[0], headers, body, c


def read_counters(log_path, after=0, timeout=15):
    """The counters of the last "netstat:" line holding name=value pairs that starts after byte
    `after` of the serial log (polls until it appears); a dict name -> int."""
    end = time.monotonic() + timeout
    while True:
        with open(log_path, "rb") as f:
            f.seek(after)
            text = f.read().decode("latin-1").replace("\r", "")
        whole = text.split("\n")[:-1]  # the last piece may still be being written
        lines = [l for l in whole if l.startswith("netstat:") and " eth_rx=" in l]
        if lines:
            out = {}
            for word in lines[-1].split()[1:]:
                k, _, v = word.partition("=")
                if v.isdigit():
                    out[k] = int(v)
            return out
        if time.monotonic() > end:
            fail("no netstat counter line in the serial log")
        time.sleep(0.2)


def log_size(log_path):
    return os.path.getsize(log_path)
