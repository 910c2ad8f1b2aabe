package sdk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

func overlayErr(t *testing.T, name, y string) *sdk.Error {
	t.Helper()
	_, err := sdk.Compile(sdk.PolicySource{Name: name, Data: []byte(y)})
	require.Error(t, err, "the overlay must not compile")
	return sdk.AsError(err)
}

func compileOverlay(t *testing.T, layers ...string) *sdk.Engine {
	t.Helper()
	var srcs []sdk.PolicySource
	for i, y := range layers {
		srcs = append(srcs, sdk.PolicySource{Name: []string{"authority.yaml", "district.yaml"}[i], Data: []byte(y)})
	}
	e, err := sdk.Compile(srcs...)
	require.NoError(t, err)
	return e
}

const welshOverlay = `id: cymru
triggers:
  - id: support.plan_agreed
    guards:
      - id: personalised_plan_held
        expr: '"personalised_plan" in evidence'
        reason: "A personalised plan must be held in evidence before the plan is agreed."
        reasons: {cy: "Rhaid cael cynllun personol cyn cytuno ar y cynllun."}
  - id: ehc.requested
    guards:
      - id: talk_to_senco
        severity: advice
        roles: [school]
        expr: 'states.support != "universal"'
        reason: "Talk to the SENCO first."
        reasons: {cy: "Siaradwch â'r CydSAAA yn gyntaf."}
`

func TestGuardReasonsInWelshFallBackToEnglish(t *testing.T) {
	e := compileOverlay(t, welshOverlay)
	c := e.NewCase(sdk.Facts{})
	c = fire(t, e, c, "support.concern_raised", "senco", "2026-01-05", nil).Case
	c = fire(t, e, c, "support.placed", "senco", "2026-01-06", nil).Case

	_, err := e.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Locale: "cy-GB"})
	se := sdk.AsError(err)
	require.Equal(t, sdk.CodeGuardFailed, se.Code)
	assert.Equal(t, "Rhaid cael cynllun personol cyn cytuno ar y cynllun.", se.Guards[0].Reason)
	assert.Equal(t, "cymru", se.Guards[0].Layer)

	_, err = e.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Locale: "fr"})
	assert.Equal(t, "A personalised plan must be held in evidence before the plan is agreed.", sdk.AsError(err).Guards[0].Reason)

	perms, err := e.PermittedContext(context.Background(), c, "senco", "2026-01-07", "cy")
	require.NoError(t, err)
	for _, p := range perms {
		if p.Trigger == "support.plan_agreed" {
			assert.Equal(t, "Rhaid cael cynllun personol cyn cytuno ar y cynllun.", p.Reason)
		}
	}
	perms, err = e.Permitted(c, "senco", "2026-01-07")
	require.NoError(t, err)
	for _, p := range perms {
		if p.Trigger == "support.plan_agreed" {
			assert.Equal(t, "A personalised plan must be held in evidence before the plan is agreed.", p.Reason)
		}
	}

	// An advisory guard warns a school, in Welsh, and never a parent.
	u := e.NewCase(sdk.Facts{})
	o, err := e.Fire(u, sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: "2026-01-05", Locale: "cy"})
	require.NoError(t, err)
	require.Len(t, o.Warnings, 1)
	assert.Equal(t, sdk.WarningAdvice, o.Warnings[0].Code)
	assert.Equal(t, "Siaradwch â'r CydSAAA yn gyntaf.", o.Warnings[0].Message)
	o, err = e.Fire(u, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05", Locale: "cy"})
	require.NoError(t, err)
	assert.Empty(t, o.Warnings)
}

func TestReasonsNeedKnownLocales(t *testing.T) {
	se := overlayErr(t, "loc.yaml", `id: loc
triggers:
  - id: support.plan_agreed
    guards:
      - id: g
        expr: 'true'
        reason: "x"
        reasons: {cyy: "y", en: "z"}
`)
	var codes []sdk.Code
	for _, p := range se.Problems {
		codes = append(codes, p.Code)
	}
	assert.Equal(t, []sdk.Code{"bad_locale", "bad_locale"}, codes)
	assert.Contains(t, se.Problems[0].Message, `did you mean "cy"?`)
	assert.Contains(t, se.Problems[1].Message, `reasons.en`)
}

// floorBreach is an overlay that breaks one statutory floor rule, and where.
type floorBreach struct {
	name, rule, yaml, loc string
}

