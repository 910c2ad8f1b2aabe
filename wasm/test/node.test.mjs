// The browser build under Node: the JS API, its errors, the scenario runner CLI, and the WASI build under
// node:wasi. Run by `make wasm-test-node` after `make wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { importWrapper, run, sendflowBin, suite, openWASI, suiteInput, root, dist } from './helpers.mjs';

const { load, create, compile, SendflowError } = await importWrapper();
const sf = await load();

function throwsCode(fn, code, more = {}) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof SendflowError, `not a SendflowError: ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'SendflowError');
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(more)) assert.deepEqual(e[k], v);
    return true;
  });
}

test('load returns one shared instance and compile works after it', async () => {
  assert.equal(await load(), sf);
  const e = compile();
  assert.equal(e.policyId, 'default');
  assert.match(e.policyHash, /^[0-9a-f]{64}$/);
  assert.ok(e.triggers.includes('ehc.requested'));
  assert.ok(e.tracks.includes('ehc'));
  const other = await create();
  assert.notEqual(other, sf, 'create starts a separate instance');
  assert.equal(other.compile().policyHash, e.policyHash);
});

test('a case walks through fire, permitted, clocks, replay, verify and graph', () => {
  const engine = sf.compile();
  let c = engine.newCase({ id: 'n1', la: 'kent', child: { date_of_birth: '2016-04-01' }, evidence: ['personalised_plan'] });
  assert.equal(c.states.ehc, 'none');
  const before = structuredClone(c);
  const out = engine.fire(c, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' });
  assert.deepEqual(c, before, 'fire never changes its input');
  assert.equal(out.case.states.ehc, 'request_received');
  assert.equal(out.event.seq, 1);
  const six = out.clocks.find((k) => k.key === 'ehc_decision_to_assess');
  assert.equal(six.due, '2026-02-16');
  c = out.case;
  const perms = engine.permitted(c, 'la_officer', '2026-01-10', 'en-GB');
  assert.ok(perms.find((p) => p.trigger === 'ehc.decided_to_assess').allowed);
  const ceased = perms.find((p) => p.trigger === 'plan.ceased');
  assert.equal(ceased.allowed, false);
  assert.ok(ceased.reason);
  const rep = engine.clocks(c, '2026-03-01');
  assert.equal(rep.as_of, '2026-03-01');
  assert.equal(rep.clocks.find((k) => k.key === 'ehc_decision_to_assess').status, 'missed');
  assert.deepEqual(engine.replay(c.origin, c.history), c);
  assert.deepEqual(engine.verify(c), { ok: true, events: 1 });
  const bad = structuredClone(c);
  bad.history[0].actor = 'school';
  assert.equal(engine.verify(bad).first_bad, 1);
  assert.match(engine.graph('dot', c), /"ehc:request_received" \[label="request_received", style=/);
  assert.match(engine.graph('mermaid'), /^flowchart LR/);
  assert.equal(engine.policy().id, 'default');
});

test('refusals are SendflowErrors with the Go codes and details', () => {
  const engine = sf.compile();
  const c = engine.newCase({ id: 'n2', child: { date_of_birth: '2018-05-05' } });
  const fire = (trigger, actor, at, data) => () => engine.fire(c, { trigger, actor, at, data });
  throwsCode(fire('ehc.request', 'parent', '2026-01-05'), 'unknown_trigger', { pointer: '/trigger' });
  throwsCode(fire('ehc.requested', 'headteacher', '2026-01-05'), 'not_authorised', { pointer: '/actor' });
  throwsCode(fire('ehc.plan_finalised', 'la_officer', '2026-01-05'), 'not_permitted');
  throwsCode(fire('ehc.requested', 'parent', '2026-02-30'), 'invalid_input', { pointer: '/at' });
  assert.throws(fire('dispute.appeal_registered', 'parent', '2026-01-05', { placement_only: true }), (e) => {
    assert.equal(e.code, 'guard_failed');
    assert.ok(e.guards.length >= 1 && e.guards[0].id && e.guards[0].reason);
    return true;
  });
  throwsCode(() => engine.clocks({ states: { ehc: 'limbo' } }, '2026-01-01'), 'invalid_case', { pointer: '/states/ehc' });
  throwsCode(() => engine.clocks(c, 'soon'), 'invalid_input', { pointer: '/as_of' });
  throwsCode(() => engine.graph('svg'), 'invalid_input');
  throwsCode(() => engine.replay({}, [{ seq: 1, at: '2026-01-05T00:00:00Z', actor: 'parent', trigger: 'ehc.plan_finalised' }]), 'history_mismatch');
  assert.throws(() => sf.compile('id: [', { name: 'district.yaml' }), (e) => {
    assert.equal(e.code, 'invalid_policy');
    assert.match(e.location, /^district\.yaml/);
    assert.ok(e.problems.length >= 1);
    assert.deepEqual(e.toJSON(), e.error);
    return true;
  });
  throwsCode(() => sf.compile('id: slow\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}\n'), 'statutory_floor');
  const freed = sf.compile();
  freed.free();
  throwsCode(() => freed.newCase({}), 'invalid_input', { pointer: '/engine' });
});

test('hostile input is answered, and the next call works', () => {
  const bad = [
    '{"op":', '[]', '"x"', '{"op":"fire","engine":"one"}', '{"op":"nope"}', '{"op":"info","extra":true}', '\u0000',
    JSON.stringify({ op: 'fire', engine: 1, case: { states: { ehc: 'none' } }, firing: { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05', data: { x: 'y'.repeat(100000) } } }),
  ];
  for (const raw of bad) {
    const r = JSON.parse(sf.requestRaw(raw));
    assert.equal(r.ok, false, raw.slice(0, 40));
    assert.ok(['invalid_input', 'invalid_case', 'limit_exceeded', 'unknown_trigger'].includes(r.error.code), r.error.code);
  }
  const r = JSON.parse(sf._call(42));
  assert.equal(r.error.code, 'invalid_input');
  const engine = sf.compile();
  const circular = { states: {} };
  circular.self = circular;
  throwsCode(() => engine.verify(circular), 'invalid_input');
  throwsCode(() => engine.fire(engine.newCase({}), { trigger: 'ehc.requested', actor: 'parent', at: 1n }), 'invalid_input');
  throwsCode(() => engine.fire(undefined, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' }), 'invalid_case');
  assert.equal(sf.info().protocol, '1');
});

test('a stopped Go runtime is an internal_error and load() starts a new instance', async () => {
  const dying = await create();
  dying._call = () => { throw new Error('Go program has already exited'); };
  assert.throws(() => dying.info(), (e) => e instanceof SendflowError && e.code === 'internal_error' && /stopped/.test(e.message));
  assert.ok(dying.dead);
  assert.throws(() => dying.compile(), (e) => e.code === 'internal_error');
  const shared = await load();
  shared.dead = 'simulated';
  const fresh = await load();
  assert.notEqual(fresh, shared, 'load() replaced the dead shared instance');
  assert.equal(fresh.info().protocol, '1');
  shared.dead = null; // the other tests keep using it
});

test('runScenario runs a scenario text on an engine and on the default', () => {
  const text = readFileSync(path.join(root, 'testdata/conformance/ehc-request-worked-example-clocks.yaml'), 'utf8');
  const rep = sf.compile().runScenario(text, { name: 'x.yaml' });
  assert.equal(rep.passed, 1);
  assert.equal(rep.failed, 0);
  assert.ok(rep.results[0].timeline.length > 0);
  const fail = sf.runScenario(text.replace(/due: (\d{4})-/, 'due: 1999-'), { name: 'y.yaml' });
  assert.equal(fail.failed, 1);
  assert.match(fail.results[0].message, /expected 1999-/);
});

test('run-scenarios.mjs prints what sendflow test prints, with the same exit code', () => {
  for (const args of [suite, ['--coverage', ...suite]]) {
    const native = run(sendflowBin, ['test', ...args]);
    const node = run(process.execPath, ['wasm/js/run-scenarios.mjs', ...args]);
    assert.equal(native.status, 0, native.stderr);
    assert.equal(node.status, native.status, node.stderr);
    assert.equal(node.stdout, native.stdout);
    assert.match(node.stdout, /\n\d+ passed, 0 failed\n$/);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sendflow-'));
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: wrong\ncase: {id: b}\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    expect: {states: {ehc: plan_issued}}\n');
  const broken = path.join(dir, 'broken.yaml');
  writeFileSync(broken, 'name: broken\nsteps: 3\n');
  for (const [args, code] of [[[bad], 1], [[broken], 2], [[path.join(dir, 'missing.yaml')], 2], [[], 2]]) {
    const native = run(sendflowBin, ['test', ...args]);
    const node = run(process.execPath, ['wasm/js/run-scenarios.mjs', ...args]);
    assert.equal(native.status, code, native.stderr);
    assert.equal(node.status, code, node.stderr);
    assert.equal(node.stdout, native.stdout);
    if (code === 2 && args.length) assert.equal(node.stderr, native.stderr);
  }
});

test('the WASI build under node:wasi answers the suite like sendflow test', async () => {
  const w = await openWASI();
  assert.equal(w.exports.sendflow_protocol(), 1);
  const input = await suiteInput();
  const r = w.call({ op: 'run_files', files: input.files, policies: input.policies });
  assert.equal(r.ok, true, JSON.stringify(r.error));
  const native = run(sendflowBin, ['test', ...suite]);
  assert.equal(r.result.text, native.stdout);
  assert.equal(r.result.exit_code, 0);
  const e = w.call({ op: 'compile', policy: 'id: [' });
  assert.equal(e.error.code, 'invalid_policy');
  assert.equal(JSON.parse(w.callRaw('{"op":')).error.code, 'invalid_input');
  assert.equal(w.call({ op: 'info' }).result.protocol, '1');
  assert.equal(w.exports.sendflow_alloc(-1), 0, 'a negative size is refused');
});

test('wasm/package.json packs wasm/dist offline: wrapper, types, both modules, wasm_exec.js, LICENSE, README', async () => {
  const { mkdtempSync, readdirSync, readFileSync } = await import('node:fs');
  const dest = mkdtempSync(path.join(os.tmpdir(), 'sendflow-pack-'));
  const r = run('npm', ['pack', '--offline', '--json', '--pack-destination', dest], { cwd: path.join(root, 'wasm') });
  assert.equal(r.status, 0, r.stderr);
  const [info] = JSON.parse(r.stdout);
  assert.deepEqual(info.files.map((f) => f.path).sort(),
    ['LICENSE', 'README.md', 'dist/sendflow-wasi.wasm', 'dist/sendflow.d.ts', 'dist/sendflow.mjs', 'dist/sendflow.wasm', 'dist/sendflow.wasm.gz', 'dist/wasm_exec.js', 'package.json']);
  assert.deepEqual(readdirSync(dest), [info.filename]);
  // The package carries the repository's MIT licence, word for word, and says so.
  assert.equal(JSON.parse(readFileSync(path.join(root, 'wasm', 'package.json'), 'utf8')).license, 'MIT');
  assert.equal(readFileSync(path.join(root, 'wasm', 'LICENSE'), 'utf8'), readFileSync(path.join(root, 'LICENSE'), 'utf8'));
  // The packed wrapper loads its own module.
  const x = run('tar', ['-xzf', path.join(dest, info.filename), '-C', dest]);
  assert.equal(x.status, 0, x.stderr);
  assert.match(readFileSync(path.join(dest, 'package', 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 The sendflow authors\n/);
  assert.match(readFileSync(path.join(dest, 'package', 'README.md'), 'utf8'), /^# sendflow-wasm\n[\s\S]*npm install sendflow-wasm/);
  const pkg = await import(path.join(dest, 'package', 'dist', 'sendflow.mjs'));
  const e = (await pkg.create()).compile();
  assert.equal(e.policyId, 'default');
});

test('the Node example runs', () => {
  const r = run(process.execPath, ['examples/node/main.mjs']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ehc is now request_received\n/);
  assert.match(r.stdout, /refused: not_permitted: /);
  assert.match(r.stdout, /history verifies: true\n$/);
});

test('overlay policies named by scenario files are found as the native CLI finds them', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sendflow-overlay-'));
  const kent = path.join(dir, 'kent');
  run('mkdir', ['-p', kent]);
  writeFileSync(path.join(kent, 'fast.yaml'), 'id: fast\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}\n');
  writeFileSync(path.join(kent, 'fast.test.yaml'), 'name: fast plan\npolicy: fast.yaml\ncase: {id: f1}\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    expect: {clocks: {ehc_final_plan: {due: 2026-05-11}}}\n');
  writeFileSync(path.join(kent, 'missing.test.yaml'), 'name: missing overlay\npolicy: "nope.yaml"  # gone\ncase: {id: f2}\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested}\n');
  const native = run(sendflowBin, ['test', 'kent'], { cwd: dir });
  const node = run(process.execPath, [path.join(root, 'wasm/js/run-scenarios.mjs'), 'kent'], { cwd: dir });
  assert.equal(native.status, 1, native.stderr);
  assert.equal(node.status, 1, node.stderr);
  assert.equal(node.stdout, native.stdout);
  assert.match(node.stdout, /^PASS kent\/fast\.test\.yaml: fast plan\nFAIL kent\/missing\.test\.yaml: .*open kent\/nope\.yaml: no such file or directory\n/);
});

test('returned cases are frozen, remembered, and passed back by reference; copies go in full', () => {
  const engine = sf.compile();
  const c0 = engine.newCase({ id: 'f1', la: 'kent', child: { date_of_birth: '2016-04-01' } });
  assert.ok(Object.isFrozen(c0) && Object.isFrozen(c0.states) && Object.isFrozen(c0.child) && Object.isFrozen(c0.origin));
  assert.throws(() => { c0.states.ehc = 'plan_issued'; }, TypeError, 'a frozen case cannot be changed (strict mode)');
  const firing = { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' };
  const sent = [];
  const orig = sf._call;
  sf._call = (json) => { sent.push(json); return orig(json); };
  let byRef;
  let full;
  try {
    byRef = engine.fire(c0, firing);
    full = engine.fire(structuredClone(c0), firing);
  } finally {
    sf._call = orig;
  }
  assert.match(sent[0], /"case_ref":\d+/);
  assert.doesNotMatch(sent[0], /"case":/, 'only the reference crosses');
  assert.match(sent[1], /"case":\{/, 'a copy is sent in full');
  assert.deepEqual(byRef, full);
  assert.equal(JSON.stringify(byRef), JSON.stringify(full), 'same keys in the same order');
  assert.equal(byRef.case.origin, c0.origin, 'the unchanged origin is shared');
  assert.ok(Object.isFrozen(byRef.case.history) && Object.isFrozen(byRef.case.history[0]));
  // A second firing shares the first's history event.
  const next = engine.fire(byRef.case, { trigger: 'ehc.decided_to_assess', actor: 'la_officer', at: '2026-02-01' });
  assert.equal(next.case.history[0], byRef.case.history[0]);
  assert.deepEqual(next, engine.fire(structuredClone(byRef.case), { trigger: 'ehc.decided_to_assess', actor: 'la_officer', at: '2026-02-01' }));
  // Another engine's case goes in full and gets the same answer.
  const other = sf.compile();
  assert.deepEqual(other.fire(c0, firing), full);
  assert.deepEqual(other.clocks(byRef.case, '2026-03-01'), engine.clocks(byRef.case, '2026-03-01'));
});

test('an evicted case is sent again in full, invisibly', () => {
  const engine = sf.compile();
  const old = engine.newCase({ id: 'old', child: { date_of_birth: '2016-04-01' } });
  for (let i = 0; i < 300; i++) engine.newCase({ id: `filler-${i}` });
  const firing = { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' };
  const ref = sf._refs.get(old).ref;
  const r = JSON.parse(sf.requestRaw(JSON.stringify({ op: 'verify', engine: engine.handle, case_ref: ref })));
  assert.equal(r.ok, false, 'the module no longer holds it');
  assert.equal(r.error.pointer, '/case_ref');
  assert.equal(r.error.problems[0].code, 'case_ref_unknown');
  assert.deepEqual(engine.fire(old, firing), engine.fire(structuredClone(old), firing));
  assert.deepEqual(engine.verify(old), { ok: true, events: 0 });
});

test('bad case refs are structured errors, and refusals by reference are the Go refusals', () => {
  const engine = sf.compile();
  const c = engine.newCase({ id: 'h1', child: { date_of_birth: '2018-05-05' } });
  for (const ref of ['7', -1, 0, 1.5, 1e300, 2 ** 62, {}, [1], true]) {
    const r = JSON.parse(sf.requestRaw(JSON.stringify({ op: 'clocks', engine: engine.handle, case_ref: ref, as_of: '2026-01-01' })));
    assert.equal(r.ok, false, String(ref));
    assert.equal(r.error.code, 'invalid_input');
    assert.equal(r.error.pointer, '/case_ref', String(ref));
  }
  const other = sf.compile();
  const r = JSON.parse(sf.requestRaw(JSON.stringify({ op: 'verify', engine: other.handle, case_ref: sf._refs.get(c).ref })));
  assert.equal(r.error.problems[0].code, 'case_ref_other_engine');
  throwsCode(() => engine.fire(c, { trigger: 'ehc.plan_finalised', actor: 'la_officer', at: '2026-01-05' }), 'not_permitted', { pointer: '/trigger' });
  throwsCode(() => engine.fire(c, { trigger: 'ehc.requested', actor: 'parent', at: '2026-02-30' }), 'invalid_input', { pointer: '/at' });
  assert.throws(() => engine.fire(c, { trigger: 'dispute.appeal_registered', actor: 'parent', at: '2026-01-05', data: { placement_only: true } }),
    (e) => e.code === 'guard_failed' && e.guards.length >= 1);
  assert.equal(engine.fire(c, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' }).case.states.ehc, 'request_received');
});

test('permitted passes the locale: Welsh reasons from an overlay that has them', () => {
  const kent = sf.compile(readFileSync(path.join(root, 'examples/policies/kent.yaml'), 'utf8'), { name: 'kent.yaml' });
  const c = kent.fire(kent.newCase({ id: 'w1' }), { trigger: 'hnf.considered', actor: 'school', at: '2026-01-05', data: { annual_provision_cost: 7500 } }).case;
  const reason = (kase, locale) => kent.permitted(kase, 'school', '2026-01-10', locale).find((p) => p.trigger === 'hnf.applied').reason;
  assert.match(reason(c, 'cy'), /Heb gynllun EHC|Mae angen|Rhaid/);
  assert.equal(reason(c, 'cy-GB'), reason(structuredClone(c), 'cy'));
  assert.doesNotMatch(reason(c, 'en-GB'), /Heb gynllun/);
  assert.equal(reason(c), reason(c, 'en'));
});

test('requests of every size go through the module exports', () => {
  assert.ok(sf._x, 'the build exports sendflow_call');
  const engine = sf.compile();
  for (const n of [10, 70000, 3 << 20, 9 << 20]) {
    const r = JSON.parse(sf.requestRaw(JSON.stringify({ op: 'fire', engine: engine.handle, case: { states: {} }, firing: { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05', data: { x: 'é'.repeat(n) } } })));
    assert.equal(r.ok, false);
    assert.ok(['invalid_input', 'limit_exceeded'].includes(r.error.code), `${n}: ${r.error.code}`);
  }
  const huge = JSON.parse(sf.requestRaw(`{"op":"info","name":"${'x'.repeat(33 << 20)}"}`));
  assert.equal(huge.error.code, 'limit_exceeded');
  assert.equal(sf.info().protocol, '1');
});

test('the browser module stays within its size budget: at most 2.9 MB gzipped (issue 5, raised by issues 14, 17, 20 and 21)', () => {
  // The budget the browser build is held to (docs/performance.md); sendflow.wasm.gz is what a page fetches.
  // Issue 5 set 2.5 MB; the hostile-input defences of issue 14 (YAML guard, guard cost model and meter, case
  // checks, ed25519 verification) added about 95 KB gzipped, so the budget was 2.6 MB. Issue 17 (each event
  // replayed under its own policy; the released defaults kept as edits of default.yaml) added about 6 KB, with
  // the module 2 KB under it: 2.61 MB. The rest of lifecycle v2 (one dispute per decision with its orders,
  // agreements and recommendations; exceptions per clock; the family rights rule; the plan track's reviews,
  // transfers and advisory clocks; LIFT activity) added about 87 KB: 2.72 MB. Then, measured here, from 2,725,610
  // bytes: the redesign's explicit floor view about 10 KB; issue 21's lift_report op (the LIFT figures derived,
  // aggregated per district and term, and drawn as SVG charts in the browser) about 62 KB; issue 20's SEN2
  // person details as facts (about 19 KB) and the sen2_return op building the person-level XML return in the
  // browser (about 55 KB): 2,886,899 bytes together with the last of lifecycle v2, so 2.9 MB.
  // Measured as make wasm-bench measures it: gzip level 9 of sendflow.wasm, 1 MB = 1,000,000 bytes.
  const wasm = readFileSync(path.join(root, 'wasm/dist/sendflow.wasm'));
  const gz = gzipSync(wasm, { level: 9 }).length;
  assert.ok(gz <= 2_900_000, `sendflow.wasm is ${gz} bytes gzipped, over the 2,900,000-byte budget: see WASM_JS_INLINE in mk/wasm.mk`);
  const shipped = readFileSync(path.join(root, 'wasm/dist/sendflow.wasm.gz'));
  assert.ok(shipped.length <= 2_900_000, `sendflow.wasm.gz is ${shipped.length} bytes`);
  assert.deepEqual(gunzipSync(shipped), wasm, 'sendflow.wasm.gz is sendflow.wasm, gzipped');
});

// The modules that ship have no way to make Go panic on purpose; a build with the sendflowtest tag (make
// wasm-testhook) panics inside the bridge on {"op":"__panic"}. Every way in must answer internal_error and
// keep working: the export the wrapper uses, the js.FuncOf call, and the WASI module's export.
test('a panic inside Go is internal_error and the next call works (Node, and WASI under node:wasi)', async () => {
  const testDist = path.join(dist, 'test');
  const sfp = await create({ wasm: readFileSync(path.join(testDist, 'sendflow-panic.wasm')) });
  const raw = JSON.parse(sfp.requestRaw('{"op":"__panic"}'));
  assert.equal(raw.ok, false);
  assert.equal(raw.error.code, 'internal_error');
  assert.match(raw.error.message, /panicked: a test panic/);
  throwsCode(() => sfp.request({ op: '__panic' }), 'internal_error');
  const slow = JSON.parse(sfp._slow('{"op":"__panic"}'));
  assert.equal(slow.error.code, 'internal_error', 'the js.FuncOf way too');
  assert.ok(!sfp.dead, 'the instance is alive');
  const engine = sfp.compile();
  const kase = engine.newCase({ id: 'p1', child: { date_of_birth: '2016-04-01' } });
  throwsCode(() => sfp.request({ op: '__panic' }), 'internal_error');
  const out = engine.fire(kase, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' });
  assert.equal(out.case.states.ehc, 'request_received', 'the engine and its cases survive a panic');
  assert.equal(engine.permitted(out.case, 'la_officer', '2026-01-06').length, engine.triggers.length);

  const w = await openWASI(path.join(testDist, 'sendflow-wasi-panic.wasm'));
  const wr = w.call({ op: '__panic' });
  assert.equal(wr.ok, false);
  assert.equal(wr.error.code, 'internal_error');
  assert.equal(w.call({ op: 'info' }).result.protocol, '1', 'the WASI module answers after the panic');
  assert.equal(w.call({ op: 'compile' }).ok, true);

  // The shipped modules do not have the op.
  throwsCode(() => sf.request({ op: '__panic' }), 'invalid_input');
  const ship = await openWASI();
  assert.equal(ship.call({ op: '__panic' }).error.code, 'invalid_input');
});
