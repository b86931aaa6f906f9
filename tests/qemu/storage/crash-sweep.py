#!/usr/bin/env python3
"""tests/qemu/storage/crash-sweep.py — the crash-consistency sweep over QEMU boots (issue 5).

    crash-sweep.py ISO WORK TOTAL_WRITES POINTS [FIRST]

Boots the ISO (BIOS, fast) with a fresh data disk and `test=storage-crash storage.crash_after=N exit`
for POINTS values of N spread over 1..TOTAL_WRITES (kernel/storage.c crash_workload; the disk driver
ends the machine instead of issuing write N + 1, isa-debug-exit 0x12). After each cut:
  - fsck.fat -n on the partition may report only what kernel/fs/fat32.h documents as a crash's
    leftovers (lost clusters, free count, differing FAT copies, a chain longer than the size);
  - every file the workload had synced before the cut ("round R synced" in the log) is there with
    its exact bytes (files renamed or removed by the unsynced round may be absent: fat32.h W4).
FIRST (default 0) offsets the points so two tests can split one sweep. Exit 0 when every cut passes.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import disk  # noqa: E402

CRASH_EXIT = 0x12 * 2 + 1
ALLOWED = ("fsck.fat ", "Reclaimed ", "Leaving filesystem unchanged", "Free cluster summary wrong",
           "  Auto-correcting", "FATs differ but appear to be intact", "  Using first FAT",
           "  Truncating file to ", "/")


def pattern(size, seed):
    return bytes(((i * 31 + seed * 101 + (i >> 10)) & 0xFF) for i in range(size))


def file_size(rnd, i):
    return 700 + (rnd * 8 + i) * 1531  # kernel/storage.c crash_workload


def fsck_allowed(line):
    if not line:
        return True
    if line.startswith("  File size is "):
        return "cluster chain length is >" in line
    if line.startswith(ALLOWED):
        return True
    return " files, " in line and " clusters" in line


def boot(iso, work, n):
    img = os.path.join(work, f"crash-{n}.img")
    log = os.path.join(work, f"crash-{n}.log")
    disk.make(img)
    cmd = ["timeout", "60", "qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-accel", "tcg",
           "-m", "512M", "-display", "none", "-no-reboot", "-serial", "file:" + log, "-monitor", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-nic", "none",
           "-drive", f"if=none,id=cd0,format=raw,media=cdrom,readonly=on,file={iso}",
           "-device", "ide-cd,drive=cd0,bootindex=0",
           "-drive", f"if=none,id=data,format=raw,file={img}", "-device", "virtio-blk-pci,drive=data",
           "-fw_cfg", f"name=opt/walos/cmdline,string=test=storage-crash storage.crash_after={n} exit"]
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    with open(log, "rb") as f:
        text = f.read().decode("latin-1").replace("\r", "")
    return img, log, rc, text


def check_cut(iso, work, n):
    img, log, rc, text = boot(iso, work, n)
    problems = []
    if rc != CRASH_EXIT:
        problems.append(f"QEMU status {rc}, expected {CRASH_EXIT} (the crash point)")
    if "PANIC" in text or "EXCEPTION" in text:
        problems.append("kernel panic or exception")
    synced = [int(l.split("round ")[1].split()[0]) for l in text.splitlines() if "crash workload round" in l]
    last = synced[-1] if synced else -1
    part = os.path.join(work, f"crash-{n}.esp")
    with open(img, "rb") as src, open(part, "wb") as dst:
        src.seek(disk.ESP_OFFSET)
        dst.write(src.read())
    fsck = subprocess.run(["fsck.fat", "-n", part], capture_output=True, text=True)
    bad = [l for l in (fsck.stdout + fsck.stderr).splitlines() if not fsck_allowed(l)]
    if bad:
        problems.append("fsck.fat -n: " + " | ".join(bad[:6]))
    # synced files: rounds before `last` end renamed (even) or removed (odd); round `last` all f*
    out = os.path.join(work, f"crash-{n}.out")
    os.makedirs(out, exist_ok=True)
    if last >= 0:
        subprocess.run(["mcopy", "-n", "-s", "-i", f"{img}@@{disk.ESP_OFFSET}", "::/crash", out],
                       env=dict(os.environ, MTOOLS_SKIP_CHECK="1"), capture_output=True)
    have = set(os.listdir(os.path.join(out, "crash"))) if os.path.isdir(os.path.join(out, "crash")) else set()
    for rnd in range(last + 1):
        for i in range(8):
            want = pattern(file_size(rnd, i), rnd * 8 + i)
            names = [f"f{rnd}-{i}"] if rnd == last else ([f"r{rnd}-{i}"] if i % 2 == 0 else [])
            if rnd == last - 1 and i % 2 == 0:
                names = [f"r{rnd}-{i}"]
            for name in names:
                optional = rnd == last  # the next round may have renamed or removed it before the cut
                if name not in have:
                    if not optional:
                        problems.append(f"synced file {name} lost")
                    continue
                with open(os.path.join(out, "crash", name), "rb") as f:
                    if f.read() != want:
                        problems.append(f"synced file {name} has wrong contents")
    status = "ok" if not problems else "FAIL"
    findings = [l.strip() for l in fsck.stdout.splitlines()
                if l.strip() and not l.startswith(("fsck.fat ", "/", "Leaving")) and " files, " not in l]
    print(f"{status} cut after {n} writes: last synced round {last}, fsck: "
          + ("; ".join(findings)[:200] or "clean")
          + ("" if not problems else " -- " + "; ".join(problems)), flush=True)
    if not problems:
        for p in (img, part, log):
            os.remove(p)
        subprocess.run(["rm", "-rf", out])
    return not problems


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    iso, work, total, points = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    first = int(sys.argv[5]) if len(sys.argv) == 6 else 0
    step = max(1, total // points)
    cuts = sorted({min(total - 1, max(1, first + 1 + k * step)) for k in range(points)})
    failed = sum(0 if check_cut(iso, work, n) else 1 for n in cuts)
    print(f"crash sweep: {len(cuts)} cuts, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
