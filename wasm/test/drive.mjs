// Drives scenarios step by step through the JavaScript API (engine.newCase, fire, clocks, permitted, verify,
// graph), each step twice: with the case the engine returned (frozen, remembered: only a reference crosses into
// the module and fire answers with what changed) and with a plain copy of it (structuredClone: the whole case is
// sent as JSON, the way every case went before). Both answers must be the same, byte for byte as JSON and
// deep-equal as objects. Returns a report shaped like `sendflow test --json`'s results (states, clocks, error
// per step) to compare with native Go, and the differences found. Runs in Node and in a browser page.
// The scenarios come from wasm/test/suitejson (scenario files as JSON, overlays resolved).

const ROLES = ['parent', 'la_officer', 'school', 'senco', 'young_person'];

function differ(a, b, at, out) {
  if (out.length > 20) return;
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${at}: length ${a.length} vs ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) differ(a[i], b[i], `${at}/${i}`, out);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join() !== kb.join()) out.push(`${at}: keys ${ka.join()} vs ${kb.join()}`);
    for (const k of ka) if (k in b) differ(a[k], b[k], `${at}/${k}`, out);
    return;
  }
  out.push(`${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

function isDeepFrozen(v) {
  if (v === null || typeof v !== 'object') return true;
  if (!Object.isFrozen(v)) return false;
  return Object.values(v).every(isDeepFrozen);
}

/** Calls fn, returning {value} or {error} (the SendflowError's JSON). */
function attempt(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    if (!e || e.name !== 'SendflowError') throw e;
    return { error: e.toJSON(), code: e.code, message: e.message };
  }
}

/**
 * Runs every scenario of suite on sf. Returns {results, problems, counts}: results like the native report's
 * (file, name, timeline of {states, clocks, error}), problems every difference between the two ways (empty
 * when they agree), counts how many calls took the reference way.
 */
export function driveSuite(sf, suite) {
  const engines = new Map();
  const problems = [];
  const counts = { fire: 0, fireByRef: 0, refused: 0, queries: 0 };
  const results = [];
  const same = (what, a, b) => {
    const out = [];
    differ(a, b, '', out);
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push('JSON.stringify differs');
    for (const d of out) problems.push(`${what}: ${d}`);
  };
  for (const sc of suite) {
    const key = JSON.stringify(sc.layers);
    if (!engines.has(key)) engines.set(key, sc.layers ? sf.compile(sc.layers) : sf.compile());
    const engine = engines.get(key);
    const where = `${sc.file}: ${sc.name}`;
    let kase = engine.newCase(sc.case);
    if (!isDeepFrozen(kase) || !sf._refs.has(kase)) problems.push(`${where}: newCase did not return a frozen, remembered case`);
    const timeline = [];
    sc.steps.forEach((st, i) => {
      const at = `${where} step ${i + 1}`;
      const copy = structuredClone(kase);
      const entry = {};
      let clocks = null;
      if (!st.as_of) {
        const firing = { trigger: st.trigger, actor: st.actor, at: st.at, data: st.data, facts: st.facts };
        const before = JSON.stringify(kase);
        const byRef = attempt(() => engine.fire(kase, firing));
        const full = attempt(() => engine.fire(copy, firing));
        counts.fire++;
        if (sf._refs.has(kase)) counts.fireByRef++;
        if (JSON.stringify(kase) !== before) problems.push(`${at}: fire changed its input`);
        if (byRef.error || full.error) {
          counts.refused++;
          same(`${at} refusal`, byRef.error, full.error);
          if (byRef.message !== full.message) problems.push(`${at}: messages differ`);
          entry.error = byRef.code;
        } else {
          same(`${at} outcome`, byRef.value, full.value);
          if (!isDeepFrozen(byRef.value.case) || !isDeepFrozen(full.value.case)) problems.push(`${at}: the new case is not frozen`);
          if (byRef.value.event !== byRef.value.case.history[byRef.value.case.history.length - 1]) {
            same(`${at} event`, byRef.value.event, byRef.value.case.history[byRef.value.case.history.length - 1]);
          }
          kase = byRef.value.case;
          clocks = byRef.value.clocks;
        }
      } else {
        counts.queries++;
        for (const role of ROLES) {
          same(`${at} permitted ${role}`, attempt(() => engine.permitted(kase, role, st.as_of, 'cy')), attempt(() => engine.permitted(copy, role, st.as_of, 'cy')));
        }
        same(`${at} verify`, engine.verify(kase), engine.verify(copy));
        same(`${at} graph`, engine.graph('mermaid', kase), engine.graph('mermaid', copy));
      }
      entry.states = kase.states;
      if (!clocks) {
        const when = st.as_of || st.at;
        const a = attempt(() => engine.clocks(kase, when));
        same(`${at} clocks`, a, attempt(() => engine.clocks(structuredClone(kase), when)));
        clocks = a.value ? a.value.clocks : null;
      }
      entry.clocks = clocks;
      timeline.push(entry);
    });
    results.push({ file: sc.file, name: sc.name, timeline });
  }
  return { results, problems, counts };
}
