package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk/behaviour"
)

// neverEYSetting passes the static floor (ey_setting is not a statutory
// role) but an early years setting can no longer bring a child to the
// LA's attention, a step on the statutory ehc track.
const neverEYSetting = `id: never_ey
roles:
  - {id: ey_setting, eligibility: {id: never, expr: "false", reason: "x"}}
`

func TestCheckReportsABehaviouralDifference(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "never_ey.yaml", neverEYSetting)
	code, out, _ := cli(t, "check", "--no-behaviour", p)
	assert.Equal(t, 0, code, "the static rules let it through: %s", out)

	code, out, _ = cli(t, "check", p)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, p+": behaviour: statutory_step_refused: The role ey_setting can no longer fire ehc.brought_to_attention")
	assert.Contains(t, out, "refuses it with not_authorised (guard never: x)")
	assert.Contains(t, out, "first seen: journey ")
	assert.Contains(t, out, "FAIL "+p+": 1 behavioural difference(s) from the default")

	code, out, _ = cli(t, "check", "--json", "--journeys", "30", "--seed", "1", p)
	assert.Equal(t, 1, code, out)
	var res []checkResult
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res, 1)
	require.NotNil(t, res[0].Behaviour)
	assert.False(t, res[0].OK)
	assert.Equal(t, 30, res[0].Behaviour.Journeys)
	assert.Equal(t, int64(1), res[0].Behaviour.Options.Seed)
	require.NotEmpty(t, res[0].Behaviour.Differences)
	assert.Equal(t, behaviour.StatutoryStepRefused, res[0].Behaviour.Differences[0].Kind)

	code, _, errOut := cli(t, "check", "--journeys", "0", p)
	assert.Equal(t, 2, code, errOut)
}

func TestCheckRefusesWaiversUnlessAccepted(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "slow.yaml", "id: slow\nallow_below_statutory_floor: true\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 30}\n")
	code, out, _ := cli(t, "check", "--no-behaviour", p)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "warning below_statutory_floor")
	assert.Contains(t, out, p+": waiver: the policy waives the statutory floor")
	assert.Contains(t, out, "FAIL "+p+": waives the statutory floor (--accept-waivers not given)")

	code, out, _ = cli(t, "check", "--no-behaviour", "--accept-waivers", p)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "warning below_statutory_floor", "the warning is still shown")
	assert.NotContains(t, out, "waiver:")

	// Accepted, the waiver still has its behavioural cost: the final plan
	// falls due 10 weeks later.
	code, out, _ = cli(t, "check", "--accept-waivers", p)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "behaviour: clock_moved: After ehc.requested the statutory clock ehc_final_plan")
	assert.Contains(t, out, "the duty falls due 70 days later")
	assert.NotContains(t, out, "waiver:")
}

func TestDiffBehaviour(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "blocked.yaml", `id: blocked
allow_below_statutory_floor: true
triggers:
  - id: ehc.requested
    guards:
      - {id: no_requests, expr: 'actor != "parent"', reason: "Parents must ask the school.", citation: "none"}
`)
	code, out, _ := cli(t, "diff", "--behaviour", p)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "behaviour: family_action_refused: A parent can no longer fire ehc.requested")
	assert.Contains(t, out, "guard no_requests: Parents must ask the school.")
	assert.Contains(t, out, "behavioural difference(s): blocked against default in 60 journeys")

	// The other way round nothing is lost: --base is the blocking policy.
	code, out, _ = cli(t, "diff", "--behaviour", "--base", p, "../../examples/policies/sefton.yaml")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "no behavioural differences: sefton against blocked")

	code, out, _ = cli(t, "diff", "--behaviour", "--json", "--journeys", "5", ex+"kent/dover.yaml")
	assert.Equal(t, 0, code, out)
	var rep behaviour.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "default", rep.Base)
	assert.Equal(t, 5, rep.Journeys)
	assert.Empty(t, rep.Differences)

	// The static diff takes --base too.
	code, out, _ = cli(t, "diff", "--base", ex+"kent.yaml", ex+"kent/dover.yaml")
	assert.Equal(t, 1, code, out)
	assert.NotContains(t, out, "[kent]", "kent's own changes are in the base")

	code, _, _ = cli(t, "diff", "--behaviour", "--base", dir+"/missing.yaml", p)
	assert.Equal(t, 2, code)
}
