// Tests of the portal's payload forms: the validation (the pure part of forms.js)
// under Node, against field declarations shaped like the default policy's, and
// the rendered inputs in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { MAX_MAP_ENTRIES, fieldLabel, humanise, isDate, itemLabel, payloadOf, validate } from '../static/forms.js';

const STATIC = resolve(dirname(fileURLToPath(import.meta.url)), '../static');
const PAGE = `<!doctype html><html lang="en"><head><title>forms</title></head><body><main><form id="box"></form></main>
<script type="module">import * as forms from '/forms.js'; window.forms = forms;</script></body></html>`;

const progress = { name: 'progress', type: 'string', required: true, enum: ['expected', 'less_than_expected'] };
const outcomes = { name: 'outcomes', type: 'list', required: true, min_items: 1, enum: ['advice_to_try', 'training'] };
const cost = { name: 'annual_provision_cost', type: 'number', required: true, min: 0 };
const reason = { name: 'reason', type: 'integer', required: true, min: 1, max: 9 };
const meeting = { name: 'meeting_date', type: 'date', required: true };
const pfa = { name: 'preparation_for_adulthood', type: 'boolean' };

test('required fields must be given', () => {
  assert.deepEqual(Object.keys(validate([progress, outcomes, cost, meeting], {})).sort(),
    ['annual_provision_cost', 'meeting_date', 'outcomes', 'progress']);
  assert.match(validate([progress], { progress: '' }).progress, /required/);
  assert.deepEqual(validate([pfa], {}), {}, 'an optional field may be left out');
});

test('enums, lists and their minimum', () => {
  assert.deepEqual(validate([progress], { progress: 'expected' }), {});
  assert.match(validate([progress], { progress: 'great' }).progress, /one of/);
  assert.deepEqual(validate([outcomes], { outcomes: ['training'] }), {});
  assert.match(validate([outcomes], { outcomes: [] }).outcomes, /required/);
  assert.match(validate([outcomes], { outcomes: ['bribery'] }).outcomes, /not allowed/);
  assert.match(validate([{ ...outcomes, required: false, min_items: 2 }], { outcomes: ['training'] }).outcomes, /at least 2/);
});

test('numbers, integers and their bounds', () => {
  assert.deepEqual(validate([cost], { annual_provision_cost: 8200.5 }), {});
  assert.match(validate([cost], { annual_provision_cost: -1 }).annual_provision_cost, /at least 0/);
  assert.match(validate([cost], { annual_provision_cost: NaN }).annual_provision_cost, /number/);
  assert.deepEqual(validate([reason], { reason: 9 }), {});
  assert.match(validate([reason], { reason: 10 }).reason, /at most 9/);
  assert.match(validate([reason], { reason: 2.5 }).reason, /whole number/);
});

test('dates are real calendar dates', () => {
  assert.equal(isDate('2026-02-28'), true);
  assert.equal(isDate('2026-02-29'), false);
  assert.equal(isDate('28/02/2026'), false);
  assert.deepEqual(validate([meeting], { meeting_date: '2027-03-22' }), {});
  assert.match(validate([meeting], { meeting_date: '2027-13-01' }).meeting_date, /date/);
});

test('booleans and the payload sent', () => {
  assert.match(validate([pfa], { preparation_for_adulthood: 'yes' }).preparation_for_adulthood, /yes or no/);
  assert.deepEqual(payloadOf({ a: undefined, b: '', c: [], d: false, e: 0, f: ['x'] }), { d: false, e: 0, f: ['x'] });
});

test('labels', () => {
  assert.equal(humanise('ehc.plan_finalised'), 'Plan finalised');
  assert.equal(humanise('less_than_expected'), 'Less than expected');
  assert.equal(humanise('sen_support'), 'SEN support');
  assert.equal(humanise('sdq'), 'SDQ');
  assert.equal(humanise('dispute.appeal_registered'), 'Appeal registered');
});

test('a choice among options the page supplies (a case decision)', () => {
  const decision = { name: 'decision', type: 'string', options: [{ value: 'd8', text: 'Amended plan' }, { value: 'd13', text: 'Cease' }] };
  assert.deepEqual(validate([decision], { decision: 'd13' }), {});
  assert.deepEqual(validate([decision], {}), {}, 'left out, the engine names the one open decision');
  assert.match(validate([decision], { decision: 'd99' }).decision, /Choose one of the decision options/);
});

