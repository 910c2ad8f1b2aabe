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

// waived compiles an overlay that breaks the statutory floor on purpose.
func waived(t *testing.T, id, body string) *sdk.Engine {
	t.Helper()
	return compile(t, "id: "+id+"\nallow_below_statutory_floor: true\n"+body)
}

func TestEachKindOfLoss(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		kind       behaviour.Kind
		trigger    string
		clock      string
		decision   string
	}{
		{"final_plan_not_started", "triggers:\n  - {id: ehc.requested, effects: {start: [ehc_decision_to_assess, ehc_no_plan_notice]}}\n",
			behaviour.ClockNotStarted, "ehc.requested", "ehc_final_plan", ""},
		{"refusal_not_recorded", "triggers:\n  - {id: ehc.decided_not_to_assess, effects: {stop: [ehc_decision_to_assess], void: [ehc_no_plan_notice, ehc_final_plan]}}\n",
			behaviour.DecisionNotRecorded, "ehc.decided_not_to_assess", "", "refusal_to_assess"},
		{"final_plan_cancelled", "triggers:\n  - {id: ehc.decided_to_assess, effects: {stop: [ehc_decision_to_assess, order_assess], cancel: [ehc_final_plan]}}\n",
			behaviour.ClockEnded, "ehc.decided_to_assess", "ehc_final_plan", ""},
		{"no_certificates", "triggers:\n  - id: dispute.certificate_issued\n    guards: [{id: never, expr: 'false', reason: r, citation: c}]\n",
			behaviour.FamilyActionRefused, "dispute.certificate_issued", "", ""},
		{"appeal_window_shorter", "clocks:\n  - {id: appeal_window, kind: window, unit: months, length: 1, tribunal_moves: true}\n",
			behaviour.ClockMoved, "", "appeal_window", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := behaviour.Compare(context.Background(), defaultEngine(t), waived(t, tc.name, tc.body), behaviour.Options{Seed: 1})
			require.NoError(t, err)
			got := kinds(r)[tc.kind]
			require.NotEmpty(t, got, "%+v", r.Differences)
			found := false
			for _, d := range got {
				found = found || ((tc.trigger == "" || d.Trigger == tc.trigger) && d.Clock == tc.clock && d.Decision == tc.decision)
			}
			assert.True(t, found, "%+v", got)
			for _, d := range r.Differences {
				assert.NotEmpty(t, d.Message)
				assert.Positive(t, d.Count)
			}
		})
	}
}

func TestShortenedWindowMessage(t *testing.T) {
	e := waived(t, "short_appeal", "clocks:\n  - {id: appeal_window, kind: window, unit: months, length: 1, tribunal_moves: true}\n")
	r, err := behaviour.Compare(context.Background(), defaultEngine(t), e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	got := kinds(r)[behaviour.ClockMoved]
	require.NotEmpty(t, got)
	assert.Contains(t, got[0].Message, "the family's window ends")
	assert.Contains(t, got[0].Message, "days earlier")
}

func TestLongerWindowIsLawful(t *testing.T) {
	e := compile(t, "id: generous\nclocks:\n  - {id: ehc_draft_representations, kind: window, unit: days_beginning_with, length: 20}\n")
	r, err := behaviour.Compare(context.Background(), defaultEngine(t), e, behaviour.Options{Seed: 1})
	require.NoError(t, err)
	assert.Empty(t, r.Differences)
}

// Policies far from each other still compare without an error or panic:
// the walk is made on the base, and the candidate refuses what it lacks.
func TestUnlikePoliciesCompare(t *testing.T) {
	srcs, err := scenario.PolicySources(examples + "liverpool.yaml")
	require.NoError(t, err)
	liverpool, err := sdk.Compile(srcs...)
	require.NoError(t, err)
	r, err := behaviour.Compare(context.Background(), liverpool, defaultEngine(t), behaviour.Options{Journeys: 20, Seed: 5})
	require.NoError(t, err)
	assert.Equal(t, 20, r.Journeys)
	e := compile(t, neverEYSetting)
	r, err = behaviour.Compare(context.Background(), e, liverpool, behaviour.Options{Journeys: 20, Steps: 5, PermittedEvery: 1})
	require.NoError(t, err)
	assert.Equal(t, 20, r.Journeys)
	assert.LessOrEqual(t, r.Steps, 100, "a journey the candidate ends stops early")
	assert.Positive(t, r.Steps)
}

func TestContextDeadlineBoundsTheComparison(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	e := defaultEngine(t)
	start := time.Now()
	r, err := behaviour.Compare(ctx, e, e, behaviour.Options{Journeys: behaviour.MaxJourneys})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, r.Stopped)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Less(t, r.Journeys, behaviour.MaxJourneys)
}
