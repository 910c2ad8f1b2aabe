// app.js: the sendflow case portal. Everything here runs in the browser on
// the WASM build; the server only supplies files and the policy documents.
import { loadSendflow, compilePolicy, describeError } from './engine.js';
import { mountDate } from './datefields.js';
import { loadCurrent, saveCurrent } from './store.js';
import { errorLinks, humanise, isDate, payloadOf, readFields, renderFields, showFieldErrors, validate } from './forms.js';
import { fireStored, hasStore, headOf, listCases, loadCase, renderCaseload, renderWorklist, saveCase, worklist } from './caseload.js';
import { decisionOptions, loadLetterKinds, prepareLetter, renderDecisions, renderLetterForm } from './disputes.js';

const $ = (sel) => document.querySelector(sel);

// The facts a visitor's first case starts with, so they can act at once.
// It runs on the default policy, so it names no authority; a case on an authority's policy takes its names.
const EXAMPLE_FACTS = {
  id: 'demo-001',
  child: { date_of_birth: '2016-03-02', year_group: 4 },
  evidence: ['personalised_plan'],
};

const FALLBACK_ROLES = ['parent', 'young_person', 'senco', 'school', 'ey_setting', 'lift_chair', 'lift_professional',
  'la_officer', 'la_hnf', 'advice_giver', 'health', 'social_care', 'mediation_adviser', 'tribunal', 'anyone', 'system'];

const S = {
  mod: null, // the WASM module
  docs: [], // policy documents from /policies.json (+ uploads)
  doc: null, // the policy document in use
  engine: null,
  def: null, // the policy description (tracks, triggers, roles, clocks)
  approximate: false, // true when def is the default's, standing in for an uploaded policy
  case: null,
  perms: [],
  clocks: [], // the clock report's clocks as of the "as of" date
  welsh: false, // the policy words its actions in Welsh too
  store: false, // served with a caseload (/api)
  stored: null, // {id, head} when the case on the page is a stored one
  asOfLinked: true,
};

// ---------------------------------------------------------------- helpers

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids) if (k !== null && k !== undefined && k !== false) n.append(k);
  return n;
}

const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The UK calendar date (YYYY-MM-DD) of a date or RFC 3339 time. */
function ukDate(at) {
  if (isDate(at)) return at;
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : ukDay.format(d);
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

function fmtDate(s) {
  if (!s) return '';
  const day = ukDate(s);
  if (!isDate(day)) return s;
  return longDate.format(new Date(`${day}T00:00:00Z`));
}

function yearGroupLabel(y) {
  if (y === undefined || y === null || y === '') return 'Not recorded';
  const n = Number(y);
  if (n === -1) return 'Nursery';
  if (n === 0) return 'Reception';
  if (n < -1) return `Early years (${n})`;
  return `Year ${n}`;
}

function ageOn(dob, on) {
  if (!isDate(dob) || !isDate(on)) return '';
  const [y1, m1, d1] = dob.split('-').map(Number);
  const [y2, m2, d2] = on.split('-').map(Number);
  let age = y2 - y1;
  if (m2 < m1 || (m2 === m1 && d2 < d1)) age -= 1;
  return age >= 0 ? `${age}` : '';
}

let toastTimer = 0;
function toast(msg, kind = 'ok') {
  const t = $('#toast');
  // Shown first, then filled: a live region hidden when its text changes is not read out.
  t.dataset.kind = kind;
  t.classList.add('show');
  t.textContent = '';
  requestAnimationFrame(() => { t.textContent = msg; });
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 5000);
}

function banner(msg) {
  const b = $('#banner');
  b.textContent = msg;
  b.hidden = !msg;
}

/** Render a SendflowError (or anything thrown) into box as readable problems. */
function showProblems(box, err, title) {
  const e = describeError(err);
  box.replaceChildren();
  box.hidden = false;
  box.append(el('p', { class: 'problem-title' }, el('strong', { text: title || 'Not done' }), ` `, el('code', { text: e.code })));
  if (!(e.guards.length && e.guards.some((g) => g.reason === e.message))) box.append(el('p', { text: e.message }));
  if (e.detail && e.detail !== e.message && !e.guards.length) box.append(el('p', { class: 'muted small', text: e.detail }));
  const items = [];
  for (const g of e.guards) {
    items.push(el('li', {}, g.reason || g.id, g.citation ? el('span', { class: 'cite', text: ` (${g.citation})` }) : null));
  }
  for (const p of e.problems) {
    const li = el('li', {});
    if (p.location) li.append(el('code', { class: 'loc', text: p.location }), ' ');
    else if (p.pointer) li.append(el('code', { class: 'loc', text: p.pointer }), ' ');
    li.append(p.message || p.code);
    if (p.snippet) li.append(el('pre', { class: 'snippet', tabindex: '0', 'aria-label': 'Where in the policy', text: p.snippet }));
    items.push(li);
  }
  if (!e.problems.length && e.location) items.push(el('li', {}, el('code', { class: 'loc', text: e.location })));
  if (items.length) box.append(el('ul', {}, ...items));
  return e;
}

const TRACK_NAMES = {
  support: 'SEN support', lift: 'LIFT', hnf: 'High needs funding', ehc: 'EHC needs assessment', plan: 'EHC plan', dispute: 'Disputes and appeals',
};

const ROLE_NAMES = {
  senco: 'SENCo', ey_setting: 'Early years setting', lift_chair: 'LIFT chair', lift_professional: 'LIFT professional',
  la_officer: 'LA SEN officer', la_hnf: 'LA high needs funding team', advice_giver: 'Advice giver', mediation_adviser: 'Mediation adviser',
  anyone: 'Anyone (brings to attention)', system: 'System (scheduler)',
};

function roleName(id) {
  return ROLE_NAMES[id] || humanise(id);
}

function trackName(id) {
  return TRACK_NAMES[id] || humanise(id);
}

/** A trigger as the policy words it ("Record the request"): its label, else its id made readable. */
function actionName(id) {
  return S.engine?.label?.(id, document.documentElement.lang) || humanise(id);
}

/** A state as words: "sen_support.assess" → "Sen support › Assess". */
function stateName(s) {
  return String(s || '').split('.').map(humanise).join(' › ');
}

/** A details toggle holding the ids behind a line, for developers. */
function idDetails(...lines) {
  return el('details', { class: 'ids' }, el('summary', { text: 'Technical details' }),
    el('ul', {}, ...lines.filter(Boolean).map(([k, v]) => el('li', {}, `${k}: `, el('code', { text: String(v) })))));
}

