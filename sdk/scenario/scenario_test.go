package scenario_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/scenario"
)

const basic = `name: basic request
policy: default
case:
  id: c-001
  la: kent
  child: {date_of_birth: 2016-03-02, year_group: 4}
  evidence: [personalised_plan]
steps:
  - at: 2026-01-05
    actor: parent
    trigger: ehc.requested
    expect:
      states: {ehc: request_received}
      clocks:
        ehc_decision_to_assess: {due: 2026-02-16, status: running}
  - as_of: 2026-02-17
    expect:
      clocks: {ehc_decision_to_assess: {status: missed}}
`

func TestParseYAML(t *testing.T) {
	s, err := scenario.Parse("basic.yaml", []byte(basic))
	require.NoError(t, err)
	assert.Equal(t, "basic request", s.Name)
	assert.Equal(t, "default", s.Policy)
	assert.Equal(t, "basic.yaml", s.File)
	assert.Equal(t, "c-001", s.Case.ID)
	assert.Equal(t, "2016-03-02", s.Case.Child.DateOfBirth)
	require.NotNil(t, s.Case.Child.YearGroup)
	assert.Equal(t, 4, *s.Case.Child.YearGroup)
	assert.Equal(t, []string{"personalised_plan"}, s.Case.Evidence)
	require.Len(t, s.Steps, 2)
	assert.Equal(t, "2026-01-05", s.Steps[0].At)
	assert.Equal(t, 9, s.Steps[0].Line)
	assert.False(t, s.Steps[0].IsQuery())
	assert.Equal(t, "ehc.requested", s.Steps[0].Label())
	assert.Equal(t, map[string]string{"ehc": "request_received"}, s.Steps[0].Expect.States)
	assert.Equal(t, scenario.ClockExpect{Due: "2026-02-16", Status: "running"}, s.Steps[0].Expect.Clocks["ehc_decision_to_assess"])
	assert.True(t, s.Steps[1].IsQuery())
	assert.Equal(t, "as of 2026-02-17", s.Steps[1].Label())
	assert.Equal(t, 16, s.Steps[1].Line)
}

func TestParseJSONMatchesYAML(t *testing.T) {
	js := `{
	"name": "basic request",
	"policy": "default",
	"case": {"id": "c-001", "la": "kent", "child": {"date_of_birth": "2016-03-02", "year_group": 4},
	         "evidence": ["personalised_plan"]},
	"steps": [
		{"at": "2026-01-05", "actor": "parent", "trigger": "ehc.requested",
		 "expect": {"states": {"ehc": "request_received"},
		            "clocks": {"ehc_decision_to_assess": {"due": "2026-02-16", "status": "running"}}}},
		{"as_of": "2026-02-17", "expect": {"clocks": {"ehc_decision_to_assess": {"status": "missed"}}}}
	]
}`
	fromJSON, err := scenario.Parse("basic.json", []byte(js))
	require.NoError(t, err)
	fromYAML, err := scenario.Parse("basic.yaml", []byte(basic))
	require.NoError(t, err)
	// Lines and file names differ; everything else must not.
	fromJSON.File, fromYAML.File, fromJSON.Line, fromYAML.Line = "", "", 0, 0
	for i := range fromJSON.Steps {
		fromJSON.Steps[i].Line, fromYAML.Steps[i].Line = 0, 0
	}
	assert.Equal(t, fromYAML, fromJSON)
}

