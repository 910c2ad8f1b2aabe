package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestEarlyYearsReview: early_years_review is advisory, started by a final
// plan only while the child is under 5 (with a known date of birth), and
// its length is the parameter early_years_review_months, 3 to 6 (CoP 9.178).
func TestEarlyYearsReview(t *testing.T) {
	finalPlan := func(t *testing.T, e *sdk.Engine, dob string) sdk.Outcome {
		t.Helper()
		c := e.NewCase(sdk.Facts{ID: "ey", Child: sdk.Child{DateOfBirth: dob}, Evidence: []string{"personalised_plan"}})
		c = fire(t, e, c, "ehc.requested", "parent", "2026-01-05", nil).Case
		c = fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-02-02", nil).Case
		c = fire(t, e, c, "ehc.draft_issued", "la_officer", "2026-04-06", nil).Case
		return fire(t, e, c, "ehc.plan_finalised", "la_officer", "2026-05-05", map[string]any{"named_school": "Little Oaks Nursery"})
	}
	e, err := sdk.Default()
	require.NoError(t, err)

	o := finalPlan(t, e, "2022-03-01") // aged 4
	ey := clockOf(t, o, "early_years_review")
	assert.Equal(t, sdk.ClockAdvisory, ey.Kind)
	assert.Equal(t, "2026-11-05", ey.Due, "6 months")

	for _, dob := range []string{"2021-05-05", ""} { // 5 on the day; unknown
		o = finalPlan(t, e, dob)
		_, ok := o.Case.Clocks["early_years_review"]
		assert.False(t, ok, "no early years review for date of birth %q", dob)
		assert.Equal(t, "2027-05-04", o.Case.Clocks["annual_review"].Due)
	}

	e3 := compileOverlay(t, "id: termly\nparameters:\n  - {id: early_years_review_months, value: 3}\n")
	assert.Equal(t, "2026-08-05", clockOf(t, finalPlan(t, e3, "2022-03-01"), "early_years_review").Due, "3 months")
	for _, v := range []string{"2", "7"} {
		se := overlayErr(t, "p.yaml", "id: x\nparameters:\n  - {id: early_years_review_months, value: "+v+"}\n")
		require.Len(t, se.Problems, 1)
		assert.Contains(t, se.Problems[0].Message, map[string]string{"2": "below its least value, 3", "7": "above its greatest value, 6"}[v])
	}
}

// TestAgeLimitFurtherEducation: age_limit is due 31 July ending the academic
// year (1 August-31 July) of the 25th birthday (CFA s46; R46(1), further
// education), and starts only with a known date of birth.
func TestAgeLimitFurtherEducation(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	for dob, want := range map[string]string{
		"2001-10-15": "2027-07-31", // LIFECYCLE-worked.md 7: 25 on Thu 2026-10-15
		"2002-07-20": "2027-07-31", // 25 on Tue 2027-07-20
		"2002-08-01": "2028-07-31", // 25 on Sun 2027-08-01: the next academic year
		"2014-03-10": "2039-07-31", // worked example 1
		"2007-02-14": "2032-07-31", // worked example 6
		"2008-02-29": "2033-07-31", // a 29 February birthday
		"":           "",
	} {
		c := e.NewCase(sdk.Facts{ID: "al", Child: sdk.Child{DateOfBirth: dob}})
		o := fire(t, e, c, "plan.transferred_in", "la_officer", "2026-09-07", map[string]any{"from_la": "surrey"})
		cl, ok := o.Case.Clocks["age_limit"]
		assert.Equal(t, want != "", ok, dob)
		assert.Equal(t, want, cl.Due, dob)
		if ok {
			assert.Equal(t, sdk.ClockWindow, cl.Kind)
		}
	}
}

// TestAgeLimitReachedPastTheDate: a plan taken on after its age limit has
// no age_limit clock and may cease at once; without a date of birth it
// cannot reach the age limit.
func TestAgeLimitReachedPastTheDate(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "old", Child: sdk.Child{DateOfBirth: "2000-03-01"}})
	o := fire(t, e, c, "plan.transferred_in", "la_officer", "2026-09-07", map[string]any{"from_la": "surrey"})
	_, ok := o.Case.Clocks["age_limit"]
	assert.False(t, ok, "the 2025-07-31 limit had passed")
	o = fire(t, e, o.Case, "plan.age_limit_reached", "la_officer", "2026-09-08", nil)
	assert.Equal(t, "ceased", o.Case.States["plan"])

	c = e.NewCase(sdk.Facts{ID: "unknown"})
	o = fire(t, e, c, "plan.transferred_in", "la_officer", "2026-09-07", map[string]any{"from_la": "surrey"})
	_, err = e.Fire(o.Case, sdk.Firing{Trigger: "plan.age_limit_reached", Actor: "system", At: "2070-01-01"})
	assert.Equal(t, sdk.CodeGuardFailed, sdk.AsError(err).Code)
}
