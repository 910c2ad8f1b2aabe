package scenario_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/scenario"
	"github.com/sendflow/sendflow/sdk/scenario/scenariotest"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const (
	passing = "name: %s\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {states: {ehc: request_received}}}\n"
	broken  = "name: %s\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.decided_to_assess, expect: {error: not_permitted}}\n"
)

func sprintf(format, name string) string { return fmt.Sprintf(format, name) }

// fakeLoader hands out one fake per policy and records what it was asked.
type fakeLoader struct {
	engines map[string]*scenariotest.Engine
	calls   [][2]string
}

func (l *fakeLoader) load(ref, dir string) (scenario.Target, error) {
	l.calls = append(l.calls, [2]string{ref, dir})
	if ref == "broken.yaml" {
		return nil, errors.New("invalid_policy: broken.yaml:3:1: bad")
	}
	if l.engines == nil {
		l.engines = map[string]*scenariotest.Engine{}
	}
	e, ok := l.engines[ref]
	if !ok {
		e = scenariotest.New()
		if ref == "extra.yaml" {
			e.Triggers["lift.closed"] = scenariotest.Trigger{Track: "lift", Roles: []string{"senco"}, From: []string{"*"}}
		}
		l.engines[ref] = e
	}
	return e, nil
}

func TestRunFilesDirectories(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "b.yaml", sprintf(passing, "b"))
	write(t, dir, "a.yml", sprintf(broken, "a"))
	write(t, dir, "sub/c.json", `{"name": "c", "steps": [{"as_of": "2026-01-05"}]}`)
	write(t, dir, "sub/stream.yaml", "name: d1\nsteps: [{as_of: 2026-01-05}]\n---\nname: d2\nsteps: [{as_of: 2026-01-05}]\n")
	write(t, dir, "sub/policy.yaml", "triggers: {}\nguards: []\n") // an overlay kept beside the scenarios
	write(t, dir, "notes.txt", "not a scenario")
	write(t, dir, ".hidden/x.yaml", "garbage: [")

	var l fakeLoader
	rep, err := scenario.RunFiles([]string{dir}, l.load)
	require.NoError(t, err)

	var names, files []string
	for _, r := range rep.Results {
		names = append(names, r.Name)
		files = append(files, r.File)
	}
	require.Equal(t, []string{"a", "b", "c", "d1", "d2"}, names)
	assert.Equal(t, filepath.Join(dir, "sub", "stream.yaml"), files[4])
	assert.Equal(t, 4, rep.Passed)
	assert.Equal(t, 1, rep.Failed)
	assert.False(t, rep.OK())
	assert.Equal(t, []string{filepath.Join(dir, "sub", "policy.yaml")}, rep.Skipped)
	assert.Equal(t, 1, rep.Results[0].Step)
	assert.Equal(t, map[string]int{"ehc.requested": 1}, rep.Fired)
	assert.Contains(t, rep.Unfired, "hnf.ended")
	assert.NotContains(t, rep.Unfired, "ehc.requested")
	// One default target, loaded once, relative to the scenario's directory.
	assert.Equal(t, [2]string{"", dir}, l.calls[0])
	assert.Len(t, l.calls, 1)
}

