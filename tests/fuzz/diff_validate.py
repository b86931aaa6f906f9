#!/usr/bin/env python3
"""tests/fuzz/diff_validate.py VERDICT DIR — differential test of the validator: runs the engine
(VERDICT, tests/fuzz/verdict.c) and wabt's wasm-validate on every module of DIR and compares the
verdicts (valid or not). Modules using SIMD, which the engine refuses for now, are left out.
Prints "ok differential_validate ..." or "FAIL differential_validate ..." with the first
disagreements; exit status 0 when they agree on every module."""
import os
import subprocess
import sys


def main():
    verdict, folder = sys.argv[1], sys.argv[2]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".wasm"))
    ours = {}
    for i in range(0, len(files), 500):
        out = subprocess.run([verdict] + files[i:i + 500], capture_output=True, text=True,
                             errors="replace", check=False).stdout
        for line in out.splitlines():
            name, code, msg = (line.split(" ", 2) + ["", ""])[:3]
            ours[name] = (code, msg)
    diffs, valid, compared = [], 0, 0
    for f in files:
        if f not in ours:
            diffs.append("%s: no verdict from the engine" % f)
            continue
        code, msg = ours[f]
        if "SIMD" in msg:
            continue
        wabt = subprocess.run(["wasm-validate", f], capture_output=True, text=True,
                              errors="replace", check=False)
        compared += 1
        valid += code == "0"
        if (code == "0") != (wabt.returncode == 0):
            first = (wabt.stderr.splitlines() or [""])[0]
            diffs.append("%s: engine %s %s | wasm-validate %s" % (
                f, "valid" if code == "0" else "invalid (%s)" % msg,
                "", "valid" if wabt.returncode == 0 else "invalid (%s)" % first))
    if diffs:
        print("FAIL differential_validate  %d of %d modules disagree with wasm-validate"
              % (len(diffs), compared))
        for d in diffs[:8]:
            print("  | " + d)
        return 1
    print("ok differential_validate  %d modules (%d valid) agree with wasm-validate"
          % (compared, valid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
