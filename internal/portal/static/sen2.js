// sen2.js: the SEN2 person-level return page (sen2.html). The caseload is read
// in the browser and handed to the engine's sen2_return op (wasm/bridge): every
// history verified, every person's record checked, and the XML made only when
// nothing is wrong. Problems are shown by case reference and element, never
// with a value. Nothing leaves the browser.
import { loadSendflow, compilePolicy, describeError } from '/engine.js';
import { loadCurrent } from '/store.js';

const $ = (id) => document.getElementById(id);
let mod = null;
let docs = [];
let downloadURL = null;

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') n.textContent = v;
    else n.setAttribute(k, v);
  }
  for (const k of kids) n.append(k);
  return n;
}

/** Loads the engine and the policy list. */
async function start() {
  mod = await loadSendflow();
  try {
    const res = await fetch('/policies.json');
    if (res.ok) docs = await res.json();
  } catch { docs = []; }
  const sel = $('policy');
  for (const d of docs) {
    if (d.id === 'default' || d.error) continue;
    sel.append(el('option', { value: d.id, text: d.title || d.id }));
  }
  $('year').value = String(new Date().getFullYear() - 1);
  $('sen2-form').addEventListener('submit', (ev) => { ev.preventDefault(); build().catch(fatal); });
  $('main').removeAttribute('aria-busy');
  document.body.dataset.ready = 'true';
}

const engines = new Map();

/** The engine for the chosen policy (the cases are verified under it), compiled once. */
function engineFor(id) {
  if (engines.has(id)) return engines.get(id);
  const d = docs.find((x) => x.id === id);
  const e = !d || id === 'default' ? compilePolicy(mod, '').raw
    : compilePolicy(mod, d.layers?.length ? d.layers : d.source || '', null, d.file || d.title).raw;
  engines.set(id, e);
  return e;
}

/** Shows the form's errors (GOV.UK error summary and messages), or clears them. */
function showErrors(errors) {
  const list = $('error-summary-list');
  list.replaceChildren();
  for (const id of ['cases', 'year', 'la', 'dmo', 'dco']) {
    $(`${id}-error`).hidden = true;
    $(`${id === 'cases' ? 'cases-file' : id}`).removeAttribute('aria-invalid');
    $(`${id}-group`)?.classList.remove('govuk-form-group--error');
  }
  for (const [id, msg] of errors) {
    const input = id === 'cases' ? 'cases-file' : id;
    list.append(el('li', {}, el('a', { href: `#${input}`, text: msg })));
    const m = $(`${id}-error`);
    m.replaceChildren(el('span', { class: 'govuk-visually-hidden', text: 'Error: ' }), msg);
    m.hidden = false;
    $(input).setAttribute('aria-invalid', 'true');
    $(`${id}-group`)?.classList.add('govuk-form-group--error');
  }
  $('error-summary').hidden = errors.length === 0;
  if (errors.length) $('error-summary').focus();
}

/** Reads the form; returns [options, errors]. */
async function readForm() {
  const errors = [];
  const file = $('cases-file').files[0];
  let text = file ? await file.text() : '';
  if ($('with-current').checked) {
    const rec = await loadCurrent();
    if (rec && rec.case) text += `\n${JSON.stringify(rec.case)}\n`;
  }
  if (!text.trim()) errors.push(['cases', 'Choose a caseload file, or add the case in progress']);
  const year = $('year').value.trim();
  if (!/^\d{4}$/.test(year)) errors.push(['year', 'Enter the year as 4 digits, for example 2025']);
  const la = $('la').value.trim();
  if (!/^\d{3}$/.test(la)) errors.push(['la', 'Enter the local authority number as 3 digits, for example 886']);
  if (!$('dmo').value) errors.push(['dmo', 'Select whether the authority has a designated medical officer']);
  if (!$('dco').value) errors.push(['dco', 'Select whether the authority has a designated clinical officer']);
  const sen2 = { year: Number(year), la, dmo: $('dmo').value, dco: $('dco').value, request_source: $('request-source').checked };
  return [{ text, sen2 }, errors];
}

/** Checks the caseload and shows the result. */
async function build() {
  const out = $('result');
  delete out.dataset.ready;
  out.replaceChildren();
  const [opts, errors] = await readForm();
  showErrors(errors);
  if (errors.length) return;
  out.replaceChildren(el('p', { class: 'govuk-body', text: 'Checking the caseload…' }));
  let res;
  try {
    const engine = engineFor($('policy').value);
    res = mod.request({ op: 'sen2_return', engine: engine.handle, text: opts.text, sen2: opts.sen2 });
  } catch (e) {
    out.replaceChildren(el('div', { class: 'govuk-error-summary', role: 'alert', 'data-error': 'true' },
      el('h2', { class: 'govuk-error-summary__title', text: 'The return could not be made' }),
      el('p', { class: 'govuk-body', text: describeError(e) })));
    return;
  }
  show(res, opts.sen2.year);
}

