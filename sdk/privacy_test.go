package sdk_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// A child's personal data (a name, a date of birth, free text) given in a
// bad input must never come back in an error message or a warning: only
// the field's path (the JSON pointer) says where the fault is.
const (
	markerName = "Amelia Quartermain"
	markerDOB  = "2013-07-19"
	markerText = "lives with her gran at 4 Elm Road"
)

var markers = []string{markerName, markerDOB, "19/07/2013", markerText, "Quartermain"}

// privacyOverlay adds a track whose guards read free text and dates from
// the payload through functions that can fail, so a guard's evaluation
// error is exercised too.
const privacyOverlay = `id: privacy
tracks:
  - {id: note, initial: open, states: [{id: open}, {id: done}]}
triggers:
  - id: note.recorded
    from: [open]
    to: done
    roles: [la_officer]
    payload:
      - {name: text, type: string}
      - {name: born, type: string}
      - {name: when, type: date}
    guards:
      - {id: born_parses, expr: 'age(data.born ?? "", today) >= 0', reason: "The date of birth must be a date."}
      - {id: text_short, expr: 'len(data.text ?? "") < 5', reason: "The note is too long."}
      - {id: advice_on_text, severity: advice, expr: 'add_days(data.born ?? "", 1) != ""', reason: "Check the date of birth."}
`

// leak returns the first marker found in the error's or warnings' text,
// pointers included: a pointer quotes a key only when it looks like a
// policy name, like a message.
func leak(v any) string {
	b, _ := json.Marshal(v)
	text := string(b)
	if err, ok := v.(error); ok {
		text += " " + err.Error()
	}
	for _, mk := range markers {
		if strings.Contains(text, mk) {
			return mk + " in " + text
		}
	}
	return ""
}

// privacyFirings carry a name, a date of birth and free text in every place
// a firing can hold a value.
var privacyFirings = []sdk.Firing{
	{Trigger: markerName, Actor: "parent", At: "2026-01-06"},
	{Trigger: "ehc.withdrawn", Actor: markerName, At: "2026-01-06"},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: markerText},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "19/07/2013"},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Data: map[string]any{"note": markerText}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Data: map[string]any{markerName: markerText}},
	{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-01-06", Data: map[string]any{"from": markerName}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"date_of_birth": "19/07/2013"}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"date_of_birth": markerName}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"name": markerName}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"year_group": markerName}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"evidence": []any{markerText}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"evidence": markerText}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"name": markerName}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{markerName: markerDOB}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{markerName: 1}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Data: map[string]any{markerName + "\xff": 1}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Data: map[string]any{"nested": map[string]any{markerName: "\xff"}}},
	{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-01-06", Facts: map[string]any{"id": []any{markerName}}},
	{Trigger: "hnf.considered", Actor: "school", At: "2026-01-06", Data: map[string]any{"annual_provision_cost": markerText}},
	{Trigger: "support.concern_raised", Actor: "young_person", At: "2026-01-06"},
	// The capacity and age-limit facts: the representative is a person's name.
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"date_of_birth": "2004-01-01", "lacks_capacity": true, "representative": markerName}}},
	{Trigger: "ehc.withdrawn", Actor: "young_person", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"date_of_birth": "2004-01-01", "lacks_capacity": true, "representative": markerName}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Data: map[string]any{"acting_as": markerName}, Facts: map[string]any{"child": map[string]any{"date_of_birth": "2004-01-01", "lacks_capacity": true, "representative": markerName}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Data: map[string]any{"on_behalf_of": markerName}, Facts: map[string]any{"child": map[string]any{"date_of_birth": "2004-01-01", "authorised_parent": true}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"representative": []any{markerName}}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"representative": strings.Repeat(markerName, 20)}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"lacks_capacity": markerText, "authorised_parent": markerName}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"post25_setting": markerName}}},
	{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-01-06", Facts: map[string]any{"child": map[string]any{"apprenticeship_end": "19/07/2013", "course_end": markerName}}},
}

// privacyCases are req (a requested case) and cases carrying the markers in
// their states, tracks, evidence, date of birth and clocks.
func privacyCases(req sdk.Case) map[string]sdk.Case {
	cases := map[string]sdk.Case{"requested": req}
	for name, c := range map[string]sdk.Case{
		"bad state":     {States: map[string]string{"ehc": markerName}},
		"bad track":     {States: map[string]string{markerName: "none"}},
		"bad evidence":  {Facts: sdk.Facts{Evidence: []string{markerText}}},
		"bad dob":       {Facts: sdk.Facts{Child: sdk.Child{DateOfBirth: "19/07/2013"}}},
		"bad clock":     {Clocks: map[string]sdk.Clock{"x": {ID: markerName, StartedAt: markerDOB, Due: markerDOB}}},
		"bad clock key": {Clocks: map[string]sdk.Clock{markerName: {ID: "ehc_final_plan", Kind: "duty", StartedAt: markerDOB, Due: markerDOB, Status: "running"}}},
		"bad clock key with history": func() sdk.Case {
			c := req
			c.Clocks = map[string]sdk.Clock{markerName: c.Clocks["ehc_decision_to_assess"]}
			return c
		}(),
		"bad representative":     {Facts: sdk.Facts{Child: sdk.Child{Representative: markerName + "\xff"}}},
		"long representative":    {Facts: sdk.Facts{Child: sdk.Child{Representative: strings.Repeat(markerName, 20)}}},
		"bad post25 setting":     {Facts: sdk.Facts{Child: sdk.Child{Post25Setting: markerName}}},
		"bad apprenticeship end": {Facts: sdk.Facts{Child: sdk.Child{ApprenticeshipEnd: "19/07/2013", CourseEnd: markerName}}},
		"representative acting":  {Facts: sdk.Facts{Child: sdk.Child{DateOfBirth: "2004-01-01", LacksCapacity: true, Representative: markerName}}},
		"bad due":                {Clocks: map[string]sdk.Clock{"ehc_final_plan": {ID: "ehc_final_plan", StartedAt: markerDOB, Due: markerName}}},
	} {
		cases[name] = c
	}
	return cases
}

