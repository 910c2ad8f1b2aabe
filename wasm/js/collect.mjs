// Collects scenario files and the policy overlays they name from the file
// system, the way `sendflow test` finds them (sdk/scenario: files as given,
// directories walked recursively for *.yaml, *.yml and *.json in sorted
// order, hidden files and directories skipped), so a host without a file
// system (the WebAssembly build) can be handed them: Node only.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

const EXTS = new Set(['.yaml', '.yml', '.json']);

function walk(dir, out) {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.name.startsWith('.')) continue;
    const p = path.join(dir, d.name);
    if (d.isDirectory()) walk(p, out);
    else if (EXTS.has(path.extname(d.name).toLowerCase())) out.push(p);
  }
}

/** Policy references named at the top level of a scenario file ("policy: x"). */
export function policyRefs(text) {
  const refs = [];
  for (const m of text.matchAll(/^policy:[ \t]*(.*)$/gm)) {
    let v = m[1].replace(/[ \t]+#.*$/, '').trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    if (v !== '' && v !== 'default') refs.push(v);
  }
  return refs;
}

/**
 * Returns {files: [{path, text, explicit}], policies: {path: text}} for the
 * bridge's run_files op. Throws an Error whose message is the one the Go CLI
 * prints when a path cannot be read.
 */
export function collect(paths) {
  const files = [];
  const seen = new Set();
  const add = (p, explicit) => {
    const key = path.resolve(p);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path: p, text: readFileSync(p, 'utf8'), explicit });
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`stat ${p}: no such file or directory`);
    }
    if (!st.isDirectory()) {
      add(p, true);
      continue;
    }
    const found = [];
    walk(p, found);
    found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const f of found) add(f, false);
  }
  const policies = {};
  for (const f of files) {
    for (const ref of policyRefs(f.text)) {
      const p = path.isAbsolute(ref) ? path.normalize(ref) : path.join(path.dirname(f.path), ref);
      const key = p.split(path.sep).join('/');
      if (!(key in policies) && existsSync(p) && statSync(p).isFile()) policies[key] = readFileSync(p, 'utf8');
    }
  }
  return { files, policies };
}
