// sendflow for JavaScript: the Go engine compiled to WebAssembly (GOOS=js),
// the same answers as the Go SDK. Works in Node 20+, in a browser page and in
// a (module) Web Worker.
//
//   import { load } from './sendflow.mjs';
//   const sendflow = await load();
//   const engine = sendflow.compile();            // the default policy
//   let c = engine.newCase({ id: 'c1', la: 'kent' });
//   c = engine.fire(c, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' }).case;
//
// Every value is plain JSON-shaped data, named exactly as in Go. A refusal is
// thrown as a SendflowError whose code (and details) are the Go *sdk.Error's.
//
// Cases the engine returns (newCase, fire, replay) are deep-frozen: nothing in
// them can be changed, so the module remembers each one it returned (a bounded
// cache inside the module) and passing it back sends only a reference, and fire
// brings back only what changed. A case you built or copied (structuredClone,
// JSON.parse) is sent in full, as before; the answers are the same either way.
import './wasm_exec.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Freezes v and everything in it; an already frozen object is taken as frozen throughout. */
function deepFreeze(v) {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
  } else {
    for (const k in v) deepFreeze(v[k]);
  }
  return v;
}

// A case's keys in the order Go writes them (origin and history, last, are added by fire).
const CASE_KEYS = ['id', 'la', 'district', 'child', 'evidence', 'person', 'states', 'clocks', 'decisions'];

/**
 * The delta case d with the parts listed in same taken from the old case (frozen, so they can be shared),
 * in the order a whole case has its keys.
 */
function withSame(d, old, same) {
  const c = {};
  for (const k of CASE_KEYS) {
    const v = same.includes(k) ? old[k] : d[k];
    if (v !== undefined) c[k] = v;
  }
  for (const k in d) if (!(k in c)) c[k] = d[k];
  return c;
}

/** True for the bridge's answer to a case_ref it cannot use (evicted, unknown): resend the case. */
function refRefused(error) {
  return error && error.code === 'invalid_input' && error.pointer === '/case_ref';
}

/** The one error type the engine throws: a Go *sdk.Error. */
export class SendflowError extends Error {
  constructor(e) {
    super(e && e.message ? e.message : String(e && e.code));
    this.name = 'SendflowError';
    /** Stable code: invalid_case, unknown_trigger, not_authorised, not_permitted, invalid_input,
     * guard_failed, invalid_policy, statutory_floor, limit_exceeded, history_mismatch, internal_error. */
    this.code = e.code;
    for (const k of ['detail', 'pointer', 'location', 'guards', 'problems']) {
      if (e[k] !== undefined) this[k] = e[k];
    }
    /** The error exactly as Go sent it. */
    this.error = e;
  }
  toJSON() { return this.error; }
}

let counter = 0;

