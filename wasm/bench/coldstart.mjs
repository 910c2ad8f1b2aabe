#!/usr/bin/env node
// Cold start of the browser build in headless Chromium, broken down by phase, over fresh pages:
//   node wasm/bench/coldstart.mjs [pages]
// Phases (each page does them once, in order): import sendflow.mjs; create() as the wrapper does it
// (fetch + streaming compile + instantiate + Go runtime start); the first call (info); compiling the
// default policy. A second set of pages splits create() by hand: fetch the bytes, WebAssembly.compile,
// WebAssembly.instantiate, go.run until the export appears (Go runtime and package init).
import { serve, launchChromium } from '../test/helpers.mjs';

const pages = Number(process.argv[2] || 7);
const server = await serve();
const browser = await launchChromium();
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
try {
  const whole = [];
  const split = [];
  for (let i = 0; i < pages; i++) {
    let page = await browser.context.newPage();
    await page.goto(`${server.url}/test/page.html`);
    whole.push(await page.evaluate(async () => {
      const t = [performance.now()];
      const m = await import('/dist/sendflow.mjs?' + Math.random());
      t.push(performance.now());
      const sf = await m.create();
      t.push(performance.now());
      sf.info();
      t.push(performance.now());
      const e = sf.compile();
      if (!e.policyHash) throw new Error('no engine');
      t.push(performance.now());
      return { import: t[1] - t[0], create: t[2] - t[1], info: t[3] - t[2], compile: t[4] - t[3], total: t[4] - t[0] };
    }));
    await page.close();
    page = await browser.context.newPage();
    await page.goto(`${server.url}/test/page.html`);
    split.push(await page.evaluate(async () => {
      const t = [performance.now()];
      await import('/dist/sendflow.mjs?' + Math.random());
      t.push(performance.now());
      const bytes = await (await fetch('/dist/sendflow.wasm?' + Math.random())).arrayBuffer();
      t.push(performance.now());
      const mod = await WebAssembly.compile(bytes);
      t.push(performance.now());
      const go = new globalThis.Go();
      go.env = { SENDFLOW_EXPORT: '__sf_split' };
      const inst = await WebAssembly.instantiate(mod, go.importObject);
      t.push(performance.now());
      go.run(inst);
      if (!globalThis.__sf_split) throw new Error('did not start');
      t.push(performance.now());
      return { import: t[1] - t[0], fetch: t[2] - t[1], wasm_compile: t[3] - t[2], instantiate: t[4] - t[3], go_start: t[5] - t[4] };
    }));
    await page.close();
  }
  const show = (name, rows) => {
    const keys = Object.keys(rows[0]);
    console.log(name + ' (median [min-max] ms over ' + rows.length + ' fresh pages)');
    for (const k of keys) {
      const xs = rows.map((r) => r[k]);
      console.log(`  ${k.padEnd(13)} ${med(xs).toFixed(0).padStart(5)}  [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`);
    }
  };
  show('through the wrapper', whole);
  show('create() split by hand', split);
} finally {
  await browser.close();
  await server.close();
}
process.exit(0);
