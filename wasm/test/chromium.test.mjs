// The browser build in a real headless Chromium page (Debian's /usr/bin/chromium through playwright-core):
// the whole conformance suite, SendflowError in the page, and a module Web Worker. `make wasm-test-chromium`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launchChromium, runSuiteInPage, suiteInput, run, sendflowBin, suite } from './helpers.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await serve();
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${server.url}/test/page.html`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the whole conformance suite passes in Chromium with the output of sendflow test', async () => {
  const input = await suiteInput();
  const res = await runSuiteInPage(page, input);
  const native = run(sendflowBin, ['test', '--coverage', ...suite]);
  assert.equal(native.status, 0, native.stderr);
  assert.equal(res.exit_code, 0);
  assert.equal(res.report.failed, 0);
  // A file may hold several scenarios (YAML documents): count them as the
  // native run does.
  const nativePassed = Number(/^(\d+) passed, 0 failed$/m.exec(native.stdout)?.[1]);
  assert.ok(nativePassed >= input.files.length, native.stdout);
  assert.equal(res.report.passed, nativePassed);
  assert.equal(res.text, native.stdout);
});

test('errors in the page are SendflowErrors with the Go code', async () => {
  const got = await page.evaluate(async () => {
    const m = await import('/dist/sendflow.mjs');
    const sf = await m.load();
    const e = sf.compile();
    const c = e.newCase({ id: 'p1' });
    try {
      e.fire(c, { trigger: 'ehc.plan_finalised', actor: 'la_officer', at: '2026-01-05' });
      return null;
    } catch (err) {
      return { isError: err instanceof Error, isSendflow: err instanceof m.SendflowError, code: err.code, pointer: err.pointer, name: err.name };
    }
  });
  assert.deepEqual(got, { isError: true, isSendflow: true, code: 'not_permitted', pointer: '/trigger', name: 'SendflowError' });
});

test('sendflow runs in a module Web Worker', async () => {
  const got = await page.evaluate(async () => {
    const w = new Worker('/test/worker.mjs', { type: 'module' });
    const ask = (req) => new Promise((resolve, reject) => {
      w.onmessage = (ev) => resolve(ev.data);
      w.onerror = (ev) => reject(new Error(ev.message));
      w.postMessage(req);
    });
    const compiled = await ask({ op: 'compile' });
    const kase = await ask({ op: 'new_case', engine: compiled.result.engine, facts: { id: 'w1' } });
    const fired = await ask({ op: 'fire', engine: compiled.result.engine, case: kase.result, firing: { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' } });
    const refused = await ask({ op: 'fire', engine: compiled.result.engine, case: kase.result, firing: { trigger: 'nope', actor: 'parent', at: '2026-01-05' } });
    w.terminate();
    return { state: fired.result.case.states.ehc, code: refused.error.code };
  });
  assert.deepEqual(got, { state: 'request_received', code: 'unknown_trigger' });
});

test('the browser example runs the engine in a Web Worker', async () => {
  const p = await browser.context.newPage();
  await p.goto(`${server.url}/repo/examples/browser/index.html`);
  await p.click('#go');
  await p.waitForFunction(() => window.sendflowDone === true, null, { timeout: 120000 });
  const text = await p.textContent('#out');
  assert.match(text, /^ehc: request_received\n/);
  assert.match(text, /ehc_decision_to_assess: due 2026-02-16/);
  assert.match(text, /refused: not_permitted: /);
  await p.close();
});

test('a page fetches the gzipped module and inflates it; without the .gz it fetches sendflow.wasm', async () => {
  for (const blockGz of [false, true]) {
    const p = await browser.context.newPage();
    const fetched = [];
    p.on('request', (r) => { if (/sendflow\.wasm/.test(r.url())) fetched.push(new URL(r.url()).pathname); });
    if (blockGz) await p.route('**/sendflow.wasm.gz*', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await p.goto(`${server.url}/test/page.html`);
    const got = await p.evaluate(async () => {
      const m = await import('/dist/sendflow.mjs?' + Math.random());
      const sf = await m.create();
      const e = sf.compile();
      const c = e.fire(e.newCase({ id: 'gz' }), { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' }).case;
      return { hash: e.policyHash, ehc: c.states.ehc };
    });
    await p.close();
    assert.match(got.hash, /^[0-9a-f]{64}$/);
    assert.equal(got.ehc, 'request_received');
    if (blockGz) assert.deepEqual(fetched, ['/dist/sendflow.wasm.gz', '/dist/sendflow.wasm']);
    else assert.deepEqual(fetched, ['/dist/sendflow.wasm.gz']);
  }
});

test('a panic inside Go is internal_error in the page, and the next call works (a sendflowtest build)', async () => {
  const got = await page.evaluate(async () => {
    const m = await import('/dist/sendflow.mjs');
    const sf = await m.create({ wasm: '/dist/test/sendflow-panic.wasm' });
    const out = {};
    out.raw = JSON.parse(sf.requestRaw('{"op":"__panic"}')).error;
    try {
      sf.request({ op: '__panic' });
    } catch (e) {
      out.thrown = { sendflow: e instanceof m.SendflowError, code: e.code };
    }
    out.dead = sf.dead || null;
    const engine = sf.compile();
    const c = engine.fire(engine.newCase({ id: 'p1' }), { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' }).case;
    out.after = c.states.ehc;
    return out;
  });
  assert.equal(got.raw.code, 'internal_error');
  assert.match(got.raw.message, /panicked: a test panic/);
  assert.deepEqual(got.thrown, { sendflow: true, code: 'internal_error' });
  assert.equal(got.dead, null);
  assert.equal(got.after, 'request_received');
});
