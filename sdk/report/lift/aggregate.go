package lift

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// mk is one measure and key.
type mk struct{ measure, key string }

// acc adds up the observations of one district and term (or a sum).
type acc struct {
	n  map[mk]int
	wd map[int]int // working days to first contact: how many contacts took each
}

func newAcc() *acc { return &acc{n: map[mk]int{}, wd: map[int]int{}} }

// maxMeetings is MaxMeetings (a variable so a test can lower it).
var maxMeetings = MaxMeetings

// cell is one district in one term.
type cell struct{ district, term string }

// meeting is one distinct meeting and who attended it.
type meeting struct {
	district, date string
	attendees      map[string]bool
}

// Aggregator folds derived cases into a report, holding only totals and the
// meetings seen.
type Aggregator struct {
	cfg      config
	rep      Report
	cells    map[cell]*acc
	dists    map[string]*acc
	terms    map[string]*acc
	total    *acc
	termInfo map[string]Term
	termOf   map[string]string // date -> term key
	meetings map[string]*meeting
	seen     map[string]int // case id -> the line it was counted from
}

// NewAggregator checks the options and starts an empty report.
func NewAggregator(opt Options) (*Aggregator, error) {
	if err := checkOptions(opt); err != nil {
		return nil, err
	}
	e := opt.Engine
	if e == nil {
		var err error
		if e, err = sdk.Default(); err != nil {
			return nil, err
		}
	}
	cfg := config{period: opt.Period, contactDays: 5, holidays: calendar.DefaultHolidays()}
	pol := e.Policy()
	for _, p := range pol.Parameters {
		if v, ok := p.Value.(float64); p.ID == "lift_initial_contact_working_days" && ok && v >= 1 {
			cfg.contactDays = int(v)
		} else if v, ok := p.Value.(int); p.ID == "lift_initial_contact_working_days" && ok && v >= 1 {
			cfg.contactDays = v
		}
	}
	if len(pol.Holidays) > 0 {
		var ds []calendar.Date
		for _, h := range pol.Holidays {
			if d, err := calendar.ParseDate(h); err == nil {
				ds = append(ds, d)
			}
		}
		cfg.holidays = calendar.NewHolidays(ds)
	}
	asOf := opt.AsOf
	if asOf == "" {
		asOf = opt.Period.To
	}
	if asOf != "" {
		cfg.asOf, _ = calendar.ParseDate(asOf)
	}
	a := &Aggregator{cfg: cfg, cells: map[cell]*acc{}, dists: map[string]*acc{}, terms: map[string]*acc{}, total: newAcc(),
		termInfo: map[string]Term{}, termOf: map[string]string{}, meetings: map[string]*meeting{}, seen: map[string]int{}}
	a.rep = Report{Verified: !opt.NoVerify, Period: opt.Period, AsOf: asOf, ContactWorkingDays: cfg.contactDays, Failures: []Failure{}}
	if !opt.NoVerify {
		a.rep.PolicyID = e.PolicyID()
	}
	return a, nil
}

// term is the key of the term day falls in.
func (a *Aggregator) term(day string) string {
	if k, ok := a.termOf[day]; ok {
		return k
	}
	d, _ := calendar.ParseDate(day)
	t := TermOf(d)
	a.termInfo[t.Key] = t
	if len(a.termOf) < 100_000 {
		a.termOf[day] = t.Key
	}
	return t.Key
}

func get[K comparable](m map[K]*acc, k K) *acc {
	x, ok := m[k]
	if !ok {
		x = newAcc()
		m[k] = x
	}
	return x
}

