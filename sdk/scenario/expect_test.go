package scenario_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
	"github.com/sendflow/sendflow/sdk/scenario/scenariotest"
)

// authorsDir holds overlay.yaml: a blocking guard on support.plan_agreed
// and an advisory one on a school's ehc.requested, each with a Welsh reason.
const authorsDir = "testdata/authors/"

const (
	consentEN = "Parental consent must be held."
	consentCY = "Rhaid cael caniatâd rhiant."
	planEN    = "A personalised plan must be held in evidence before the plan is agreed."
	adviceEN  = "Has the school sought advice from external professionals (educational psychologist, speech and language therapist, specialist teacher, health)?"
	adviceCY  = "A yw'r ysgol wedi gofyn am gyngor gan weithwyr proffesiynol allanol (seicolegydd addysg, therapydd lleferydd ac iaith, athro arbenigol, iechyd)?"
)

// runAuthors runs one scenario on the overlay of testdata/authors (the
// header, then steps) and returns its result.
func runAuthors(t *testing.T, steps string) scenario.Result {
	t.Helper()
	defaultEngine(t)
	src := "name: s\npolicy: overlay.yaml\ncase: {id: c-a, child: {date_of_birth: 2017-05-10, year_group: 3}}\nsteps:\n" + steps
	rep, err := scenario.RunSources([]scenario.Source{{Path: authorsDir + "s.yaml", Data: []byte(src), Explicit: true}}, nil)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	return rep.Results[0]
}

// toPlanAgreed brings the case to where support.plan_agreed is judged.
const toPlanAgreed = "  - {at: 2026-01-12, actor: senco, trigger: support.concern_raised}\n" +
	"  - {at: 2026-01-19, actor: senco, trigger: support.placed}\n"

// The example of every new key passes, through the files runner.
func TestAuthorsExamplePasses(t *testing.T) {
	defaultEngine(t)
	rep, err := scenario.RunFiles([]string{authorsDir + "authors.yaml"}, nil)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	require.True(t, rep.Results[0].Passed, rep.Results[0].Message)
	// The timeline carries each successful firing's warnings.
	last := rep.Results[0].Timeline[len(rep.Results[0].Timeline)-1]
	require.Len(t, last.Warnings, 1)
	assert.Equal(t, adviceCY, last.Warnings[0].Message)
}

// Each new expectation holds when it should and fails, with its check,
// expected and actual values, when it should not.
func TestNewExpectations(t *testing.T) {
	school := func(locale, expect string) string {
		l := ""
		if locale != "" {
			l = ", locale: " + locale
		}
		return "  - {at: 2026-02-09, actor: school, trigger: ehc.requested" + l + ", expect: " + expect + "}\n"
	}
	agree := func(locale, expect string) string {
		l := ""
		if locale != "" {
			l = ", locale: " + locale
		}
		return toPlanAgreed + "  - {at: 2026-02-02, actor: senco, trigger: support.plan_agreed" + l + ", expect: " + expect + "}\n"
	}
	cases := []struct {
		name, steps             string
		check, expected, actual string
	}{
		{"warning in Welsh", school("cy", `{warnings: [{code: advice, guard: external_professional_advice, message: "`+adviceCY+`"}]}`), "", "", ""},
		{"warning by guard only", school("", `{warnings: [{guard: external_professional_advice}]}`), "", "", ""},
		{"no warnings", "  - {at: 2026-02-09, actor: parent, trigger: ehc.requested, expect: {warnings: []}}\n", "", "", ""},
		{"warning in English, Welsh expected", school("", `{warnings: [{guard: external_professional_advice, message: "`+adviceCY+`"}]}`),
			"warnings", `a warning from guard external_professional_advice "` + adviceCY + `"`, `advice from guard external_professional_advice "` + adviceEN + `"`},
		{"warning missing", "  - {at: 2026-02-09, actor: parent, trigger: ehc.requested, expect: {warnings: [{code: advice}]}}\n",
			"warnings", "a warning advice", "no warnings"},
		{"a warning where none expected", school("", "{warnings: []}"),
			"warnings", "no warnings", `advice from guard external_professional_advice "` + adviceEN + `"`},
		{"wrong warning code", school("", "{warnings: [{code: below_statutory_floor}]}"),
			"warnings", "a warning below_statutory_floor", `advice from guard external_professional_advice "` + adviceEN + `"`},
		{"reason in Welsh", agree("cy", `{error: guard_failed, reasons: [{guard: parental_consent_held, reason: "`+consentCY+`"}, {guard: personalised_plan_held, reason: "`+planEN+`"}]}`), "", "", ""},
		{"reason in English, Welsh expected", agree("", `{error: guard_failed, reasons: [{guard: parental_consent_held, reason: "`+consentCY+`"}]}`),
			"reasons", `guard parental_consent_held "` + consentCY + `"`, `guard parental_consent_held "` + consentEN + `"`},
		{"reason of a guard that holds", agree("", "{error: guard_failed, reasons: [{guard: nope}]}"),
			"reasons", "guard nope", `guard personalised_plan_held "` + planEN + `"; guard parental_consent_held "` + consentEN + `"`},
		{"no reasons expected", agree("", "{error: guard_failed, reasons: []}"),
			"reasons", "no failing guards", `guard personalised_plan_held "` + planEN + `"; guard parental_consent_held "` + consentEN + `"`},
		{"no reasons", "  - {at: 2026-01-19, actor: parent, trigger: support.placed, expect: {error: not_authorised, reasons: []}}\n", "", "", ""},
		{"why not", toPlanAgreed + "  - as_of: 2026-02-02\n    expect: {why_not: {senco: {support.plan_agreed: {code: guard_failed, guards: [parental_consent_held]}}, parent: {support.plan_agreed: {}}}}\n", "", "", ""},
		{"why not, but allowed", "  - as_of: 2026-01-05\n    expect: {why_not: {senco: {support.concern_raised: {}}}}\n",
			"why_not.senco", "support.concern_raised not allowed", "support.concern_raised allowed"},
		{"why not, another code", "  - as_of: 2026-01-05\n    expect: {why_not: {parent: {support.placed: {code: not_permitted}}}}\n",
			"why_not.parent", "support.placed not_permitted", "support.placed not_authorised"},
		{"why not, another guard", toPlanAgreed + "  - as_of: 2026-02-02\n    expect: {why_not: {senco: {support.plan_agreed: {guards: [nope]}}}}\n",
			"why_not.senco", "support.plan_agreed refused by guard nope", "support.plan_agreed refused by guards personalised_plan_held, parental_consent_held"},
		{"absent", "  - as_of: 2026-01-05\n    expect: {clocks: {ehc_final_plan: {absent: true}}}\n", "", "", ""},
		{"absent, but started", school("", "{clocks: {ehc_final_plan: {absent: true}}}"),
			"clocks.ehc_final_plan", "absent", "due 2026-06-29 status running"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runAuthors(t, tc.steps)
			if tc.check == "" {
				require.True(t, res.Passed, res.Message)
				return
			}
			require.False(t, res.Passed, "the scenario should fail")
			assert.Equal(t, tc.check, res.Check, res.Message)
			assert.Equal(t, tc.expected, res.Expected, res.Message)
			assert.Equal(t, tc.actual, res.Actual, res.Message)
			assert.Contains(t, res.Message, tc.check+": expected "+tc.expected+", got "+tc.actual)
		})
	}
}

