package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
)

func engine(t testing.TB) *sdk.Engine {
	t.Helper()
	e, err := sdk.Default()
	require.NoError(t, err)
	return e
}

// step is one firing: date, actor, trigger, data.
type step struct {
	at, actor, trigger string
	data               map[string]any
}

// build opens a case and fires every step through the engine.
func build(t testing.TB, e *sdk.Engine, id, district string, yearGroup int, steps ...step) sdk.Case {
	t.Helper()
	yg := yearGroup
	c := e.NewCase(sdk.Facts{ID: id, LA: "kent", District: district,
		Child: sdk.Child{DateOfBirth: "2015-10-10", YearGroup: &yg}, Evidence: []string{"personalised_plan"}})
	for _, s := range steps {
		out, err := e.Fire(c, sdk.Firing{Trigger: s.trigger, Actor: s.actor, At: s.at, Data: s.data})
		require.NoError(t, err, "%s: %s at %s", id, s.trigger, s.at)
		c = out.Case
	}
	return c
}

var school = map[string]any{"named_school": "Valley Academy"}

// planSteps is a request by actor on req that is assessed on assess, drafted
// on draft and finalised on final.
func planSteps(actor, req, assess, draft, final string) []step {
	return []step{
		{req, actor, "ehc.requested", nil},
		{assess, "la_officer", "ehc.decided_to_assess", nil},
		{draft, "la_officer", "ehc.draft_issued", nil},
		{final, "la_officer", "ehc.plan_finalised", school},
	}
}

func with(steps []step, more ...step) []step { return append(append([]step{}, steps...), more...) }