// add folds one derived case, read from input line: a case id counted on
// an earlier line is refused as a duplicate.
func (a *Aggregator) add(line int, d *derived) error {
	if d.id != "" {
		if first, dup := a.seen[d.id]; dup {
			a.Fail(Failure{Line: line, ID: d.id, Code: "duplicate",
				Reason: fmt.Sprintf("the case was already counted from line %d: a case is counted once (remove the older snapshot)", first)})
			return nil
		}
		a.seen[d.id] = line
	}
	a.rep.Counted++
	var distinct map[string]bool
	for _, o := range d.obs {
		t := a.term(o.date)
		levels := [4]*acc{get(a.cells, cell{o.district, t}), get(a.dists, o.district), get(a.terms, t), a.total}
		ids := [4]string{"c" + o.district + "\x00" + t, "d" + o.district, "t" + t, "a"}
		for i, x := range levels {
			if o.measure == mChildren || o.measure == mHNFChildren {
				if distinct == nil {
					distinct = map[string]bool{}
				}
				if k := o.measure + "\x00" + ids[i]; distinct[k] {
					continue
				} else {
					distinct[k] = true
				}
			}
			x.n[mk{o.measure, o.key}] += o.n
			if o.measure == mContact && o.wd >= 0 {
				x.wd[o.wd]++
			}
		}
	}
	for _, m := range d.meetings {
		k := m.district + "\x00" + m.key
		mt, ok := a.meetings[k]
		if !ok {
			if len(a.meetings) >= maxMeetings {
				return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("line %d: the caseload names more than %d LIFT meetings", line, MaxMeetings)}
			}
			mt = &meeting{district: m.district, date: m.date, attendees: map[string]bool{}}
			a.meetings[k] = mt
		}
		if m.date < mt.date {
			mt.date = m.date
		}
		for _, p := range m.attendees {
			mt.attendees[p] = true
		}
	}
	return nil
}

// Fail records one input that was not counted.
func (a *Aggregator) Fail(f Failure) {
	a.rep.Failed++
	if len(a.rep.Failures) < MaxFailuresListed {
		a.rep.Failures = append(a.rep.Failures, f)
	}
}

// Report finishes the figures. The aggregator may go on being used.
func (a *Aggregator) Report() Report {
	r := a.rep
	r.Failures = append([]Failure{}, a.rep.Failures...)
	cells := map[cell]*Figures{}
	dists := map[string]*Figures{}
	terms := map[string]*Figures{}
	for k, x := range a.cells {
		cells[k] = x.figures()
	}
	for k, x := range a.dists {
		dists[k] = x.figures()
	}
	for k, x := range a.terms {
		terms[k] = x.figures()
	}
	total := a.total.figures()
	for _, m := range a.meetings {
		t := a.term(m.date)
		if cells[cell{m.district, t}] == nil {
			cells[cell{m.district, t}], dists[m.district], terms[t] = newFigures(), orNew(dists[m.district]), orNew(terms[t])
		}
		for _, f := range []*Figures{cells[cell{m.district, t}], dists[m.district], terms[t], total} {
			f.addMeeting(m)
		}
	}
	r.Totals = *total
	r.Terms = []TermFigures{}
	for _, k := range sortedKeys(terms) {
		r.Terms = append(r.Terms, TermFigures{Term: a.termInfo[k], Figures: *terms[k]})
	}
	r.Districts = []DistrictFigures{}
	for _, d := range sortedKeys(dists) {
		df := DistrictFigures{District: d, Figures: *dists[d], Terms: []TermFigures{}}
		for _, k := range sortedKeys(terms) {
			if f := cells[cell{d, k}]; f != nil {
				df.Terms = append(df.Terms, TermFigures{Term: a.termInfo[k], Figures: *f})
			}
		}
		r.Districts = append(r.Districts, df)
	}
	r.Consistency = Consistency{
		Allocations:     spreads(r.Districts, func(f *Figures) map[string]int { return f.Allocations }),
		Recommendations: spreads(r.Districts, func(f *Figures) map[string]int { return f.Recommendations }),
	}
	return r
}

func orNew(f *Figures) *Figures {
	if f == nil {
		return newFigures()
	}
	return f
}

func (f *Figures) addMeeting(m *meeting) {
	f.Meetings++
	if len(m.attendees) > 0 {
		f.MeetingsWithAttendance++
	}
	for p := range m.attendees {
		f.Attendance[p]++
	}
}

func newFigures() *Figures {
	return &Figures{Attendance: map[string]int{}, Allocations: map[string]int{}, AllocationsByService: map[string]int{},
		Recommendations: map[string]int{}, RecommendationsByNeed: map[string]map[string]int{},
		TrainingOffered: map[string]int{}, TrainingAccessed: map[string]int{}}
}