// A mismatch of a new expectation reads as the others do, on one line, in
// the text report and in the JSON one.
func TestNewExpectationReports(t *testing.T) {
	res := runAuthors(t, "  - {at: 2026-02-09, actor: school, trigger: ehc.requested, expect: {clocks: {ehc_final_plan: {absent: true}}}}\n")
	require.False(t, res.Passed)
	assert.Equal(t, "step 1 (ehc.requested): clocks.ehc_final_plan: expected absent, got due 2026-06-29 status running", res.Message)
	var b strings.Builder
	require.NoError(t, scenario.WriteText(&b, scenario.Report{Results: []scenario.Result{res}, Failed: 1}, false))
	assert.Equal(t, "FAIL "+authorsDir+"s.yaml: s: step 1 (ehc.requested): clocks.ehc_final_plan: expected absent, got due 2026-06-29 status running\n0 passed, 1 failed\n", b.String())
	js, err := json.Marshal(res)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"mismatches":[{"check":"clocks.ehc_final_plan","expected":"absent","actual":"due 2026-06-29 status running"`)
	assert.Contains(t, string(js), `"warnings":[{"code":"advice"`, "the timeline carries the warnings")
}

// A step's locale reaches the firing.
func TestLocaleReachesTheFiring(t *testing.T) {
	eng := scenariotest.New()
	s := parse(t, "name: l\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, locale: cy}\n  - {at: 2026-01-06, actor: school, trigger: ehc.requested, expect: {error: not_permitted}}\n")
	res := scenario.Run(s, eng)
	require.True(t, res.Passed, res.Message)
	f := eng.Firings()
	require.Len(t, f, 2)
	assert.Equal(t, "cy", f[0].Locale)
	assert.Empty(t, f[1].Locale)
}

// plainTarget hides the fake's PermittedContext: a target that cannot judge
// permissions in a locale.
type plainTarget struct{ scenario.Target }

// A step with a locale whose permissions are checked needs a target that
// judges them in a locale; one that cannot fails the step rather than
// checking them in another language.
func TestLocaleNeedsALocaleTarget(t *testing.T) {
	src := "name: l\nsteps:\n  - as_of: 2026-01-05\n    locale: cy\n    expect: {permitted: {parent: [ehc.requested]}}\n"
	res := scenario.Run(parse(t, src), scenariotest.New())
	require.True(t, res.Passed, res.Message)

	res = scenario.Run(parse(t, src), plainTarget{scenariotest.New()})
	require.False(t, res.Passed)
	assert.Equal(t, "permitted.parent", res.Check)
	assert.Equal(t, "the permissions as of 2026-01-05 in locale cy", res.Expected)
	assert.Equal(t, "error "+string(sdk.CodeInternal), res.Actual)
	assert.Contains(t, res.Message, "the engine cannot judge permissions in a locale")

	// Without a locale the plain target is enough.
	res = scenario.Run(parse(t, strings.Replace(src, "    locale: cy\n", "", 1)), plainTarget{scenariotest.New()})
	assert.True(t, res.Passed, res.Message)
}

// An empty list of warnings or reasons is kept apart from none given.
func TestEmptyListsAreKept(t *testing.T) {
	s := parse(t, "name: e\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested, expect: {warnings: []}}\n  - {at: 2026-01-06, actor: parent, trigger: ehc.requested}\n")
	assert.NotNil(t, s.Steps[0].Expect.Warnings)
	assert.Empty(t, s.Steps[0].Expect.Warnings)
	assert.Nil(t, s.Steps[1].Expect.Warnings)
}
