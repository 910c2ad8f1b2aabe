package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestFireOutputIsTheNextCase: what fire prints can be passed back as
// --case (issue #18).
func TestFireOutputIsTheNextCase(t *testing.T) {
	dir := t.TempDir()
	code, out, errb := cli(t, "fire", "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-01-05")
	require.Equal(t, 0, code, errb)
	first := write(t, dir, "outcome1.json", out)
	code, out, errb = cli(t, "fire", "--case", first, "--trigger", "ehc.decided_to_assess", "--actor", "la_officer", "--at", "2026-02-02")
	require.Equal(t, 0, code, errb)
	var o sdk.Outcome
	require.NoError(t, json.Unmarshal([]byte(out), &o))
	assert.Equal(t, "assessing", o.Case.States["ehc"])
	assert.Len(t, o.Case.History, 2)
	// And permitted takes it too.
	code, out, errb = cli(t, "permitted", "--case", write(t, dir, "outcome2.json", out), "--role", "la_officer", "--as-of", "2026-02-03", "--allowed")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "ehc.advice_requested")
}

// TestFireNeedsActorAndAt: a missing --actor or --at is a usage error
// that says which flag, not an unknown role of 0 characters.
func TestFireNeedsActorAndAt(t *testing.T) {
	code, _, errb := cli(t, "fire", "--trigger", "ehc.requested", "--at", "2026-01-05")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errb, "--actor")
	assert.NotContains(t, errb, "0 characters")
	code, _, errb = cli(t, "fire", "--trigger", "ehc.requested", "--actor", "parent")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errb, "--at")
}

// TestBadAsOfIsNotAnInvalidCase: a bad --as-of names the flag's value.
func TestBadAsOfIsNotAnInvalidCase(t *testing.T) {
	code, out, _ := cli(t, "permitted", "--role", "parent", "--as-of", "2026-13-45")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "/as_of")
	assert.NotContains(t, out, "invalid_case")
}