/** Renders a sen2_return result: counts, cases not counted, issues, the download. */
function show(res, year) {
  const out = $('result');
  const s = res.summary;
  const parts = [el('h2', { class: 'govuk-heading-m', text: `SEN2 ${s.collection_year} return: census date ${s.reference_date}` })];
  parts.push(counts(s, res.read));
  parts.push(el('p', { class: 'govuk-body-s', text: 'Outcome codes: Y yes, N no, A not yet decided, W withdrawn, H historical (a plan from before the year, or transferred in). Cease reasons are the SEN2 codes 1 to 9.' }));
  if (res.read.failed > 0) parts.push(notCounted(res.read));
  if (s.issue_count > 0) parts.push(issues(s));
  if (res.xml) {
    if (downloadURL) URL.revokeObjectURL(downloadURL);
    downloadURL = URL.createObjectURL(new Blob([res.xml], { type: 'application/xml' }));
    parts.push(el('div', { class: 'govuk-panel govuk-panel--confirmation' },
      el('h2', { class: 'govuk-panel__title', text: 'The return is ready' }),
      el('div', { class: 'govuk-panel__body', text: 'Every person’s record passed the checks.' })));
    parts.push(el('p', { class: 'govuk-body' }, el('a', { class: 'govuk-button', id: 'download', href: downloadURL,
      download: `sen2-${s.collection_year}-${year}.xml`, text: `Download the SEN2 ${s.collection_year} return (XML)` })));
  }
  out.replaceChildren(...parts);
  out.dataset.issues = String(s.issue_count);
  out.dataset.failed = String(res.read.failed);
  out.dataset.ready = res.xml ? 'true' : 'false';
}

function row(key, value, name) {
  return el('div', { class: 'govuk-summary-list__row' },
    el('dt', { class: 'govuk-summary-list__key', text: key }),
    el('dd', { class: 'govuk-summary-list__value', 'data-count': name, text: String(value) }));
}

function codes(m, prefix = '') {
  const ks = Object.keys(m || {}).sort();
  return ks.length ? ks.map((k) => `${prefix}${k}: ${m[k]}`).join(', ') : 'none';
}

function counts(s, read) {
  const c = s.counts;
  return el('dl', { class: 'govuk-summary-list' },
    row('Cases read', `${read.counted} counted of ${read.lines}`, 'cases'),
    row('People in the return', c.persons, 'persons'),
    row('Requests, by outcome', codes(c.requests_by_outcome), 'requests'),
    row('Assessments, by outcome', codes(c.assessments_by_outcome), 'assessments'),
    row('Named plans', c.named_plans, 'named_plans'),
    row('Plans ceased, by reason', codes(c.plans_ceased_by_reason, 'reason '), 'plans_ceased'),
    row('Active plans', c.active_plans, 'active_plans'),
    row('Placements', c.placement_details, 'placements'),
    row('SEN needs', c.sen_needs, 'sen_needs'));
}

function notCounted(read) {
  return el('div', { class: 'govuk-warning-text' },
    el('span', { class: 'govuk-warning-text__icon', 'aria-hidden': 'true', text: '!' }),
    el('div', { class: 'govuk-warning-text__text' },
      el('span', { class: 'govuk-visually-hidden', text: 'Warning' }),
      `${read.failed} line${read.failed === 1 ? '' : 's'} could not be counted, so the return was not made: `,
      el('ul', { class: 'govuk-list govuk-list--bullet' }, ...read.failures.map((f) =>
        el('li', { 'data-failure-line': String(f.line), text: `line ${f.line}${f.id ? ` (case ${f.id})` : ''}: ${f.code}` })))));
}

function issues(s) {
  const head = el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' },
    ...['Case', 'Item', 'Problem'].map((t) => el('th', { class: 'govuk-table__header', scope: 'col', text: t }))));
  const body = el('tbody', { class: 'govuk-table__body' }, ...s.issues.map((i) =>
    el('tr', { class: 'govuk-table__row', 'data-issue-case': i.case },
      el('td', { class: 'govuk-table__cell', text: i.case || '(the return)' }),
      el('td', { class: 'govuk-table__cell', text: i.element }),
      el('td', { class: 'govuk-table__cell', text: i.message }))));
  const more = s.issue_count > s.issues.length ? ` (the first ${s.issues.length} are listed)` : '';
  return el('div', {},
    el('h3', { class: 'govuk-heading-s', text: `${s.issue_count} problem${s.issue_count === 1 ? '' : 's'} to put right before the return can be made${more}` }),
    el('div', { class: 'app-table-wrap' },
      el('table', { class: 'govuk-table' }, el('caption', { class: 'govuk-table__caption govuk-visually-hidden', text: 'Problems by case' }), head, body)));
}

function fatal(e) {
  $('result').replaceChildren(el('p', { class: 'govuk-body', role: 'alert', text: `Something went wrong: ${describeError(e)}` }));
}

start().catch(fatal);
