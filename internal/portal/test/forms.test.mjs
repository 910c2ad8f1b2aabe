// Unit tests of the portal's payload validation (the pure part of forms.js),
// against field declarations shaped like the default policy's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanise, isDate, payloadOf, validate } from '../static/forms.js';

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