// TestBulkCommandsReadStdinAlike: clocks and sen2 both read a file, "-",
// or stdin when no file is given.
func TestBulkCommandsReadStdinAlike(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	o, err := e.Fire(e.NewCase(sdk.Facts{ID: "c1"}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	line, err := json.Marshal(o.Case)
	require.NoError(t, err)
	for _, args := range [][]string{{"clocks", "--as-of", "2026-01-10"}, {"clocks", "--as-of", "2026-01-10", "-"}} {
		code, out, errb := cliIn(t, strings.NewReader(string(line)+"\n"), args...)
		assert.Equal(t, 0, code, errb)
		assert.Contains(t, out, "ehc_decision_to_assess", args)
	}
	for _, args := range [][]string{{"sen2", "--year", "2026"}, {"sen2", "--year", "2026", "-"}} {
		code, out, errb := cliIn(t, strings.NewReader(string(line)+"\n"), args...)
		assert.Equal(t, 0, code, errb)
		assert.Contains(t, out, "requests", args)
	}
}

// TestSen2TakesPolicyLayers: --policy repeats on sen2 as on the other
// commands, and a policy that does not compile exits 3.
func TestSen2TakesPolicyLayers(t *testing.T) {
	code, _, errb := cliIn(t, strings.NewReader(""), "sen2", "--year", "2026", "--policy", ex+"kent.yaml", "--policy", ex+"kent/dover.yaml", "-")
	assert.Equal(t, 0, code, errb)
	bad := write(t, t.TempDir(), "bad.yaml", "id: bad\ntriggers:\n  - id: ehc.requested\n    guards:\n      - {id: x, expr: 'nope', reason: r}\n")
	code, _, _ = cliIn(t, strings.NewReader(""), "sen2", "--year", "2026", "--policy", bad, "-")
	assert.Equal(t, exitPolicy, code)
}

// TestVersion: --version names the build and the default policy's hash.
func TestVersion(t *testing.T) {
	code, out, _ := cli(t, "--version")
	assert.Equal(t, 0, code)
	e, err := sdk.Default()
	require.NoError(t, err)
	assert.Contains(t, out, "sendflow ")
	assert.Contains(t, out, e.PolicyHash())
}

// TestExplainSuggests: a near-miss trigger name gets a suggestion.
func TestExplainSuggests(t *testing.T) {
	code, _, errb := cli(t, "explain", "ehc.request")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errb, `did you mean "ehc.requested"?`)
}

// TestHelpExamplesNameRealPaths: every repository path a help text or
// example names exists.
func TestHelpExamplesNameRealPaths(t *testing.T) {
	re := regexp.MustCompile(`(?:examples|testdata|docs|schemas)/[A-Za-z0-9_./-]+`)
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		for _, p := range re.FindAllString(c.Long+"\n"+c.Example, -1) {
			p = strings.TrimRight(p, ".,:;")
			if strings.ToLower(p) != p {
				continue // a placeholder: schemas/NAME.schema.json
			}
			seen++
			_, err := os.Stat(filepath.Join("..", "..", p))
			assert.NoError(t, err, "sendflow %s --help names %s", c.Name(), p)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(&app{}))
	assert.Positive(t, seen, "the help texts name some paths")
}

// TestImportCommand: CSV and JSON lines import, a refused record reported
// on its line, and every imported case verifies.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	csvFile := write(t, dir, "legacy.csv", "id,la,district,date_of_birth,at,states,clocks,decisions,by\n"+
		"legacy-1,kent,dover,2016-03-02,2026-02-20,ehc=assessing,ehc_final_plan@2026-01-05;ehc_advice.educational@2026-02-09,,migration-1\n"+
		"legacy-2,kent,dover,2015-01-01,2026-07-01,ehc=refused,,refusal_to_assess@2026-06-30,migration-1\n"+
		"legacy-3,kent,,2015-01-01,2026-07-01,ehc=nonsense,,,\n")
	code, out, errb := cli(t, "import", "--format", "csv", csvFile)
	assert.Equal(t, exitFailed, code, "one record is refused")
	assert.Contains(t, errb, "2 case(s) imported, 1 refused")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	e, err := sdk.Default()
	require.NoError(t, err)
	for _, l := range lines[:2] {
		var c sdk.Case
		require.NoError(t, json.Unmarshal([]byte(l), &c))
		assert.True(t, e.Verify(c).OK)
		assert.Equal(t, sdk.ImportTrigger, c.History[0].Trigger)
		assert.Equal(t, "migration-1", c.History[0].By)
	}
	var c sdk.Case
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &c))
	assert.Equal(t, "2026-05-25", c.Clocks["ehc_final_plan"].Due)
	assert.Contains(t, lines[2], `"line":4`)
	assert.Contains(t, lines[2], "/data/states/ehc")

	rec := `{"facts":{"id":"j1"},"at":"2026-02-20","states":{"ehc":"assessing"},"clocks":[{"clock":"ehc_final_plan","started_at":"2026-01-05"}]}`
	code, out, errb = cliIn(t, strings.NewReader(rec+"\n"), "import", "-")
	assert.Equal(t, 0, code, errb)
	assert.Contains(t, out, `"sendflow.imported"`)
	code, _, _ = cliIn(t, strings.NewReader("id,colour\n"), "import", "--format", "csv", "-")
	assert.Equal(t, exitUsage, code, "an unknown column")
}

// TestBulkCommandsRefuseDuplicatesAndWarnOnEmpty: a case given twice is
// counted once and the run fails; an empty input is warned about (#21).
func TestBulkCommandsRefuseDuplicatesAndWarnOnEmpty(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	o1, err := e.Fire(e.NewCase(sdk.Facts{ID: "dup-1"}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	o2, err := e.Fire(o1.Case, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-02"})
	require.NoError(t, err)
	older, _ := json.Marshal(o1.Case)
	newer, _ := json.Marshal(o2.Case)
	in := string(newer) + "\n" + string(older) + "\n"

	code, out, errb := cliIn(t, strings.NewReader(in), "sen2", "--year", "2026", "-")
	assert.Equal(t, exitFailed, code, errb)
	assert.Contains(t, errb, "duplicate")
	assert.Contains(t, out, `"counted": 1`)

	code, out, _ = cliIn(t, strings.NewReader(in), "clocks", "--as-of", "2026-02-03", "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "already judged on line 1")

	for _, args := range [][]string{{"sen2", "--year", "2026", "-"}, {"clocks", "--as-of", "2026-02-03", "-"}, {"import", "-"}} {
		code, _, errb := cliIn(t, strings.NewReader(""), args...)
		assert.Equal(t, 0, code, args)
		assert.Contains(t, errb, "warning: the input held no cases", args)
	}
	rec := `{"facts":{"id":"j1"},"at":"2026-02-20"}`
	code, out, _ = cliIn(t, strings.NewReader(rec+"\n"+rec+"\n"), "import", "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "already imported from line 1")
}
