package sdk_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// youngPerson19 is a case of a young person aged 19 (LIFECYCLE-worked.md
// example 6) with child facts set by with.
func youngPerson19(e *sdk.Engine, with func(*sdk.Child)) sdk.Case {
	ch := sdk.Child{DateOfBirth: "2007-02-14"}
	if with != nil {
		with(&ch)
	}
	return e.NewCase(sdk.Facts{ID: "we-6", LA: "kent", District: "ashford", Child: ch})
}

// A parent acting with the young person's written authority is recorded as
// the young person's act, and the history verifies and replays as such.
func TestWrittenAuthorityIsTheYoungPersonsAct(t *testing.T) {
	e := engine(t)
	c := youngPerson19(e, func(ch *sdk.Child) { ch.AuthorisedParent = true })
	o, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02", Data: map[string]any{"on_behalf_of": "young_person"}})
	require.NoError(t, err)
	assert.Equal(t, "young_person", o.Event.Actor)
	assert.Equal(t, "young_person", o.Event.Data["on_behalf_of"])
	rep := e.Verify(o.Case)
	assert.True(t, rep.OK, rep.Reason)
	r, err := e.Replay(*o.Case.Origin, o.Case.History)
	require.NoError(t, err)
	assert.Equal(t, o.Case.States, r.States)

	// Before compulsory school age ends the parent is the parent.
	child := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2012-02-14"}})
	o, err = e.Fire(child, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02", Data: map[string]any{"on_behalf_of": "young_person"}})
	require.NoError(t, err)
	assert.Equal(t, "parent", o.Event.Actor)
	// So is the alternative person for a young person who lacks capacity.
	o, err = e.Fire(youngPerson19(e, func(ch *sdk.Child) { ch.LacksCapacity = true }), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02"})
	require.NoError(t, err)
	assert.Equal(t, "parent", o.Event.Actor)
}

// Permitted, which has no payload, allows a parent who may act only with
// on_behalf_of or acting_as, and names the field.
func TestPermittedNamesTheRightsField(t *testing.T) {
	e := engine(t)
	perm := func(c sdk.Case, role string) sdk.Permission {
		t.Helper()
		ps, err := e.Permitted(c, role, "2026-03-02")
		require.NoError(t, err)
		for _, p := range ps {
			if p.Trigger == "ehc.requested" {
				return p
			}
		}
		t.Fatal("ehc.requested not judged")
		return sdk.Permission{}
	}
	p := perm(youngPerson19(e, nil), "parent")
	assert.False(t, p.Allowed)
	assert.Equal(t, sdk.CodeNotAuthorised, p.Code)
	require.Len(t, p.Guards, 1)
	assert.Equal(t, "family_rights", p.Guards[0].ID)

	p = perm(youngPerson19(e, func(ch *sdk.Child) { ch.AuthorisedParent = true }), "parent")
	assert.True(t, p.Allowed, p.Reason)
	assert.Equal(t, []string{"on_behalf_of"}, p.NeedsInput)

	rep := youngPerson19(e, func(ch *sdk.Child) { ch.LacksCapacity, ch.Representative = true, "A deputy" })
	p = perm(rep, "parent")
	assert.True(t, p.Allowed, p.Reason)
	assert.Equal(t, []string{"acting_as"}, p.NeedsInput)
	p = perm(rep, "young_person")
	assert.False(t, p.Allowed)
	assert.Equal(t, sdk.CodeNotAuthorised, p.Code)

	p = perm(youngPerson19(e, nil), "young_person")
	assert.True(t, p.Allowed, p.Reason)
	assert.Empty(t, p.NeedsInput)
	// Other roles are not affected.
	p = perm(youngPerson19(e, nil), "school")
	assert.True(t, p.Allowed, p.Reason)
}

// The rule's marks are the default's: an overlay can neither take a
// trigger out of the rule nor put one under it.
func TestOverlayCannotChangeTheRightsRule(t *testing.T) {
	se := overlayErr(t, "floor.yaml", `id: x
triggers:
  - id: ehc.withdrawn
    family_right: {rule: family_right_kept, right: "whoever asked may withdraw", roles: [parent, young_person, school]}
`)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("statutory_floor"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Message, "statutory floor rule "+sdk.RuleFamilyRightKept+": ehc.withdrawn no longer passes to the young person")

	se = overlayErr(t, "floor.yaml", `id: x
triggers:
  - id: plan.review_invited
    roles: [school, la_officer, parent, young_person]
    family_right: {rule: family_right_kept, right: "made up", passes_to_young_person: true}
    payload:
      - {name: on_behalf_of, type: string, enum: [young_person]}
      - {name: acting_as, type: string, enum: [representative]}
`)
	found := false
	for _, p := range se.Problems {
		found = found || (p.Code == sdk.CodeStatutoryFloor && strings.Contains(p.Message, "plan.review_invited now passes to the young person"))
	}
	assert.True(t, found, "%v", se.Problems)
}

// A trigger under the rule declares the fields the rule reads.
func TestRightsTriggerDeclaresItsFields(t *testing.T) {
	se := overlayErr(t, "x.yaml", `id: x
tracks:
  - {id: note, initial: open, states: [{id: open}, {id: done}]}
triggers:
  - id: note.asked
    from: [open]
    to: done
    roles: [parent, young_person]
    family_right: {rule: family_right_kept, right: "a right", passes_to_young_person: true}
    payload:
      - {name: on_behalf_of, type: string, enum: [young_person]}
`)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("missing_field"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Message, "trigger note.asked passes to the young person: it must declare the optional string field acting_as")
	// With both fields, a local trigger may follow the rule.
	e := compileOverlay(t, `id: x
tracks:
  - {id: note, initial: open, states: [{id: open}, {id: done}]}
triggers:
  - id: note.asked
    from: [open]
    to: done
    roles: [parent, young_person]
    family_right: {rule: family_right_kept, right: "a right", passes_to_young_person: true}
    payload:
      - {name: on_behalf_of, type: string, enum: [young_person]}
      - {name: acting_as, type: string, enum: [representative]}
`)
	_, err := e.Fire(youngPerson19(e, nil), sdk.Firing{Trigger: "note.asked", Actor: "parent", At: "2026-03-02"})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeNotAuthorised, sdk.AsError(err).Code)
	fire(t, e, youngPerson19(e, nil), "note.asked", "young_person", "2026-03-02", nil)
}

// The capacity and age-limit facts are checked field by field.
func TestChildCapacityFactsAreChecked(t *testing.T) {
	e := engine(t)
	c := e.NewCase(sdk.Facts{ID: "c"})
	_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02", Facts: map[string]any{"child": map[string]any{
		"lacks_capacity": "yes", "authorised_parent": 1, "representative": 7, "post25_setting": "university",
		"apprenticeship_end": "soon", "course_end": "2027-02-30"}}})
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeInvalidInput, se.Code)
	var ptrs []string
	for _, p := range se.Problems {
		ptrs = append(ptrs, p.Pointer)
	}
	assert.ElementsMatch(t, []string{"/facts/child/lacks_capacity", "/facts/child/authorised_parent", "/facts/child/representative",
		"/facts/child/post25_setting", "/facts/child/apprenticeship_end", "/facts/child/course_end"}, ptrs)

	o := fire(t, e, c, "support.concern_raised", "parent", "2026-03-02", nil)
	o, err = e.Fire(o.Case, sdk.Firing{Trigger: "support.placed", Actor: "senco", At: "2026-03-03", Facts: map[string]any{"child": map[string]any{
		"lacks_capacity": true, "representative": "A deputy", "authorised_parent": true, "post25_setting": "apprenticeship",
		"apprenticeship_end": "2031-03-31", "course_end": "2031-06-30"}}})
	require.NoError(t, err)
	assert.Equal(t, sdk.Child{LacksCapacity: true, Representative: "A deputy", AuthorisedParent: true, Post25Setting: "apprenticeship",
		ApprenticeshipEnd: "2031-03-31", CourseEnd: "2031-06-30"}, o.Case.Child)
	bad := o.Case
	bad.Child.Post25Setting = "university"
	_, err = e.Clocks(bad, "2026-03-04")
	require.Error(t, err)
	assert.Equal(t, "/child/post25_setting", sdk.AsError(err).Pointer)
}
