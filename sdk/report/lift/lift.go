// Package lift derives the Local Inclusion Forum Team (LIFT) review figures
// from sendflow case histories: meetings held and cases discussed, who
// attended, which professionals were allocated, the recommendations made,
// training offered and taken up, first contact within the local five working
// days, what became of the referrals (returned, exhausted, then on to high
// needs funding or an EHC request), progress at the next SEN support review,
// and the children with high needs funding LIFT supported; per district, per
// school term and for a chosen period, with the spread between districts.
//
// Every figure is read from the events the engine recorded, counted at the
// date of the event it is read from (docs/lift.md). Histories without the
// LIFT payload fields (older cases) still count: a missing field is simply
// not counted. Run streams: one case at a time, on every core, holding only
// totals and the meetings seen.
package lift

import (
	"fmt"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// MaxLineBytes is the default largest JSON line (one case) Run accepts.
const MaxLineBytes = 32 << 20

// MaxFailuresListed bounds how many failed lines a report names; all are
// counted.
const MaxFailuresListed = 100

// MaxMeetings bounds the distinct meetings one run keeps (to count each
// meeting's attendance once); a caseload naming more stops with
// limit_exceeded. It is far above any authority's meetings in a decade.
const MaxMeetings = 1_000_000

// Period is the range of dates counted; an empty bound is open.
type Period struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// has reports whether the date d (YYYY-MM-DD) is in the period.
func (p Period) has(d string) bool {
	return (p.From == "" || d >= p.From) && (p.To == "" || d <= p.To)
}

// Options configure Run.
type Options struct {
	// Period limits the figures to events dated in it (both ends
	// included); empty bounds are open.
	Period Period
	// AsOf is the date an allocation not yet followed by first contact is
	// judged at: missed once its due date has passed. Empty means
	// Period.To; with neither, such allocations are counted as awaiting.
	AsOf string
	// Engine verifies every history before it is counted and gives the
	// policy's first-contact working days and bank holidays; nil means
	// the default policy.
	Engine *sdk.Engine
	// NoVerify counts histories without verifying them (the report says
	// so); only the fields the report reads are then decoded.
	NoVerify bool
	// MaxLineBytes overrides MaxLineBytes when positive.
	MaxLineBytes int
	// Workers is how many cases are read at once; 0 means GOMAXPROCS. The
	// report is the same whatever the number.
	Workers int
}

// Failure is one input line that was not counted.
type Failure struct {
	Line int    `json:"line"`
	ID   string `json:"id,omitempty"`
	// Code is "invalid_case" (not a case), "history_mismatch" (failed
	// verification) or "duplicate" (the case id was counted on an earlier
	// line: a case is counted once, from its first line).
	Code   string `json:"code"`
	Event  int    `json:"event,omitempty"`
	Reason string `json:"reason"`
}

// Report is the result of a run.
type Report struct {
	Verified bool   `json:"verified"`
	PolicyID string `json:"policy_id,omitempty"`
	Period   Period `json:"period"`
	AsOf     string `json:"as_of,omitempty"`
	// ContactWorkingDays is the first-contact expectation applied (the
	// policy's lift_initial_contact_working_days).
	ContactWorkingDays int `json:"contact_working_days"`
	// Lines is how many non-blank lines were read; Counted how many cases
	// were counted; Failed how many were not (Failures names up to
	// MaxFailuresListed).
	Lines    int       `json:"lines"`
	Counted  int       `json:"counted"`
	Failed   int       `json:"failed"`
	Failures []Failure `json:"failures"`
	// Totals are the figures over every district and term in the period.
	Totals Figures `json:"totals"`
	// Terms are the figures per term over every district, in date order.
	Terms []TermFigures `json:"terms"`
	// Districts are the figures per district, each with its terms.
	Districts []DistrictFigures `json:"districts"`
	// Consistency is the spread between districts of the share of
	// allocations going to each profession and of each recommendation.
	Consistency Consistency `json:"consistency"`
	// Warnings say what a reader must know, e.g. that the input was empty.
	Warnings []string `json:"warnings,omitempty"`
}

// TermFigures are the figures of one term.
type TermFigures struct {
	Term
	Figures
}

// DistrictFigures are one district's figures, in all and per term.
type DistrictFigures struct {
	District string `json:"district"`
	Figures
	Terms []TermFigures `json:"terms"`
}

// Figures are the LIFT figures of one district and term (or a sum of them).
type Figures struct {
	// Meetings is the number of distinct LIFT meetings held (by
	// meeting_id, else by district and date); CasesDiscussed the cases
	// discussed at them (one per lift.meeting_held); ChildrenDiscussed the
	// distinct children among them; Referrals the referrals started.
	Meetings          int `json:"meetings"`
	CasesDiscussed    int `json:"cases_discussed"`
	ChildrenDiscussed int `json:"children_discussed"`
	Referrals         int `json:"referrals"`
	// Attendance is, per profession, the number of meetings it attended
	// (each meeting once, whatever the number of cases discussed).
	Attendance map[string]int `json:"attendance"`
	// MeetingsWithAttendance is the meetings whose attendees were recorded.
	MeetingsWithAttendance int `json:"meetings_with_attendance"`
	// Allocations counts lift.professional_allocated by profession, and
	// AllocationsByService by the service named.
	Allocations          map[string]int `json:"allocations"`
	AllocationsByService map[string]int `json:"allocations_by_service"`
	// Recommendations counts each recommendation made at a meeting or
	// adapted on a return; RecommendationsByNeed splits them by the area of
	// need the meeting recorded ("unspecified" when none).
	Recommendations       map[string]int            `json:"recommendations"`
	RecommendationsByNeed map[string]map[string]int `json:"recommendations_by_need"`
	// TrainingOffered counts training named at meetings; TrainingAccessed
	// the training schools recorded taking up.
	TrainingOffered  map[string]int `json:"training_offered"`
	TrainingAccessed map[string]int `json:"training_accessed"`
	FirstContact     FirstContact   `json:"first_contact"`
	Outcomes         Outcomes       `json:"outcomes"`
	Progress         Progress       `json:"progress"`
	// HNFChildrenSupported is the distinct children with approved high
	// needs funding who had LIFT activity (a lift firing while hnf was
	// approved).
	HNFChildrenSupported int `json:"hnf_children_supported"`
}

// FirstContact is how allocations met the first-contact expectation,
// counted at the allocation's date.
type FirstContact struct {
	Allocations int `json:"allocations"`
	// Met: first contact on or before the due working day. Missed: after
	// it, or none by AsOf with the due day passed. Awaiting: none yet, not
	// yet due (or no AsOf). Cancelled: the referral closed, or the same
	// profession was allocated again, before any contact.
	Met       int      `json:"met"`
	Missed    int      `json:"missed"`
	Awaiting  int      `json:"awaiting"`
	Cancelled int      `json:"cancelled"`
	MetRate   *float64 `json:"met_rate"`
	// MedianWorkingDays is the median working days from allocation to
	// first contact, over allocations with a contact.
	MedianWorkingDays *float64 `json:"median_working_days"`
}

// Outcomes are what became of referrals.
type Outcomes struct {
	// Returned counts lift.return_requested; Exhausted lift.exhausted;
	// Closed lift.closed.
	Returned  int `json:"returned"`
	Exhausted int `json:"exhausted"`
	Closed    int `json:"closed"`
	// ExhaustedThenHNF and ExhaustedThenEHC count those exhaustions that
	// were followed by a high needs funding application, or by an EHC
	// needs assessment request, counted at the exhaustion's date.
	ExhaustedThenHNF int `json:"exhausted_then_hnf"`
	ExhaustedThenEHC int `json:"exhausted_then_ehc"`
}

// Progress is the progress recorded at the first SEN support review after
// a LIFT meeting (counted at the review's date).
type Progress struct {
	Reviews          int      `json:"reviews"`
	Expected         int      `json:"expected"`
	LessThanExpected int      `json:"less_than_expected"`
	ExpectedRate     *float64 `json:"expected_rate"`
}

// Consistency is the spread between districts.
type Consistency struct {
	Allocations     []Spread `json:"allocations"`
	Recommendations []Spread `json:"recommendations"`
}

// Spread is, for one kind (a profession, or a recommendation), its share of
// each district's total in percent, and the lowest and highest district.
type Spread struct {
	Kind        string             `json:"kind"`
	Shares      map[string]float64 `json:"shares"`
	Min         float64            `json:"min"`
	MinDistrict string             `json:"min_district"`
	Max         float64            `json:"max"`
	MaxDistrict string             `json:"max_district"`
	// Range is Max - Min in percentage points: 0 is perfectly consistent.
	Range float64 `json:"range"`
}

// checkOptions validates the dates of opt.
func checkOptions(opt Options) error {
	for _, f := range []struct{ v, name string }{{opt.Period.From, "from"}, {opt.Period.To, "to"}, {opt.AsOf, "as_of"}} {
		if f.v == "" {
			continue
		}
		if _, err := calendar.ParseDate(f.v); err != nil {
			return &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("%s %q is not a date (YYYY-MM-DD)", f.name, textclip.Clip(f.v, 40)), Pointer: "/" + f.name}
		}
	}
	if opt.Period.From != "" && opt.Period.To != "" && opt.Period.From > opt.Period.To {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("the period starts (%s) after it ends (%s)", opt.Period.From, opt.Period.To), Pointer: "/period"}
	}
	return nil
}
