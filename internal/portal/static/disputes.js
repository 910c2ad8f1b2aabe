// disputes.js: the case's appealable decisions, each with its own dispute and time limits (one dispute per
// decision d<seq>, CFA s51(2)), and the letters the SDK writes for them (sdk/letters, served by
// POST /letters/{kind}): printable, in Welsh where the policy has Welsh.
import { humanise } from './forms.js';

const DISPUTE_TEXT = { '': 'No dispute', none: 'No dispute' };

/** The letters the server writes ([{kind, decision}]), fetched once. */
let letterKinds = null;
export async function loadLetterKinds() {
  try {
    const res = await fetch('/letters.json');
    letterKinds = res.ok ? await res.json() : [];
  } catch {
    letterKinds = [];
  }
  return letterKinds;
}

const LETTER_NAMES = {
  decision_not_to_assess: 'Decision not to assess', decision_not_to_issue: 'Decision not to issue a plan',
  final_plan: 'Final plan cover letter', cease_notice: 'Decision to cease the plan',
};

/** The clocks of decision id (keys id.dN or id.dN.source). */
function clocksOf(clocks, id) {
  const re = new RegExp(`\\.${id}(\\.|$)`);
  return clocks.filter((c) => re.test(c.key || ''));
}

/** "Amended plan, Mon 1 Mar 2027": a decision in words. */
export function decisionName(d, fmtDate) {
  return `${humanise(d.kind)}, ${fmtDate(d.at)}`;
}

/** The options of a firing's `decision` field: the case's decisions, newest first. */
export function decisionOptions(c, fmtDate) {
  return [...(c.decisions || [])].reverse().map((d) => ({
    value: `d${d.seq}`,
    text: `${decisionName(d, fmtDate)} (${(DISPUTE_TEXT[d.dispute || ''] || humanise(d.dispute)).toLowerCase()})`,
  }));
}

/**
 * Render the decisions into box: ctx gives el, fmtDate, actionName, the case and its clock report.
 * Each decision: [data-decision=dN][data-kind][data-dispute], its clocks [data-decision-clock][data-due][data-status].
 */
