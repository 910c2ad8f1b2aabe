// lift.js: the LIFT review page. It reads a caseload (JSON lines) chosen by the user, asks the engine's
// lift_report op (the WASM build, in this browser) for the figures and their SVG charts, and draws them with
// tables of every figure. Nothing leaves the browser.
import { isoOf, mountDate } from './datefields.js';
import { loadSendflow } from './engine.js';

const $ = (id) => document.getElementById(id);
let sf = null;
let engine = null;
let last = null;

const PLAIN = {
  educational_psychologist: 'Educational psychologist', specialist_teacher: 'Specialist teacher', outreach_teacher: 'Outreach teacher',
  early_help: 'Early help', health: 'Health', school_representative: 'School representative', senco: 'SENCo', chair: 'Chair', other: 'Other',
  advice_to_try: 'Advice to try', training: 'Training', school_to_school_support: 'School-to-school support',
  specialist_intervention: 'Specialist intervention', refer_early_help: 'Refer to early help', seek_health_advice: 'Seek health advice',
};
const plain = (k) => PLAIN[k] || k.replace(/_/g, ' ');
const pct = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)}%`);
const num = (v) => (v === null || v === undefined ? '–' : String(v));

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

// The page's fields that can be in error: the file and the three dates.
const FIELDS = ['cases', 'from', 'to', 'as-of'];

/** The GOV.UK error summary, and each item's message at its field (item.field). */
function showErrors(items) {
  const list = $('error-list');
  list.replaceChildren(...items.map((i) => el('li', {}, i.href ? el('a', { href: i.href }, i.text) : i.text)));
  $('error-summary').hidden = false;
  $('error-summary').focus();
  for (const i of items) {
    if (!i.field) continue;
    $(`${i.field}-group`).classList.add('govuk-form-group--error');
    $(`${i.field}-error`).hidden = false;
    $(`${i.field}-error`).textContent = i.text;
    if (i.field !== 'cases') $(i.field).setAttribute('aria-invalid', 'true');
  }
}

function clearErrors() {
  $('error-summary').hidden = true;
  for (const f of FIELDS) {
    $(`${f}-group`).classList.remove('govuk-form-group--error');
    $(`${f}-error`).hidden = true;
    if (f !== 'cases') $(f).removeAttribute('aria-invalid');
  }
}

/** A date field's ISO date ('' when left empty), or an error item when it is half typed or not a real date. */
function dateOf(id, label) {
  const part = (k) => $(`${id}-${k}`).value.trim();
  const [d, m, y] = [part('day'), part('month'), part('year')];
  if (!d && !m && !y) return { value: '' };
  const iso = isoOf(d, m, y);
  if (iso) return { value: iso };
  const text = d && m && y ? `${label} must be a real date` : `${label} must include a day, month and year`;
  return { error: { text, href: `#${id}-day`, field: id } };
}

async function start() {
  try {
    sf = await loadSendflow();
    engine = sf.compile();
  } catch (e) {
    showErrors([{ text: `The engine did not load: ${e && e.message ? e.message : e}` }]);
  }
  $('main').setAttribute('aria-busy', 'false');
  document.body.dataset.ready = engine ? 'true' : 'failed';
}

async function run(ev) {
  ev.preventDefault();
  clearErrors();
  const file = $('cases').files[0];
  if (!file) return showErrors([{ text: 'Choose a caseload file (JSON lines)', href: '#cases', field: 'cases' }]);
  const dates = [dateOf('from', 'Period from'), dateOf('to', 'Period to'), dateOf('as-of', 'First contact judged as of')];
  const bad = dates.filter((d) => d.error).map((d) => d.error);
  if (bad.length) return showErrors(bad);
  const [from, to, asOf] = dates.map((d) => d.value);
  if (from && to && from > to) return showErrors([{ text: 'The period must not end before it starts', href: '#to-day', field: 'to' }]);
  if (!engine) return showErrors([{ text: 'The engine has not loaded: reload the page' }]);
  $('status').textContent = `Reading ${file.name}…`;
  const req = { op: 'lift_report', engine: engine.handle, text: await file.text() };
  if (from) req.from = from;
  if (to) req.to = to;
  if (asOf) req.as_of = asOf;
  if (!$('verify').checked) req.no_verify = true;
  let out;
  try {
    out = sf.request(req);
  } catch (e) {
    $('status').textContent = '';
    return showErrors([{ text: e && e.message ? e.message : String(e) }]);
  }
  last = out.report;
  render(out);
  $('status').textContent = `${last.counted} case(s) counted from ${file.name}.`;
}

function render(out) {
  const r = out.report;
  notices(r);
  headline(r);
  for (const name of ['districts', 'allocations', 'trend']) {
    // The SVG text is the engine's own (every value escaped), drawn as it is.
    $(`chart-${name}`).querySelector('.lift-svg').innerHTML = out.charts[name] || '';
  }
  districtTable(r);
  termTable(r);
  kindsTable(r);
  spreadTable(r);
  $('results').hidden = false;
  document.body.dataset.report = 'shown';
}

function notices(r) {
  const box = $('notices');
  box.replaceChildren();
  for (const w of r.warnings || []) box.append(el('div', { class: 'lift-notice lift-notice--warning govuk-body', 'data-warning': '' }, `Warning: ${w}.`));
  if (!r.verified) box.append(el('div', { class: 'lift-notice govuk-body' }, 'The case histories were not verified.'));
  if (r.failed > 0) {
    const list = el('ul', { class: 'govuk-list govuk-list--bullet' });
    for (const f of r.failures.slice(0, 10)) list.append(el('li', { 'data-failure': f.code }, `Line ${f.line}${f.id ? ` (case ${f.id})` : ''}: ${f.code.replace(/_/g, ' ')}: ${f.reason}`));
    box.append(el('div', { class: 'lift-notice lift-notice--warning govuk-body', 'data-failed': String(r.failed) },
      `${r.failed} line(s) were not counted${r.failed > 10 ? ' (the first 10 are listed)' : ''}:`, list));
  }
}

