package report

import (
	"fmt"
	"math"
	"sort"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Person is one case as the SEN2 return for one reporting year sees it:
// the requests live in the year and the plans maintained in it.
type Person struct {
	ID       string `json:"id"`
	LA       string `json:"la,omitempty"`
	District string `json:"district,omitempty"`
	// PersonBirthDate (module 1) is the case's child.date_of_birth fact.
	// Names, sex, ethnicity, postcode, UPN and ULN are not held.
	PersonBirthDate *string `json:"personbirthdate"`
	// Requests (modules 2 and 3): received in the year, or still open or
	// decided in it.
	Requests []Request `json:"requests"`
	// Plans (modules 4a and 5a): plans maintained at some time in the year.
	Plans []PlanYear `json:"plans"`
	// OtherMediation and OtherTribunal: mediation or an appeal in the year
	// about any decision after the plan was issued (SEN2 module 3).
	OtherMediation bool `json:"othermediation"`
	OtherTribunal  bool `json:"othertribunal"`
}

// PlanYear is one plan's SEN2 named plan (4a) and active plan (5a) records.
type PlanYear struct {
	NamedPlan  NamedPlan  `json:"namedplan"`
	ActivePlan ActivePlan `json:"activeplan"`
}

// NamedPlan is SEN2 module 4a. Residential, work-based learning and
// personal budget take-up are not held, so they are always blank.
type NamedPlan struct {
	StartDate   *string `json:"startdate"`
	PlanRes     *bool   `json:"planres"`
	PlanWBP     *bool   `json:"planwbp"`
	PB          *bool   `json:"pb"`
	OA          *bool   `json:"oa"`
	DP          *bool   `json:"dp"`
	CeaseDate   *string `json:"ceasedate"`
	CeaseReason *int    `json:"ceasereason"`
}

// ActivePlan is SEN2 module 5a for the year.
type ActivePlan struct {
	TransferLA             *string `json:"transferla"`
	ReviewMeeting          *string `json:"reviewmeeting"`
	ReviewOutcome          *string `json:"reviewoutcome"`
	ReviewDraft            *string `json:"reviewdraft"`
	PhaseTransferDueDate   *string `json:"phasetransferduedate"`
	PhaseTransferFinalDate *string `json:"phasetransferfinaldate"`
	LastReview             *string `json:"lastreview"`
}

// Period is an inclusive range of dates, YYYY-MM-DD.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Year is the SEN2 reporting year: the calendar year, 1 January to 31
// December (the return's activity covers the calendar year; its caseload is
// counted at the January census after it).
func Year(y int) Period {
	return Period{From: fmt.Sprintf("%04d-01-01", y), To: fmt.Sprintf("%04d-12-31", y)}
}

// Has reports whether date d lies in the period.
func (p Period) Has(d string) bool { return d != "" && d >= p.From && d <= p.To }

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// finalDate is when the request's process ended ("" while open).
func (r Request) finalDate() string {
	if r.Assessment != nil {
		if r.Assessment.AssessmentOutcomeDate == nil {
			return ""
		}
		return *r.Assessment.AssessmentOutcomeDate
	}
	if r.RequestOutcomeDate == nil {
		return ""
	}
	return *r.RequestOutcomeDate
}

// maintainedIn reports whether the plan was maintained on some day of p.
func (pl Plan) maintainedIn(p Period) bool {
	return pl.BeganOn <= p.To && (pl.EndDate == "" || pl.EndDate >= p.From)
}

// Person renders the case for reporting year p.
func (d Derived) Person(p Period) Person {
	out := Person{ID: d.ID, LA: d.LA, District: d.District, PersonBirthDate: opt(d.BirthDate),
		Requests: []Request{}, Plans: []PlanYear{}}
	for _, r := range d.Requests {
		if end := r.finalDate(); r.ReceivedDate <= p.To && (end == "" || end >= p.From) {
			out.Requests = append(out.Requests, r)
		}
	}
	for _, pl := range d.Plans {
		if !pl.maintainedIn(p) {
			continue
		}
		py := PlanYear{NamedPlan: NamedPlan{StartDate: opt(pl.StartDate)}}
		if pl.EndDate != "" && pl.EndDate <= p.To {
			py.NamedPlan.CeaseDate = opt(pl.EndDate)
			if pl.CeaseReason != 0 {
				py.NamedPlan.CeaseReason = ptr(pl.CeaseReason)
			}
		}
		ap := &py.ActivePlan
		if p.Has(pl.BeganOn) {
			ap.TransferLA = opt(pl.TransferLA) // transferred in during the year (SPEC.md 5, module 5a)
		}
		for _, rv := range pl.Reviews {
			if p.Has(rv.MeetingDate) {
				ap.ReviewMeeting, ap.ReviewOutcome = opt(rv.MeetingDate), nil
				if rv.DecisionDate != "" && rv.DecisionDate <= p.To {
					ap.ReviewOutcome = opt(rv.Decision)
				}
			}
			if p.Has(rv.DecisionDate) {
				ap.LastReview = opt(rv.DecisionDate)
			}
		}
		for _, pt := range pl.PhaseTransfers {
			if p.Has(pt.DueDate) {
				ap.PhaseTransferDueDate, ap.PhaseTransferFinalDate = opt(pt.DueDate), nil
				if pt.FinalDate != "" && pt.FinalDate <= p.To {
					ap.PhaseTransferFinalDate = opt(pt.FinalDate)
				}
			}
		}
		out.Plans = append(out.Plans, py)
	}
	for _, ds := range d.Disputes {
		if ds.Subject == SubjectOther && p.Has(ds.Date) {
			if ds.Kind == "mediation" {
				out.OtherMediation = true
			} else {
				out.OtherTribunal = true
			}
		}
	}
	return out
}

// Timeliness is the DfE 20-week measure over plans issued in a period.
// Field names are the DfE's published variables (EES sen2_mi.csv).
type Timeliness struct {
	Period Period `json:"period"`
	// PlansIssued counts every plan issued in the period (new_all_ehc).
	PlansIssued int `json:"plans_issued"`
	// ExcludedDisputed counts plans issued in the period after mediation or
	// a Tribunal appeal on the request or assessment: the DfE leaves them
	// out of the measure.
	ExcludedDisputed int `json:"excluded_mediation_or_tribunal"`
	// IncExc counts the plans in the measure, exception cases included;
	// IncExcWithin those issued within 20 weeks.
	IncExc       int      `json:"tot_inc_exc_ehc"`
	IncExcWithin int      `json:"inc_exc_20week_ehc"`
	IncExcRate   *float64 `json:"inc_exc_20week_rate"`
	// NoExc and NoExcWithin are the same without the exception (week20) cases.
	NoExc       int      `json:"tot_no_exc_ehc"`
	NoExcWithin int      `json:"no_exc_20week_ehc"`
	NoExcRate   *float64 `json:"no_exc_20week_rate"`
}

// add counts the plans d's requests issued in t.Period.
func (t *Timeliness) add(d *Derived) {
	for _, r := range d.Requests {
		at, ok := r.PlanIssued()
		if !ok || !t.Period.Has(at) {
			continue
		}
		t.PlansIssued++
		if r.Disputed() {
			t.ExcludedDisputed++
			continue
		}
		in := r.Within20Weeks()
		t.IncExc++
		if in {
			t.IncExcWithin++
		}
		if !r.Assessment.Week20 {
			t.NoExc++
			if in {
				t.NoExcWithin++
			}
		}
	}
}

// rate is n/d as a percentage to one decimal place (nil when d is 0).
func rate(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := math.Round(float64(n)*1000/float64(d)) / 10
	return &r
}

func (t *Timeliness) finish() {
	t.IncExcRate, t.NoExcRate = rate(t.IncExcWithin, t.IncExc), rate(t.NoExcWithin, t.NoExc)
}

// Totals are the SEN2 figures for one reporting year.
type Totals struct {
	Year   int    `json:"year"`
	Period Period `json:"period"`
	// Persons counts the cases the history shows any SEN2 activity for in
	// the year (a request live in it, or a plan maintained in it).
	Persons int `json:"persons"`
	// Requests (module 2), by the date the request was received or decided.
	RequestsReceived  int            `json:"requests_received"`
	RequestsBySource  map[string]int `json:"requests_by_source"`
	DecisionsToAssess int            `json:"decisions_to_assess"`
	// AssessmentsRefused counts decisions not to assess (ass_refused_ehc).
	AssessmentsRefused int `json:"assessments_refused"`
	RequestsWithdrawn  int `json:"requests_withdrawn"`
	// RequestsOngoing counts requests received by 31 December with no
	// decision by then.
	RequestsOngoing int `json:"requests_ongoing_at_year_end"`
	// Assessments (module 3), by outcome date.
	PlansIssued          int `json:"plans_issued"`
	AssessmentsNotIssued int `json:"assessments_not_issued"`
	AssessmentsWithdrawn int `json:"assessments_withdrawn"`
	ExceptionCases       int `json:"plans_issued_with_week20_exception"`
	// Timeliness is the 20-week measure over plans issued in the year.
	Timeliness Timeliness `json:"timeliness"`
	// Mediation and appeals in the year by what they were about.
	RequestMediation    int `json:"request_mediation"`
	RequestTribunal     int `json:"request_tribunal"`
	AssessmentMediation int `json:"assessment_mediation"`
	AssessmentTribunal  int `json:"assessment_tribunal"`
	OtherMediation      int `json:"other_mediation"`
	OtherTribunal       int `json:"other_tribunal"`
	// Plans (modules 4a, 5a).
	PlansTransferredIn int `json:"plans_transferred_in"`
	// ReviewsHeld counts review meetings held in the year (annual, early and
	// phase-transfer reviews alike); ReviewOutcomes the LA's decisions after
	// a review made in the year.
	ReviewsHeld    int            `json:"annual_reviews_held"`
	ReviewOutcomes map[string]int `json:"review_outcomes"`
	PlansCeased    int            `json:"plans_ceased"`
	// CeasedByReason keys are the SEN2 reason codes "1".."9" ("unknown" if
	// the history holds no reason).
	CeasedByReason       map[string]int `json:"ceased_by_reason"`
	PlansMaintainedAtEnd int            `json:"plans_maintained_at_year_end"`
	// Census is the stock of plans on the census (reference) date of the
	// collection after the year: the plans maintained that day, by the
	// person's age on it.
	Census CensusStock `json:"census"`
}

// CensusStock is the plans maintained on the census date, by age band.
type CensusStock struct {
	ReferenceDate string `json:"reference_date"`
	Plans         int    `json:"plans"`
	// ByAge keys are AgeBands: under_5, 5_to_10, 11_to_15, 16_to_19,
	// 20_to_25, over_25 and unknown (no date of birth); every key is
	// present.
	ByAge map[string]int `json:"by_age"`
}

// AgeBands are the census stock's age bands (age in whole years on the
// census date), in order.
var AgeBands = []string{"under_5", "5_to_10", "11_to_15", "16_to_19", "20_to_25", "over_25", "unknown"}

// ageBand is the band of a person born on dob, on day.
func ageBand(dob, day string) string {
	b, err1 := calendar.ParseDate(dob)
	d, err2 := calendar.ParseDate(day)
	if err1 != nil || err2 != nil || d.Before(b) {
		return "unknown"
	}
	switch age := calendar.AgeOn(b, d); {
	case age < 5:
		return "under_5"
	case age <= 10:
		return "5_to_10"
	case age <= 15:
		return "11_to_15"
	case age <= 19:
		return "16_to_19"
	case age <= 25:
		return "20_to_25"
	}
	return "over_25"
}

// addCensus counts the case's plan maintained on the census date.
func (t *Totals) addCensus(d *Derived) {
	day := t.Census.ReferenceDate
	for _, pl := range d.Plans {
		if pl.BeganOn <= day && (pl.EndDate == "" || pl.EndDate > day) {
			t.Census.Plans++
			t.Census.ByAge[ageBand(d.BirthDate, day)]++
			return // one plan a person at a time
		}
	}
}

// CeaseReasons names the SEN2 cease reason codes (SPEC.md §5, 2025 item 4.6).
var CeaseReasons = map[string]string{
	"1": "max_age", "2": "needs_met", "3": "higher_education", "4": "employed", "5": "transfer_out",
	"6": "no_engagement", "7": "left_england", "8": "deceased", "9": "other", "unknown": "unknown",
}

func newTotals(y int, census string) Totals {
	p := Year(y)
	if census == "" {
		census = CensusDate(y + 1)
	}
	t := Totals{Year: y, Period: p, RequestsBySource: map[string]int{}, ReviewOutcomes: map[string]int{},
		CeasedByReason: map[string]int{}, Timeliness: Timeliness{Period: p},
		Census: CensusStock{ReferenceDate: census, ByAge: map[string]int{}}}
	for _, b := range AgeBands {
		t.Census.ByAge[b] = 0
	}
	return t
}

// add counts one case's history into the year's totals.
func (t *Totals) add(d *Derived) {
	active := false
	for _, r := range d.Requests {
		if t.addRequest(r) {
			active = true
		}
	}
	t.Timeliness.add(d)
	t.addCensus(d)
	for _, ds := range d.Disputes {
		t.addDispute(ds)
	}
	for _, pl := range d.Plans {
		if t.addPlan(pl) {
			active = true
		}
	}
	if active {
		t.Persons++
	}
}

// addRequest counts a request (module 2) and its assessment (module 3); it
// reports whether the request was live in the year.
func (t *Totals) addRequest(r Request) (active bool) {
	p := t.Period
	if end := r.finalDate(); r.ReceivedDate <= p.To && (end == "" || end >= p.From) {
		active = true
	}
	if p.Has(r.ReceivedDate) {
		t.RequestsReceived++
		t.RequestsBySource[r.RequestSource]++
	}
	if r.RequestOutcomeDate != nil && p.Has(*r.RequestOutcomeDate) {
		switch *r.RequestOutcome {
		case RequestAssess:
			t.DecisionsToAssess++
		case RequestRefused:
			t.AssessmentsRefused++
		case RequestWithdrawn:
			t.RequestsWithdrawn++
		}
	}
	if r.ReceivedDate <= p.To && (r.RequestOutcomeDate == nil || *r.RequestOutcomeDate > p.To) {
		t.RequestsOngoing++
	}
	if a := r.Assessment; a != nil {
		t.addAssessment(a)
	}
	return active
}

// addAssessment counts an assessment's outcome in the year, and a plan made
// later under a Tribunal order.
func (t *Totals) addAssessment(a *Assessment) {
	p := t.Period
	if a.orderedPlan != "" && p.Has(a.orderedPlan) {
		t.PlansIssued++ // a plan made under a Tribunal order; the outcome stays not_issued
		if a.Week20 {
			t.ExceptionCases++
		}
	}
	if a.AssessmentOutcomeDate == nil || !p.Has(*a.AssessmentOutcomeDate) {
		return
	}
	switch *a.AssessmentOutcome {
	case AssessmentIssued:
		t.PlansIssued++
		if a.Week20 {
			t.ExceptionCases++
		}
	case AssessmentNotIssued:
		t.AssessmentsNotIssued++
	case AssessmentWithdrawn:
		t.AssessmentsWithdrawn++
	}
}

// addDispute counts a mediation or appeal in the year by what it was about.
func (t *Totals) addDispute(ds Dispute) {
	if !t.Period.Has(ds.Date) {
		return
	}
	m := ds.Kind == "mediation"
	switch {
	case ds.Subject == SubjectRequest && m:
		t.RequestMediation++
	case ds.Subject == SubjectRequest:
		t.RequestTribunal++
	case ds.Subject == SubjectAssessment && m:
		t.AssessmentMediation++
	case ds.Subject == SubjectAssessment:
		t.AssessmentTribunal++
	case m:
		t.OtherMediation++
	default:
		t.OtherTribunal++
	}
}

// addPlan counts a plan's transfer in, reviews, ceasing and whether it is
// maintained at the year's end (modules 4a, 5a); it reports whether the
// plan was maintained in the year.
func (t *Totals) addPlan(pl Plan) (active bool) {
	p := t.Period
	active = pl.maintainedIn(p)
	if pl.TransferLA != "" && p.Has(pl.BeganOn) {
		t.PlansTransferredIn++
	}
	for _, rv := range pl.Reviews {
		if p.Has(rv.MeetingDate) {
			t.ReviewsHeld++
		}
		if p.Has(rv.DecisionDate) && rv.Decision != "" {
			t.ReviewOutcomes[rv.Decision]++
		}
	}
	if p.Has(pl.EndDate) {
		t.PlansCeased++
		k := "unknown"
		if pl.CeaseReason != 0 {
			k = fmt.Sprint(pl.CeaseReason)
		}
		t.CeasedByReason[k]++
	}
	if pl.BeganOn <= p.To && (pl.EndDate == "" || pl.EndDate > p.To) {
		t.PlansMaintainedAtEnd++
	}
	return active
}

// DistrictRow is the 20-week measure for one district over a period.
type DistrictRow struct {
	District string `json:"district"`
	Timeliness
}

// MaxDistricts bounds the district table: further districts are counted
// under OtherDistricts so hostile input cannot grow memory.
const MaxDistricts = 1000

// OtherDistricts is the row that collects districts beyond MaxDistricts.
const OtherDistricts = "(other districts)"

// NoDistrict is the row for cases with no district fact.
const NoDistrict = "(no district)"

type districts struct {
	period Period
	rows   map[string]*Timeliness
}

func (ds *districts) add(d *Derived) {
	name := d.District
	if name == "" {
		name = NoDistrict
	}
	t := ds.rows[name]
	if t == nil {
		if len(ds.rows) >= MaxDistricts {
			name = OtherDistricts
			t = ds.rows[name]
		}
		if t == nil {
			t = &Timeliness{Period: ds.period}
			ds.rows[name] = t
		}
	}
	t.add(d)
}

func (ds *districts) table() []DistrictRow {
	out := make([]DistrictRow, 0, len(ds.rows))
	for name, t := range ds.rows {
		t.finish()
		out = append(out, DistrictRow{District: name, Timeliness: *t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].District < out[j].District })
	return out
}
