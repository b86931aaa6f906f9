#!/usr/bin/env python3
"""tests/qemu/wasi/check.py LOG SUITE — judges wasi-suite.test: the set of official WASI tests that pass
inside walos (the "wasi: NAME ok" lines wasi-runner printed on serial, in LOG) must be exactly the set
expected:
    every test of SUITE (../shared/testsuites/wasi/*/*.wasm)
    minus the host's known failures (tests/wasi/known-failures.txt: what walos-run does not pass,
          checked by `make test-wasi`)
    minus walos's documented differences (tests/qemu/wasi/differences.txt: "suite/test | EVIDENCE |
          reason", one a line: what fails inside walos only, each with the text its failure must
          print and the reason).
A test that fails unexpectedly, a listed one that fails without its EVIDENCE in its own output (the
serial text between the previous result line and its own), one that passes although it is listed
(the list must stay true), and one that never reported, all fail the check.
The second pass, on copies of the fixtures in the RAM filesystem ("wasi@/tmp/wasi: NAME ok|FAIL"
lines), must pass exactly the host's set: the differences are FAT32's alone. Prints a summary; exit
status 0 when the sets match."""
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def listed(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                out[name] = reason.strip()
    return out


def differences(path):
    """{name: (evidence, reason)} from differences.txt."""
    out = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            parts = [p.strip() for p in line.split(" | ")]
            if len(parts) != 3 or not all(parts):
                raise SystemExit(f"{path}: bad line (want NAME | EVIDENCE | REASON): {line!r}")
            out[parts[0]] = (parts[1], parts[2])
    return out


def judge(label, tests, expected_pass, diffs, results, output):
    """Problems of one pass (results: {name: (status, why)}), as text lines."""
    problems = []
    for name in sorted(tests):
        if name not in results:
            problems.append(f"{label} {name}: no result on serial")
            continue
        status, why = results[name]
        if status == "ok" and name not in expected_pass:
            where = "differences.txt" if name in diffs else "tests/wasi/known-failures.txt"
            problems.append(f"{label} {name}: passes inside walos but is listed in {where}")
        elif status == "FAIL" and name in expected_pass:
            problems.append(f"{label} {name}: fails inside walos ({why}) but passes on the host")
        elif status == "FAIL" and name in diffs and diffs[name][0] not in output[name]:
            problems.append(f"{label} {name}: fails ({why}) without its documented evidence "
                            f"{diffs[name][0]!r}")
    return problems


def main():
    log, suite = sys.argv[1], sys.argv[2]
    tests = {os.path.basename(os.path.dirname(w)) + "/" + os.path.basename(w)[:-5]
             for w in glob.glob(os.path.join(suite, "*", "*.wasm"))}
    host_fail = {n for n in listed(os.path.join(ROOT, "tests/wasi/known-failures.txt")) if n in tests}
    diffs = differences(os.path.join(HERE, "differences.txt"))
    results, output, start = {}, {}, 0  # {label: {name: ...}}
    text = open(log, encoding="latin-1").read().replace("\r", "")
    for m in re.finditer(r"^(wasi|wasi@/tmp/wasi): (\S+) (ok|FAIL)(.*)$", text, re.M):
        results.setdefault(m.group(1), {})[m.group(2)] = (m.group(3), m.group(4).strip())
        output.setdefault(m.group(1), {})[m.group(2)] = text[start:m.start()]
        start = m.end()
    fat, ram = results.get("wasi", {}), results.get("wasi@/tmp/wasi", {})
    problems = judge("FAT32", tests, tests - host_fail - set(diffs), diffs, fat,
                     output.get("wasi", {}))
    problems += judge("/tmp", tests, tests - host_fail, {}, ram,
                      output.get("wasi@/tmp/wasi", {}))
    passed = sum(1 for s, _ in fat.values() if s == "ok")
    print(f"wasi-suite: {passed} of {len(tests)} pass inside walos on FAT32 (/wasi); expected "
          f"{len(tests - host_fail - set(diffs))} ({len(host_fail)} host failures, {len(diffs)} "
          f"documented FAT32 differences)")
    for name in sorted(diffs):
        why = fat.get(name, ("none", ""))[1] or "no result"
        print(f"  difference {name}: {diffs[name][1]} (walos: {why})")
    passed = sum(1 for s, _ in ram.values() if s == "ok")
    print(f"wasi-suite: {passed} of {len(tests)} pass inside walos on the RAM filesystem (/tmp/wasi); "
          f"expected {len(tests - host_fail)} (the host's)")
    for p in problems:
        print("  MISMATCH " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
