#!/usr/bin/env bash
# tests/qemu/storage/bench.sh ISO WORKDIR — the storage benchmark (issue 5; `make storage-bench`, part
# of `make bench`): boots the ISO (BIOS) under TCG with a fresh 160 MiB data disk and
# test=storage-bench, and prints the kernel's "storage-bench:" lines (64 MiB sequential write with
# sync and read, small-file create rate). Numbers are reported, never asserted. Times out after 300 s.
set -euo pipefail
iso=$1 work=$2
here=$(dirname "$0")
mkdir -p "$work"
python3 "$here/disk.py" make "$work/bench.img" 160
rc=0
timeout 300 qemu-system-x86_64 -machine q35 -cpu max -accel tcg -m 512M -display none -no-reboot \
  -serial "file:$work/bench.log" -monitor none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -nic none \
  -drive "if=none,id=cd0,format=raw,media=cdrom,readonly=on,file=$iso" -device ide-cd,drive=cd0,bootindex=0 \
  -drive "if=none,id=data,format=raw,file=$work/bench.img" -device virtio-blk-pci,drive=data \
  -fw_cfg "name=opt/walos/cmdline,string=test=storage-bench exit" >/dev/null 2>&1 || rc=$?
tr -d '\r' <"$work/bench.log" | grep -a -E 'storage-bench:|storage-test: [0-9]+ passed' || true
[[ $rc -eq 33 ]] || { echo "storage-bench: QEMU ended with status $rc (log: $work/bench.log)"; exit 1; }
rm -f "$work/bench.img"
