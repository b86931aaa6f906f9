#!/usr/bin/env bash
# tests/qemu/storage/check-image.sh — host-side checks of a disk image after test=storage-write:
# mdir lists /storage-test (long name included), mcopy copies it out and files.py compares every
# byte, and fsck.fat -n finds nothing to repair on the partition. Needs IMG, ESP and WORK (qemu-test).
set -euo pipefail
here=$(dirname "$0")
export MTOOLS_SKIP_CHECK=1
mdir -i "$ESP" ::/storage-test >"$WORK/mdir.txt"
grep -q "A long file name, with Mixed Case.txt" "$WORK/mdir.txt" || { cat "$WORK/mdir.txt"; echo "long name missing"; exit 1; }
mtype -i "$ESP" ::/storage-test/hello.txt | grep -qx "hello from walos" || { echo "mtype hello.txt"; exit 1; }
rm -rf "$WORK/out" && mkdir "$WORK/out"
mcopy -s -i "$ESP" ::/storage-test/* "$WORK/out/"
python3 "$here/files.py" check "$WORK/out"
first=$(sgdisk -i 1 "$IMG" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
last=$(sgdisk -i 1 "$IMG" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
dd if="$IMG" of="$WORK/esp" bs=512 skip="$first" count=$((last - first + 1)) status=none
fsck.fat -n "$WORK/esp" >"$WORK/fsck.txt" 2>&1 || { cat "$WORK/fsck.txt"; echo "fsck.fat -n found problems"; exit 1; }
echo "image ok: files match, fsck.fat clean"
