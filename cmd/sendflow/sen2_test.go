package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// genFile runs "sendflow gen" and writes its output to a file.
func genFile(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := cli(t, append([]string{"gen"}, args...)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "0 refused firings")
	return write(t, dir, "cases.jsonl", out)
}

func TestGenDeterministic(t *testing.T) {
	_, a, _ := cli(t, "gen", "--cases", "20", "--seed", "4", "--year", "2026")
	_, b, _ := cli(t, "gen", "--cases", "20", "--seed", "4", "--year", "2026")
	_, c, _ := cli(t, "gen", "--cases", "20", "--seed", "5", "--year", "2026")
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	assert.Equal(t, 20, strings.Count(a, "\n"))

	dir := t.TempDir()
	out := filepath.Join(dir, "o.jsonl")
	code, stdout, _ := cli(t, "gen", "--cases", "20", "--seed", "4", "--year", "2026", "-o", out)
	assert.Equal(t, 0, code)
	assert.Empty(t, stdout)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, a, string(got))

	code, _, errOut := cli(t, "gen", "--cases", "20")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--year is required")
	code, _, errOut = cli(t, "gen", "--cases", "-3", "--year", "2026")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "invalid_input")
}

func TestSen2EndToEnd(t *testing.T) {
	dir := t.TempDir()
	cases := genFile(t, dir, "--cases", "150", "--seed", "11", "--year", "2026")

	// JSON (the default)
	code, out, errOut := cli(t, "sen2", "--year", "2026", cases)
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Verified bool `json:"verified"`
		Counted  int  `json:"counted"`
		Totals   struct {
			Year             int `json:"year"`
			RequestsReceived int `json:"requests_received"`
			PlansIssued      int `json:"plans_issued"`
			Timeliness       struct {
				IncExc       int `json:"tot_inc_exc_ehc"`
				IncExcWithin int `json:"inc_exc_20week_ehc"`
			} `json:"timeliness"`
		} `json:"totals"`
		Districts []struct {
			District string `json:"district"`
			IncExc   int    `json:"tot_inc_exc_ehc"`
		} `json:"districts"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Verified)
	assert.Equal(t, 150, rep.Counted)
	assert.Equal(t, 2026, rep.Totals.Year)
	assert.Positive(t, rep.Totals.RequestsReceived)
	assert.Positive(t, rep.Totals.PlansIssued)
	sum := 0
	for _, d := range rep.Districts {
		sum += d.IncExc
	}
	assert.Equal(t, rep.Totals.Timeliness.IncExc, sum, "the districts add up to the year (same period)")

	// CSV, with a chart and person records
	chart := filepath.Join(dir, "chart.svg")
	persons := filepath.Join(dir, "persons.jsonl")
	code, out, errOut = cli(t, "sen2", "--year", "2026", "--format", "csv", "--chart", chart, "--persons", persons, cases)
	require.Equal(t, 0, code, errOut)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"measure", "group", "value", "dfe_variable"}, recs[0])
	found := false
	for _, r := range recs {
		if r[0] == "plans_issued" && r[1] == "" {
			found = true
			assert.Equal(t, rep.Totals.PlansIssued, atoi(t, r[2]))
		}
	}
	assert.True(t, found)
	svg, err := os.ReadFile(chart)
	require.NoError(t, err)
	var doc struct {
		Title string `xml:"title"`
	}
	require.NoError(t, xml.Unmarshal(svg, &doc))
	assert.Equal(t, "EHC plans issued within 20 weeks, by district", doc.Title)
	pl, err := os.ReadFile(persons)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(pl)), "\n")
	assert.Equal(t, 150, len(lines))
	var p map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &p))
	assert.Contains(t, p, "requests")
	assert.Contains(t, p, "personbirthdate")

	// the table, for a chosen period
	code, out, errOut = cli(t, "sen2", "--year", "2026", "--format", "table", "--from", "2026-04-01", "--to", "2026-06-30", cases)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "20-week timeliness by district, plans issued 2026-04-01 to 2026-06-30")
	assert.Contains(t, out, "all districts")
	assert.Contains(t, out, "verified against policy default")

	// without verification
	code, out, _ = cli(t, "sen2", "--year", "2026", "--format", "table", "--no-verify", cases)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "NOT verified")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	require.NoError(t, json.Unmarshal([]byte(s), &n))
	return n
}

func TestSen2ReportsVerificationFailures(t *testing.T) {
	dir := t.TempDir()
	cases := genFile(t, dir, "--cases", "5", "--seed", "2", "--year", "2026")
	data, err := os.ReadFile(cases)
	require.NoError(t, err)
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	// Tamper with the third case: change the actor of its first event.
	var c sdk.Case
	require.NoError(t, json.Unmarshal(lines[2], &c))
	require.NotEmpty(t, c.History)
	c.History[0].Actor = "la_officer"
	lines[2], err = json.Marshal(c)
	require.NoError(t, err)
	bad := write(t, dir, "bad.jsonl", string(bytes.Join(lines, []byte("\n")))+"\n")

	code, out, errOut := cli(t, "sen2", "--year", "2026", bad)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, `line 3: case "`+c.ID+`" not counted: history_mismatch`)
	assert.Contains(t, errOut, "1 of 5 cases were not counted")
	var rep struct {
		Counted  int `json:"counted"`
		Failed   int `json:"failed"`
		Failures []struct {
			Line int    `json:"line"`
			ID   string `json:"id"`
		} `json:"failures"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "the report is still written")
	assert.Equal(t, 4, rep.Counted)
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, 3, rep.Failures[0].Line)
	assert.Equal(t, c.ID, rep.Failures[0].ID)
}