// Unquoted YAML dates and timestamps in data and facts reach the engine as
// the strings a JSON host would send, and numbers as float64.
func TestParseNormalisesDates(t *testing.T) {
	src := `name: dates
case: {child: {date_of_birth: 2016-03-02}}
steps:
  - at: 2026-01-05
    actor: la_officer
    trigger: plan.review_invited
    data:
      meeting_date: 2026-03-01
      tagged: !!timestamp 2026-03-01
      stamp: !!timestamp 2026-03-01T10:30:00Z
      zoned: !!timestamp 2026-03-01T10:30:00+01:00
      nested: {when: [!!timestamp 2026-04-01, 2026-04-02]}
      count: 7000
      ratio: 1.5
      flag: true
    facts:
      child: {date_of_birth: !!timestamp 2016-03-02, year_group: 9}
`
	s, err := scenario.Parse("dates.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, "2016-03-02", s.Case.Child.DateOfBirth)
	st := s.Steps[0]
	assert.Equal(t, "2026-01-05", st.At)
	assert.Equal(t, map[string]any{
		"meeting_date": "2026-03-01",
		"tagged":       "2026-03-01",
		"stamp":        "2026-03-01T10:30:00Z",
		"zoned":        "2026-03-01T10:30:00+01:00",
		"nested":       map[string]any{"when": []any{"2026-04-01", "2026-04-02"}},
		"count":        float64(7000),
		"ratio":        1.5,
		"flag":         true,
	}, st.Data)
	assert.Equal(t, map[string]any{"child": map[string]any{"date_of_birth": "2016-03-02", "year_group": float64(9)}}, st.Facts)
}

func TestNormalise(t *testing.T) {
	got, err := scenario.Normalise(map[string]any{
		"d":  time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		"t":  time.Date(2026, 3, 1, 9, 5, 0, 0, time.UTC),
		"l":  []any{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), uint64(3), int64(-1)},
		"m":  map[any]any{"k": 1},
		"ns": time.Date(2026, 3, 1, 9, 5, 0, 500, time.UTC),
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"d":  "2026-03-01",
		"t":  "2026-03-01T09:05:00Z",
		"l":  []any{"2026-01-05", float64(3), float64(-1)},
		"m":  map[string]any{"k": float64(1)},
		"ns": "2026-03-01T09:05:00.0000005Z",
	}, got)

	_, err = scenario.Normalise(map[string]any{"m": map[any]any{1: "x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "m: map key 1 is not a string")
}

// An unknown key anywhere in the scenario structure is an error naming the
// key and its line (and the step, when it is in one).
func TestParseStrictUnknownKeys(t *testing.T) {
	cases := []struct {
		name, src string
		key       string
		line      int
		step      int
	}{
		{"top level", "name: x\nstpes: []\n", "stpes", 2, 0},
		{"step", "name: x\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    dat: {}\n", "dat", 6, 1},
		{"expect", "name: x\nsteps:\n  - as_of: 2026-01-05\n  - as_of: 2026-01-06\n    expect:\n      warning: []\n", "warning", 6, 2},
		{"no_warnings", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {no_warnings: true}}\n", "no_warnings", 3, 1},
		{"warning expectation", "name: x\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    expect:\n      warnings:\n        - {code: advice, mesage: x}\n", "mesage", 8, 1},
		{"reason expectation", "name: x\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    expect:\n      error: guard_failed\n      reasons:\n        - {guard: g, resaon: x}\n", "resaon", 9, 1},
		{"why_not expectation", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect:\n      why_not: {parent: {ehc.requested: {guard: [g]}}}\n", "guard", 5, 1},
		{"locale", "name: x\nsteps:\n  - as_of: 2026-01-05\n    locael: cy\n", "locael", 4, 1},
		{"absent", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect:\n      clocks:\n        c1: {absnet: true}\n", "absnet", 6, 1},
		{"clock expectation", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect:\n      clocks:\n        c1: {due: 2026-01-06, state: running}\n", "state", 6, 1},
		{"case", "name: x\ncase:\n  id: c\n  child: {year_group: 4, school: y}\nsteps: []\n", "school", 4, 0},
		{"case top level", "name: x\ncase:\n  id: c\n  postcode: CT1\n", "postcode", 4, 0},
		{"json", "{\"name\": \"x\",\n \"steps\": [{\"as_of\": \"2026-01-05\", \"expct\": {}}]}", "expct", 2, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("f.yaml", []byte(tc.src))
			require.Error(t, err)
			var pe *scenario.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "f.yaml", pe.File)
			assert.Equal(t, tc.line, pe.Line)
			assert.Equal(t, tc.step, pe.Step)
			assert.Contains(t, pe.Message, `unknown field "`+tc.key+`"`)
			assert.True(t, strings.HasPrefix(err.Error(), "f.yaml:"), err.Error())
			assert.NotContains(t, err.Error(), "\n", "errors are one line")
		})
	}
}

func TestParseValidation(t *testing.T) {
	cases := []struct {
		name, src, want string
		step            int
	}{
		{"no name", "steps: []\n", "name is required", 0},
		{"neither", "name: x\nsteps:\n  - expect: {states: {ehc: none}}\n", "a step needs at, actor and trigger", 1},
		{"both", "name: x\nsteps:\n  - as_of: 2026-01-05\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    as_of: 2026-01-05\n", "not both", 2},
		{"missing actor", "name: x\nsteps:\n  - at: 2026-01-05\n    trigger: ehc.requested\n", "missing actor", 1},
		{"missing at and trigger", "name: x\nsteps:\n  - actor: parent\n", "missing at, trigger", 1},
		{"query with error", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {error: not_permitted}\n", "expect.error needs a firing step", 1},
		{"query with data", "name: x\nsteps:\n  - as_of: 2026-01-05\n    data: {a: 1}\n", "takes no data, facts or by", 1},
		{"unknown code", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {error: not_authorized}}\n", `unknown error code "not_authorized"`, 1},
		{"bad status", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {clocks: {c: {status: late}}}\n", `unknown status "late"`, 1},
		{"unknown locale", "name: x\nsteps:\n  - as_of: 2026-01-05\n    locale: fr\n", `locale: unknown locale "fr" (one of en, cy)`, 1},
		{"query with warnings", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {warnings: []}\n", "expect.warnings needs a firing step", 1},
		{"query with reasons", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {reasons: []}\n", "expect.reasons needs a firing step", 1},
		{"warnings with error", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {error: guard_failed, warnings: []}}\n", "a refused firing (expect.error) has no warnings", 1},
		{"reasons without error", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {reasons: [{guard: g}]}}\n", "expect.reasons needs expect.error", 1},
		{"warning without code or guard", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {warnings: [{message: m}]}}\n", "expect.warnings[0]: a warning needs a code or a guard", 1},
		{"unknown warning code", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {warnings: [{code: advise}]}}\n", `expect.warnings[0].code: unknown warning code "advise"`, 1},
		{"reason without guard", "name: x\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {error: guard_failed, reasons: [{reason: r}]}}\n", "expect.reasons[0]: a reason needs the guard's id", 1},
		{"unknown why_not code", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {why_not: {parent: {ehc.requested: {code: invalid_input}}}}\n", `expect.why_not.parent.ehc.requested.code: unknown code "invalid_input"`, 1},
		{"absent with due", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {clocks: {c: {absent: true, due: 2026-01-06}}}\n", "expect.clocks.c: an absent clock has no due date or status", 1},
		{"bad due", "name: x\nsteps:\n  - as_of: 2026-01-05\n    expect: {clocks: {c: {due: 2026-02-30}}}\n", "is not a date", 1},
		{"wrong type", "name: x\nsteps:\n  - at: [2026-01-05]\n", "wrong type: expected a string, got a list", 1},
		{"not a mapping", "- name: x\n", "must be a mapping", 0},
		{"syntax", "name: x\n  steps: y\n", "mapping value is not allowed", 0},
		{"empty", "# nothing\n", "no scenario in file", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("v.yaml", []byte(tc.src))
			require.Error(t, err)
			var pe *scenario.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.Message, tc.want)
			assert.Equal(t, tc.step, pe.Step)
			if tc.step > 0 {
				assert.Contains(t, err.Error(), "step ")
			}
		})
	}
}

func TestParseAllStream(t *testing.T) {
	src := "---\nname: one\nsteps: [{as_of: 2026-01-05}]\n---\nname: two\nsteps:\n  - as_of: 2026-01-06\n---\n"
	all, err := scenario.ParseAll("s.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "one", all[0].Name)
	assert.Equal(t, "two", all[1].Name)
	assert.Equal(t, 7, all[1].Steps[0].Line)

	_, err = scenario.Parse("s.yaml", []byte(src))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expected one scenario, found 2")

	// An error in the second document names its line.
	_, err = scenario.ParseAll("s.yaml", []byte("name: one\n---\nname: two\nbogus: 1\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s.yaml:4:")
}
