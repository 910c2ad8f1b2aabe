package sdk

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rehash gives every event of c the policy hash h and rebuilds the chain,
// as the engine that recorded it under that policy would have.
func rehash(e *Engine, c Case, h string) Case {
	out := c
	out.History = slices.Clone(c.History)
	return rechain(e, out, 0, func(ev *Event) { ev.PolicyHash = h })
}

// rechain applies edit to every event from index from on and rebuilds the
// hash chain from there, as a forger knowing the hash would.
func rechain(e *Engine, c Case, from int, edit func(*Event)) Case {
	c.History = slices.Clone(c.History)
	prev := originHash(c.Origin)
	if from > 0 {
		prev = c.History[from-1].Hash
	}
	for i := from; i < len(c.History); i++ {
		ev := &c.History[i]
		edit(ev)
		ev.PrevHash = prev
		ev.Hash = eventHash(ev, e.trackOrder)
		prev = ev.Hash
	}
	return c
}

// fireAll fires the firings on c in turn under e.
func fireAll(t *testing.T, e *Engine, c Case, fs ...Firing) Case {
	t.Helper()
	for _, f := range fs {
		o, err := e.Fire(c, f)
		require.NoError(t, err, "%s at %s", f.Trigger, f.At)
		c = o.Case
	}
	return c
}

// releasedV1 is the default the last release shipped (before lifecycle
// v2): the histories authorities hold were recorded under it.
const releasedV1 = "36e1a0646e7840e6131796a6640da5dfac8ccafe27ffbdb44736572744172fdc"

