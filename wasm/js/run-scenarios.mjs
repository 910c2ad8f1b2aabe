#!/usr/bin/env node
// node wasm/js/run-scenarios.mjs [--coverage] [--json] FILES_OR_DIRS...
//
// Runs scenario files through the browser build of sendflow (wasm/dist, or
// $SENDFLOW_DIST) under Node and prints what `sendflow test` prints: one line
// per scenario and "N passed, M failed"; exits 0 when all pass, 1 when any
// fails, 2 when a file cannot be read or is not a scenario. --json prints the
// report instead (same fields as `sendflow test --json`).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { collect } from './collect.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.SENDFLOW_DIST ? path.resolve(process.env.SENDFLOW_DIST) : path.join(here, '..', 'dist');

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const paths = args.filter((a) => !a.startsWith('--'));
for (const f of flags) {
  if (f !== '--coverage' && f !== '--json') {
    process.stderr.write(`sendflow: unknown flag: ${f}\nRun 'sendflow --help' for usage.\n`);
    process.exit(2);
  }
}
if (paths.length === 0) {
  process.stderr.write(`sendflow: requires at least 1 arg(s), only received 0\nRun 'sendflow --help' for usage.\n`);
  process.exit(2);
}

let input;
try {
  input = collect(paths);
} catch (e) {
  process.stderr.write(`sendflow: ${e.message}\n`);
  process.exit(2);
}

const { create } = await import(pathToFileURL(path.join(dist, 'sendflow.mjs')).href);
const sendflow = await create();
let res;
try {
  res = sendflow.runFiles(input.files, { policies: input.policies, coverage: flags.has('--coverage') });
} catch (e) {
  process.stderr.write(`sendflow: ${e.message}\n`);
  process.exit(2);
}
if (flags.has('--json')) process.stdout.write(JSON.stringify(res.report, null, 2) + '\n');
else process.stdout.write(res.text);
process.exit(res.exit_code);