func TestRunFilesExplicitFileIsAlwaysAScenario(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "policy.yaml", "triggers: {}\n")
	_, err := scenario.RunFiles([]string{p}, (&fakeLoader{}).load)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown field "triggers"`)
}

func TestRunFilesErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := scenario.RunFiles([]string{filepath.Join(dir, "missing.yaml")}, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)

	bad := write(t, dir, "bad.yaml", "name: x\nsteps:\n  - at: 2026-01-05\n    actor: parent\n")
	_, err = scenario.RunFiles([]string{bad}, (&fakeLoader{}).load)
	require.Error(t, err)
	assert.Equal(t, bad+":3: step 1: a firing step needs at, actor and trigger: missing trigger", err.Error())
}

func TestRunFilesPolicies(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "kent/one.yaml", "name: one\npolicy: extra.yaml\nsteps:\n  - {at: 2026-01-05, actor: senco, trigger: lift.closed}\n")
	write(t, dir, "kent/two.yaml", "name: two\npolicy: extra.yaml\nsteps: [{as_of: 2026-01-05}]\n")
	write(t, dir, "three.yaml", "name: three\npolicy: broken.yaml\nsteps: [{as_of: 2026-01-05}]\n")
	write(t, dir, "four.yaml", "name: four\npolicy: default\nsteps: [{as_of: 2026-01-05}]\n")

	var l fakeLoader
	rep, err := scenario.RunFiles([]string{dir}, l.load)
	require.NoError(t, err)
	require.Len(t, rep.Results, 4)
	assert.Equal(t, []string{"four", "one", "two", "three"}, []string{rep.Results[0].Name, rep.Results[1].Name, rep.Results[2].Name, rep.Results[3].Name})

	// Each distinct policy is loaded once, relative to its scenario file.
	assert.Equal(t, [][2]string{{"default", dir}, {"extra.yaml", filepath.Join(dir, "kent")}, {"broken.yaml", dir}}, l.calls)

	// A policy that does not load fails its scenarios before their first step.
	three := rep.Results[3]
	assert.False(t, three.Passed)
	assert.Equal(t, 0, three.Step)
	assert.Equal(t, "policy", three.Check)
	assert.Equal(t, "policy broken.yaml: invalid_policy: broken.yaml:3:1: bad", three.Message)

	// Coverage is over the union of the policies' triggers.
	assert.Contains(t, rep.Triggers, "lift.closed")
	assert.NotContains(t, rep.Unfired, "lift.closed")
	assert.Contains(t, rep.Unfired, "ehc.requested")
	assert.Equal(t, 3, rep.Passed)
	assert.Equal(t, 1, rep.Failed)
}

func TestRunFilesDeduplicates(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "a.yaml", sprintf(passing, "a"))
	rep, err := scenario.RunFiles([]string{p, dir, p}, (&fakeLoader{}).load)
	require.NoError(t, err)
	assert.Len(t, rep.Results, 1)
}

func TestWriteText(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", sprintf(broken, "refused"))
	write(t, dir, "b.yaml", sprintf(passing, "request"))
	rep, err := scenario.RunFiles([]string{dir}, (&fakeLoader{}).load)
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, scenario.WriteText(&buf, rep, false))
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	assert.Equal(t,
		"FAIL "+a+": refused: step 1 (ehc.decided_to_assess): expected error not_permitted, got error not_authorised: parent may not fire ehc.decided_to_assess\n"+
			"PASS "+b+": request\n"+
			"1 passed, 1 failed\n", buf.String())

	buf.Reset()
	require.NoError(t, scenario.WriteText(&buf, rep, true))
	assert.Contains(t, buf.String(), "\nunfired: ehc.advice_received\n")
	assert.Contains(t, buf.String(), "\nunfired: hnf.ended\n")
	assert.NotContains(t, buf.String(), "unfired: ehc.requested\n")
	assert.True(t, bytes.HasSuffix(buf.Bytes(), []byte("\n1 passed, 1 failed\n")))

	buf.Reset()
	require.NoError(t, scenario.WriteText(&buf, scenario.Report{Triggers: []string{"a.b"}, Fired: map[string]int{"a.b": 1}}, true))
	assert.Equal(t, "coverage: every trigger fired\n0 passed, 0 failed\n", buf.String())
}

func TestReportJSON(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.yaml", sprintf(broken, "refused"))
	rep, err := scenario.RunFiles([]string{dir}, (&fakeLoader{}).load)
	require.NoError(t, err)
	b, err := json.Marshal(rep)
	require.NoError(t, err)

	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	for _, k := range []string{"results", "passed", "failed", "fired", "triggers", "unfired"} {
		assert.Contains(t, got, k)
	}
	assert.EqualValues(t, 1, got["failed"])
	res := got["results"].([]any)[0].(map[string]any)
	assert.Equal(t, "refused", res["name"])
	assert.Equal(t, false, res["passed"])
	assert.EqualValues(t, 1, res["step"])
	assert.Equal(t, "error not_permitted", res["expected"])
	assert.Equal(t, "error not_authorised", res["actual"])
	assert.Contains(t, res, "initial_states")
	tl := res["timeline"].([]any)[0].(map[string]any)
	assert.Equal(t, "not_authorised", tl["error"])
	assert.Contains(t, tl, "states")
}