function triggerDef(id) {
  return (S.def?.triggers || []).find((t) => t.id === id) || null;
}

function trackDefs() {
  const defs = (S.def?.tracks || []).filter((t) => !t.disabled);
  const seen = new Set(S.perms.map((p) => p.track));
  const ordered = defs.filter((t) => seen.size === 0 || seen.has(t.id));
  // Tracks the permissions name but the description lacks (an uploaded policy).
  for (const id of seen) if (!ordered.find((t) => t.id === id)) ordered.push({ id, states: [], initial: '' });
  return ordered;
}

// ---------------------------------------------------------------- policy and case

async function usePolicy(doc) {
  const fallback = doc.policy || (S.docs[0] && S.docs[0].policy) || null;
  const engine = compilePolicy(S.mod, doc.layers?.length ? doc.layers : doc.source || '', fallback, doc.file || doc.title);
  S.doc = doc;
  S.engine = engine;
  S.def = engine.policy();
  S.approximate = !engine.describesItself() && !doc.policy;
  document.body.dataset.describedBy = engine.describesItself() ? 'wasm' : S.def ? 'server' : 'none';
  S.welsh = (S.def?.triggers || []).some((t) => {
    const cy = engine.label(t.id, 'cy');
    return cy && cy !== engine.label(t.id, 'en');
  });
  fillRoles();
  fillEvidenceOptions();
}

function startCase(facts) {
  S.case = S.engine.newCase(facts);
  S.stored = null;
}

function policyLabel(d) {
  if (d.uploaded) return `Uploaded: ${d.title}`;
  if (d.id === 'default') return `Default: ${d.title}`;
  const name = d.id.split('/').map(humanise).join(' › ');
  return d.error ? `${name} (does not compile)` : `${name}: ${d.title}`;
}

function fillPolicySelect() {
  const sel = $('#policy');
  const keep = sel.value;
  sel.replaceChildren(...S.docs.map((d) => el('option', { value: d.id, text: policyLabel(d) })));
  if (keep && S.docs.find((d) => d.id === keep)) sel.value = keep;
}

function fillRoles() {
  const sel = $('#role');
  const keep = sel.value || 'parent';
  const roles = S.def?.roles?.length ? S.def.roles : FALLBACK_ROLES.map((id) => ({ id }));
  sel.replaceChildren(...roles.map((r) => el('option', { value: r.id, text: roleName(r.id), title: r.description || null })));
  sel.value = roles.find((r) => r.id === keep) ? keep : roles[0].id;
}

function evidenceKinds() {
  return S.def?.evidence_kinds?.length ? S.def.evidence_kinds
    : ['personalised_plan', 'parental_consent', 'provision_map', 'incident_log', 'boxall_profile', 'sdq',
      'external_agency_letter', 'assessment_outcomes', 'intervention_data', 'educational_psychology_report'];
}

function fillEvidenceOptions() {
  const kinds = evidenceKinds().filter((k) => k !== 'personalised_plan');
  $('#evidence-options').replaceChildren(...kinds.map((k) => el('label', { class: 'check', for: `ev-${k}` },
    el('input', { type: 'checkbox', id: `ev-${k}`, name: 'evidence', value: k }), ` ${humanise(k)}`)));
  $('#fire-evidence').replaceChildren(...evidenceKinds().map((k) => el('label', { class: 'check', for: `fev-${k}` },
    el('input', { type: 'checkbox', id: `fev-${k}`, name: 'add_evidence', value: k }), ` ${humanise(k)}`)));
}

function fillCaseForm(facts) {
  const f = $('#case-form');
  f.elements.id.value = facts.id || '';
  f.elements.date_of_birth.value = facts.child?.date_of_birth || '';
  f.elements.year_group.value = facts.child?.year_group ?? '';
  f.elements.la.value = facts.la || '';
  f.elements.district.value = facts.district || '';
  const ev = facts.evidence || [];
  f.elements.personalised_plans.value = ev.filter((e) => e === 'personalised_plan').length;
  for (const box of f.querySelectorAll('input[name=evidence]')) box.checked = ev.includes(box.value);
  $('#policy').value = S.doc?.id || 'default';
}

/** The authority and district a policy is for ("kent/dover": kent, dover); none for the default or an upload. */
function placeOf(doc) {
  if (!doc || doc.id === 'default' || doc.uploaded) return ['', ''];
  const [la = '', district = ''] = doc.id.split('/');
  return [la, district];
}

/** The case's authority and district are the policy's: set from it and fixed; free text only on the default or an upload. */
function tiePlace(doc) {
  const f = $('#case-form');
  const [la, district] = placeOf(doc);
  f.elements.la.value = la;
  f.elements.district.value = district;
  f.elements.la.readOnly = !!la;
  f.elements.district.readOnly = !!la;
  $('#place-hint').textContent = la ? `Set by the ${doc.title || la} policy. Choose another policy for another authority.` : 'The default policy is for any authority in England: name it, if you wish.';
}

/** A new case starts blank, on the policy in use: nothing is carried over from the case before. */
function resetCaseForm() {
  const f = $('#case-form');
  f.reset();
  f.elements.date_of_birth.value = '';
  $('#policy').value = S.doc?.id || 'default';
  tiePlace(S.doc);
  $('#case-form-error').textContent = '';
  setSummary('case', []);
}

function readCaseForm() {
  const f = $('#case-form');
  const errors = [];
  const id = f.elements.id.value.trim();
  const dob = f.elements.date_of_birth.value;
  if (!id) errors.push('Give the case a reference.');
  if (!isDate(dob)) errors.push('Enter the date of birth.');
  else if (dob > today()) errors.push('The date of birth cannot be in the future.');
  const pp = Number(f.elements.personalised_plans.value || 0);
  if (!Number.isInteger(pp) || pp < 0 || pp > 10) errors.push('Personalised plans held must be a whole number from 0 to 10.');
  const evidence = [];
  for (let i = 0; i < pp; i++) evidence.push('personalised_plan');
  for (const box of f.querySelectorAll('input[name=evidence]:checked')) evidence.push(box.value);
  const facts = { id, child: { date_of_birth: dob } };
  if (f.elements.la.value.trim()) facts.la = f.elements.la.value.trim().toLowerCase();
  if (f.elements.district.value.trim()) facts.district = f.elements.district.value.trim().toLowerCase();
  if (f.elements.year_group.value !== '') facts.child.year_group = Number(f.elements.year_group.value);
  if (evidence.length) facts.evidence = evidence;
  return { facts, errors };
}

