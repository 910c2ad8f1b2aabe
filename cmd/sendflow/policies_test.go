package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/internal/bulk"
	"github.com/sendflow/sendflow/sdk"
)

const ex = "../../examples/policies/"

func cliIn(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := execute(&app{stdout: &out, stderr: &errb, load: fakeLoad, stdin: stdin}, args)
	return code, out.String(), errb.String()
}

func TestEverySubcommandHasHelp(t *testing.T) {
	for _, c := range []string{"check", "test", "fire", "permitted", "clocks", "explain", "graph", "diff", "walk"} {
		code, out, _ := cli(t, c, "--help")
		assert.Equal(t, 0, code, c)
		assert.Contains(t, out, "Usage:", c)
		assert.Contains(t, out, "Exit", c, "%s --help documents its exit codes", c)
	}
}

func TestCheckExamplesAndProblems(t *testing.T) {
	code, out, _ := cli(t, "check", "--strict", ex+"kent.yaml", ex+"kent/dover.yaml", ex+"kent/thanet.yaml", ex+"liverpool.yaml", ex+"sefton.yaml", ex+"northshire.yaml", ex+"northshire/riverside.yaml")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "default -> kent -> kent_dover")

	dir := t.TempDir()
	bad := write(t, dir, "bad.yaml", `id: bad
triggers:
  - id: ehc.requested
    guards:
      - {id: must_have_plan, expr: '"personalised_plan" in evidence', reason: "no"}
  - id: hnf.applied
    guards:
      - {id: typo, expr: 'states.lift == "exhausteed"', reason: "r", citation: "x"}
`)
	code, out, _ = cli(t, "check", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, bad+":8:42: unknown_state:")
	assert.Contains(t, out, `did you mean "exhausted"?`)
	assert.Contains(t, out, "^")
	code, out, _ = cli(t, "check", "--json", bad)
	assert.Equal(t, 1, code)
	var res []checkResult
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res, 1)
	assert.False(t, res[0].OK)
	assert.Equal(t, "statutory_floor", res[0].Code, "a floor breach sets the code")
	assert.Len(t, res[0].Problems, 2, "both problems at once: the typo and the floor breach")

	floor := write(t, dir, "floor.yaml", "id: floor\ntriggers:\n  - id: ehc.requested\n    guards:\n      - {id: g, expr: 'false', reason: r, citation: c}\n")
	code, out, _ = cli(t, "check", floor)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "statutory_floor: statutory floor rule ehc_request_unguarded")
	assert.Contains(t, out, floor+":5:9")

	lint := write(t, dir, "lint.yaml", "id: lint\ntriggers:\n  - id: hnf.applied\n    guards:\n      - {id: g, expr: 'true', reason: r, reasons: {cy: rh}}\n      - {id: h, expr: 'true', reason: r, citation: c}\n  - {id: hnf.aproved, from: [applied], to: approved, roles: [la_hnf]}\n")
	code, out, _ = cli(t, "check", lint)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "lint no_citation")
	assert.Contains(t, out, "lint missing_translation")
	assert.Contains(t, out, `lint similar_name: trigger hnf.aproved is new; it is not a trigger of the default policy (did you mean "hnf.approved"?)`)
	code, _, _ = cli(t, "check", "--strict", lint)
	assert.Equal(t, 1, code)

	code, _, _ = cli(t, "check", dir+"/missing.yaml")
	assert.Equal(t, 2, code)
}

