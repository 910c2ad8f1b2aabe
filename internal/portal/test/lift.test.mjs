// The LIFT review page (lift.html) in a real headless Chromium: a caseload made by `sendflow gen` is
// chosen in the page, the engine's lift_report op (the WASM build) derives the figures, and the page draws
// the three SVG charts and the tables. The figures shown must equal `sendflow lift-report` (the native
// build) on the same file; every chart must render (laid out, with a bar per district or term); the page
// must reflow at 320 px with no serious or critical axe-core violation; a duplicated case is named and an
// empty file warned about. The charts `sendflow lift-report --charts` writes must render too.
// Screenshots go to test-output/portal/.
//
// Run: SENDFLOW=bin/sendflow WASM_DIR=wasm/dist node --test internal/portal/test/lift.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CONTEXT_OPTIONS, serve, watch } from '../testharness.mjs';
import { AxeBuilder } from '@axe-core/playwright';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SENDFLOW = process.env.SENDFLOW || join(root, 'bin/sendflow');
const WASM_DIR = process.env.WASM_DIR || join(root, 'wasm/dist');
const OUT = join(root, 'test-output/portal');
mkdirSync(OUT, { recursive: true });

let server;
let baseURL;
let browser;
let page;
let work;
const problems = [];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'sendflow-lift-'));
  execFileSync(SENDFLOW, ['gen', '--cases', '400', '--seed', '21', '--year', '2026', '-o', join(work, 'cases.jsonl')], { stdio: 'ignore' });
  ({ proc: server, url: baseURL } = await serve(SENDFLOW, ['--wasm-dir', WASM_DIR]));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext(CONTEXT_OPTIONS);
  page = watch(await context.newPage(), problems);
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The page reflows at 320 px and axe-core finds no serious or critical violation at 1440 and 320 px. */
async function accessible(where) {
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

/** Sets the ISO date behind a day/month/year field (the hidden input #ID), as the fields would. */
async function setDate(id, value) {
  await page.locator(`#${id}`).evaluate((el, v) => { el.value = v; }, value);
}

/** Chooses file in the page, with the period, and makes the report. */
async function makeReport(file, { from = '', to = '', verify = true } = {}) {
  await page.goto(`${baseURL}lift.html`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  await page.setInputFiles('#cases', file);
  await setDate('from', from);
  await setDate('to', to);
  await page.setChecked('#verify', verify);
  await page.click('#run');
  await page.waitForSelector('body[data-report=shown]', { timeout: 60000 });
}

/**
 * At 320 px every wide table scrolls inside its region with its caption wrapped in view, and scrolled to its
 * far end its caption and row headers (what each row is) are still in view.
 */
async function tablesReadableAt320() {
  const was = page.viewportSize();
  await page.setViewportSize({ width: 320, height: was.height });
  try {
    const regions = page.locator('.lift-scroll');
    const n = await regions.count();
    assert.ok(n >= 4, `${n} table regions`);
    for (let i = 0; i < n; i++) {
      const r = await regions.nth(i).evaluate((box) => {
        const edge = () => box.getBoundingClientRect();
        const cap = () => box.querySelector('caption span').getBoundingClientRect();
        const rowHead = () => box.querySelector('tbody th[scope=row]')?.getBoundingClientRect() || edge();
        const at = (c, b) => ({ left: Math.round(c.left - b.left), right: Math.round(b.right - c.right) });
        const start = { cap: at(cap(), edge()) };
        box.scrollLeft = box.scrollWidth;
        const end = { cap: at(cap(), edge()), row: at(rowHead(), edge()), scrolled: box.scrollLeft };
        box.scrollLeft = 0;
        return { label: box.getAttribute('aria-label'), start, end };
      });
      assert.ok(r.start.cap.left >= -1 && r.start.cap.right >= -1, `${r.label}: the caption fits at 320 px: ${JSON.stringify(r)}`);
      assert.ok(r.end.cap.left >= -1 && r.end.cap.right >= -1, `${r.label}: scrolled, the caption is in view: ${JSON.stringify(r)}`);
      assert.ok(r.end.row.left >= -1, `${r.label}: scrolled, the row headers are in view: ${JSON.stringify(r)}`);
    }
  } finally {
    await page.setViewportSize(was);
  }
}

/** Each chart in the page is laid out, with a drawn bar for every district (or term) it names. */
async function chartsRender(want) {
  for (const [name, rows] of Object.entries(want)) {
    const svg = page.locator(`#chart-${name} svg[data-chart="lift-${name}"]`);
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 150, `chart ${name} is laid out: ${JSON.stringify(box)}`);
    const drawn = await svg.evaluate((s) => [...s.querySelectorAll('.bar')].filter((b) => b.getBBox().width > 0 && b.getBBox().height > 0).length);
    assert.ok(drawn >= rows, `chart ${name}: ${drawn} bars drawn, want at least ${rows}`);
    assert.ok(await svg.evaluate((s) => s.querySelector('title').textContent.length > 0 && s.querySelector('desc').textContent.length > 0), `${name} has a title and a description`);
    await svg.screenshot({ path: join(OUT, `lift-chart-${name}.png`) });
  }
}

test('the LIFT page draws the figures and charts of a caseload, as the CLI counts them', async () => {
  const cases = join(work, 'cases.jsonl');
  const cli = JSON.parse(execFileSync(SENDFLOW, ['lift-report', '--from', '2025-08-01', '--to', '2026-07-31', cases], { maxBuffer: 64 << 20 }).toString());
  assert.ok(cli.totals.cases_discussed > 0, 'the generated caseload has LIFT activity');
  await makeReport(cases, { from: '2025-08-01', to: '2026-07-31' });
  const fig = async (key) => page.locator(`[data-figure="${key}"]`).innerText();
  assert.equal(await fig('counted'), String(cli.counted));
  assert.equal(await fig('meetings'), String(cli.totals.meetings));
  assert.equal(await fig('cases_discussed'), `${cli.totals.cases_discussed} (${cli.totals.children_discussed} children)`);
  assert.match(await fig('first_contact'), new RegExp(`^${cli.totals.first_contact.met} met, ${cli.totals.first_contact.missed} missed`));
  assert.equal(await fig('hnf_children_supported'), String(cli.totals.hnf_children_supported));
  assert.equal(await page.locator('#district-table tbody tr').count(), cli.districts.length);
  for (const d of cli.districts) {
    const cells = await page.locator(`#district-table tr[data-row="${d.district}"] td`).allInnerTexts();
    assert.equal(cells[1], String(d.cases_discussed), `${d.district}: cases discussed`);
  }
  assert.equal(await page.locator('#term-table tbody tr').count(), cli.terms.length);
  await chartsRender({ districts: cli.districts.length, allocations: cli.districts.length, trend: cli.terms.length });
  await page.screenshot({ path: join(OUT, 'lift-page.png'), fullPage: true });
  await accessible('the LIFT report');
  await tablesReadableAt320();
  assert.deepEqual(problems, [], 'no console or page errors');
});

test('the LIFT page names a case given twice and warns about an empty file', async () => {
  const first = readFileSync(join(work, 'cases.jsonl'), 'utf8').split('\n')[0];
  const twice = join(work, 'twice.jsonl');
  writeFileSync(twice, `${first}\n${first}\n`);
  await makeReport(twice, { verify: false });
  assert.equal(await page.locator('[data-figure="counted"]').innerText(), '1');
  assert.equal(await page.locator('[data-failed]').getAttribute('data-failed'), '1');
  assert.equal(await page.locator('[data-failure="duplicate"]').count(), 1);

  const empty = join(work, 'empty.jsonl');
  writeFileSync(empty, '');
  await makeReport(empty);
  assert.match(await page.locator('[data-warning]').innerText(), /held no cases/);
  assert.equal(await page.locator('[data-figure="meetings"]').innerText(), '0');
  await accessible('an empty report');

  await page.goto(`${baseURL}lift.html`);
  await page.waitForSelector('body[data-ready=true]');
  await accessible('the LIFT form');
  await page.click('#run');
  assert.equal(await page.locator('#error-summary').isVisible(), true, 'no file chosen is an error');
  assert.match(await page.locator('#error-list').innerText(), /Choose a caseload/);
  await accessible('no caseload chosen');

  // Dates are GOV.UK day, month and year fields: one half typed, or a period ending before it starts, is named
  // in the summary and at its field.
  await page.setInputFiles('#cases', join(work, 'cases.jsonl'));
  await page.fill('#from-day', '1');
  await page.fill('#from-month', '8');
  await page.fill('#to-day', '31');
  await page.fill('#to-month', '2');
  await page.fill('#to-year', '2026');
  await page.click('#run');
  assert.deepEqual(await page.locator('#error-list a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent])),
    [['#from-day', 'Period from must include a day, month and year'], ['#to-day', 'Period to must be a real date']]);
  assert.equal(await page.locator('#from-error').innerText(), 'Period from must include a day, month and year');
  assert.equal(await page.locator('#to-year').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('body').getAttribute('data-report'), null, 'no report from a bad date');
  await accessible('dates in error');
  await page.fill('#from-year', '2026');
  await page.fill('#to-day', '28');
  await page.fill('#to-month', '2');
  await page.click('#run');
  assert.match(await page.locator('#error-list').innerText(), /must not end before it starts/);
  assert.equal(await page.locator('#to-error').innerText(), 'The period must not end before it starts');
  assert.equal(await page.locator('#from-error').isVisible(), false, 'a corrected date loses its error');
  assert.deepEqual(problems, [], 'no console or page errors');
});

test('the charts sendflow lift-report writes render in Chromium', async () => {
  const dir = join(work, 'charts');
  execFileSync(SENDFLOW, ['lift-report', '--no-verify', '--charts', dir, join(work, 'cases.jsonl')], { stdio: 'ignore' });
  for (const name of ['districts', 'allocations', 'trend']) {
    const svgText = readFileSync(join(dir, `lift-${name}.svg`), 'utf8');
    await page.setContent(`<!doctype html><html lang="en"><title>${name}</title><body style="margin:0">${svgText}</body></html>`);
    const box = await page.locator('svg').boundingBox();
    assert.ok(box && box.width >= 800, `${name}: rendered ${JSON.stringify(box)}`);
    const bars = await page.locator('svg .bar').evaluateAll((bs) => bs.filter((b) => b.getBBox().width > 0).length);
    assert.ok(bars > 0, `${name}: bars drawn`);
    const parseErrors = await page.evaluate(() => document.querySelectorAll('parsererror').length);
    assert.equal(parseErrors, 0);
    await page.locator('svg').screenshot({ path: join(OUT, `lift-cli-${name}.png`) });
  }
});

test('every page has the service navigation, its own page marked, inside a padded header', async () => {
  problems.length = 0; // the test before writes chart files into a page under the portal's CSP, which refuses its inline style
  const pages = { '': 'Case', 'index.html': 'Case', 'lift.html': 'LIFT review', 'sen2.html': 'SEN2 return', 'accessibility.html': 'Accessibility' };
  for (const [path, current] of Object.entries(pages)) {
    await page.goto(`${baseURL}${path}`);
    await page.waitForSelector('#app-nav li');
    assert.deepEqual(await page.locator('#app-nav a').allInnerTexts(), ['Case', 'LIFT review', 'SEN2 return', 'Accessibility'], path);
    assert.deepEqual(await page.locator('#app-nav a[aria-current=page]').allInnerTexts(), [current], `${path || '/'}: the current page`);
    // Marked by more than its weight: a bar beneath it that the other links do not have.
    const marks = await page.locator('#app-nav a').evaluateAll((as) => as.map((a) => getComputedStyle(a).boxShadow));
    assert.equal(marks.filter((m) => m !== 'none').length, 1, `${path}: one link has the bar: ${marks}`);
    for (const width of [1440, 320]) {
      await page.setViewportSize({ width, height: 1000 });
      const gap = await page.evaluate(() => {
        const h = document.querySelector('.app-header__container').getBoundingClientRect();
        const s = document.querySelector('.app-header__service').getBoundingClientRect();
        const n = document.querySelector('#app-nav').getBoundingClientRect();
        return { top: Math.round(s.top - h.top), bottom: Math.round(h.bottom - Math.max(s.bottom, n.bottom)) };
      });
      assert.ok(gap.top >= 8 && gap.bottom >= 8, `${path} at ${width}px: the header has room above and below: ${JSON.stringify(gap)}`);
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
  }
  assert.deepEqual(problems, [], 'no console or page errors');
});
