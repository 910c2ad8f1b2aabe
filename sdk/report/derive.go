// Package report derives the DfE SEN2 return and the 20-week timeliness
// measure from sendflow case histories.
//
// Every figure is read from the hash-chained history of a case (the events
// the engine recorded), never from what a host says about the case, and
// every field the history cannot tell is left blank (null in JSON, empty in
// CSV) rather than guessed. Field names follow the DfE SEN2 person-level
// specification. docs/sen2.md explains every
// figure, its source events and what is not derivable.
//
// Reports stream: Run reads cases one JSON line at a time, verifies each
// history with the engine, folds it into the aggregates and drops it, so
// memory does not grow with the caseload.
package report

import (
	"encoding/json"
	"math"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Request sources (SEN2 module 2 requestsource). The DfE code letters are
// not confirmed (SPEC.md §8 A20), so these are the plain names.
const (
	SourceParent      = "parent"
	SourceYoungPerson = "young_person"
	SourceSchool      = "school"
	SourceOther       = "other"
)

// Request outcomes (SEN2 requestoutcome).
const (
	RequestAssess    = "assess"    // decision to assess (inreq_ehc_y)
	RequestRefused   = "refused"   // decision not to assess (ass_refused_ehc)
	RequestWithdrawn = "withdrawn" // withdrawn before a decision (inreq_ehc_w)
)

// Assessment outcomes (SEN2 assessmentoutcome).
const (
	AssessmentIssued    = "issued"     // EHC plan issued (new_all_ehc)
	AssessmentNotIssued = "not_issued" // decision not to issue (ass_none_ehc)
	AssessmentWithdrawn = "withdrawn"  // withdrawn during assessment (assessment_w)
)

// Dispute subjects: what an appealable decision was about.
const (
	SubjectRequest    = "request"    // a refusal to assess
	SubjectAssessment = "assessment" // a decision not to issue, or the contents of the plan issued
	SubjectOther      = "other"      // any later decision (review, amendment, reassessment, cease)
)

// TwentyWeeks is the R13(2) time limit in days: the final plan is due 20
// weeks after the request was received (the start day is not counted).
const TwentyWeeks = 20 * 7

// Request is one EHC needs assessment request (SEN2 module 2) with the
// assessment that followed it (module 3), if any.
type Request struct {
	// Seq is the history event that made the request (not an SEN2 field).
	Seq int `json:"seq"`
	// ReceivedDate is the date of ehc.requested or ehc.brought_to_attention.
	ReceivedDate string `json:"receiveddate"`
	// RequestSource is the requester's role: parent, young_person, school,
	// or other (a child brought to the LA's attention by anyone else).
	RequestSource string `json:"requestsource"`
	// RYA (request whilst in relevant youth accommodation) is not held.
	RYA *bool `json:"rya"`
	// RequestOutcomeDate and RequestOutcome: the decision to assess or not,
	// or a withdrawal before a decision. Blank while no decision is made.
	RequestOutcomeDate *string `json:"requestoutcomedate"`
	RequestOutcome     *string `json:"requestoutcome"`
	// RequestMediation and RequestTribunal: mediation was requested / an
	// appeal was registered against a refusal to assess this request.
	RequestMediation bool `json:"requestmediation"`
	RequestTribunal  bool `json:"requesttribunal"`
	// Exported (moved out of the LA before assessment completed) is not held.
	Exported *bool `json:"exported"`
	// Assessment is set when the LA decided to assess.
	Assessment *Assessment `json:"assessment"`

	exception string // the R10(4) reason recorded while the request was open
}

// Assessment is one EHC needs assessment (SEN2 module 3).
type Assessment struct {
	// AssessmentOutcome and AssessmentOutcomeDate: plan issued
	// (ehc.plan_finalised), not issued (ehc.decided_not_to_issue) or
	// withdrawn (ehc.withdrawn). Blank while the assessment is ongoing.
	AssessmentOutcome     *string `json:"assessmentoutcome"`
	AssessmentOutcomeDate *string `json:"assessmentoutcomedate"`
	// AssessmentMediation and AssessmentTribunal: mediation was requested /
	// an appeal registered against the decision not to issue or against the
	// contents of the plan issued.
	AssessmentMediation bool `json:"assessmentmediation"`
	AssessmentTribunal  bool `json:"assessmenttribunal"`
	// Week20 is true when an R13(3)/R10(4) exception was recorded
	// (ehc.exception_recorded) while the request was open.
	Week20 bool `json:"week20"`
	// Week20Reason is the exception recorded (not an SEN2 field).
	Week20Reason string `json:"week20reason,omitempty"`
	// ordered is set when a Tribunal order to make a plan is carried out
	// after the LA decided not to issue one; orderedPlan is the date of
	// that plan. The outcome stays the LA's decision.
	ordered     bool
	orderedPlan string
}

// Review is one review meeting and the decision that followed it.
type Review struct {
	MeetingDate  string `json:"meeting_date,omitempty"`
	DecisionDate string `json:"decision_date,omitempty"`
	Decision     string `json:"decision,omitempty"`
}

// PhaseTransfer is one phase transfer set on a plan (R18).
type PhaseTransfer struct {
	SetDate   string `json:"set_date"`
	DueDate   string `json:"due_date"`
	FinalDate string `json:"final_date,omitempty"`
}

// Plan is one EHC plan maintained by this LA: issued here after an
// assessment, or transferred in from another LA.
type Plan struct {
	// StartDate is the date ehc.plan_finalised issued the plan; blank for a
	// plan transferred in (the other LA made it, on a date not recorded).
	StartDate string `json:"startdate,omitempty"`
	// BeganOn is when this LA began to maintain it (issue or transfer in).
	BeganOn string `json:"began_on"`
	// TransferLA is the LA the plan came from (plan.transferred_in).
	TransferLA string `json:"transferla,omitempty"`
	// EndDate is plan.ceased or plan.transferred_out.
	EndDate string `json:"ceasedate,omitempty"`
	// CeaseReason is the SEN2 reason 1-9: plan.cease_decided's reason, or
	// 5 (transfer out) for plan.transferred_out; 0 when not known.
	CeaseReason int `json:"ceasereason,omitempty"`
	// Request is the index in Derived.Requests of the request whose
	// assessment issued the plan, -1 for a plan transferred in.
	Request        int             `json:"request"`
	Reviews        []Review        `json:"reviews,omitempty"`
	PhaseTransfers []PhaseTransfer `json:"phase_transfers,omitempty"`

	pendingCease int
}

// Dispute is one mediation or appeal, dated, with what it was about.
type Dispute struct {
	Date    string `json:"date"`
	Kind    string `json:"kind"` // "mediation" or "tribunal"
	Subject string `json:"subject"`
}

// Derived is everything one case's history tells the SEN2 return, across
// all years. Person renders it for one reporting year.
type Derived struct {
	ID        string    `json:"id"`
	LA        string    `json:"la,omitempty"`
	District  string    `json:"district,omitempty"`
	BirthDate string    `json:"personbirthdate,omitempty"`
	Requests  []Request `json:"requests"`
	Plans     []Plan    `json:"plans"`
	Disputes  []Dispute `json:"disputes,omitempty"`
}

// eventDate is the UK calendar date of an event time ("" when unreadable).
func eventDate(at string) string {
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		t2, err2 := calendar.ParseAt(at)
		if err2 != nil {
			return ""
		}
		t = t2
	}
	if y := t.Year(); y < calendar.MinYear || y > calendar.MaxYear {
		return ""
	}
	return calendar.UKDate(t).String()
}

