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