// caseload is a small caseload whose 2026 figures are worked out by hand in
// TestHandCheckedYear. All in dover except G (swale).
func caseload(t testing.TB, e *sdk.Engine) map[string]sdk.Case {
	exc := func(at string) step {
		return step{at, "la_officer", "ehc.exception_recorded", map[string]any{"reason": "absent_from_area"}}
	}
	cs := map[string]sdk.Case{
		// A: requested Mon 2026-01-05, final plan 2026-05-25 = 01-05 + 140 days: within 20 weeks (the last day).
		"A": build(t, e, "A", "dover", 5, planSteps("parent", "2026-01-05", "2026-02-02", "2026-04-27", "2026-05-25")...),
		// B: the same request date, final plan 2026-05-26 = + 141 days: not within 20 weeks. Requested by the school.
		"B": build(t, e, "B", "dover", 5, planSteps("school", "2026-01-05", "2026-02-02", "2026-05-04", "2026-05-26")...),
		// C: exception recorded, final 2026-06-15 (+161): late, but an exception case.
		"C": build(t, e, "C", "dover", 5, with(planSteps("parent", "2026-01-05", "2026-02-02", "2026-05-18", "2026-06-15")[:1],
			exc("2026-01-20"),
			step{"2026-02-02", "la_officer", "ehc.decided_to_assess", nil},
			step{"2026-05-18", "la_officer", "ehc.draft_issued", nil},
			step{"2026-06-15", "la_officer", "ehc.plan_finalised", school})...),
		// D: exception recorded, requested 2026-02-02, final 2026-06-01 (+119): within 20 weeks.
		"D": build(t, e, "D", "dover", 5,
			step{"2026-02-02", "parent", "ehc.requested", nil},
			exc("2026-02-10"),
			step{"2026-03-02", "la_officer", "ehc.decided_to_assess", nil},
			step{"2026-05-11", "la_officer", "ehc.draft_issued", nil},
			step{"2026-06-01", "la_officer", "ehc.plan_finalised", school}),
		// E: brought to attention by health 2026-01-12, refused 2026-02-16, mediation then an appeal.
		"E": build(t, e, "E", "dover", 5,
			step{"2026-01-12", "health", "ehc.brought_to_attention", nil},
			step{"2026-02-16", "la_officer", "ehc.decided_not_to_assess", nil},
			step{"2026-03-02", "parent", "dispute.mediation_requested", nil},
			step{"2026-03-20", "mediation_adviser", "dispute.mediation_concluded", nil},
			step{"2026-03-23", "mediation_adviser", "dispute.certificate_issued", nil},
			step{"2026-04-01", "parent", "dispute.appeal_registered", nil}),
		// F: requested 2026-03-02, final 2026-07-13 (+133, within), then mediation on the plan's contents:
		// out of the timeliness measure.
		"F": build(t, e, "F", "dover", 5, with(planSteps("parent", "2026-03-02", "2026-04-06", "2026-06-22", "2026-07-13"),
			step{"2026-07-27", "parent", "dispute.mediation_requested", nil})...),
		// G (swale): requested 2025-09-01, final 2026-01-19 = + 140: within; a 2025 request, a 2026 plan.
		"G": build(t, e, "G", "swale", 5, planSteps("parent", "2025-09-01", "2025-10-06", "2025-12-22", "2026-01-19")...),
		// H: requested 2026-10-05, decided to assess 2026-11-02: open assessment at year end.
		"H": build(t, e, "H", "dover", 5,
			step{"2026-10-05", "parent", "ehc.requested", nil},
			step{"2026-11-02", "la_officer", "ehc.decided_to_assess", nil}),
		// I: requested 2026-12-01, no decision by 31 December: ongoing.
		"I": build(t, e, "I", "dover", 5, step{"2026-12-01", "parent", "ehc.requested", nil}),
		// J: requested 2026-04-06, withdrawn 2026-04-20 before a decision.
		"J": build(t, e, "J", "dover", 5,
			step{"2026-04-06", "parent", "ehc.requested", nil},
			step{"2026-04-20", "parent", "ehc.withdrawn", nil}),
		// K: assessed, then a decision not to issue on 2026-04-20.
		"K": build(t, e, "K", "dover", 5,
			step{"2026-01-05", "parent", "ehc.requested", nil},
			step{"2026-02-02", "la_officer", "ehc.decided_to_assess", nil},
			step{"2026-04-20", "la_officer", "ehc.decided_not_to_issue", nil}),
		// L: transferred in 2025; phase transfer due 2026-02-14 (before 15 February), amended 2026-01-12;
		// review meeting 2026-02-02, decision cease 2026-02-16; ceased 2026-06-01 for reason 2 (needs met).
		"L": build(t, e, "L", "dover", 5,
			step{"2025-03-03", "la_officer", "plan.transferred_in", map[string]any{"from_la": "bromley"}},
			step{"2025-06-02", "la_officer", "plan.phase_transfer_set", map[string]any{"transfer_year": 2026}},
			step{"2026-01-12", "la_officer", "plan.phase_transfer_amended", nil},
			step{"2026-01-13", "school", "plan.review_invited", map[string]any{"meeting_date": "2026-02-02"}},
			step{"2026-02-02", "school", "plan.review_meeting_held", nil},
			step{"2026-02-16", "la_officer", "plan.review_decided", map[string]any{"decision": "cease"}},
			step{"2026-03-02", "la_officer", "plan.cease_decided", map[string]any{"reason": 2}},
			step{"2026-06-01", "la_officer", "plan.ceased", nil}),
		// M: transferred in 2026-02-02, transferred out 2026-09-01 (SEN2 cease reason 5).
		"M": build(t, e, "M", "dover", 5,
			step{"2026-02-02", "la_officer", "plan.transferred_in", map[string]any{"from_la": "medway"}},
			step{"2026-09-01", "la_officer", "plan.transferred_out", map[string]any{"new_la": "surrey"}}),
	}
	return cs
}

