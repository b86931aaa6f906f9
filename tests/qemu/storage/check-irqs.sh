#!/usr/bin/env bash
# tests/qemu/storage/check-irqs.sh LOG — the virtio-blk counters line shows completions came by
# interrupt: more than 0 interrupts and 0 completions found by the lost-interrupt poll.
set -euo pipefail
line=$(grep -a -m1 'virtio-blk: vda: .* interrupts' "$1") || { echo "no virtio-blk counters line"; exit 1; }
irqs=$(sed -n 's/.*vda: \([0-9]*\) interrupts.*/\1/p' <<<"$line")
polled=$(sed -n 's/.*errors, \([0-9]*\) polled.*/\1/p' <<<"$line")
echo "$line"
[[ $irqs -gt 0 ]] || { echo "no interrupts counted"; exit 1; }
[[ $polled -eq 0 ]] || { echo "$polled completions were polled (lost interrupts)"; exit 1; }