// ---------------------------------------------------------------- rendering

function currentAt() {
  return $('#at').value;
}

function currentAsOf() {
  return $('#as-of').value;
}

function lastEventDate() {
  const h = S.case?.history || [];
  return h.length ? ukDate(h[h.length - 1].at) : '';
}

function checkAt() {
  const at = currentAt();
  const last = lastEventDate();
  let msg = '';
  if (!isDate(at)) msg = 'Enter the date of this action.';
  else if (last && at < last) msg = `This is before the last event (${fmtDate(last)}): actions must be recorded in date order.`;
  $('#at-error').textContent = msg;
  setSummary('at', msg ? [['#at-day', msg]] : []);
  if (msg) $('#at').setAttribute('aria-invalid', 'true');
  else $('#at').removeAttribute('aria-invalid');
}

/** The GOV.UK error summary at the top of the page: one link per problem, to its field (key: a source). */
const summaryItems = new Map();
function setSummary(key, items) {
  if (items.length) summaryItems.set(key, items);
  else summaryItems.delete(key);
  const all = [...summaryItems.values()].flat();
  const box = $('#error-summary');
  $('#error-summary-list').replaceChildren(...all.map(([href, text]) => el('li', {}, el('a', { href, text }))));
  const was = !box.hidden;
  box.hidden = !all.length;
  if (all.length && !was && key === 'case') box.focus();
}

function render() {
  checkAt();
  renderFacts();
  renderTracks();
  renderClocks();
  renderDisputes();
  renderTimeline();
  document.body.dataset.events = String(S.case.history?.length || 0);
  persist();
  refreshCaseload();
}

// ---------------------------------------------------------------- saved in the browser

const saving = { pending: 0, failed: false, last: null };

/** Keeps the case in IndexedDB (store.js); body[data-saved] is yes, pending or failed. */
function persist() {
  if (!S.case || !S.doc || saving.last === S.case) return;
  saving.last = S.case;
  saving.pending++;
  document.body.dataset.saved = 'pending';
  const policy = { id: S.doc.id, title: S.doc.title, ...(S.doc.uploaded ? { source: S.doc.source } : {}) };
  saveCurrent({ case: S.case, policy, stored: S.stored })
    .then(() => { saving.failed = false; })
    .catch(() => {
      if (!saving.failed) toast('This browser could not keep the case: export it before you leave the page.', 'warn');
      saving.failed = true;
    })
    .finally(() => {
      saving.pending--;
      document.body.dataset.saved = saving.pending ? 'pending' : saving.failed ? 'failed' : 'yes';
    });
}

let letterDraft = false; // reasons typed into the letter form and not yet written into a letter

/** Work that would be lost by leaving: a save not yet done or failed, an action form being filled in, a letter's reasons. */
function unsavedWork() {
  const typing = $('#fire-dialog').open && [...$('#fire-fields').querySelectorAll('input, select, textarea')]
    .some((i) => (i.type === 'checkbox' || i.type === 'radio' ? i.checked : i.value !== ''));
  return saving.pending > 0 || saving.failed || typing || letterDraft;
}

/** The case saved in this browser, on its policy and verified, or false when there is none that verifies. */
async function restoreSaved() {
  const rec = await loadCurrent();
  if (!rec?.case?.states || !rec.policy?.id) return false;
  let doc = S.docs.find((d) => d.id === rec.policy.id && !d.uploaded);
  if (!doc && rec.policy.source) {
    doc = { id: rec.policy.id, title: rec.policy.title || rec.policy.id, source: rec.policy.source, uploaded: true };
    S.docs.push(doc);
    fillPolicySelect();
  }
  if (!doc) return false;
  try {
    await usePolicy(doc);
    const rep = S.engine.verify(rec.case);
    if (!rep?.ok) return false;
  } catch {
    return false;
  }
  S.case = rec.case;
  S.stored = rec.stored || null;
  saving.last = rec.case;
  document.body.dataset.saved = 'yes';
  const last = lastEventDate();
  if (last && currentAt() < last) setAt(last);
  return true;
}

function renderFacts() {
  $('#page-title').textContent = `Case ${S.case.id || ''}`.trim();
  const c = S.case;
  const counts = {};
  for (const e of c.evidence || []) counts[e] = (counts[e] || 0) + 1;
  const evidence = Object.keys(counts).length
    ? el('ul', { class: 'chips' }, ...Object.entries(counts).map(([k, n]) => el('li', { class: 'chip', text: n > 1 ? `${humanise(k)} ×${n}` : humanise(k) })))
    : el('span', { class: 'muted', text: 'None recorded' });
  const age = ageOn(c.child?.date_of_birth, currentAsOf());
  const rows = [
    ['Reference', c.id || '—'],
    ['Authority', [c.la, c.district].filter(Boolean).map(humanise).join(' · ') || '—'],
    ['Date of birth', c.child?.date_of_birth ? `${fmtDate(c.child.date_of_birth)}${age ? ` (age ${age})` : ''}` : '—'],
    ['Year group', yearGroupLabel(c.child?.year_group)],
    ['Evidence', evidence],
  ];
  $('#case-facts').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
  const badge = $('#policy-badge');
  badge.textContent = S.doc.id === 'default' ? 'Default policy' : `${S.doc.uploaded ? 'Uploaded' : S.doc.id.split('/').map(humanise).join(' › ')} policy`;
  badge.title = S.doc.title || '';
}

function permissionReason(p) {
  if (p.allowed) return '';
  const parts = [];
  if (p.code === 'guard_failed' && p.guards?.length) {
    for (const g of p.guards) parts.push(`${g.reason}${g.citation ? ` (${g.citation})` : ''}`);
  } else if (p.reason) {
    parts.push(p.reason);
  }
  const kind = { not_authorised: 'Not for this role', not_permitted: 'Not from this state', guard_failed: 'A rule is not met' }[p.code] || 'Not available';
  return `${kind}: ${parts.join(' ') || p.code}`;
}

/** Flatten a track's states into lane items: top states, with their sub-states. */
function laneOf(track) {
  return (track.states || []).map((s) => ({ id: s.id, subs: (s.states || []).map((x) => x.id) }));
}