// v1History is a case recorded under the released default v1 (compiled
// from its embedded released text): a request, a refusal, an appeal
// against it, and a second request whose clocks run.
func v1History(t *testing.T) (*Engine, Case) {
	t.Helper()
	v1 := released(releasedV1)
	require.NotNil(t, v1, "v1 is a released default")
	c := v1.NewCase(Facts{ID: "old", LA: "kent", Child: Child{DateOfBirth: "2016-03-02"}})
	c = fireAll(t, v1, c,
		Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		Firing{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-02"},
		Firing{Trigger: "dispute.appeal_registered", Actor: "parent", At: "2026-03-02", Data: map[string]any{"placement_only": true}},
		Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-09"})
	require.True(t, v1.Verify(c).OK, v1.Verify(c).Reason)
	return v1, c
}

// v2Default simulates the next release of the default: the final plan is
// due in 18 weeks, not 20, a request must give a reason, and a new track
// (transport) joins. It is compiled as the embedded default would be
// (alone), and so is a default engine.
func v2Default(t *testing.T) *Engine {
	t.Helper()
	text := string(defaultPolicyYAML)
	for _, r := range [][2]string{
		{"{id: ehc_final_plan, unit: weeks, length: 20,", "{id: ehc_final_plan, unit: weeks, length: 18,"},
		{"    citation: \"CFA s36(1); R5(1)\"\n", "      - {name: request_reason, type: string, required: true}\n    citation: \"CFA s36(1); R5(1)\"\n"},
		{"\nclocks:\n", "  - {id: transport, description: \"Home to school transport.\", initial: none, states: [{id: none}, {id: applied}]}\n\nclocks:\n"},
		{"\ntriggers:\n", "\ntriggers:\n  - {id: transport.applied, from: [none], to: applied, roles: [parent]}\n"},
	} {
		require.Equal(t, 1, strings.Count(text, r[0]), r[0])
		text = strings.Replace(text, r[0], r[1], 1)
	}
	v2, err := compileOn(&PolicySource{Name: "default.yaml", Data: []byte(text)}, false, nil, DefaultGuardCost, DefaultCallSteps)
	require.NoError(t, err)
	require.Equal(t, "default", v2.PolicyID())
	require.NotEqual(t, genDefault.policyHash, v2.PolicyHash())
	return v2
}

// Issue #17: a case recorded under release v1 of the default verifies,
// replays and fires on under v2, each event judged under the policy it
// was fired under, its running clock keeping the due date v1 gave it.
func TestHistoryOutlivesTheDefault(t *testing.T) {
	v1, c := v1History(t)
	v2 := v2Default(t)
	final := c.Clocks["ehc_final_plan"]
	require.Equal(t, "2026-07-27", final.Due, "v1: 20 weeks from the second request")

	rep := v2.Verify(c)
	require.True(t, rep.OK, rep.Reason)
	re, err := v2.Replay(*c.Origin, c.History)
	require.NoError(t, err)
	assert.Equal(t, c.History, re.History, "each event rebuilt exactly, its policy hash and chain included")
	assert.Equal(t, c.Clocks, re.Clocks)
	assert.Equal(t, c.Decisions, re.Decisions)
	assert.Equal(t, normStates(v2, c.States), re.States, "v2's new track at its initial state")

	// Under v2 alone the v1 request no longer fires (it gives no reason).
	_, err = v2.Fire(v2.NewCase(*c.Origin), Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.Error(t, err)

	o, err := v2.Fire(c, Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-04-06"})
	require.NoError(t, err, "fires on under v2")
	assert.Equal(t, v2.PolicyHash(), o.Event.PolicyHash)
	assert.Equal(t, "2026-07-27", o.Case.Clocks["ehc_final_plan"].Due, "the clock v1 started keeps its date")
	o, err = v2.Fire(o.Case, Firing{Trigger: "transport.applied", Actor: "parent", At: "2026-04-07"})
	require.NoError(t, err, "a track v2 adds")
	assert.NotContains(t, o.Case.History[0].StatesAfter, "transport")
	rep = v2.Verify(o.Case)
	assert.True(t, rep.OK, rep.Reason)
	re, err = v2.Replay(*c.Origin, o.Case.History)
	require.NoError(t, err)
	assert.Equal(t, o.Case.History, re.History)
	assert.Equal(t, o.Case.Clocks, re.Clocks)

	// v1 does not know v2's events (nor its track).
	assert.False(t, v1.Verify(o.Case).OK)
}

// A history naming a policy hash that is no released default and no
// registered earlier policy is reported, naming its first event; an
// overlay engine does not take the released defaults.
func TestUnknownPolicyHash(t *testing.T) {
	_, c := v1History(t)
	v2 := v2Default(t)
	rep := v2.Verify(rehash(v2, c, "00000000000000000000000000000000000000000000000000000000000000aa"))
	assert.False(t, rep.OK)
	assert.Equal(t, 1, rep.FirstBad)
	assert.Contains(t, rep.Reason, "event 1 was recorded under another version of policy \"default\"")

	k, err := Compile(PolicySource{Name: "x.yaml", Data: []byte("id: default\nparameters:\n  - {id: hnf_threshold, value: 1}\n")})
	require.NoError(t, err)
	require.NotEqual(t, genDefault.policyHash, k.PolicyHash())
	rep = k.Verify(c)
	assert.False(t, rep.OK)
	assert.Equal(t, 1, rep.FirstBad)
}

// A host registers the overlay it recorded histories under (on the
// current default, or on the released default it was compiled on): its
// histories then verify and replay under the new overlay's engine.
func TestEarlierOverlays(t *testing.T) {
	o1 := PolicySource{Name: "kent.yaml", Data: []byte("id: default\nparameters:\n  - {id: hnf_threshold, value: 1}\n")}
	o2 := PolicySource{Name: "kent.yaml", Data: []byte("id: default\nparameters:\n  - {id: hnf_threshold, value: 2}\n")}
	old, err := Compile(o1)
	require.NoError(t, err)
	steps := []Firing{{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"}, {Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-02"}}
	c := fireAll(t, old, old.NewCase(Facts{ID: "k", Child: Child{DateOfBirth: "2016-03-02"}}), steps...)

	now, err := Compile(o2)
	require.NoError(t, err)
	assert.False(t, now.Verify(c).OK, "not without the earlier overlay")
	reg, err := now.With(WithEarlierPolicies([]PolicySource{o1}))
	require.NoError(t, err)
	rep := reg.Verify(c)
	assert.True(t, rep.OK, rep.Reason)
	re, err := reg.Replay(*c.Origin, c.History)
	require.NoError(t, err)
	assert.Equal(t, c.History, re.History)
	o, err := reg.Fire(c, Firing{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-02-03", Data: map[string]any{"from": "medical"}})
	require.NoError(t, err)
	assert.True(t, reg.Verify(o.Case).OK)

	// The overlay on an earlier released default: the host gives its text.
	const c114 = "c1142a2e9c2aff5f79a34a41780cd2e2b59a58664487acad5753b63a753f2a19"
	text, ok := ReleasedDefault(c114)
	require.True(t, ok)
	older, err := compileOn(&PolicySource{Name: "default.yaml", Data: text}, false, []PolicySource{o1}, DefaultGuardCost, DefaultCallSteps)
	require.NoError(t, err)
	c = fireAll(t, older, older.NewCase(Facts{ID: "k", Child: Child{DateOfBirth: "2016-03-02"}}), steps...)
	assert.False(t, reg.Verify(c).OK, "o1 on the current default is another policy")
	reg2, err := CompileWith([]PolicySource{o2}, WithEarlierPolicies([]PolicySource{{Name: "default-c114.yaml", Data: text}, o1}))
	require.NoError(t, err)
	rep = reg2.Verify(c)
	assert.True(t, rep.OK, rep.Reason)

	_, err = now.With(WithEarlierPolicies([]PolicySource{{Name: "bad.yaml", Data: []byte("id: default\nnope: 1\n")}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "earlier policy 1")
}

// A tampered event recorded under an earlier default is still caught:
// edited alone (its hash) or with the chain rebuilt (the replay under its
// own policy).
func TestTamperedEarlierEvent(t *testing.T) {
	v1, c := v1History(t)
	v2 := v2Default(t)
	bad := c
	bad.History = slices.Clone(c.History)
	bad.History[1].At = "2026-02-03T00:00:00Z"
	rep := v2.Verify(bad)
	assert.False(t, rep.OK)
	assert.Equal(t, 2, rep.FirstBad)
	assert.Contains(t, rep.Reason, "altered")

	forged := rechain(v1, c, 1, func(ev *Event) {
		if ev.Seq == 2 {
			ev.StatesAfter = copyStates(ev.StatesAfter)
			ev.StatesAfter["ehc"] = "assessing"
		}
	})
	rep = v2.Verify(forged)
	assert.False(t, rep.OK)
	assert.Equal(t, 2, rep.FirstBad, rep.Reason)
	_, err := v2.Replay(*c.Origin, forged.History)
	assert.ErrorIs(t, err, ErrHistoryMismatch)
}

// A case recorded under each released default (earlier versions included)
// verifies under the current default, replayed under its own policy.
func TestEarlierDefaultsVerify(t *testing.T) {
	e, err := Default()
	require.NoError(t, err)
	for i := range genReleased {
		r := &genReleased[i]
		old := released(r.hash)
		require.NotNil(t, old, r.hash)
		c := fireAll(t, old, old.NewCase(Facts{ID: "old", Child: Child{DateOfBirth: "2016-03-02"}}),
			Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
			Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-02"})
		require.Equal(t, r.hash, c.History[0].PolicyHash)
		rep := e.Verify(c)
		assert.True(t, rep.OK, "%s: %s", r.hash, rep.Reason)
	}
}
