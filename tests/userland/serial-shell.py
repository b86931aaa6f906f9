#!/usr/bin/env python3
"""tests/userland/serial-shell.py IMAGE SRV_OUT — types into walos's shell over the serial console.

Copies IMAGE (a walos disk image with its kernel), puts the freshly built programs of SRV_OUT
(*.wasm) into the copy's /bin and the shipped srv/etc/services/shell.conf alone in /test-shell-units
with mtools, and boots it in QEMU (TCG, -cpu max, UEFI) with the command line
`svc.dir=/test-shell-units`, so the service manager starts the shell as at a normal boot. COM1 is on
this program's pipes; it drives the interactive shell like a person at a terminal: CR as Enter,
backspace, Ctrl-U, Ctrl-W, arrows and history, a pipe, an unknown command, svc status/list/logs,
`exit 0` (the service manager starts a new shell), then `poweroff`
(QEMU exits 0). Prints one line per check ("ok NAME" / "FAIL NAME: why") and ends with
"N passed, N failed, N skipped". A missing image or OVMF is a failure (the suite builds the image
first: srv/rules.mk). Hard timeout: 180 s for the whole boot.
"""
import glob
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

OVMF = os.environ.get("OVMF_DIR", "/usr/share/OVMF")
PROMPT_ROOT = "walos:/$ "
DEADLINE = time.monotonic() + 180


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
ESP_OFFSET = 2048 * 512  # tools/mkimg puts the ESP at LBA 2048


