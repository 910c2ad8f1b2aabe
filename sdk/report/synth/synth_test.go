package synth_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	cfg := synth.Config{Cases: 40, Seed: 9, Year: 2026}
	_, err := synth.Generate(&a, nil, cfg)
	require.NoError(t, err)
	_, err = synth.Generate(&b, nil, cfg)
	require.NoError(t, err)
	assert.Equal(t, a.String(), b.String(), "the same seed gives the same cases")
	cfg.Seed = 10
	_, err = synth.Generate(&c, nil, cfg)
	require.NoError(t, err)
	assert.NotEqual(t, a.String(), c.String())
}

// Every generated case is a history the engine recorded: it verifies, the
// engine never refused a firing, no event is after the year, and the mix
// covers every part of the lifecycle the report reads.
func TestRealisticAndVerified(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	seen := map[string]int{}
	actors := map[string]int{}
	districts := map[string]bool{}
	st, err := synth.Each(e, synth.Config{Cases: 300, Seed: 3, Year: 2026}, func(c sdk.Case) error {
		rep := e.Verify(c)
		require.True(t, rep.OK, "%s: %s", c.ID, rep.Reason)
		districts[c.District] = true
		for _, ev := range c.History {
			seen[ev.Trigger]++
			if ev.Trigger == "ehc.requested" || ev.Trigger == "ehc.brought_to_attention" {
				actors[ev.Actor]++
			}
			require.LessOrEqual(t, ev.At[:10], "2026-12-31")
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 300, st.Cases)
	assert.Zero(t, st.Refused, st.LastRefusal)
	for _, trig := range []string{"ehc.requested", "ehc.brought_to_attention", "ehc.decided_not_to_assess", "ehc.decided_to_assess",
		"ehc.exception_recorded", "ehc.withdrawn", "ehc.decided_not_to_issue", "ehc.plan_finalised",
		"plan.review_meeting_held", "plan.review_decided", "plan.amendment_finalised", "plan.cease_decided", "plan.ceased",
		"plan.transferred_in", "plan.transferred_out", "plan.phase_transfer_set", "plan.phase_transfer_amended",
		"dispute.mediation_requested", "dispute.mediation_declined", "dispute.appeal_registered", "dispute.tribunal_decided"} {
		assert.Positive(t, seen[trig], trig)
	}
	for _, a := range []string{"parent", "school", "young_person"} {
		assert.Positive(t, actors[a], a)
	}
	assert.Len(t, districts, len(synth.Districts))
}

// The generated caseload gives plausible SEN2 figures: some plans on time
// and some late in every district, with exceptions and disputes.
func TestReportOnGenerated(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = synth.Generate(&buf, e, synth.Config{Cases: 800, Seed: 5, Year: 2026})
	require.NoError(t, err)
	rep, err := report.Run(&buf, report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	assert.Zero(t, rep.Failed)
	tl := rep.Totals.Timeliness
	assert.Positive(t, tl.ExcludedDisputed)
	assert.Greater(t, tl.IncExc, tl.NoExc)
	assert.Greater(t, *tl.IncExcRate, 20.0)
	assert.Less(t, *tl.IncExcRate, 90.0)
	assert.Positive(t, rep.Totals.AssessmentsRefused)
	assert.Positive(t, rep.Totals.ReviewsHeld)
	assert.Positive(t, rep.Totals.PlansCeased)
}

func TestBadConfig(t *testing.T) {
	_, err := synth.Generate(&bytes.Buffer{}, nil, synth.Config{Cases: -1, Year: 2026})
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)
	_, err = synth.Generate(&bytes.Buffer{}, nil, synth.Config{Cases: 1, Year: 12})
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)
}

func TestOneCasePerLine(t *testing.T) {
	var buf bytes.Buffer
	st, err := synth.Generate(&buf, nil, synth.Config{Cases: 25, Seed: 1, Year: 2027, LA: "medway"})
	require.NoError(t, err)
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		var c sdk.Case
		require.NoError(t, json.Unmarshal(sc.Bytes(), &c))
		assert.Equal(t, "medway", c.LA)
		n++
	}
	assert.Equal(t, 25, n)
	assert.Equal(t, 25, st.Cases)
}

// Tribunal orders to assess and to make a plan are carried out: the LA
// assesses from refused, or drafts from not_issued, and records compliance.
func TestTribunalOrdersAreCarriedOut(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	var assessed, drafted, complied int
	st, err := synth.Each(e, synth.Config{Cases: 3000, Seed: 12, Year: 2026}, func(c sdk.Case) error {
		for _, ev := range c.History {
			switch {
			case ev.Trigger == "ehc.decided_to_assess" && ev.StatesBefore["ehc"] == "refused":
				assessed++
			case ev.Trigger == "ehc.draft_issued" && ev.StatesBefore["ehc"] == "not_issued":
				drafted++
			case ev.Trigger == "dispute.order_complied":
				complied++
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Zero(t, st.Refused, st.LastRefusal)
	assert.Positive(t, assessed, "an order to assess carried out")
	assert.Positive(t, drafted, "an order to make a plan carried out")
	assert.GreaterOrEqual(t, complied, assessed)
}
