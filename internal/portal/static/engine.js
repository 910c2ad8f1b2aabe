// engine.js: a thin adapter over sendflow's browser build (wasm/dist/sendflow.mjs,
// served under /wasm/). The page talks only to this module, so it keeps working
// whichever optional calls the build offers (policy description, newCase,
// graph). Every value in and out is plain JSON-shaped data.

let mod = null;

/** Load the WASM module once. Resolves to the module namespace. */
export async function loadSendflow(base = '/wasm/') {
  if (mod) return mod;
  const ns = await import(`${base}sendflow.mjs`);
  if (typeof ns.load === 'function') {
    const loaded = await ns.load();
    // load() resolves to the module instance (compile(), ...); otherwise the module's exports are the API.
    mod = loaded && typeof loaded.compile === 'function' ? loaded : ns;
  } else {
    mod = ns;
  }
  if (typeof mod.compile !== 'function') throw new Error('the WASM module exports no compile()');
  return mod;
}

/** A compiled policy, wrapped. */
export class Engine {
  constructor(raw, fallbackPolicy) {
    this.raw = raw;
    this.fallbackPolicy = fallbackPolicy || null;
    this._policy = undefined;
  }

  /** The merged policy document (tracks, triggers, payload fields), if known. */
  policy() {
    if (this._policy !== undefined) return this._policy;
    let p = null;
    for (const name of ['policy', 'describe']) {
      const v = this.raw[name];
      try {
        if (typeof v === 'function') p = v.call(this.raw);
        else if (v && typeof v === 'object') p = v;
      } catch {
        p = null;
      }
      if (p && typeof p === 'string') p = JSON.parse(p);
      if (p && Array.isArray(p.tracks)) break;
      p = null;
    }
    this._policy = p || this.fallbackPolicy;
    return this._policy;
  }

  /** True when the description came from the WASM build itself. */
  describesItself() {
    const p = this.policy();
    return !!p && p !== this.fallbackPolicy;
  }

  newCase(facts) {
    if (typeof this.raw.newCase === 'function') return this.raw.newCase(clone(facts));
    return this.raw.replay(clone(facts), []);
  }

  // Cases go to the engine as they are, never copied: a case the engine returned is frozen and
  // passed back by reference (only a reference crosses into the module); a copy would cross whole.
  fire(c, firing) { return this.raw.fire(c, clone(firing)); }

  permitted(c, role, asOf, locale) {
    const out = locale ? this.raw.permitted(c, role, asOf, locale) : this.raw.permitted(c, role, asOf);
    return Array.isArray(out) ? out : (out && out.permissions) || [];
  }

  clocks(c, asOf) {
    const r = this.raw.clocks(c, asOf);
    return Array.isArray(r) ? { as_of: asOf, clocks: r } : r;
  }

  replay(origin, events) { return this.raw.replay(clone(origin), clone(events)); }

  verify(c) { return this.raw.verify(c); }

  /** The policy's words for a trigger ("Record the request") in locale, or null when the build has none. */
  label(trigger, locale) {
    if (typeof this.raw.label !== 'function') return null;
    const s = this.raw.label(trigger, locale || 'en');
    return s && s !== trigger ? s : null;
  }

  hasGraph() { return typeof this.raw.graph === 'function'; }

  graph(format, c) { return this.raw.graph(format, c); }
}

/**
 * Compile a policy: no text (or '') compiles the embedded default; text is one overlay (name labels
 * its diagnostics); an array of {name, text} is several layers (authority, then district).
 */
export function compilePolicy(m, text, fallbackPolicy, name) {
  let raw;
  if (Array.isArray(text)) raw = m.compile(text);
  else raw = text ? m.compile(text, name ? { name } : undefined) : compileDefault(m);
  return new Engine(raw, fallbackPolicy);
}

function compileDefault(m) {
  try {
    return m.compile();
  } catch (e) {
    if (e && e.code) throw e;
    return m.compile('');
  }
}

function clone(v) {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/** Turn anything thrown into {code, message, detail, problems, guards, location}. */
export function describeError(e) {
  if (!e) return { code: 'internal_error', message: 'unknown error' };
  let data = e;
  if (typeof e === 'string') {
    try { data = JSON.parse(e); } catch { data = { message: e }; }
  }
  const out = {
    code: data.code || (e instanceof Error ? 'internal_error' : 'error'),
    message: data.message || String(e),
    detail: data.detail || '',
    pointer: data.pointer || '',
    location: data.location || '',
    problems: Array.isArray(data.problems) ? data.problems : [],
    guards: Array.isArray(data.guards) ? data.guards : [],
  };
  return out;
}