// floorBreaches are the overlays TestStatutoryFloorRules refuses, one or
// more per rule.
var floorBreaches = []floorBreach{
	{"guard on a parent's EHC request", sdk.RuleEHCRequestUnguarded, `id: x
triggers:
  - id: ehc.requested
    guards:
      - {id: lift_first, expr: 'states.lift == "exhausted"', reason: "LIFT first"}
`, "floor.yaml:5:9"},
	{"lengthened statutory clock", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: ehc_decision_to_assess, unit: working_days, length: 31}
`, "floor.yaml:3:"},
	{"dropped statutory role", sdk.RuleRoleKept, `id: x
triggers:
  - id: dispute.appeal_registered
    roles: [parent]
`, "floor.yaml:3:"},
	{"removed appealable decision", sdk.RuleDecisionKept, `id: x
triggers:
  - id: ehc.decided_not_to_assess
    effects: {stop: [ehc_decision_to_assess], void: [ehc_no_plan_notice, ehc_final_plan]}
`, "floor.yaml:3:"},
	{"disabled statutory track", sdk.RuleDecisionKept, `id: x
tracks:
  - {id: plan, disabled: true}
`, "floor.yaml:3:"},
	{"duty turned into a window", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: ehc_final_plan, kind: window}
`, "floor.yaml:3:"},
	{"an exception reason statute does not list for the clock", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: ehc_final_plan, exceptions: [{reason: exceptional_personal_circumstances}, {reason: late_representations}]}
`, "floor.yaml:3:"},
	{"a shorter absence excusing a miss", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: ehc_decision_to_assess, exceptions: [{reason: absent_from_area, min_days: 14}]}
`, "floor.yaml:3:"},
	{"a closure excusing a miss without its advice condition", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: ehc_no_plan_notice, exceptions: [{reason: institution_closed, min_days: 28}]}
`, "floor.yaml:3:"},
	{"exceptions to a clock statute allows none for", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: review_report, exceptions: [{reason: exceptional_personal_circumstances}]}
`, "floor.yaml:3:"},
	{"a new request that keeps the earlier exceptions", sdk.RuleProcessKept, `id: x
triggers:
  - id: ehc.brought_to_attention
    effects: {start: [ehc_decision_to_assess, ehc_no_plan_notice, ehc_final_plan]}
`, "floor.yaml:3:"},
	{"duty turned into guidance", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: review_advice, kind: advisory}
`, "floor.yaml:3:"},
	{"advice due 1 week before the meeting, not 2", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: review_advice, unit: weeks_before, length: 1}
`, "floor.yaml:3:"},
	{"post-16 transfer reviewed 4 months before, not 5", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: post16_transfer, unit: months_before, length: 4}
`, "floor.yaml:3:"},
	{"transfer out on a rule of the policy's own", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: transfer_out, before: 'add_days(data.move_date, 1)'}
`, "floor.yaml:3:"},
	{"advice due the day before the meeting", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: review_advice, unit: before}
`, "floor.yaml:3:"},
	{"advice counted back from another date", sdk.RuleClockNotLengthened, `id: x
clocks:
  - {id: review_advice, before: 'add_days(data.meeting_date, 7)'}
`, "floor.yaml:3:"},
	{"statutory clock no longer started", sdk.RuleClockNotLengthened, `id: x
triggers:
  - id: ehc.requested
    effects: {start: [ehc_decision_to_assess], reset_exceptions: true}
`, "floor.yaml:3:"},
	{"required data field on a parent's EHC request", sdk.RuleEHCRequestUnguarded, `id: x
triggers:
  - id: ehc.requested
    payload:
      - {name: school_evidence, type: string, required: true}
`, "floor.yaml:3:"},
	{"shortened draft representations window", sdk.RuleWindowNotShortened, `id: x
clocks:
  - {id: ehc_draft_representations, kind: window, unit: days_beginning_with, length: 5, statutory: true}
`, "floor.yaml:3:"},
	{"shortened appeal window", sdk.RuleWindowNotShortened, `id: x
clocks:
  - {id: appeal_window, kind: window, unit: months, length: 1, tribunal_moves: true, statutory: true}
`, "floor.yaml:3:"},
	{"appeal clock swapped for a shorter one", sdk.RuleDecisionKept, `id: x
appeal_clock: short_appeal
clocks:
  - {id: short_appeal, kind: window, unit: weeks, length: 1}
`, "floor.yaml:2:"},
	{"a bank holiday left out of the list", sdk.RuleWindowNotShortened, `id: x