export function renderDecisions(box, ctx) {
  const { el, fmtDate, actionName, c, clocks, statusText, onLetter } = ctx;
  const decs = [...(c.decisions || [])].reverse();
  if (!decs.length) {
    box.replaceChildren(el('p', { class: 'empty', text: 'No appealable decision yet. A decision the family can appeal (not to assess, not to issue a plan, a final or amended plan, to cease) opens its own dispute here.' }));
    return;
  }
  const open = decs.filter((d) => d.dispute && d.dispute !== 'none').length;
  const items = decs.map((d) => {
    const id = `d${d.seq}`;
    const rows = clocksOf(clocks, id).map((k) => el('tr', { 'data-decision-clock': k.key, 'data-due': k.due, 'data-status': k.status, class: `st-${k.status}` },
      el('th', { scope: 'row', text: humanise(k.id) }),
      el('td', { 'data-label': 'Due' }, el('time', { datetime: k.due, text: fmtDate(k.due) })),
      el('td', { 'data-label': 'Status' }, el('span', { class: `badge badge-${k.status}`, text: statusText[k.status] || k.status }))));
    const dispute = DISPUTE_TEXT[d.dispute || ''] || humanise(d.dispute);
    // The letter giving notice of this decision (a letter is written for the latest decision of its kind).
    const letter = (letterKinds || []).find((k) => k.decision === d.kind);
    const latest = letter && decs.find((x) => x.kind === d.kind) === d;
    return el('li', { class: `decision${d.dispute && d.dispute !== 'none' ? ' disputed' : ''}`, 'data-decision': id, 'data-kind': d.kind, 'data-dispute': d.dispute || 'none' },
      el('h3', { class: 'decision-title', text: decisionName(d, fmtDate) }),
      el('dl', { class: 'facts' },
        el('dt', { text: 'Made by' }), el('dd', { text: actionName(d.trigger) }),
        el('dt', { text: 'Dispute' }), el('dd', {}, el('strong', { text: dispute })),
        latest && onLetter ? el('dt', { text: 'Letter' }) : null,
        latest && onLetter ? el('dd', {}, el('button', { type: 'button', class: 'linkish', 'data-letter-for': id, onclick: () => onLetter(letter.kind) },
          `Write the letter: ${LETTER_NAMES[letter.kind] || humanise(letter.kind)}`)) : null,
        d.order ? el('dt', { text: 'Order' }) : null, d.order ? el('dd', { text: humanise(d.order) }) : null),
      rows.length ? el('table', { class: 'clocks decision-clocks' },
        el('caption', { class: 'visually-hidden', text: `Time limits of the decision of ${fmtDate(d.at)}` }),
        el('thead', {}, el('tr', {}, ...['Time limit', 'Due', 'Status'].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, ...rows)) : null,
      el('details', { class: 'ids' }, el('summary', { text: 'Technical details' }),
        el('ul', {}, el('li', {}, 'Decision: ', el('code', { text: id })), el('li', {}, 'Event: ', el('code', { text: String(d.seq) })))));
  });
  box.replaceChildren(
    el('p', { class: 'small', 'data-open-disputes': open, text: open === 1 ? '1 dispute is open.' : `${open} disputes are open.` }),
    el('ol', { class: 'decisions' }, ...items));
}

// ---------------------------------------------------------------- letters

const CONTACTS = 'sendflow-letter-contacts';
const KEPT = ['recipient', 'officer', 'authority', 'mediation_name', 'mediation_phone', 'mediation_email', 'mediation_address', 'advice_name', 'advice_phone', 'advice_email'];

/** Fill the letter form for the case: the letters its decisions have, the languages its policy has. */
export function renderLetterForm(form, ctx) {
  const { el, c, welsh, fmtDate } = ctx;
  const kinds = (letterKinds || []).filter((k) => (c.decisions || []).some((d) => d.kind === k.decision));
  const wrap = form.closest('details');
  wrap.hidden = !kinds.length;
  const sel = form.elements.letter;
  const keep = sel.value;
  sel.replaceChildren(...kinds.map((k) => {
    const d = [...c.decisions].reverse().find((x) => x.kind === k.decision);
    return el('option', { value: k.kind, text: `${LETTER_NAMES[k.kind] || humanise(k.kind)} (${fmtDate(d.at)})` });
  }));
  if (kinds.some((k) => k.kind === keep)) sel.value = keep;
  const loc = form.elements.locale;
  const keepLoc = loc.value;
  loc.replaceChildren(el('option', { value: 'en', text: 'English' }), welsh ? el('option', { value: 'cy', lang: 'cy', text: 'Cymraeg (Welsh)' }) : null);
  loc.value = welsh && keepLoc === 'cy' ? 'cy' : 'en';
  if (!form.dataset.filled) {
    form.dataset.filled = 'yes';
    let kept = {};
    try { kept = JSON.parse(localStorage.getItem(CONTACTS) || '{}'); } catch { kept = {}; }
    for (const k of KEPT) if (kept[k] && form.elements[k]) form.elements[k].value = kept[k];
  }
}

/** Check the letter form; on success fill its hidden fields and aim it at the letter. Returns the problems. */
export function prepareLetter(form, ctx) {
  const { c, doc } = ctx;
  const f = form.elements;
  const problems = [];
  const need = (name, msg) => { if (!f[name].value.trim()) problems.push([name, msg]); };
  if (!f.letter.value) problems.push(['letter', 'Choose the letter to write.']);
  need('recipient', 'Enter who the letter is to.');
  need('child_name', 'Enter the child’s or young person’s name.');
  if (f.letter.value !== 'final_plan') need('reasons', 'Give the reasons for the decision.');
  need('mediation_name', 'Enter the mediation adviser’s name.');
  if (!f.mediation_phone.value.trim() && !f.mediation_email.value.trim()) problems.push(['mediation_phone', 'Enter the mediation adviser’s telephone number or email address.']);
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  for (const [name] of problems) f[name].setAttribute('aria-invalid', 'true');
  if (problems.length) return problems;
  form.action = `/letters/${encodeURIComponent(f.letter.value)}`;
  f.case.value = JSON.stringify(c);
  f.policy.value = doc.id;
  f.policy_source.value = doc.uploaded ? doc.source || '' : '';
  const kept = {};
  for (const k of KEPT) kept[k] = f[k].value.trim();
  try { localStorage.setItem(CONTACTS, JSON.stringify(kept)); } catch { /* a private window keeps nothing */ }
  return [];
}