function visitedStates(trackId) {
  const seen = new Set();
  for (const ev of S.case.history || []) {
    const b = ev.states_before?.[trackId];
    const a = ev.states_after?.[trackId];
    if (b) seen.add(b);
    if (a) seen.add(a);
  }
  return seen;
}

/** States a trigger of this track can move it to from state (its "to" and its branches'). */
function nextStates(trackId, state) {
  const out = new Set();
  for (const t of S.def?.triggers || []) {
    if (!t.id.startsWith(`${trackId}.`)) continue;
    if (!(t.from || []).some((f) => state === f || state.startsWith(`${f}.`))) continue;
    for (const to of [t.to, ...(t.branches || []).map((b) => b.to)]) {
      if (to && to !== state) out.add(to);
    }
  }
  return out;
}

function renderTracks() {
  const at = currentAt();
  const role = $('#role').value;
  const box = $('#tracks');
  S.perms = [];
  if (!isDate(at)) {
    box.replaceChildren(el('p', { class: 'error', text: 'Enter a valid date to see what can be done.' }));
    return;
  }
  try {
    S.perms = S.engine.permitted(S.case, role, at);
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, 'Could not judge permissions');
    box.replaceChildren(p);
    return;
  }
  const byTrack = {};
  for (const p of S.perms) (byTrack[p.track] ||= []).push(p);
  const cards = [];
  for (const t of trackDefs()) {
    const state = S.case.states?.[t.id] || t.initial || '';
    const perms = byTrack[t.id] || [];
    const allowed = perms.filter((p) => p.allowed).length;
    const visited = visitedStates(t.id);
    const next = nextStates(t.id, state);
    const isNext = (id) => next.has(id) || [...next].some((n) => n.startsWith(`${id}.`));
    const top = state.split('.')[0];
    const sub = state.includes('.') ? state.split('.').slice(1).join('.') : '';

    const lane = el('ol', { class: 'lane', 'aria-label': `${trackName(t.id)} states` });
    const items = laneOf(t);
    for (const s of items) {
      const isCur = s.id === top;
      const wasVisited = [...visited].some((v) => v === s.id || v.startsWith(`${s.id}.`)) || s.id === t.initial;
      const nx = !isCur && isNext(s.id);
      const li = el('li', { class: `node${isCur ? ' current' : ''}${wasVisited && !isCur ? ' visited' : ''}${nx ? ' next' : ''}`, 'aria-current': isCur && !s.subs.length ? 'step' : null, 'data-node': s.id,
        title: isCur ? 'Current state' : nx ? 'Possible next' : wasVisited ? 'Visited' : null });
      li.append(el('span', { class: 'node-label', text: humanise(s.id) }));
      if (s.subs.length) {
        const subs = el('ol', { class: 'sublane', 'aria-label': `${humanise(s.id)} steps` });
        for (const x of s.subs) {
          const cur = isCur && sub === x;
          const v = visited.has(`${s.id}.${x}`);
          const n = !cur && next.has(`${s.id}.${x}`);
          subs.append(el('li', { class: `subnode${cur ? ' current' : ''}${v && !cur ? ' visited' : ''}${n ? ' next' : ''}`, title: cur ? 'Current state' : n ? 'Possible next' : v ? 'Visited' : null, 'aria-current': cur ? 'step' : null, 'data-node': `${s.id}.${x}`, text: humanise(x) }));
        }
        li.append(subs);
      }
      lane.append(li);
    }

    const buttons = el('div', { class: 'triggers', role: 'group', 'aria-label': `${trackName(t.id)} actions` });
    const blocked = [];
    for (const p of perms) {
      const def = triggerDef(p.trigger);
      const reason = permissionReason(p);
      const rid = `why-${p.trigger.replace(/\W/g, '-')}`;
      const advice = (p.warnings || []).map((w) => `${w.message}${w.citation ? ` (${w.citation})` : ''}`).join(' ');
      const title = p.allowed ? `${p.trigger}${def?.description ? `: ${def.description}` : ''}${advice ? `\nAdvice: ${advice}` : ''}` : reason;
      const btn = el('button', {
        type: 'button',
        class: `trig${p.allowed ? '' : ' blocked'}${advice ? ' has-advice' : ''}`,
        'data-trigger': p.trigger,
        'data-code': p.code || null,
        disabled: !p.allowed,
        title,
        'aria-describedby': p.allowed ? null : rid,
        onclick: () => openFire(p.trigger),
      }, actionName(p.trigger));
      if (advice) btn.append(el('span', { class: 'advice-dot', 'aria-label': 'has advice' }));
      buttons.append(btn);
      if (!p.allowed) {
        buttons.append(el('span', { id: rid, class: 'visually-hidden', text: reason }));
        blocked.push(el('li', {}, el('strong', { text: actionName(p.trigger) }), el('br'), reason, idDetails(['Trigger', p.trigger], p.code && ['Code', p.code])));
      }
    }
    const why = blocked.length
      ? el('details', { class: 'why' }, el('summary', { text: `Why ${blocked.length} ${blocked.length === 1 ? 'action is' : 'actions are'} unavailable` }), el('ul', {}, ...blocked))
      : null;

    cards.push(el('article', { class: `track${allowed ? ' has-actions' : ''}`, 'data-track': t.id, 'data-state': state, 'aria-labelledby': `track-${t.id}` },
      el('header', { class: 'track-head' },
        el('h3', { id: `track-${t.id}`, text: trackName(t.id) }),
        el('span', { class: `state-pill${state === t.initial ? ' idle' : ''}`, title: 'Current state' }, el('span', { class: 'visually-hidden', text: 'Current state: ' }), state.split('.').map(humanise).join(' › '))),
      t.description ? el('p', { class: 'track-desc', text: t.description }) : null,
      lane,
      buttons,
      why));
  }
  if (S.approximate) {
    cards.unshift(el('p', { class: 'advice', text: 'This WASM build does not describe uploaded policies, so the diagram and forms follow the default policy; the engine still judges every action on the uploaded one.' }));
  }
  box.replaceChildren(...cards);
  box.classList.toggle('only-allowed', $('#only-allowed').checked);
  $('#graph-links').hidden = !S.engine.hasGraph();
}

const STATUS_TEXT = { running: 'Running', met: 'Met', missed: 'Missed', excused: 'Excused', ended: 'Ended', cancelled: 'Cancelled' };

