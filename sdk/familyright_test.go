package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestFamilyRightsAreMarkedInTheDefault: the family's statutory rights are
// the default policy's triggers marked family_right, each under a floor
// rule and with the right spelt out.
func TestFamilyRightsAreMarkedInTheDefault(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	got := map[string]bool{}
	for _, td := range e.Policy().Triggers {
		if fr := td.FamilyRight; fr != nil {
			got[td.ID] = fr.ByOthers
			assert.Contains(t, sdk.FloorRules(), fr.Rule, td.ID)
			assert.NotEmpty(t, fr.Right, td.ID)
		}
	}
	assert.Equal(t, map[string]bool{
		"ehc.requested": false, "ehc.brought_to_attention": false, "ehc.representations_made": false,
		"ehc.school_requested": false, "ehc.personal_budget_requested": false, "ehc.withdrawn": false,
		"plan.early_review_requested": false, "plan.reassessment_requested": false,
		"plan.representations_made": false, "plan.school_requested": false,
		"dispute.mediation_requested": false, "dispute.mediation_declined": false,
		"dispute.appeal_registered": false, "dispute.withdrawn": false,
		"dispute.mediation_concluded": true, "dispute.certificate_issued": true, "dispute.tribunal_decided": true,
	}, got)
}

// TestOverlayCannotUnmarkAFamilyRight: an overlay's family_right is
// ignored, so re-marking a right does not change how the floor judges it.
func TestOverlayCannotUnmarkAFamilyRight(t *testing.T) {
	se := overlayErr(t, "floor.yaml", `id: x
triggers:
  - id: dispute.mediation_requested
    family_right: {rule: statutory_guard_kept, right: "not a right", by_others: true}
    guards:
      - {id: pay_first, expr: 'states.dispute == "none"', reason: "Pay first", roles: [parent]}
`)
	require.NotEmpty(t, se.Problems)
	p := se.Problems[0]
	assert.Equal(t, sdk.Code("statutory_floor"), p.Code)
	assert.Contains(t, p.Message, "statutory floor rule "+sdk.RuleDecisionKept+": guard pay_first blocks dispute.mediation_requested for a parent or young person: seeking mediation")
	assert.NotContains(t, p.Message, "not a right")
}

// TestOverlayCannotMarkAFamilyRight: a mark in an overlay does not put a
// trigger under the floor.
func TestOverlayCannotMarkAFamilyRight(t *testing.T) {
	compileOverlay(t, `id: x
triggers:
  - id: hnf.applied
    family_right: {rule: appealable_decision_kept, right: "a made-up right"}
    guards:
      - {id: form_first, expr: 'states.dispute == "none"', reason: "Form first"}
`)
}

// TestFamilyRightRuleIsAFloorRule: family_right.rule names a floor rule.
func TestFamilyRightRuleIsAFloorRule(t *testing.T) {
	se := overlayErr(t, "x.yaml", `id: x
triggers:
  - id: ehc.advice_requested
    family_right: {rule: no_such_rule, right: "r"}
`)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Message, `family_right.rule "no_such_rule" is not a statutory floor rule`)
}
