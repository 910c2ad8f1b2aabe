package lift_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/report/lift"
)

// fire fires a list of firings on a new case in district, failing the test
// on a refusal.
func fire(t *testing.T, id, district string, firings ...sdk.Firing) sdk.Case {
	t.Helper()
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: id, LA: "kent", District: district, Evidence: []string{"personalised_plan"}})
	for _, f := range firings {
		out, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = out.Case
	}
	return c
}

func jsonl(t *testing.T, cases ...sdk.Case) []byte {
	var b bytes.Buffer
	for _, c := range cases {
		j, err := json.Marshal(c)
		require.NoError(t, err)
		b.Write(append(j, '\n'))
	}
	return b.Bytes()
}

// referral is a case referred and discussed at a meeting on day, with a
// specialist teacher allocated.
func referral(t *testing.T, id, district, day string, data map[string]any) sdk.Case {
	return fire(t, id, district,
		sdk.Firing{Trigger: "lift.referral_started", Actor: "senco", At: "2026-01-05"},
		sdk.Firing{Trigger: "lift.consent_recorded", Actor: "parent", At: "2026-01-06", Data: map[string]any{"agreement_to_engage": true}},
		sdk.Firing{Trigger: "lift.meeting_held", Actor: "lift_chair", At: day, Data: data},
		sdk.Firing{Trigger: "lift.professional_allocated", Actor: "lift_chair", At: day, Data: map[string]any{"professional": "specialist_teacher"}},
	)
}

// Two cases discussed at one meeting count the meeting's attendance once;
// a meeting with no id is told apart by its date.
func TestAttendanceOncePerMeeting(t *testing.T) {
	att := []any{"chair", "educational_psychologist"}
	a := referral(t, "a", "dover", "2026-02-03", map[string]any{"outcomes": []any{"advice_to_try"}, "attendees": att, "meeting_id": "m1"})
	b := referral(t, "b", "dover", "2026-02-03", map[string]any{"outcomes": []any{"training"}, "attendees": []any{"chair", "health"}, "meeting_id": "m1"})
	c := referral(t, "c", "dover", "2026-02-17", map[string]any{"outcomes": []any{"training"}, "attendees": att})
	d := referral(t, "d", "thanet", "2026-02-03", map[string]any{"outcomes": []any{"training"}, "attendees": att, "meeting_id": "m1"})
	rep, err := lift.Run(bytes.NewReader(jsonl(t, a, b, c, d)), lift.Options{AsOf: "2026-02-05"})
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Totals.Meetings)
	assert.Equal(t, 4, rep.Totals.CasesDiscussed)
	assert.Equal(t, map[string]int{"chair": 3, "educational_psychologist": 3, "health": 1}, rep.Totals.Attendance)
	require.Len(t, rep.Districts, 2)
	assert.Equal(t, 2, rep.Districts[0].Meetings, "dover: m1 and the meeting of 17 February")
	assert.Equal(t, map[string]int{"training": 3, "advice_to_try": 1}, rep.Totals.Recommendations)
	assert.Equal(t, 4, rep.Totals.FirstContact.Awaiting, "allocated, not yet due on 5 February")
	assert.Equal(t, map[string]map[string]int{"unspecified": {"training": 3, "advice_to_try": 1}}, rep.Totals.RecommendationsByNeed)
}

// First contact: on the fifth working day is met, on the sixth missed; none
// by the as-of date after the due day is missed, and a closed referral
// cancels the wait.
func TestFirstContact(t *testing.T) {
	meet := map[string]any{"outcomes": []any{"advice_to_try"}}
	contact := func(day string) sdk.Firing {
		return sdk.Firing{Trigger: "lift.initial_contact_made", Actor: "lift_professional", At: day}
	}
	// Allocated Tuesday 22 December 2026: the fifth working day is Thursday
	// 31 December (25 and 28 December are bank holidays).
	on := referral(t, "on", "dover", "2026-12-22", meet)
	on = refire(t, on, contact("2026-12-31"))
	late := refire(t, referral(t, "late", "dover", "2026-12-22", meet), contact("2027-01-04"))
	none := referral(t, "none", "dover", "2026-12-22", meet)
	closed := refire(t, referral(t, "closed", "dover", "2026-12-22", meet), sdk.Firing{Trigger: "lift.closed", Actor: "senco", At: "2026-12-23"})
	rep, err := lift.Run(bytes.NewReader(jsonl(t, on, late, none, closed)), lift.Options{AsOf: "2027-01-01"})
	require.NoError(t, err)
	fc := rep.Totals.FirstContact
	assert.Equal(t, lift.FirstContact{Allocations: 4, Met: 1, Missed: 2, Cancelled: 1, MetRate: ptr(33.3), MedianWorkingDays: ptr(5.5)}, fc)

	rep, err = lift.Run(bytes.NewReader(jsonl(t, none)), lift.Options{AsOf: "2026-12-31"})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Totals.FirstContact.Awaiting, "not missed on its due day")
}