func TestSen2Usage(t *testing.T) {
	dir := t.TempDir()
	cases := write(t, dir, "c.jsonl", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sen2", cases}, "--year is required"},
		{[]string{"sen2", "--year", "2026", cases, cases}, "accepts at most 1 arg"},
		{[]string{"sen2", "--year", "2026", "--format", "xls", cases}, "--format must be json, csv, table or xml"},
		{[]string{"sen2", "--year", "2026", "--format", "xml", cases}, "the LA number must be the DfE 3-digit number"},
		{[]string{"sen2", "--year", "2026", "--format", "xml", "--la-number", "886", "--dmo", "X", "--dco", "N", cases}, "dmo must be Y, N or R"},
		{[]string{"sen2", "--year", "2026", "--format", "xml", "--chart", "c.svg", cases}, "do not go with --format xml"},
		{[]string{"sen2", "--year", "2026", "--output", "r.xml", cases}, "go with --format xml"},
		{[]string{"sen2", "--year", "2026", "--from", "2026-02-30", cases}, "invalid_input"},
		{[]string{"sen2", "--year", "12", cases}, "invalid_input"},
		{[]string{"sen2", "--year", "2026", filepath.Join(dir, "missing.jsonl")}, "no such file"},
		{[]string{"sen2", "--year", "2026", "--policy", filepath.Join(dir, "missing.yaml"), cases}, "no such file"},
	} {
		code, _, errOut := cli(t, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}
	long := write(t, dir, "long.jsonl", `{"id":"`+strings.Repeat("x", 300)+`"}`+"\n")
	code, _, errOut := cli(t, "sen2", "--year", "2026", "--max-line-bytes", "100", long)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "limit_exceeded")
	assert.Contains(t, errOut, "line 1 is longer than the 100-byte limit")

	// An empty caseload is a valid, empty report.
	code, out, _ := cli(t, "sen2", "--year", "2026", "--format", "csv", cases)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "requests_received,,0,inreq_ehc")
	assert.Contains(t, out, "timeliness_including_exceptions_rate,,,inc_exc_20week_rate")
}

