package sdk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

func engine(t testing.TB) *sdk.Engine {
	t.Helper()
	e, err := sdk.Default()
	require.NoError(t, err)
	return e
}

func yearGroup(n int) *int { return &n }

func newCase(e *sdk.Engine, evidence ...string) sdk.Case {
	return e.NewCase(sdk.Facts{ID: "c-1", LA: "kent", District: "dover",
		Child: sdk.Child{DateOfBirth: "2016-03-02", YearGroup: yearGroup(4)}, Evidence: evidence})
}

// fire fires and fails the test on error.
func fire(t *testing.T, e *sdk.Engine, c sdk.Case, trigger, actor, at string, data map[string]any) sdk.Outcome {
	t.Helper()
	o, err := e.Fire(c, sdk.Firing{Trigger: trigger, Actor: actor, At: at, Data: data})
	require.NoError(t, err, "%s by %s at %s", trigger, actor, at)
	return o
}

func clockOf(t *testing.T, o sdk.Outcome, key string) sdk.ClockStatus {
	t.Helper()
	for _, c := range o.Clocks {
		if c.Key == key {
			return c
		}
	}
	t.Fatalf("clock %s not in outcome", key)
	return sdk.ClockStatus{}
}

func codeOf(err error) sdk.Code { return sdk.AsError(err).Code }

func asJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestWorkedExamples(t *testing.T) {
	e := engine(t)
	t.Run("EHC request received Mon 2026-01-05", func(t *testing.T) {
		o := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil)
		assert.Equal(t, "2026-02-16", clockOf(t, o, "ehc_decision_to_assess").Due)
		assert.Equal(t, "2026-04-27", clockOf(t, o, "ehc_no_plan_notice").Due)
		assert.Equal(t, "2026-05-25", clockOf(t, o, "ehc_final_plan").Due, "a bank holiday: calendar deadlines do not move")
	})
	t.Run("LIFT professional allocated Tue 2026-12-22", func(t *testing.T) {
		c := newCase(e, "personalised_plan")
		c = fire(t, e, c, "lift.referral_started", "senco", "2026-12-01", nil).Case
		c = fire(t, e, c, "lift.consent_recorded", "parent", "2026-12-02", map[string]any{"agreement_to_engage": true}).Case
		c = fire(t, e, c, "lift.meeting_held", "lift_chair", "2026-12-15", map[string]any{"outcomes": []any{"specialist_intervention"}}).Case
		o := fire(t, e, c, "lift.professional_allocated", "lift_chair", "2026-12-22", map[string]any{"professional": "specialist_teacher"})
		assert.Equal(t, "2026-12-31", clockOf(t, o, "lift_initial_contact.specialist_teacher").Due)
	})
	t.Run("draft plan served 2026-03-02", func(t *testing.T) {
		c := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil).Case
		c = fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-02-02", nil).Case
		o := fire(t, e, c, "ehc.draft_issued", "la_officer", "2026-03-02", nil)
		assert.Equal(t, "2026-03-16", clockOf(t, o, "ehc_draft_representations").Due)
	})
	t.Run("appeal window from a decision dated 2026-06-30", func(t *testing.T) {
		c := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-05-20", nil).Case
		o := fire(t, e, c, "ehc.decided_not_to_assess", "la_officer", "2026-06-30", nil)
		assert.Equal(t, "2026-09-01", clockOf(t, o, "appeal_window.d2").Due)
		assert.Equal(t, "2026-08-30", clockOf(t, o, "mediation_contact.d2").Due, "R33: never moved")
		assert.Equal(t, "d2", o.Case.Decisions[0].ID())
		assert.Equal(t, "2026-06-30", o.Case.Decisions[0].At)
		assert.Equal(t, "refusal_to_assess", o.Case.Decisions[0].Kind)
	})
}

