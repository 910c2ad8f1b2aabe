package sdk

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rehash gives every event of c the policy hash h and rebuilds the chain,
// as the engine that recorded it under that policy would have.
func rehash(e *Engine, c Case, h string) Case {
	out := c
	out.History = slices.Clone(c.History)
	prev := originHash(c.Origin)
	for i := range out.History {
		ev := &out.History[i]
		ev.PolicyHash, ev.PrevHash = h, prev
		ev.Hash = eventHash(ev, e.trackOrder)
		prev = ev.Hash
	}
	return out
}

// A case recorded under an earlier version of the default policy verifies
// under the current default when it replays the same; a hash that is no
// release of the default, or an engine that is not the default, does not.
func TestEarlierDefaultsVerify(t *testing.T) {
	e, err := Default()
	require.NoError(t, err)
	assert.NotContains(t, earlierDefaults, e.PolicyHash(), "the current hash is not an earlier one")
	assert.Len(t, earlierDefaults, len(slices.Compact(slices.Clone(earlierDefaults))), "no duplicates")
	c := e.NewCase(Facts{ID: "old", Child: Child{DateOfBirth: "2016-03-02"}})
	o, err := e.Fire(c, Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	o, err = e.Fire(o.Case, Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-02"})
	require.NoError(t, err)
	require.True(t, e.Verify(o.Case).OK)

	// The release before this session's: c1142a2e… (the landed main of 2026-11-30).
	old := rehash(e, o.Case, "c1142a2e9c2aff5f79a34a41780cd2e2b59a58664487acad5753b63a753f2a19")
	rep := e.Verify(old)
	assert.True(t, rep.OK, rep.Reason)

	forged := rehash(e, o.Case, "00000000000000000000000000000000000000000000000000000000000000aa")
	rep = e.Verify(forged)
	assert.False(t, rep.OK)
	assert.Equal(t, 1, rep.FirstBad)
	assert.Contains(t, rep.Reason, "another version of policy")

	// An overlay engine does not take the default's earlier versions.
	k, err := Compile(PolicySource{Name: "x.yaml", Data: []byte("id: default\nparameters:\n  - {id: hnf_threshold, value: 1}\n")})
	require.NoError(t, err)
	require.NotEqual(t, e.PolicyHash(), k.PolicyHash())
	assert.False(t, k.Verify(rehash(k, o.Case, earlierDefaults[len(earlierDefaults)-1])).OK)
}
