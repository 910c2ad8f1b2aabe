// Type-checks wasm/js/sendflow.d.ts (generated from the JSON Schemas by wasm/dtsgen) and a portal's use of
// it (wasm/test/types/usage.ts) with tsc --strict, so a declaration that does not compile, or that no longer
// types what a portal writes, fails. Run by `make wasm-test-node` (tsc comes from the root package.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const flags = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler',
  '--lib', 'es2022,dom', '--pretty', 'false'];

function check(...files) {
  assert.ok(existsSync(tsc), `${tsc} is missing: run make node-deps`);
  const r = spawnSync(process.execPath, [tsc, ...flags, ...files], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('sendflow.d.ts and a portal using it type-check under --strict', () => {
  const r = check('wasm/js/sendflow.d.ts', 'wasm/test/types/usage.ts');
  assert.equal(r.status, 0, r.out);
});

test('tsc does fail on a wrong type (the check can fail)', () => {
  const r = check('wasm/test/types/broken.ts');
  assert.notEqual(r.status, 0);
  assert.match(r.out, /broken\.ts\(4,\d+\): error TS\d+: Type '"ehc\.request"' is not assignable to type 'Trigger'/);
});
