package sdk_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// midAssessment is a case half-way through an EHC needs assessment in
// another system: requested on Mon 2026-01-05, decided to assess, advice
// asked from two sources, imported on 2026-02-20.
func midAssessment() sdk.ImportRecord {
	return sdk.ImportRecord{
		Facts: sdk.Facts{ID: "legacy-4411", LA: "kent", District: "dover", Child: sdk.Child{DateOfBirth: "2016-03-02"}},
		At:    "2026-02-20", By: "migration-2026-02", From: "legacy-mis",
		States: map[string]string{"ehc": "assessing", "support": "sen_support.do"},
		Clocks: []sdk.ImportClock{
			{Clock: "ehc_no_plan_notice", StartedAt: "2026-01-05"},
			{Clock: "ehc_final_plan", StartedAt: "2026-01-05"},
			{Clock: "ehc_advice", Source: "educational", StartedAt: "2026-02-09"},
			{Clock: "support_review", StartedAt: "2026-01-12"},
		},
	}
}

// TestImportedCaseVerifiesAndFiresOn: an imported mid-lifecycle case keeps
// its clocks' dates, verifies, replays to itself and fires on (issue #18).
func TestImportedCaseVerifiesAndFiresOn(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	out, err := e.Import(midAssessment())
	require.NoError(t, err)
	c := out.Case
	assert.Equal(t, sdk.ImportTrigger, out.Event.Trigger)
	assert.Equal(t, "assessing", c.States["ehc"])
	assert.Equal(t, "2026-04-27", c.Clocks["ehc_no_plan_notice"].Due) // 16 weeks from Mon 5 January
	assert.Equal(t, "2026-05-25", c.Clocks["ehc_final_plan"].Due)     // 20 weeks: a bank holiday, not moved
	assert.Equal(t, "2026-03-23", c.Clocks["ehc_advice.educational"].Due)
	assert.Equal(t, sdk.ClockRunning, c.Clocks["ehc_final_plan"].Status)

	rep := e.Verify(c)
	assert.True(t, rep.OK, rep.Reason)
	again, err := e.Replay(*c.Origin, c.History)
	require.NoError(t, err)
	assert.Equal(t, jsonOf(t, c), jsonOf(t, again))

	// It fires on: the advice arrives, then the draft and the final plan.
	for _, f := range []sdk.Firing{
		{Trigger: "ehc.advice_received", Actor: "advice_giver", At: "2026-03-16", Data: map[string]any{"from": "educational"}},
		{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-04-06"},
		{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-05-11", Data: map[string]any{"named_school": "Dover Primary"}},
	} {
		o, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = o.Case
	}
	assert.Equal(t, sdk.ClockMet, c.Clocks["ehc_final_plan"].Status, "the imported 20-week clock is met on time")
	assert.Equal(t, sdk.ClockMet, c.Clocks["ehc_advice.educational"].Status)
	rep = e.Verify(c)
	assert.True(t, rep.OK, rep.Reason)
	// The imported event cannot be altered unnoticed.
	bad := c
	bad.History = append([]sdk.Event(nil), c.History...)
	bad.History[0].Data = map[string]any{"states": map[string]any{"ehc": "plan_issued"}}
	assert.False(t, e.Verify(bad).OK)
}

// TestImportWithDecisionStartsItsAppealWindow: an imported decision keeps
// its date and starts the appeal window from it.
func TestImportWithDecisionStartsItsAppealWindow(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	out, err := e.Import(sdk.ImportRecord{At: "2026-07-01", States: map[string]string{"ehc": "refused"},
		Decisions: []sdk.ImportDecision{{Kind: "refusal_to_assess", At: "2026-06-30"}}})
	require.NoError(t, err)
	require.Len(t, out.Case.Decisions, 1)
	assert.Equal(t, "2026-06-30", out.Case.Decisions[0].At)
	// Two months end Sun 2026-08-30, in August: HESC r12 moves it to the
	// first working day after 31 August (a bank holiday).
	assert.Equal(t, "2026-09-01", out.Case.Clocks["appeal_window.d1"].Due)
	assert.Equal(t, "2026-08-30", out.Case.Clocks["mediation_contact.d1"].Due, "R33 does not move")
	// The family can still seek mediation on the imported decision.
	o, err := e.Fire(out.Case, sdk.Firing{Trigger: "dispute.mediation_declined", Actor: "parent", At: "2026-07-10"})
	require.NoError(t, err)
	assert.Equal(t, "certificate_pending", o.Case.States["dispute"])
	assert.True(t, e.Verify(o.Case).OK)
}

// TestImpossibleImportsAreRefused: every problem with its pointer, and
// the case never half-made.
func TestImpossibleImportsAreRefused(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		edit func(r *sdk.ImportRecord)
		ptr  string
	}{
		{"unknown track", func(r *sdk.ImportRecord) { r.States = map[string]string{"ehcp": "assessing"} }, "/data/states"},
		{"unknown state", func(r *sdk.ImportRecord) { r.States["ehc"] = "asessing" }, "/data/states/ehc"},
		{"a clock with nothing to start it", func(r *sdk.ImportRecord) { r.States = map[string]string{"support": "sen_support.do"} }, "/data/clocks/0"},
		{"a clock started after the import", func(r *sdk.ImportRecord) { r.Clocks[0].StartedAt = "2026-03-01" }, "/data/clocks/0/started_at"},
		{"a per-source clock without its source", func(r *sdk.ImportRecord) { r.Clocks[2].Source = "" }, "/data/clocks/2/source"},
		{"an unknown clock", func(r *sdk.ImportRecord) { r.Clocks[0].Clock = "ehc_finale" }, "/data/clocks/0/clock"},
		{"a decision the policy does not know", func(r *sdk.ImportRecord) {
			r.Decisions = []sdk.ImportDecision{{Kind: "refusal", At: "2026-01-10"}}
		}, "/data/decisions/0/kind"},
		{"a bad import date", func(r *sdk.ImportRecord) { r.At = "20 February" }, "/at"},
		{"a name for who imported it", func(r *sdk.ImportRecord) { r.By = "Jane Smith" }, "/by"},
	} {
		r := midAssessment()
		tc.edit(&r)
		_, err := e.Import(r)
		se := sdk.AsError(err)
		require.NotNil(t, se, tc.name)
		assert.Equal(t, sdk.CodeInvalidInput, se.Code, tc.name)
		ptrs := []string{se.Pointer}
		for _, p := range se.Problems {
			ptrs = append(ptrs, p.Pointer)
		}
		assert.Contains(t, ptrs, tc.ptr, tc.name)
		assert.NotContains(t, se.Error(), "Jane Smith")
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
