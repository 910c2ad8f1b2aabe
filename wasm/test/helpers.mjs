// Shared by the wasm tests: paths, the native CLI, the WASI module under node:wasi.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = process.env.SENDFLOW_DIST ? path.resolve(process.env.SENDFLOW_DIST) : path.join(root, 'wasm', 'dist');
export const sendflowBin = process.env.SENDFLOW_BIN || path.join(root, 'bin', 'sendflow');
export const suite = ['testdata/conformance', 'examples/scenarios'];

export async function importWrapper() {
  return import(pathToFileURL(path.join(dist, 'sendflow.mjs')).href);
}

/** Runs a command in the repository root; returns {status, stdout, stderr}. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** The WASI module instantiated under node:wasi, with a call(request object) → response object helper. */
export async function openWASI(file = path.join(dist, 'sendflow-wasi.wasm')) {
  const { WASI } = await import('node:wasi');
  const wasi = new WASI({ version: 'preview1', args: [], env: {}, returnOnExit: true });
  const { instance } = await WebAssembly.instantiate(readFileSync(file), { wasi_snapshot_preview1: wasi.wasiImport });
  wasi.initialize(instance);
  const x = instance.exports;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const callRaw = (json) => {
    const bytes = enc.encode(json);
    const ptr = x.sendflow_alloc(bytes.length);
    if (ptr === 0) throw new Error('alloc refused');
    new Uint8Array(x.memory.buffer, ptr, bytes.length).set(bytes);
    const res = x.sendflow_call(ptr, bytes.length);
    x.sendflow_free(ptr);
    const rptr = Number(res >> 32n);
    const rlen = Number(res & 0xffffffffn);
    const out = dec.decode(new Uint8Array(x.memory.buffer, rptr, rlen).slice());
    x.sendflow_free(rptr);
    return out;
  };
  return { exports: x, callRaw, call: (req) => JSON.parse(callRaw(JSON.stringify(req))) };
}

/** Reads the scenario suite as the run_files op wants it. */
export async function suiteInput(paths = suite) {
  const { collect } = await import(pathToFileURL(path.join(root, 'wasm', 'js', 'collect.mjs')).href);
  const cwd = process.cwd();
  process.chdir(root);
  try {
    return collect(paths);
  } finally {
    process.chdir(cwd);
  }
}

/** Canonical JSON: keys sorted at every level, so reports compare field by field. */
export function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

/** Every path at which two JSON values differ (empty when identical). */
export function differences(a, b, at = '', out = []) {
  if (out.length > 50) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${at}: length ${a.length} vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) differences(a[i], b[i], `${at}/${i}`, out);
  } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) out.push(`${at}/${k}: missing on the left`);
      else if (!(k in b)) out.push(`${at}/${k}: missing on the right`);
      else differences(a[k], b[k], `${at}/${k}`, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return out;
}

const TYPES = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.ts': 'text/plain' };

/**
 * A tiny static server on 127.0.0.1 (random port): /dist/* is wasm/dist, /test/* is wasm/test, /repo/* the
 * repository, and any more mounts given (path prefix → directory).
 */
export async function serve(more = {}) {
  const http = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const mounts = { '/dist/': dist, '/test/': path.join(root, 'wasm', 'test'), '/repo/': root, ...more };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname.slice(prefix.length))));
      if (!file.startsWith(dir)) break;
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Debian's chromium, headless, in a fresh profile, through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'sendflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs the scenario files in a Chromium page through the browser build; returns the run_files result. */
export async function runSuiteInPage(page, input) {
  return page.evaluate(async (inp) => {
    const m = await import('/dist/sendflow.mjs');
    const sf = await m.load();
    return sf.runFiles(inp.files, { policies: inp.policies, coverage: true });
  }, input);
}
