#!/usr/bin/env node
// WebAssembly benchmarks (make wasm-bench): module sizes (raw, gzip -9, brotli q11), fire from JavaScript (by
// reference, the way a case the engine returned goes, and with the whole case as JSON) against native Go Fire
// measured in the same run (wasm/bridge's native benchmarks, same case and firing, in rounds alternating with
// the JavaScript ones), and cold start in headless Chromium (fetch + instantiate + compile the default policy), median of 9 fresh
// pages. Prints a table and writes wasm/dist/bench.json.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { root, dist, run, importWrapper, serve, launchChromium } from '../test/helpers.mjs';

const out = { sizes: {}, fire: {}, cold_start_ms: {} };

// Sizes.
for (const f of ['sendflow.wasm', 'sendflow-wasi.wasm']) {
  const b = readFileSync(path.join(dist, f));
  out.sizes[f] = {
    raw: b.length,
    gzip: gzipSync(b, { level: 9 }).length,
    brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length,
  };
}

// Fire from JS: the case and firing of BenchmarkNativeFire.
const { create } = await importWrapper();
const sf = await create();
const engine = sf.compile();
let c = engine.newCase({ id: 'bench', la: 'kent', child: { date_of_birth: '2016-03-02' }, evidence: ['personalised_plan', 'personalised_plan', 'parental_consent'] });
for (const f of [
  { trigger: 'support.concern_raised', actor: 'senco', at: '2026-01-05' },
  { trigger: 'support.placed', actor: 'senco', at: '2026-01-06' },
  { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-07' },
  { trigger: 'ehc.decided_to_assess', actor: 'la_officer', at: '2026-02-01' },
  { trigger: 'ehc.advice_requested', actor: 'la_officer', at: '2026-02-02', data: { from: 'medical' } },
]) c = engine.fire(c, f).case;
const firing = { trigger: 'hnf.considered', actor: 'school', at: '2026-02-10', data: { annual_provision_cost: 7500 } };
const refRaw = JSON.stringify({ op: 'fire', engine: engine.handle, case_ref: sf._refs.get(c).ref, firing, delta: true });
const raw = JSON.stringify({ op: 'fire', engine: engine.handle, case: c, firing });
const ways = {
  // engine.fire on a case the engine returned: the reference way (only the firing crosses; the answer is a delta).
  js_ns: () => engine.fire(c, firing),
  // The way every fire went before: the whole case as JSON in, the whole outcome back (what a copied case gets).
  js_full_json_ns: () => sf.request({ op: 'fire', engine: engine.handle, case: c, firing }),
  js_raw_string_ns: () => sf.requestRaw(raw),
  js_ref_raw_string_ns: () => sf.requestRaw(refRaw),
};

// Native Go, in the same run: a test binary of wasm/bridge serving its native benchmarks (TestBenchServer), so
// rounds of JavaScript and rounds of native Go alternate and see the same load. On this shared machine the
// speed of both drifts by up to 2x over seconds; a ratio of figures taken minutes apart is mostly that drift.
const testBin = path.join(mkdtempSync(path.join(os.tmpdir(), 'sendflow-bench-')), 'bridge.test');
const built = run('go', ['test', '-c', '-o', testBin, './wasm/bridge/']);
if (built.status !== 0) throw new Error(built.stderr + built.stdout);
const nativeProc = spawn(testBin, ['-test.run', '^TestBenchServer$'], { env: { ...process.env, SENDFLOW_BENCH_SERVER: '1' }, stdio: ['pipe', 'pipe', 'inherit'] });
const nativeLines = createInterface({ input: nativeProc.stdout })[Symbol.asyncIterator]();
async function native(name, benchtime = '250ms') {
  nativeProc.stdin.write(`${name} ${benchtime}\n`);
  const { value } = await nativeLines.next();
  const ns = Number(value);
  if (!Number.isFinite(ns) || ns <= 0) throw new Error(`native ${name}: ${value}`);
  return ns;
}
const nativeNames = { NativeFire: 'go_native_ns', NativeHandleFire: 'go_bridge_json_ns', NativeHandleFireRef: 'go_bridge_ref_ns' };

// The ways are timed in rounds after a common warm-up: in each round every JS way for 250 ms (the median of
// 20-call samples), then each native benchmark for about 250 ms. The JS/native ratio is the median over rounds
// of each round's ratio; the figures are the medians over rounds.
const warm = performance.now() + 3000;
while (performance.now() < warm) for (const fn of Object.values(ways)) for (let i = 0; i < 20; i++) fn();
for (const n of Object.keys(nativeNames)) await native(n, '100ms');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rounds = Object.fromEntries([...Object.keys(ways), ...Object.values(nativeNames)].map((k) => [k, []]));
const roundRatios = { js: [], full: [] };
for (let round = 0; round < 8; round++) {
  for (const [name, fn] of Object.entries(ways)) {
    const samples = [];
    const end = performance.now() + 250;
    while (performance.now() < end) {
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) fn();
      samples.push(((performance.now() - t0) / 20) * 1e6);
    }
    rounds[name].push(median(samples));
  }
  for (const [n, key] of Object.entries(nativeNames)) rounds[key].push(await native(n));
  roundRatios.js.push(rounds.js_ns[round] / rounds.go_native_ns[round]);
  roundRatios.full.push(rounds.js_full_json_ns[round] / rounds.go_native_ns[round]);
}
nativeProc.stdin.end();
for (const [name, xs] of Object.entries(rounds)) out.fire[name] = Math.round(median(xs));
out.fire.ratio_js_to_native = +median(roundRatios.js).toFixed(1);
out.fire.ratio_js_full_json_to_native = +median(roundRatios.full).toFixed(1);
out.fire.ratio_js_to_native_rounds = roundRatios.js.map((r) => +r.toFixed(1));
out.fire.load_average = os.loadavg().map((l) => +l.toFixed(2));

