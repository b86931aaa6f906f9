#!/usr/bin/env python3
"""tests/wasi/run.py — runs the official WASI preview1 testsuite (../shared/testsuites/wasi) with
walos-run, following that folder's FORMAT.md (the upstream runner's semantics):

  * the suite is copied to a scratch folder first (tests create and delete files in their root);
  * per test: args, env (the complete environment), root (preopened as guest "/"), exit_code
    (default 0) and stdout (a prefix match, checked only when given) come from <test>.json;
  * `*.cleanup` files under the root are deleted before and after each test (not symlinks' targets);
  * stdin is empty (EOF); each run has a timeout.

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" per test and ends with
"N passed, N failed, N skipped". Tests named in tests/wasi/known-failures.txt (one "suite/test  reason"
a line) are run but reported as skipped with their reason when they fail.
With --own DIR, our own programs (tests/wasi/own.py, built into DIR) run after the official suite,
and with --real BUILD the large programs from npm (tests/wasi/real.py, compared with node:wasi).
With --skip REASON nothing is run: every test is reported skipped with that reason (used when
walos-run cannot be built yet)."""
import argparse, glob, json, os, shutil, subprocess, sys, time

def load_known(path):
    known = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith('#'):
                name, _, reason = line.partition(' ')
                known[name] = reason.strip() or 'known failure'
    return known

def cleanup(root):
    for p in glob.glob(os.path.join(root, '**', '*.cleanup'), recursive=True):
        if os.path.islink(p) or not os.path.isdir(p):
            try:
                os.remove(p)
            except FileNotFoundError:
                pass
        else:
            shutil.rmtree(p, ignore_errors=True)

def run_test(walos_run, wasm, spec, timeout, env=None):
    folder = os.path.dirname(wasm)
    cmd = [walos_run]
    for k, v in spec.get('env', {}).items():
        cmd += ['--env', f'{k}={v}']
    root = spec.get('root') or (spec.get('dirs') or [None])[0]
    if root:
        root = os.path.join(folder, root)
        cmd += ['--dir', f'{root}::/']
        cleanup(root)
    cmd += [wasm] + spec.get('args', [])
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                           env=env)
    except subprocess.TimeoutExpired:
        return f'timed out after {timeout}s'
    finally:
        if root:
            cleanup(root)
    want = spec.get('exit_code', 0)
    err = p.stderr.decode(errors='replace').strip().splitlines()
    tail = (': ' + ' | '.join(err[:3])) if err else ''
    if p.returncode != want:
        return f'exit status {p.returncode}, expected {want}{tail}'
    for stream, data in (('stdout', p.stdout), ('stderr', p.stderr)):
        if stream in spec:
            got = data.decode(errors='replace').replace('\r\n', '\n')
            if not got.startswith(spec[stream]):
                return f'{stream} {got[:60]!r}, expected {spec[stream]!r}'
    return None

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--walos-run')
    ap.add_argument('--suite', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--known', default=os.path.join(os.path.dirname(__file__), 'known-failures.txt'))
    ap.add_argument('--skip')
    ap.add_argument('--timeout', type=float, default=30.0)
    ap.add_argument('--only')
    ap.add_argument('--stress', action='store_true',
                    help='run the official suite a second time with WALOS_RUN_STRESS_BLOCK=1 '
                         '(every other blocking call answers "would block" first)')
    ap.add_argument('--own', help='folder with the built tests/wasi/programs (own tests)')
    ap.add_argument('--check', action='append', default=[],
                    help='NAME=COMMAND: one more test, passed when the shell command succeeds')
    ap.add_argument('--real', help='build folder: run the real programs from npm (tests/wasi/real.py)')
    a = ap.parse_args()

    if os.path.exists(a.work):
        shutil.rmtree(a.work)
    shutil.copytree(a.suite, a.work, symlinks=True)
    for d, dirs, files in os.walk(a.work):
        os.chmod(d, 0o755)
        for f in files:
            if not os.path.islink(os.path.join(d, f)):
                os.chmod(os.path.join(d, f), 0o644)
    known = load_known(a.known)
    passed = failed = skipped = 0
    runs = [('', None)]
    if a.stress:
        runs.append(('stress/', dict(os.environ, WALOS_RUN_STRESS_BLOCK='1')))
    for prefix, env, wasm in [(p, e, w) for p, e in runs
                              for w in sorted(glob.glob(os.path.join(a.work, '*', '*.wasm')))]:
        name = prefix + os.path.basename(os.path.dirname(wasm)) + '/' + os.path.basename(wasm)[:-5]
        if a.only and a.only not in name:
            continue
        if a.skip:
            print(f'skip {name}: {a.skip}')
            skipped += 1
            continue
        spec_path = wasm[:-5] + '.json'
        spec = json.load(open(spec_path)) if os.path.exists(spec_path) else {}
        t0 = time.time()
        why = run_test(os.path.abspath(a.walos_run), wasm, spec, a.timeout, env)
        ms = int((time.time() - t0) * 1000)
        if why is None:
            print(f'ok {name} ({ms} ms)' + (' (listed in known-failures.txt, passes now)' if name in known else ''))
            passed += 1
        elif name in known:
            print(f'skip {name}: known failure: {known[name]} ({why})')
            skipped += 1
        else:
            print(f'FAIL {name}: {why}')
            failed += 1
    extra = []
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    walos_run = os.path.abspath(a.walos_run or 'walos-run')
    if a.own:
        import own
        extra += own.cases(walos_run, os.path.abspath(a.own))
    if a.real:
        import real
        extra += real.cases(walos_run, os.path.abspath(a.real))
    def shell_check(cmd):
        p = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        return None if p.returncode == 0 else f'`{cmd}` failed: {(p.stdout + p.stderr).strip()[-300:]}'
    for spec in a.check:
        name, _, cmd = spec.partition('=')
        extra.append((name, lambda cmd=cmd: shell_check(cmd)))
    for name, case in extra:
        if a.only and a.only not in name:
            continue
        if a.skip:
            print(f'skip {name}: {a.skip}')
            skipped += 1
            continue
        note = ''
        try:
            why = case()
            if isinstance(why, tuple):
                why, note = why
        except Exception as e:   # a timeout or a crash of the harness is a failure
            if type(e).__name__ == 'Skip':
                print(f'skip {name}: {e}')
                skipped += 1
                continue
            why = f'{type(e).__name__}: {e}'
        if why is None:
            print(f'ok {name}' + (f' ({note})' if note else ''))
            passed += 1
        else:
            print(f'FAIL {name}: {why}' + (f' ({note})' if note else ''))
            failed += 1
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0

if __name__ == '__main__':
    sys.exit(main())