func TestClockStatuses(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil).Case
	rep, err := e.Clocks(c, "2026-02-16")
	require.NoError(t, err)
	assert.Equal(t, sdk.ClockRunning, find(rep, "ehc_decision_to_assess").Status, "due day itself is still in time")
	assert.Equal(t, 0, *find(rep, "ehc_decision_to_assess").DaysLeft)
	rep, _ = e.Clocks(c, "2026-02-17")
	assert.Equal(t, sdk.ClockMissed, find(rep, "ehc_decision_to_assess").Status)

	late := fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-02-20", nil)
	assert.Equal(t, sdk.ClockMissed, clockOf(t, late, "ehc_decision_to_assess").Status, "stopped after due")
	onTime := fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-02-16", nil)
	assert.Equal(t, sdk.ClockMet, clockOf(t, onTime, "ehc_decision_to_assess").Status)

	ex := fire(t, e, c, "ehc.exception_recorded", "la_officer", "2026-02-01", map[string]any{"reason": "absent_from_area"})
	rep, _ = e.Clocks(ex.Case, "2026-03-01")
	assert.Equal(t, sdk.ClockExcused, find(rep, "ehc_decision_to_assess").Status)

	refused := fire(t, e, c, "ehc.decided_not_to_assess", "la_officer", "2026-02-10", nil)
	rep, _ = e.Clocks(refused.Case, "2026-12-01")
	assert.Equal(t, sdk.ClockCancelled, find(rep, "ehc_final_plan").Status, "a refusal ends the 20-week clock; it is not missed")
	assert.Equal(t, sdk.ClockEnded, find(rep, "appeal_window.d2").Status, "a window passes by itself")
}

func find(r sdk.ClockReport, key string) sdk.ClockStatus {
	for _, c := range r.Clocks {
		if c.Key == key {
			return c
		}
	}
	return sdk.ClockStatus{}
}

func TestFireNeverChangesItsInput(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e, "personalised_plan"), "ehc.requested", "parent", "2026-01-05", nil).Case
	before := asJSON(t, c)
	_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-20",
		Facts: map[string]any{"evidence": []any{"parental_consent"}}})
	require.NoError(t, err)
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "parent", At: "2026-01-20"})
	require.Error(t, err)
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "junk", Data: map[string]any{"x": 1}})
	require.Error(t, err)
	assert.Equal(t, before, asJSON(t, c))
}

func TestErrorPrecedence(t *testing.T) {
	e := engine(t)
	c := newCase(e)
	cases := []struct {
		name string
		f    sdk.Firing
		code sdk.Code
	}{
		{"unknown trigger beats everything", sdk.Firing{Trigger: "ehc.requestd", Actor: "nobody", At: "bad"}, sdk.CodeUnknownTrigger},
		{"wrong role before wrong state", sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "parent", At: "2026-01-05"}, sdk.CodeNotAuthorised},
		{"unknown role", sdk.Firing{Trigger: "ehc.requested", Actor: "wizard", At: "2026-01-05"}, sdk.CodeNotAuthorised},
		{"wrong state before bad input", sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "bad"}, sdk.CodeNotPermitted},
		{"bad date", sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-30"}, sdk.CodeInvalidInput},
		{"unknown payload field", sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05", Data: map[string]any{"urgent": true}}, sdk.CodeInvalidInput},
		{"bad input before guard", sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-01-05", Data: map[string]any{"annual_provision_cost": "lots"}}, sdk.CodeInvalidInput},
		{"guard", sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-01-05", Data: map[string]any{"annual_provision_cost": 6000}}, sdk.CodeGuardFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Fire(c, tc.f)
			require.Error(t, err)
			assert.Equal(t, tc.code, codeOf(err), err.Error())
			assert.True(t, errors.Is(err, &sdk.Error{Code: tc.code}))
		})
	}
}

func TestGuardFailedListsEveryGuard(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e), "hnf.considered", "school", "2026-01-05", map[string]any{"annual_provision_cost": 9000}).Case
	_, err := e.Fire(c, sdk.Firing{Trigger: "hnf.applied", Actor: "school", At: "2026-01-06"})
	require.Error(t, err)
	se := sdk.AsError(err)
	require.Equal(t, sdk.CodeGuardFailed, se.Code)
	var ids []string
	for _, g := range se.Guards {
		ids = append(ids, g.ID)
		assert.NotEmpty(t, g.Reason)
		assert.NotEmpty(t, g.Citation)
	}
	assert.Equal(t, []string{"lift_exhausted_or_plan", "two_personalised_plans", "hnf_parental_consent"}, ids)
}