holidays: [2028-01-03, 2028-04-17, 2028-05-01, 2028-05-29, 2028-08-28, 2028-12-25, 2028-12-26]
`, "floor.yaml:2:"},
	{"statutory guard switched off", sdk.RuleGuardKept, `id: x
triggers:
  - id: plan.ceased
    guards:
      - {id: no_open_appeal, disabled: true}
`, "floor.yaml:5:9"},
	{"statutory guard loosened", sdk.RuleGuardKept, `id: x
triggers:
  - id: plan.review_invited
    guards:
      - {id: two_weeks_notice, expr: 'data.meeting_date >= add_days(today, 3)', reason: "Three days' notice"}
`, "floor.yaml:5:9"},
	{"decision moved to a branch that never runs", sdk.RuleDecisionKept, `id: x
triggers:
  - id: plan.review_decided
    branches:
      - {when: 'false', to: active, effects: {decision: maintain_after_review}}
      - {when: 'data.decision == "maintain"', to: active}
      - {when: 'data.decision == "amend"', to: amending, effects: {start: [amendment_representations, amendment_final]}}
      - {when: 'data.decision == "cease"', to: cease_proposed}
`, "floor.yaml:3:"},
	{"guard on a parent's appeal", sdk.RuleDecisionKept, `id: x
triggers:
  - id: dispute.appeal_registered
    guards:
      - {id: la_consent, expr: '"parental_consent" in evidence', reason: "The authority agrees"}
`, "floor.yaml:5:9"},
	{"appeal taken away from a state", sdk.RuleDecisionKept, `id: x
triggers:
  - id: dispute.appeal_registered
    from: [certificate_issued]
`, "floor.yaml:3:"},
	{"trigger-level decision moved onto a branch", sdk.RuleDecisionKept, `id: x
triggers:
  - id: plan.cease_decided
    effects: {set_states: {plan: ceasing}}
    branches:
      - {when: 'data.reason > 100', effects: {decision: cease}}
`, "floor.yaml:3:"},
	{"guard on the mediation adviser's certificate", sdk.RuleDecisionKept, `id: x
triggers:
  - id: dispute.certificate_issued
    guards:
      - {id: la_agrees, expr: 'false', reason: "The LA must agree first."}
`, "floor.yaml:5:9"},
	{"plan ceased from a new state", sdk.RuleProcessKept, `id: x
triggers:
  - id: plan.ceased
    from: [ceasing, active]
`, "floor.yaml:3:"},
	{"cease proposal sent straight to ceased", sdk.RuleProcessKept, `id: x
triggers:
  - id: plan.cease_proposed
    to: ceased
`, "floor.yaml:3:"},
	{"a parent's request shelved by a branch", sdk.RuleProcessKept, `id: x
triggers:
  - id: ehc.requested
    branches:
      - {when: 'actor == "parent"', to: withdrawn}
`, "floor.yaml:3:"},
	{"mediation request bounced back to none", sdk.RuleProcessKept, `id: x
triggers:
  - id: dispute.mediation_requested
    effects: {start: [mediation_held], set_states: {dispute: none}}
`, "floor.yaml:3:"},
	{"Tribunal's order to continue dropped", sdk.RuleProcessKept, `id: x
triggers:
  - id: dispute.tribunal_decided
    branches:
      - {when: 'data.order == "assess" && (states.ehc == "refused" || decision in ["refusal_to_assess", "refusal_to_reassess"])', effects: {start: [order_assess, order_no_plan_notice, order_final_plan]}}
      - {when: 'data.order == "assess"', effects: {start: [order_assess]}}
      - {when: 'data.order == "make_plan"', effects: {start: [order_make_plan, order_make_plan_final]}}
      - {when: 'data.order == "amend"', effects: {start: [order_amend]}}
      - {when: 'data.order == "change_school"', effects: {start: [order_change_school]}}
      - {when: 'data.order == "continue_and_amend"', effects: {start: [order_amend]}}
`, "floor.yaml:3:"},
	{"maintain taken out of the review decisions", sdk.RuleProcessKept, `id: x
triggers:
  - id: plan.review_decided
    payload:
      - {name: decision, type: string, required: true, enum: [amend, cease]}
`, "floor.yaml:3:"},
	{"placement-only appeal retyped", sdk.RuleProcessKept, `id: x
