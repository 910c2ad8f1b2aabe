// A portal's use of the JS API, type-checked against wasm/js/sendflow.d.ts by wasm/test/types.test.mjs
// (tsc --noEmit --strict). Never run: it only has to compile, and each @ts-expect-error line must stay an
// error, so loosening a generated type (a union back to string) fails the test too.
import {
  load, compile, SendflowError,
  type Case, type Firing, type Outcome, type Permission, type ClockReport, type Trigger, type Role,
  type SendflowErrorData, type TriggerPayloads, type Policy, type Report, type ClockKey, type Frozen, type FiredOutcome,
} from '../../js/sendflow';

export async function portal(): Promise<string[]> {
  const sf = await load();
  const engine = compile();
  const kase: Frozen<Case> = engine.newCase({ id: 'c1', la: 'kent', child: { date_of_birth: '2015-03-01', year_group: 4 } });
  const literal: Case = {
    id: 'c2',
    evidence: ['personalised_plan', 'sdq'],
    states: { support: 'sen_support.plan', ehc: 'none', dispute: 'none' },
    clocks: {
      'ehc_advice.medical': {
        id: 'ehc_advice', source: 'medical', kind: 'duty', started_at: '2026-01-05', due: '2026-02-16', status: 'running',
      },
    },
  };
  const advice: TriggerPayloads['ehc.advice_requested'] = { from: 'medical' };
  const firing: Firing = { trigger: 'ehc.advice_requested', actor: 'la_officer', at: '2026-01-05', data: advice };
  const out: FiredOutcome = engine.fire(literal, firing);
  const next: Frozen<Case> = out.case;
  // @ts-expect-error a case the engine returned is frozen
  next.states.ehc = 'none';
  // @ts-expect-error its arrays too
  next.history?.push(out.event);
  // A copy is a plain case again, to edit and fire (it then goes to the engine whole).
  const copy = structuredClone(next) as Case;
  copy.evidence = [...(copy.evidence ?? []), 'sdq'];
  const again: Frozen<Case> = engine.replay({ id: 'c1' }, next.history ?? []);
  const refired: FiredOutcome = engine.fire(copy, firing);
  const when: string = out.event.at;
  const perms: Permission[] = engine.permitted(next, 'parent', '2026-01-06');
  const allowed: Trigger[] = perms.filter((p) => p.allowed).map((p) => p.trigger);
  const report: ClockReport = engine.clocks(next, '2026-02-20');
  const late: (ClockKey | string)[] = report.clocks.filter((c) => c.status === 'missed').map((c) => c.key);
  const policy: Policy = engine.policy();
  const roles: string[] = (policy.roles ?? []).map((r) => r.id);
  const run: Report = sf.runScenario('name: x\n', { name: 'x.yaml' });
  try {
    engine.fire(kase, { trigger: 'ehc.requested', actor: 'parent', at: '2026-01-01' });
  } catch (e) {
    if (e instanceof SendflowError) {
      const data: SendflowErrorData = e.toJSON();
      if (data.code === 'guard_failed') return (data.guards ?? []).map((g) => g.reason);
    }
  }
  // An overlay's own trigger or role is a cast away.
  const overlay: Firing = { trigger: 'lift.kent_panel' as Trigger, actor: 'kent_panel' as Role, at: '2026-01-01' };
  // @ts-expect-error not a trigger of the default policy
  const typo: Firing = { trigger: 'ehc.request', actor: 'parent', at: '2026-01-01' };
  // @ts-expect-error not an error code
  const code: SendflowErrorData = { code: 'oops', message: 'x' };
  // @ts-expect-error a case needs its states
  const stateless: Case = { id: 'c3' };
  // @ts-expect-error not a state of the ehc track
  const badState: Case = { states: { ehc: 'assessed' } };
  // @ts-expect-error advice_requested needs from
  const noSource: TriggerPayloads['ehc.advice_requested'] = {};
  void [overlay, typo, code, stateless, badState, noSource, when, allowed, late, roles, run, again, refired];
  return [];
}