function renderClocks() {
  const asOf = currentAsOf();
  const box = $('#clocks');
  if (!isDate(asOf)) {
    box.replaceChildren(el('p', { class: 'error', text: 'Choose a valid “as of” date.' }));
    return;
  }
  let report;
  S.clocks = [];
  try {
    report = S.engine.clocks(S.case, asOf);
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, 'Could not judge the clocks');
    box.replaceChildren(p);
    return;
  }
  const clocks = report.clocks || [];
  S.clocks = clocks.map((c) => ({ ...c, key: c.key || (c.source ? `${c.id}.${c.source}` : c.id) }));
  const counts = {};
  for (const c of clocks) counts[c.status] = (counts[c.status] || 0) + 1;
  $('#clock-summary').textContent = `as of ${fmtDate(asOf)}` + (clocks.length ? ` · ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}` : '');
  if (!clocks.length) {
    box.replaceChildren(el('p', { class: 'empty', text: 'No clocks yet. Statutory time limits start when the triggers that set them fire.' }));
    return;
  }
  const defs = Object.fromEntries((S.def?.clocks || []).map((c) => [c.id, c]));
  const rows = clocks.map((c) => {
    const key = c.key || (c.source ? `${c.id}.${c.source}` : c.id);
    const def = defs[c.id];
    let note = '';
    if (c.status === 'running' && typeof c.days_left === 'number') {
      note = c.days_left === 0 ? 'due today' : `${c.days_left} day${c.days_left === 1 ? '' : 's'} left`;
    } else if (c.stopped_at) {
      note = `${c.cancelled ? 'ended' : 'stopped'} ${fmtDate(c.stopped_at)}`;
    }
    return el('tr', { 'data-clock': key, 'data-due': c.due, 'data-status': c.status, class: `st-${c.status}` },
      el('th', { scope: 'row' },
        el('span', { class: 'clock-name', text: humanise(c.id) + (c.source ? `: ${humanise(c.source)}` : '') }),
        el('code', { class: 'clock-id', text: key }),
        def?.description ? el('span', { class: 'clock-desc', text: def.description }) : null),
      el('td', { class: 'nowrap', 'data-label': 'Started', text: fmtDate(c.started_at) }),
      el('td', { class: 'nowrap due', 'data-label': 'Due' }, el('time', { datetime: c.due, text: fmtDate(c.due) }), c.citation ? el('span', { class: 'cite', text: c.citation }) : null),
      el('td', { 'data-label': 'Status' },
        el('span', { class: `badge badge-${c.status}` }, c.status === 'missed' ? el('span', { 'aria-hidden': 'true', text: '⚠ ' }) : null, STATUS_TEXT[c.status] || c.status),
        note ? el('span', { class: 'note', text: note }) : null));
  });
  const table = el('table', { class: 'clocks' },
    el('caption', { class: 'visually-hidden', text: `Clocks as of ${fmtDate(asOf)}` }),
    el('thead', {}, el('tr', {}, ...['Clock', 'Started', 'Due', 'Status'].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows));
  box.replaceChildren(table);
}

/** The case's decisions, each with its dispute and time limits, and the letters they call for. */
function renderDisputes() {
  const ctx = { el, fmtDate, actionName, c: S.case, clocks: S.clocks, statusText: STATUS_TEXT, welsh: S.welsh, doc: S.doc, onLetter: openLetter };
  renderDecisions($('#decisions'), ctx);
  renderLetterForm($('#letter-form'), ctx);
}

/** Open the letter form on letter kind, its first empty field focused. */
function openLetter(kind) {
  $('#letters').open = true;
  $('#letter-kind').value = kind;
  const form = $('#letter-form');
  const empty = ['recipient', 'child_name', 'reasons'].map((n) => form.elements[n]).find((i) => !i.value.trim());
  (empty || $('#letter-kind')).focus();
}

function writeLetter(e) {
  const form = $('#letter-form');
  const box = $('#letter-error');
  const problems = prepareLetter(form, { c: S.case, doc: S.doc });
  setSummary('letter', problems.map(([name, msg]) => [`#${form.elements[name].id}`, msg]));
  if (!problems.length) {
    box.hidden = true;
    letterDraft = false;
    return; // the form posts itself to the letter, in a new tab
  }
  e.preventDefault();
  box.hidden = false;
  box.replaceChildren(el('p', {}, el('strong', { text: 'The letter cannot be written yet' })),
    el('ul', {}, ...problems.map(([name, msg]) => el('li', {}, el('a', { href: `#${form.elements[name].id}`, text: msg })))));
}

// ---------------------------------------------------------------- the shared caseload (served with --db)

async function refreshCaseload() {
  if (!S.store) return;
  $('#caseload-card').hidden = false;
  const st = $('#stored-status');
  st.dataset.stored = S.stored ? S.stored.id : '';
  st.textContent = S.stored ? `This case (${S.stored.id}) is stored on the server: each action is judged there before it is recorded.` : 'This case is kept in this browser only.';
  $('#caseload-save').hidden = !!S.stored;
  const ctx = { el, fmtDate, statusText: STATUS_TEXT, current: S.stored?.id, onOpen: openStored };
  try {
    const cases = await listCases();
    $('#caseload-count').textContent = `${cases.length} case${cases.length === 1 ? '' : 's'}`;
    renderCaseload($('#caseload'), cases, ctx);
    renderWorklist($('#worklist'), await worklist(isDate(currentAsOf()) ? currentAsOf() : today()), ctx);
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, 'The caseload could not be read');
    $('#caseload').replaceChildren(p);
  }
}

async function saveToCaseload() {
  const box = $('#caseload-result');
  box.replaceChildren();
  try {
    const res = await saveCase(S.case);
    S.stored = { id: res.case.id, head: res.head };
    saving.last = null;
    render();
    box.append(el('p', { class: 'alert alert-ok', 'data-saved-case': res.case.id, text: `Case ${res.case.id} is saved to the caseload.` }));
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, err.status === 409 ? 'A case with this reference is already stored' : 'The case could not be saved');
    box.append(p);
  }
  await refreshCaseload();
}

