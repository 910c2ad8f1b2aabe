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
