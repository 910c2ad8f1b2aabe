package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/scenario"
)

// An absent clock that started fails in the text report and in --json
// with the check, the expected and the actual value.
func TestTestAbsentClock(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.yaml", `name: absent
steps:
  - as_of: 2026-01-02
    expect: {clocks: {ehc_final_plan: {absent: true}}}
  - at: 2026-01-05
    actor: parent
    trigger: ehc.requested
    locale: cy
    expect: {clocks: {ehc_final_plan: {absent: true}}}
`)
	code, out, _ := cli(t, "test", f)
	assert.Equal(t, 1, code)
	assert.Equal(t, "FAIL "+f+": absent: step 2 (ehc.requested): clocks.ehc_final_plan: expected absent, got due 2026-05-25 status running\n0 passed, 1 failed\n", out)

	code, out, _ = cli(t, "test", "--json", f)
	assert.Equal(t, 1, code)
	var rep scenario.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Len(t, rep.Results, 1)
	require.Len(t, rep.Results[0].Mismatches, 1)
	m := rep.Results[0].Mismatches[0]
	assert.Equal(t, scenario.Mismatch{Check: "clocks.ehc_final_plan", Expected: "absent", Actual: "due 2026-05-25 status running",
		Message: "clocks.ehc_final_plan: expected absent, got due 2026-05-25 status running"}, m)
	assert.Equal(t, 5, rep.Results[0].Line, "the failing step's line")
}

// walk shows the warnings of each firing, in the step's locale.
func TestWalkShowsWarnings(t *testing.T) {
	var out, errb bytes.Buffer
	code := execute(&app{stdout: &out, stderr: &errb, load: scenario.DefaultLoader},
		[]string{"walk", "../../examples/policies/sefton/scenarios/advice-in-welsh.yaml"})
	require.Equal(t, 0, code, errb.String())
	assert.Contains(t, out.String(), "    warning advice (external_professional_advice): A yw'r ysgol wedi gofyn am gyngor")
	assert.Contains(t, out.String(), "\n            advice (on_sen_register): A yw'r plentyn ar y gofrestr AAA")
}
