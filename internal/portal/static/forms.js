// forms.js: payload forms generated from a trigger's declared fields
// (sdk.FieldDef: name, type, required, enum, min, max, min_items, not_before_at,
// not_after_at, description), and the validation run before a firing reaches the
// engine. The pure parts (validate, humanise, itemLabel) have no DOM and are
// unit-tested under Node; the rendered forms are tested in Chromium.
import { isoOf, mountDate } from './datefields.js';

/** "less_than_expected" -> "Less than expected"; "ehc.plan_finalised" -> "Plan finalised". */
export function humanise(id) {
  const s = String(id).split('.').pop().replace(/_/g, ' ').replace(ACRONYMS, (w) => w.toUpperCase());
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const ACRONYMS = /\b(sen|send|ehc|hnf|la|lift|sdq|pfa|ep)\b/g;

// Plain words for fields and enum items whose ids read badly when merely humanised.
const FIELD_LABELS = {
  agreed_due: 'Dates agreed in writing',
};
// A mediation agreement's items (R42): what the parties agreed the LA (or health body) will do.
const AGREEMENT_ITEMS = {
  assess: 'Carry out an EHC needs assessment',
  make_plan: 'Make an EHC plan',
  amend: 'Amend the EHC plan',
  change_school: 'Change the school or other institution named',
  other: 'Other action by the local authority',
  health: 'Health care provision',
};
const ITEM_LABELS = { agreement: AGREEMENT_ITEMS, agreed_due: AGREEMENT_ITEMS };

/** A field's label: its plain words, else its id made readable. */
export function fieldLabel(name) {
  return Object.hasOwn(FIELD_LABELS, name) ? FIELD_LABELS[name] : humanise(name);
}

/** Field name's enum item id in plain words ("make_plan" -> "Make an EHC plan"), else the id made readable. */
export function itemLabel(name, id) {
  const words = Object.hasOwn(ITEM_LABELS, name) ? ITEM_LABELS[name] : {};
  return Object.hasOwn(words, id) ? words[id] : humanise(id);
}

/** The most entries a map field may hold (the engine's cap, docs/reliability.md). */
export const MAX_MAP_ENTRIES = 64;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(s) {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function isMap(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The problem with a date typed as day, month and year ('' when there is none); ctx.at: the firing's date. */
function dateProblem(f, label, v, ctx) {
  if (v && typeof v === 'object' && 'partial' in v) {
    return v.partial === 'missing' ? `${label} must include a day, month and year.` : `${label} must be a real date.`;
  }
  if (!isDate(v)) return `${label} must be a real date.`;
  if (f.not_before_at && isDate(ctx.at) && v < ctx.at) return `${label} must be the same as or after the date of this action (${ctx.at}).`;
  if (f.not_after_at && isDate(ctx.at) && v > ctx.at) return `${label} must be the same as or before the date of this action (${ctx.at}).`;
  return '';
}

/** Map field f: a problem with the whole map under f.name, one with an item under name.item. */
function validateMap(f, label, v, ctx, errors) {
  if (!isMap(v)) {
    errors[f.name] = `${label} must be a date for each item.`;
    return;
  }
  const keys = Object.keys(v);
  if (keys.length > MAX_MAP_ENTRIES) errors[f.name] = `${label}: give at most ${MAX_MAP_ENTRIES} dates.`;
  for (const k of keys) {
    const il = itemLabel(f.name, k);
    let msg = '';
    if (f.enum && f.enum.length && !f.enum.includes(k)) msg = `${il} is not one of the items a date can be given for.`;
    else msg = dateProblem(f, `The date for ${il.charAt(0).toLowerCase()}${il.slice(1)}`, v[k], ctx);
    if (msg) errors[`${f.name}.${k}`] = msg;
  }
}

/**
 * Check values (name -> value; undefined means not given) against fields;
 * ctx.at, the firing's date, for fields that may not fall before or after it.
 * Returns name -> message for every bad field (empty when all is well); a
 * map field's bad item is keyed name.item.
 */
export function validate(fields, values, ctx = {}) {
  const errors = {};
  for (const f of fields || []) {
    const v = values[f.name];
    const label = fieldLabel(f.name);
    const absent = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
      || (f.type === 'map' && isMap(v) && Object.keys(v).length === 0);
    if (absent) {
      if (f.required) errors[f.name] = `${label} is required.`;
      else if (f.type === 'list' && f.min_items > 0 && Array.isArray(v)) {
        errors[f.name] = `Choose at least ${f.min_items}.`;
      }
      continue;
    }
    switch (f.type) {
      case 'string':
        if (typeof v !== 'string') errors[f.name] = `${label} must be text.`;
        else if (f.enum && f.enum.length && !f.enum.includes(v)) errors[f.name] = `${label} must be one of: ${f.enum.join(', ')}.`;
        else if (f.options && f.options.length && !f.options.some((o) => o.value === v)) errors[f.name] = `Choose one of the ${label.toLowerCase()} options.`;
        break;
      case 'integer':
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) errors[f.name] = `${label} must be a number.`;
        else if (f.type === 'integer' && !Number.isInteger(v)) errors[f.name] = `${label} must be a whole number.`;
        else if (f.min != null && v < f.min) errors[f.name] = `${label} must be at least ${f.min}.`;
        else if (f.max != null && v > f.max) errors[f.name] = `${label} must be at most ${f.max}.`;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') errors[f.name] = `${label} must be yes or no.`;
        break;
      case 'date': {
        const msg = dateProblem(f, label, v, ctx);
        if (msg) errors[f.name] = msg;
        break;
      }
      case 'map':
        validateMap(f, label, v, ctx, errors);
        break;
      case 'list':
        if (!Array.isArray(v)) errors[f.name] = `${label} must be a list.`;
        else if (f.min_items && v.length < f.min_items) errors[f.name] = `Choose at least ${f.min_items}.`;
        else if (f.enum && f.enum.length) {
          const bad = v.filter((x) => !f.enum.includes(x));
          if (bad.length) errors[f.name] = `${label}: ${bad.join(', ')} not allowed.`;
        }
        break;
      default:
        break;
    }
  }
  return errors;
}

// ---------------------------------------------------------------- DOM

function el(tag, attrs = {}, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else n.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids) if (k) n.append(k);
  return n;
}

/**
 * Render the inputs for fields into container. Ids are prefixed so several
 * forms can live on one page.
 */
export function renderFields(container, fields, prefix = 'f') {
  container.replaceChildren();
  for (const f of fields || []) {
    const id = `${prefix}-${f.name}`;
    const hintId = `${id}-hint`;
    const errId = `${id}-err`;
    const label = fieldLabel(f.name) + (f.required ? '' : ' (optional)');
    const wrap = el('div', { class: 'field', 'data-field': f.name });
    const hint = hintText(f);
    const describedBy = [hint ? hintId : null, errId].filter(Boolean).join(' ');
    const common = { id, name: f.name, 'aria-describedby': describedBy, 'aria-required': f.required ? 'true' : null };

    if (f.type === 'list' && f.enum && f.enum.length) {
      const fs = el('fieldset', { class: 'checks', 'aria-describedby': describedBy, id });
      fs.append(el('legend', { text: label }));
      for (const opt of f.enum) {
        const oid = `${id}-${opt}`;
        fs.append(el('label', { class: 'check', for: oid },
          el('input', { type: 'checkbox', id: oid, name: f.name, value: opt }),
          document.createTextNode(' ' + itemLabel(f.name, opt))));
      }
      wrap.append(fs);
    } else if (f.type === 'date') {
      // GOV.UK date input: day, month and year fields over a hidden ISO date (datefields.js).
      const fs = el('fieldset', { class: 'date-field', role: 'group', 'aria-describedby': describedBy });
      fs.append(el('legend', { text: label }));
      const parts = el('div', { id: `${id}-parts` });
      const input = el('input', { id, name: f.name, type: 'hidden' });
      fs.append(parts, input);
      wrap.append(fs);
      mountDate(input, parts);
    } else if (f.type === 'map') {
      wrap.append(mapField(f, id, label, describedBy, hint && el('p', { class: 'hint', id: hintId, text: hint })));
    } else if (f.type === 'boolean' && f.required) {
      wrap.append(el('label', { class: 'check', for: id },
        el('input', { ...common, type: 'checkbox', value: 'true' }),
        document.createTextNode(' ' + fieldLabel(f.name))));
    } else {
      wrap.append(el('label', { for: id, text: label }));
      let input;
      if (f.type === 'string' && f.options && f.options.length) {
        // Choices the page knows with their own words (a case's decisions), beyond the policy's enum.
        input = el('select', common, el('option', { value: '', text: f.required ? 'Choose…' : (f.none || '(none)') }),
          ...f.options.map((o) => el('option', { value: o.value, text: o.text })));
      } else if (f.type === 'string' && f.enum && f.enum.length) {
        input = el('select', common, el('option', { value: '', text: f.required ? 'Choose…' : '(none)' }),
          ...f.enum.map((o) => el('option', { value: o, text: humanise(o) })));
      } else if (f.type === 'boolean') {
        input = el('select', common, el('option', { value: '', text: 'Not stated' }),
          el('option', { value: 'true', text: 'Yes' }), el('option', { value: 'false', text: 'No' }));
      } else if (f.type === 'integer' || f.type === 'number') {
        input = el('input', { ...common, type: 'number', inputmode: f.type === 'integer' ? 'numeric' : 'decimal',
          step: f.type === 'integer' ? '1' : 'any', min: f.min, max: f.max });
      } else {
        input = el('input', { ...common, type: 'text', autocomplete: 'off' });
      }
      wrap.append(input);
    }
    if (hint && f.type !== 'map') wrap.append(el('p', { class: 'hint', id: hintId, text: hint }));
    wrap.append(el('p', { class: 'error', id: errId, 'aria-live': 'polite' }));
    container.append(wrap);
  }
}

/**
 * A map of dates (item -> YYYY-MM-DD): for each enum item, an optional GOV.UK
 * date input named by the item's label, each with its own error line. The
 * parts of item k are ID-k-day, ID-k-month and ID-k-year.
 */
function mapField(f, id, label, describedBy, hint) {
  const fs = el('fieldset', { class: 'map-field', id, 'aria-describedby': describedBy });
  fs.append(el('legend', { class: 'map-legend', text: label }));
  if (hint) fs.append(hint); // GOV.UK: the hint under the legend, before a long run of inputs
  for (const k of f.enum || []) {
    const kid = `${id}-${k}`;
    const item = el('fieldset', { class: 'date-field', role: 'group', 'data-item': k, 'aria-describedby': `${kid}-err` });
    item.append(el('legend', { text: `${itemLabel(f.name, k)} (optional)` }));
    item.append(el('p', { class: 'error', id: `${kid}-err`, 'aria-live': 'polite' }));
    const parts = el('div', { id: `${kid}-parts` });
    const input = el('input', { id: kid, name: `${f.name}.${k}`, type: 'hidden' });
    item.append(parts, input);
    fs.append(item);
    mountDate(input, parts);
  }
  return fs;
}

/** A date typed in day, month and year fields: '' when all are empty, the ISO date, or {partial}. */
function typedDate(box, hidden) {
  const part = (k) => (box.querySelector(`#${CSS.escape(hidden.id)}-${k}`)?.value || '').trim();
  const [d, m, y] = [part('day'), part('month'), part('year')];
  if (!d && !m && !y) return '';
  const iso = isoOf(d, m, y);
  if (iso) return iso;
  return { partial: d && m && y ? 'invalid' : 'missing' };
}

function hintText(f) {
  const parts = [];
  if (f.description) parts.push(f.description);
  if (f.type === 'list' && !(f.enum && f.enum.length)) parts.push('Separate items with commas.');
  if (f.type === 'list' && f.min_items) parts.push(`Choose at least ${f.min_items}.`);
  if ((f.type === 'integer' || f.type === 'number') && (f.min != null || f.max != null)) {
    parts.push(f.min != null && f.max != null ? `From ${f.min} to ${f.max}.` : f.min != null ? `At least ${f.min}.` : `At most ${f.max}.`);
  }
  return parts.join(' ');
}

/** Read the rendered inputs back into name -> value (undefined when not given). */
export function readFields(container, fields) {
  const values = {};
  for (const f of fields || []) {
    const wrap = container.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
    if (!wrap) continue;
    if (f.type === 'list' && f.enum && f.enum.length) {
      values[f.name] = [...wrap.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value);
      continue;
    }
    if (f.type === 'map') {
      const map = {};
      for (const item of wrap.querySelectorAll('fieldset[data-item]')) {
        const v = typedDate(item, item.querySelector('input[type=hidden]'));
        if (v !== '') map[item.dataset.item] = v;
      }
      values[f.name] = Object.keys(map).length ? map : undefined;
      continue;
    }
    // By name: a date's value is its hidden ISO input, not the day field before it.
    const input = wrap.querySelector(`[name="${CSS.escape(f.name)}"]`) || wrap.querySelector('input, select');
    if (f.type === 'date' && input.type === 'hidden') {
      // A date half typed, or not a real one, is a problem to show, not a date left out.
      const v = typedDate(wrap, input);
      values[f.name] = v === '' ? undefined : v;
      continue;
    }
    if (f.type === 'boolean' && f.required) {
      values[f.name] = input.checked;
      continue;
    }
    const raw = input.value.trim();
    if (raw === '') { values[f.name] = undefined; continue; }
    switch (f.type) {
      case 'integer':
      case 'number':
        values[f.name] = input.validity && input.validity.badInput ? NaN : Number(raw);
        break;
      case 'boolean':
        values[f.name] = raw === 'true';
        break;
      case 'list':
        values[f.name] = raw.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      default:
        values[f.name] = raw;
    }
  }
  return values;
}

function markInvalid(box, bad) {
  for (const i of box.querySelectorAll('input, select, fieldset')) {
    if (bad) i.setAttribute('aria-invalid', 'true');
    else i.removeAttribute('aria-invalid');
  }
}

/** Where a problem with field f (or its map item) takes the officer: the first control to correct. */
function firstControl(wrap, item) {
  const box = item ? wrap.querySelector(`fieldset[data-item="${CSS.escape(item)}"]`) : wrap;
  return box?.querySelector('input:not([type=hidden]), select, textarea') || null;
}

/**
 * The problems in errors as [href, text] links for a GOV.UK error summary, in
 * the order of the fields (a map's items in the order of its enum).
 */
export function errorLinks(container, fields, errors) {
  const out = [];
  for (const f of fields || []) {
    const wrap = container.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
    if (!wrap) continue;
    const keys = [[f.name, null], ...(f.type === 'map' ? (f.enum || []).map((k) => [`${f.name}.${k}`, k]) : [])];
    for (const [key, item] of keys) {
      if (!errors[key]) continue;
      const c = firstControl(wrap, item);
      out.push([c ? `#${c.id}` : `#${wrap.querySelector('[id]')?.id || ''}`, errors[key]]);
    }
  }
  return out;
}

/** Show errors (name -> message; a map's item: name.item) next to their fields; focus the first bad one. */
export function showFieldErrors(container, fields, errors, focus = true) {
  let first = null;
  for (const f of fields || []) {
    const wrap = container.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
    if (!wrap) continue;
    const msg = errors[f.name] || '';
    const p = wrap.querySelector(':scope > .error');
    if (p) p.textContent = msg;
    let bad = !!msg;
    if (f.type === 'map') {
      for (const item of wrap.querySelectorAll('fieldset[data-item]')) {
        const m = errors[`${f.name}.${item.dataset.item}`] || '';
        item.querySelector('.error').textContent = m;
        item.classList.toggle('invalid', !!m);
        markInvalid(item, !!m);
        if (m && !first) first = firstControl(wrap, item.dataset.item);
        bad ||= !!m;
      }
      const fs = wrap.querySelector(':scope > fieldset');
      if (msg) fs.setAttribute('aria-invalid', 'true');
      else fs.removeAttribute('aria-invalid');
    } else {
      markInvalid(wrap, bad);
    }
    wrap.classList.toggle('invalid', bad);
    if (msg && !first) first = firstControl(wrap, null);
  }
  if (first && focus) first.focus();
  return !first;
}

/** Drop absent values: the payload holds only what was given. */
export function payloadOf(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (isMap(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}
