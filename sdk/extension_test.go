package sdk_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// extensionBreaches are overlays the extension-point floor refuses (issue
// #15): each class the old list of forbidden edits let through, with the
// rule and the position of the first problem.
var extensionBreaches = []floorBreach{
	// Effects from other tracks.
	{"a LIFT meeting meets the six-week decision", sdk.RuleLocalPracticeContained, `id: x
triggers:
  - id: lift.meeting_held
    effects: {stop: [ehc_decision_to_assess]}
`, "floor.yaml:3:"},
	{"a support step withdraws an EHC request", sdk.RuleLocalPracticeContained, `id: x
triggers:
  - id: support.plan_started
    effects: {set_states: {ehc: withdrawn}}
`, "floor.yaml:3:"},
	{"a new support trigger cancels the final plan clock", sdk.RuleLocalPracticeContained, `id: x
triggers:
  - id: support.ehc_tidy_up
    from: [sen_support]
    roles: [senco]
    effects: {cancel: [ehc_final_plan]}
`, "floor.yaml:3:"},
	{"high needs funding records an appealable decision", sdk.RuleLocalPracticeContained, `id: x
triggers:
  - id: hnf.declined
    branches:
      - {when: 'true', effects: {decision: refusal_to_assess}}
`, "floor.yaml:3:"},
	{"a local branch sets the plan ceased", sdk.RuleLocalPracticeContained, `id: x
triggers:
  - id: lift.closed
    branches:
      - {when: 'states.plan == "active"', effects: {set_states: {plan: ceased}}}
`, "floor.yaml:3:"},
	// Restarting a clock.
	{"the 20-week clock restarted at the decision to assess", sdk.RuleClockNotLengthened, `id: x
triggers:
  - id: ehc.decided_to_assess
    effects: {stop: [ehc_decision_to_assess, order_assess], start: [ehc_final_plan]}
`, "floor.yaml:3:"},
	{"a record-only step that restarts the final plan clock", sdk.RuleClockNotLengthened, `id: x
triggers:
  - id: ehc.panel_met
    from: [assessing]
    roles: [la_officer]
    effects: {start: [ehc_final_plan]}
`, "floor.yaml:3:"},
	// Shadowed branches.
	{"a new first branch shadows the amendment clocks", sdk.RuleDecisionKept, `id: x
triggers:
  - id: plan.review_decided
    branches:
      - {to: active}
      - {when: 'data.decision == "maintain"', to: active, effects: {decision: maintain_after_review}}
      - {when: 'data.decision == "amend"', to: amending, effects: {start: [amendment_representations, amendment_final]}}
      - {when: 'data.decision == "cease"', to: cease_proposed}
`, "floor.yaml:3:"},
	{"a new first branch shadows a Tribunal order's clock", sdk.RuleClockNotLengthened, `id: x
triggers:
  - id: dispute.tribunal_decided
    branches:
      - {effects: {}}
      - {when: 'data.order == "assess" && states.ehc == "refused"', effects: {start: [order_assess, order_no_plan_notice, order_final_plan]}}
      - {when: 'data.order == "assess"', effects: {start: [order_assess]}}
      - {when: 'data.order == "make_plan"', effects: {start: [order_make_plan]}}
      - {when: 'data.order == "amend"', effects: {start: [order_amend]}}
      - {when: 'data.order == "change_school"', effects: {start: [order_change_school]}}
      - {when: 'data.order == "continue" && states.plan == "ceasing"', effects: {set_states: {plan: active}}}
`, "floor.yaml:3:"},
	// Family rights beyond ehc.requested.
	{"a reassessment request blocked", sdk.RuleFamilyRightKept, `id: x
triggers:
  - id: plan.reassessment_requested
    guards:
      - {id: never, expr: 'false', reason: "Not now"}
`, "floor.yaml:5:9"},
	{"health, social care and anyone cannot bring a child to attention", sdk.RuleFamilyRightKept, `id: x
triggers:
  - id: ehc.brought_to_attention
    guards:
      - {id: never, roles: [health, social_care, anyone], expr: 'false', reason: "Not here"}
`, "floor.yaml:5:9"},
	{"a school's request gated on high needs funding", sdk.RuleEHCRequestUnguarded, `id: x
triggers:
  - id: ehc.requested
    guards:
      - {id: funding_first, roles: [school], expr: 'states.hnf == "approved"', reason: "Apply for top-up funding first"}
`, "floor.yaml:5:9"},
	{"representations on a draft need a form", sdk.RuleFamilyRightKept, `id: x
triggers:
  - id: ehc.representations_made
    payload:
      - {name: form_ref, type: string, required: true}
`, "floor.yaml:3:"},
	// The statutory tracks are not editable beyond the extension points.
	{"a blocking guard on an LA's statutory step", sdk.RuleProcessKept, `id: x
triggers:
  - id: ehc.draft_issued
    guards:
      - {id: panel_first, expr: '"educational_psychology_report" in evidence', reason: "Panel first"}
`, "floor.yaml:5:9"},
	{"a SENCO may finalise the plan", sdk.RuleProcessKept, `id: x
triggers:
  - id: ehc.plan_finalised
    roles: [la_officer, senco]
`, "floor.yaml:3:"},
	{"a fixed parameter changed", sdk.RuleParameterKept, `id: x
parameters:
  - {id: plan_maintained_states, value: [active]}
`, "floor.yaml:3:"},
}

