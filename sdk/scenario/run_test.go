package scenario_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/scenario"
	"github.com/sendflow/sendflow/sdk/scenario/scenariotest"
)

func parse(t *testing.T, src string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Parse("s.yaml", []byte(src))
	require.NoError(t, err)
	return s
}

const walkthrough = `name: walkthrough
case: {id: c-1}
steps:
  - at: 2026-01-05
    actor: parent
    trigger: ehc.requested
    expect:
      states: {ehc: request_received}
      clocks:
        ehc_decision_to_assess: {due: 2026-02-16, status: running}
        ehc_final_plan: {due: 2026-05-25}
  - at: 2026-01-20
    actor: parent
    trigger: ehc.decided_to_assess
    expect: {error: not_authorised}
  - as_of: 2026-02-17
    expect:
      states: {ehc: request_received, support: universal}
      clocks: {ehc_decision_to_assess: {status: missed}}
      permitted: {la_officer: [ehc.decided_to_assess]}
      not_permitted: {parent: [ehc.decided_to_assess, ehc.requested]}
  - at: 2026-02-18
    actor: la_officer
    trigger: ehc.decided_to_assess
    expect:
      states: {ehc: assessing}
      clocks: {ehc_decision_to_assess: {status: missed}}
  - at: 2026-02-19
    actor: la_officer
    trigger: ehc.advice_requested
    data: {from: medical}
    expect:
      clocks: {ehc_advice.medical: {due: 2026-04-02, status: running}}
  - at: 2026-02-20
    actor: senco
    trigger: support.placed
    expect:
      states: {support: sen_support.assess}
`

func TestRunPasses(t *testing.T) {
	eng := scenariotest.New()
	res := scenario.Run(parse(t, walkthrough), eng)
	require.True(t, res.Passed, res.Message)
	assert.Equal(t, "walkthrough", res.Name)
	assert.Equal(t, "s.yaml", res.File)
	assert.Equal(t, "default", res.Policy)
	assert.Zero(t, res.Step)
	assert.Empty(t, res.Message)
	assert.Equal(t, []string{"ehc.advice_requested", "ehc.decided_to_assess", "ehc.requested", "support.placed"}, res.Fired)
	assert.Equal(t, map[string]string{"ehc": "none", "support": "universal", "hnf": "none", "plan": "none"}, res.Initial)

	require.Len(t, res.Timeline, 6)
	e := res.Timeline[1]
	assert.Equal(t, 2, e.Step)
	assert.Equal(t, "not_authorised", e.Error)
	assert.Equal(t, "request_received", e.States["ehc"])
	assert.True(t, e.Passed)
	q := res.Timeline[2]
	assert.Equal(t, "2026-02-17", q.AsOf)
	assert.Empty(t, q.Trigger)
	require.NotEmpty(t, q.Clocks)
	assert.Equal(t, "missed", string(q.Clocks[0].Status))
	assert.Equal(t, "sen_support.assess", res.Timeline[5].States["support"])

	// The runner sends the firing as written.
	f := eng.Firings()
	require.Len(t, f, 5)
	assert.Equal(t, "la_officer", f[3].Actor)
	assert.Equal(t, map[string]any{"from": "medical"}, f[3].Data)
}

// failing runs src against a fresh fake and returns the failed result.
func failing(t *testing.T, src string, eng *scenariotest.Engine) scenario.Result {
	t.Helper()
	if eng == nil {
		eng = scenariotest.New()
	}
	res := scenario.Run(parse(t, src), eng)
	require.False(t, res.Passed, "the scenario should fail")
	return res
}

const head = "name: n\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested}\n"

func TestRunExpectedErrorGotSuccess(t *testing.T) {
	res := failing(t, head+"  - {at: 2026-01-20, actor: la_officer, trigger: ehc.decided_to_assess, expect: {error: not_authorised}}\n", nil)
	assert.Equal(t, 2, res.Step)
	assert.Equal(t, 4, res.Line)
	assert.Equal(t, "ehc.decided_to_assess", res.Label)
	assert.Equal(t, "error", res.Check)
	assert.Equal(t, "error not_authorised", res.Expected)
	assert.Equal(t, "success", res.Actual)
	assert.Equal(t, "step 2 (ehc.decided_to_assess): expected error not_authorised, got success", res.Message)
	// The step's other expectations are not judged once the firing went the wrong way.
	assert.Len(t, res.Mismatches, 1)
	// It did fire, and the timeline shows where the case went.
	assert.Equal(t, "assessing", res.Timeline[1].States["ehc"])
	assert.False(t, res.Timeline[1].Passed)
}