// addDays adds n days to a YYYY-MM-DD date ("" stays "").
func addDays(d string, n int) string {
	x, err := calendar.ParseDate(d)
	if err != nil {
		return ""
	}
	return x.AddDays(n).String()
}

// intOf reads a whole number from a payload value decoded from JSON or
// given in Go.
func intOf(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1e9 {
			return int(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

func strOf(v any) string {
	s, _ := v.(string)
	return s
}

// subjectOf classifies the trigger of an appealable decision.
func subjectOf(trigger string) string {
	switch trigger {
	case "ehc.decided_not_to_assess":
		return SubjectRequest
	case "ehc.decided_not_to_issue", "ehc.plan_finalised":
		return SubjectAssessment
	}
	return SubjectOther
}

// phaseDue is the R18(1) deadline the default policy uses: the day before
// 15 February (31 March for a transfer to post-16) of the transfer year.
func phaseDue(year int, post16 bool) string {
	if year < calendar.MinYear || year > calendar.MaxYear {
		return ""
	}
	if post16 {
		return calendar.Date{Year: year, Month: time.March, Day: 30}.String()
	}
	return calendar.Date{Year: year, Month: time.February, Day: 14}.String()
}

// Derive reads one case's history. It trusts the history as given: verify
// it first (Run does, with the engine) when it comes from outside. It never
// panics and never changes c.
func Derive(c sdk.Case) (d Derived) {
	d = Derived{ID: c.ID, LA: c.LA, District: c.District, BirthDate: c.Child.DateOfBirth,
		Requests: []Request{}, Plans: []Plan{}}
	decisions := make(map[int]string, len(c.Decisions))
	for _, dec := range c.Decisions {
		decisions[dec.Seq] = dec.Trigger
	}
	cur := -1     // the open request
	plan := -1    // the plan maintained now
	lastDec := "" // subject of the latest appealable decision
	lastReq, lastPlanReq := -1, -1
	lastRefused := -1          // the request most recently refused (a Tribunal may order it assessed)
	subject, subjReq := "", -1 // the current dispute's subject and request
	// The requests a Tribunal ordered assessed, or ordered a plan for: the
	// request of the dispute the order decided, whatever was decided since.
	orderAssess, orderPlan := -1, -1
	for _, ev := range c.History {
		day := eventDate(ev.At)
		if day == "" {
			continue
		}
		openDispute := func() {
			if ev.StatesBefore["dispute"] == "none" || ev.StatesBefore["dispute"] == "" {
				subject, subjReq = lastDec, lastReq
			}
		}
		switch ev.Trigger {
		case "ehc.requested", "ehc.brought_to_attention":
			src := SourceOther
			if ev.Trigger == "ehc.requested" {
				switch ev.Actor {
				case "parent":
					src = SourceParent
				case "young_person":
					src = SourceYoungPerson
				case "school":
					src = SourceSchool
				}
			}
			d.Requests = append(d.Requests, Request{Seq: ev.Seq, ReceivedDate: day, RequestSource: src})
			cur = len(d.Requests) - 1
		case "ehc.decided_to_assess", "ehc.decided_not_to_assess":
			if ev.Trigger == "ehc.decided_to_assess" && ev.StatesBefore["ehc"] == "refused" {
				// The LA carries out a Tribunal order to assess (R44(2)(b)): the
				// refused request is assessed after all. Its outcome stays the
				// LA's decision (refused); the assessment is recorded on it.
				target := lastRefused
				if orderAssess >= 0 {
					target, orderAssess = orderAssess, -1
				}
				if target >= 0 && d.Requests[target].Assessment == nil {
					cur = target
					d.Requests[cur].Assessment = &Assessment{}
				}
				break
			}
			if cur >= 0 && d.Requests[cur].RequestOutcome == nil {
				r := &d.Requests[cur]
				r.RequestOutcomeDate = ptr(day)
				if ev.Trigger == "ehc.decided_to_assess" {
					r.RequestOutcome = ptr(RequestAssess)
					r.Assessment = &Assessment{}
				} else {
					r.RequestOutcome = ptr(RequestRefused)
					lastRefused = cur
					cur = -1
				}
			}
		case "ehc.exception_recorded":
			if cur >= 0 && d.Requests[cur].exception == "" {
				d.Requests[cur].exception = strOf(ev.Data["reason"])
				if d.Requests[cur].exception == "" {
					d.Requests[cur].exception = "recorded"
				}
			}
		case "ehc.withdrawn":
			if cur >= 0 {
				r := &d.Requests[cur]
				if r.Assessment != nil {
					r.Assessment.AssessmentOutcome, r.Assessment.AssessmentOutcomeDate = ptr(AssessmentWithdrawn), ptr(day)
				} else if r.RequestOutcome == nil {
					r.RequestOutcome, r.RequestOutcomeDate = ptr(RequestWithdrawn), ptr(day)
				}
				cur = -1
			}
		case "ehc.decided_not_to_issue":
			if cur >= 0 && d.Requests[cur].Assessment != nil {
				a := d.Requests[cur].Assessment
				a.AssessmentOutcome, a.AssessmentOutcomeDate = ptr(AssessmentNotIssued), ptr(day)
				lastPlanReq = cur
				cur = -1
			}
		case "ehc.draft_issued":
			target := lastPlanReq
			if orderPlan >= 0 {
				target = orderPlan
			}
			if ev.StatesBefore["ehc"] == "not_issued" && cur < 0 && target >= 0 && d.Requests[target].Assessment != nil {
				// The LA carries out a Tribunal order to make a plan (R44(2)(c)):
				// the assessment that ended "not issued" goes on to a plan. Its
				// outcome stays the LA's own decision, as a refusal's does.
				cur, orderPlan = target, -1
				d.Requests[cur].Assessment.ordered = true
			}
		case "ehc.plan_finalised":
			req := -1
			if cur >= 0 && d.Requests[cur].Assessment != nil {
				a := d.Requests[cur].Assessment
				if a.ordered {
					a.orderedPlan = day
				} else {
					a.AssessmentOutcome, a.AssessmentOutcomeDate = ptr(AssessmentIssued), ptr(day)
				}
				req = cur
				cur = -1
			}
			lastPlanReq = req
			if plan < 0 {
				d.Plans = append(d.Plans, Plan{StartDate: day, BeganOn: day, Request: req})
				plan = len(d.Plans) - 1
			}
		case "plan.transferred_in":
			d.Plans = append(d.Plans, Plan{BeganOn: day, TransferLA: strOf(ev.Data["from_la"]), Request: -1})
			plan = len(d.Plans) - 1
		case "plan.review_meeting_held":
			if plan >= 0 {
				d.Plans[plan].Reviews = append(d.Plans[plan].Reviews, Review{MeetingDate: day})
			}
		case "plan.review_decided":
			if plan >= 0 {
				p := &d.Plans[plan]
				if n := len(p.Reviews); n > 0 && p.Reviews[n-1].DecisionDate == "" {
					p.Reviews[n-1].DecisionDate, p.Reviews[n-1].Decision = day, strOf(ev.Data["decision"])
				} else {
					p.Reviews = append(p.Reviews, Review{DecisionDate: day, Decision: strOf(ev.Data["decision"])})
				}
			}
		case "plan.phase_transfer_set":
			if plan >= 0 {
				y, _ := intOf(ev.Data["transfer_year"])
				post16, _ := ev.Data["post16"].(bool)
				due := phaseDue(y, post16)
				if cl, ok := c.Clocks["phase_transfer"]; ok && cl.StartedAt == day && cl.Due != "" {
					due = cl.Due // the engine's own figure (a district may set a stricter date)
				}
				d.Plans[plan].PhaseTransfers = append(d.Plans[plan].PhaseTransfers, PhaseTransfer{SetDate: day, DueDate: due})
			}
		case "plan.phase_transfer_amended":
			if plan >= 0 {
				pts := d.Plans[plan].PhaseTransfers
				if n := len(pts); n > 0 && pts[n-1].FinalDate == "" {
					pts[n-1].FinalDate = day
				}
			}
		case "plan.cease_decided":
			if plan >= 0 {
				if r, ok := intOf(ev.Data["reason"]); ok && r >= 1 && r <= 9 {
					d.Plans[plan].pendingCease = r
				}
			}
		case "plan.cease_withdrawn":
			if plan >= 0 {
				d.Plans[plan].pendingCease = 0
			}
		case "plan.ceased":
			if plan >= 0 {
				d.Plans[plan].EndDate, d.Plans[plan].CeaseReason = day, d.Plans[plan].pendingCease
				plan = -1
			}
		case "plan.transferred_out":
			if plan >= 0 {
				d.Plans[plan].EndDate, d.Plans[plan].CeaseReason = day, 5
				plan = -1
			}
		case "dispute.mediation_requested":
			openDispute()
			d.mark(subject, subjReq, "mediation", day)
		case "dispute.appeal_registered":
			openDispute()
			d.mark(subject, subjReq, "tribunal", day)
		case "dispute.mediation_declined":
			openDispute()
		case "dispute.tribunal_decided":
			switch strOf(ev.Data["order"]) {
			case "assess":
				if subject == SubjectRequest && subjReq >= 0 {
					orderAssess = subjReq
				}
			case "make_plan":
				if subject == SubjectAssessment && subjReq >= 0 {
					orderPlan = subjReq
				}
			}
		}
		if _, ok := decisions[ev.Seq]; ok {
			lastDec = subjectOf(ev.Trigger)
			switch lastDec {
			case SubjectRequest:
				lastReq = len(d.Requests) - 1
			case SubjectAssessment:
				lastReq = lastPlanReq
			default:
				lastReq = -1
			}
		}
	}
	for i := range d.Requests {
		r := &d.Requests[i]
		if r.Assessment != nil && r.exception != "" {
			r.Assessment.Week20, r.Assessment.Week20Reason = true, r.exception
		}
	}
	return d
}

// mark records a mediation or appeal against the subject of the current
// dispute.
func (d *Derived) mark(subject string, req int, kind, day string) {
	if subject == "" {
		return // no appealable decision: nothing to attribute it to
	}
	d.Disputes = append(d.Disputes, Dispute{Date: day, Kind: kind, Subject: subject})
	if req < 0 || req >= len(d.Requests) {
		if subject != SubjectOther {
			d.Disputes[len(d.Disputes)-1].Subject = SubjectOther
		}
		return
	}
	r := &d.Requests[req]
	switch {
	case subject == SubjectRequest && kind == "mediation":
		r.RequestMediation = true
	case subject == SubjectRequest:
		r.RequestTribunal = true
	case subject == SubjectAssessment && r.Assessment != nil && kind == "mediation":
		r.Assessment.AssessmentMediation = true
	case subject == SubjectAssessment && r.Assessment != nil:
		r.Assessment.AssessmentTribunal = true
	}
}

func ptr[T any](v T) *T { return &v }

// PlanIssued returns the date the request's assessment issued a plan: its
// outcome, or a plan made later under a Tribunal order after the LA
// decided not to issue one.
func (r Request) PlanIssued() (string, bool) {
	switch {
	case r.Assessment == nil:
		return "", false
	case r.Assessment.orderedPlan != "":
		return r.Assessment.orderedPlan, true
	case r.Assessment.AssessmentOutcome == nil || *r.Assessment.AssessmentOutcome != AssessmentIssued:
		return "", false
	}
	return *r.Assessment.AssessmentOutcomeDate, true
}

// FinalDue is the last day a plan for this request is within 20 weeks.
func (r Request) FinalDue() string { return addDays(r.ReceivedDate, TwentyWeeks) }

// Within20Weeks reports whether the request's plan was issued within 20
// weeks of the request: on or before ReceivedDate + 140 days.
func (r Request) Within20Weeks() bool {
	at, ok := r.PlanIssued()
	due := r.FinalDue()
	return ok && due != "" && at <= due
}

// Disputed reports whether mediation or a Tribunal appeal took place on the
// request or its assessment, which takes the plan out of the DfE
// timeliness measure.
func (r Request) Disputed() bool {
	if r.RequestMediation || r.RequestTribunal {
		return true
	}
	return r.Assessment != nil && (r.Assessment.AssessmentMediation || r.Assessment.AssessmentTribunal)
}