triggers:
  - id: dispute.appeal_registered
    payload:
      - {name: placement_only, type: string, enum: [confirmed_by_la]}
      - {name: decision, type: string}
      - {name: time_extended, type: boolean, roles: [tribunal]}
`, "floor.yaml:3:"},
	{"disputes no longer per decision", sdk.RuleDecisionKept, `id: x
tracks:
  - {id: dispute, per_decision: {time_to_appeal: [appeal_window]}}
`, "floor.yaml:3:"},
	{"the plan ceases on another decision's dispute", sdk.RuleDecisionKept, `id: x
triggers:
  - {id: plan.ceased, on_decision: plan_contents}
`, "floor.yaml:3:"},
	{"mediation named by the appeal window, not R33", sdk.RuleDecisionKept, `id: x
triggers:
  - {id: dispute.mediation_requested, decision_open: [appeal_window]}
`, "floor.yaml:3:"},
	{"the authority may withdraw a family's appeal", sdk.RuleProcessKept, `id: x
triggers:
  - id: dispute.withdrawn
    roles: [parent, young_person, la_officer]
`, "floor.yaml:3:"},
	{"a new trigger that ceases the plan", sdk.RuleProcessKept, `id: x
triggers:
  - id: plan.closed
    from: [ceasing, cease_proposed, active]
    to: ceased
    roles: [la_officer]
`, "floor.yaml:3:"},
	{"a review invitation that ends the annual review clock", sdk.RuleProcessKept, `id: x
triggers:
  - id: plan.review_invited
    effects: {start: [review_advice], stop: [review_notice, annual_review]}
`, "floor.yaml:3:"},
	{"a working day made a holiday", sdk.RuleClockNotLengthened, `id: x
holidays: [2027-01-01, 2027-03-26, 2027-03-29, 2027-05-03, 2027-05-31, 2027-06-17, 2027-08-30, 2027-12-27, 2027-12-28]
`, "floor.yaml:2:"},
}

// Each of the four rules of LIFECYCLE.md "Statutory floor", each named in
// the problem with its file position.
func TestStatutoryFloorRules(t *testing.T) {
	for _, tc := range floorBreaches {
		t.Run(tc.name, func(t *testing.T) { checkFloorBreach(t, tc) })
	}
	checkFloorAllowsTightening(t)
	checkFloorAllowsFewerExceptions(t)
	checkFloorHolidaysOfOtherYears(t)
}

// checkFloorBreach: the overlay is refused with statutory_floor naming the
// rule at its position; with allow_below_statutory_floor it compiles and
// every outcome warns.
func checkFloorBreach(t *testing.T, tc floorBreach) {
	se := overlayErr(t, "floor.yaml", tc.yaml)
	assert.Equal(t, sdk.CodeStatutoryFloor, se.Code)
	require.NotEmpty(t, se.Problems)
	p := se.Problems[0]
	assert.Equal(t, sdk.Code("statutory_floor"), p.Code)
	assert.Contains(t, p.Message, "statutory floor rule ")
	assert.Contains(t, p.Message, tc.rule)
	assert.Contains(t, p.Location, tc.loc)
	assert.Contains(t, p.Snippet, "^")

	// The same overlay with allow_below_statutory_floor compiles and
	// warns on every outcome.
	e, err := sdk.Compile(sdk.PolicySource{Name: "floor.yaml", Data: []byte(tc.yaml + "allow_below_statutory_floor: true\n")})
	require.NoError(t, err)
	require.NotEmpty(t, e.Warnings())
	o, err := e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "support.concern_raised", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	codes := map[string]bool{}
	for _, w := range o.Warnings {
		codes[string(w.Code)] = true
		if strings.Contains(w.Message, tc.rule) {
			codes["rule"] = true
		}
	}
	assert.True(t, codes["below_statutory_floor"])
	assert.True(t, codes["rule"], "the warning names the rule")
}

// checkFloorAllowsTightening: tightening is allowed, and an advisory guard
// on a parent's request too.
func checkFloorAllowsTightening(t *testing.T) {
	compileOverlay(t, `id: ok
clocks:
  - {id: ehc_decision_to_assess, unit: working_days, length: 25}
  - {id: review_advice, unit: weeks_before, length: 3}
  - {id: post16_transfer, unit: weeks_before, length: 26}
