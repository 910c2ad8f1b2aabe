package behaviour

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// The Permitted cross-check finds a family right refused that no step of
// the walk fired: here mediation, blocked for a parent, asked about right
// after the LA refuses to assess.
func TestPermittedFindsARefusalTheWalkDidNotFire(t *testing.T) {
	base, err := sdk.Default()
	require.NoError(t, err)
	cand, err := sdk.Compile(sdk.PolicySource{Name: "o.yaml", Data: []byte(`id: no_mediation
allow_below_statutory_floor: true
triggers:
  - id: dispute.mediation_requested
    guards:
      - {id: never, expr: 'false', reason: "No mediation here.", citation: "none"}
`)})
	require.NoError(t, err)
	fire := func(e *sdk.Engine, c sdk.Case, trigger, actor, at string) sdk.Case {
		o, err := e.Fire(c, sdk.Firing{Trigger: trigger, Actor: actor, At: at})
		require.NoError(t, err)
		return o.Case
	}
	bc, cc := base.NewCase(sdk.Facts{}), cand.NewCase(sdk.Facts{})
	for _, s := range [][3]string{{"ehc.requested", "parent", "2026-01-05"}, {"ehc.decided_not_to_assess", "la_officer", "2026-02-02"}} {
		bc, cc = fire(base, bc, s[0], s[1], s[2]), fire(cand, cc, s[0], s[1], s[2])
	}
	k := newComparer(base, cand, Options{}.withDefaults())
	j := &journey{idx: 2, seed: 3, step: 2, states: bc.States, reported: map[string]bool{}}
	k.comparePermitted(context.Background(), j, bc, cc, "2026-02-02")
	var rep Report
	k.finish(&rep)
	require.NotEmpty(t, rep.Differences)
	roles := map[string]bool{}
	for _, d := range rep.Differences {
		assert.Equal(t, FamilyActionRefused, d.Kind)
		assert.Equal(t, "dispute.mediation_requested", d.Trigger)
		assert.Equal(t, sdk.CodeGuardFailed, d.Code)
		assert.Equal(t, []string{"guard never: No mediation here."}, d.Reasons)
		assert.Equal(t, "allowed", d.Base)
		assert.Equal(t, int64(3), d.Example.Seed)
		roles[d.Actor] = true
	}
	assert.True(t, roles["parent"], "a parent is refused: %+v", rep.Differences)
}

func TestStatutoryTracksAreDerived(t *testing.T) {
	base, err := sdk.Default()
	require.NoError(t, err)
	k := newComparer(base, base, Options{})
	for _, tk := range []string{"ehc", "plan", "dispute"} {
		assert.True(t, k.tracks[tk], tk)
	}
	for _, tk := range []string{"support", "lift", "hnf"} {
		assert.False(t, k.tracks[tk], tk)
	}
	assert.Equal(t, []string{"la_officer", "mediation_adviser", "parent", "tribunal", "young_person"}, k.roles)
	assert.True(t, k.isFamily("ehc.requested", "parent"))
	assert.False(t, k.isFamily("ehc.requested", "school"))
	assert.True(t, k.isFamily("dispute.certificate_issued", "mediation_adviser"))
}
