package scenario_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/internal/hostile"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// Hostile scenario files (docs/reliability.md, "The YAML guard"): each is
// a *scenario.ParseError naming the file, within a 10 s watchdog and a
// bounded allocation, and its message does not echo the oversize value.

func boundedParse(t *testing.T, name, src string) *scenario.ParseError {
	t.Helper()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	done := make(chan error, 1)
	go func() { _, err := scenario.ParseAll(name, []byte(src)); done <- err }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("still running after 10 s")
	}
	runtime.ReadMemStats(&m1)
	mb := (m1.TotalAlloc - m0.TotalAlloc) >> 20
	assert.LessOrEqual(t, mb, uint64(64), "allocated %d MB", mb)
	var pe *scenario.ParseError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.Equal(t, name, pe.File)
	b, _ := json.Marshal(pe)
	assert.Less(t, len(b), 4096, "%.300s", b)
	return pe
}

const step = "  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n"

func TestScenarioBillionLaughs(t *testing.T) {
	pe := boundedParse(t, "lol.yaml", "name: lol\nsteps:\n"+step+"    data:\n"+hostile.Laughs("      ", 9))
	assert.Contains(t, pe.Message, fmt.Sprint(sdk.MaxYAMLNodes))
	assert.Greater(t, pe.Line, 0)
}

func TestScenarioDeep(t *testing.T) {
	for name, src := range map[string]string{
		"flow":    "name: deep\nsteps: " + strings.Repeat("[", 50_000) + "\n",
		"closed":  "name: deep\nsteps: " + strings.Repeat("[", 50_000) + strings.Repeat("]", 50_000) + "\n",
		"compact": "name: deep\nsteps:\n" + strings.Repeat("- ", 50_000) + "x\n",
	} {
		t.Run(name, func(t *testing.T) {
			pe := boundedParse(t, "deep.yaml", src)
			assert.Contains(t, pe.Message, fmt.Sprint(sdk.MaxYAMLDepth))
			assert.Greater(t, pe.Line, 0)
		})
	}
}

func TestScenarioMaxFileBytes(t *testing.T) {
	file := func(size int) string {
		head := "name: big\nsteps:\n" + step + "# "
		return head + strings.Repeat("x", size-len(head)-1) + "\n"
	}
	require.Len(t, file(scenario.MaxFileBytes), scenario.MaxFileBytes)
	_, err := scenario.ParseAll("big.yaml", []byte(file(scenario.MaxFileBytes)))
	require.NoError(t, err, "a file at the cap is read")
	pe := boundedParse(t, "big.yaml", file(scenario.MaxFileBytes+1))
	assert.Contains(t, pe.Message, fmt.Sprint(scenario.MaxFileBytes))

	// 50 MB, through RunFiles: refused before it is parsed.
	dir := t.TempDir()
	p := filepath.Join(dir, "huge.yaml")
	require.NoError(t, os.WriteFile(p, []byte(file(50<<20)), 0o644))
	_, err = scenario.RunFiles([]string{p}, nil)
	var pe2 *scenario.ParseError
	require.True(t, errors.As(err, &pe2), "%v", err)
	assert.Equal(t, p, pe2.File)
}

func TestScenarioMaxSteps(t *testing.T) {
	file := func(n int) string {
		return "name: many\nsteps:\n" + strings.Repeat("  - {as_of: 2026-01-05}\n", n)
	}
	ss, err := scenario.ParseAll("many.yaml", []byte(file(scenario.MaxSteps)))
	require.NoError(t, err, "at the cap")
	require.Len(t, ss[0].Steps, scenario.MaxSteps)
	pe := boundedParse(t, "many.yaml", file(scenario.MaxSteps+1))
	assert.Equal(t, scenario.MaxSteps+1, pe.Step)
	assert.Equal(t, scenario.MaxSteps+3, pe.Line)
	assert.Contains(t, pe.Message, fmt.Sprint(scenario.MaxSteps))
}