func TestErrorsNeverEchoPersonalData(t *testing.T) {
	e := engine(t)
	pe, err := sdk.Compile(sdk.PolicySource{Name: "privacy.yaml", Data: []byte(privacyOverlay)})
	require.NoError(t, err)

	base := e.NewCase(sdk.Facts{ID: "c-9", Child: sdk.Child{DateOfBirth: markerDOB}})
	req := fire(t, e, base, "ehc.requested", "parent", "2026-01-05", nil).Case
	checked := checkCasesDoNotLeak(t, e, privacyCases(req))
	checked += checkGuardsDoNotLeak(t, pe)
	t.Logf("%d calls checked", checked)
}

// checkCasesDoNotLeak fires every privacy firing at every case and asks
// Permitted and Clocks with the markers; it returns the calls checked.
func checkCasesDoNotLeak(t *testing.T, e *sdk.Engine, cases map[string]sdk.Case) int {
	checked := 0
	for name, c := range cases {
		for i, f := range privacyFirings {
			o, err := e.Fire(c, f)
			if err != nil {
				assert.Empty(t, leak(err), "case %s, firing %d", name, i)
			} else {
				assert.Empty(t, leak(o.Warnings), "case %s, firing %d", name, i)
			}
			checked++
		}
		for _, role := range []string{markerName, "parent", "la_officer"} {
			for _, asOf := range []string{markerText, "2026-02-01"} {
				ps, err := e.Permitted(c, role, asOf)
				assert.Empty(t, leak(err), "case %s, Permitted", name)
				assert.Empty(t, leak(ps), "case %s, Permitted", name)
				_, err = e.Clocks(c, asOf)
				assert.Empty(t, leak(err), "case %s, Clocks", name)
				checked += 2
			}
		}
	}
	return checked
}

// checkGuardsDoNotLeak evaluates the privacy overlay's guards on the markers
// and replays and verifies a history holding them; it returns the calls
// checked.
func checkGuardsDoNotLeak(t *testing.T, pe *sdk.Engine) int {
	checked := 0
	// Guards that fail to evaluate on free text say so without the text.
	pc := pe.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: markerDOB}})
	for _, data := range []map[string]any{
		{"born": markerName, "text": markerText},
		{"born": "19/07/2013"},
		{"born": markerDOB + "x"},
		{"when": "19/07/2013", "text": markerName},
	} {
		o, err := pe.Fire(pc, sdk.Firing{Trigger: "note.recorded", Actor: "la_officer", At: "2026-01-06", Data: data})
		if err != nil {
			assert.Empty(t, leak(err), "%v", data)
		} else {
			assert.Empty(t, leak(o.Warnings), "%v", data)
		}
		checked++
	}
	// Replay and Verify of a history carrying free text.
	h := fire(t, pe, pc, "note.recorded", "la_officer", "2026-01-06", map[string]any{"born": "2013-07-19", "text": "ok"}).Case
	h.History[0].Data = map[string]any{"text": markerText}
	_, err := pe.Replay(*h.Origin, h.History)
	assert.Empty(t, leak(err))
	assert.Empty(t, leak(pe.Verify(h)))
	return checked + 2
}

// TestAFirstNameAsARoleIsNotEchoed: a role is one lower-case word, the
// shape of a first name typed into the wrong field, so an unknown role is
// echoed only when it is a near miss of a real one.
func TestAFirstNameAsARoleIsNotEchoed(t *testing.T) {
	e := engine(t)
	c := e.NewCase(sdk.Facts{ID: "c-10"})
	_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "amelia", At: "2026-01-05"})
	require.Error(t, err)
	ae := sdk.AsError(err)
	assert.Equal(t, sdk.CodeNotAuthorised, ae.Code)
	assert.NotContains(t, ae.Message, "amelia")
	assert.Contains(t, ae.Message, "la_officer", "the message lists the roles")
	_, err = e.Permitted(c, "amelia", "2026-01-05")
	require.Error(t, err)
	assert.NotContains(t, sdk.AsError(err).Message, "amelia")
	// A typo of a real role is still named, with the role meant.
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parnet", At: "2026-01-05"})
	require.Error(t, err)
	assert.Contains(t, sdk.AsError(err).Message, `"parnet"`)
	assert.Contains(t, sdk.AsError(err).Message, `did you mean "parent"`)
}