func TestRunWrongErrorCode(t *testing.T) {
	// A parent firing from the wrong state is not authorised before it is
	// not permitted: the exact code must match.
	res := failing(t, "name: n\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.decided_to_assess, expect: {error: not_permitted}}\n", nil)
	assert.Equal(t, 1, res.Step)
	assert.Equal(t, "error not_permitted", res.Expected)
	assert.Equal(t, "error not_authorised", res.Actual)
	assert.Contains(t, res.Message, "step 1 (ehc.decided_to_assess): expected error not_permitted, got error not_authorised: parent may not fire")
}

func TestRunUnknownTrigger(t *testing.T) {
	res := scenario.Run(parse(t, "name: n\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.nope, expect: {error: unknown_trigger}}\n"), scenariotest.New())
	assert.True(t, res.Passed, res.Message)
	assert.Empty(t, res.Fired)
}

func TestRunFiringMustSucceed(t *testing.T) {
	res := failing(t, head+"  - {at: 2026-01-20, actor: parent, trigger: ehc.decided_to_assess}\n  - {as_of: 2026-01-21}\n", nil)
	assert.Equal(t, 2, res.Step)
	assert.Equal(t, "success", res.Expected)
	assert.Equal(t, "error not_authorised", res.Actual)
	assert.Contains(t, res.Message, "step 2 (ehc.decided_to_assess): expected success, got error not_authorised")
	// The scenario stops at its first failing step.
	assert.Len(t, res.Timeline, 2)
	assert.Equal(t, []string{"ehc.requested"}, res.Fired)
}

func TestRunRefusedFiringMustLeaveCaseUnchanged(t *testing.T) {
	eng := scenariotest.New()
	eng.MutateOnError = true
	res := failing(t, head+"  - {at: 2026-01-20, actor: parent, trigger: ehc.decided_to_assess, expect: {error: not_authorised}}\n", eng)
	assert.Equal(t, 2, res.Step)
	assert.Equal(t, "case", res.Check)
	assert.Equal(t, "the case unchanged", res.Expected)
	assert.Contains(t, res.Message, "the refused firing changed states")
}

func TestRunStates(t *testing.T) {
	// Only named tracks are checked; nested states use dots.
	ok := scenario.Run(parse(t, "name: n\nsteps:\n  - {at: 2026-01-05, actor: senco, trigger: support.placed, expect: {states: {support: sen_support.assess}}}\n"), scenariotest.New())
	assert.True(t, ok.Passed, ok.Message)

	res := failing(t, head+"  - as_of: 2026-01-06\n    expect: {states: {ehc: assessing, lift: none, support: universal}}\n", nil)
	assert.Equal(t, 2, res.Step)
	assert.Equal(t, "as of 2026-01-06", res.Label)
	require.Len(t, res.Mismatches, 2)
	assert.Equal(t, scenario.Mismatch{Check: "states.ehc", Expected: "assessing", Actual: "request_received",
		Message: "states.ehc: expected assessing, got request_received"}, res.Mismatches[0])
	assert.Equal(t, "states.lift", res.Mismatches[1].Check)
	assert.Equal(t, "no such track", res.Mismatches[1].Actual)
	assert.Equal(t, "step 2 (as of 2026-01-06): states.ehc: expected assessing, got request_received (and 1 more)", res.Message)
}

