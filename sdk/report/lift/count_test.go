package lift_test

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // UK time wherever the tests run

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/report/lift"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

// tally is an independent count of the LIFT figures, written from the
// definitions in docs/lift.md without the report's code: each figure is a
// plain loop over the histories.
type tally struct {
	meetings     map[string]map[string]bool // district|meeting -> attendees
	cases        int
	children     map[string]bool
	referrals    int
	alloc        map[string]int
	recs         map[string]int
	offered      map[string]int
	accessed     map[string]int
	met, missed  int
	awaiting     int
	cancelled    int
	contactDays  []int
	returned     int
	exhausted    int
	closed       int
	thenHNF      int
	thenEHC      int
	expected     int
	lessExpected int
	hnfChildren  map[string]bool
}

func newTally() *tally {
	return &tally{meetings: map[string]map[string]bool{}, children: map[string]bool{}, alloc: map[string]int{},
		recs: map[string]int{}, offered: map[string]int{}, accessed: map[string]int{}, hnfChildren: map[string]bool{}}
}

// easter is Easter Sunday, from published tables.
var easter = map[int]string{2023: "2023-04-09", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28"}

// termKey names a date's term: autumn from 1 August, spring to Easter
// Sunday, summer from Easter Monday to 31 July.
func termKey(day string) string {
	y := atoi(day[:4])
	md := day[5:]
	switch {
	case md >= "08-01":
		return itoa(y) + "/" + itoa((y+1)%100) + " autumn"
	case day <= easter[y]:
		return itoa(y-1) + "/" + itoa(y%100) + " spring"
	}
	return itoa(y-1) + "/" + itoa(y%100) + " summer"
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func itoa(n int) string {
	s := ""
	if n < 10 {
		s = "0"
	}
	b, _ := json.Marshal(n)
	return s + string(b)
}

// london is UK time, for an event's calendar date.
var london = func() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}()

func ukDay(t *testing.T, at string) string {
	tm, err := time.Parse(time.RFC3339, at)
	require.NoError(t, err)
	return tm.In(london).Format("2006-01-02")
}

func list(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		out = append(out, x.(string))
	}
	return out
}

// workingDaysAfter counts the working days in (a, b].
func workingDaysAfter(a, b string) int {
	da, _ := calendar.ParseDate(a)
	db, _ := calendar.ParseDate(b)
	n := 0
	h := calendar.DefaultHolidays()
	for d := da.AddDays(1); !d.After(db); d = d.AddDays(1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !h.IsHoliday(d) {
			n++
		}
	}
	return n
}

// walk is one case's count in progress.
type walk struct {
	tl        *tally
	id        string
	in        func(day, district string) bool
	open      map[string][2]string // profession -> allocation day, district
	latest    string
	afterLIFT bool
	exhs      []*exh
}

type exh struct {
	day, district string
	hnf, ehc      bool
}

// count adds one case's events dated in [from, to] whose district and term
// pass keep; allocations still waiting are judged at asOf.
func (tl *tally) count(t *testing.T, c sdk.Case, from, to, asOf string, keep func(district, term string) bool) {
	w := &walk{tl: tl, id: c.ID, open: map[string][2]string{},
		in: func(day, district string) bool { return day >= from && day <= to && keep(district, termKey(day)) }}
	for _, ev := range c.History {
		w.event(ev, ukDay(t, ev.At), c.District)
	}
	for _, a := range w.open {
		if !w.in(a[0], a[1]) {
			continue
		}
		// due: the fifth working day after the allocation
		due, _ := calendar.ParseDate(a[0])
		for n := 0; n < 5; {
			due = due.AddDays(1)
			if workingDaysAfter(due.AddDays(-1).String(), due.String()) == 1 {
				n++
			}
		}
		if asOf > due.String() {
			tl.missed++
		} else {
			tl.awaiting++
		}
	}
}