func ptr(f float64) *float64 { return &f }

func refire(t *testing.T, c sdk.Case, fs ...sdk.Firing) sdk.Case {
	e, err := sdk.Default()
	require.NoError(t, err)
	for _, f := range fs {
		out, err := e.Fire(c, f)
		require.NoError(t, err, f.Trigger)
		c = out.Case
	}
	return c
}

// A history written before the LIFT payload fields (no attendees, no
// meeting id, no need areas) still counts what it has.
func TestHistoriesWithoutTheNewFields(t *testing.T) {
	c := referral(t, "old", "dover", "2026-03-03", map[string]any{"outcomes": []any{"advice_to_try"}})
	rep, err := lift.Run(bytes.NewReader(jsonl(t, c)), lift.Options{})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Totals.Meetings)
	assert.Zero(t, rep.Totals.MeetingsWithAttendance)
	assert.Empty(t, rep.Totals.Attendance)
	assert.Equal(t, 1, rep.Totals.CasesDiscussed)
}

// A case given twice is counted once and the repeat is named; empty input
// warns.
func TestDuplicatesAndEmptyInput(t *testing.T) {
	a := referral(t, "a", "dover", "2026-02-03", map[string]any{"outcomes": []any{"advice_to_try"}})
	rep, err := lift.Run(bytes.NewReader(jsonl(t, a, a)), lift.Options{})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Counted)
	assert.Equal(t, 1, rep.Failed)
	assert.Equal(t, lift.Failure{Line: 2, ID: "a", Code: "duplicate", Reason: rep.Failures[0].Reason}, rep.Failures[0])
	assert.Contains(t, rep.Failures[0].Reason, "line 1")
	assert.Equal(t, 1, rep.Totals.CasesDiscussed)

	rep, err = lift.Run(strings.NewReader("\n  \n"), lift.Options{})
	require.NoError(t, err)
	assert.Zero(t, rep.Lines)
	assert.Equal(t, []string{"the input held no cases: every figure is zero"}, rep.Warnings)
}

// A tampered history and a line that is not a case are not counted.
func TestBadLines(t *testing.T) {
	a := referral(t, "a", "dover", "2026-02-03", map[string]any{"outcomes": []any{"advice_to_try"}})
	a.History[2].Data["outcomes"] = []any{"training"}
	in := append(jsonl(t, a), []byte("{not json\n")...)
	rep, err := lift.Run(bytes.NewReader(in), lift.Options{})
	require.NoError(t, err)
	require.Equal(t, 2, rep.Failed)
	assert.Equal(t, "history_mismatch", rep.Failures[0].Code)
	assert.Equal(t, "invalid_case", rep.Failures[1].Code)
	assert.Zero(t, rep.Totals.CasesDiscussed)

	rep, err = lift.Run(bytes.NewReader(in), lift.Options{NoVerify: true})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Failed, "unverified, the tampered case counts")
	assert.Equal(t, map[string]int{"training": 1}, rep.Totals.Recommendations)
	assert.False(t, rep.Verified)
}

// The line cap: a line of exactly the limit is read, one byte more stops
// the run with limit_exceeded.
func TestLineCap(t *testing.T) {
	line := jsonl(t, referral(t, "a", "dover", "2026-02-03", map[string]any{"outcomes": []any{"advice_to_try"}}))
	n := len(line) - 1
	rep, err := lift.Run(bytes.NewReader(line), lift.Options{MaxLineBytes: n})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Counted)
	_, err = lift.Run(bytes.NewReader(line), lift.Options{MaxLineBytes: n - 1})
	assert.Equal(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code)
}

// The meeting cap: a caseload naming MaxMeetings meetings is read, one more
// stops the run with limit_exceeded.
func TestMeetingCap(t *testing.T) {
	defer lift.SetMaxMeetings(2)()
	var cases []sdk.Case
	for i, day := range []string{"2026-02-03", "2026-02-04", "2026-02-05"} {
		cases = append(cases, referral(t, fmt.Sprint(i), "dover", day, map[string]any{"outcomes": []any{"training"}}))
	}
	rep, err := lift.Run(bytes.NewReader(jsonl(t, cases[:2]...)), lift.Options{})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Totals.Meetings)
	_, err = lift.Run(bytes.NewReader(jsonl(t, cases...)), lift.Options{})
	assert.Equal(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code)
}

