package sdk_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// The scenario suite gives the same report on the default policy compiled
// with its expressions compiled on first use (Compile()) and at once.
func TestLazyDefaultSuiteMatchesEager(t *testing.T) {
	paths := []string{"../testdata/conformance", "../examples/scenarios"}
	run := func(def *sdk.Engine) string {
		rep, err := scenario.RunFiles(paths, func(ref, base string) (scenario.Target, error) {
			if ref == "" || ref == "default" {
				return def, nil
			}
			return scenario.DefaultLoader(ref, base)
		})
		require.NoError(t, err)
		require.NotEmpty(t, rep.Results)
		b, err := json.Marshal(rep)
		require.NoError(t, err)
		return string(b)
	}
	lazy, err := sdk.Compile()
	require.NoError(t, err)
	eager, err := sdk.CompileDefaultEagerly()
	require.NoError(t, err)
	assert.Equal(t, run(eager), run(lazy))
}

// A fresh default engine fired from many goroutines at once, every
// expression still uncompiled, gives the sequential answers (run with -race).
func TestLazyDefaultConcurrentFiring(t *testing.T) {
	eager, err := sdk.CompileDefaultEagerly()
	require.NoError(t, err)
	want := asJSON(t, lifecycle(t, eager))
	e, err := sdk.Compile()
	require.NoError(t, err)
	assertConcurrentLifecycles(t, e, 8, want)
}