// TestExtensionPointsRefuse: each class of issue #15 is refused, naming its
// rule at its position, and compiles (with a warning naming the rule) only
// under a waiver of that rule in the same layer.
func TestExtensionPointsRefuse(t *testing.T) {
	for _, tc := range extensionBreaches {
		t.Run(tc.name, func(t *testing.T) {
			checkFloorBreach(t, tc)
			// A waiver of the rule, in the layer that breaks it, lets it compile.
			waived := tc.yaml + "waivers:\n  - {rule: " + tc.rule + ", reason: \"tested\"}\n"
			if tc.rule == sdk.RuleParameterKept {
				_, err := sdk.Compile(sdk.PolicySource{Name: "floor.yaml", Data: []byte(waived)})
				require.NoError(t, err)
				return
			}
			e, err := sdk.Compile(sdk.PolicySource{Name: "floor.yaml", Data: []byte(waived)})
			if err != nil {
				// Some breaches break a second rule too; each needs its own waiver.
				se := sdk.AsError(err)
				require.NotNil(t, se)
				for _, p := range se.Problems {
					assert.NotContains(t, p.Message, "rule "+tc.rule+":", "the waived rule is not reported")
				}
				return
			}
			assert.True(t, hasWarning(e.Warnings(), tc.rule))
		})
	}
}

func hasWarning(ws []sdk.Warning, rule string) bool {
	for _, w := range ws {
		if w.Code == sdk.WarningBelowStatutoryFloor && strings.Contains(w.Message, rule) {
			return true
		}
	}
	return false
}

