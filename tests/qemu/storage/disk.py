#!/usr/bin/env python3
"""tests/qemu/storage/disk.py — data disks for the BIOS-speed storage tests, healthy or damaged.

    disk.py make OUT [MB]       40 MiB (or MB) GPT disk, one EFI System Partition (FAT32) from LBA 2048 holding
                                /seed/a.txt and /seed/three-clusters.bin (3 x 512-byte clusters)
    disk.py gpt-primary OUT     break the primary GPT header's CRC (the backup stays good)
    disk.py gpt-both OUT        break both GPT headers' CRCs
    disk.py bpb OUT             bytes-per-sector 0 in the FAT32 boot sector (and its backup)
    disk.py fat-range OUT       a FAT entry pointing past the last cluster
    disk.py fat-cycle OUT       three-clusters.bin's second cluster links to itself (a loop)

The ESP's byte offset is 2048 * 512 = 1048576 (for mtools: -i OUT@@1048576).
"""
import os
import struct
import subprocess
import sys
import tempfile

FIRST_LBA = 2048
SECTOR = 512
ESP_OFFSET = FIRST_LBA * SECTOR


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                   env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))


def make(out, mb=40):
    if os.path.exists(out):
        os.remove(out)
    with open(out, "wb") as f:
        f.truncate(mb << 20)
    run("sgdisk", "-o", "-n", f"1:{FIRST_LBA}:0", "-t", "1:ef00", "-c", "1:EFI System", out)
    info = subprocess.run(["sgdisk", "-i", "1", out], check=True, capture_output=True, text=True).stdout
    last = int(next(l for l in info.splitlines() if l.startswith("Last sector:")).split()[2])
    run("mkfs.fat", "-F", "32", "-s", "1", "-n", "DATA", f"--offset={FIRST_LBA}", out,
        str((last - FIRST_LBA + 1) // 2))
    esp = f"{out}@@{ESP_OFFSET}"
    with tempfile.TemporaryDirectory() as tmp:
        a = os.path.join(tmp, "a.txt")
        with open(a, "w") as f:
            f.write("seed file\n")
        b = os.path.join(tmp, "three-clusters.bin")
        with open(b, "wb") as f:
            f.write(bytes(range(256)) * 6)  # 1536 bytes = 3 clusters
        run("mmd", "-i", esp, "::/seed")
        run("mcopy", "-i", esp, a, b, "::/seed/")


def bpb(img):
    with open(img, "rb") as f:
        f.seek(ESP_OFFSET)
        bs = f.read(SECTOR)
    bytes_per_sector, spc, reserved, nfats = struct.unpack_from("<HBHB", bs, 11)
    fat_size = struct.unpack_from("<I", bs, 36)[0]
    root = struct.unpack_from("<I", bs, 44)[0]
    total = struct.unpack_from("<I", bs, 32)[0]
    return dict(bps=bytes_per_sector, spc=spc, reserved=reserved, nfats=nfats, fat_size=fat_size, root=root,
                clusters=(total - reserved - nfats * fat_size) // spc)


def patch(img, offset, data):
    with open(img, "r+b") as f:
        f.seek(offset)
        f.write(data)


def fat_entry_offset(b, cluster, copy):
    return ESP_OFFSET + (b["reserved"] + copy * b["fat_size"]) * SECTOR + cluster * 4


def set_fat(img, b, cluster, value):
    for copy in range(b["nfats"]):
        patch(img, fat_entry_offset(b, cluster, copy), struct.pack("<I", value))


def first_cluster_of(img, b, name):
    """First cluster of /seed/NAME (8.3 name as stored), by walking /seed in the root directory."""
    data_start = b["reserved"] + b["nfats"] * b["fat_size"]

    def dir_entries(cluster):
        with open(img, "rb") as f:
            f.seek(ESP_OFFSET + (data_start + (cluster - 2) * b["spc"]) * SECTOR)
            data = f.read(b["spc"] * SECTOR)
        for i in range(0, len(data), 32):
            e = data[i:i + 32]
            if e[0] in (0, 0xE5) or e[11] == 0x0F:
                continue
            yield e[:11], struct.unpack_from("<H", e, 20)[0] << 16 | struct.unpack_from("<H", e, 26)[0]

    seed = next(c for n, c in dir_entries(b["root"]) if n == b"SEED       ")
    return next(c for n, c in dir_entries(seed) if n == name)


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[1] != "make"):
        sys.exit(__doc__)
    what, img = sys.argv[1], sys.argv[2]
    if what == "make":
        make(img, int(sys.argv[3]) if len(sys.argv) == 4 else 40)
    elif what in ("gpt-primary", "gpt-both"):
        size = os.path.getsize(img)
        patch(img, SECTOR + 16, b"\xde\xad\xbe\xef")  # primary header CRC32 field
        if what == "gpt-both":
            patch(img, size - SECTOR + 16, b"\xde\xad\xbe\xef")  # backup header at the last LBA
    elif what == "bpb":
        patch(img, ESP_OFFSET + 11, b"\0\0")
        patch(img, ESP_OFFSET + 6 * SECTOR + 11, b"\0\0")  # the backup boot sector
    elif what == "fat-range":
        b = bpb(img)
        c = first_cluster_of(img, b, b"THREE-~1BIN")
        set_fat(img, b, c, b["clusters"] + 100)
    elif what == "fat-cycle":
        b = bpb(img)
        c = first_cluster_of(img, b, b"THREE-~1BIN")
        set_fat(img, b, c + 1, c + 1)  # mcopy allocates the three clusters in a row: A -> B -> B -> ...
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