func TestHNFThresholdNeverGatesAnEHCRequest(t *testing.T) {
	e := engine(t)
	// No evidence, no SEN support, no LIFT, nothing spent: the request is a right.
	o := fire(t, e, e.NewCase(sdk.Facts{}), "ehc.requested", "parent", "2026-01-05", nil)
	assert.Equal(t, "request_received", o.Case.States["ehc"])
	assert.Empty(t, o.Warnings)
}

func TestYoungPerson(t *testing.T) {
	e := engine(t)
	child := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2012-03-02"}})
	_, err := e.Fire(child, sdk.Firing{Trigger: "ehc.requested", Actor: "young_person", At: "2026-01-05"})
	assert.Equal(t, sdk.CodeNotAuthorised, codeOf(err), "a 13-year-old is not a young person")
	// Born 2010-03-10: compulsory school age ends Fri 2026-06-26.
	yp := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2010-03-10"}})
	_, err = e.Fire(yp, sdk.Firing{Trigger: "ehc.requested", Actor: "young_person", At: "2026-06-26"})
	assert.Equal(t, sdk.CodeNotAuthorised, codeOf(err), "still of compulsory school age on the last Friday in June")
	fire(t, e, yp, "ehc.requested", "young_person", "2026-06-27", nil)
}

func TestPermittedSaysWhy(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil).Case
	perms := func(role string) map[string]sdk.Permission {
		ps, err := e.Permitted(c, role, "2026-01-10")
		require.NoError(t, err)
		out := map[string]sdk.Permission{}
		for _, p := range ps {
			out[p.Trigger] = p
		}
		return out
	}
	la := perms("la_officer")
	assert.True(t, la["ehc.decided_to_assess"].Allowed)
	assert.True(t, la["ehc.decided_not_to_assess"].Allowed)
	assert.False(t, la["ehc.plan_finalised"].Allowed)
	assert.Equal(t, sdk.CodeNotPermitted, la["ehc.plan_finalised"].Code)
	assert.Contains(t, la["ehc.plan_finalised"].Reason, "request_received")
	parent := perms("parent")
	assert.Equal(t, sdk.CodeNotAuthorised, parent["ehc.decided_to_assess"].Code)
	school := perms("school")
	assert.True(t, school["hnf.considered"].Allowed)
	assert.Equal(t, []string{"annual_provision_cost"}, school["hnf.considered"].NeedsInput)
	_, err := e.Permitted(c, "wizard", "2026-01-10")
	assert.Equal(t, sdk.CodeNotAuthorised, codeOf(err))
	_, err = e.Permitted(c, "parent", "yesterday")
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err))
}

// lifecycle walks a case through most of the EHC and plan tracks.
func lifecycle(t *testing.T, e *sdk.Engine) sdk.Case {
	c := newCase(e, "personalised_plan")
	steps := []struct {
		trig, actor, at string
		data            map[string]any
	}{
		{"support.concern_raised", "senco", "2026-01-05", nil},
		{"support.placed", "senco", "2026-01-06", map[string]any{"need_areas": []any{"semh"}}},
		{"support.plan_agreed", "senco", "2026-01-07", nil},
		{"support.plan_started", "senco", "2026-01-08", nil},
		{"ehc.requested", "parent", "2026-01-12", nil},
		{"ehc.decided_to_assess", "la_officer", "2026-02-16", nil},
		{"ehc.advice_requested", "la_officer", "2026-02-17", map[string]any{"from": "medical"}},
		{"ehc.advice_requested", "la_officer", "2026-02-17", map[string]any{"from": "psychological"}},
		{"ehc.advice_received", "advice_giver", "2026-03-20", map[string]any{"from": "medical"}},
		{"ehc.advice_received", "advice_giver", "2026-04-10", map[string]any{"from": "psychological"}},
		{"ehc.draft_issued", "la_officer", "2026-04-13", nil},
		{"ehc.school_requested", "parent", "2026-04-20", map[string]any{"school": "Oak Primary"}},
		{"ehc.plan_finalised", "la_officer", "2026-05-20", map[string]any{"named_school": "Oak Primary"}},
		{"plan.review_invited", "school", "2027-04-01", map[string]any{"meeting_date": "2027-04-20"}},
		{"plan.review_meeting_held", "school", "2027-04-20", nil},
		{"plan.review_report_sent", "school", "2027-04-27", nil},
		{"plan.review_decided", "la_officer", "2027-05-10", map[string]any{"decision": "amend"}},
		{"plan.amendment_finalised", "la_officer", "2027-06-28", nil},
	}
	for _, s := range steps {
		c = fire(t, e, c, s.trig, s.actor, s.at, s.data).Case
	}
	return c
}