// Cold start in Chromium: the median of 9 fresh pages (the first page of a fresh browser is often the slowest).
const COLD_PAGES = 9;
const server = await serve();
const browser = await launchChromium();
try {
  const samples = [];
  const parts = {};
  for (let i = 0; i < COLD_PAGES; i++) {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test/page.html`);
    const r = await page.evaluate(async () => {
      const t = [performance.now()];
      const m = await import('/dist/sendflow.mjs?' + Math.random());
      t.push(performance.now());
      const sf = await m.create();
      t.push(performance.now());
      const e = sf.compile();
      if (!e.policyHash) throw new Error('no engine');
      t.push(performance.now());
      return { total: t[3] - t[0], import: t[1] - t[0], create: t[2] - t[1], compile: t[3] - t[2] };
    });
    samples.push(r.total);
    for (const k of ['import', 'create', 'compile']) (parts[k] ??= []).push(r[k]);
    await page.close();
  }
  samples.sort((a, b) => a - b);
  const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
  out.cold_start_ms = { median: Math.round(samples[COLD_PAGES >> 1]), min: Math.round(samples[0]), max: Math.round(samples[COLD_PAGES - 1]), pages: COLD_PAGES, samples: samples.map(Math.round),
    // Medians of each part (import sendflow.mjs; create(): fetch, compile, instantiate, Go start; compile the default).
    parts: Object.fromEntries(Object.entries(parts).map(([k, xs]) => [k, median(xs)])) };
} finally {
  await browser.close();
  await server.close();
}

writeFileSync(path.join(dist, 'bench.json'), JSON.stringify(out, null, 2) + '\n');
const mb = (n) => (n / 1e6).toFixed(2) + ' MB';
for (const [f, s] of Object.entries(out.sizes)) console.log(`size ${f}: raw ${mb(s.raw)}, gzip ${mb(s.gzip)}, brotli ${mb(s.brotli)}`);
const us = (ns) => `${(ns / 1000).toFixed(0)} µs`;
console.log(`fire: JS ${us(out.fire.js_ns)} by reference (request string only ${us(out.fire.js_ref_raw_string_ns)}), JS ${us(out.fire.js_full_json_ns)} with the whole case as JSON (string only ${us(out.fire.js_raw_string_ns)})`);
console.log(`      native Go Fire ${us(out.fire.go_native_ns)}, native bridge by reference ${us(out.fire.go_bridge_ref_ns)}, native bridge whole JSON ${us(out.fire.go_bridge_json_ns)}: JS/native ${out.fire.ratio_js_to_native}x (median of rounds ${out.fire.ratio_js_to_native_rounds.join(' ')}; whole JSON ${out.fire.ratio_js_full_json_to_native}x), load ${out.fire.load_average.join(' ')}`);
const cp = out.cold_start_ms.parts;
console.log(`cold start in Chromium (fetch, instantiate, compile default): median ${out.cold_start_ms.median} ms (min ${out.cold_start_ms.min}, max ${out.cold_start_ms.max}; medians: import ${cp.import}, create ${cp.create}, compile ${cp.compile}; details: node wasm/bench/coldstart.mjs)`);
console.log(`wrote ${path.relative(root, path.join(dist, 'bench.json'))}`);
process.exit(0);