// An endless policy file (/dev/zero) is refused as over the policy cap
// after reading one byte past it, not read until memory runs out.
func TestSen2PolicyIsReadOnlyToItsCap(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	cases := write(t, t.TempDir(), "c.jsonl", "")
	done := make(chan struct{})
	var code int
	var errOut string
	go func() {
		defer close(done)
		code, _, errOut = cli(t, "sen2", "--year", "2026", "--policy", "/dev/zero", cases)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("sen2 --policy /dev/zero did not return")
	}
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "limit_exceeded")
}

// The person-level return end to end: a generated caseload (with its
// synthetic person details) gives a return written to -o, or stdout, with
// the counts on stderr and in --summary.
func TestSen2XMLReturn(t *testing.T) {
	dir := t.TempDir()
	cases := genFile(t, dir, "--cases", "60", "--seed", "3", "--year", "2025")
	out, summary := filepath.Join(dir, "sen2.xml"), filepath.Join(dir, "summary.json")
	args := []string{"sen2", "--year", "2025", "--format", "xml", "--la-number", "886", "--dmo", "Y", "--dco", "N",
		"--date-time", "2026-02-10T09:30:00Z", cases}
	code, stdout, errOut := cli(t, append(args, "-o", out, "--summary", summary)...)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, stdout)
	assert.Contains(t, errOut, "SEN2 2026 person-level return (census 2026-01-15")
	doc, err := os.ReadFile(out)
	require.NoError(t, err)
	var sum struct {
		Counts     struct{ Persons int }
		IssueCount int `json:"issue_count"`
	}
	b, err := os.ReadFile(summary)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &sum))
	assert.Equal(t, 0, sum.IssueCount)
	assert.Positive(t, sum.Counts.Persons)
	assert.Equal(t, sum.Counts.Persons, strings.Count(string(doc), "<Person>"))
	require.NoError(t, xml.Unmarshal(doc, new(struct{})))

	code, stdout, errOut = cli(t, args...)
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, string(doc), stdout, "the same return on stdout")
	assert.NotContains(t, stdout, "<RequestSource>")
	code, stdout, errOut = cli(t, append(args, "--request-source")...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, stdout, "<RequestSource>1</RequestSource>")

	code, stdout, _ = cli(t, "sen2", "--print-xsd")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `<xs:element name="Message" type="MessageType"/>`)
}

// A person missing a required fact: the issue names the case, the file is
// not written, the summary is, and the command exits 1.
func TestSen2XMLNotWrittenWithIssues(t *testing.T) {
	dir := t.TempDir()
	cases := genFile(t, dir, "--cases", "30", "--seed", "3", "--year", "2025")
	raw, err := os.ReadFile(cases)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var c map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &c))
	delete(c, "person") // the first case's person details are lost
	id := c["id"].(string)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	lines[0] = string(b)
	edited := write(t, dir, "edited.jsonl", strings.Join(lines, "\n")+"\n")
	out, summary := filepath.Join(dir, "sen2.xml"), filepath.Join(dir, "summary.json")
	code, stdout, errOut := cli(t, "sen2", "--year", "2025", "--format", "xml", "--la-number", "886", "--dmo", "Y", "--dco", "N",
		"--no-verify", "-o", out, "--summary", summary, edited)
	assert.Equal(t, exitFailed, code)
	assert.Empty(t, stdout)
	assert.Contains(t, errOut, `case "`+id+`": Person: missing`)
	assert.Contains(t, errOut, "the return was not written")
	assert.NoFileExists(t, out)
	assert.FileExists(t, summary)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), ".sen2-"), "the temporary file is removed")
	}
	// Verified, the edited case fails verification: not counted, so not written either.
	code, _, errOut = cli(t, "sen2", "--year", "2025", "--format", "xml", "--la-number", "886", "--dmo", "Y", "--dco", "N", "-o", out, edited)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "history_mismatch")
	assert.NoFileExists(t, out)
}