func TestLifecycleAndReplay(t *testing.T) {
	e := engine(t)
	c := lifecycle(t, e)
	assert.Equal(t, "active", c.States["plan"])
	assert.Equal(t, "plan_issued", c.States["ehc"])
	assert.Equal(t, "sen_support.do", c.States["support"])
	assert.Equal(t, "2028-05-09", c.Clocks["annual_review"].Due, "12 months starting with the review decision")
	assert.Equal(t, sdk.ClockMet, c.Clocks["ehc_advice.medical"].Status)
	assert.Equal(t, sdk.ClockMissed, c.Clocks["ehc_advice.psychological"].Status, "due 2026-03-31, received 2026-04-10")
	assert.Equal(t, sdk.ClockMet, c.Clocks["amendment_final"].Status, "due 2027-07-05")
	kinds := []string{}
	for _, d := range c.Decisions {
		kinds = append(kinds, d.Kind)
	}
	assert.Equal(t, []string{"plan_contents", "amended_plan"}, kinds)

	replayed, err := e.Replay(*c.Origin, c.History)
	require.NoError(t, err)
	assert.Equal(t, asJSON(t, c), asJSON(t, replayed), "Replay rebuilds an identical case")

	rep := e.Verify(c)
	assert.True(t, rep.OK, rep.Reason)
	assert.Equal(t, len(c.History), rep.Events)

	// A host's JSON round trip changes nothing.
	var stored sdk.Case
	require.NoError(t, json.Unmarshal([]byte(asJSON(t, c)), &stored))
	assert.True(t, e.Verify(stored).OK)
}

func TestVerifyNamesTheFirstTamperedEvent(t *testing.T) {
	e := engine(t)
	c := lifecycle(t, e)
	tamper := func(fn func(h []sdk.Event) []sdk.Event) sdk.VerifyReport {
		var cp sdk.Case
		require.NoError(t, json.Unmarshal([]byte(asJSON(t, c)), &cp))
		cp.History = fn(cp.History)
		return e.Verify(cp)
	}
	r := tamper(func(h []sdk.Event) []sdk.Event { h[6].At = "2026-02-18T00:00:00Z"; return h })
	assert.False(t, r.OK)
	assert.Equal(t, 7, r.FirstBad)
	r = tamper(func(h []sdk.Event) []sdk.Event { return append(h[:3], h[4:]...) })
	assert.False(t, r.OK)
	assert.Equal(t, 4, r.FirstBad)
	r = tamper(func(h []sdk.Event) []sdk.Event { h[2], h[3] = h[3], h[2]; return h })
	assert.False(t, r.OK)
	assert.Equal(t, 3, r.FirstBad)
}

func TestStatutoryFloor(t *testing.T) {
	overlay := func(y string) error {
		_, err := sdk.Compile(sdk.PolicySource{Name: "district.yaml", Data: []byte(y)})
		return err
	}
	err := overlay(`id: strict
triggers:
  - id: ehc.requested
    from: [none]
    to: request_received
    roles: [parent, young_person, school]
    guards:
      - {id: needs_sen_support, expr: 'states.support != "universal"', reason: "SEN support first"}
`)
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeStatutoryFloor, se.Code)
	assert.Contains(t, se.Problems[0].Location, "district.yaml:8:", "the position of the guard itself")

	err = overlay(`id: slow
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}
`)
	require.Error(t, err)
	assert.Equal(t, sdk.CodeStatutoryFloor, codeOf(err))

	e, err := sdk.Compile(sdk.PolicySource{Name: "fast.yaml", Data: []byte(`id: fast
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}
`)})
	require.NoError(t, err, "a stricter clock is allowed")
	o := fire(t, e, e.NewCase(sdk.Facts{}), "ehc.requested", "parent", "2026-01-05", nil)
	assert.Equal(t, "2026-05-11", clockOf(t, o, "ehc_final_plan").Due)

	e, err = sdk.Compile(sdk.PolicySource{Name: "lax.yaml", Data: []byte(`id: lax
allow_below_statutory_floor: true
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}
`)})
	require.NoError(t, err)
	o = fire(t, e, e.NewCase(sdk.Facts{}), "ehc.requested", "parent", "2026-01-05", nil)
	require.NotEmpty(t, o.Warnings)
	assert.Equal(t, sdk.WarningBelowStatutoryFloor, o.Warnings[0].Code)
}