def main():
    src_image, srv_out = sys.argv[1:3]
    need = [src_image, f"{OVMF}/OVMF_CODE_4M.fd", f"{OVMF}/OVMF_VARS_4M.fd"]
    missing = [p for p in need if not os.path.exists(p)]
    if missing:
        print(f"FAIL serial-shell: missing {', '.join(missing)} (`make qemu-walos-media` builds the image)")
        print("0 passed, 1 failed, 0 skipped")
        return 1
    tmp = tempfile.mkdtemp(prefix="walos-serial-shell.")
    try:
        image = os.path.join(tmp, "walos.img")
        shutil.copyfile(src_image, image)
        wasm = sorted(p for p in glob.glob(os.path.join(srv_out, "*.wasm")) if "shell-host" not in p)
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        esp = f"{image}@@{ESP_OFFSET}"
        subprocess.run(["mcopy", "-o", "-i", esp] + wasm + ["::/bin/"], env=env, check=True)
        # the shipped shell unit alone, so no other service writes on the console meanwhile
        subprocess.run(["mmd", "-D", "s", "-i", esp, "::/test-shell-units"], env=env, check=True)
        subprocess.run(["mcopy", "-o", "-i", esp, os.path.join(ROOT, "srv/etc/services/shell.conf"),
                        "::/test-shell-units/"], env=env, check=True)
        return boot(image, srv_out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def boot(image, srv_out):
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-accel", "tcg", "-m", "512M",
           "-display", "none", "-no-reboot", "-monitor", "none", "-nic", "none",
           "-chardev", "stdio,id=com1,signal=off", "-serial", "chardev:com1",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF}/OVMF_CODE_4M.fd",
           "-drive", f"if=pflash,format=raw,unit=1,snapshot=on,file={OVMF}/OVMF_VARS_4M.fd",
           "-drive", f"if=none,id=disk0,format=raw,snapshot=on,file={image}",
           "-device", "virtio-blk-pci,drive=disk0,bootindex=0",
           "-fw_cfg", "name=opt/walos/cmdline,string=svc.dir=/test-shell-units"]
    qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = []
    results = {"pass": 0, "fail": 0, "skip": 0}

    def read_until(marker, seconds=60):
        """Collects serial output until marker shows up; returns the text since the call, or None."""
        got = ""
        end = min(time.monotonic() + seconds, DEADLINE)
        while time.monotonic() < end:
            ready, _, _ = select.select([qemu.stdout], [], [], 0.2)
            if not ready:
                if qemu.poll() is not None:
                    break
                continue
            chunk = os.read(qemu.stdout.fileno(), 4096).decode("utf-8", "replace")
            if not chunk:
                break
            got += chunk
            log.append(chunk)
            if marker in got.replace("\r", "")[1:]:
                return got.replace("\r", "")
        return None

    def send(keys):
        # one byte at a time, like a terminal: the console hands over raw bytes as they arrive
        for b in keys.encode():
            qemu.stdin.write(bytes([b]))
            qemu.stdin.flush()
            time.sleep(0.01)

    def check(name, keys, prompt, wanted, unwanted=()):
        send(keys)
        out = read_until("\n" + prompt)
        if out is None:
            why = f"no prompt {prompt!r} after {keys!r}"
        else:
            bad = [w for w in wanted if w not in out] + [u for u in unwanted if u in out]
            why = f"output {out!r} lacks or has {bad!r}" if bad else ""
        if why:
            print(f"FAIL {name}: {why}")
            results["fail"] += 1
        else:
            print(f"ok {name}")
            results["pass"] += 1
        return not why

    try:
        if read_until(PROMPT_ROOT, 120) is None:
            print("FAIL serial-shell-prompt: no prompt; serial log tail:")
            print("".join(log)[-1500:])
            results["fail"] += 1
        else:
            print("ok serial-shell-prompt")
            results["pass"] += 1
            check("serial-shell-echo-cr", "pwd\r", PROMPT_ROOT, ["pwd\n/\n"])
            check("serial-shell-backspace", "pwx\x7fd\r", PROMPT_ROOT, ["\n/\n"])
            check("serial-shell-cd-prompt", "cd /etc\r", "walos:/etc$ ", [])
            check("serial-shell-lf", "pwd\n", "walos:/etc$ ", ["\n/etc\n"])
            check("serial-shell-pipe", "echo one two | cat\r", "walos:/etc$ ", ["\none two\n"])
            check("serial-shell-history", "\x1b[A\r", "walos:/etc$ ", ["\none two\n"])
            check("serial-shell-ctrl-u", "junk\x15echo cleared\r", "walos:/etc$ ", ["\ncleared\n"],
                  ["command not found"])
            check("serial-shell-ctrl-w", "echo keep drop\x17\r", "walos:/etc$ ", ["\nkeep\n"], ["drop\n"])
            check("serial-shell-arrows", "eho left" + "\x1b[D" * 7 + "c\r", "walos:/etc$ ",
                  ["\nleft\n"])
            check("serial-shell-unknown", "nosuch\r", "walos:/etc$ ", ["shell: nosuch: command not found"])
            check("serial-shell-ls", "ls services\r", "walos:/etc$ ", ["shell.conf"])
            check("serial-shell-cd-root", "cd\r", PROMPT_ROOT, [])
            check("serial-shell-svc-status", "svc status shell\r", PROMPT_ROOT,
                  ["\nshell running pid="])
            check("serial-shell-svc-list", "svc list\r", PROMPT_ROOT, ["\nshell running pid="])
            check("serial-shell-svc-logs", "svc logs shell\r", PROMPT_ROOT, ["console"])
            check("serial-shell-svc-unknown", "svc status nosuch\r", PROMPT_ROOT,
                  ["svc: nosuch: no such service"])
            check("serial-shell-exit-restarted", "exit 0\r", PROMPT_ROOT,
                  ["svc: shell exited with status 0", "svc: shell started"])
            send("poweroff\r")
            try:
                rc = qemu.wait(max(1, DEADLINE - time.monotonic()))
            except subprocess.TimeoutExpired:
                rc = None
            if rc == 0:
                print("ok serial-shell-poweroff")
                results["pass"] += 1
            else:
                print(f"FAIL serial-shell-poweroff: QEMU status {rc}")
                results["fail"] += 1
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
    if results["fail"]:
        log_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/test-logs")
        os.makedirs(log_dir, exist_ok=True)
        with open(os.path.join(log_dir, "serial-shell.log"), "w") as f:
            f.write("".join(log))
        print("serial log: build/test-logs/serial-shell.log")
    print(f"{results['pass']} passed, {results['fail']} failed, {results['skip']} skipped")
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