// TestExtensionPointsAllow: what the extension points allow compiles: on
// the statutory tracks advisory guards, a Welsh reason added to a default
// guard, a record-only trigger, local effects beside the statutory ones,
// a shorter duty and a longer window, a role where statute lets anyone act;
// on the local tracks anything that leaves the statutory tracks alone.
func TestExtensionPointsAllow(t *testing.T) {
	e := compileOverlay(t, `id: ok
parameters:
  - {id: lift_initial_contact_working_days, value: 3}
  - {id: hnf_threshold, value: 0}
  - {id: local_days, value: 10, type: integer, min: 1, max: 20}
roles:
  - {id: early_help}
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}
  - {id: ehc_draft_representations, kind: window, unit: days_beginning_with, length: 21, statutory: true}
  - {id: local_follow_up, unit: days, length_param: local_days}
triggers:
  - id: ehc.requested
    guards:
      - {id: plan_already_maintained, reasons: {cy: "Mae gan y plentyn gynllun EHC a gynhelir eisoes."}}
      - {id: evidence_sent, severity: advice, roles: [school], expr: '"personalised_plan" in evidence', reason: "Send the evidence", citation: "local"}
  - id: ehc.brought_to_attention
    roles: [anyone, health, social_care, ey_setting, early_help]
  - id: ehc.decided_not_to_assess
    effects:
      stop: [ehc_decision_to_assess]
      void: [ehc_no_plan_notice, ehc_final_plan]
      decision: refusal_to_assess
      start: [local_follow_up]
  - id: ehc.panel_noted
    from: [assessing]
    roles: [la_officer]
    guards:
      - {id: panel_date_known, expr: 'data.panel_date != ""', reason: "Give the panel date", citation: "local"}
    payload:
      - {name: panel_date, type: date, required: true}
  - id: support.follow_up_done
    from: [universal, concern_raised, sen_support, exited]
    roles: [senco]
    effects: {stop: [local_follow_up]}
  - id: hnf.applied
    guards:
      - {id: two_personalised_plans, disabled: true}
      - {id: consent, expr: '"parental_consent" in evidence', reason: "Consent", citation: "local"}
  - id: lift.meeting_held
    effects: {set_states: {hnf: considering}}
`)
	x, err := e.Explain("ehc.requested")
	require.NoError(t, err)
	found := false
	for _, g := range x.Guards {
		if g.ID == "plan_already_maintained" {
			found = true
			assert.Equal(t, "!(states.plan in params.plan_maintained_states)", g.Expr, "the expression is kept")
			assert.Equal(t, "Mae gan y plentyn gynllun EHC a gynhelir eisoes.", g.Reasons["cy"])
			assert.NotEmpty(t, g.Reason)
			assert.Equal(t, "default", g.Layer, "the guard is still the default's")
		}
	}
	assert.True(t, found)
}

// TestStatutoryTrackStatesKept: an overlay may not add or change the
// states of a statutory track.
func TestStatutoryTrackStatesKept(t *testing.T) {
	se := overlayErr(t, "st.yaml", `id: x
tracks:
  - id: ehc
    initial: none
    states: [{id: none}, {id: request_received}, {id: refused}, {id: assessing}, {id: not_issued},
      {id: draft_issued}, {id: plan_issued}, {id: withdrawn}, {id: on_hold}]
`)
	found := false
	for _, p := range se.Problems {
		if strings.Contains(p.Message, "rule "+sdk.RuleProcessKept+": track ehc is statutory") {
			found = true
			assert.Contains(t, p.Location, "st.yaml:3:")
		}
	}
	assert.True(t, found, "the changed states are reported")
}