triggers:
  - id: ehc.requested
    guards:
      - {id: advice_only, severity: advice, expr: 'states.lift == "exhausted"', reason: "LIFT first, usually"}
      - {id: school_only, severity: advice, roles: [school], expr: '"personalised_plan" in evidence', reason: "A school sends its evidence"}
  - id: plan.review_invited
    guards:
      - {id: three_weeks_notice, severity: advice, expr: 'data.meeting_date >= add_days(today, 21)', reason: "Kent gives three weeks' notice", citation: "Kent practice"}
  - id: plan.support_pack_sent
    description: "A record-only step a district adds on a statutory track."
    from: [active]
    roles: [la_officer]
`)
}

// checkFloorAllowsFewerExceptions: an overlay may narrow a clock's
// exceptions (fewer reasons, longer minimum periods), and a narrowed list
// is what the engine applies.
func checkFloorAllowsFewerExceptions(t *testing.T) {
	e := compileOverlay(t, `id: narrow
clocks:
  - {id: ehc_decision_to_assess, exceptions: [{reason: absent_from_area, min_days: 35}]}
`)
	c := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2018-03-02"}})
	for _, f := range []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.exception_recorded", Actor: "la_officer", At: "2026-01-06", Data: map[string]any{"reason": "exceptional_personal_circumstances"}},
	} {
		o, err := e.Fire(c, f)
		require.NoError(t, err)
		c = o.Case
	}
	r, err := e.Clocks(c, "2026-02-17")
	require.NoError(t, err)
	st := map[string]sdk.ClockState{}
	for _, cl := range r.Clocks {
		st[cl.Key] = cl.Status
	}
	assert.Equal(t, sdk.ClockMissed, st["ehc_decision_to_assess"], "the overlay no longer lists the reason")
	assert.Equal(t, sdk.ClockRunning, st["ehc_final_plan"])
	assert.Empty(t, c.Clocks["ehc_decision_to_assess"].Exception)
	assert.Equal(t, "exceptional_personal_circumstances", c.Clocks["ehc_final_plan"].Exception, "the default's list for the 20 weeks")
}

// checkFloorHolidaysOfOtherYears: a family's window may be lengthened, and
// a list may give the holidays of a year sendflow's list does not cover, as
// long as it has that year's bank holidays and no other weekday.
func checkFloorHolidaysOfOtherYears(t *testing.T) {
	e := compileOverlay(t, `id: ok2
clocks:
  - {id: ehc_draft_representations, kind: window, unit: days_beginning_with, length: 20, statutory: true}
holidays: [2031-01-01, 2031-04-11, 2031-04-14, 2031-05-05, 2031-05-26, 2031-08-25, 2031-12-25, 2031-12-26, 2031-12-27]
`)
	c := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2020-03-02"}})
	for _, f := range []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2031-01-20"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2031-02-11"},
		{Trigger: "dispute.mediation_declined", Actor: "parent", At: "2031-04-10"},
	} {
		o, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = o.Case
	}
	// 3 working days from Thu 10 April 2031 over Easter: 15, 16, 17 April.
	assert.Equal(t, "2031-04-17", c.Clocks["mediation_certificate.d2"].Due)
	// A weekday that is not a bank holiday is refused in any year.
	se := overlayErr(t, "h.yaml", "id: h\nholidays: [2031-01-01, 2031-04-11, 2031-04-14, 2031-05-05, 2031-05-26, 2031-06-18, 2031-08-25, 2031-12-25, 2031-12-26]\n")
	assert.Contains(t, se.Problems[0].Message, sdk.RuleClockNotLengthened)
	assert.Contains(t, se.Problems[0].Message, "2031-06-18")
}

func TestDisabledTrack(t *testing.T) {
	e := compileOverlay(t, `id: nolift
tracks:
  - {id: lift, disabled: true}
`)
	assert.NotContains(t, e.Tracks(), "lift")
	assert.NotContains(t, e.TriggerNames(), "lift.referral_started")
	c := e.NewCase(sdk.Facts{Evidence: []string{"personalised_plan"}})
	_, err := e.Fire(c, sdk.Firing{Trigger: "lift.referral_started", Actor: "senco", At: "2026-01-05"})
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeUnknownTrigger, se.Code)
	assert.Contains(t, se.Message, "disables")
	require.Len(t, se.Problems, 1)
	assert.Equal(t, sdk.Code("track_disabled"), se.Problems[0].Code)
	perms, err := e.Permitted(c, "senco", "2026-01-05")
	require.NoError(t, err)
	for _, p := range perms {
		assert.NotEqual(t, "lift", p.Track, "Permitted leaves out a disabled track's triggers")
	}
	// A statutory track cannot be disabled.
	for _, tk := range []string{"ehc", "plan", "dispute"} {
		se := overlayErr(t, "off.yaml", "id: off\ntracks:\n  - {id: "+tk+", disabled: true}\n")
		assert.Equal(t, sdk.CodeStatutoryFloor, se.Code, tk)
	}
}

func TestDiagnosticsSuggestAndPoint(t *testing.T) {
	se := overlayErr(t, "typos.yaml", `id: typos