// jsonl writes the cases as JSON lines in name order.
func jsonl(t testing.TB, cs map[string]sdk.Case) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, k := range []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"} {
		if c, ok := cs[k]; ok {
			line, err := json.Marshal(c)
			require.NoError(t, err)
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func TestHandCheckedYear(t *testing.T) {
	e := engine(t)
	in := jsonl(t, caseload(t, e))
	rep, err := report.Run(bytes.NewReader(in), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	assert.True(t, rep.Verified)
	assert.Equal(t, 13, rep.Lines)
	assert.Equal(t, 13, rep.Counted)
	assert.Zero(t, rep.Failed)

	tt := rep.Totals
	assert.Equal(t, report.Period{From: "2026-01-01", To: "2026-12-31"}, tt.Period)
	assert.Equal(t, 13, tt.Persons, "every case has SEN2 activity in 2026")
	// Requests received in 2026: A B C K (01-05), E (01-12), D (02-02), F (03-02), J (04-06), H (10-05), I (12-01) = 10;
	// G was received in 2025. Sources: B school, E other (health), the other 8 parents.
	assert.Equal(t, 10, tt.RequestsReceived)
	assert.Equal(t, map[string]int{"parent": 8, "school": 1, "other": 1}, tt.RequestsBySource)
	// Decisions to assess in 2026: A B C D F H K = 7 (G's was in 2025).
	assert.Equal(t, 7, tt.DecisionsToAssess)
	assert.Equal(t, 1, tt.AssessmentsRefused, "E")
	assert.Equal(t, 1, tt.RequestsWithdrawn, "J")
	assert.Equal(t, 1, tt.RequestsOngoing, "I: no decision by 31 December")
	// Plans issued in 2026: A B C D F G = 6; with an exception: C D.
	assert.Equal(t, 6, tt.PlansIssued)
	assert.Equal(t, 2, tt.ExceptionCases)
	assert.Equal(t, 1, tt.AssessmentsNotIssued, "K")
	assert.Zero(t, tt.AssessmentsWithdrawn)

	// Timeliness: of the 6 plans, F had mediation (on its contents), so the measure has 5: A B C D G.
	// Including exceptions: within 20 weeks A (+140), D (+119), G (+140); not B (+141), C (+161): 3/5 = 60.0%.
	// Excluding exceptions (drop C, D): A, G within, B not: 2/3 = 66.7%.
	tl := tt.Timeliness
	assert.Equal(t, 6, tl.PlansIssued)
	assert.Equal(t, 1, tl.ExcludedDisputed)
	assert.Equal(t, 5, tl.IncExc)
	assert.Equal(t, 3, tl.IncExcWithin)
	require.NotNil(t, tl.IncExcRate)
	assert.Equal(t, 60.0, *tl.IncExcRate)
	assert.Equal(t, 3, tl.NoExc)
	assert.Equal(t, 2, tl.NoExcWithin)
	require.NotNil(t, tl.NoExcRate)
	assert.Equal(t, 66.7, *tl.NoExcRate)

	// Disputes in 2026: E's mediation and appeal against the refusal; F's mediation on the plan.
	assert.Equal(t, 1, tt.RequestMediation)
	assert.Equal(t, 1, tt.RequestTribunal)
	assert.Equal(t, 1, tt.AssessmentMediation)
	assert.Zero(t, tt.AssessmentTribunal+tt.OtherMediation+tt.OtherTribunal)

	// Plans: M transferred in during 2026 (L in 2025). L's review meeting (cease).
	assert.Equal(t, 1, tt.PlansTransferredIn)
	assert.Equal(t, 1, tt.ReviewsHeld)
	assert.Equal(t, map[string]int{"cease": 1}, tt.ReviewOutcomes)
	// Ceased in 2026: L (reason 2, needs met) and M (transferred out: reason 5).
	assert.Equal(t, 2, tt.PlansCeased)
	assert.Equal(t, map[string]int{"2": 1, "5": 1}, tt.CeasedByReason)
	// Maintained on 31 December: the six plans issued (A B C D F G).
	assert.Equal(t, 6, tt.PlansMaintainedAtEnd)

	// District table over the year: swale has G alone (1/1); dover the rest.
	require.Len(t, rep.Districts, 2)
	assert.Equal(t, "dover", rep.Districts[0].District)
	assert.Equal(t, 4, rep.Districts[0].IncExc)
	assert.Equal(t, 2, rep.Districts[0].IncExcWithin)
	assert.Equal(t, "swale", rep.Districts[1].District)
	assert.Equal(t, 1, rep.Districts[1].IncExcWithin)
	assert.Equal(t, 100.0, *rep.Districts[1].IncExcRate)
}

func TestDistrictPeriod(t *testing.T) {
	e := engine(t)
	in := jsonl(t, caseload(t, e))
	rep, err := report.Run(bytes.NewReader(in), report.Options{Year: 2026, Engine: e,
		Period: report.Period{From: "2026-05-26", To: "2026-06-30"}})
	require.NoError(t, err)
	// Plans issued 26 May to 30 June in dover: B (05-26, late), D (06-01, exception, within), C (06-15,
	// exception, late). A (05-25) and F (07-13) fall outside; swale has none.
	require.Len(t, rep.Districts, 2)
	dover := rep.Districts[0]
	assert.Equal(t, "dover", dover.District)
	assert.Equal(t, 3, dover.IncExc)
	assert.Equal(t, 1, dover.IncExcWithin) // D
	assert.Equal(t, 33.3, *dover.IncExcRate)
	assert.Equal(t, 1, dover.NoExc) // B
	assert.Equal(t, 0, dover.NoExcWithin)
	assert.Equal(t, 0.0, *dover.NoExcRate)
	swale := rep.Districts[1]
	assert.Zero(t, swale.IncExc)
	assert.Nil(t, swale.IncExcRate, "no plans: no rate, not 0%")
	// The year's totals do not depend on the district period.
	assert.Equal(t, 5, rep.Totals.Timeliness.IncExc)
}

func TestPersonRecords(t *testing.T) {
	cs := caseload(t, engine(t))
	t.Run("requests", func(t *testing.T) { checkPersonRequests(t, cs) })
	t.Run("plans", func(t *testing.T) { checkPersonPlans(t, cs) })
}

// checkPersonRequests: the request and assessment records (modules 2, 3)
// of the caseload's cases in 2026.
func checkPersonRequests(t *testing.T, cs map[string]sdk.Case) {
	y := report.Year(2026)
	a := report.Derive(cs["A"]).Person(y)
	require.Len(t, a.Requests, 1)
	r := a.Requests[0]
	assert.Equal(t, "2026-01-05", r.ReceivedDate)
	assert.Equal(t, report.SourceParent, r.RequestSource)
	assert.Equal(t, "assess", *r.RequestOutcome)
	assert.Equal(t, "2026-02-02", *r.RequestOutcomeDate)
	assert.Nil(t, r.RYA)
	assert.Nil(t, r.Exported)
	require.NotNil(t, r.Assessment)
	assert.Equal(t, "issued", *r.Assessment.AssessmentOutcome)
	assert.Equal(t, "2026-05-25", *r.Assessment.AssessmentOutcomeDate)
	assert.False(t, r.Assessment.Week20)
	assert.True(t, r.Within20Weeks())
	require.Len(t, a.Plans, 1)
	assert.Equal(t, "2026-05-25", *a.Plans[0].NamedPlan.StartDate)
	assert.Nil(t, a.Plans[0].NamedPlan.CeaseDate)
	assert.Equal(t, "2015-10-10", *a.PersonBirthDate)

	c := report.Derive(cs["C"]).Person(y)
	assert.True(t, c.Requests[0].Assessment.Week20)
	assert.Equal(t, "absent_from_area", c.Requests[0].Assessment.Week20Reason)
	assert.False(t, c.Requests[0].Within20Weeks())

	eCase := report.Derive(cs["E"]).Person(y)
	assert.Equal(t, report.SourceOther, eCase.Requests[0].RequestSource)
	assert.Equal(t, "refused", *eCase.Requests[0].RequestOutcome)
	assert.True(t, eCase.Requests[0].RequestMediation)
	assert.True(t, eCase.Requests[0].RequestTribunal)
	assert.Nil(t, eCase.Requests[0].Assessment)

	f := report.Derive(cs["F"]).Person(y)
	assert.True(t, f.Requests[0].Assessment.AssessmentMediation)
	assert.False(t, f.Requests[0].Assessment.AssessmentTribunal)
	assert.True(t, f.Requests[0].Disputed())

	h := report.Derive(cs["H"]).Person(y)
	assert.Nil(t, h.Requests[0].Assessment.AssessmentOutcome, "an open assessment has no outcome yet")
}

// checkPersonPlans: the plan records (modules 4a, 5a) of a plan transferred
// in and ceased (L) and one transferred out (M), by year, and blank fields.
func checkPersonPlans(t *testing.T, cs map[string]sdk.Case) {
	y := report.Year(2026)
	l := report.Derive(cs["L"]).Person(y)
	require.Len(t, l.Plans, 1)
	np, ap := l.Plans[0].NamedPlan, l.Plans[0].ActivePlan
	assert.Nil(t, np.StartDate, "another LA made the plan: its start date is not in this history")
	assert.Equal(t, "2026-06-01", *np.CeaseDate)
	assert.Equal(t, 2, *np.CeaseReason)
	assert.Nil(t, np.PB)
	assert.Nil(t, ap.TransferLA, "transferred in during 2025, not during 2026 (SPEC.md 5, 5a)")
	transferYear := report.Derive(cs["L"]).Person(report.Year(2025))
	require.Len(t, transferYear.Plans, 1)
	require.NotNil(t, transferYear.Plans[0].ActivePlan.TransferLA)
	assert.Equal(t, "bromley", *transferYear.Plans[0].ActivePlan.TransferLA, "the year it was transferred in")
	assert.Equal(t, "2026-02-02", *ap.ReviewMeeting)
	assert.Equal(t, "cease", *ap.ReviewOutcome)
	assert.Equal(t, "2026-02-16", *ap.LastReview)
	assert.Equal(t, "2026-02-14", *ap.PhaseTransferDueDate, "before 15 February 2026")
	assert.Equal(t, "2026-01-12", *ap.PhaseTransferFinalDate)
	assert.Nil(t, ap.ReviewDraft)

	// L in 2025: the plan was maintained, nothing ceased or reviewed yet.
	l25 := report.Derive(cs["L"]).Person(report.Year(2025))
	require.Len(t, l25.Plans, 1)
	assert.Nil(t, l25.Plans[0].NamedPlan.CeaseDate)
	assert.Nil(t, l25.Plans[0].ActivePlan.ReviewMeeting)
	// and in 2027 it is gone.
	assert.Empty(t, report.Derive(cs["L"]).Person(report.Year(2027)).Plans)

	m := report.Derive(cs["M"]).Person(y)
	assert.Equal(t, 5, *m.Plans[0].NamedPlan.CeaseReason)

	// Blank fields are null in JSON, not invented.
	b, err := json.Marshal(l)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"startdate":null`)
	assert.Contains(t, string(b), `"pb":null`)
	assert.Contains(t, string(b), `"reviewdraft":null`)
}

// A withdrawn-then-repeated request gives two request records; a second
// request's exception does not mark the first.
func TestRepeatedRequests(t *testing.T) {
	e := engine(t)
	c := build(t, e, "R", "thanet", 5,
		step{"2026-01-05", "parent", "ehc.requested", nil},
		step{"2026-02-09", "la_officer", "ehc.decided_not_to_assess", nil},
		step{"2026-06-01", "school", "ehc.requested", nil},
		step{"2026-06-08", "la_officer", "ehc.exception_recorded", map[string]any{"reason": "institution_closed"}},
		step{"2026-07-06", "la_officer", "ehc.decided_to_assess", nil})
	d := report.Derive(c)
	require.Len(t, d.Requests, 2)
	assert.Equal(t, "refused", *d.Requests[0].RequestOutcome)
	assert.Nil(t, d.Requests[0].Assessment)
	assert.Equal(t, report.SourceSchool, d.Requests[1].RequestSource)
	assert.True(t, d.Requests[1].Assessment.Week20)
	assert.Equal(t, "2026-10-19", d.Requests[1].FinalDue(), "2026-06-01 + 140 days")
	// The input case is not changed.
	assert.Len(t, c.History, 5)
}

func TestVerificationFailureIsReported(t *testing.T) {
	e := engine(t)
	cs := caseload(t, e)
	// Move B's final plan back a day, to 2026-05-25, so it would look on time: the event hash no longer matches.
	b := cs["B"]
	hist := append([]sdk.Event{}, b.History...)
	last := hist[len(hist)-1]
	require.Equal(t, "ehc.plan_finalised", last.Trigger)
	last.At = "2026-05-25T00:00:00Z"
	hist[len(hist)-1] = last
	b.History = hist
	cs["B"] = b
	in := jsonl(t, cs)
	in = append(in, []byte("{not json\n\n")...)

	rep, err := report.Run(bytes.NewReader(in), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	assert.Equal(t, 14, rep.Lines, "the blank line is skipped")
	assert.Equal(t, 12, rep.Counted)
	assert.Equal(t, 2, rep.Failed)
	require.Len(t, rep.Failures, 2)
	assert.Equal(t, report.Failure{Line: 2, ID: "B", Code: "history_mismatch", Event: 4,
		Reason: "event 4 has been altered: its hash does not match its contents"}, rep.Failures[0])
	assert.Equal(t, 14, rep.Failures[1].Line)
	assert.Equal(t, "invalid_case", rep.Failures[1].Code)
	// B is not counted: 4 in the measure (A C D G), 3 within.
	assert.Equal(t, 4, rep.Totals.Timeliness.IncExc)
	assert.Equal(t, 3, rep.Totals.Timeliness.IncExcWithin)

	// Without an engine the tampered case is counted as given, and the report says it was not verified.
	rep, err = report.Run(bytes.NewReader(jsonl(t, cs)), report.Options{Year: 2026})
	require.NoError(t, err)
	assert.False(t, rep.Verified)
	assert.Equal(t, 13, rep.Counted)
	assert.Equal(t, 4, rep.Totals.Timeliness.IncExcWithin, "the altered date now looks on time")
}

func TestRunErrors(t *testing.T) {
	_, err := report.Run(strings.NewReader(""), report.Options{Year: 99})
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)
	_, err = report.Run(strings.NewReader(""), report.Options{Year: 2026, Period: report.Period{From: "2026-13-01"}})
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)
	_, err = report.Run(strings.NewReader(""), report.Options{Year: 2026, Period: report.Period{From: "2026-06-01", To: "2026-05-01"}})
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)

	long := `{"id":"x"}` + "\n" + `{"id":"` + strings.Repeat("y", 200) + `"}` + "\n"
	_, err = report.Run(strings.NewReader(long), report.Options{Year: 2026, MaxLineBytes: 100})
	var se *sdk.Error
	require.True(t, errors.As(err, &se))
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code)
	assert.Contains(t, se.Message, "line 2")

	_, err = report.Run(iotestErr{}, report.Options{Year: 2026})
	assert.Equal(t, sdk.CodeInternal, sdk.AsError(err).Code)

	// A sink error stops the run.
	e := engine(t)
	in := jsonl(t, caseload(t, e))
	_, err = report.Run(bytes.NewReader(in), report.Options{Year: 2026, Person: func(report.Person) error { return io.ErrShortWrite }})
	assert.ErrorIs(t, err, io.ErrShortWrite)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// Hostile histories never panic: events out of order, unknown triggers,
// wrong payload types, missing states. Without verification they are read as
// given; nothing is invented.
func TestHostileHistories(t *testing.T) {
	lines := []string{
		`{"id":"h1","history":[{"seq":1,"at":"garbage","trigger":"ehc.requested"}]}`,
		`{"id":"h2","history":[{"seq":1,"at":"2026-03-01T00:00:00Z","trigger":"ehc.plan_finalised"},{"seq":2,"at":"2026-03-02T00:00:00Z","trigger":"plan.cease_decided","data":{"reason":"two"}},{"seq":3,"at":"2026-03-03T00:00:00Z","trigger":"plan.ceased"}]}`,
		`{"id":"h3","history":[{"seq":1,"at":"2026-03-01T00:00:00Z","trigger":"dispute.appeal_registered"},{"seq":2,"at":"2026-03-01T00:00:00Z","trigger":"plan.review_decided","data":{"decision":7}},{"seq":3,"at":"2026-03-01T00:00:00Z","trigger":"plan.phase_transfer_set","data":{"transfer_year":1e300}}]}`,
		`{"id":"h4","history":[{"seq":1,"at":"9999-03-01T00:00:00Z","trigger":"ehc.requested"}]}`,
		`[]`,
		`"a string"`,
	}
	rep, err := report.Run(strings.NewReader(strings.Join(lines, "\n")), report.Options{Year: 2026})
	require.NoError(t, err)
	assert.Equal(t, 4, rep.Counted)
	assert.Equal(t, 2, rep.Failed)
	// h2: a plan issued with no request; ceased with no readable reason: counted as unknown.
	assert.Equal(t, map[string]int{"unknown": 1}, rep.Totals.CeasedByReason)
	assert.Zero(t, rep.Totals.RequestsReceived, "unreadable or out-of-range dates are not counted")
}

func TestCSV(t *testing.T) {
	e := engine(t)
	rep, err := report.Run(bytes.NewReader(jsonl(t, caseload(t, e))), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, report.WriteCSV(&b, rep))
	recs, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"measure", "group", "value", "dfe_variable"}, recs[0])
	get := func(measure, group string) string {
		for _, r := range recs[1:] {
			if r[0] == measure && r[1] == group {
				return r[2]
			}
		}
		t.Fatalf("no row %s %s", measure, group)
		return ""
	}
	assert.Equal(t, "10", get("requests_received", ""))
	assert.Equal(t, "8", get("requests_received", "source=parent"))
	assert.Equal(t, "1", get("assessments_refused", ""))
	assert.Equal(t, "6", get("plans_issued", ""))
	assert.Equal(t, "60.0", get("timeliness_including_exceptions_rate", ""))
	assert.Equal(t, "66.7", get("timeliness_excluding_exceptions_rate", ""))
	assert.Equal(t, "1", get("plans_ceased", "reason=2 needs_met"))
	assert.Equal(t, "1", get("plans_ceased", "reason=5 transfer_out"))
	assert.Equal(t, "0", get("plans_ceased", "reason=1 max_age"))
	assert.Equal(t, "1", get("review_outcomes", "decision=cease"))
	assert.Equal(t, "100.0", get("timeliness_including_exceptions_rate", "district=swale 2026-01-01..2026-12-31"))
	for _, r := range recs[1:] {
		if r[0] == "timeliness_including_exceptions" && r[1] == "" {
			assert.Equal(t, "tot_inc_exc_ehc", r[3])
		}
	}
}

func TestJSON(t *testing.T) {
	e := engine(t)
	rep, err := report.Run(bytes.NewReader(jsonl(t, caseload(t, e))), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, report.WriteJSON(&b, rep))
	var got map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &got))
	totals := got["totals"].(map[string]any)
	tl := totals["timeliness"].(map[string]any)
	assert.Equal(t, 5.0, tl["tot_inc_exc_ehc"])
	assert.Equal(t, 3.0, tl["inc_exc_20week_ehc"])
	assert.Equal(t, 60.0, tl["inc_exc_20week_rate"])
	assert.Equal(t, 66.7, tl["no_exc_20week_rate"])
	assert.Equal(t, 10.0, totals["requests_received"])
	assert.Equal(t, true, got["verified"])
	assert.Equal(t, "default", got["policy_id"])
	assert.Len(t, got["districts"], 2)
	assert.Equal(t, []any{}, got["failures"])
}

// svgDoc is the part of the chart the test reads.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Role    string   `xml:"role,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
	Groups  []struct {
		Class    string `xml:"class,attr"`
		District string `xml:"data-district,attr"`
		Rects    []struct {
			Class string `xml:"class,attr"`
			Width string `xml:"width,attr"`
			Title string `xml:"title"`
		} `xml:"rect"`
		Texts []struct {
			Class string `xml:"class,attr"`
			Text  string `xml:",chardata"`
		} `xml:"text"`
	} `xml:"g"`
}

func TestSVG(t *testing.T) {
	e := engine(t)
	cs := caseload(t, e)
	cs["A"] = build(t, e, "A", `<b>&"odd"`, 5, planSteps("parent", "2026-01-05", "2026-02-02", "2026-04-27", "2026-05-25")...)
	rep, err := report.Run(bytes.NewReader(jsonl(t, cs)), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, report.WriteSVG(&b, rep))
	var doc svgDoc
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())
	assert.Equal(t, "img", doc.Role)
	assert.Equal(t, "EHC plans issued within 20 weeks, by district", doc.Title)
	assert.Contains(t, doc.Desc, "dover: 33.3% including exception cases (1 of 3), 0.0% excluding them (0 of 1)")
	assert.Contains(t, doc.Desc, "All districts: 60.0% including exception cases (3 of 5), 66.7% excluding them (2 of 3)")

	var rows []string
	bars := map[string][]string{}
	for _, g := range doc.Groups {
		if g.Class != "district" {
			continue
		}
		label := ""
		for _, tx := range g.Texts {
			if tx.Class == "district-label" {
				label = tx.Text
			}
		}
		rows = append(rows, label)
		require.Len(t, g.Rects, 2, "two bars per district")
		for _, r := range g.Rects {
			bars[label] = append(bars[label], r.Class+"="+r.Width)
		}
		for _, tx := range g.Texts {
			if strings.HasPrefix(tx.Class, "value") {
				bars[label] = append(bars[label], tx.Text)
			}
		}
	}
	// Districts sorted, then the total. The odd name is escaped and drawn as given.
	assert.Equal(t, []string{`<b>&"odd"`, "dover", "swale", "All districts"}, rows)
	// dover now holds B C D (A moved): incl. 1 of 3 (D) = 33.3% -> 147 of 440 px; excl. 0 of 1 (B).
	assert.Equal(t, []string{"bar including-exceptions=147", "bar excluding-exceptions=0", "33.3% (1 of 3)", "0.0% (0 of 1)"}, bars["dover"])
	assert.Equal(t, []string{"bar including-exceptions=440", "bar excluding-exceptions=440", "100.0% (1 of 1)", "100.0% (1 of 1)"}, bars["swale"])
	assert.Equal(t, "60.0% (3 of 5)", bars["All districts"][2])
}

// A mediation about a later decision (maintaining the plan after a review)
// is "other" mediation and does not touch the plan's timeliness.
func TestOtherDispute(t *testing.T) {
	e := engine(t)
	c := build(t, e, "N", "dover", 5, with(planSteps("parent", "2025-01-06", "2025-02-03", "2025-04-28", "2025-05-26"),
		step{"2026-03-02", "school", "plan.review_invited", map[string]any{"meeting_date": "2026-03-23"}},
		step{"2026-03-23", "school", "plan.review_meeting_held", nil},
		step{"2026-04-13", "la_officer", "plan.review_decided", map[string]any{"decision": "maintain"}},
		step{"2026-04-27", "parent", "dispute.mediation_requested", nil})...)
	p := report.Derive(c).Person(report.Year(2026))
	assert.True(t, p.OtherMediation)
	assert.False(t, p.OtherTribunal)
	assert.Empty(t, p.Requests, "the 2025 request ended in 2025")
	assert.Equal(t, "maintain", *p.Plans[0].ActivePlan.ReviewOutcome)
	assert.False(t, report.Derive(c).Requests[0].Disputed())

	rep, err := report.Run(bytes.NewReader(jsonl(t, map[string]sdk.Case{"A": c})), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Totals.OtherMediation)
	assert.Zero(t, rep.Totals.RequestMediation+rep.Totals.AssessmentMediation)
	assert.Equal(t, map[string]int{"maintain": 1}, rep.Totals.ReviewOutcomes)
	// 2025: the plan was issued (+140 days: 2025-01-06 + 140 = 2025-05-26, within).
	rep, err = report.Run(bytes.NewReader(jsonl(t, map[string]sdk.Case{"A": c})), report.Options{Year: 2025, Engine: e})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Totals.Timeliness.IncExcWithin)
	assert.Zero(t, rep.Totals.OtherMediation)
}