/** Open a stored case on the policy it verifies on (the server's is the default unless it was given another). */
async function openStored(id) {
  const box = $('#caseload-result');
  box.replaceChildren();
  let res;
  try {
    res = await loadCase(id);
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, `Case ${id} could not be opened`);
    box.append(p);
    return;
  }
  const c = res.case;
  const place = [c.la, c.district].filter(Boolean).join('/');
  const order = [...S.docs.filter((d) => d.id === place || d.id === c.la), ...S.docs.filter((d) => d.id !== place && d.id !== c.la && !d.uploaded)];
  for (const doc of order) {
    try {
      const engine = doc === S.doc ? S.engine : compilePolicy(S.mod, doc.layers?.length ? doc.layers : doc.source || '', doc.policy, doc.file);
      if (!engine.verify(c)?.ok) continue;
      if (doc !== S.doc) await usePolicy(doc);
      S.case = c;
      S.stored = { id, head: res.head };
      const last = lastEventDate();
      if (last && currentAt() < last) setAt(last);
      fillCaseForm(c);
      render();
      toast(`Opened case ${id} from the caseload.`);
      $('#act').focus();
      return;
    } catch {
      // not this policy
    }
  }
  box.append(el('p', { class: 'alert alert-bad', text: `Case ${id} does not verify on any policy this page has.` }));
}

function renderTimeline() {
  const list = $('#timeline');
  const events = S.case.history || [];
  if (!events.length) {
    list.replaceChildren(el('li', { class: 'empty', text: 'Nothing has happened yet. Choose a role and an action above.' }));
    $('#verify-badge').textContent = '';
    return;
  }
  list.replaceChildren(...[...events].reverse().map((ev) => {
    const changes = Object.keys(ev.states_after || {})
      .filter((k) => ev.states_before?.[k] !== ev.states_after[k])
      .map((k) => el('li', {}, el('strong', { text: trackName(k) }), ` ${ev.states_before?.[k] ? stateName(ev.states_before[k]) : '—'} → `, el('strong', { text: stateName(ev.states_after[k]) })));
    const data = Object.entries(ev.data || {}).map(([k, v]) => el('li', {}, `${humanise(k)}: `, el('code', { text: Array.isArray(v) ? v.join(', ') : String(v) })));
    const ev2 = ev.facts?.evidence?.length ? el('li', {}, 'Evidence added: ', el('code', { text: ev.facts.evidence.join(', ') })) : null;
    return el('li', { class: 'event', 'data-seq': ev.seq, 'data-trigger': ev.trigger },
      el('div', { class: 'event-head' },
        el('time', { datetime: ukDate(ev.at), text: fmtDate(ev.at) }),
        el('span', { class: 'actor', text: roleName(ev.actor) })),
      el('p', { class: 'event-title', text: actionName(ev.trigger) }),
      changes.length ? el('ul', { class: 'changes' }, ...changes) : el('p', { class: 'muted small', text: 'No state change' }),
      data.length || ev2 ? el('ul', { class: 'data' }, ...data, ev2) : null,
      idDetails(['Event', ev.seq], ['Trigger', ev.trigger], ['Hash', ev.hash]));
  }));
  let rep = null;
  try {
    rep = S.engine.verify(S.case);
  } catch {
    rep = null;
  }
  const b = $('#verify-badge');
  b.className = `pill ${rep?.ok ? 'pill-ok' : 'pill-bad'}`;
  b.textContent = rep?.ok ? `History verified · ${events.length} event${events.length === 1 ? '' : 's'}` : 'History does not verify';
}

// ---------------------------------------------------------------- firing

let firing = null;

/** The action form's own GOV.UK error summary (the page's is behind the modal dialog); focused when shown. */
function setFireSummary(links) {
  const box = $('#fire-error-summary');
  $('#fire-error-summary-list').replaceChildren(...links.map(([href, text]) => el('li', {}, el('a', { href, text }))));
  box.hidden = !links.length;
  if (links.length) box.focus();
}

/** A link in an error summary moves focus to its field, as GOV.UK Frontend's does, without changing the address. */
function followSummaryLink(ev) {
  const a = ev.target.closest('a[href^="#"]');
  const target = a && document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
  if (!target) return;
  ev.preventDefault();
  const legend = target.closest('fieldset')?.querySelector('legend');
  (legend || target).scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}

function openFire(trigger) {
  const perm = S.perms.find((p) => p.trigger === trigger);
  const def = triggerDef(trigger);
  const role = $('#role').value;
  const at = currentAt();
  firing = { trigger, def };
  $('#fire-track').textContent = trackName(trigger.split('.')[0]);
  $('#fire-title').textContent = actionName(trigger);
  $('#fire-desc').textContent = def?.description || '';
  const from = S.case.states?.[trigger.split('.')[0]] || '';
  const to = def?.to ? `to ${def.to}` : def ? 'the state does not change' : '';
  $('#fire-meta').replaceChildren(
    el('span', {}, 'As ', el('strong', { text: roleName(role) })),
    el('span', {}, ' on ', el('strong', { text: fmtDate(at) })),
    def?.citation ? el('span', { class: 'cite', text: ` · ${def.citation}` }) : null,
    idDetails(['Trigger', trigger], from && ['From state', from], def && ['To', to]));
  const warn = $('#fire-warnings');
  const advice = perm?.warnings || [];
  warn.hidden = !advice.length;
  warn.replaceChildren(...advice.map((w) => el('p', {}, el('strong', { text: 'Advice: ' }), w.message, w.citation ? el('span', { class: 'cite', text: ` (${w.citation})` }) : null)));
  // A dispute's firing names its decision: offer the case's decisions, in words.
  const fields = (def?.payload || []).map((f) => (f.name === 'decision' && f.type === 'string' && !f.enum?.length && S.case.decisions?.length
    ? { ...f, options: decisionOptions(S.case, fmtDate), none: 'The one open decision it can move' } : f));
  firing.fields = fields;
  const box = $('#fire-fields');
  if (def) {
    renderFields(box, fields, 'pay');
    if (!fields.length) box.append(el('p', { class: 'muted', text: 'This action needs no details. Check the date and role, then confirm.' }));
  } else {
    // An uploaded policy whose triggers the page cannot describe: raw JSON payload.
    box.replaceChildren(el('div', { class: 'field' },
      el('label', { for: 'pay-raw', text: 'Payload (JSON object, optional)' }),
      el('textarea', { id: 'pay-raw', name: 'raw', rows: 4, spellcheck: 'false' }),
      el('p', { class: 'error', id: 'pay-raw-err' })));
  }
  for (const b of $('#fire-evidence').querySelectorAll('input')) b.checked = false;
  $('#fire-evidence-wrap').open = false;
  $('#fire-error').hidden = true;
  setFireSummary([]);
  $('#fire-dialog').showModal();
  const first = box.querySelector('input, select, textarea');
  (first || $('#fire-form [data-fire]')).focus();
}

