// forms.js: payload forms generated from a trigger's declared fields
// (sdk.FieldDef: name, type, required, enum, min, max, min_items, description),
// and the validation run before a firing reaches the engine. The pure parts
// (validate, humanise) have no DOM and are unit-tested under Node.
import { mountDate } from './datefields.js';

/** "less_than_expected" -> "Less than expected"; "ehc.plan_finalised" -> "Plan finalised". */
export function humanise(id) {
  const s = String(id).split('.').pop().replace(/_/g, ' ').replace(ACRONYMS, (w) => w.toUpperCase());
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const ACRONYMS = /\b(sen|send|ehc|hnf|la|lift|sdq|pfa|ep)\b/g;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(s) {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Check values (name -> value; undefined means not given) against fields.
 * Returns name -> message for every bad field (empty when all is well).
 */
export function validate(fields, values) {
  const errors = {};
  for (const f of fields || []) {
    const v = values[f.name];
    const label = humanise(f.name);
    const absent = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
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
      case 'date':
        if (!isDate(v)) errors[f.name] = `${label} must be a date (YYYY-MM-DD).`;
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
    const label = humanise(f.name) + (f.required ? '' : ' (optional)');
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
          document.createTextNode(' ' + humanise(opt))));
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
    } else if (f.type === 'boolean' && f.required) {
      wrap.append(el('label', { class: 'check', for: id },
        el('input', { ...common, type: 'checkbox', value: 'true' }),
        document.createTextNode(' ' + humanise(f.name))));
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
    if (hint) wrap.append(el('p', { class: 'hint', id: hintId, text: hint }));
    wrap.append(el('p', { class: 'error', id: errId, 'aria-live': 'polite' }));
    container.append(wrap);
  }
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
    // By name: a date's value is its hidden ISO input, not the day field before it.
    const input = wrap.querySelector(`[name="${CSS.escape(f.name)}"]`) || wrap.querySelector('input, select');
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

/** Show errors (name -> message) next to their fields; focus the first bad one. */
export function showFieldErrors(container, fields, errors) {
  let first = null;
  for (const f of fields || []) {
    const wrap = container.querySelector(`[data-field="${CSS.escape(f.name)}"]`);
    if (!wrap) continue;
    const msg = errors[f.name] || '';
    const p = wrap.querySelector('.error');
    if (p) p.textContent = msg;
    wrap.classList.toggle('invalid', !!msg);
    for (const i of wrap.querySelectorAll('input, select, fieldset')) {
      if (msg) i.setAttribute('aria-invalid', 'true');
      else i.removeAttribute('aria-invalid');
    }
    if (msg && !first) first = wrap.querySelector('input, select');
  }
  if (first) first.focus();
  return !first;
}

/** Drop absent values: the payload holds only what was given. */
export function payloadOf(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}