triggers:
  - id: hnf.applied
    guards:
      - {id: a, expr: 'states.lift == "exhausteed"', reason: "r"}
      - {id: b, expr: 'child.dob != ""', reason: "r"}
      - {id: c, expr: 'evidnce != nil', reason: "r"}
      - {id: d, expr: '"personal_plan" in evidence', reason: "r"}
      - {id: e, expr: 'params.hnf_treshold > 1', reason: "r"}
      - {id: f, expr: 'states.lfit == "none"', reason: "r"}
      - {id: g, expr: 'clocks.ehc_final.running', reason: "r"}
  - id: hnf.aplied
    from: [considerng]
    to: applied
`)
	want := []struct {
		code      sdk.Code
		hint, loc string
	}{
		{"unknown_state", `did you mean "exhausted"?`, "typos.yaml:5:39"},
		{"unknown_fact", `did you mean "date_of_birth"?`, "typos.yaml:5:"},
		{"unknown_fact", `did you mean "evidence"?`, "typos.yaml:7:"},
		{"unknown_evidence", `did you mean "personalised_plan"?`, "typos.yaml:8:"},
		{"unknown_param", `did you mean "hnf_threshold"?`, "typos.yaml:9:"},
		{"unknown_track", `did you mean "lift"?`, "typos.yaml:10:"},
		{"unknown_clock", `did you mean "ehc_final_plan"?`, "typos.yaml:11:"},
		{"missing_field", `did you mean "hnf.applied"?`, "typos.yaml:12:"},
		{"unknown_state", `did you mean "considering"?`, "typos.yaml:13:"},
	}
	require.Len(t, se.Problems, len(want), asJSON(t, se.Problems))
	for i, w := range want {
		p := se.Problems[i]
		assert.Equal(t, w.code, p.Code, p.Message)
		assert.Contains(t, p.Message, w.hint)
		if w.code != "unknown_fact" {
			assert.Contains(t, p.Location, w.loc)
		}
		assert.Contains(t, p.Snippet, "^")
	}
	// The caret sits under the misspelt state inside the expression.
	lines := strings.Split(se.Problems[0].Snippet, "\n")
	require.Len(t, lines, 2)
	caret := strings.Index(lines[1], "^")
	assert.Equal(t, `"exhausteed"`, lines[0][caret:caret+12])

	// Syntax errors of several layers are reported together.
	_, err := sdk.Compile(sdk.PolicySource{Name: "a.yaml", Data: []byte("id: [x\n")}, sdk.PolicySource{Name: "b.yaml", Data: []byte("id: b\nrolez: []\n")})
	se = sdk.AsError(err)
	require.Len(t, se.Problems, 2)
	assert.Contains(t, se.Problems[0].Location, "a.yaml:")
	assert.Contains(t, se.Problems[1].Location, "b.yaml:2:1")
}

// hostileGuard is an overlay guarding support.plan_agreed with expr.
func hostileGuard(expr string) string {
	return "id: hostile\ntriggers:\n  - id: support.plan_agreed\n    guards:\n      - {id: h, expr: '" + expr + "', reason: \"hostile\"}\n"
}

// hostileRejected are guards refused at compile, with the problem code.
var hostileRejected = map[string]struct {
	expr string
	code sdk.Code
}{
	"nested count over a list":     {`count(evidence, count(evidence, # == "sdq") > 0) > 0`, "nested_loop"},
	"nested filter over a range":   {`len(filter(1..1000, len(filter(1..1000, # > 0)) > 0)) > 0`, "nested_loop"},
	"string doubling with let":     {`let s = "xx"; let s2 = s + s; let s3 = s2 + s2; len(s3) > 0`, "forbidden"},
	"map building a list":          {`len(map(evidence, # + #)) > 0`, "forbidden"},
	"repeat":                       {`len(repeat("x", 1000000)) > 0`, "forbidden"},
	"deep nesting":                 {strings.Repeat("!", 500) + "true", "too_complex"},
	"deep list nesting":            {strings.Repeat("[", 500) + strings.Repeat("]", 500) + " != nil", "too_complex"},
	"wall clock":                   {`now() != nil`, "forbidden"},
	"overlong expression":          {`true || ` + strings.Repeat(`"x" == "y" || `, 400) + `false`, "too_complex"},
	"nested all in any over lists": {`any(evidence, all(evidence, # != ""))`, "nested_loop"},
	"string doubling without let":  {`len(data.x + data.x + data.x + data.x) > 0`, "forbidden"},
	"day stepping in a loop":       {`any(evidence, working_days_between(today, add_days(today, 700)) > 0)`, "nested_loop"},
}

// Hostile or careless guards: each is rejected when the policy compiles, or
// stopped when it runs with limit_exceeded. None may hang or exhaust memory.
func TestHostileGuardsAreBounded(t *testing.T) {
	for name, h := range hostileRejected {
		t.Run(name, func(t *testing.T) {
			g := hostileGuard(h.expr)
			if strings.Contains(h.expr, "data.x") {
				g = "id: hostile\ntriggers:\n  - id: support.review_held\n    payload:\n      - {name: progress, type: string, required: true, enum: [expected, less_than_expected]}\n      - {name: x, type: string}\n    guards:\n      - {id: h, expr: '" + h.expr + "', reason: \"hostile\"}\n"
			}
			se := overlayErr(t, "hostile.yaml", g)
			assert.Equal(t, sdk.CodeInvalidPolicy, se.Code)
			require.NotEmpty(t, se.Problems)
			assert.Equal(t, h.code, se.Problems[0].Code, se.Problems[0].Message)
		})
	}
	e := checkHugeListGuard(t)
	checkEvidenceCap(t, e)
	checkLargestLawfulList(t)
}

// checkHugeListGuard: a guard that would build a huge list is refused for
// its cost; with the cost limit raised it compiles, and is stopped by the
// memory budget when it runs. It returns that engine.
func checkHugeListGuard(t *testing.T) *sdk.Engine {
	se := overlayErr(t, "hostile.yaml", hostileGuard(`len(1..100000000) > 0`))
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("too_costly"), se.Problems[0].Code)
	e, err := sdk.CompileWith([]sdk.PolicySource{{Name: "hostile.yaml", Data: []byte(hostileGuard(`len(1..100000000) > 0`))}},
		sdk.WithLimits(sdk.Limits{GuardCost: 1 << 40, CallSteps: 1 << 40}))
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{Evidence: []string{"personalised_plan"}})
	c = fire(t, e, c, "support.concern_raised", "senco", "2026-01-05", nil).Case
	c = fire(t, e, c, "support.placed", "senco", "2026-01-06", nil).Case
	_, err = e.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07"})
	se = sdk.AsError(err)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code, se.Error())
	assert.Contains(t, se.Message, "memory budget")
	assert.Equal(t, "h", se.Guards[0].ID)
	perms, err := e.Permitted(c, "senco", "2026-01-07")
	require.NoError(t, err)
	found := false
	for _, p := range perms {
		if p.Trigger == "support.plan_agreed" {
			found = true
			assert.False(t, p.Allowed)
			assert.Equal(t, sdk.CodeLimitExceeded, p.Code)
		}
	}
	assert.True(t, found)
	return e
}

