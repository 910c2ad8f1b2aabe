// A Node script using the browser build: node examples/node/main.mjs (after `make wasm`).
// In a project that installed the package, import from 'sendflow-wasm' instead.
import { load, SendflowError } from '../../wasm/dist/sendflow.mjs';

const sendflow = await load();
const engine = sendflow.compile(); // the default policy; pass an overlay's YAML text for a district's

let kase = engine.newCase({ id: 'case-1', la: 'kent', child: { date_of_birth: '2016-04-01' } });
const out = engine.fire(kase, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-05' });
kase = out.case;
console.log('ehc is now', kase.states.ehc);
for (const c of out.clocks) console.log(`clock ${c.key}: due ${c.due} (${c.status})`);

const allowed = engine.permitted(kase, 'la_officer', '2026-01-10').filter((p) => p.allowed).map((p) => p.trigger);
console.log('the LA officer may now fire:', allowed.join(', '));

try {
  engine.fire(kase, { trigger: 'ehc.plan_finalised', actor: 'la_officer', at: '2026-01-06' });
} catch (e) {
  if (!(e instanceof SendflowError)) throw e;
  console.log(`refused: ${e.code}: ${e.message}`);
}
console.log('history verifies:', engine.verify(kase).ok);