func TestFireAndPermitted(t *testing.T) {
	code, out, _ := cli(t, "fire", "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-01-05")
	require.Equal(t, 0, code, out)
	var o sdk.Outcome
	require.NoError(t, json.Unmarshal([]byte(out), &o))
	assert.Equal(t, "request_received", o.Case.States["ehc"])

	dir := t.TempDir()
	caseJSON, _ := json.Marshal(o.Case)
	cf := write(t, dir, "case.json", string(caseJSON))
	code, out, _ = cli(t, "fire", "--case", cf, "--trigger", "ehc.decided_to_assess", "--actor", "parent", "--at", "2026-01-20")
	assert.Equal(t, 1, code)
	var refused struct{ Error sdk.Error }
	require.NoError(t, json.Unmarshal([]byte(out), &refused))
	assert.Equal(t, sdk.CodeNotAuthorised, refused.Error.Code)

	// The case from stdin, the firing from a file.
	ff := write(t, dir, "firing.json", `{"trigger":"ehc.decided_to_assess","actor":"la_officer","at":"2026-01-20"}`)
	code, out, _ = cliIn(t, bytes.NewReader(caseJSON), "fire", "--case", "-", "--firing", ff)
	assert.Equal(t, 0, code, out)
	code, _, _ = cliIn(t, strings.NewReader("{not json"), "fire", "--case", "-", "--firing", ff)
	assert.Equal(t, 2, code)

	// Sefton's advice for a school's request, in Welsh; none for a parent's.
	code, out, _ = cli(t, "fire", "--policy", ex+"sefton.yaml", "--trigger", "ehc.requested", "--actor", "school", "--at", "2026-03-02", "--locale", "cy")
	require.Equal(t, 0, code, out)
	require.NoError(t, json.Unmarshal([]byte(out), &o))
	require.Len(t, o.Warnings, 3)
	assert.Equal(t, "about_two_terms_of_apdr", o.Warnings[0].Guard)
	assert.Contains(t, o.Warnings[0].Message, "dau dymor")
	code, out, _ = cli(t, "fire", "--policy", ex+"sefton.yaml", "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-03-02")
	require.Equal(t, 0, code, out)
	require.NoError(t, json.Unmarshal([]byte(out), &o))
	assert.Empty(t, o.Warnings)

	// Liverpool: no LIFT.
	code, out, _ = cli(t, "permitted", "--policy", ex+"liverpool.yaml", "--role", "senco", "--as-of", "2026-01-05")
	require.Equal(t, 0, code)
	var perms []sdk.Permission
	require.NoError(t, json.Unmarshal([]byte(out), &perms))
	require.NotEmpty(t, perms)
	for _, p := range perms {
		assert.NotEqual(t, "lift", p.Track)
	}
	// Kent in Welsh: the high needs funding refusal reasons.
	// (A real case, made by a firing: a case with no history is at its
	// initial states, so hand-set states are invalid_case.)
	code, out, _ = cli(t, "fire", "--policy", ex+"kent/dover.yaml", "--trigger", "hnf.considered", "--actor", "school", "--at", "2026-01-05",
		"--data", `{"annual_provision_cost":7500}`)
	require.Equal(t, 0, code, out)
	var ko sdk.Outcome
	require.NoError(t, json.Unmarshal([]byte(out), &ko))
	require.Equal(t, "considering", ko.Case.States["hnf"])
	kcase := write(t, dir, "kent-case.json", asJSONString(t, ko.Case))
	code, out, _ = cli(t, "permitted", "--policy", ex+"kent/dover.yaml", "--case", kcase, "--role", "school", "--as-of", "2026-01-05", "--locale", "cy")
	require.Equal(t, 0, code, out)
	require.NoError(t, json.Unmarshal([]byte(out), &perms))
	found := false
	for _, p := range perms {
		if p.Trigger == "hnf.applied" {
			found = true
			assert.Equal(t, sdk.CodeGuardFailed, p.Code)
			assert.Contains(t, p.Reason, "gynllun")
			assert.Contains(t, p.Reason, "caniatâd rhiant")
			assert.Equal(t, "kent", p.Guards[0].Layer)
		}
	}
	assert.True(t, found)
	code, _, _ = cli(t, "permitted", "--role", "nobody", "--as-of", "2026-01-05")
	assert.Equal(t, 1, code)

	bad := write(t, dir, "bad.yaml", "id: bad\ntriggers:\n  - {id: x.y}\n")
	code, _, errOut := cli(t, "fire", "--policy", bad, "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-01-05")
	assert.Equal(t, 3, code)
	assert.Contains(t, errOut, bad+":3:")
}

// lazyCases writes n cases, one per line, as they are read: the whole input
// never exists at once.
type lazyCases struct {
	n, i int
	line []byte
	buf  []byte
}

func (l *lazyCases) Read(p []byte) (int, error) {
	for len(l.buf) == 0 {
		if l.i == l.n {
			return 0, io.EOF
		}
		l.i++
		l.buf = append(l.buf[:0], fmt.Sprintf(`{"id":"c%d",`, l.i)...)
		l.buf = append(l.buf, l.line...)
	}
	n := copy(p, l.buf)
	l.buf = l.buf[n:]
	return n, nil
}

