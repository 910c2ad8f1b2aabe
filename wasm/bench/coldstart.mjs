#!/usr/bin/env node
// Cold start of the browser build in headless Chromium, broken down by phase, over fresh pages
// (make wasm-coldstart):
//   node wasm/bench/coldstart.mjs [pages] [other-dist-dir]
// Each fresh page: import sendflow.mjs; create() (fetch + streaming compile + instantiate + Go runtime
// start and package init); the first call (info); compiling the default policy. A second fresh page splits
// create() by hand: fetch the bytes, WebAssembly.compile, WebAssembly.instantiate, go.run until the export
// appears (Go runtime start and package init). Rows marked * come after the cold start (not in total): the
// first firings, which pay for compiling what they use for the first time. With other-dist-dir (a wasm/dist built from another commit),
// pages of the two builds alternate, A/B (each first in every other round), so both see the same load.
import path from 'node:path';
import { dist, root, launchChromium, serve } from '../test/helpers.mjs';

const pages = Number(process.argv[2] || 7);
const builds = { A: dist };
if (process.argv[3]) builds.B = path.resolve(process.argv[3]);
// Each build is served under /A/ and /B/; the page is wasm/test/page.html.
const server = await serve(Object.fromEntries(Object.entries(builds).map(([k, dir]) => [`/${k}/`, dir])));
const base = server.url;
const browser = await launchChromium();
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rows = {};
try {
  for (let i = 0; i < pages; i++) {
    const order = Object.keys(builds);
    if (i % 2) order.reverse(); // each build goes first in every other round
    for (const which of order) {
      rows[which] ??= { whole: [], split: [] };
      let page = await browser.context.newPage();
      await page.goto(`${base}/test/page.html`);
      rows[which].whole.push(await page.evaluate(async (w) => {
        const t = [performance.now()];
        const m = await import(`/${w}/sendflow.mjs?${Math.random()}`);
        t.push(performance.now());
        const sf = await m.create();
        t.push(performance.now());
        sf.info();
        t.push(performance.now());
        const e = sf.compile();
        if (!e.policyHash) throw new Error('no engine');
        t.push(performance.now());
        // After the cold start: the first firings (guards compiled on first use now run their compile).
        let c = e.newCase({ id: 'c1', la: 'kent', evidence: ['personalised_plan'] });
        c = e.fire(c, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' }).case;
        t.push(performance.now());
        c = e.fire(c, { trigger: 'ehc.decided_to_assess', actor: 'la_officer', at: '2026-02-01' }).case;
        e.fire(c, { trigger: 'ehc.advice_requested', actor: 'la_officer', at: '2026-02-02', data: { from: 'medical' } });
        t.push(performance.now());
        return { import: t[1] - t[0], create: t[2] - t[1], info: t[3] - t[2], compile: t[4] - t[3], total: t[4] - t[0],
          'first fire*': t[5] - t[4], 'next 2 fires*': t[6] - t[5] };
      }, which));
      await page.close();
      page = await browser.context.newPage();
      await page.goto(`${base}/test/page.html`);
      rows[which].split.push(await page.evaluate(async (w) => {
        const t = [performance.now()];
        await import(`/${w}/sendflow.mjs?${Math.random()}`);
        t.push(performance.now());
        const bytes = await (await fetch(`/${w}/sendflow.wasm?${Math.random()}`)).arrayBuffer();
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
      }, which));
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const names = { A: path.relative(root, builds.A) || '.', B: builds.B && path.relative(root, builds.B) };
for (const kind of ['whole', 'split']) {
  console.log(kind === 'whole' ? `through the wrapper (median [min-max] ms, ${pages} fresh pages each)` : 'create() split by hand');
  for (const k of Object.keys(rows.A[kind][0])) {
    let line = `  ${k.padEnd(13)}`;
    for (const w of Object.keys(builds)) {
      const xs = rows[w][kind].map((r) => r[k]);
      line += ` ${w === 'A' ? '' : '| '}${names[w]}: ${med(xs).toFixed(0).padStart(5)} [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`;
    }
    console.log(line);
  }
}
process.exit(0);
