package lift

import (
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// The triggers the report reads: public names of the lifecycle contract.
const (
	trigReferral     = "lift.referral_started"
	trigMeeting      = "lift.meeting_held"
	trigAllocated    = "lift.professional_allocated"
	trigContact      = "lift.initial_contact_made"
	trigReturn       = "lift.return_requested"
	trigAdapted      = "lift.recommendations_adapted"
	trigTraining     = "lift.training_accessed"
	trigExhausted    = "lift.exhausted"
	trigClosed       = "lift.closed"
	trigReview       = "support.review_held"
	trigHNFApplied   = "hnf.applied"
	trigEHCRequested = "ehc.requested"
	trigEHCAttention = "ehc.brought_to_attention"
)

// reads reports whether the report reads anything from trigger t's data.
func reads(t string) bool {
	switch t {
	case trigMeeting, trigAllocated, trigContact, trigAdapted, trigTraining, trigReview:
		return true
	}
	return false
}

// Measures: the names under which a case's observations are added up.
const (
	mCases       = "cases_discussed"
	mChildren    = "children_discussed" // distinct per case
	mReferrals   = "referrals"
	mAlloc       = "allocations"
	mService     = "allocations_by_service"
	mRec         = "recommendations"
	mRecNeed     = "recommendations_by_need" // key need + "\x00" + recommendation
	mOffered     = "training_offered"
	mAccessed    = "training_accessed"
	mContact     = "first_contact" // key met, missed, awaiting, cancelled
	mReturned    = "returned"
	mExhausted   = "exhausted"
	mClosed      = "closed"
	mThenHNF     = "exhausted_then_hnf"
	mThenEHC     = "exhausted_then_ehc"
	mProgress    = "progress"
	mHNFChildren = "hnf_children_supported" // distinct per case
)

// unspecified names a profession or an area of need a history left out.
const unspecified = "unspecified"

// event is what the report reads from one history event.
type event struct {
	date      calendar.Date
	trigger   string
	district  string // the case's district after the event's facts
	hnfBefore string
	data      liftData
}

// liftData is the payload fields the report reads.
type liftData struct {
	outcomes, needAreas, attendees, training []string
	meetingID, professional, service         string
	progress                                 string
}

// liftDataOf reads the fields from a payload; a field of another type is
// left out (it was not validated by a verified history's policy).
func liftDataOf(m map[string]any) liftData {
	return liftData{
		outcomes: strs(m["outcomes"]), needAreas: strs(m["need_areas"]), attendees: strs(m["attendees"]),
		training: strs(m["training"]), meetingID: str(m["meeting_id"]), professional: str(m["professional"]),
		service: str(m["service"]), progress: str(m["progress"]),
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// obs is one observation of a case: n more of measure (under key) in
// district, on date.
type obs struct {
	date     string
	district string
	measure  string
	key      string
	n        int
	// wd is the working days to first contact (met and missed contacts).
	wd int
}

// meetingRef is a case discussed at a meeting, with who attended.
type meetingRef struct {
	district, key, date string
	attendees           []string
}

// derived is everything one case adds to the report.
type derived struct {
	id       string
	obs      []obs
	meetings []meetingRef
}

// allocation is an allocation waiting for first contact.
type allocation struct {
	date     calendar.Date
	district string
}

// exhaustion is a lift.exhausted waiting to be followed by HNF or EHC.
type exhaustion struct {
	date, district string
	hnf, ehc       bool
}

// deriver walks one case's events.
type deriver struct {
	cfg       *config
	d         derived
	needs     []string
	sinceLIFT bool
	open      map[string]allocation
	latest    string
	exhausted []exhaustion
}

// config is what every case's derivation shares.
type config struct {
	period      Period
	asOf        calendar.Date // zero: no as-of
	contactDays int
	holidays    *calendar.Holidays
}

// derive reads one case's events into observations.
func derive(cfg *config, id string, events []event) derived {
	w := &deriver{cfg: cfg, d: derived{id: id}}
	for i := range events {
		w.event(&events[i])
	}
	w.finish()
	return w.d
}

// add records an observation dated day, if the day is in the period.
func (w *deriver) add(day, district, measure, key string, n, wd int) {
	if day == "" || !w.cfg.period.has(day) {
		return
	}
	w.d.obs = append(w.d.obs, obs{date: day, district: district, measure: measure, key: key, n: n, wd: wd})
}

func (w *deriver) event(e *event) {
	day := e.date.String()
	if len(e.trigger) > 5 && e.trigger[:5] == "lift." && e.hnfBefore == "approved" {
		w.add(day, e.district, mHNFChildren, "", 1, 0)
	}
	switch e.trigger {
	case trigReferral:
		w.add(day, e.district, mReferrals, "", 1, 0)
	case trigMeeting:
		w.meeting(e, day)
	case trigAdapted:
		w.recommend(e, day)
		w.sinceLIFT = true
	case trigAllocated:
		w.allocated(e, day)
	case trigContact:
		w.contact(e, day)
	case trigReturn:
		w.add(day, e.district, mReturned, "", 1, 0)
	case trigTraining:
		for _, t := range e.data.training {
			w.add(day, e.district, mAccessed, t, 1, 0)
		}
	case trigExhausted:
		w.add(day, e.district, mExhausted, "", 1, 0)
		w.exhausted = append(w.exhausted, exhaustion{date: day, district: e.district})
	case trigClosed:
		w.add(day, e.district, mClosed, "", 1, 0)
		w.cancelAll()
	case trigReview:
		if w.sinceLIFT && (e.data.progress == "expected" || e.data.progress == "less_than_expected") {
			w.add(day, e.district, mProgress, e.data.progress, 1, 0)
			w.sinceLIFT = false
		}
	case trigHNFApplied, trigEHCRequested, trigEHCAttention:
		w.onwards(e.trigger == trigHNFApplied)
	}
}

// meeting counts a case discussed at a meeting: its recommendations,
// training offered, and the meeting (for attendance).
func (w *deriver) meeting(e *event, day string) {
	w.add(day, e.district, mCases, "", 1, 0)
	w.add(day, e.district, mChildren, "", 1, 0)
	w.needs = e.data.needAreas
	w.recommend(e, day)
	for _, t := range e.data.training {
		w.add(day, e.district, mOffered, t, 1, 0)
	}
	w.sinceLIFT = true
	if day == "" || !w.cfg.period.has(day) {
		return
	}
	key := e.data.meetingID
	if key == "" {
		key = "date:" + day
	} else {
		key = "id:" + key
	}
	w.d.meetings = append(w.d.meetings, meetingRef{district: e.district, key: key, date: day, attendees: e.data.attendees})
}

// recommend counts a meeting's (or an adaptation's) recommendations, by
// the area of need last recorded at a meeting.
func (w *deriver) recommend(e *event, day string) {
	for _, o := range e.data.outcomes {
		w.add(day, e.district, mRec, o, 1, 0)
		if len(w.needs) == 0 {
			w.add(day, e.district, mRecNeed, unspecified+"\x00"+o, 1, 0)
		}
		for _, n := range w.needs {
			w.add(day, e.district, mRecNeed, n+"\x00"+o, 1, 0)
		}
	}
}

// allocated counts an allocation and starts waiting for its first contact
// (a second allocation of the same profession cancels the first's wait).
func (w *deriver) allocated(e *event, day string) {
	// A history recorded before the profession was required (lifecycle
	// v1) allocates an unnamed one: counted as unspecified, waited for
	// under "".
	p := e.data.professional
	kind := p
	if kind == "" {
		kind = unspecified
	}
	w.add(day, e.district, mAlloc, kind, 1, 0)
	if e.data.service != "" {
		w.add(day, e.district, mService, e.data.service, 1, 0)
	}
	if w.open == nil {
		w.open = map[string]allocation{}
	}
	if a, ok := w.open[p]; ok {
		w.add(a.date.String(), a.district, mContact, "cancelled", 1, -1)
	}
	w.open[p] = allocation{date: e.date, district: e.district}
	w.latest = p
}

// contact resolves the allocation first contact is made for: met when on
// or before the due working day, else missed.
func (w *deriver) contact(e *event, day string) {
	p := e.data.professional
	if p == "" {
		p = w.latest
	}
	a, ok := w.open[p]
	if !ok || e.date.Before(a.date) {
		return
	}
	delete(w.open, p)
	due := w.cfg.holidays.AddWorkingDays(a.date, w.cfg.contactDays)
	key := "met"
	if e.date.After(due) {
		key = "missed"
	}
	w.add(a.date.String(), a.district, mContact, key, 1, w.cfg.holidays.WorkingDaysBetween(a.date, e.date))
}

// cancelAll ends every wait for first contact (the referral closed).
func (w *deriver) cancelAll() {
	for p, a := range w.open {
		w.add(a.date.String(), a.district, mContact, "cancelled", 1, -1)
		delete(w.open, p)
	}
}

// onwards marks the exhaustions before an HNF application (hnf) or an EHC
// request as followed by it, each once.
func (w *deriver) onwards(hnf bool) {
	for i := range w.exhausted {
		x := &w.exhausted[i]
		switch {
		case hnf && !x.hnf:
			x.hnf = true
			w.add(x.date, x.district, mThenHNF, "", 1, 0)
		case !hnf && !x.ehc:
			x.ehc = true
			w.add(x.date, x.district, mThenEHC, "", 1, 0)
		}
	}
}

// finish judges the allocations still waiting for first contact at the
// as-of date, in a fixed order.
func (w *deriver) finish() {
	for _, p := range sortedKeys(w.open) {
		a := w.open[p]
		key := "awaiting"
		if !w.cfg.asOf.IsZero() && w.cfg.asOf.After(w.cfg.holidays.AddWorkingDays(a.date, w.cfg.contactDays)) {
			key = "missed"
		}
		w.add(a.date.String(), a.district, mContact, key, 1, -1)
	}
}