async function submitFire(ev) {
  ev.preventDefault();
  if (!firing) return;
  const { trigger, def } = firing;
  const box = $('#fire-fields');
  let data = {};
  if (def) {
    const fields = firing.fields || def.payload || [];
    const values = readFields(box, fields);
    const errors = validate(fields, values, { at: currentAt() });
    const ok = showFieldErrors(box, fields, errors, false);
    setFireSummary(errorLinks(box, fields, errors));
    if (!ok) return;
    data = payloadOf(values);
  } else {
    const raw = box.querySelector('#pay-raw').value.trim();
    if (raw) {
      try {
        data = JSON.parse(raw);
        if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object');
      } catch {
        box.querySelector('#pay-raw-err').textContent = 'The payload must be a JSON object.';
        return;
      }
    }
  }
  const f = { trigger, actor: $('#role').value, at: currentAt() };
  if (Object.keys(data).length) f.data = data;
  const added = [...$('#fire-evidence').querySelectorAll('input:checked')].map((i) => i.value);
  if (added.length) f.facts = { evidence: added };
  let out;
  try {
    out = S.engine.fire(S.case, f);
  } catch (err) {
    const e = showProblems($('#fire-error'), err, 'This action cannot be recorded');
    // Point payload problems at their fields.
    if (def) {
      const fields = firing.fields || def.payload || [];
      const errs = {};
      for (const p of e.problems) {
        // A map's item (/data/agreed_due/assess) is shown at that item's date.
        const m = /^\/data\/([^/]+)(?:\/([^/]+))?/.exec(p.pointer || '');
        if (!m) continue;
        const f = fields.find((x) => x.name === m[1]);
        errs[f?.type === 'map' && m[2] ? `${m[1]}.${m[2]}` : m[1]] = p.message;
      }
      if (Object.keys(errs).length) {
        showFieldErrors(box, fields, errs, false);
        setFireSummary(errorLinks(box, fields, errs));
      }
    }
    return;
  }
  if (S.stored) {
    // A stored case: the browser's answer was a preview; the server judges the firing again and records it.
    try {
      out = await fireStored(S.stored.id, f, S.stored.head);
    } catch (err) {
      showProblems($('#fire-error'), err, err.status === 409 ? 'Someone else changed this case: open it again from the caseload' : 'The server did not record this action');
      return;
    }
    S.stored = { id: S.stored.id, head: headOf(out.case) };
  }
  S.case = out.case;
  $('#fire-dialog').close();
  firing = null;
  render();
  const moved = Object.keys(out.event?.states_after || {}).filter((k) => out.event.states_before?.[k] !== out.event.states_after[k])
    .map((k) => `${trackName(k)} is now “${stateName(out.event.states_after[k])}”.`);
  const warns = (out.warnings || []).map((w) => w.message);
  toast(`Done: ${actionName(trigger)}.${moved.length ? ` ${moved.join(' ')}` : ''}${warns.length ? ` Advice: ${warns.join(' ')}` : ''}`, warns.length ? 'warn' : 'ok');
  const btn = document.querySelector(`button[data-trigger="${CSS.escape(trigger)}"]`);
  if (btn && !btn.disabled) btn.focus();
  else $('#act').focus();
}

// ---------------------------------------------------------------- export / import

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function exportGraph(format) {
  try {
    const text = S.engine.graph(format, S.case);
    download(`sendflow-${S.doc.id}.${format === 'dot' ? 'dot' : 'mmd'}`, String(text), 'text/plain');
  } catch (err) {
    toast(`The diagram could not be drawn: ${describeError(err).message}`, 'warn');
  }
}

function exportCase() {
  const file = {
    format: 'sendflow-portal-case',
    version: 1,
    policy: { id: S.doc.id, title: S.doc.title, ...(S.doc.uploaded ? { source: S.doc.source } : {}) },
    case: S.case,
  };
  download(`sendflow-case-${(S.case.id || 'case').replace(/[^\w.-]+/g, '_')}.json`, JSON.stringify(file, null, 2) + '\n', 'application/json');
  toast('Case exported with its full history.');
}

async function importCase(file) {
  const box = $('#import-result');
  box.replaceChildren();
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    box.append(el('p', { class: 'alert alert-bad', text: `Import rejected: ${file.name} is not valid JSON.` }));
    return;
  }
  const c = parsed && typeof parsed === 'object' && parsed.case ? parsed.case : parsed;
  if (!c || typeof c !== 'object' || Array.isArray(c) || !c.states) {
    box.append(el('p', { class: 'alert alert-bad', text: 'Import rejected: the file holds no sendflow case (no states).' }));
    return;
  }
  // The policy to verify with: the one the file names, if the page has it.
  let doc = S.doc;
  const pol = parsed.policy || {};
  if (pol.id && pol.id !== S.doc.id) {
    doc = S.docs.find((d) => d.id === pol.id && !d.uploaded) || null;
    if (!doc && pol.source) doc = { id: pol.id, title: pol.title || pol.id, source: pol.source, uploaded: true };
    if (!doc) {
      box.append(el('p', { class: 'alert alert-bad', text: `Import rejected: the case was made with policy “${pol.id}”, which this page does not have. Upload that policy first.` }));
      return;
    }
  }
  let engine = S.engine;
  try {
    if (doc !== S.doc) engine = compilePolicy(S.mod, doc.layers?.length ? doc.layers : doc.source || '', doc.policy || S.docs[0].policy, doc.file);
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, `Import rejected: policy ${doc.id} does not compile`);
    box.append(p);
    return;
  }
  let rep;
  try {
    rep = engine.verify(c);
  } catch (err) {
    const p = el('div', { class: 'problems' });
    showProblems(p, err, 'Import rejected: the case is not valid');
    box.append(p);
    return;
  }
  if (!rep || !rep.ok) {
    const where = rep?.first_bad && !new RegExp(`\\bevent ${rep.first_bad}\\b`).test(rep.reason || '') ? ` (event ${rep.first_bad})` : '';
    box.append(el('p', { class: 'alert alert-bad', 'data-import': 'rejected' },
      el('strong', { text: 'Import rejected: the history does not verify, so the file has been altered or is not from this policy. ' }),
      `${rep?.reason || 'unknown reason'}${where}.`));
    return;
  }
  if (doc !== S.doc) {
    if (doc.uploaded && !S.docs.includes(doc)) { S.docs.push(doc); fillPolicySelect(); }
    await usePolicy(doc);
  }
  S.case = c;
  S.stored = null;
  const last = c.history?.length ? ukDate(c.history[c.history.length - 1].at) : '';
  if (last && currentAt() < last) setAt(last);
  fillCaseForm(c);
  render();
  box.append(el('p', { class: 'alert alert-ok', 'data-import': 'ok', text: `Imported ${c.id || 'the case'}: ${rep.events} event${rep.events === 1 ? '' : 's'}, history verified.` }));
}