// figures turns the sums into figures.
func (x *acc) figures() *Figures {
	f := newFigures()
	for k, n := range x.n {
		x.put(f, k, n)
	}
	fc := &f.FirstContact
	fc.Allocations = fc.Met + fc.Missed + fc.Awaiting + fc.Cancelled
	fc.MetRate = rate(fc.Met, fc.Met+fc.Missed)
	fc.MedianWorkingDays = median(x.wd)
	p := &f.Progress
	p.Reviews = p.Expected + p.LessThanExpected
	p.ExpectedRate = rate(p.Expected, p.Reviews)
	return f
}

// put adds n of k to the figure it belongs to.
func (x *acc) put(f *Figures, k mk, n int) {
	switch k.measure {
	case mCases:
		f.CasesDiscussed += n
	case mChildren:
		f.ChildrenDiscussed += n
	case mReferrals:
		f.Referrals += n
	case mAlloc:
		f.Allocations[k.key] += n
	case mService:
		f.AllocationsByService[k.key] += n
	case mRec:
		f.Recommendations[k.key] += n
	case mRecNeed:
		need, rec, _ := strings.Cut(k.key, "\x00")
		if f.RecommendationsByNeed[need] == nil {
			f.RecommendationsByNeed[need] = map[string]int{}
		}
		f.RecommendationsByNeed[need][rec] += n
	case mOffered:
		f.TrainingOffered[k.key] += n
	case mAccessed:
		f.TrainingAccessed[k.key] += n
	case mContact:
		x.putContact(&f.FirstContact, k.key, n)
	case mReturned:
		f.Outcomes.Returned += n
	case mExhausted:
		f.Outcomes.Exhausted += n
	case mClosed:
		f.Outcomes.Closed += n
	case mThenHNF:
		f.Outcomes.ExhaustedThenHNF += n
	case mThenEHC:
		f.Outcomes.ExhaustedThenEHC += n
	case mProgress:
		if k.key == "expected" {
			f.Progress.Expected += n
		} else {
			f.Progress.LessThanExpected += n
		}
	case mHNFChildren:
		f.HNFChildrenSupported += n
	}
}

func (x *acc) putContact(fc *FirstContact, key string, n int) {
	switch key {
	case "met":
		fc.Met += n
	case "missed":
		fc.Missed += n
	case "awaiting":
		fc.Awaiting += n
	case "cancelled":
		fc.Cancelled += n
	}
}

// rate is part of whole in percent to one decimal place (nil for none).
func rate(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	v := math.Round(float64(part)*1000/float64(whole)) / 10
	return &v
}

// median is the median of a histogram of working days (nil when empty).
func median(h map[int]int) *float64 {
	total := 0
	days := make([]int, 0, len(h))
	for d, n := range h {
		total += n
		days = append(days, d)
	}
	if total == 0 {
		return nil
	}
	slices.Sort(days)
	nth := func(i int) int { // the i-th value, from 0
		for _, d := range days {
			if i < h[d] {
				return d
			}
			i -= h[d]
		}
		return days[len(days)-1]
	}
	v := float64(nth((total-1)/2)+nth(total/2)) / 2
	return &v
}

// spreads is, for every kind of, each district's share of its total and
// the lowest and highest share (districts with none left out).
func spreads(ds []DistrictFigures, of func(*Figures) map[string]int) []Spread {
	totals := map[string]int{}
	kinds := map[string]bool{}
	for i := range ds {
		for k, n := range of(&ds[i].Figures) {
			totals[ds[i].District] += n
			kinds[k] = true
		}
	}
	out := []Spread{}
	for _, k := range sortedKeys(kinds) {
		s := Spread{Kind: k, Shares: map[string]float64{}}
		first := true
		for i := range ds {
			d := ds[i].District
			if totals[d] == 0 {
				continue
			}
			v := *rate(of(&ds[i].Figures)[k], totals[d])
			s.Shares[d] = v
			if first || v < s.Min {
				s.Min, s.MinDistrict = v, d
			}
			if first || v > s.Max {
				s.Max, s.MaxDistrict = v, d
			}
			first = false
		}
		s.Range = math.Round((s.Max-s.Min)*10) / 10
		out = append(out, s)
	}
	return out
}