func TestRunClocks(t *testing.T) {
	t.Run("due", func(t *testing.T) {
		res := failing(t, "name: n\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    expect: {clocks: {ehc_final_plan: {due: 2026-05-26}}}\n", nil)
		assert.Equal(t, 1, res.Step)
		assert.Equal(t, "clocks.ehc_final_plan.due", res.Check)
		assert.Equal(t, "2026-05-26", res.Expected)
		assert.Equal(t, "2026-05-25", res.Actual)
	})
	t.Run("status as of the firing", func(t *testing.T) {
		res := failing(t, head+"  - at: 2026-02-17\n    actor: la_officer\n    trigger: ehc.decided_to_assess\n    expect: {clocks: {ehc_decision_to_assess: {status: met}}}\n", nil)
		assert.Equal(t, "clocks.ehc_decision_to_assess.status", res.Check)
		assert.Equal(t, "met", res.Expected)
		assert.Equal(t, "missed", res.Actual)
	})
	t.Run("status as of a query", func(t *testing.T) {
		src := head + "  - as_of: 2026-02-16\n    expect: {clocks: {ehc_decision_to_assess: {status: running}}}\n" +
			"  - as_of: 2026-02-17\n    expect: {clocks: {ehc_decision_to_assess: {status: running}}}\n"
		res := failing(t, src, nil)
		assert.Equal(t, 3, res.Step)
		assert.Equal(t, "missed", res.Actual)
	})
	t.Run("absent", func(t *testing.T) {
		res := failing(t, head+"  - as_of: 2026-01-06\n    expect: {clocks: {ehc_advice.medical: {}}}\n", nil)
		assert.Equal(t, "clocks.ehc_advice.medical", res.Check)
		assert.Equal(t, "a clock", res.Expected)
		assert.Equal(t, "no such clock", res.Actual)
	})
	t.Run("per source", func(t *testing.T) {
		src := head + "  - {at: 2026-01-06, actor: la_officer, trigger: ehc.decided_to_assess}\n" +
			"  - {at: 2026-01-07, actor: la_officer, trigger: ehc.advice_requested, data: {from: medical}}\n" +
			"  - {at: 2026-01-08, actor: advice_giver, trigger: ehc.advice_received, data: {from: medical},\n" +
			"     expect: {clocks: {ehc_advice.medical: {due: 2026-02-18, status: met}}}}\n"
		res := scenario.Run(parse(t, src), scenariotest.New())
		assert.True(t, res.Passed, res.Message)
	})
	t.Run("engine error on query", func(t *testing.T) {
		res := failing(t, head+"  - as_of: 2026-13-01\n    expect: {clocks: {ehc_final_plan: {}}}\n", nil)
		assert.Equal(t, "clocks", res.Check)
		assert.Equal(t, "error invalid_input", res.Actual)
	})
}

func TestRunPermissions(t *testing.T) {
	t.Run("permitted", func(t *testing.T) {
		res := failing(t, head+"  - as_of: 2026-01-06\n    expect: {permitted: {la_officer: [ehc.decided_to_assess], parent: [ehc.requested]}}\n", nil)
		assert.Equal(t, 2, res.Step)
		assert.Equal(t, "permitted.parent", res.Check)
		assert.Equal(t, "ehc.requested allowed", res.Expected)
		assert.Equal(t, "ehc.requested not_permitted", res.Actual)
		assert.Contains(t, res.Message, "permitted.parent: expected ehc.requested allowed, got ehc.requested not_permitted: ehc.requested cannot fire from request_received")
	})
	t.Run("not permitted", func(t *testing.T) {
		res := failing(t, head+"  - as_of: 2026-01-06\n    expect: {not_permitted: {la_officer: [ehc.decided_to_assess]}}\n", nil)
		assert.Equal(t, "not_permitted.la_officer", res.Check)
		assert.Equal(t, "ehc.decided_to_assess not allowed", res.Expected)
		assert.Equal(t, "ehc.decided_to_assess allowed", res.Actual)
	})
	t.Run("unknown trigger", func(t *testing.T) {
		res := failing(t, head+"  - as_of: 2026-01-06\n    expect: {not_permitted: {parent: [ehc.nope]}}\n", nil)
		assert.Equal(t, "no such trigger", res.Actual)
	})
	t.Run("on a firing step, after the firing", func(t *testing.T) {
		res := scenario.Run(parse(t, "name: n\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n"+
			"    expect: {permitted: {la_officer: [ehc.decided_to_assess]}, not_permitted: {parent: [ehc.requested]}}\n"), scenariotest.New())
		assert.True(t, res.Passed, res.Message)
	})
}

func TestRunEnginePanicFailsTheStep(t *testing.T) {
	eng := scenariotest.New()
	eng.PanicOn = "ehc.decided_to_assess"
	res := failing(t, head+"  - {at: 2026-01-06, actor: la_officer, trigger: ehc.decided_to_assess}\n", eng)
	assert.Equal(t, 2, res.Step)
	assert.Equal(t, "engine", res.Check)
	assert.Contains(t, res.Message, "the engine panicked")
	require.Len(t, res.Timeline, 2)
	assert.Equal(t, "request_received", res.Timeline[1].States["ehc"])
}

func TestRunDataReachesEngineAsStrings(t *testing.T) {
	eng := scenariotest.New()
	res := scenario.Run(parse(t, "name: n\nsteps:\n  - at: 2026-01-05\n    actor: la_officer\n    trigger: plan.review_invited\n    data: {meeting_date: 2026-03-01}\n"), eng)
	require.True(t, res.Passed, res.Message)
	assert.Equal(t, map[string]any{"meeting_date": "2026-03-01"}, eng.Firings()[0].Data)
}
