package machine

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func supportSpec() Spec {
	return Spec{
		Track:   "support",
		Initial: "universal",
		States: []State{{Name: "universal"}, {Name: "concern_raised"}, {Name: "sen_support", Initial: "sen_support.assess"},
			{Name: "sen_support.assess", Parent: "sen_support"}, {Name: "sen_support.plan", Parent: "sen_support"}, {Name: "exited"}},
		Transitions: []Transition{
			{Trigger: "raise", From: "universal", To: "concern_raised"},
			{Trigger: "place", From: "concern_raised", To: "sen_support.assess"},
			{Trigger: "agree", From: "sen_support.assess", To: "sen_support.plan"},
			{Trigger: "exit", From: "sen_support", To: "exited"},
			{Trigger: "note", From: "sen_support.plan"},
			{Trigger: "decide", From: "concern_raised", Dynamic: true, Dests: []string{"exited", "universal"}},
		},
	}
}

func TestFireAndSubstates(t *testing.T) {
	m, err := New(supportSpec())
	require.NoError(t, err)
	s, err := m.Fire("universal", "raise", "")
	require.NoError(t, err)
	assert.Equal(t, "concern_raised", s)
	s, err = m.Fire("concern_raised", "place", "")
	require.NoError(t, err)
	assert.Equal(t, "sen_support.assess", s)
	s, err = m.Fire("sen_support.plan", "exit", "")
	require.NoError(t, err, "a parent's transition covers its sub-states")
	assert.Equal(t, "exited", s)
	s, err = m.Fire("sen_support.plan", "note", "")
	require.NoError(t, err)
	assert.Equal(t, "sen_support.plan", s, "internal transition keeps the state")
	s, err = m.Fire("concern_raised", "decide", "universal")
	require.NoError(t, err)
	assert.Equal(t, "universal", s)
	_, err = m.Fire("universal", "exit", "")
	assert.ErrorIs(t, err, ErrNotPermitted)
	_, err = m.Fire("nowhere", "exit", "")
	assert.Error(t, err)
	assert.True(t, m.IsIn("sen_support.plan", "sen_support"))
	assert.False(t, m.IsIn("exited", "sen_support"))
}

func TestCanFireAgreesWithStateless(t *testing.T) {
	m, err := New(supportSpec())
	require.NoError(t, err)
	for _, s := range supportSpec().States {
		for _, tr := range []string{"raise", "place", "agree", "exit", "note", "decide", "unknown"} {
			assert.Equal(t, m.canFireStateless(s.Name, tr), m.CanFire(s.Name, tr), "%s from %s", tr, s.Name)
		}
	}
	assert.Equal(t, []string{"agree", "exit"}, m.Permitted("sen_support.assess"))
}

func TestNewRejectsBadGraphs(t *testing.T) {
	bad := supportSpec()
	bad.Transitions = append(bad.Transitions, Transition{Trigger: "exit", From: "sen_support.plan", To: "exited"})
	_, err := New(bad)
	assert.ErrorContains(t, err, "ambiguous")

	bad = supportSpec()
	bad.Transitions = append(bad.Transitions, Transition{Trigger: "raise", From: "universal", To: "limbo"})
	_, err = New(bad)
	assert.ErrorContains(t, err, "unknown destination")

	bad = supportSpec()
	bad.Initial = "nowhere"
	_, err = New(bad)
	assert.ErrorContains(t, err, "initial state")
}

func TestReachableAndDot(t *testing.T) {
	m, err := New(supportSpec())
	require.NoError(t, err)
	r := m.Reachable()
	for _, s := range []string{"universal", "concern_raised", "sen_support.assess", "sen_support.plan", "exited"} {
		assert.True(t, r[s], s)
	}
	assert.Contains(t, m.Dot("concern_raised"), `"concern_raised" [label="concern_raised", style="rounded,filled"`)
}

func TestConcurrentUse(t *testing.T) {
	m, err := New(supportSpec())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				s, err := m.Fire("universal", "raise", "")
				assert.NoError(t, err)
				assert.Equal(t, "concern_raised", s)
			}
		}()
	}
	wg.Wait()
}

// A Known spec builds its first stateless machine on first use, and answers
// as a checked one, from many goroutines at once (run with -race).
func TestKnownSpecBuildsOnFirstUse(t *testing.T) {
	checked, err := New(supportSpec())
	require.NoError(t, err)
	spec := supportSpec()
	spec.Known = true
	known, err := New(spec)
	require.NoError(t, err)
	steps := []struct{ from, trig, dest string }{
		{"universal", "raise", ""}, {"concern_raised", "place", ""}, {"sen_support.plan", "exit", ""},
		{"sen_support.plan", "note", ""}, {"concern_raised", "decide", "exited"}, {"universal", "exit", ""},
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, s := range steps {
				want, werr := checked.Fire(s.from, s.trig, s.dest)
				got, gerr := known.Fire(s.from, s.trig, s.dest)
				assert.Equal(t, want, got, "%+v", s)
				assert.Equal(t, werr == nil, gerr == nil, "%+v", s)
			}
		}()
	}
	wg.Wait()
	// Validation still runs: a bad Known spec is refused.
	bad := supportSpec()
	bad.Known = true
	bad.Transitions = append(bad.Transitions, Transition{Trigger: "x", From: "nowhere", To: "exited"})
	_, err = New(bad)
	require.Error(t, err)
}
