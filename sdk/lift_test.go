package sdk_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// liftInIntervention is a case whose LIFT meeting has been held.
func liftInIntervention(t *testing.T, e *sdk.Engine) sdk.Case {
	t.Helper()
	c := newCase(e, "personalised_plan")
	c = fire(t, e, c, "lift.referral_started", "senco", "2026-12-01", nil).Case
	c = fire(t, e, c, "lift.consent_recorded", "parent", "2026-12-02", map[string]any{"agreement_to_engage": true}).Case
	return fire(t, e, c, "lift.meeting_held", "lift_chair", "2026-12-15", map[string]any{"outcomes": []any{"training"}}).Case
}

// An authority's LIFT training catalogue restricts the training a meeting
// offers and a school records; the default (empty) allows any.
func TestLiftTrainingCatalogue(t *testing.T) {
	def, err := sdk.Compile()
	require.NoError(t, err)
	e := compileOverlay(t, "id: catalogue\nparameters:\n  - {id: lift_training_catalogue, value: [attachment_awareness, zones_of_regulation]}\n")
	for _, eng := range []*sdk.Engine{def, e} {
		c := liftInIntervention(t, eng)
		fire(t, eng, c, "lift.training_accessed", "school", "2026-12-16", map[string]any{"training": []any{"zones_of_regulation"}})
	}
	fire(t, def, liftInIntervention(t, def), "lift.training_accessed", "school", "2026-12-16", map[string]any{"training": []any{"makaton"}})
	_, err = e.Fire(liftInIntervention(t, e), sdk.Firing{Trigger: "lift.training_accessed", Actor: "school", At: "2026-12-16",
		Data: map[string]any{"training": []any{"zones_of_regulation", "makaton"}}})
	var se *sdk.Error
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, sdk.CodeGuardFailed, se.Code)
	require.Len(t, se.Guards, 1)
	assert.Equal(t, "lift_training_in_catalogue", se.Guards[0].ID)

	c := newCase(e, "personalised_plan")
	c = fire(t, e, c, "lift.referral_started", "senco", "2026-12-01", nil).Case
	c = fire(t, e, c, "lift.consent_recorded", "parent", "2026-12-02", map[string]any{"agreement_to_engage": true}).Case
	_, err = e.Fire(c, sdk.Firing{Trigger: "lift.meeting_held", Actor: "lift_chair", At: "2026-12-15",
		Data: map[string]any{"outcomes": []any{"training"}, "training": []any{"makaton"}}})
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, sdk.CodeGuardFailed, se.Code)
	// A meeting that offers no training needs no catalogue entry.
	fire(t, e, c, "lift.meeting_held", "lift_chair", "2026-12-15", map[string]any{"outcomes": []any{"advice_to_try"}})
	fire(t, e, c, "lift.meeting_held", "lift_chair", "2026-12-15", map[string]any{"outcomes": []any{"training"}, "training": []any{"attachment_awareness"}})
}
