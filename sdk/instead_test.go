package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// A trigger's instead is checked when the policy compiles, and on a
// statutory track it is statute's: no overlay may add, change or drop one
// (a refusal added to ehc.requested would guard a family right).
func TestInsteadIsCheckedAndKept(t *testing.T) {
	for name, overlay := range map[string]string{
		"unknown target":    "id: i\ntriggers:\n  - {id: support.exited, instead: {when: 'true', trigger: support.nonesuch, reason: r}}\n",
		"itself":            "id: i\ntriggers:\n  - {id: support.exited, instead: {when: 'true', trigger: support.exited, reason: r}}\n",
		"a chain":           "id: i\ntriggers:\n  - {id: support.exited, instead: {when: 'true', trigger: ehc.requested, reason: r}}\n",
		"no reason":         "id: i\ntriggers:\n  - {id: support.exited, instead: {when: 'true'}}\n",
		"reads the payload": "id: i\ntriggers:\n  - {id: support.placed, instead: {when: 'data.need_areas != nil', reason: r}}\n",
		"not a boolean":     "id: i\ntriggers:\n  - {id: support.exited, instead: {when: '1', reason: r}}\n",
	} {
		_, err := sdk.Compile(sdk.PolicySource{Name: "i.yaml", Data: []byte(overlay)})
		require.Error(t, err, name)
		assert.Equal(t, sdk.CodeInvalidPolicy, sdk.AsError(err).Code, name)
	}
	for name, overlay := range map[string]string{
		"refuse a family right": "id: i\ntriggers:\n  - {id: ehc.requested, instead: {when: 'true', reason: no}}\n",
		"drop the redirect":     "id: i\ntriggers:\n  - {id: ehc.brought_to_attention, instead: {when: 'false', reason: never}}\n",
	} {
		_, err := sdk.Compile(sdk.PolicySource{Name: "i.yaml", Data: []byte(overlay)})
		require.Error(t, err, name)
		assert.Equal(t, sdk.CodeStatutoryFloor, sdk.AsError(err).Code, name)
	}
	// On a local track an overlay may refuse a step while a condition holds.
	e, err := sdk.Compile(sdk.PolicySource{Name: "i.yaml", Data: []byte("id: i\ntriggers:\n  - {id: support.exited, instead: {when: 'states.plan != \"none\"', reason: \"A plan is kept.\"}}\n")})
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{})
	o, err := e.Fire(c, sdk.Firing{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-05"})
	require.NoError(t, err)
	o2, err := e.Fire(o.Case, sdk.Firing{Trigger: "plan.transferred_in", Actor: "la_officer", At: "2026-01-06", Data: map[string]any{"from_la": "x"}})
	require.NoError(t, err)
	_, err = e.Fire(o2.Case, sdk.Firing{Trigger: "support.exited", Actor: "senco", At: "2026-01-07"})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeNotPermitted, sdk.AsError(err).Code)
	assert.Equal(t, "A plan is kept.", sdk.AsError(err).Message)
	_, err = e.Fire(o.Case, sdk.Firing{Trigger: "support.exited", Actor: "senco", At: "2026-01-07"})
	assert.NoError(t, err, "the condition does not hold: the step is its own")
}
