// The SEN2 return page (static/sen2.html), driven in a real headless Chromium
// (Debian's /usr/bin/chromium via playwright-core): `sendflow serve` on a free
// port; a generated caseload loaded from a file gives the same return (every
// element) as `sendflow sen2 --format xml` on the command line, downloaded from
// the page and valid against the project's schema (xmllint, when installed);
// a person missing their details is reported by case reference with no
// download; a case edited outside the engine is not counted; the form's
// errors follow the GOV.UK pattern. axe-core finds no serious or critical
// violation at 1440 and 320 px, and the page reflows at 320 px. Any console
// or page error fails the test. Screenshots go to test-output/portal/.
//
// Run: SENDFLOW=bin/sendflow WASM_DIR=wasm/dist node --test internal/portal/test/sen2.test.mjs
//      (after `make wasm bin/sendflow` and `npm ci`; make portal-test runs it with the others)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchPersistent, serve, watch } from '../testharness.mjs';
import { AxeBuilder } from '@axe-core/playwright';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SENDFLOW = process.env.SENDFLOW || join(root, 'bin/sendflow');
const WASM_DIR = process.env.WASM_DIR || join(root, 'wasm/dist');
const OUT = join(root, 'test-output/portal');
mkdirSync(OUT, { recursive: true });

let server;
let baseURL;
let context;
let page;
let dir;
const problems = [];

function sendflow(args) {
  const r = spawnSync(SENDFLOW, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendflow-sen2-'));
  ({ proc: server, url: baseURL } = await serve(SENDFLOW, ['--wasm-dir', WASM_DIR]));
  context = await launchPersistent(join(dir, 'profile'));
  page = watch(context.pages()[0] || await context.newPage(), problems);
});

after(async () => {
  await context?.close();
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** axe-core finds no serious or critical violation at 1440 and 320 px, and nothing scrolls sideways at 320. */
async function accessible(where) {
  await page.screenshot({ path: join(OUT, `sen2-${where}.png`), fullPage: true });
  const was = page.viewportSize();
  try {
    for (const width of [1440, 320]) {
      await page.setViewportSize({ width, height: was.height });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${where}: the page reflows at ${width}px (overflow ${overflow}px)`);
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
      const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`), [],
        `${where}: axe-core at ${width}px`);
    }
  } finally {
    await page.setViewportSize(was);
  }
}

async function open() {
  await page.goto(`${baseURL}sen2.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
}

async function fill(file, year = '2025') {
  await page.setInputFiles('#cases-file', file);
  await page.fill('#year', year);
  await page.fill('#la', '886');
  await page.selectOption('#dmo', 'Y');
  await page.selectOption('#dco', 'N');
  await page.click('#build');
  await page.waitForSelector('#result[data-ready]', { timeout: 60000 });
}

/** The XML without its DateTime line (the file's own time). */
const undated = (xml) => xml.replace(/<DateTime>[^<]*<\/DateTime>/, '');

test('a generated caseload gives the same return as the CLI, downloaded from the page', async () => {
  const gen = sendflow(['gen', '--cases', '60', '--seed', '3', '--year', '2025']);
  assert.equal(gen.code, 0, gen.err);
  const cases = join(dir, 'cases.jsonl');
  writeFileSync(cases, gen.out);
  const cli = sendflow(['sen2', '--year', '2025', '--format', 'xml', '--la-number', '886', '--dmo', 'Y', '--dco', 'N',
    '--summary', join(dir, 'summary.json'), cases]);
  assert.equal(cli.code, 0, cli.err);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

  await open();
  await accessible('empty');
  await fill(cases);
  assert.equal(await page.getAttribute('#result', 'data-ready'), 'true');
  assert.equal(await page.getAttribute('#result', 'data-issues'), '0');
  assert.equal(await page.textContent('[data-count="persons"]'), String(summary.counts.persons));
  assert.equal(await page.textContent('[data-count="active_plans"]'), String(summary.counts.active_plans));
  assert.equal(await page.textContent('[data-count="cases"]'), '60 counted of 60');
  await accessible('ready');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), 'sen2-2026-2025.xml');
  const file = join(dir, 'page.xml');
  await download.saveAs(file);
  const xml = readFileSync(file, 'utf8');
  assert.equal(undated(xml), undated(cli.out), 'every element as the CLI writes it');
  // Asked for, each request says who made it, as --request-source does.
  await page.check('#request-source');
  await page.click('#build');
  await page.waitForSelector('#result[data-ready="true"]');
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  await again.saveAs(join(dir, 'sources.xml'));
  const withSources = sendflow(['sen2', '--year', '2025', '--format', 'xml', '--la-number', '886', '--dmo', 'Y', '--dco', 'N',
    '--request-source', cases]);
  assert.equal(undated(readFileSync(join(dir, 'sources.xml'), 'utf8')), undated(withSources.out));
  assert.match(withSources.out, /<RequestSource>[1-5]<\/RequestSource>/);
  await page.uncheck('#request-source');
  const lint = spawnSync('xmllint', ['--noout', '--schema', join(root, 'sdk/report/sen2.xsd'), file], { encoding: 'utf8' });
  if (!lint.error) assert.equal(lint.status, 0, lint.stderr);
  assert.deepEqual(problems, []);
});

test('a person missing their details is listed by case reference, and no file is offered', async () => {
  await open();
  // A case made in the page's own engine: a request with no person details.
  const line = await page.evaluate(async () => {
    const { loadSendflow } = await import('/engine.js');
    const m = await loadSendflow();
    const e = m.compile();
    let c = e.newCase({ id: 'case-no-details', la: 'kent', child: { date_of_birth: '2015-10-10' } });
    c = e.fire(c, { trigger: 'ehc.requested', actor: 'parent', at: '2025-03-03' }).case;
    return JSON.stringify(c);
  });
  const file = join(dir, 'missing.jsonl');
  writeFileSync(file, line + '\n');
  await fill(file);
  assert.equal(await page.getAttribute('#result', 'data-ready'), 'false');
  assert.equal(await page.locator('#download').count(), 0);
  const rows = page.locator('[data-issue-case="case-no-details"]');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /Person.*no person details are recorded/);
  await accessible('issues');

  // The same case edited outside the engine is not counted.
  const edited = JSON.parse(line);
  edited.id = 'case-edited';
  writeFileSync(file, JSON.stringify(edited) + '\n');
  await fill(file);
  assert.equal(await page.getAttribute('#result', 'data-failed'), '1');
  assert.match(await page.textContent('[data-failure-line="1"]'), /history_mismatch/);
  assert.equal(await page.locator('#download').count(), 0);
  assert.deepEqual(problems, []);
});

test('the form says what is missing, GOV.UK style', async () => {
  await open();
  await page.fill('#year', '25');
  await page.click('#build');
  await page.waitForSelector('#error-summary:not([hidden])');
  const items = await page.locator('#error-summary-list a').allTextContents();
  assert.deepEqual(items, ['Choose a caseload file, or add the case in progress', 'Enter the year as 4 digits, for example 2025',
    'Enter the local authority number as 3 digits, for example 886',
    'Select whether the authority has a designated medical officer', 'Select whether the authority has a designated clinical officer']);
  assert.equal(await page.getAttribute('#la', 'aria-invalid'), 'true');
  await accessible('form-errors');
  assert.deepEqual(problems, []);
});