async function wasmBytesOrModule(src) {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return src;
  if (typeof Response !== 'undefined' && src instanceof Response) return src;
  const url = src instanceof URL ? src : new URL(String(src), import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  return fetch(url);
}

async function instantiate(src, imports) {
  const got = await wasmBytesOrModule(src);
  if (got instanceof WebAssembly.Module) return WebAssembly.instantiate(got, imports);
  if (typeof Response !== 'undefined' && got instanceof Response) {
    if (!got.ok) throw new Error(`sendflow: fetching the module failed: ${got.status} ${got.statusText}`);
    if (WebAssembly.instantiateStreaming && (got.headers.get('content-type') || '').startsWith('application/wasm')) {
      return (await WebAssembly.instantiateStreaming(got, imports)).instance;
    }
    return (await WebAssembly.instantiate(await got.arrayBuffer(), imports)).instance;
  }
  return (await WebAssembly.instantiate(got, imports)).instance;
}

// In a browser the default module is fetched gzipped (sendflow.wasm.gz, about a fifth of sendflow.wasm)
// and inflated in the page by DecompressionStream while it compiles: the page then moves 2.4 MB instead
// of 11 MB, the largest part of the cold start. A server that already sends the .gz with
// Content-Encoding: gzip is handled (the browser has inflated it), and when there is no .gz, no
// DecompressionStream, or the inflated module does not compile, sendflow.wasm is fetched as before.
async function fetchGzipped(url) {
  if (typeof DecompressionStream !== 'function' || typeof Response !== 'function' || !WebAssembly.instantiateStreaming) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  try {
    const gz = await fetch(new URL(url.pathname + '.gz' + url.search, url));
    if (!gz.ok || !gz.body) return null;
    const inflated = (gz.headers.get('content-encoding') || '').toLowerCase().includes('gzip');
    const body = inflated ? gz.body : gz.body.pipeThrough(new DecompressionStream('gzip'));
    return new Response(body, { headers: { 'content-type': 'application/wasm' } });
  } catch {
    return null;
  }
}

async function instantiateDefault(url, imports) {
  const gz = await fetchGzipped(url);
  if (gz) {
    try {
      return (await WebAssembly.instantiateStreaming(gz, imports)).instance;
    } catch {
      // A corrupt or stale .gz: fall back to the plain module.
    }
  }
  return instantiate(url, imports);
}

/** One running instance of the module. */
export class Sendflow {
  /** @internal */
  constructor(exported, exports, go) {
    this._slow = exported.call;
    this._x = exports && typeof exports.sendflow_call === 'function' ? exports : null;
    this._go = go;
    this._buf = 0;
    this._cap = 0;
    /** @internal The raw call: a request JSON string in, the response JSON string out. */
    this._call = (json) => this._fast(json);
    /** @internal Case objects this instance returned → {engine, ref} of the copy the module keeps. */
    this._refs = new WeakMap();
    this.protocol = exported.protocol;
    /** Set (to the reason) when the Go runtime has stopped; the instance then only throws. */
    this.dead = null;
    this._registry = typeof FinalizationRegistry !== 'undefined'
      ? new FinalizationRegistry((handle) => { try { this.request({ op: 'free', engine: handle }); } catch { /* already freed */ } })
      : null;
  }

  /**
   * @internal Calls the module through its WebAssembly exports (the request written into its memory),
   * or through the js.FuncOf function when there are none or the request does not fit.
   */
  _fast(json) {
    const x = this._x;
    if (!x || typeof json !== 'string') return this._slow(json);
    if (this._go && this._go.exited) throw new Error('Go program has already exited');
    let bytes = null;
    let need = json.length * 3; // UTF-8 of a JS string is at most 3 bytes per UTF-16 unit
    if (need > this._cap) {
      if (need > (8 << 20)) {
        bytes = encoder.encode(json);
        need = bytes.length;
      }
      if (need > this._cap) {
        if (this._buf) x.sendflow_free(this._buf);
        this._buf = 0;
        this._cap = 0;
        const cap = Math.max(need, 64 << 10);
        const p = x.sendflow_alloc(cap);
        if (p === 0) return this._slow(json); // over the request limit: the answer is limit_exceeded
        this._buf = p;
        this._cap = cap;
      }
    }
    let len;
    if (bytes) {
      new Uint8Array(x.mem.buffer, this._buf, bytes.length).set(bytes);
      len = bytes.length;
    } else {
      len = encoder.encodeInto(json, new Uint8Array(x.mem.buffer, this._buf, this._cap)).written;
    }
    const r = x.sendflow_call(this._buf, len);
    return decoder.decode(new Uint8Array(x.mem.buffer, Number(r >> 32n), Number(r & 0xffffffffn)));
  }

  /** @internal Sends one request object; returns the whole response object ({ok, result, case_ref} or {ok:false, error}). */
  _send(req) {
    let json;
    try {
      json = JSON.stringify(req);
    } catch (e) {
      // Circular structures, BigInts: the same answer Go gives to input it cannot read.
      throw new SendflowError({ code: 'invalid_input', message: `the arguments are not JSON: ${e.message}` });
    }
    return JSON.parse(this.requestRaw(json));
  }

  /** Sends one bridge request (an object) and returns its result, or throws SendflowError. */
  request(req) {
    const resp = this._send(req);
    if (!resp.ok) throw new SendflowError(resp.error);
    return resp.result;
  }

  /**
   * Sends one bridge request as a JSON string and returns the response JSON string, unparsed. If the Go
   * runtime itself has stopped (it never should: panics are answered as internal_error), this throws an
   * internal_error SendflowError and the instance is dead: start another with create() (load() does so).
   */
  requestRaw(json) {
    if (this.dead) throw new SendflowError({ code: 'internal_error', message: `the module has stopped: ${this.dead}` });
    try {
      return this._call(json);
    } catch (e) {
      this.dead = String(e && e.message ? e.message : e);
      throw new SendflowError({ code: 'internal_error', message: `the module has stopped: ${this.dead}` });
    }
  }

  /** Protocol version, ops, graph formats, error codes and limits. */
  info() { return this.request({ op: 'info' }); }

  /** The embedded default policy, YAML text. */
  defaultPolicy() { return this.request({ op: 'default_policy' }); }

  /**
   * Compiles a policy: nothing (or '') for the default policy; one overlay's YAML/JSON text; or
   * an array of {name, text} layers (authority, then district). options.name names a single
   * overlay in diagnostics (default "policy.yaml").
   */
  compile(policy, options = {}) {
    const req = { op: 'compile' };
    if (Array.isArray(policy)) req.layers = policy;
    else if (policy != null && policy !== '') { req.policy = String(policy); if (options.name) req.name = options.name; }
    const info = this.request(req);
    const engine = new Engine(this, info);
    if (this._registry) this._registry.register(engine, info.engine, engine);
    return engine;
  }

  /**
   * Runs the scenarios in one scenario file's text on the default policy (or an overlay given in
   * options.policies, keyed by path relative to options.name's directory). Returns the report.
   */
  runScenario(text, options = {}) {
    return this.request({ op: 'run_scenario', text: String(text), name: options.name, policies: options.policies });
  }

  /**
   * What `sendflow test` does, over files already read: files is [{path, text, explicit}],
   * options.policies maps overlay paths to their text, options.coverage lists unfired triggers.
   * Returns {report, text, exit_code}.
   */
  runFiles(files, options = {}) {
    return this.request({ op: 'run_files', files, policies: options.policies, coverage: !!options.coverage });
  }
}

/** A compiled policy inside the module. Immutable; free() releases it early (GC also does). */
export class Engine {
  /** @internal */
  constructor(sf, info) {
    this._sf = sf;
    this.handle = info.engine;
    this.policyId = info.policy_id;
    this.policyHash = info.policy_hash;
    this.layers = info.layers;
    this.tracks = info.tracks;
    this.triggers = info.triggers;
    /** Each trigger's label by locale ({'ehc.requested': {en: 'Record the request', cy: …}}). */
    this.labels = info.labels || {};
  }
  /** The label of trigger in locale (en, cy), falling back to English, then to the id. */
  label(trigger, locale = 'en') {
    const l = this.labels[trigger] || {};
    const loc = String(locale || 'en').toLowerCase().split(/[-_]/)[0];
    return l[loc] || l.en || trigger;
  }
  _req(op, args) { return this._sf.request({ op, engine: this.handle, ...args }); }

  /** @internal The {engine, ref} the module keeps kase under, when this engine returned it. */
  _refOf(kase) {
    const m = kase !== null && typeof kase === 'object' ? this._sf._refs.get(kase) : undefined;
    return m && m.engine === this.handle ? m : undefined;
  }

  /** @internal Freezes a case the module returned and remembers its ref. */
  _adopt(kase, ref) {
    deepFreeze(kase);
    if (typeof ref === 'number') this._sf._refs.set(kase, { engine: this.handle, ref });
    return kase;
  }

  /**
   * @internal Sends the request about kase by reference when the module holds kase. Returns the response,
   * or undefined when kase must be sent whole (not returned by this engine, or evicted).
   */
  _byRef(kase, op, args) {
    const m = this._refOf(kase);
    if (!m) return undefined;
    const resp = this._sf._send({ op, engine: this.handle, case_ref: m.ref, ...args });
    if (resp.ok || !refRefused(resp.error)) return resp;
    this._sf._refs.delete(kase); // evicted: send it in full from now on
    return undefined;
  }

  /** @internal An op on a case: by ref when the module holds it, else the case itself. */
  _onCase(op, kase, args) {
    const resp = this._byRef(kase, op, args);
    if (!resp) return this._req(op, { case: kase, ...args });
    if (!resp.ok) throw new SendflowError(resp.error);
    return resp.result;
  }

  /** Opens a case: every track at its initial state. The case is frozen. */
  newCase(facts = {}) {
    const resp = this._sf._send({ op: 'new_case', engine: this.handle, facts, remember: true });
    if (!resp.ok) throw new SendflowError(resp.error);
    return this._adopt(resp.result, resp.case_ref);
  }

  /**
   * Fires one trigger: returns {case, event, clocks, warnings}; the case passed in is not changed. The new case
   * (and the event, the last of its history) is frozen.
   */
  fire(kase, firing) {
    const byRef = this._byRef(kase, 'fire', { firing, delta: true });
    if (byRef) {
      if (!byRef.ok) throw new SendflowError(byRef.error);
      // The answer is the new case without what it shares with kase: the parts listed in same (facts,
      // states, clocks, decisions: put back where a whole case has them), the history (kase's plus the
      // event) and, when unchanged, the origin (both added back last, where a whole case has them).
      const out = byRef.result;
      if (byRef.same) out.case = withSame(out.case, kase, byRef.same);
      const c = out.case;
      deepFreeze(out.event);
      if (!('history' in c)) {
        if (!('origin' in c) && kase.origin !== undefined) c.origin = kase.origin;
        const h = kase.history ? kase.history.slice() : [];
        h.push(out.event);
        c.history = Object.freeze(h);
      }
      this._adopt(c, byRef.case_ref);
      return out;
    }
    const resp = this._sf._send({ op: 'fire', engine: this.handle, case: kase, firing, remember: true });
    if (!resp.ok) throw new SendflowError(resp.error);
    const out = resp.result;
    this._adopt(out.case, resp.case_ref);
    deepFreeze(out.event);
    return out;
  }
  /** Every trigger for one role as of asOf: allowed, or why not; reasons in locale where the policy has them (cy), else English. */
  permitted(kase, role, asOf, locale) { return this._onCase('permitted', kase, { role, as_of: asOf, locale }); }
  /** Every clock judged as of asOf. */
  clocks(kase, asOf) { return this._onCase('clocks', kase, { as_of: asOf }); }
  /** Rebuilds a case from its origin facts and events. The case is frozen. */
  replay(origin, events) {
    const resp = this._sf._send({ op: 'replay', engine: this.handle, origin, events, remember: true });
    if (!resp.ok) throw new SendflowError(resp.error);
    return this._adopt(resp.result, resp.case_ref);
  }
  /**
   * Checks a case's hash chain and replays it: {ok, events, first_bad, reason}. With keys (ed25519 public keys,
   * standard base64) every event must also be signed by one of them.
   */
  verify(kase, keys) { return this._onCase('verify', kase, keys === undefined ? {} : { keys }); }
  /** The tracks as a diagram: format "dot" or "mermaid"; a case highlights its current states. */
  graph(format = 'dot', kase) { return kase === undefined ? this._req('graph', { format }) : this._onCase('graph', kase, { format }); }
  /** The merged policy document. */
  policy() { return this._req('policy', {}); }
  /** Runs every scenario in text on this engine; returns the report. */
  runScenario(text, options = {}) { return this._req('run_scenario', { text: String(text), name: options.name }); }
  /** Releases the engine inside the module. */
  free() {
    if (this._sf._registry) this._sf._registry.unregister(this);
    return this._req('free', {});
  }
}

/**
 * Starts a new instance of the module. options.wasm: a URL, a path relative to this file, bytes,
 * a fetch Response or a WebAssembly.Module (default: sendflow.wasm beside this file; in a browser
 * sendflow.wasm.gz is fetched and inflated first when it is there, see fetchGzipped).
 */
export async function create(options = {}) {
  if (typeof globalThis.Go !== 'function') throw new Error('sendflow: wasm_exec.js did not load');
  const go = new globalThis.Go();
  const name = `__sendflow_${Date.now().toString(36)}_${counter++}`;
  go.env = { SENDFLOW_EXPORT: name };
  go.argv = ['sendflow'];
  const instance = options.wasm !== undefined
    ? await instantiate(options.wasm, go.importObject)
    : await instantiateDefault(new URL('./sendflow.wasm', import.meta.url), go.importObject);
  const exited = go.run(instance);
  const exported = globalThis[name];
  if (!exported || typeof exported.call !== 'function') {
    await exited;
    throw new Error('sendflow: the module did not start');
  }
  delete globalThis[name];
  return new Sendflow(exported, instance.exports, go);
}

let shared = null;
let loaded = null;

/** Loads the module once and returns the shared instance (later calls return the same). */
export function load(options = {}) {
  if (loaded && loaded.dead) {
    shared = null;
    loaded = null;
  }
  if (!shared) {
    shared = create(options).then((sf) => { loaded = sf; return sf; }, (e) => { shared = null; throw e; });
  }
  return shared;
}

function current() {
  if (!loaded) throw new Error('sendflow: call `await load()` first');
  return loaded;
}

// Helpers on the shared instance, usable after `await load()`.
/** Compiles a policy on the shared instance (see Sendflow.compile). */
export function compile(policy, options) { return current().compile(policy, options); }
/** Runs one scenario file's text on the shared instance (see Sendflow.runScenario). */
export function runScenario(text, options) { return current().runScenario(text, options); }
/** Runs scenario files on the shared instance (see Sendflow.runFiles). */
export function runFiles(files, options) { return current().runFiles(files, options); }
