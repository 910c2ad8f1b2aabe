package sdk_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// Bugs found by the random walks and the fuzzers, one test each.

// planned builds a case with a maintained EHC plan (plan track active).
func planned(t *testing.T, e *sdk.Engine) sdk.Case {
	c := newCase(e)
	for _, s := range []struct {
		trig, actor, at string
		data            map[string]any
	}{
		{"ehc.requested", "parent", "2026-01-05", nil},
		{"ehc.decided_to_assess", "la_officer", "2026-02-02", nil},
		{"ehc.draft_issued", "la_officer", "2026-03-02", nil},
		{"ehc.plan_finalised", "la_officer", "2026-04-20", map[string]any{"named_school": "Oak Primary"}},
	} {
		c = fire(t, e, c, s.trig, s.actor, s.at, s.data).Case
	}
	require.Equal(t, "active", c.States["plan"])
	return c
}

// Walk seed 2: plan.phase_transfer_set with a transfer year whose deadline
// had already passed started a clock due before it started.
func TestRegressionPhaseTransferDeadlineAlreadyPassed(t *testing.T) {
	e := engine(t)
	c := planned(t, e)
	_, err := e.Fire(c, sdk.Firing{Trigger: "plan.phase_transfer_set", Actor: "la_officer", At: "2026-05-01",
		Data: map[string]any{"transfer_year": 2026}})
	require.Error(t, err, "the 15 February 2026 deadline has passed by 1 May 2026")
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err))
	assert.Equal(t, "/data", sdk.AsError(err).Pointer)
	o := fire(t, e, c, "plan.phase_transfer_set", "la_officer", "2026-05-01", map[string]any{"transfer_year": 2027})
	assert.Equal(t, "2027-02-14", clockOf(t, o, "phase_transfer").Due)
	o = fire(t, e, c, "plan.phase_transfer_set", "la_officer", "2027-03-30", map[string]any{"transfer_year": 2027, "post16": true})
	assert.Equal(t, "2027-03-30", clockOf(t, o, "phase_transfer").Due, "due on the day it starts is still allowed")
	_, err = e.Fire(c, sdk.Firing{Trigger: "plan.phase_transfer_set", Actor: "la_officer", At: "2027-03-31",
		Data: map[string]any{"transfer_year": 2027, "post16": true}})
	assert.Equal(t, sdk.CodeInvalidInput, codeOf(err), "a day after the post-16 deadline")
}

// Walk seed 22: Permitted said ehc.draft_issued was allowed with nothing
// needed, but its guard on the payload (no school named) refused the
// firing with a school: a guard reading the payload must be listed in
// NeedsInput even when it holds on an empty payload.
func TestRegressionPermittedListsEveryPayloadGuard(t *testing.T) {
	e := engine(t)
	c := newCase(e)
	c = fire(t, e, c, "ehc.requested", "parent", "2026-01-05", nil).Case
	c = fire(t, e, c, "ehc.decided_to_assess", "la_officer", "2026-02-02", nil).Case
	ps, err := e.Permitted(c, "la_officer", "2026-03-02")
	require.NoError(t, err)
	for _, p := range ps {
		if p.Trigger == "ehc.draft_issued" {
			assert.True(t, p.Allowed)
			assert.Equal(t, []string{"named_school"}, p.NeedsInput)
		}
	}
}

// Found reading the code for the privacy work: "did you mean" computed an
// edit distance between any-length input and every name, so a 1 MB trigger
// name cost about two billion steps. Names past MaxIdentifierLen get no
// suggestion (and, not being name-like, are never echoed).
func TestRegressionHugeNamesGetNoSuggestion(t *testing.T) {
	e := engine(t)
	huge := strings.Repeat("ehc.requested", 80000)
	_, err := e.Fire(newCase(e), sdk.Firing{Trigger: huge, Actor: huge, At: "2026-01-05"})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeUnknownTrigger, codeOf(err))
	assert.Less(t, len(err.Error()), 300)
	_, err = e.Permitted(newCase(e), huge, "2026-01-05")
	assert.Equal(t, sdk.CodeNotAuthorised, codeOf(err))
	assert.Less(t, len(err.Error()), 300)
}

// Compile parses the embedded default once (most of Compile's time was
// that YAML parse). A host changing one engine's Policy() must not reach
// the next engine compiled.
func TestCompileGivesEveryEngineItsOwnDefault(t *testing.T) {
	e1, err := sdk.Compile()
	require.NoError(t, err)
	p := e1.Policy()
	p.Triggers[0].From[0] = "changed_by_a_host"
	p.Roles[0].ID = "changed_by_a_host"
	e2, err := sdk.Compile()
	require.NoError(t, err)
	assert.Equal(t, engine(t).PolicyHash(), e2.PolicyHash())
	assert.NotEqual(t, "changed_by_a_host", e2.Policy().Triggers[0].From[0])
}

// FuzzCompilePolicy (input 1254d0ad8d87028c): go-yaml panicked on an empty
// "!" tag where a list was expected; Compile recovered it as internal_error.
// It is a syntax error in the policy: invalid_policy with its location.
func TestRegressionYAMLDecoderPanicIsASyntaxError(t *testing.T) {
	for _, doc := range []string{"#00000\ntriggers:  ! ", "id: x\ntracks: !\n", "id: x\nroles:\n  - !\n"} {
		_, err := sdk.Compile(sdk.PolicySource{Name: "f.yaml", Data: []byte(doc)})
		require.Error(t, err, doc)
		se := sdk.AsError(err)
		assert.Equal(t, sdk.CodeInvalidPolicy, se.Code, "%q: %v", doc, err)
		assert.Contains(t, se.Location, "f.yaml")
	}
}
