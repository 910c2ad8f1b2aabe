// Checks the outputs of `make sen2-smoke` (a generated caseload streamed into
// `sendflow sen2`): they parse, and JSON, CSV, table and SVG agree.
// Run by mk/sen2.mk with SEN2_OUT set to the output directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.SEN2_OUT;
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');

test('JSON report: every generated case verified and counted', () => {
  const r = JSON.parse(read('smoke.json'));
  assert.equal(r.verified, true);
  assert.equal(r.counted, 400);
  assert.equal(r.failed, 0);
  const t = r.totals;
  assert.ok(t.requests_received > 0 && t.plans_issued > 0);
  assert.ok(t.timeliness.tot_inc_exc_ehc >= t.timeliness.tot_no_exc_ehc);
  assert.equal(t.timeliness.plans_issued,
    t.timeliness.tot_inc_exc_ehc + t.timeliness.excluded_mediation_or_tribunal);
  const sum = r.districts.reduce((s, d) => s + d.tot_inc_exc_ehc, 0);
  assert.equal(sum, t.timeliness.tot_inc_exc_ehc, 'the districts add up to the year');
});

test('CSV agrees with JSON', () => {
  const r = JSON.parse(read('smoke.json'));
  const lines = read('smoke.csv').trim().split('\n');
  assert.equal(lines[0], 'measure,group,value,dfe_variable');
  assert.ok(lines.includes(`plans_issued,,${r.totals.plans_issued},new_all_ehc`));
  assert.ok(lines.includes(`requests_received,,${r.totals.requests_received},inreq_ehc`));
});

test('census-day stock: the age bands add up, and CSV agrees', () => {
  const r = JSON.parse(read('smoke.json'));
  const c = r.totals.census;
  assert.equal(c.reference_date, '2027-01-21');
  assert.ok(c.plans > 0);
  assert.equal(Object.values(c.by_age).reduce((s, n) => s + n, 0), c.plans);
  const lines = read('smoke.csv').trim().split('\n');
  assert.ok(lines.includes(`plans_on_census_date,,${c.plans},`));
  for (const [band, n] of Object.entries(c.by_age)) assert.ok(lines.includes(`plans_on_census_date,age=${band},${n},`), band);
  assert.match(read('smoke.txt'), /plans on the census date 2027-01-21: \d+ \(under_5 \d+/);
});

test('SVG chart: titled, two bars per district plus the total', () => {
  const r = JSON.parse(read('smoke.json'));
  const svg = read('smoke.svg');
  assert.ok(svg.startsWith('<svg') && svg.trim().endsWith('</svg>'));
  assert.match(svg, /<title id="chart-title">EHC plans issued within 20 weeks, by district<\/title>/);
  assert.match(svg, /role="img"/);
  assert.equal((svg.match(/class="bar /g) || []).length, 2 * (r.districts.length + 1));
  for (const d of r.districts) assert.ok(svg.includes(`data-district="${d.district}"`), d.district);
});

test('table: the chosen period', () => {
  assert.match(read('smoke.txt'), /plans issued 2026-04-01 to 2026-09-30/);
  assert.match(read('smoke.txt'), /all districts/);
});
