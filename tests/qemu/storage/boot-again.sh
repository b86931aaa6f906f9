#!/usr/bin/env bash
# tests/qemu/storage/boot-again.sh NAME CMDLINE EXPECT... — boots the image a check: script was given
# ($IMG) once more, as its own qemu-test test (UEFI, the disk written for real), with CMDLINE, and
# requires every EXPECT marker in order and isa-debug-exit 0x10. The nested test's serial log is
# copied to $WORK/NAME.log for later checks.
set -euo pipefail
name=$1 cmdline=$2
shift 2
t="$WORK/$name.test"
{
  echo "boot: uefi"
  echo "media: $IMG"
  echo "persist: yes"
  echo "cmdline: $cmdline"
  echo "timeout: 100"
  for e in "$@"; do echo "expect: $e"; done
  echo "reject: PANIC"
  echo "reject: EXCEPTION"
  echo "exit: 0x10"
  echo "check: cp \"\$LOG\" \"$WORK/$name.log\"; cp \"\$IMG\" \"$IMG\""
} >"$t"
"$ROOT/tools/qemu-test" "$t"