// Bad dates and a period backwards are invalid_input.
func TestBadOptions(t *testing.T) {
	for _, opt := range []lift.Options{{Period: lift.Period{From: "2026-13-01"}}, {Period: lift.Period{To: "x"}}, {AsOf: "2026-02-30"},
		{Period: lift.Period{From: "2026-02-01", To: "2026-01-01"}}} {
		_, err := lift.Run(strings.NewReader(""), opt)
		assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code, opt)
	}
}

// The report is the same with one worker or many, verified or not, and
// after a JSON round trip.
func TestSameWhateverTheWorkersAndRoundTrip(t *testing.T) {
	_, lines := generated(t, 400, 2)
	one, err := lift.Run(bytes.NewReader(lines), lift.Options{Workers: 1})
	require.NoError(t, err)
	many, err := lift.Run(bytes.NewReader(lines), lift.Options{Workers: 4})
	require.NoError(t, err)
	assert.Equal(t, one, many)
	nv, err := lift.Run(bytes.NewReader(lines), lift.Options{Workers: 3, NoVerify: true})
	require.NoError(t, err)
	nv.Verified, nv.PolicyID = one.Verified, one.PolicyID
	assert.Equal(t, one, nv)

	b, err := json.Marshal(one)
	require.NoError(t, err)
	var back lift.Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, one, back)
}

// Terms: autumn from 1 August, spring to Easter Sunday, summer from Easter
// Monday to 31 July.
func TestTerms(t *testing.T) {
	for day, want := range map[string]string{"2026-07-31": "2025/26 summer", "2026-08-01": "2026/27 autumn", "2026-12-31": "2026/27 autumn",
		"2027-01-01": "2026/27 spring", "2026-04-05": "2025/26 spring", "2026-04-06": "2025/26 summer", "2099-09-01": "2099/00 autumn"} {
		d, err := calendar.ParseDate(day)
		require.NoError(t, err)
		assert.Equal(t, want, lift.TermOf(d).Key, day)
	}
	assert.Equal(t, lift.Term{Key: "2025/26 spring", SchoolYear: "2025/26", Term: "spring", From: "2026-01-01", To: "2026-04-05"},
		lift.TermOf(calendar.Date{Year: 2026, Month: 2, Day: 1}))
}

// The charts are well-formed SVG naming every district and term; the CSV
// carries the JSON's figures.
func TestChartsAndCSV(t *testing.T) {
	_, lines := generated(t, 300, 6)
	rep, err := lift.Run(bytes.NewReader(lines), lift.Options{NoVerify: true, Period: lift.Period{From: "2026-01-01", To: "2026-12-31"}})
	require.NoError(t, err)
	for _, name := range lift.Charts {
		svg, err := lift.SVG(rep, name)
		require.NoError(t, err)
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, name)
		}
		assert.Contains(t, svg, `role="img"`)
		if name == "trend" {
			for _, tf := range rep.Terms {
				assert.Contains(t, svg, `data-term="`+tf.Key+`"`)
			}
			continue
		}
		for _, d := range rep.Districts {
			assert.Contains(t, svg, `data-district="`+d.District+`"`, name)
		}
	}
	_, err = lift.SVG(rep, "pie")
	assert.Error(t, err)

	var b bytes.Buffer
	require.NoError(t, lift.WriteCSV(&b, rep))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"measure", "district", "term", "key", "value"}, rows[0])
	want := map[string]string{"cases_discussed": fmt.Sprint(rep.Totals.CasesDiscussed), "meetings": fmt.Sprint(rep.Totals.Meetings)}
	for _, r := range rows[1:] {
		if v, ok := want[r[0]]; ok && r[1] == "" && r[2] == "" {
			assert.Equal(t, v, r[4], r[0])
			delete(want, r[0])
		}
	}
	assert.Empty(t, want)
}

// A lifecycle v1 history allocates with no profession and records first
// contact with none: the allocation counts as unspecified and its first
// contact is judged.
func TestV1AllocationWithoutAProfession(t *testing.T) {
	line := `{"id":"v1","district":"dover","history":[` +
		`{"seq":1,"at":"2026-03-02T00:00:00Z","trigger":"lift.professional_allocated","states_before":{"hnf":"none"}},` +
		`{"seq":2,"at":"2026-03-05T00:00:00Z","trigger":"lift.initial_contact_made","states_before":{"hnf":"none"}}]}`
	rep, err := lift.Run(strings.NewReader(line), lift.Options{NoVerify: true})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"unspecified": 1}, rep.Totals.Allocations)
	assert.Equal(t, 1, rep.Totals.FirstContact.Met)
	assert.Equal(t, ptr(3), rep.Totals.FirstContact.MedianWorkingDays)
}
