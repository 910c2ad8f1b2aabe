package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report/lift"
)

// lift-report: JSON, CSV and the charts from a generated caseload, the
// period flags, and bad flags.
func TestLiftReportEndToEnd(t *testing.T) {
	dir := t.TempDir()
	cases := genFile(t, dir, "--cases", "300", "--seed", "12", "--year", "2026")

	code, out, errOut := cli(t, "lift-report", "--from", "2026-01-01", "--to", "2026-12-31", "--charts", filepath.Join(dir, "charts"), cases)
	require.Equal(t, 0, code, errOut)
	var rep lift.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Verified)
	assert.Equal(t, 300, rep.Counted)
	assert.Equal(t, "2026-12-31", rep.AsOf)
	assert.Positive(t, rep.Totals.CasesDiscussed)
	assert.Positive(t, rep.Totals.Meetings)
	sum := 0
	for _, d := range rep.Districts {
		sum += d.CasesDiscussed
	}
	assert.Equal(t, rep.Totals.CasesDiscussed, sum, "the districts add up to the total")
	for _, name := range lift.Charts {
		svg, err := os.ReadFile(filepath.Join(dir, "charts", "lift-"+name+".svg"))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(svg), "<svg"), name)
	}

	code, out, errOut = cli(t, "lift-report", "--format", "csv", "--no-verify", "--from", "2026-01-01", "--to", "2026-12-31", cases)
	require.Equal(t, 0, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Contains(t, rows, []string{"cases_discussed", "", "", "", itoa(rep.Totals.CasesDiscussed)})

	code, _, errOut = cli(t, "lift-report", "--format", "xml", cases)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--format")
	code, _, errOut = cli(t, "lift-report", "--from", "2026-02-30", cases)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "invalid_input")
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// lift-report refuses a case given twice (exit 1, naming the line) and
// warns on empty input, as the other bulk commands do.
func TestLiftReportDuplicatesAndEmpty(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "dup-1", District: "dover", Evidence: []string{"personalised_plan"}})
	o, err := e.Fire(c, sdk.Firing{Trigger: "lift.referral_started", Actor: "senco", At: "2026-01-05"})
	require.NoError(t, err)
	b, _ := json.Marshal(o.Case)
	in := string(b) + "\n" + string(b) + "\n"
	code, out, errb := cliIn(t, strings.NewReader(in), "lift-report", "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errb, "line 2: case \"dup-1\" not counted: duplicate")
	assert.Contains(t, out, `"counted": 1`)

	code, out, errb = cliIn(t, strings.NewReader(""), "lift-report", "-")
	assert.Equal(t, 0, code, errb)
	assert.Contains(t, errb, "warning: the input held no cases")
	assert.Contains(t, out, `"lines": 0`)
}