func (w *walk) event(ev sdk.Event, day, district string) {
	tl := w.tl
	in := w.in(day, district)
	if strings.HasPrefix(ev.Trigger, "lift.") && ev.StatesBefore["hnf"] == "approved" && in {
		tl.hnfChildren[w.id] = true
	}
	switch ev.Trigger {
	case "lift.referral_started":
		tl.referrals += one(in)
	case "lift.meeting_held":
		w.afterLIFT = true
		if in {
			w.meeting(ev, day, district)
		}
	case "lift.recommendations_adapted":
		w.afterLIFT = true
		for _, o := range list(ev.Data["outcomes"]) {
			tl.recs[o] += one(in)
		}
	case "lift.professional_allocated":
		w.allocated(ev, day, district)
	case "lift.initial_contact_made":
		w.contact(ev, day)
	case "lift.training_accessed":
		for _, x := range list(ev.Data["training"]) {
			tl.accessed[x] += one(in)
		}
	case "lift.return_requested":
		tl.returned += one(in)
	case "lift.exhausted":
		w.exhs = append(w.exhs, &exh{day: day, district: district})
		tl.exhausted += one(in)
	case "lift.closed":
		tl.closed += one(in)
		for p, a := range w.open {
			tl.cancelled += one(w.in(a[0], a[1]))
			delete(w.open, p)
		}
	case "support.review_held":
		w.review(ev, in)
	case "hnf.applied", "ehc.requested", "ehc.brought_to_attention":
		w.onwards(ev.Trigger == "hnf.applied")
	}
}