// checkEvidenceCap: inputs are capped, a case with more evidence than the
// limit is refused.
func checkEvidenceCap(t *testing.T, e *sdk.Engine) {
	big := e.NewCase(sdk.Facts{Evidence: make([]string, sdk.MaxEvidence+1)})
	for i := range big.Evidence {
		big.Evidence[i] = "sdq"
	}
	_, err := e.Fire(big, sdk.Firing{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-05"})
	assert.Equal(t, sdk.CodeLimitExceeded, codeOf(err))
}

// checkLargestLawfulList: a guard over the largest lawful list still runs
// (one loop, not nested).
func checkLargestLawfulList(t *testing.T) {
	ok := compileOverlay(t, hostileGuard(`count(evidence, # == "sdq") >= 0 && all(evidence, # != "")`))
	// (The list is built before NewCase: a case with no history is exactly
	// what NewCase made, so its facts are not changed afterwards.)
	evidence := append(make([]string, 0, sdk.MaxEvidence), "personalised_plan")
	for len(evidence) < sdk.MaxEvidence {
		evidence = append(evidence, "sdq")
	}
	full := ok.NewCase(sdk.Facts{Evidence: evidence})
	full = fire(t, ok, full, "support.concern_raised", "senco", "2026-01-05", nil).Case
	full = fire(t, ok, full, "support.placed", "senco", "2026-01-06", nil).Case
	fire(t, ok, full, "support.plan_agreed", "senco", "2026-01-07", nil)
}

func TestLayersAreReported(t *testing.T) {
	e := compileOverlay(t, `id: kentish
triggers:
  - id: hnf.applied
    guards:
      - {id: authority_guard, expr: 'true', reason: "a"}
`, `id: kentish_dover
triggers:
  - id: hnf.applied
    guards:
      - {id: district_guard, expr: 'false', reason: "d"}
`)
	assert.Equal(t, []string{"default", "kentish", "kentish_dover"}, e.Layers())
	// hnf reaches considering by a firing: a case with no history is at its
	// initial states.
	c := fire(t, e, e.NewCase(sdk.Facts{}), "hnf.considered", "school", "2026-01-05", map[string]any{"annual_provision_cost": 7500}).Case
	require.Equal(t, "considering", c.States["hnf"])
	_, err := e.Fire(c, sdk.Firing{Trigger: "hnf.applied", Actor: "school", At: "2026-01-05"})
	se := sdk.AsError(err)
	layers := map[string]string{}
	for _, g := range se.Guards {
		layers[g.ID] = g.Layer
	}
	assert.Equal(t, "default", layers["two_personalised_plans"])
	assert.Equal(t, "kentish_dover", layers["district_guard"])
	assert.NotContains(t, layers, "authority_guard")
}

func TestEveryUnknownKeyAtOnce(t *testing.T) {
	se := overlayErr(t, "keys.yaml", `id: keys
triggerz: []
triggers:
  - id: hnf.applied
    guards:
      - {id: g, expr: 'true', reson: "r", citation: "c"}
clocks:
  - {id: lift_initial_contact, unit: working_days, lenght: 3}
`)
	require.Len(t, se.Problems, 3, asJSON(t, se.Problems))
	want := []struct{ loc, hint string }{
		{"keys.yaml:2:1", `did you mean "triggers"?`},
		{"keys.yaml:6:31", `did you mean "reason"?`},
		{"keys.yaml:8:52", `did you mean "length"?`},
	}
	for i, w := range want {
		assert.Equal(t, sdk.Code("unknown_key"), se.Problems[i].Code)
		assert.Equal(t, w.loc, se.Problems[i].Location)
		assert.Contains(t, se.Problems[i].Message, w.hint)
		assert.Contains(t, se.Problems[i].Snippet, "^")
	}
	lines := strings.Split(se.Problems[1].Snippet, "\n")
	caret := strings.Index(lines[1], "^")
	assert.Equal(t, "reson", lines[0][caret:caret+5])
}

func TestJSONOverlay(t *testing.T) {
	e := compileOverlay(t, `{"id": "json_la", "parameters": [{"id": "hnf_threshold", "value": 7000}],
 "triggers": [{"id": "ehc.requested", "guards": [{"id": "a", "severity": "advice", "roles": ["school"], "expr": "len(evidence) > 0", "reason": "Send evidence.", "reasons": {"cy": "Anfonwch dystiolaeth."}, "citation": "local"}]}]}`)
	assert.Equal(t, "json_la", e.PolicyID())
	o, err := e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: "2026-01-05", Locale: "cy"})
	require.NoError(t, err)
	require.Len(t, o.Warnings, 1)
	assert.Equal(t, "Anfonwch dystiolaeth.", o.Warnings[0].Message)
	_, err = e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-01-05", Data: map[string]any{"annual_provision_cost": 6500}})
	assert.Equal(t, sdk.CodeGuardFailed, codeOf(err), "the threshold parameter is 7000 here")
}

func TestYAMLAnchorsAreAccepted(t *testing.T) {
	e := compileOverlay(t, `id: anchors
triggers:
  - id: ehc.requested
    guards:
      - {severity: advice, roles: &school [school], citation: &local "local", id: a, expr: 'len(evidence) > 0', reason: "Send evidence."}
      - {severity: advice, roles: *school, citation: *local, id: b, expr: '"sdq" in evidence', reason: "Send an SDQ."}
`)
	o, err := e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: "2026-01-05"})
	require.NoError(t, err)
	require.Len(t, o.Warnings, 2)
	assert.Equal(t, "b", o.Warnings[1].Guard)
}
