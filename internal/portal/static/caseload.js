// caseload.js: the shared caseload, when the portal is served with a store (`sendflow serve --db FILE|postgres://`,
// sdk/store's CasesHandler under /api): the stored cases to open, saving the case in the browser to the store, every
// firing on a stored case judged again by the server (its head guards against two officers acting at once), and
// the worklist of time limits due soon or missed across the caseload. Without a store GET /api/cases answers
// {"store": false} and none of this shows.
import { humanise } from './forms.js';

async function api(method, path, body) {
  const res = await fetch(`/api${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw Object.assign(data && data.code ? data : { code: `http_${res.status}`, message: `The server answered ${res.status}.` }, { status: res.status });
  return data;
}

/** True when this server keeps a caseload. */
export async function hasStore() {
  try {
    const res = await fetch('/api/cases');
    return res.ok && Array.isArray((await res.json()).cases);
  } catch {
    return false;
  }
}

export const listCases = () => api('GET', '/cases').then((d) => d.cases || []);
export const loadCase = (id) => api('GET', `/cases/${encodeURIComponent(id)}`);
export const saveCase = (c) => api('POST', '/cases', c);
export const fireStored = (id, firing, head) => api('POST', `/cases/${encodeURIComponent(id)}/fire`, { firing, head });
export const worklist = (asOf) => api('GET', `/worklist?as_of=${encodeURIComponent(asOf)}`);

/** The head of a case: its last event's seq and hash. */
export function headOf(c) {
  const h = c.history || [];
  return h.length ? { seq: h[h.length - 1].seq, hash: h[h.length - 1].hash } : { seq: 0, hash: '' };
}

/** Render the caseload list: each case a button [data-open-case=ID] that calls onOpen(id). */
export function renderCaseload(box, cases, ctx) {
  const { el, fmtDate, current, onOpen } = ctx;
  if (!cases.length) {
    box.replaceChildren(el('p', { class: 'empty', text: 'No cases are stored yet. Save the case on this page to start the caseload.' }));
    return;
  }
  box.replaceChildren(el('ul', { class: 'caseload' }, ...cases.map((c) => el('li', { 'data-case': c.id },
    el('button', { type: 'button', class: 'linkish', 'data-open-case': c.id, 'aria-current': c.id === current ? 'true' : null,
      onclick: () => onOpen(c.id) }, `Open case ${c.id}`),
    el('span', { class: 'muted small', text: ` ${[c.la, c.district].filter(Boolean).map(humanise).join(' · ')}${c.la ? ' · ' : ''}${c.head_seq} event${c.head_seq === 1 ? '' : 's'} · changed ${fmtDate(c.updated_at)}` })))));
}

/** Render the worklist: one row per clock [data-work-case][data-work-clock][data-due][data-status]. */
export function renderWorklist(box, page, ctx) {
  const { el, fmtDate, statusText, onOpen } = ctx;
  const items = page.items || [];
  const head = el('p', { class: 'muted small' }, `As of ${fmtDate(page.as_of)}: time limits missed, and those due within ${page.within_working_days} working days. `,
    el('a', { href: '/api/worklist.ics', class: 'govuk-link', 'data-worklist-feed': '' }, 'Calendar feed of the worklist (iCalendar)'));
  if (!items.length) {
    box.replaceChildren(head, el('p', { class: 'empty', text: 'Nothing is due or missed.' }));
    return;
  }
  const rows = items.map((w) => {
    const left = w.status === 'missed' ? `${-w.working_days_left} working day${w.working_days_left === -1 ? '' : 's'} overdue`
      : w.working_days_left === 0 ? 'due today' : `${w.working_days_left} working day${w.working_days_left === 1 ? '' : 's'} left`;
    return el('tr', { 'data-work-case': w.case_id, 'data-work-clock': w.key, 'data-due': w.due, 'data-status': w.status, class: `st-${w.status}` },
      el('th', { scope: 'row' }, el('button', { type: 'button', class: 'linkish', onclick: () => onOpen(w.case_id), text: w.case_id })),
      el('td', { 'data-label': 'Time limit' }, humanise(w.clock) + (w.source ? `: ${humanise(w.source)}` : '')),
      el('td', { 'data-label': 'Due' }, el('time', { datetime: w.due, text: fmtDate(w.due) })),
      el('td', { 'data-label': 'Status' }, el('span', { class: `badge badge-${w.status}`, text: statusText[w.status] || w.status }), el('span', { class: 'note', text: ` ${left}` })));
  });
  box.replaceChildren(head, el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Worklist' },
    el('table', { class: 'clocks worklist' },
      el('caption', { class: 'visually-hidden', text: `Worklist as of ${fmtDate(page.as_of)}` }),
      el('thead', {}, el('tr', {}, ...['Case', 'Time limit', 'Due', 'Status'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rows))));
}