func TestClocksStreams(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	o, err := e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	b, _ := json.Marshal(o.Case)
	line := append(append([]byte{}, b[1:]...), '\n') // drop "{": the reader adds {"id":...,

	// The input is generated as it is read, and output is written while
	// most of it has not been read yet: the cases are streamed, never all
	// held at once.
	src := &lazyCases{n: 5000, line: line}
	out := &watchWriter{src: src}
	code := execute(&app{stdout: out, stderr: io.Discard, stdin: src}, []string{"clocks", "--as-of", "2026-02-10", "--within", "7", "-"})
	assert.Equal(t, 0, code)
	require.Greater(t, out.firstAt, 0)
	assert.Less(t, out.firstAt, bulk.Lines+100, "the first results are written after reading one batch of cases, not all 5000")
	sc := bufio.NewScanner(&out.buf)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var cl clockLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &cl))
		n++
		if n == 1 {
			assert.Equal(t, "c1", cl.ID)
			require.Len(t, cl.DueWithin, 1)
			assert.Equal(t, "ehc_decision_to_assess", cl.DueWithin[0].ID)
			assert.Len(t, cl.Running, 3)
		}
	}
	assert.Equal(t, 5000, n)

	// A bad line and an over-long line are reported, and the run goes on.
	long := io.MultiReader(strings.NewReader("{\"bogus\": 1}\n{\"id\":\""), &repeat{b: 'x', n: maxCaseLine + 10}, strings.NewReader("\"}\n"), bytes.NewReader(append([]byte(`{"id":"last",`), line...)))
	var out2, err2 bytes.Buffer
	code = execute(&app{stdout: &out2, stderr: &err2, stdin: long}, []string{"clocks", "--as-of", "2026-02-10", "-"})
	assert.Equal(t, 1, code)
	lines := strings.Split(strings.TrimSpace(out2.String()), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[0], `"invalid_case"`)
	assert.Contains(t, lines[1], `"limit_exceeded"`)
	assert.Contains(t, lines[2], `"last"`)
	assert.Contains(t, err2.String(), "3 case(s)")

	code, _, _ = cliIn(t, strings.NewReader(""), "clocks", "-")
	assert.Equal(t, 2, code, "--as-of is required")
}

// watchWriter records how many cases had been read when output first came.
type watchWriter struct {
	src     *lazyCases
	firstAt int
	buf     bytes.Buffer
}

func (w *watchWriter) Write(p []byte) (int, error) {
	if w.firstAt == 0 {
		w.firstAt = w.src.i
	}
	return w.buf.Write(p)
}

