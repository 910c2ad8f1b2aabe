package sdk_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// exceptionCase is a request of Mon 2026-01-05 (decision due 2026-02-16)
// with an open absence from 2026-01-12, recorded on 2026-01-19.
func exceptionCase(t *testing.T, e *sdk.Engine) sdk.Case {
	c := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil).Case
	return fire(t, e, c, "ehc.exception_recorded", "la_officer", "2026-01-19",
		map[string]any{"reason": "absent_from_area", "since": "2026-01-12"}).Case
}

// The case lists its exceptions with their reason and period; ending one
// sets its until and never touches the case Fire was given.
func TestExceptionsAreListedOnTheCase(t *testing.T) {
	e := engine(t)
	c := exceptionCase(t, e)
	require.Len(t, c.Exceptions, 1)
	assert.Equal(t, sdk.Exception{Seq: 2, Reason: "absent_from_area", Since: "2026-01-12"}, c.Exceptions[0])
	assert.Equal(t, "absent_from_area", c.Clocks["ehc_decision_to_assess"].Exception, "an open absence counts until it ends")

	ended := fire(t, e, c, "ehc.exception_ended", "la_officer", "2026-02-20", map[string]any{"until": "2026-01-30"})
	assert.Equal(t, "2026-01-30", ended.Case.Exceptions[0].Until)
	assert.Empty(t, c.Exceptions[0].Until, "the input case is not changed")
	assert.Empty(t, ended.Case.Clocks["ehc_decision_to_assess"].Exception, "18 days: under the 28 absent_from_area needs")
	assert.Equal(t, sdk.ClockMissed, clockOf(t, ended, "ehc_decision_to_assess").Status)
	assert.True(t, e.Verify(ended.Case).OK)

	// A new request: the earlier exceptions excuse nothing started from its date.
	o := fire(t, e, ended.Case, "ehc.withdrawn", "parent", "2026-02-21", nil)
	o = fire(t, e, o.Case, "ehc.requested", "parent", "2026-02-23", nil)
	assert.Equal(t, "2026-02-23", o.Case.Exceptions[0].Before)
}

// An until before its since, and a since after the firing, are invalid_input.
func TestExceptionPeriodMustRunForwards(t *testing.T) {
	e := engine(t)
	c := exceptionCase(t, e)
	_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.exception_ended", Actor: "la_officer", At: "2026-01-20", Data: map[string]any{"until": "2026-01-11"}})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)
	assert.Equal(t, "/data/until", sdk.AsError(err).Pointer)

	c2 := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil).Case
	_, err = e.Fire(c2, sdk.Firing{Trigger: "ehc.exception_recorded", Actor: "la_officer", At: "2026-01-19",
		Data: map[string]any{"reason": "absent_from_area", "since": "2026-01-20", "until": "2026-01-10"}})
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeInvalidInput, se.Code)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("after_at"), se.Problems[0].Code)
	assert.Equal(t, "/data/since", se.Problems[0].Pointer)
}

// Verify replays the exceptions and finds one altered; a case whose
// exceptions are not well formed is invalid_case.
func TestExceptionsAreVerifiedAndChecked(t *testing.T) {
	e := engine(t)
	c := exceptionCase(t, e)
	require.True(t, e.Verify(c).OK)

	forged := c
	forged.Exceptions = []sdk.Exception{{Seq: 2, Reason: "absent_from_area", Since: "2026-01-12", Until: "2026-03-01"}}
	rep := e.Verify(forged)
	assert.False(t, rep.OK)
	assert.Contains(t, rep.Reason, "exceptions")

	for name, x := range map[string]sdk.Exception{
		"no since":   {Seq: 2, Reason: "absent_from_area"},
		"bad until":  {Seq: 2, Reason: "absent_from_area", Since: "2026-01-12", Until: "12/01/2026"},
		"bad reason": {Seq: 2, Reason: "Absent From Area", Since: "2026-01-12"},
		"no event":   {Reason: "absent_from_area", Since: "2026-01-12"},
	} {
		bad := c
		bad.Exceptions = []sdk.Exception{x}
		_, err := e.Clocks(bad, "2026-02-01")
		require.Error(t, err, name)
		assert.Equal(t, sdk.CodeInvalidCase, sdk.AsError(err).Code, name)
	}
	fresh := newCase(e)
	fresh.Exceptions = []sdk.Exception{{Seq: 1, Reason: "absent_from_area", Since: "2026-01-12"}}
	_, err := e.Clocks(fresh, "2026-02-01")
	require.Error(t, err)
	assert.Equal(t, "/exceptions", sdk.AsError(err).Pointer)
}

