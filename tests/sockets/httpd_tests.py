"""tests/sockets/httpd_tests.py — srv/httpd and srv/bin/wget under walos-run (imported by run.py).

httpd runs with --tcplisten 127.0.0.1:PORT (socket activation, as a unit's listen=) and a scratch
/www; curl (Debian) and small python3 clients check: index.html, a 50 MB file by sha256, HEAD, 404,
".." refused (403), a range, 400 on a malformed request, and 200 concurrent keep-alive connections
(three requests each) completing without error. Then httpd opening its own listener (--listen,
needs --allow-net), and wget.wasm fetching from python3 -m http.server with the bytes compared."""
import hashlib, os, shutil, socket, subprocess, threading, time

CURL_TIMEOUT = 120

def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port

def wait_port(port, proc, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(('127.0.0.1', port), timeout=2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False

def curl(args):
    p = subprocess.run(['curl', '-sS', '--max-time', str(CURL_TIMEOUT)] + args,
                       capture_output=True, timeout=CURL_TIMEOUT + 10)
    return p.returncode, p.stdout, p.stderr.decode(errors='replace')

def raw(port, data, timeout=10):
    """Sends data, returns everything until the server closes (or timeout)."""
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    s.sendall(data)
    out = b''
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except (socket.timeout, ConnectionResetError):
        pass   # a server closing with our bytes unread resets: what came before still counts
    s.close()
    return out

def read_response(f):
    """One response from a file-like socket reader: (status, headers dict, body)."""
    line = f.readline()
    if not line:
        raise OSError('connection closed before a response')
    status = int(line.split()[1])
    headers = {}
    while True:
        h = f.readline()
        if h in (b'\r\n', b'\n', b''):
            break
        k, _, v = h.decode().partition(':')
        headers[k.strip().lower()] = v.strip()
    body = f.read(int(headers.get('content-length', '0')))
    return status, headers, body

def concurrent(port, n_conns, n_requests, want_body):
    """n_conns keep-alive connections open at once, each making n_requests GETs. Returns errors."""
    errors = []
    socks = []
    for _ in range(n_conns):
        try:
            s = socket.create_connection(('127.0.0.1', port), timeout=60)
            socks.append(s)
        except OSError as e:
            errors.append(f'connect: {e}')
    barrier = threading.Barrier(len(socks))
    def client(s):
        try:
            f = s.makefile('rb')
            barrier.wait(timeout=60)
            for _ in range(n_requests):
                s.sendall(b'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')
                status, headers, body = read_response(f)
                if status != 200 or body != want_body or headers.get('connection') != 'keep-alive':
                    errors.append(f'status {status}, body {body[:40]!r}')
                    return
        except Exception as e:   # noqa: BLE001 — any failure is a test failure, reported
            errors.append(repr(e))
        finally:
            s.close()
    threads = [threading.Thread(target=client, args=(s,)) for s in socks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors

def wget_chunked(walos_run, srv):
    """wget.wasm against a one-shot server answering with chunked transfer coding."""
    body = b'first chunk|' + b'x' * 5000 + b'|last'
    chunks = [body[:12], body[12:5012], body[5012:]]
    wire = b''.join(b'%x\r\n' % len(c) + c + b'\r\n' for c in chunks) + b'0\r\n\r\n'
    srv_sock = socket.socket()
    srv_sock.bind(('127.0.0.1', 0))
    srv_sock.listen(1)
    srv_sock.settimeout(30)
    def serve():
        try:
            c, _ = srv_sock.accept()
            c.settimeout(30)
            req = b''
            while b'\r\n\r\n' not in req:
                d = c.recv(4096)
                if not d:
                    break
                req += d
            c.sendall(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + wire)
            c.close()
        except OSError:
            pass
    t = threading.Thread(target=serve)
    t.start()
    r = subprocess.run([walos_run, '--allow-net', f'{srv}/wget.wasm', '-q', '-O', '-',
                        f'http://127.0.0.1:{srv_sock.getsockname()[1]}/c'],
                       capture_output=True, timeout=60)
    t.join(timeout=30)
    srv_sock.close()
    if r.returncode != 0 or r.stdout != body:
        return f'exit {r.returncode}, {len(r.stdout)} bytes: {r.stderr[:100]!r}'
    return None

def run_all(walos_run, srv, work, report):
    if not shutil.which('curl'):
        report('httpd', skip='curl is not installed (tools/packages.txt: curl; run tools/deps)')
        return
    www = os.path.join(work, 'www')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(www, 'sub'))
    index = b'<html><body>walos httpd test</body></html>\n'
    open(os.path.join(www, 'index.html'), 'wb').write(index)
    open(os.path.join(www, 'sub', 'index.html'), 'wb').write(b'sub\n')
    open(os.path.join(work, 'secret.txt'), 'wb').write(b'outside the root\n')
    big = os.path.join(www, 'big.bin')
    with open(big, 'wb') as f:
        for i in range(50):
            f.write(hashlib.sha256(str(i).encode()).digest() * (1024 * 1024 // 32))
    big_sha = hashlib.sha256(open(big, 'rb').read()).hexdigest()

    port = free_port()
    log = open(os.path.join(work, 'httpd.log'), 'wb')
    p = subprocess.Popen([walos_run, '--dir', f'{www}::/www', '--tcplisten', f'127.0.0.1:{port}',
                          f'{srv}/httpd.wasm', '--quiet'], stdout=log, stderr=log)
    try:
        if not wait_port(port, p):
            report('httpd/start', f'httpd did not come up (see {work}/httpd.log)')
            return
        report('httpd/start')
        base = f'http://127.0.0.1:{port}'

        rc, out, err = curl([f'{base}/'])
        report('httpd/index', None if rc == 0 and out == index else f'curl {rc}: {err} {out[:80]!r}')
        rc, out, err = curl([f'{base}/sub/'])
        report('httpd/subdir_index', None if rc == 0 and out == b'sub\n' else f'curl {rc} {out!r}')

        t0 = time.time()
        rc, out, err = curl([f'{base}/big.bin'])
        secs = time.time() - t0
        sha = hashlib.sha256(out).hexdigest()
        report('httpd/50MB_sha256', None if rc == 0 and sha == big_sha
               else f'curl {rc}: {err}, {len(out)} bytes, sha {sha[:16]}')
        if rc == 0:
            print(f'  (50 MB in {secs:.2f} s: {50 / secs:.1f} MB/s)', flush=True)

        rc, out, err = curl(['-I', f'{base}/big.bin'])
        head = out.decode(errors='replace')
        report('httpd/head', None if rc == 0 and 'HTTP/1.1 200' in head and
               f'Content-Length: {50 * 1024 * 1024}' in head else f'curl {rc}: {head!r}')
        rc, out, err = curl(['-o', '/dev/null', '-w', '%{http_code}', f'{base}/missing.html'])
        report('httpd/404', None if out == b'404' else f'status {out!r}')
        for name, path in [('dotdot', '/../secret.txt'), ('dotdot_encoded', '/%2e%2e/secret.txt'),
                           ('dotdot_inner', '/sub/../../secret.txt')]:
            rc, out, err = curl(['--path-as-is', '-o', '/dev/null', '-w', '%{http_code}',
                                 f'{base}{path}'])
            report(f'httpd/{name}_refused', None if out == b'403' else f'status {out!r}')
        rc, out, err = curl(['-r', '5-9', f'{base}/index.html'])
        report('httpd/range', None if rc == 0 and out == index[5:10] else f'curl {rc} {out!r}')
        reply = raw(port, b'NONSENSE\r\n\r\n')
        report('httpd/400', None if reply.startswith(b'HTTP/1.1 400') else f'reply {reply[:60]!r}')
        reply = raw(port, b'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
        report('httpd/405_then_close', None if reply.startswith(b'HTTP/1.1 405') and
               b'Connection: close' in reply else f'reply {reply[:60]!r}')
        reply = raw(port, b'GET / HTTP/1.0\r\n\r\n')
        report('httpd/http10_closes', None if reply.startswith(b'HTTP/1.1 200') and
               reply.endswith(index) and b'Connection: close' in reply else f'reply {reply[-60:]!r}')
        reply = raw(port, b'GET / HTTP/1.1\r\n\r\n')
        report('httpd/400_without_host', None if reply.startswith(b'HTTP/1.1 400')
               else f'reply {reply[:60]!r}')
        reply = raw(port, b'GET / HTTP/1.1\r\nHost: x\r\nX-Big: ' + b'a' * 9000 + b'\r\n\r\n')
        report('httpd/head_too_large', None if reply.startswith(b'HTTP/1.1 431') or reply == b''
               else f'reply {reply[:60]!r}')
        rc, out, err = curl(['-o', '/dev/null', '-w', '%{http_code}', '-r', '999999-',
                             f'{base}/index.html'])
        report('httpd/416', None if out == b'416' else f'status {out!r}')
        reply = raw(port, b'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sub/ HTTP/1.1\r\nHost: x\r\n'
                          b'Connection: close\r\n\r\n')
        report('httpd/pipelined', None if reply.count(b'HTTP/1.1 200') == 2 and
               reply.endswith(b'sub\n') else f'reply {reply[-80:]!r}')

        t0 = time.time()
        errors = concurrent(port, 200, 3, index)
        secs = time.time() - t0
        report('httpd/200_concurrent_keepalive', None if not errors
               else f'{len(errors)} errors, first: {errors[0]}')
        print(f'  (200 connections x 3 requests in {secs:.2f} s)', flush=True)
        report('httpd/still_running', None if p.poll() is None else f'exited {p.returncode}')
    finally:
        p.kill()
        p.wait()
        log.close()

    # httpd opening its own listener (WasmEdge extension), on ::1
    port = free_port()
    p = subprocess.Popen([walos_run, '--allow-net', '--dir', f'{www}::/www', f'{srv}/httpd.wasm',
                          '--quiet', '--listen', f'[::1]:{port}'],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        ok = False
        for _ in range(100):
            rc, out, err = curl(['-g', f'http://[::1]:{port}/'])
            if rc == 0:
                ok = out == index
                break
            if p.poll() is not None:
                break
            time.sleep(0.1)
        report('httpd/own_listener_ipv6', None if ok else f'curl {rc}: {err}')
    finally:
        p.kill()
        p.wait()

    # wget.wasm against python3 -m http.server
    port = free_port()
    dl = os.path.join(work, 'dl')
    os.makedirs(dl)
    server = subprocess.Popen(['python3', '-m', 'http.server', '--bind', '127.0.0.1', str(port)],
                              cwd=www, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_port(port, server):
            report('wget', 'python3 -m http.server did not start')
            return
        def wget(args, timeout=300):
            return subprocess.run([walos_run, '--allow-net', '--dir', f'{dl}::/dl',
                                   f'{srv}/wget.wasm', '-q'] + args,
                                  capture_output=True, timeout=timeout)
        r = wget(['-O', '/dl/big.bin', f'http://127.0.0.1:{port}/big.bin'])
        got = os.path.join(dl, 'big.bin')
        sha = hashlib.sha256(open(got, 'rb').read()).hexdigest() if os.path.exists(got) else ''
        report('wget/50MB_file_sha256', None if r.returncode == 0 and sha == big_sha
               else f'exit {r.returncode}: {r.stderr.decode(errors="replace")[:200]}')
        r = wget(['-O', '-', f'http://localhost:{port}/index.html'])
        report('wget/stdout_localhost', None if r.returncode == 0 and r.stdout == index
               else f'exit {r.returncode}: {r.stdout[:60]!r}')
        r = wget(['-O', '-', f'http://127.0.0.1:{port}/missing'])
        report('wget/404_fails', None if r.returncode == 1 and b'404' in r.stderr
               else f'exit {r.returncode}: {r.stderr[:100]!r}')
        r = wget(['-O', '-', f'http://127.0.0.1:{free_port()}/'])
        report('wget/refused_fails', None if r.returncode == 1 and b'error 14' in r.stderr
               else f'exit {r.returncode}: {r.stderr[:100]!r}')
        report('wget/chunked_body', wget_chunked(walos_run, srv))
        r = subprocess.run([walos_run, f'{srv}/wget.wasm', '-O', '-', f'http://127.0.0.1:{port}/'],
                           capture_output=True, timeout=60)
        report('wget/needs_allow_net', None if r.returncode == 1 and b'error 2' in r.stderr
               else f'exit {r.returncode}: {r.stderr[:100]!r}')
    finally:
        server.kill()
        server.wait()

def run_stress(walos_run, srv, work, report, env):
    """httpd under WALOS_RUN_STRESS_BLOCK=1: every other accept/recv/send/poll would-block first."""
    www = os.path.join(work, 'www')
    index = open(os.path.join(www, 'index.html'), 'rb').read()
    big_sha = hashlib.sha256(open(os.path.join(www, 'big.bin'), 'rb').read()).hexdigest()
    port = free_port()
    p = subprocess.Popen([walos_run, '--dir', f'{www}::/www', '--tcplisten', f'127.0.0.1:{port}',
                          f'{srv}/httpd.wasm', '--quiet'], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    try:
        if not wait_port(port, p):
            report('stress/httpd', 'httpd did not come up')
            return
        rc, out, err = curl([f'http://127.0.0.1:{port}/big.bin'])
        sha = hashlib.sha256(out).hexdigest()
        report('stress/httpd_50MB_sha256', None if rc == 0 and sha == big_sha
               else f'curl {rc}: {err}, {len(out)} bytes')
        errors = concurrent(port, 50, 3, index)
        report('stress/httpd_50_concurrent_keepalive', None if not errors
               else f'{len(errors)} errors, first: {errors[0]}')
    finally:
        p.kill()
        p.wait()