func TestScenarioMaxDocuments(t *testing.T) {
	file := func(n int) string {
		return strings.Repeat("---\nname: s\nsteps:\n  - {as_of: 2026-01-05}\n", n)
	}
	ss, err := scenario.ParseAll("many.yaml", []byte(file(scenario.MaxScenarios)))
	require.NoError(t, err, "at the cap")
	require.Len(t, ss, scenario.MaxScenarios)
	pe := boundedParse(t, "many.yaml", file(scenario.MaxScenarios+1))
	assert.Equal(t, 4*scenario.MaxScenarios+2, pe.Line)
	assert.Contains(t, pe.Message, fmt.Sprint(scenario.MaxScenarios))
}

// TestScenarioMaxStepBytes: a step's text (from its first token to the end
// of its last value) at the cap is read; one byte more is refused, naming
// the step, without quoting it.
func TestScenarioMaxStepBytes(t *testing.T) {
	const head = "  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    data: {note: "
	file := func(size int) string {
		// The step runs from "at" (offset 4 in head) to the end of the note.
		pad := size - (len(head) - 4)
		return "name: big\nsteps:\n" + head + strings.Repeat("é", pad/2) + strings.Repeat("x", pad%2) + "}\n  - {as_of: 2026-01-06}\n"
	}
	_, err := scenario.ParseAll("big.yaml", []byte(file(scenario.MaxStepBytes)))
	require.NoError(t, err, "a step at the cap is read")
	src := file(scenario.MaxStepBytes + 1)
	pe := boundedParse(t, "big.yaml", src)
	assert.Equal(t, 1, pe.Step)
	assert.Contains(t, pe.Message, fmt.Sprint(scenario.MaxStepBytes))
	assert.NotContains(t, pe.Error(), strings.Repeat("é", 100))
}

// TestScenarioMessagesClipOversizeValues: go-yaml's messages quote tokens;
// a scenario error never carries a long one whole.
func TestScenarioMessagesClipOversizeValues(t *testing.T) {
	long := strings.Repeat("é", 20_000)
	for name, src := range map[string]string{
		"type":   "name: [" + long + "]\nsteps: []\n",
		"syntax": "name: x\nsteps: [" + long + "\n",
		"key":    "name: x\n" + long + ": 1\nsteps: []\n",
	} {
		t.Run(name, func(t *testing.T) {
			pe := boundedParse(t, "long.yaml", src)
			assert.NotContains(t, pe.Error(), strings.Repeat("é", 300))
		})
	}
}

// TestPolicySourcesHostileExtends: following extends reads only the key,
// from the syntax tree, after the depth check: a policy of nested aliases
// or deep brackets is handed to Compile (which refuses it) quickly, and one
// over MaxPolicyBytes held in memory is refused as a file on disk is.
func TestPolicySourcesHostileExtends(t *testing.T) {
	files := map[string][]byte{
		"lol.yaml":  []byte("id: lol\nextends: ../nowhere.yaml\nx:\n" + hostile.Laughs("  ", 9)),
		"deep.yaml": []byte("id: deep\nparameters: " + strings.Repeat("[", 50_000) + "\n"),
		"big.yaml":  []byte("id: big\n# " + strings.Repeat("x", sdk.MaxPolicyBytes) + "\n"),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := scenario.MemoryPolicySources(files, "lol.yaml")
		assert.Error(t, err, "extends is read: ../nowhere.yaml is missing")
		srcs, err := scenario.MemoryPolicySources(files, "deep.yaml")
		require.NoError(t, err)
		_, err = sdk.Compile(srcs...)
		assert.ErrorIs(t, err, sdk.ErrLimitExceeded)
		_, err = scenario.MemoryPolicySources(files, "big.yaml")
		assert.ErrorIs(t, err, sdk.ErrLimitExceeded)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("still running after 10 s")
	}
}