func TestCompileReportsEveryProblemWithPositions(t *testing.T) {
	_, err := sdk.Compile(sdk.PolicySource{Name: "bad.yaml", Data: []byte(`id: bad
triggers:
  - id: ehc.extra_check
    from: [assessing]
    roles: [la_oficer]
    guards:
      - {id: g1, expr: 'evidence > 3', reason: "type error"}
      - {id: g2, expr: 'data.cost > 1', reason: "unknown field"}
`)})
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeInvalidPolicy, se.Code)
	require.Len(t, se.Problems, 3, asJSON(t, se.Problems))
	assert.Contains(t, se.Problems[0].Message, `did you mean "la_officer"`)
	for _, p := range se.Problems {
		assert.Regexp(t, `^bad\.yaml:\d+:\d+$`, p.Location)
		assert.Contains(t, p.Snippet, "^")
	}
	_, err = sdk.Compile(sdk.PolicySource{Name: "syntax.yaml", Data: []byte("id: [unclosed\n")})
	assert.Equal(t, sdk.CodeInvalidPolicy, codeOf(err))
	_, err = sdk.Compile(sdk.PolicySource{Name: "typo.yaml", Data: []byte("id: x\ntriggerz: []\n")})
	require.Error(t, err)
	assert.Equal(t, "typo.yaml:2:1", sdk.AsError(err).Location)
}

func TestInvalidCase(t *testing.T) {
	e := engine(t)
	bad := []sdk.Case{
		{States: map[string]string{"ehc": "limbo"}},
		{States: map[string]string{"wizardry": "none"}},
		{Facts: sdk.Facts{Evidence: []string{"crystal_ball"}}},
		{Facts: sdk.Facts{Child: sdk.Child{DateOfBirth: "02/03/2016"}}},
	}
	for i, c := range bad {
		_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		assert.Equal(t, sdk.CodeInvalidCase, codeOf(err), "case %d", i)
		assert.NotEmpty(t, sdk.AsError(err).Pointer)
	}
	// A case with no states at all is a new case.
	o := fire(t, e, sdk.Case{}, "ehc.requested", "parent", "2026-01-05", nil)
	assert.Equal(t, "none", o.Case.States["plan"])
}

func TestConcurrentFiringMatchesSequential(t *testing.T) {
	e := engine(t)
	assertConcurrentLifecycles(t, e, 16, asJSON(t, lifecycle(t, e)))
}

// assertConcurrentLifecycles walks the whole lifecycle on e in n goroutines
// at once; each must give want (the case as JSON).
func assertConcurrentLifecycles(t *testing.T, e *sdk.Engine, n int, want string) {
	t.Helper()
	var wg sync.WaitGroup
	results := make([]string, n)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = asJSON(t, lifecycle(t, e))
		}()
	}
	wg.Wait()
	for i, got := range results {
		assert.Equal(t, want, got, "goroutine %d", i)
	}
}

func TestErrorsMarshalAsData(t *testing.T) {
	e := engine(t)
	_, err := e.Fire(newCase(e), sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-01-05", Data: map[string]any{"annual_provision_cost": 10}})
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(asJSON(t, err)), &m))
	assert.Equal(t, "guard_failed", m["code"])
	assert.NotEmpty(t, m["guards"])
	assert.Equal(t, fmt.Sprint(sdk.CodeGuardFailed), string(sdk.AsError(err).Code))
}