type repeat struct {
	b byte
	n int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

func TestExplainGraphDiff(t *testing.T) {
	code, out, _ := cli(t, "explain", "--policy", ex+"kent/dover.yaml", "hnf.applied")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "guard external_professional_advice [block, for everyone, layer kent]")
	assert.Contains(t, out, "guard hnf_parental_consent [block, for everyone, layer kent]")
	code, out, _ = cli(t, "explain", "--policy", ex+"kent/dover.yaml", "lift.meeting_held")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "guard district_meeting_day [advice, for everyone, layer kent]")
	assert.Contains(t, out, "clock stop lift_next_meeting (params.lift_meeting_interval_days days, SEED-0; SEED-1, layer kent)")
	code, out, _ = cli(t, "explain", "--policy", ex+"kent/dover.yaml", "plan.ceased")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "guard no_open_appeal [block, for everyone, layer default]")
	code, out, _ = cli(t, "explain", "--json", "--policy", ex+"liverpool.yaml", "ehc.decided_not_to_assess")
	require.Equal(t, 0, code)
	var x sdk.TriggerExplanation
	require.NoError(t, json.Unmarshal([]byte(out), &x))
	assert.Equal(t, "refusal_to_assess", x.Decision)
	var started []string
	for _, c := range x.Clocks {
		if c.Effect == "start" {
			started = append(started, c.Clock.ID+"@"+c.Layer)
		}
	}
	assert.ElementsMatch(t, []string{"seniss_follow_up@liverpool", "appeal_window@default"}, started)
	code, _, errOut := cli(t, "explain", "ehc.requestd")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `did you mean "ehc.requested"?`)

	dir := t.TempDir()
	cf := write(t, dir, "case.json", `{"states":{"support":"sen_support.plan","ehc":"assessing"}}`)
	code, out, _ = cli(t, "graph", "--track", "support", "--case", cf)
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"support:sen_support.plan" [label="sen_support.plan", style="rounded,filled,bold"`)
	assert.Contains(t, out, `"support:universal" -> "support:concern_raised" [label="support.concern_raised"]`)
	assert.NotContains(t, out, "cluster_ehc", "one track only")
	code, out, _ = cli(t, "graph", "--format", "mermaid", "--case", cf, "--policy", ex+"liverpool.yaml")
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "flowchart LR\n"))
	assert.Regexp(t, `class [a-z_,]*ehc__assessing[a-z_,]* current`, out)
	assert.NotContains(t, out, "track__lift", "a disabled track is not drawn")
	assert.Contains(t, out, `plan__review_held -->|"plan.review_decided"| plan__amending`)
	code, _, _ = cli(t, "graph", "--track", "lift", "--policy", ex+"liverpool.yaml")
	assert.Equal(t, 1, code)
	code, _, _ = cli(t, "graph", "--case", write(t, dir, "badcase.json", `{"states":{"ehc":"nowhere"}}`))
	assert.Equal(t, 1, code, "an invalid case")
	code, _, _ = cli(t, "graph", "--format", "png")
	assert.Equal(t, 2, code)

	code, out, _ = cli(t, "diff", ex+"liverpool.yaml")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "- track lift disabled  [liverpool]")
	assert.Contains(t, out, "- guard hnf.applied/lift_exhausted_or_plan removed  [liverpool]")
	assert.Contains(t, out, "+ role seniss added  [liverpool]")
	code, out, _ = cli(t, "diff", "--json", ex+"kent/dover.yaml")
	assert.Equal(t, 1, code)
	var changes []change
	require.NoError(t, json.Unmarshal([]byte(out), &changes))
	assert.Contains(t, changes, change{Op: "added", Kind: "parameter", ID: "lift_meeting_weekday", Layer: "kent_dover"})
	same := write(t, dir, "same.yaml", "id: same\nparameters:\n  - {id: hnf_threshold, value: 6000}\n")
	code, out, _ = cli(t, "diff", same)
	assert.Equal(t, 0, code)
	assert.Equal(t, "no changes\n", out)
}

func asJSONString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// readLine keeps a line of exactly maxCaseLine bytes (its "\n" or "\r\n"
// not counted) and drains one byte longer as too long.
func TestReadLineAtTheCap(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		at := strings.Repeat("x", maxCaseLine)
		r := bufio.NewReaderSize(strings.NewReader(at+eol+at+"x"+eol+"{}"+eol), 64<<10)
		var buf []byte
		line, tooLong, err := readLine(r, &buf)
		require.NoError(t, err)
		assert.False(t, tooLong, "a line at the cap is read (%q)", eol)
		assert.Equal(t, maxCaseLine, len(bytes.TrimRight(line, "\r\n")))
		_, tooLong, err = readLine(r, &buf)
		require.NoError(t, err)
		assert.True(t, tooLong, "one byte past the cap is too long (%q)", eol)
		line, tooLong, _ = readLine(r, &buf)
		assert.False(t, tooLong)
		assert.Equal(t, "{}", strings.TrimSpace(string(line)))
	}
}

// TestClocksAdvisoryMissIsNotAStatutoryMiss: a missed advisory clock (the
// six-monthly review of an under-5's plan) is listed apart, as a warning,
// and not counted with the statutory misses.
func TestClocksAdvisoryMissIsNotAStatutoryMiss(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "ey", Child: sdk.Child{DateOfBirth: "2023-04-10"}})
	for _, f := range []sdk.Firing{
		{Trigger: "plan.transferred_in", Actor: "la_officer", At: "2026-06-01", Data: map[string]any{"from_la": "croydon", "last_reviewed": "2026-03-02"}},
		{Trigger: "plan.transfer_notice_sent", Actor: "la_officer", At: "2026-06-08"},
	} {
		o, err := e.Fire(c, f)
		require.NoError(t, err)
		c = o.Case
	}
	b, err := json.Marshal(c)
	require.NoError(t, err)
	code, out, stderr := cliIn(t, bytes.NewReader(append(b, '\n')), "clocks", "--as-of", "2026-12-02", "-")
	require.Equal(t, 0, code, stderr)
	var cl clockLine
	require.NoError(t, json.Unmarshal([]byte(out), &cl))
	assert.Empty(t, cl.Missed)
	require.Len(t, cl.Advice, 1)
	assert.Equal(t, "early_years_review", cl.Advice[0].ID)
	assert.Contains(t, stderr, "0 with a missed clock")
	assert.Contains(t, out, `"advisory_missed"`)
}

// TestWalkShowsAdvisoryMissesAsWarnings: the walk table shouts a missed duty
// and shows a missed advisory clock in lower case.
func TestWalkShowsAdvisoryMissesAsWarnings(t *testing.T) {
	duty := sdk.ClockStatus{Clock: sdk.Clock{ID: "annual_review", Kind: sdk.ClockDuty, Status: sdk.ClockMissed}}
	advice := sdk.ClockStatus{Clock: sdk.Clock{ID: "early_years_review", Kind: sdk.ClockAdvisory, Status: sdk.ClockMissed}}
	assert.Equal(t, "MISSED", clockStatus(duty))
	assert.Equal(t, "missed", clockStatus(advice))
	advice.Status = sdk.ClockRunning
	assert.Equal(t, "running", clockStatus(advice))
}