// TestWaiverCoversItsOwnLayerOnly: an authority's waiver (or its
// allow_below_statutory_floor) lets the authority's own breach compile, with
// a warning; a district above it that breaks the floor is still refused.
func TestWaiverCoversItsOwnLayerOnly(t *testing.T) {
	for _, optOut := range []string{"allow_below_statutory_floor: true\n", "waivers:\n  - {rule: statutory_clock_not_lengthened, reason: \"new bank holiday\"}\n"} {
		authority := "id: la\nclocks:\n  - {id: ehc_decision_to_assess, unit: weeks, length: 7}\n" + optOut
		e, err := sdk.Compile(sdk.PolicySource{Name: "la.yaml", Data: []byte(authority)})
		require.NoError(t, err)
		assert.True(t, hasWarning(e.Warnings(), sdk.RuleClockNotLengthened))
		_, err = sdk.Compile(sdk.PolicySource{Name: "la.yaml", Data: []byte(authority)},
			sdk.PolicySource{Name: "district.yaml", Data: []byte("id: d\ntriggers:\n  - id: ehc.requested\n    guards:\n      - {id: no, expr: 'false', reason: \"no\"}\n")})
		se := sdk.AsError(err)
		require.NotNil(t, se, "the district's breach is not covered by the authority's opt-out")
		require.Len(t, se.Problems, 1)
		assert.Contains(t, se.Problems[0].Location, "district.yaml:")
		assert.Contains(t, se.Problems[0].Message, sdk.RuleEHCRequestUnguarded)
	}
	// A waiver names the rule it waives: another rule is still refused.
	se := overlayErr(t, "w.yaml", "id: w\nclocks:\n  - {id: ehc_decision_to_assess, unit: weeks, length: 7}\nwaivers:\n  - {rule: family_right_kept, reason: \"r\"}\n")
	assert.Contains(t, se.Problems[0].Message, sdk.RuleClockNotLengthened)
	// A waiver must name a rule and say why.
	se = overlayErr(t, "w.yaml", "id: w\nwaivers:\n  - {rule: statutory_clock_not_lengthend, reason: \"r\"}\n  - {rule: family_right_kept}\n")
	require.Len(t, se.Problems, 2)
	assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Message, `did you mean "statutory_clock_not_lengthened"?`)
	assert.Contains(t, se.Problems[0].Location, "w.yaml:3:")
	assert.Equal(t, sdk.Code("missing_field"), se.Problems[1].Code)
}

// TestParametersWithinTheirDeclaration: the layer that adds a parameter
// declares its type and bounds; later layers set values within them.
func TestParametersWithinTheirDeclaration(t *testing.T) {
	compileOverlay(t, "id: ok\nparameters:\n  - {id: lift_initial_contact_working_days, value: 10}\n  - {id: lift_initial_contact_working_days, value: 1}\n")
	cases := []struct{ yaml, want, loc string }{
		{"  - {id: lift_initial_contact_working_days, value: 11}\n", "above its greatest value, 10", "p.yaml:3:"},
		{"  - {id: lift_initial_contact_working_days, value: 0}\n", "below its least value, 1", "p.yaml:3:"},
		{"  - {id: lift_initial_contact_working_days, value: 2.5}\n", "declared an integer", "p.yaml:3:"},
		{"  - {id: hnf_threshold, value: -1}\n", "below its least value, 0", "p.yaml:3:"},
		{"  - {id: hnf_threshold, value: \"lots\"}\n", "declared a number", "p.yaml:3:"},
		{"  - {id: hnf_threshold, value: 5, min: -100}\n", "a later layer sets only its value", "p.yaml:3:"},
		{"  - {id: mine, value: 9, type: integer, max: 5}\n", "above its greatest value, 5", "p.yaml:3:"},
		{"  - {id: mine, value: tuesday, type: string, enum: [monday, tuesday]}\n  - {id: mine, value: sunday}\n", `"sunday" is not one of monday, tuesday`, "p.yaml:4:"},
	}
	for _, tc := range cases {
		se := overlayErr(t, "p.yaml", "id: p\nparameters:\n"+tc.yaml)
		require.NotEmpty(t, se.Problems, tc.yaml)
		assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code, tc.yaml)
		assert.Contains(t, se.Problems[0].Message, tc.want, tc.yaml)
		assert.Contains(t, se.Problems[0].Location, tc.loc, tc.yaml)
	}
	// A parameter an authority fixes cannot be changed by its district.
	_, err := sdk.Compile(sdk.PolicySource{Name: "la.yaml", Data: []byte("id: la\nparameters:\n  - {id: panel_weekday, value: monday, fixed: true}\n")},
		sdk.PolicySource{Name: "d.yaml", Data: []byte("id: d\nparameters:\n  - {id: panel_weekday, value: friday}\n")})
	se := sdk.AsError(err)
	require.NotNil(t, se)
	assert.Contains(t, se.Problems[0].Message, "fixed by layer la")
}

