package floor

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/canon"
	"github.com/sendflow/sendflow/sdk/internal/guard"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

const baseYAML = `id: default
roles: [{id: parent, statutory: true}, {id: la_officer}]
parameters: [{id: weeks, value: 6}]
tracks:
  - {id: ehc, statutory: true, initial: none, states: [{id: none}, {id: requested}]}
triggers:
  - id: ehc.requested
    from: [none]
    to: requested
    roles: [parent]
    family_right: {rule: ehc_request_unguarded, right: "the right to request an assessment (CFA s36(1))"}
    guards: [{id: g0, expr: "params.weeks > 1", reason: r}]
`

// view compiles nothing: it is the view sdk would build of base with the
// overlay on top, every guard in force.
func view(t *testing.T, overlay string) *View {
	lim := policy.Limits{Bytes: 1 << 20, Depth: 64, Separators: 6000, Nodes: 20000, Problems: 200}
	var layers []policy.Layer
	for i, src := range []string{baseYAML, overlay} {
		name := []string{"default.yaml", "kent.yaml"}[i]
		p, f, err := policy.Parse(name, []byte(src), lim)
		require.NoError(t, err)
		layers = append(layers, policy.Layer{Name: name, Policy: p, Data: []byte(src), File: f, MaxDepth: 64})
	}
	merged, o := policy.Merge(layers)
	v := &View{Layers: layers, Origins: o, Policy: merged, Tracks: merged.Tracks, Clocks: map[string]*Clock{},
		Roles: map[string]policy.RoleDef{}, Params: map[string]any{}, Holidays: calendar.DefaultHolidays(),
		ParamsRead: guard.ParamsRead, Clip: strconv.Quote}
	for _, td := range merged.Triggers {
		tr := Trigger{Def: td, Track: merged.Tracks[0]}
		for _, g := range td.Guards {
			if !g.Disabled {
				tr.Guards = append(tr.Guards, g)
			}
		}
		v.Triggers = append(v.Triggers, tr)
	}
	for _, r := range merged.Roles {
		v.Roles[r.ID] = r
	}
	for _, p := range merged.Parameters {
		v.Params[p.ID] = canon.NormaliseJSON(p.Value) // as sdk compiles them
	}
	return v
}

func TestCheckJudgesTheViewItIsGiven(t *testing.T) {
	r := Check(view(t, "id: kent\ntriggers:\n  - id: ehc.requested\n    guards: [{id: local, expr: \"false\", reason: no}]\n"))
	require.Len(t, r.Problems, 1)
	p := r.Problems[0]
	assert.Equal(t, CodeStatutoryFloor, p.Code)
	assert.Contains(t, p.Message, "statutory floor rule ehc_request_unguarded: guard local blocks ehc.requested for a parent or young person")
	assert.Equal(t, "kent.yaml", p.Pos.File)
	assert.Equal(t, 4, p.Pos.Line)
	assert.Empty(t, r.Waived)

	// The same breach, waived by the layer that makes it: a warning.
	r = Check(view(t, "id: kent\nwaivers: [{rule: ehc_request_unguarded, reason: test}]\ntriggers:\n  - id: ehc.requested\n    guards: [{id: local, expr: \"false\", reason: no}]\n"))
	assert.Empty(t, r.Problems)
	require.Len(t, r.Waived, 1)
	assert.Contains(t, r.Waived[0], "(waived by kent at kent.yaml:5:")
}

func TestCheckKeepsTheParametersTheStatutoryRulesRead(t *testing.T) {
	v := view(t, "id: kent\nparameters: [{id: weeks, value: 8}]\n")
	r := Check(v)
	require.Len(t, r.Problems, 1)
	assert.Contains(t, r.Problems[0].Message, "statutory floor rule statutory_parameter_kept: parameter weeks")
	assert.Equal(t, policy.Position{File: "kent.yaml", Line: 2, Col: 14}, r.Problems[0].Pos)

	assert.Empty(t, Check(view(t, "id: kent\nparameters: [{id: weeks, value: 6}]\n")).Problems, "the same value is kept")
	assert.Empty(t, Check(&View{Layers: v.Layers[:1]}), "one layer: nothing to judge")
}