// A cancelled context stops the run with limit_exceeded and no report; a
// live one gives the same report as Run.
func TestRunContextStops(t *testing.T) {
	e := engine(t)
	in := jsonl(t, caseload(t, e))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := report.RunContext(ctx, bytes.NewReader(in), report.Options{Year: 2026, Engine: e})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code)
	assert.Contains(t, err.Error(), "stopped")
	rep, err := report.RunContext(context.Background(), bytes.NewReader(in), report.Options{Year: 2026, Engine: e})
	require.NoError(t, err)
	assert.Equal(t, 13, rep.Counted)
}

// A caseload line of exactly MaxLineBytes bytes is read; one byte more is
// limit_exceeded (the default, report.MaxLineBytes, is the same code).
func TestMaxLineBytesAtTheCap(t *testing.T) {
	line := func(n int) string {
		head, tail := `{"id":"`, `"}`
		return head + strings.Repeat("y", n-len(head)-len(tail)) + tail + "\n"
	}
	require.Len(t, strings.TrimSuffix(line(100), "\n"), 100)
	_, err := report.Run(strings.NewReader(line(100)), report.Options{Year: 2026, MaxLineBytes: 100})
	if err != nil {
		assert.NotEqual(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code, "a line at the cap is read: %v", err)
	}
	_, err = report.Run(strings.NewReader(line(101)), report.Options{Year: 2026, MaxLineBytes: 100})
	require.Error(t, err)
	assert.Equal(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code)
}

// TestAgeLimitCeaseReason: a plan ceased at the age limit (CFA s46) is SEN2
// cease reason 1.
func TestAgeLimitCeaseReason(t *testing.T) {
	e := engine(t)
	c := e.NewCase(sdk.Facts{ID: "N", LA: "kent", District: "canterbury", Child: sdk.Child{DateOfBirth: "2001-10-15"}})
	for _, s := range []step{
		{"2026-09-07", "la_officer", "plan.transferred_in", map[string]any{"from_la": "surrey"}},
		{"2027-08-01", "system", "plan.age_limit_reached", nil},
	} {
		out, err := e.Fire(c, sdk.Firing{Trigger: s.trigger, Actor: s.actor, At: s.at, Data: s.data})
		require.NoError(t, err, s.trigger)
		c = out.Case
	}
	p := report.Derive(c).Person(report.Year(2027))
	require.Len(t, p.Plans, 1)
	require.NotNil(t, p.Plans[0].NamedPlan.CeaseReason)
	assert.Equal(t, 1, *p.Plans[0].NamedPlan.CeaseReason)
	assert.Equal(t, "2027-08-01", *p.Plans[0].NamedPlan.CeaseDate)
}
