"""tests/wasi/own.py — walos-run tests of our own (imported by tests/wasi/run.py).

Programs in tests/wasi/programs/ (C built with Debian clang + wasi-libc, .wat with wat2wasm) are run
with walos-run and their exit status, stdout and stderr checked: argv/env, exit codes, files and
directories, clocks, poll timeouts, random, stdin, sockets through --tcplisten with a host client,
traps (reason, backtrace with names, status 134), fuel, --max-memory, and loading errors (one line,
status 125). Each case returns None (passed) or why it failed."""
import os, socket, subprocess, tempfile, threading, time

TRAP_STATUS = 134       # 128 + SIGABRT (host/walos_run.c)
CANNOT_RUN = 125

def run(walos_run, args, stdin=b'', timeout=30, env=None):
    p = subprocess.run([walos_run] + args, input=stdin, capture_output=True, timeout=timeout,
                       env=env)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')

def expect(got, want_status, stdout=None, stderr_has=(), stderr_lines=None):
    status, out, err = got
    if status != want_status:
        return f'exit status {status}, expected {want_status} (stderr: {err.strip()[:200]!r})'
    if stdout is not None and out != stdout:
        return f'stdout {out[:200]!r}, expected {stdout!r}'
    for s in stderr_has:
        if s not in err:
            return f'stderr {err[:300]!r} lacks {s!r}'
    if stderr_lines is not None and len(err.strip().splitlines()) != stderr_lines:
        return f'stderr has {len(err.strip().splitlines())} lines, expected {stderr_lines}: {err!r}'
    return None

def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port

STRESS = dict(os.environ, WALOS_RUN_STRESS_BLOCK='1')

def sock_echo(walos_run, d, env=None):
    port = free_port()
    p = subprocess.Popen([walos_run, '--tcplisten', f'127.0.0.1:{port}', f'{d}/sock_echo.wasm'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    reply = b''
    try:
        deadline = time.time() + 10
        while True:
            try:
                c = socket.create_connection(('127.0.0.1', port), timeout=5)
                break
            except OSError:
                if time.time() > deadline or p.poll() is not None:
                    return 'could not connect to the --tcplisten socket'
                time.sleep(0.05)
        c.sendall(b'ping')
        while True:
            chunk = c.recv(100)
            if not chunk:
                break
            reply += chunk
        c.close()
        out, err = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if reply != b'echo: ping':
        return f'reply {reply!r}, expected b"echo: ping"'
    return expect((p.returncode, out.decode(), err.decode()), 0, stdout='served 4 bytes\n')

def broken_pipe(walos_run, d):
    p = subprocess.Popen([walos_run, f'{d}/write_pipe.wasm'], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()   # the reader goes away
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        return 'still writing after its reader closed the pipe'
    return None if p.returncode == 9 else f'exit status {p.returncode}, expected 9 (EPIPE seen)'

def cases(walos_run, d):
    w = lambda name: f'{d}/{name}.wasm'
    scratch = tempfile.mkdtemp(prefix='walos-own-', dir=d)
    bad = os.path.join(d, 'not-wasm.wasm')
    with open(bad, 'w') as f:
        f.write('#!/bin/sh\necho not wasm\n')
    version = os.path.join(d, 'bad-version.wasm')
    with open(version, 'wb') as f:
        f.write(b'\0asm\x02\0\0\0')
    return [
        ('own/args_env', lambda: expect(run(walos_run, ['--env', 'A=1', '--env', 'B=x y "q"',
                                                        w('args_env'), '7', 'two words']), 7,
            stdout='argc=3\nargv[1]=7\nargv[2]=two words\nenv A=1\nenv B=x y "q"\n')),
        ('own/no_host_environment', lambda: expect(run(walos_run, [w('args_env')]), 0,
                                                   stdout='argc=1\n')),
        ('own/env_from_host', lambda: expect(
            run(walos_run, ['--env', 'WALOS_TEST_VAR', '--env', 'WALOS_UNSET_VAR', w('args_env')],
                env=dict(os.environ, WALOS_TEST_VAR='from host')),
            0, stdout='argc=1\nenv WALOS_TEST_VAR=from host\n')),
        ('own/argv0', lambda: expect(run(walos_run, ['--argv0', 'prog', w('args_env')]), 0,
                                     stdout='argc=1\n')),
        ('own/files', lambda: expect(run(walos_run, ['--dir', f'{scratch}::/work', w('files')]), 0,
                                     stdout='files ok\n')),
        ('own/clocks_poll_random', lambda: expect(run(walos_run, [w('clocks')]), 0,
                                                  stdout='clocks ok\n')),
        ('own/stdin', lambda: expect(run(walos_run, [w('stdin_upper')], stdin=b'hello\nworld'), 0,
                                     stdout='HELLO\nWORLD')),
        # the same programs with every other blocking call answering "would block" first
        ('own/stress_block_stdin', lambda: expect(run(walos_run, [w('stdin_upper')],
            stdin=b'hello\nworld', env=STRESS), 0, stdout='HELLO\nWORLD')),
        ('own/stress_block_files', lambda: expect(run(walos_run, ['--dir', f'{scratch}::/work',
            w('files')], env=STRESS), 0, stdout='files ok\n')),
        ('own/stress_block_clocks_poll', lambda: expect(run(walos_run, [w('clocks')], env=STRESS),
            0, stdout='clocks ok\n')),
        ('own/stress_block_sockets', lambda: sock_echo(walos_run, d, env=STRESS)),
        ('own/broken_pipe_is_epipe', lambda: broken_pipe(walos_run, d)),
        ('own/sock_echo_tcplisten', lambda: sock_echo(walos_run, d)),
        ('own/trap_backtrace', lambda: expect(run(walos_run, [w('trap')]), TRAP_STATUS,
            stderr_has=('trap: unreachable', 'crash_here', 'middle', 'main'))),
        ('own/fuel', lambda: expect(run(walos_run, ['--fuel', '100000', w('fuel_loop')]),
                                    TRAP_STATUS, stderr_has=('all fuel consumed',))),
        ('own/max_memory_refuses_grow', lambda: expect(
            run(walos_run, ['--max-memory', '131072', w('grow')]), 3)),
        ('own/memory_grows_without_limit', lambda: expect(run(walos_run, [w('grow')]), 0)),
        ('own/wasi_unstable_module', lambda: expect(run(walos_run, [w('unstable_hello')]), 5,
                                                    stdout='unstable ok\n')),
        ('own/load_not_wasm', lambda: expect(run(walos_run, [bad]), CANNOT_RUN,
            stderr_has=('not a WebAssembly module',), stderr_lines=1)),
        ('own/load_bad_version', lambda: expect(run(walos_run, [version]), CANNOT_RUN,
            stderr_has=('offset 0x',), stderr_lines=1)),
        ('own/load_missing_file', lambda: expect(run(walos_run, [f'{d}/missing.wasm']),
            CANNOT_RUN, stderr_has=('No such file',), stderr_lines=1)),
        ('own/load_unknown_module', lambda: expect(run(walos_run, [w('import_env')]), CANNOT_RUN,
            stderr_has=('unknown import module "env"', 'emscripten_thing'), stderr_lines=1)),
        ('own/load_unknown_wasi_function', lambda: expect(run(walos_run, [w('import_bad_wasi')]),
            CANNOT_RUN, stderr_has=('fd_teleport',), stderr_lines=1)),
        ('own/load_wrong_signature', lambda: expect(run(walos_run, [w('import_bad_sig')]),
            CANNOT_RUN, stderr_has=('fd_write',), stderr_lines=1)),
    ]
