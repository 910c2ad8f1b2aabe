// GOV.UK date input: day, month and year fields in place of the browser's date picker. The ISO date
// (YYYY-MM-DD) stays in a hidden input, which keeps the page's id and name (input[name=at]): reading or
// setting its value, or a change event on it, works as before, and the visible fields follow it.

function pad(n, w) { return String(n).padStart(w, '0'); }

/** The ISO date the three parts give, or '' when they do not give a real date. */
export function isoOf(day, month, year) {
  const d = Number(day), m = Number(month), y = Number(year);
  if (!/^\d{1,2}$/.test(String(day).trim()) || !/^\d{1,2}$/.test(String(month).trim()) || !/^\d{4}$/.test(String(year).trim())) return '';
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return '';
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function part(hidden, key, label, width) {
  const id = `${hidden.id}-${key}`;
  const input = document.createElement('input');
  Object.assign(input, { id, name: `${hidden.name}_${key}`, type: 'text', inputMode: 'numeric', autocomplete: 'off' });
  input.className = `govuk-input govuk-date-input__input govuk-input--width-${width}`;
  const lab = document.createElement('label');
  lab.className = 'govuk-label govuk-date-input__label';
  lab.htmlFor = id;
  lab.textContent = label;
  const group = document.createElement('div');
  group.className = 'govuk-form-group';
  group.append(lab, input);
  const item = document.createElement('div');
  item.className = 'govuk-date-input__item';
  item.append(group);
  return { item, input };
}

/** Puts day, month and year fields into box for the hidden input hidden. */
export function mountDate(hidden, box) {
  const valueOf = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
  const parts = { day: part(hidden, 'day', 'Day', 2), month: part(hidden, 'month', 'Month', 2), year: part(hidden, 'year', 'Year', 4) };
  box.classList.add('govuk-date-input');
  box.replaceChildren(parts.day.item, parts.month.item, parts.year.item);
  const show = (v) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v || '');
    const cur = isoOf(parts.day.input.value, parts.month.input.value, parts.year.input.value);
    if (m && cur === v) return;
    if (!m && !v && !cur) return; // keep what is being typed
    parts.day.input.value = m ? String(Number(m[3])) : '';
    parts.month.input.value = m ? String(Number(m[2])) : '';
    parts.year.input.value = m ? m[1] : '';
  };
  Object.defineProperty(hidden, 'value', {
    configurable: true,
    get() { return valueOf.get.call(this); },
    set(v) { valueOf.set.call(this, v); show(v); },
  });
  const typed = () => {
    const v = isoOf(parts.day.input.value, parts.month.input.value, parts.year.input.value);
    if (v === valueOf.get.call(hidden)) return;
    valueOf.set.call(hidden, v);
    hidden.dispatchEvent(new Event('change', { bubbles: true }));
  };
  for (const p of Object.values(parts)) p.input.addEventListener('input', typed);
  // aria-invalid on the hidden input marks the visible fields too.
  new MutationObserver(() => {
    const bad = hidden.getAttribute('aria-invalid') === 'true';
    for (const p of Object.values(parts)) {
      p.input.classList.toggle('govuk-input--error', bad);
      if (bad) p.input.setAttribute('aria-invalid', 'true');
      else p.input.removeAttribute('aria-invalid');
    }
  }).observe(hidden, { attributes: true, attributeFilter: ['aria-invalid'] });
  show(valueOf.get.call(hidden));
  return parts.day.input;
}