// ---------------------------------------------------------------- map fields (the dates agreed at mediation)

const agreedDue = {
  name: 'agreed_due', type: 'map', not_before_at: true,
  enum: ['assess', 'make_plan', 'amend', 'change_school', 'other', 'health'],
};

test('a map of dates: items of its enum, real dates, not before the action', () => {
  const at = { at: '2026-08-03' };
  assert.deepEqual(validate([agreedDue], { agreed_due: { assess: '2026-08-24', other: '2026-08-03' } }, at), {});
  assert.deepEqual(validate([agreedDue], { agreed_due: {} }, at), {}, 'no date given: nothing to check');
  assert.deepEqual(validate([agreedDue], {}, at), {});
  assert.match(validate([{ ...agreedDue, required: true }], { agreed_due: {} }, at).agreed_due, /required/);
  const bad = validate([agreedDue], { agreed_due: { assess: '2026-02-30', make_plan: { partial: 'missing' }, amend: '2026-08-02', bribe: '2026-09-01' } }, at);
  assert.deepEqual(Object.keys(bad).sort(), ['agreed_due.amend', 'agreed_due.assess', 'agreed_due.bribe', 'agreed_due.make_plan']);
  assert.match(bad['agreed_due.assess'], /^The date for carry out an EHC needs assessment must be a real date\.$/);
  assert.match(bad['agreed_due.make_plan'], /must include a day, month and year/);
  assert.match(bad['agreed_due.amend'], /same as or after the date of this action \(2026-08-03\)/);
  assert.match(bad['agreed_due.bribe'], /not one of the items/);
  assert.deepEqual(validate([{ ...agreedDue, not_before_at: false }], { agreed_due: { amend: '2026-08-02' } }, at), {},
    'without not_before_at an earlier date is allowed');
  assert.match(validate([agreedDue], { agreed_due: ['2026-08-24'] }, at).agreed_due, /a date for each item/);
  assert.match(validate([agreedDue], { agreed_due: '2026-08-24' }, at).agreed_due, /a date for each item/);
});

test('a map holds at most 64 dates, as the engine allows', () => {
  const many = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, '2026-09-01']));
  const open = { name: 'dates', type: 'map' };
  assert.equal(MAX_MAP_ENTRIES, 64);
  assert.deepEqual(validate([open], { dates: many(64) }), {});
  assert.match(validate([open], { dates: many(65) }).dates, /at most 64/);
});

test('a date before or after the action, where the field forbids it', () => {
  const since = { name: 'since', type: 'date', not_after_at: true };
  assert.deepEqual(validate([since], { since: '2026-08-03' }, { at: '2026-08-03' }), {});
  assert.match(validate([since], { since: '2026-08-04' }, { at: '2026-08-03' }).since, /same as or before/);
  assert.match(validate([meeting], { meeting_date: { partial: 'invalid' } }).meeting_date, /real date/);
});

test('an agreement and its dates are named in plain words', () => {
  assert.equal(itemLabel('agreed_due', 'make_plan'), 'Make an EHC plan');
  assert.equal(itemLabel('agreement', 'change_school'), 'Change the school or other institution named');
  assert.equal(itemLabel('to', 'health'), 'Health', 'another field\'s item keeps its own words');
  assert.equal(fieldLabel('agreed_due'), 'Dates agreed in writing');
  assert.equal(fieldLabel('la_party'), 'LA party');
  assert.deepEqual(payloadOf({ agreed_due: {}, agreement: ['assess'] }), { agreement: ['assess'] });
});

