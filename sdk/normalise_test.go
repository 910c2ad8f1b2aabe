package sdk

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/internal/canon"
)

// TestNormaliseJSON: the default policy's parameters go canon's direct way
// (so compiling it needs no reflection), and give what the JSON round trip
// gives. Package canon tests the normaliser itself.
func TestNormaliseJSON(t *testing.T) {
	for _, p := range genDefault.policy.Parameters {
		direct, ok := canon.NormaliseJSONDirect(p.Value)
		assert.True(t, ok, "default parameter %s (%T) goes the direct way", p.ID, p.Value)
		raw, err := json.Marshal(p.Value)
		require.NoError(t, err)
		var want any
		require.NoError(t, json.Unmarshal(raw, &want))
		assert.Equal(t, want, direct, "parameter %s", p.ID)
		assert.Equal(t, want, canon.NormaliseJSON(p.Value), "parameter %s", p.ID)
	}
}
