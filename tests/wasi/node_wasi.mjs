// tests/wasi/node_wasi.mjs — the reference runner for tests/wasi/real.py: runs a WASI command under
// Node's node:wasi with walos-run's flags (--dir HOST::GUEST, --env K=V, then app.wasm args...),
// same stdio, and exits with the program's status.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length && argv[0].startsWith('--')) {
  const flag = argv.shift(), value = argv.shift();
  if (flag === '--dir') {
    const [host, guest] = value.includes('::') ? value.split('::') : [value, value];
    preopens[guest] = host;
  } else if (flag === '--env') {
    const i = value.indexOf('=');
    env[value.slice(0, i)] = value.slice(i + 1);
  } else {
    throw new Error(`unknown flag ${flag}`);
  }
}
const path = argv.shift();
const wasi = new WASI({ version: 'preview1', args: [path, ...argv], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(path));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