// A case stored before exceptions were listed (no "exceptions", a clock
// carrying its exception) is still read, and the clock keeps it.
func TestCaseWithoutExceptionsListStillReads(t *testing.T) {
	e := engine(t)
	c := fire(t, e, newCase(e), "ehc.requested", "parent", "2026-01-05", nil).Case
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.NotContains(t, string(b), `"exceptions"`)
	var old sdk.Case
	require.NoError(t, json.Unmarshal(b, &old))
	cl := old.Clocks["ehc_final_plan"]
	cl.Exception = "institution_closed" // recorded under the earlier reading
	old.Clocks["ehc_final_plan"] = cl
	o := fire(t, e, old, "ehc.decided_to_assess", "la_officer", "2026-02-02", nil)
	assert.Equal(t, "institution_closed", o.Case.Clocks["ehc_final_plan"].Exception)
	rep, err := e.Clocks(o.Case, "2026-05-26")
	require.NoError(t, err)
	assert.Equal(t, sdk.ClockExcused, find(rep, "ehc_final_plan").Status)
}

// orderCase is a refusal to assess appealed and ordered assessed on Mon
// 2026-11-16 (order_assess due 2026-11-30), then a late representations
// exception open from 2026-11-17.
func orderCase(t *testing.T, e *sdk.Engine) sdk.Case {
	c := newCase(e)
	for _, f := range []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-05-19"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-06-30"},
		{Trigger: "dispute.mediation_declined", Actor: "parent", At: "2026-07-06"},
		{Trigger: "dispute.certificate_issued", Actor: "mediation_adviser", At: "2026-07-07"},
		{Trigger: "dispute.appeal_registered", Actor: "parent", At: "2026-07-08"},
		{Trigger: "dispute.tribunal_decided", Actor: "tribunal", At: "2026-11-16", Data: map[string]any{"order": "assess"}},
		{Trigger: "ehc.exception_recorded", Actor: "la_officer", At: "2026-11-17", Data: map[string]any{"reason": "late_representations"}},
	} {
		o, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = o.Case
	}
	return c
}

// A rule limited to the clocks some triggers start (R44(3) and R45 list
// different reasons for an order's clocks and an unopposed appeal's): the
// clock records the trigger that started it only when a rule names it, and
// the rule reaches only the clocks it fits. Limiting a rule is narrowing it.
func TestExceptionRulesByStartingTrigger(t *testing.T) {
	d := engine(t)
	c := orderCase(t, d)
	assert.Empty(t, latestClock(c, "order_assess").StartedBy, "no rule of the default names the trigger that started it")
	assert.Equal(t, "late_representations", latestClock(c, "order_assess").Exception)

	status := func(overlay string) (sdk.Clock, sdk.ClockState) {
		e, err := sdk.Compile(sdk.PolicySource{Name: "r45.yaml", Data: []byte(overlay)})
		require.NoError(t, err)
		c := orderCase(t, e)
		r, err := e.Clocks(c, "2026-12-01")
		require.NoError(t, err)
		require.True(t, e.Verify(c).OK)
		cl := latestClock(c, "order_assess")
		return cl, find(r, cl.ID+"."+cl.Decision).Status
	}
	cl, st := status("id: r45\nclocks:\n  - {id: order_assess, exceptions: [{reason: late_representations, started_by: [dispute.tribunal_decided]}]}\n")
	assert.Equal(t, "dispute.tribunal_decided", cl.StartedBy)
	assert.Equal(t, sdk.ClockExcused, st)
	cl, st = status("id: r45\nclocks:\n  - {id: order_assess, exceptions: [{reason: late_representations, not_started_by: [dispute.tribunal_decided, dispute.appeal_unopposed]}]}\n")
	assert.Equal(t, "dispute.tribunal_decided", cl.StartedBy)
	assert.Equal(t, sdk.ClockMissed, st)
	assert.Empty(t, cl.Exception)

	_, err := sdk.Compile(sdk.PolicySource{Name: "r45.yaml", Data: []byte("id: r45\nclocks:\n  - {id: order_assess, exceptions: [{reason: late_representations, started_by: [dispute.nonesuch]}]}\n")})
	require.Error(t, err)
	se := sdk.AsError(err)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("unknown_trigger"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Message, "dispute.nonesuch")
}

// latestClock is the latest started instance of clock id (per-decision
// clocks are keyed id.dN).
func latestClock(c sdk.Case, id string) sdk.Clock {
	var out sdk.Clock
	for _, cl := range c.Clocks {
		if cl.ID == id && cl.StartedAt >= out.StartedAt {
			out = cl
		}
	}
	return out
}