// TestProblemsHavePositions: a problem about something left out points at
// the element that should hold it.
func TestProblemsHavePositions(t *testing.T) {
	se := overlayErr(t, "pos.yaml", `id: pos
triggers:
  - id: hnf.applied
    guards:
      - {id: g1, expr: '', reason: "r"}
      - {id: g2, reason: "r"}
  - id: support.new_step
    roles: [senco]
`)
	var locs []string
	for _, p := range se.Problems {
		locs = append(locs, p.Location)
		assert.NotZero(t, p.Line, p.Message)
		assert.NotZero(t, p.Column, p.Message)
	}
	assert.Equal(t, []string{"pos.yaml:5:24", "pos.yaml:6:9", "pos.yaml:7:7"}, locs)
}

// TestLintsCanBeAcknowledged: an acknowledged lint is not reported; the
// others are.
func TestLintsCanBeAcknowledged(t *testing.T) {
	src := `id: ack
triggers:
  - id: hnf.applied
    guards:
      - {id: a, expr: 'true', reason: "r"}
      - {id: b, expr: 'true', reason: "r"}
`
	_, probs, err := sdk.Lint(sdk.PolicySource{Name: "ack.yaml", Data: []byte(src)})
	require.NoError(t, err)
	require.Len(t, probs, 2)
	_, probs, err = sdk.Lint(sdk.PolicySource{Name: "ack.yaml", Data: []byte(src + "acknowledge:\n  - {code: no_citation, id: hnf.applied/a, reason: \"our own rule\"}\n")})
	require.NoError(t, err)
	require.Len(t, probs, 1)
	assert.Contains(t, probs[0].Message, "guard b")
	se := overlayErr(t, "ack.yaml", src+"acknowledge:\n  - {code: no_cite, id: hnf.applied/a}\n")
	assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code)
}

// TestStatutoryDetailsKept: the smaller statutory details an overlay might
// change are kept too: a payload field's bounds, a clock's kind and
// whether it runs per source.
func TestStatutoryDetailsKept(t *testing.T) {
	for _, tc := range []struct{ name, rule, yaml string }{
		{"a cease reason narrowed", sdk.RuleProcessKept, `id: x
triggers:
  - id: plan.cease_decided
    payload:
      - {name: reason, type: integer, required: true, min: 1, max: 3}
`},
		{"a family's window made a duty", sdk.RuleWindowNotShortened, `id: x
clocks:
  - {id: ehc_draft_representations, kind: duty, unit: days_beginning_with, length: 15}
`},
		{"a local clock made per source in place of a statutory one", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 20, per_source: true}
`},
	} {
		se := overlayErr(t, "d.yaml", tc.yaml)
		found := false
		for _, p := range se.Problems {
			found = found || strings.Contains(p.Message, "rule "+tc.rule+":")
		}
		assert.True(t, found, "%s: %v", tc.name, se.Problems)
	}
}

// TestEveryUnknownFactReported: one unknown name does not hide the others
// in the same expression; each is reported at its own column.
func TestEveryUnknownFactReported(t *testing.T) {
	se := overlayErr(t, "u.yaml", `id: u
triggers:
  - id: hnf.applied
    guards:
      - {id: g, expr: 'evidnce != nil && child.dob == "" && clocks.ehc_final_plan.runing', reason: "r"}
`)
	var msgs, locs []string
	for _, p := range se.Problems {
		assert.Equal(t, sdk.Code("unknown_fact"), p.Code)
		msgs = append(msgs, p.Message)
		locs = append(locs, p.Location)
	}
	require.Len(t, msgs, 3, msgs)
	assert.Contains(t, msgs[0], `"evidnce" (did you mean "evidence"?)`)
	assert.Contains(t, msgs[1], `"dob" (did you mean "date_of_birth"?)`)
	assert.Contains(t, msgs[2], `"runing" (did you mean "running"?)`)
	assert.Equal(t, []string{"u.yaml:5:24", "u.yaml:5:48", "u.yaml:5:83"}, locs)
}
