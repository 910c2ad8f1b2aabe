package report_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
)

// fireAll fires steps on a new case and returns it.
func fireAll(t *testing.T, steps []sdk.Firing) sdk.Case {
	t.Helper()
	e, err := sdk.Default()
	require.NoError(t, err)
	yg := 4
	c := e.NewCase(sdk.Facts{ID: "order", LA: "liverpool", Child: sdk.Child{DateOfBirth: "2017-05-14", YearGroup: &yg}})
	for _, f := range steps {
		o, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = o.Case
	}
	return c
}

// appealed fires a refusal's appeal up to the Tribunal's order.
func appealed(order string) []sdk.Firing {
	return []sdk.Firing{
		{Trigger: "dispute.mediation_declined", Actor: "parent", At: "2026-06-29"},
		{Trigger: "dispute.certificate_issued", Actor: "mediation_adviser", At: "2026-07-01"},
		{Trigger: "dispute.appeal_registered", Actor: "parent", At: "2026-07-06"},
		{Trigger: "dispute.tribunal_decided", Actor: "tribunal", At: "2026-10-05", Data: map[string]any{"order": order}},
	}
}

// A Tribunal order to assess after a refusal: the refused request is the one
// assessed, and the plan issued under the order is linked to it.
func TestDeriveOrderToAssessCarriedOut(t *testing.T) {
	steps := []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-05-11"},
	}
	steps = append(steps, appealed("assess")...)
	steps = append(steps,
		sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-10-12"},
		sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-11-16"},
		sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-12-14", Data: map[string]any{"named_school": "Oak"}},
		sdk.Firing{Trigger: "dispute.order_complied", Actor: "la_officer", At: "2026-12-15"})
	d := report.Derive(fireAll(t, steps))
	require.Len(t, d.Requests, 1, "one request, not a new one for the order")
	r := d.Requests[0]
	require.Equal(t, "refused", *r.RequestOutcome, "the LA's decision on the request")
	require.True(t, r.RequestTribunal)
	require.NotNil(t, r.Assessment, "the ordered assessment is recorded on the refused request")
	require.Equal(t, "issued", *r.Assessment.AssessmentOutcome)
	require.Equal(t, "2026-12-14", *r.Assessment.AssessmentOutcomeDate)
	require.Len(t, d.Plans, 1)
	require.Equal(t, 0, d.Plans[0].Request, "the plan is linked to the request")
}

// A Tribunal order to make a plan after a decision not to issue: the plan is
// linked to the request whose assessment ended "not issued".
func TestDeriveOrderToMakePlanCarriedOut(t *testing.T) {
	steps := []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "school", At: "2026-03-02"},
		{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-04-13"},
		{Trigger: "ehc.decided_not_to_issue", Actor: "la_officer", At: "2026-06-22"},
	}
	steps = append(steps, appealed("make_plan")...)
	steps = append(steps,
		sdk.Firing{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-10-12"},
		sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-11-02", Data: map[string]any{"named_school": "Marsh Lane"}})
	d := report.Derive(fireAll(t, steps))
	require.Len(t, d.Requests, 1)
	require.NotNil(t, d.Requests[0].Assessment)
	require.True(t, d.Requests[0].Assessment.AssessmentTribunal)
	require.Len(t, d.Plans, 1)
	require.Equal(t, 0, d.Plans[0].Request)
	require.Equal(t, "2026-11-02", d.Plans[0].StartDate)
	a := d.Requests[0].Assessment
	require.Equal(t, "not_issued", *a.AssessmentOutcome, "the LA's own decision stays the outcome")
	require.Equal(t, "2026-06-22", *a.AssessmentOutcomeDate)
	at, ok := d.Requests[0].PlanIssued()
	require.True(t, ok, "a plan was issued, under the order")
	require.Equal(t, "2026-11-02", at)

	agg, err := report.NewAggregator(report.Options{Year: 2026})
	require.NoError(t, err)
	agg.Add(&d)
	tot := agg.Report().Totals
	require.Equal(t, 1, tot.AssessmentsNotIssued, "the LA's decision not to issue is counted")
	require.Equal(t, 1, tot.PlansIssued, "and so is the plan made under the order")
	require.Equal(t, 1, tot.Timeliness.PlansIssued)
	require.Equal(t, 1, tot.Timeliness.ExcludedDisputed, "outside the 20-week measure")
	require.Equal(t, 0, tot.Timeliness.IncExc)
}

// A second request made while the first one's refusal is under appeal, and
// refused too: the Tribunal's order to assess is about the first, so the
// ordered assessment and plan belong to it (outside the 20-week measure),
// not to the request refused most recently.
func TestDeriveOrderToAssessFollowsTheAppealedRequest(t *testing.T) {
	steps := []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-09"},
		{Trigger: "dispute.mediation_declined", Actor: "parent", At: "2026-02-16"},
		{Trigger: "dispute.certificate_issued", Actor: "mediation_adviser", At: "2026-02-18"},
		{Trigger: "dispute.appeal_registered", Actor: "parent", At: "2026-02-23"},
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-04-06"},
		{Trigger: "dispute.tribunal_decided", Actor: "tribunal", At: "2026-05-04", Data: map[string]any{"order": "assess"}},
		{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-05-11"},
		{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-06-29"},
		{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-07-20", Data: map[string]any{"named_school": "Oak"}},
	}
	d := report.Derive(fireAll(t, steps))
	require.Len(t, d.Requests, 2)
	first, second := d.Requests[0], d.Requests[1]
	require.True(t, first.RequestTribunal)
	require.NotNil(t, first.Assessment, "the appealed request is the one assessed")
	require.Equal(t, "issued", *first.Assessment.AssessmentOutcome)
	require.True(t, first.Disputed(), "outside the 20-week measure")
	require.Nil(t, second.Assessment, "the second refusal stands")
	require.Equal(t, "refused", *second.RequestOutcome)
	require.Len(t, d.Plans, 1)
	require.Equal(t, 0, d.Plans[0].Request)

	a, err := report.NewAggregator(report.Options{Year: 2026})
	require.NoError(t, err)
	a.Add(&d)
	tl := a.Report().Totals.Timeliness
	require.Equal(t, 1, tl.PlansIssued)
	require.Equal(t, 1, tl.ExcludedDisputed, "the plan followed a Tribunal appeal")
	require.Equal(t, 0, tl.IncExc, "no plan in the 20-week measure")
}

// One dispute per decision: an appeal registered on the first refusal after
// a second request was refused too is about the first request (the event
// names d2), not the request refused most recently.
func TestDeriveDisputeFollowsTheDecisionItNames(t *testing.T) {
	steps := []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-09"},
		{Trigger: "dispute.mediation_declined", Actor: "parent", At: "2026-02-16"},
		{Trigger: "dispute.certificate_issued", Actor: "mediation_adviser", At: "2026-02-18"},
		{Trigger: "dispute.withdrawn", Actor: "parent", At: "2026-02-20"},
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02"},
		{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-03-30"},
		{Trigger: "dispute.appeal_registered", Actor: "parent", At: "2026-04-06", Data: map[string]any{"decision": "d2"}},
	}
	d := report.Derive(fireAll(t, steps))
	require.Len(t, d.Requests, 2)
	require.True(t, d.Requests[0].RequestTribunal, "the appeal is on d2, the first request's refusal")
	require.False(t, d.Requests[1].RequestTribunal)
}
