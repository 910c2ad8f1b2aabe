package sdk_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// outcomeJSON fires a request and the decision to assess on a fresh case
// and returns the outcome as JSON.
func outcomeJSON(t *testing.T, e *sdk.Engine) string {
	t.Helper()
	c := e.NewCase(sdk.Facts{ID: "imm-1", Child: sdk.Child{DateOfBirth: "2016-03-02"}})
	o, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	o, err = e.Fire(o.Case, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-02"})
	require.NoError(t, err)
	b, err := json.Marshal(o)
	require.NoError(t, err)
	return string(b)
}

// Editing what Policy() and Explain return must not change how the engine
// (the shared default engine included) fires for any later caller.
func TestEditingWhatTheEngineReturnsChangesNothing(t *testing.T) {
	for _, name := range []string{"default", "compiled"} {
		t.Run(name, func(t *testing.T) {
			var e *sdk.Engine
			var err error
			if name == "default" {
				e, err = sdk.Default()
			} else {
				e, err = sdk.Compile(sdk.PolicySource{Name: "x.yaml", Data: []byte("id: x\n")})
			}
			require.NoError(t, err)
			want := outcomeJSON(t, e)
			wantPolicy, _ := json.Marshal(e.Policy())

			p := e.Policy()
			for i := range p.Triggers {
				tr := &p.Triggers[i]
				tr.Effects.Start = nil
				tr.Effects.SetStates = map[string]string{"ehc": "nonsense"}
				tr.Roles = append(tr.Roles[:0], "nobody")
				if len(tr.From) > 0 {
					tr.From[0] = "nowhere"
				}
				for j := range tr.Guards {
					tr.Guards[j].Expr = "false"
				}
				for j := range tr.Branches {
					tr.Branches[j].Effects.Start = nil
				}
			}
			for i := range p.Clocks {
				p.Clocks[i].Length = 1
			}
			for i := range p.Parameters {
				p.Parameters[i].Value = "changed"
			}
			x, err := e.Explain("ehc.requested")
			require.NoError(t, err)
			for i := range x.Roles {
				x.Roles[i] = "nobody"
			}
			for i := range x.From {
				x.From[i] = "nowhere"
			}
			for i := range x.Clocks {
				x.Clocks[i].Clock.Length = 1
			}
			for i := range x.Guards {
				x.Guards[i].Expr = "false"
			}

			require.Equal(t, want, outcomeJSON(t, e), "the engine fires differently after its Policy() or Explain() was edited")
			gotPolicy, _ := json.Marshal(e.Policy())
			require.JSONEq(t, string(wantPolicy), string(gotPolicy), "Policy() changed after the copy was edited")
			if name == "default" {
				// The shared default engine: a new caller gets the same.
				again, err := sdk.Default()
				require.NoError(t, err)
				require.Equal(t, want, outcomeJSON(t, again))
			}
		})
	}
}

// The sentinels are constants of type Code: errors.Is matches an *Error by
// its code, and no other code.
func TestSentinelsMatchByCode(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	_, err = e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "nobody", At: "2026-01-05"})
	require.ErrorIs(t, err, sdk.ErrNotAuthorised)
	require.NotErrorIs(t, err, sdk.ErrGuardFailed)
	require.ErrorIs(t, err, &sdk.Error{Code: sdk.CodeNotAuthorised})
	var target error = sdk.ErrNotAuthorised
	require.Equal(t, "not_authorised", target.Error())
}