// The rendered form, in Chromium: forms.js served from the portal's static files.
test('the map field in Chromium: a date per item, read back, errors in place and in the summary', async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('http://forms.test/**', (route) => {
      const name = new URL(route.request().url()).pathname.slice(1);
      if (name === '') return route.fulfill({ contentType: 'text/html', body: PAGE });
      return route.fulfill({ path: join(STATIC, name), contentType: name.endsWith('.css') ? 'text/css' : 'text/javascript' });
    });
    await page.goto('http://forms.test/');
    await page.waitForFunction(() => window.forms);
    const field = { ...agreedDue, description: 'The date agreed in writing for an item of the agreement.' };
    await page.evaluate((f) => window.forms.renderFields(document.querySelector('#box'), [f], 'pay'), field);

    // One date input per item, its legend the item's plain label.
    assert.equal(await page.locator('#pay-agreed_due > legend + p.hint').innerText(), field.description, 'the hint under the legend');
    const legends = await page.locator('[data-field=agreed_due] fieldset[data-item] > legend').allTextContents();
    assert.deepEqual(legends, agreedDue.enum.map((k) => `${itemLabel('agreed_due', k)} (optional)`));
    assert.equal(await page.locator('[data-field=agreed_due] > fieldset > legend').innerText(), 'Dates agreed in writing (optional)');
    for (const k of agreedDue.enum) {
      for (const p of ['day', 'month', 'year']) assert.equal(await page.locator(`#pay-agreed_due-${k}-${p}`).count(), 1, `${k} ${p}`);
    }
    const read = () => page.evaluate((f) => window.forms.readFields(document.querySelector('#box'), [f]), field);
    assert.deepEqual(await read(), { agreed_due: undefined }, 'nothing typed: nothing sent');

    await page.fill('#pay-agreed_due-assess-day', '24');
    await page.fill('#pay-agreed_due-assess-month', '8');
    await page.fill('#pay-agreed_due-assess-year', '2026');
    await page.fill('#pay-agreed_due-health-day', '7');
    await page.fill('#pay-agreed_due-health-month', '9');
    await page.fill('#pay-agreed_due-health-year', '2026');
    assert.deepEqual(await read(), { agreed_due: { assess: '2026-08-24', health: '2026-09-07' } });

    // A half-typed date and one before the action are errors, at the item and in the summary.
    await page.fill('#pay-agreed_due-amend-day', '31');
    await page.fill('#pay-agreed_due-amend-month', '2');
    await page.fill('#pay-agreed_due-amend-year', '2027');
    await page.fill('#pay-agreed_due-other-month', '9');
    await page.fill('#pay-agreed_due-health-year', '2025');
    const shown = await page.evaluate((f) => {
      const box = document.querySelector('#box');
      const errs = window.forms.validate([f], window.forms.readFields(box, [f]), { at: '2026-08-03' });
      const ok = window.forms.showFieldErrors(box, [f], errs);
      return { ok, links: window.forms.errorLinks(box, [f], errs), focused: document.activeElement.id };
    }, field);
    assert.equal(shown.ok, false);
    assert.deepEqual(shown.links.map(([href]) => href), ['#pay-agreed_due-amend-day', '#pay-agreed_due-other-day', '#pay-agreed_due-health-day']);
    assert.match(shown.links[0][1], /amend the EHC plan must be a real date/);
    assert.match(shown.links[1][1], /must include a day, month and year/);
    assert.match(shown.links[2][1], /same as or after the date of this action/);
    assert.equal(shown.focused, 'pay-agreed_due-amend-day');
    assert.equal(await page.locator('#pay-agreed_due-amend-err').innerText(), shown.links[0][1]);
    assert.equal(await page.locator('#pay-agreed_due-assess-err').innerText(), '', 'a good date shows no error');
    assert.equal(await page.locator('#pay-agreed_due-amend-month').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#pay-agreed_due-assess-day').getAttribute('aria-invalid'), null);
    const described = await page.locator('fieldset[data-item=amend]').getAttribute('aria-describedby');
    assert.equal(described, 'pay-agreed_due-amend-err');

    // Corrected, the errors go.
    await page.fill('#pay-agreed_due-amend-day', '1');
    await page.fill('#pay-agreed_due-other-day', '1');
    await page.fill('#pay-agreed_due-other-year', '2026');
    await page.fill('#pay-agreed_due-health-year', '2026');
    const fixed = await page.evaluate((f) => {
      const box = document.querySelector('#box');
      const values = window.forms.readFields(box, [f]);
      const errs = window.forms.validate([f], values, { at: '2026-08-03' });
      return { ok: window.forms.showFieldErrors(box, [f], errs), payload: window.forms.payloadOf(values) };
    }, field);
    assert.equal(fixed.ok, true);
    assert.deepEqual(fixed.payload, { agreed_due: { assess: '2026-08-24', amend: '2027-02-01', other: '2026-09-01', health: '2026-09-07' } });
    assert.equal(await page.locator('#pay-agreed_due-amend-err').innerText(), '');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
