package behaviour_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/behaviour"
	"github.com/sendflow/sendflow/sdk/scenario"
)

const examples = "../../examples/policies/"

func defaultEngine(t *testing.T) *sdk.Engine {
	t.Helper()
	e, err := sdk.Default()
	require.NoError(t, err)
	return e
}

// compile compiles an overlay on the default.
func compile(t *testing.T, yaml string) *sdk.Engine {
	t.Helper()
	e, err := sdk.Compile(sdk.PolicySource{Name: "overlay.yaml", Data: []byte(yaml)})
	require.NoError(t, err)
	return e
}

func kinds(r behaviour.Report) map[behaviour.Kind][]behaviour.Difference {
	out := map[behaviour.Kind][]behaviour.Difference{}
	for _, d := range r.Differences {
		out[d.Kind] = append(out[d.Kind], d)
	}
	return out
}

func TestDefaultAgainstItselfHasNoDifferences(t *testing.T) {
	e := defaultEngine(t)
	r, err := behaviour.Compare(context.Background(), e, e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	assert.Empty(t, r.Differences)
	assert.Equal(t, behaviour.DefaultJourneys, r.Journeys)
	assert.Equal(t, behaviour.DefaultJourneys*behaviour.DefaultSteps, r.Steps)
	assert.Zero(t, r.Diverged)
}

func TestExampleOverlaysHaveNoDifferences(t *testing.T) {
	base := defaultEngine(t)
	for _, f := range []string{"kent.yaml", "kent/dover.yaml", "kent/thanet.yaml", "liverpool.yaml", "sefton.yaml"} {
		t.Run(f, func(t *testing.T) {
			srcs, err := scenario.PolicySources(examples + f)
			require.NoError(t, err)
			e, err := sdk.Compile(srcs...)
			require.NoError(t, err)
			start := time.Now()
			r, err := behaviour.Compare(context.Background(), base, e, behaviour.Options{Seed: 7})
			require.NoError(t, err)
			t.Logf("%s: %d journeys, %d steps, %d diverged in %v", f, r.Journeys, r.Steps, r.Diverged, time.Since(start))
			for _, d := range r.Differences {
				t.Errorf("%s: %s", d.Kind, d.Message)
			}
		})
	}
}

// An ey_setting that can never act passes the static floor (ey_setting is
// not a statutory role) but can no longer bring a child to the LA's
// attention, a step on the statutory ehc track.
const neverEYSetting = `id: never_ey
roles:
  - {id: ey_setting, eligibility: {id: never, expr: "false", reason: "x"}}
`

func TestOverlayPastTheStaticRulesIsCaught(t *testing.T) {
	e := compile(t, neverEYSetting)
	r, err := behaviour.Compare(context.Background(), defaultEngine(t), e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	got := kinds(r)
	require.NotEmpty(t, got[behaviour.StatutoryStepRefused], "%+v", r)
	d := got[behaviour.StatutoryStepRefused][0]
	assert.Equal(t, "ehc.brought_to_attention", d.Trigger)
	assert.Equal(t, "ey_setting", d.Actor)
	assert.Equal(t, sdk.CodeNotAuthorised, d.Code)
	assert.Contains(t, d.Message, "ehc.brought_to_attention")
	assert.Contains(t, d.Message, "policy never_ey refuses it with not_authorised")
	assert.Equal(t, "ehc.brought_to_attention", d.Example.Firing.Trigger)
	assert.Positive(t, d.Example.Step)
	assert.Positive(t, r.Diverged, "its refusals on local tracks end journeys silently")
}

func TestLengthenedClockIsMoved(t *testing.T) {
	e := compile(t, "id: slow\nallow_below_statutory_floor: true\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 30}\n")
	r, err := behaviour.Compare(context.Background(), defaultEngine(t), e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	got := kinds(r)
	require.NotEmpty(t, got[behaviour.ClockMoved])
	assert.Len(t, got, 1, "nothing but the clock moves: %+v", r.Differences)
	for _, d := range got[behaviour.ClockMoved] {
		assert.Equal(t, "ehc_final_plan", d.Clock)
		assert.Contains(t, []string{"ehc.requested", "ehc.brought_to_attention"}, d.Trigger, "the trigger that starts it")
		assert.Contains(t, d.Message, "the duty falls due 70 days later")
		assert.Equal(t, d.Trigger, d.Example.Firing.Trigger)
	}
}

func TestShortenedClockIsLawful(t *testing.T) {
	e := compile(t, "id: quick\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 18}\n")
	r, err := behaviour.Compare(context.Background(), defaultEngine(t), e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	assert.Empty(t, r.Differences)
}

func TestBlockedRequestIsAFamilyActionRefused(t *testing.T) {
	e := compile(t, `id: blocked
allow_below_statutory_floor: true
triggers:
  - id: ehc.requested
    guards:
      - {id: no_requests, expr: 'actor != "parent"', reason: "Parents must ask the school.", citation: "none"}
`)
	r, err := behaviour.Compare(context.Background(), defaultEngine(t), e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	got := kinds(r)
	require.NotEmpty(t, got[behaviour.FamilyActionRefused], "%+v", r.Differences)
	d := got[behaviour.FamilyActionRefused][0]
	assert.Equal(t, "ehc.requested", d.Trigger)
	assert.Equal(t, "parent", d.Actor)
	assert.Equal(t, sdk.CodeGuardFailed, d.Code)
	assert.Equal(t, []string{"guard no_requests: Parents must ask the school."}, d.Reasons)
	assert.Contains(t, d.Message, "A parent can no longer fire ehc.requested (requesting an EHC needs assessment")
	for _, d := range r.Differences {
		assert.NotEqual(t, "school", d.Actor, "a school's request is not refused")
	}
}

func TestReportIsDeterministicAndJSON(t *testing.T) {
	e := compile(t, neverEYSetting)
	opt := behaviour.Options{Journeys: 20, Steps: 30, Seed: 42}
	r1, err := behaviour.Compare(context.Background(), defaultEngine(t), e, opt)
	require.NoError(t, err)
	r2, err := behaviour.Compare(context.Background(), defaultEngine(t), e, opt)
	require.NoError(t, err)
	b1, err := json.Marshal(r1)
	require.NoError(t, err)
	b2, err := json.Marshal(r2)
	require.NoError(t, err)
	assert.JSONEq(t, string(b1), string(b2))
	assert.NotContains(t, string(b1), "walk-", "no case id or other facts")
}

func TestContextStopsTheComparison(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := defaultEngine(t)
	r, err := behaviour.Compare(ctx, e, e, behaviour.Options{})
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, r.Stopped)
	assert.Zero(t, r.Journeys)

	_, err = behaviour.Compare(context.Background(), nil, e, behaviour.Options{})
	assert.Error(t, err)
}
