// Proves the builds identical: the full scenario report (every step's states, clocks, error code and message,
// every fired trigger) of native Go, the browser build under Node, the browser build in Chromium and the WASI
// build in wazero, compared field by field after canonical JSON ordering. `make wasm-test-compare`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importWrapper, run, sendflowBin, suite, suiteInput, serve, launchChromium, runSuiteInPage, canonical, differences } from './helpers.mjs';

function cli(args) {
  const r = run(sendflowBin, ['test', '--json', ...args, ...suite]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('native, Node, Chromium and WASI give the same report, field by field', async () => {
  const input = await suiteInput();
  const reports = {};
  reports.native = cli([]);
  reports.wasi = cli(['--engine', 'wasi']);
  const { create } = await importWrapper();
  reports.node = (await create()).runFiles(input.files, { policies: input.policies }).report;
  const server = await serve();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test/page.html`);
    reports.chromium = (await runSuiteInPage(page, input)).report;
  } finally {
    await browser.close();
    await server.close();
  }
  const want = canonical(reports.native);
  const steps = want.results.reduce((n, r) => n + r.timeline.length, 0);
  assert.ok(want.results.length >= 30 && steps >= 300, `a real suite: ${want.results.length} scenarios, ${steps} steps`);
  assert.ok(want.results.some((r) => r.timeline.some((e) => e.error)), 'the suite includes refused firings');
  for (const name of ['node', 'chromium', 'wasi']) {
    const diff = differences(want, canonical(reports[name]));
    assert.deepEqual(diff, [], `${name} differs from native`);
  }
});

test('the comparison can fail: a changed field is reported', () => {
  const a = canonical({ results: [{ timeline: [{ states: { ehc: 'none' } }] }] });
  const b = canonical({ results: [{ timeline: [{ states: { ehc: 'assessing' } }] }] });
  assert.deepEqual(differences(a, b), ['/results/0/timeline/0/states/ehc: "none" vs "assessing"']);
});

// The same suite step by step through the JS API (wasm/test/drive.mjs): every fire, permitted, clocks, verify
// and graph twice, with the remembered frozen case (only a reference crosses; fire answers with a delta) and
// with a plain copy (the whole case as JSON). The two must agree exactly, every firing must have taken the
// reference way, and the states, clocks and refusals must be native Go's, in Node and in Chromium.
test('the reference way of the JS API answers as the full JSON way and as native, in Node and Chromium', async () => {
  const paths = [...suite, 'examples/policies'];
  const input = await suiteInput(paths);
  const gen = run('go', ['run', './wasm/test/suitejson'], { input: JSON.stringify(input) });
  assert.equal(gen.status, 0, gen.stderr);
  const scenarios = JSON.parse(gen.stdout);
  const nat = run(sendflowBin, ['test', '--json', ...paths]);
  assert.equal(nat.status, 0, nat.stderr);
  const native = new Map(JSON.parse(nat.stdout).results.map((r) => [`${r.file}\u0000${r.name}`, r]));
  const { create } = await importWrapper();
  const { driveSuite } = await import('./drive.mjs');
  const runs = { node: driveSuite(await create(), scenarios) };
  const server = await serve();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/test/page.html`);
    runs.chromium = await page.evaluate(async (sc) => {
      const m = await import('/dist/sendflow.mjs');
      const d = await import('/test/drive.mjs');
      return d.driveSuite(await m.create(), sc);
    }, scenarios);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const [name, r] of Object.entries(runs)) {
    assert.deepEqual(r.problems, [], `${name}: the reference way differs from the full way`);
    assert.ok(r.counts.fire >= 300 && r.counts.refused > 0 && r.counts.queries > 0, `${name}: a real suite ${JSON.stringify(r.counts)}`);
    assert.equal(r.counts.fireByRef, r.counts.fire, `${name}: every firing took the reference way`);
    assert.equal(r.results.length, scenarios.length);
    for (const got of r.results) {
      const want = native.get(`${got.file}\u0000${got.name}`);
      assert.ok(want, `${name}: ${got.file}: ${got.name} is in the native report`);
      assert.equal(got.timeline.length, want.timeline.length, `${name}: ${got.file}: ${got.name}`);
      got.timeline.forEach((e, i) => {
        const w = want.timeline[i];
        const diff = differences(canonical({ states: w.states, clocks: w.clocks, error: w.error }), canonical({ states: e.states, clocks: e.clocks, error: e.error }));
        assert.deepEqual(diff, [], `${name}: ${got.file}: ${got.name} step ${i + 1} differs from native`);
      });
    }
  }
});
