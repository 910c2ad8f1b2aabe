package synth_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

// The generator's LIFT activity: every LIFT trigger is fired, with no
// refusal; every case discussed at one meeting records the same
// attendees; some children are LIFT-only, some had LIFT before their EHC
// request, some went from an exhausted referral to high needs funding, and
// LIFT went on supporting some with funding approved.
func TestLIFTActivity(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	seen := map[string]int{}
	attendees := map[string]string{}
	var liftOnly, liftThenEHC, supportedWithHNF int
	st, err := synth.Each(e, synth.Config{Cases: 600, Seed: 7, Year: 2026}, func(c sdk.Case) error {
		lift, ehc := false, false
		for _, ev := range c.History {
			seen[ev.Trigger]++
			switch {
			case ev.Trigger == "lift.meeting_held":
				lift = true
				id, _ := ev.Data["meeting_id"].(string)
				require.NotEmpty(t, id)
				att := fmt.Sprint(ev.Data["attendees"])
				if prev, ok := attendees[c.District+id]; ok {
					assert.Equal(t, prev, att, "one meeting, one set of attendees: %s", id)
				}
				attendees[c.District+id] = att
			case ev.Trigger == "ehc.requested" || ev.Trigger == "ehc.brought_to_attention" || ev.Trigger == "plan.transferred_in":
				ehc = true
			}
			if len(ev.Trigger) > 5 && ev.Trigger[:5] == "lift." && ev.StatesBefore["hnf"] == "approved" {
				supportedWithHNF++
			}
		}
		switch {
		case lift && !ehc:
			liftOnly++
		case lift && ehc:
			liftThenEHC++
		}
		return nil
	})
	require.NoError(t, err)
	assert.Zero(t, st.Refused, st.LastRefusal)
	for _, trig := range []string{"support.concern_raised", "support.placed", "support.plan_agreed", "support.plan_started", "support.review_held",
		"support.cycle_restarted", "lift.referral_started", "lift.consent_recorded", "lift.urgent_requested", "lift.meeting_held",
		"lift.professional_allocated", "lift.initial_contact_made", "lift.return_requested", "lift.recommendations_adapted",
		"lift.training_accessed", "lift.exhausted", "lift.closed", "hnf.considered", "hnf.applied", "hnf.approved", "hnf.declined"} {
		assert.Positive(t, seen[trig], trig)
	}
	assert.Positive(t, liftOnly, "LIFT-only children")
	assert.Positive(t, liftThenEHC, "children with LIFT and an EHC request")
	assert.Positive(t, supportedWithHNF, "LIFT activity while HNF is approved")
	assert.Less(t, len(attendees), seen["lift.meeting_held"], "some meetings discussed more than one case")
}