function row(label, value, key) {
  return el('div', { class: 'govuk-summary-list__row' }, el('dt', { class: 'govuk-summary-list__key' }, label),
    el('dd', { class: 'govuk-summary-list__value', 'data-figure': key }, value));
}

function headline(r) {
  const t = r.totals;
  const fc = t.first_contact;
  const p = r.period;
  const period = p.from || p.to ? `${p.from || 'the start'} to ${p.to || 'the end'}` : 'every date in the histories';
  $('headline').replaceChildren(
    row('Period', period, 'period'),
    row('Cases counted', num(r.counted), 'counted'),
    row('Meetings held', num(t.meetings), 'meetings'),
    row('Cases discussed', `${t.cases_discussed} (${t.children_discussed} children)`, 'cases_discussed'),
    row('Referrals started', num(t.referrals), 'referrals'),
    row(`First contact within ${r.contact_working_days} working days`,
      `${fc.met} met, ${fc.missed} missed, ${fc.awaiting} awaiting (${pct(fc.met_rate)} on time; median ${num(fc.median_working_days)} working days)`, 'first_contact'),
    row('Returned to LIFT', num(t.outcomes.returned), 'returned'),
    row('LIFT exhausted', `${t.outcomes.exhausted} (then ${t.outcomes.exhausted_then_hnf} to high needs funding, ${t.outcomes.exhausted_then_ehc} to an EHC request)`, 'exhausted'),
    row('Progress at the next SEN support review', `${t.progress.expected} expected, ${t.progress.less_than_expected} less than expected (${pct(t.progress.expected_rate)})`, 'progress'),
    row('Children with high needs funding supported', num(t.hnf_children_supported), 'hnf_children_supported'),
  );
}

function table(id, caption, head, rows) {
  const t = $(id);
  t.replaceChildren(
    // The caption's words stay in view and wrap to the region's width, however wide the table scrolls.
    el('caption', { class: 'govuk-table__caption govuk-table__caption--s' }, el('span', { class: 'lift-caption-text' }, caption)),
    el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' },
      ...head.map((h, i) => el('th', { scope: 'col', class: `govuk-table__header${i ? ' govuk-table__header--numeric' : ''}` }, h)))),
    el('tbody', { class: 'govuk-table__body' }, ...rows.map((cells) => el('tr', { class: 'govuk-table__row', 'data-row': cells[0] },
      ...cells.map((c, i) => (i ? el('td', { class: 'govuk-table__cell govuk-table__cell--numeric' }, c) : el('th', { scope: 'row', class: 'govuk-table__header' }, c)))))),
  );
}

const sum = (m) => Object.values(m || {}).reduce((a, b) => a + b, 0);

function figureCells(f) {
  return [num(f.meetings), num(f.cases_discussed), num(f.children_discussed), num(sum(f.allocations)), pct(f.first_contact.met_rate),
    num(f.first_contact.median_working_days), num(f.outcomes.returned), num(f.outcomes.exhausted), pct(f.progress.expected_rate), num(f.hnf_children_supported)];
}

const FIGURE_HEAD = ['Meetings', 'Cases discussed', 'Children', 'Allocations', 'First contact on time', 'Median working days',
  'Returned', 'Exhausted', 'Expected progress', 'HNF children supported'];

function districtTable(r) {
  table('district-table', 'Each district over the period', ['District', ...FIGURE_HEAD],
    r.districts.map((d) => [d.district, ...figureCells(d)]));
}

function termTable(r) {
  table('term-table', 'Every district, term by term (autumn from 1 August, spring to Easter Sunday, summer to 31 July)', ['Term', ...FIGURE_HEAD],
    r.terms.map((t) => [t.key, ...figureCells(t)]));
}

function kindsTable(r) {
  const t = r.totals;
  const rows = [];
  for (const [what, m] of [['Attended (meetings)', t.attendance], ['Allocated', t.allocations], ['Recommended', t.recommendations],
    ['Training offered', t.training_offered], ['Training taken up', t.training_accessed]]) {
    for (const k of Object.keys(m).sort()) rows.push([`${what}: ${plain(k)}`, num(m[k])]);
  }
  table('kinds-table', 'Over every district', ['What', 'Count'], rows);
}

function spreadTable(r) {
  const rows = [];
  for (const [what, list] of [['Allocated', r.consistency.allocations], ['Recommended', r.consistency.recommendations]]) {
    for (const s of list) rows.push([`${what}: ${plain(s.kind)}`, `${pct(s.min)} (${s.min_district})`, `${pct(s.max)} (${s.max_district})`, `${s.range.toFixed(1)} points`]);
  }
  table('spread-table', "Each kind's share of a district's total: lowest, highest and the range between", ['Kind', 'Lowest', 'Highest', 'Range'], rows);
}

function download() {
  if (!last) return;
  const url = URL.createObjectURL(new Blob([JSON.stringify(last, null, 2)], { type: 'application/json' }));
  const a = el('a', { href: url, download: 'lift-report.json' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

$('lift-form').addEventListener('submit', run);
$('download').addEventListener('click', download);
// GOV.UK day, month and year fields over each hidden ISO date (datefields.js).
for (const id of ['from', 'to', 'as-of']) mountDate($(id), $(`${id}-parts`));
start();
