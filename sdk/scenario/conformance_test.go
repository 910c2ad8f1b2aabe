package scenario_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// conformanceDirs are the conformance vectors: every file must pass, and
// together they must fire every trigger of the default policy and produce
// every scenario error code.
var conformanceDirs = []string{"../../testdata/conformance", "../../examples/scenarios"}

func TestConformanceSuite(t *testing.T) {
	rep, err := scenario.RunFiles(conformanceDirs, nil)
	require.NoError(t, err)
	for _, r := range rep.Results {
		assert.True(t, r.Passed, "%s: %s: step %d: %s", r.File, r.Name, r.Step, r.Message)
	}
	assert.Greater(t, rep.Passed, 20, "the suite should hold a real number of scenarios")
	assert.Empty(t, rep.Unfired, "triggers of the default policy no scenario fires")

	e, err := sdk.Default()
	require.NoError(t, err)
	assert.ElementsMatch(t, e.TriggerNames(), rep.Triggers)

	// Each refusal code of docs/scenarios.md but limit_exceeded is produced by some passing step.
	codes := map[string]bool{}
	for _, dir := range conformanceDirs {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return err
			}
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			ss, err := scenario.ParseAll(p, b)
			require.NoError(t, err)
			for _, s := range ss {
				for _, st := range s.Steps {
					if st.Expect.Error != "" {
						codes[st.Expect.Error] = true
					}
				}
			}
			return nil
		}))
	}
	var got []string
	for c := range codes {
		got = append(got, c)
	}
	sort.Strings(got)
	for _, want := range []string{"invalid_case", "unknown_trigger", "not_authorised", "not_permitted", "invalid_input", "guard_failed"} {
		assert.Contains(t, got, want, "no conformance step expects %s", want)
	}
}