// ---------------------------------------------------------------- policy upload

async function uploadPolicy(file) {
  const box = $('#policy-errors');
  box.hidden = true;
  box.replaceChildren();
  const text = await file.text();
  const id = `upload-${file.name.replace(/\.(ya?ml|json)$/i, '').replace(/[^\w-]+/g, '_')}`;
  const doc = { id, title: file.name, source: text, uploaded: true };
  try {
    compilePolicy(S.mod, text, null, file.name);
  } catch (err) {
    showProblems(box, err, `${file.name} does not compile`);
    box.dataset.result = 'error';
    return;
  }
  S.docs = S.docs.filter((d) => d.id !== id);
  S.docs.push(doc);
  fillPolicySelect();
  $('#policy').value = id;
  box.hidden = false;
  box.dataset.result = 'ok';
  box.replaceChildren(el('p', { class: 'ok-text', text: `${file.name} compiled. Start a case to use it.` }));
}

// ---------------------------------------------------------------- wiring

function setAt(v) {
  $('#at').value = v;
  if (S.asOfLinked) $('#as-of').value = v;
}

function wire() {
  $('#role').addEventListener('change', () => renderTracks());
  $('#at').addEventListener('change', () => {
    if (S.asOfLinked && isDate(currentAt())) $('#as-of').value = currentAt();
    render();
  });
  $('#as-of').addEventListener('change', () => {
    S.asOfLinked = currentAsOf() === currentAt();
    renderClocks();
    renderDisputes();
    renderFacts();
    refreshCaseload();
  });
  $('#letter-form').addEventListener('submit', writeLetter);
  $('#letter-reasons').addEventListener('input', () => { letterDraft = $('#letter-reasons').value.trim() !== ''; });
  $('#caseload-save').addEventListener('click', saveToCaseload);
  // Clock ids are for developers: shown on request only.
  $('#show-clock-ids').addEventListener('change', () => $('#clocks').classList.toggle('show-ids', $('#show-clock-ids').checked));
  for (const b of document.querySelectorAll('[data-graph]')) b.addEventListener('click', () => exportGraph(b.dataset.graph));
  $('#only-allowed').addEventListener('change', () => $('#tracks').classList.toggle('only-allowed', $('#only-allowed').checked));
  $('#fire-form').addEventListener('submit', submitFire);
  $('#fire-error-summary').addEventListener('click', followSummaryLink);
  $('#error-summary').addEventListener('click', followSummaryLink);
  $('#fire-cancel').addEventListener('click', () => { $('#fire-dialog').close(); firing = null; });
  $('#export').addEventListener('click', exportCase);
  $('#import-file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    e.target.value = '';
    if (f) await importCase(f);
  });
  $('#policy-file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    if (f) await uploadPolicy(f);
  });
  $('#new-case').addEventListener('toggle', () => { if ($('#new-case').open) resetCaseForm(); });
  $('#policy').addEventListener('change', () => {
    const f = $('#case-form');
    tiePlace(S.docs.find((d) => d.id === $('#policy').value));
  });
  $('#case-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const err = $('#case-form-error');
    const { facts, errors } = readCaseForm();
    setSummary('case', errors.map((m) => [/birth/i.test(m) ? '#dob-day' : '#case-id', m]));
    if (errors.length) { err.textContent = errors.join(' '); return; }
    err.textContent = '';
    const doc = S.docs.find((d) => d.id === $('#policy').value) || S.docs[0];
    try {
      if (doc !== S.doc) await usePolicy(doc);
      startCase(facts);
    } catch (x) {
      const box = $('#policy-errors');
      showProblems(box, x, 'Could not start the case');
      return;
    }
    render();
    $('#new-case').open = false;
    toast(`New case ${facts.id} started on the ${doc.id === 'default' ? 'default' : doc.title} policy.`);
    $('#act').focus();
  });
  const yg = $('#year-group');
  yg.replaceChildren(el('option', { value: '', text: 'Not recorded' }),
    ...Array.from({ length: 16 }, (_, i) => i - 1).map((y) => el('option', { value: y, text: yearGroupLabel(y) })));
}

async function main() {
  for (const id of ['at', 'as-of', 'dob']) mountDate($(`#${id}`), $(`#${id}-parts`));
  wire();
  // On a phone, start with only the actions the role can take (the toggle shows the rest).
  if (window.matchMedia('(max-width: 560px)').matches) $('#only-allowed').checked = true;
  try {
    S.mod = await loadSendflow();
  } catch (err) {
    banner(`The sendflow WebAssembly build could not be loaded (${err?.message || err}). Build it with “make wasm” and reload.`);
    return;
  }
  const kinds = loadLetterKinds();
  try {
    const res = await fetch('/policies.json');
    S.docs = res.ok ? await res.json() : [];
  } catch {
    S.docs = [];
  }
  await kinds;
  S.store = await hasStore();
  if (!S.docs.length || S.docs[0].id !== 'default') S.docs.unshift({ id: 'default', title: 'Default (England)', source: '' });
  fillPolicySelect();
  setAt(today());
  let restored = false;
  try {
    restored = await restoreSaved();
    if (!restored) {
      await usePolicy(S.docs[0]);
      startCase(EXAMPLE_FACTS);
    }
  } catch (err) {
    banner(`The default policy could not be compiled: ${describeError(err).message}`);
    return;
  }
  fillCaseForm(restored ? S.case : EXAMPLE_FACTS);
  window.addEventListener('beforeunload', (e) => {
    if (!unsavedWork()) return;
    e.preventDefault();
    e.returnValue = '';
  });
  render();
  $('#main').setAttribute('aria-busy', 'false');
  document.body.dataset.ready = 'true';
}

main();