func one(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (w *walk) meeting(ev sdk.Event, day, district string) {
	tl := w.tl
	tl.cases++
	tl.children[w.id] = true
	key := district + "|" + ev.Data["meeting_id"].(string)
	if tl.meetings[key] == nil {
		tl.meetings[key] = map[string]bool{}
	}
	for _, a := range list(ev.Data["attendees"]) {
		tl.meetings[key][a] = true
	}
	for _, o := range list(ev.Data["outcomes"]) {
		tl.recs[o]++
	}
	for _, x := range list(ev.Data["training"]) {
		tl.offered[x]++
	}
}

func (w *walk) allocated(ev sdk.Event, day, district string) {
	p := ev.Data["professional"].(string)
	w.tl.alloc[p] += one(w.in(day, district))
	if a, ok := w.open[p]; ok {
		w.tl.cancelled += one(w.in(a[0], a[1]))
	}
	w.open[p] = [2]string{day, district}
	w.latest = p
}

func (w *walk) contact(ev sdk.Event, day string) {
	p, _ := ev.Data["professional"].(string)
	if p == "" {
		p = w.latest
	}
	a, ok := w.open[p]
	if !ok {
		return
	}
	delete(w.open, p)
	if !w.in(a[0], a[1]) {
		return
	}
	n := workingDaysAfter(a[0], day)
	w.tl.contactDays = append(w.tl.contactDays, n)
	if n <= 5 {
		w.tl.met++
	} else {
		w.tl.missed++
	}
}

func (w *walk) review(ev sdk.Event, in bool) {
	if !w.afterLIFT {
		return
	}
	w.afterLIFT = false
	if ev.Data["progress"] == "expected" {
		w.tl.expected += one(in)
	} else {
		w.tl.lessExpected += one(in)
	}
}

func (w *walk) onwards(hnf bool) {
	for _, x := range w.exhs {
		if hnf && !x.hnf {
			x.hnf = true
			w.tl.thenHNF += one(w.in(x.day, x.district))
		} else if !hnf && !x.ehc {
			x.ehc = true
			w.tl.thenEHC += one(w.in(x.day, x.district))
		}
	}
}

func (tl *tally) attendance() (meetings int, att map[string]int) {
	att = map[string]int{}
	for _, a := range tl.meetings {
		meetings++
		for p := range a {
			att[p]++
		}
	}
	return meetings, att
}

func (tl *tally) median() *float64 {
	if len(tl.contactDays) == 0 {
		return nil
	}
	d := append([]int(nil), tl.contactDays...)
	sort.Ints(d)
	v := float64(d[(len(d)-1)/2]+d[len(d)/2]) / 2
	return &v
}

// check compares the report's figures with the tally.
func (tl *tally) check(t *testing.T, what string, f lift.Figures) {
	meetings, att := tl.attendance()
	assert.Equal(t, meetings, f.Meetings, what+": meetings")
	assert.Equal(t, att, nonZero(f.Attendance), what+": attendance")
	assert.Equal(t, tl.cases, f.CasesDiscussed, what+": cases discussed")
	assert.Equal(t, len(tl.children), f.ChildrenDiscussed, what+": children discussed")
	assert.Equal(t, tl.referrals, f.Referrals, what+": referrals")
	assert.Equal(t, nonZero(tl.alloc), nonZero(f.Allocations), what+": allocations")
	assert.Equal(t, nonZero(tl.recs), nonZero(f.Recommendations), what+": recommendations")
	assert.Equal(t, nonZero(tl.offered), nonZero(f.TrainingOffered), what+": training offered")
	assert.Equal(t, nonZero(tl.accessed), nonZero(f.TrainingAccessed), what+": training accessed")
	assert.Equal(t, [4]int{tl.met, tl.missed, tl.awaiting, tl.cancelled},
		[4]int{f.FirstContact.Met, f.FirstContact.Missed, f.FirstContact.Awaiting, f.FirstContact.Cancelled}, what+": first contact")
	assert.Equal(t, tl.median(), f.FirstContact.MedianWorkingDays, what+": median working days")
	assert.Equal(t, [5]int{tl.returned, tl.exhausted, tl.closed, tl.thenHNF, tl.thenEHC},
		[5]int{f.Outcomes.Returned, f.Outcomes.Exhausted, f.Outcomes.Closed, f.Outcomes.ExhaustedThenHNF, f.Outcomes.ExhaustedThenEHC}, what+": outcomes")
	assert.Equal(t, [2]int{tl.expected, tl.lessExpected}, [2]int{f.Progress.Expected, f.Progress.LessThanExpected}, what+": progress")
	assert.Equal(t, len(tl.hnfChildren), f.HNFChildrenSupported, what+": HNF children supported")
}

func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// generated is a caseload made by the generator, as cases and as JSON lines.
func generated(t *testing.T, n int, seed uint64) ([]sdk.Case, []byte) {
	t.Helper()
	var cases []sdk.Case
	var buf bytes.Buffer
	_, err := synth.Each(nil, synth.Config{Cases: n, Seed: seed, Year: 2026}, func(c sdk.Case) error {
		cases = append(cases, c)
		b, err := json.Marshal(c)
		buf.Write(append(b, '\n'))
		return err
	})
	require.NoError(t, err)
	return cases, buf.Bytes()
}

// The report's figures on a generated caseload equal an independent count:
// over the period, per district, per term, and per district and term.
func TestFiguresEqualAnIndependentCount(t *testing.T) {
	cases, lines := generated(t, 1500, 21)
	const from, to = "2025-09-01", "2026-12-31"
	rep, err := lift.Run(bytes.NewReader(lines), lift.Options{Period: lift.Period{From: from, To: to}})
	require.NoError(t, err)
	require.Zero(t, rep.Failed, rep.Failures)
	require.Equal(t, len(cases), rep.Counted)

	all := func(string, string) bool { return true }
	tl := newTally()
	for _, c := range cases {
		tl.count(t, c, from, to, to, all)
	}
	require.Positive(t, tl.cases, "the generator made LIFT activity")
	require.Positive(t, tl.thenHNF+tl.thenEHC, "some exhausted referrals went on")
	require.Positive(t, len(tl.hnfChildren), "some children with HNF were supported")
	tl.check(t, "totals", rep.Totals)

	require.NotEmpty(t, rep.Districts)
	for _, d := range rep.Districts {
		dt := newTally()
		for _, c := range cases {
			dt.count(t, c, from, to, to, func(district, _ string) bool { return district == d.District })
		}
		dt.check(t, d.District, d.Figures)
		for _, tf := range d.Terms {
			ct := newTally()
			for _, c := range cases {
				ct.count(t, c, from, to, to, func(district, term string) bool { return district == d.District && term == tf.Key })
			}
			ct.check(t, d.District+" "+tf.Key, tf.Figures)
		}
	}
	var keys []string
	for _, tf := range rep.Terms {
		keys = append(keys, tf.Key)
		tt := newTally()
		for _, c := range cases {
			tt.count(t, c, from, to, to, func(_, term string) bool { return term == tf.Key })
		}
		tt.check(t, tf.Key, tf.Figures)
	}
	assert.Equal(t, []string{"2025/26 autumn", "2025/26 spring", "2025/26 summer", "2026/27 autumn"}, keys)
}

// The spread between districts is each district's share of its own
// allocations, lowest to highest.
func TestConsistencyIsTheSpreadOfShares(t *testing.T) {
	_, lines := generated(t, 800, 4)
	rep, err := lift.Run(bytes.NewReader(lines), lift.Options{NoVerify: true})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Consistency.Allocations)
	for _, s := range rep.Consistency.Allocations {
		lo, hi := 101.0, -1.0
		for _, d := range rep.Districts {
			total := 0
			for _, n := range d.Allocations {
				total += n
			}
			if total == 0 {
				continue
			}
			share := float64(int(float64(d.Allocations[s.Kind])*1000/float64(total)+0.5)) / 10
			assert.InDelta(t, share, s.Shares[d.District], 0.051, s.Kind+" "+d.District)
			lo, hi = min(lo, share), max(hi, share)
		}
		assert.InDelta(t, lo, s.Min, 0.051, s.Kind)
		assert.InDelta(t, hi, s.Max, 0.051, s.Kind)
		assert.InDelta(t, hi-lo, s.Range, 0.11, s.Kind)
	}
}
