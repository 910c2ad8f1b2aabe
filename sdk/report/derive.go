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
//
// The SEN2 person-level XML return (Return, NewReturn) is built the same
// way: each case derived as of the cut-off, its record in the return's
// scope written with the person details the case holds (facts.person),
// and every pre-submission issue collected by case id, never a value.
package report

import (
	"encoding/json"
	"math"
	"strconv"
	"sync"
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

// The SEN2 marks the report reads: the default policy marks each trigger
// that tells the return something with one (TriggerDef.SEN2, set in
// sdk/policies/default.yaml), so no trigger id is named here.
const (
	markRequest            = "request"              // a request for an EHC needs assessment; its actor is its source
	markBroughtToAttention = "brought_to_attention" // a child brought to the LA's attention: a request, source other
	markAssess             = "assess"               // the LA decides to assess (or carries out an order to)
	markRefuseAssessment   = "refuse_assessment"    // the LA decides not to assess: appealable
	markException          = "exception"            // an R10(4)/R13(3) exception to the time limits
	markWithdrawn          = "withdrawn"            // the request or assessment is withdrawn
	markNotIssued          = "not_issued"           // the LA decides not to issue a plan: appealable
	markDraftIssued        = "draft_issued"         // a draft plan is issued
	markPlanIssued         = "plan_issued"          // the final plan is issued: appealable
	markTransferIn         = "transfer_in"          // a plan is transferred in from another LA
	markReviewMeeting      = "review_meeting"       // an annual review meeting
	markReviewDecision     = "review_decision"      // the decision after a review
	markPhaseTransfer      = "phase_transfer"       // a phase transfer is set (R18)
	markPhaseTransferFinal = "phase_transfer_final" // the plan is amended for the phase transfer
	markCeaseDecision      = "cease_decision"       // the LA decides to cease the plan, with a SEN2 reason
	markCeaseWithdrawn     = "cease_withdrawn"      // that decision is withdrawn
	markCeased             = "ceased"               // the plan ceases
	markTransferOut        = "transfer_out"         // the plan is transferred out (cease reason 5)
	markAgeLimit           = "age_limit"            // the plan ceases at the age limit (cease reason 1)
	markMediation          = "mediation"            // mediation is requested
	markAppeal             = "appeal"               // an appeal is registered
	markMediationDeclined  = "mediation_declined"   // mediation is declined (the dispute starts)
	markTribunalDecision   = "tribunal_decision"    // the Tribunal decides, perhaps ordering an assessment or a plan
)

// marks lists every SEN2 mark the report reads (a test checks the default
// policy marks one trigger with each, and no other).
var marks = []string{markRequest, markBroughtToAttention, markAssess, markRefuseAssessment, markException,
	markWithdrawn, markNotIssued, markDraftIssued, markPlanIssued, markTransferIn, markReviewMeeting,
	markReviewDecision, markPhaseTransfer, markPhaseTransferFinal, markCeaseDecision, markCeaseWithdrawn,
	markCeased, markTransferOut, markAgeLimit, markMediation, markAppeal, markMediationDeclined, markTribunalDecision}

// defaultMarks is the default policy's SEN2 marks by trigger id
// (Engine.SEN2Marks): only the default's marks count, so one map serves
// every engine.
var defaultMarks = sync.OnceValue(func() map[string]string {
	e, err := sdk.Default()
	if err != nil {
		return nil
	}
	return e.SEN2Marks()
})

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
	actor     string // the role that made the request or brought the child to attention
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
	// 5 (transfer out) for plan.transferred_out, 1 (maximum age) for
	// plan.age_limit_reached; 0 when not known.
	CeaseReason int `json:"ceasereason,omitempty"`
	// Request is the index in Derived.Requests of the request whose
	// assessment issued the plan, -1 for a plan transferred in or imported.
	Request int `json:"request"`
	// Imported is set for a plan the case held when it was imported
	// (sendflow.imported): this LA maintained it before the history began.
	Imported       bool            `json:"imported,omitempty"`
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

	// details are the case's person details (facts.person), for the
	// person-level XML return only: never in a JSON output.
	details *sdk.PersonDetails
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

// subjectOf classifies an appealable decision by its trigger's mark.
func subjectOf(mark string) string {
	switch mark {
	case markRefuseAssessment:
		return SubjectRequest
	case markNotIssued, markPlanIssued:
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
func Derive(c sdk.Case) Derived {
	w := newDeriver(c)
	marks := defaultMarks()
	for _, ev := range c.History {
		day := eventDate(ev.At)
		if day == "" {
			continue
		}
		if ev.Trigger == sdk.ImportTrigger {
			w.imported(ev, day)
		}
		m := marks[ev.Trigger]
		w.event(ev, m, day)
		if _, ok := w.decisions[ev.Seq]; ok {
			w.noteDecision(m)
			w.bySeq["d"+strconv.Itoa(ev.Seq)] = subjectAt{w.lastDec, w.lastReq}
		}
	}
	w.d.markExceptions()
	return w.d
}

// deriver walks one history in order, building Derived and keeping what the
// events so far say about the case: the request and plan open now, and what
// a later dispute or Tribunal order would be about.
type deriver struct {
	d         Derived
	clocks    map[string]sdk.Clock
	decisions map[int]string // the appealable decisions by event seq

	cur         int    // the open request
	plan        int    // the plan maintained now
	lastDec     string // subject of the latest appealable decision
	lastReq     int    // the request that decision was about
	lastPlanReq int    // the request whose assessment last ended (issued or not)
	lastRefused int    // the request most recently refused (a Tribunal may order it assessed)
	subject     string // the current dispute's subject
	subjReq     int    // and its request
	// The requests a Tribunal ordered assessed, or ordered a plan for: the
	// request of the dispute the order decided, whatever was decided since.
	orderAssess, orderPlan int
	// bySeq is each decision's subject and request, by its id "d<seq>":
	// a dispute event naming its decision (data "decision") is about it.
	bySeq map[string]subjectAt
}

// subjectAt is what an appealable decision was about.
type subjectAt struct {
	subject string
	req     int
}

func newDeriver(c sdk.Case) *deriver {
	w := &deriver{
		d: Derived{ID: c.ID, LA: c.LA, District: c.District, BirthDate: c.Child.DateOfBirth,
			Requests: []Request{}, Plans: []Plan{}, details: c.Person},
		clocks:    c.Clocks,
		decisions: make(map[int]string, len(c.Decisions)),
		cur:       -1, plan: -1, lastReq: -1, lastPlanReq: -1, lastRefused: -1, subjReq: -1,
		orderAssess: -1, orderPlan: -1, bySeq: map[string]subjectAt{},
	}
	for _, dec := range c.Decisions {
		w.decisions[dec.Seq] = dec.Trigger
	}
	return w
}

// event folds one dated event into the derivation, by its trigger's mark
// m ("" for a trigger the return does not read).
func (w *deriver) event(ev sdk.Event, m, day string) {
	switch m {
	case markRequest, markBroughtToAttention, markAssess, markRefuseAssessment, markException,
		markWithdrawn, markNotIssued, markDraftIssued, markPlanIssued:
		w.requestEvent(ev, m, day)
	case markTransferIn, markReviewMeeting, markReviewDecision, markPhaseTransfer, markPhaseTransferFinal, markAgeLimit,
		markCeaseDecision, markCeaseWithdrawn, markCeased, markTransferOut:
		w.planEvent(ev, m, day)
	case markMediation, markAppeal, markMediationDeclined, markTribunalDecision:
		w.disputeEvent(ev, m, day)
	}
}

// requestEvent handles an EHC request or assessment event, marked m.
func (w *deriver) requestEvent(ev sdk.Event, m, day string) {
	switch m {
	case markRequest, markBroughtToAttention:
		w.d.Requests = append(w.d.Requests, Request{Seq: ev.Seq, ReceivedDate: day, RequestSource: requestSource(ev, m), actor: ev.Actor})
		w.cur = len(w.d.Requests) - 1
	case markAssess, markRefuseAssessment:
		if m == markAssess && ev.StatesBefore["ehc"] == "refused" {
			w.orderedAssessment()
			return
		}
		w.requestDecided(m == markAssess, day)
	case markException:
		if w.cur >= 0 && w.d.Requests[w.cur].exception == "" {
			w.d.Requests[w.cur].exception = strOf(ev.Data["reason"])
			if w.d.Requests[w.cur].exception == "" {
				w.d.Requests[w.cur].exception = "recorded"
			}
		}
	case markWithdrawn:
		w.withdrawn(day)
	case markNotIssued:
		if w.cur >= 0 && w.d.Requests[w.cur].Assessment != nil {
			a := w.d.Requests[w.cur].Assessment
			a.AssessmentOutcome, a.AssessmentOutcomeDate = ptr(AssessmentNotIssued), ptr(day)
			w.lastPlanReq = w.cur
			w.cur = -1
		}
	case markDraftIssued:
		w.draftIssued(ev)
	case markPlanIssued:
		w.planFinalised(day)
	}
}

// requestSource is the SEN2 request source of a request (by its actor) or
// of a child brought to the LA's attention (always other).
func requestSource(ev sdk.Event, m string) string {
	if m == markRequest {
		switch ev.Actor {
		case "parent":
			return SourceParent
		case "young_person":
			return SourceYoungPerson
		case "school":
			return SourceSchool
		}
	}
	return SourceOther
}

// orderedAssessment: the LA carries out a Tribunal order to assess
// (R44(2)(b)): the refused request is assessed after all. Its outcome stays
// the LA's decision (refused); the assessment is recorded on it.
func (w *deriver) orderedAssessment() {
	target := w.lastRefused
	if w.orderAssess >= 0 {
		target, w.orderAssess = w.orderAssess, -1
	}
	if target >= 0 && w.d.Requests[target].Assessment == nil {
		w.cur = target
		w.d.Requests[w.cur].Assessment = &Assessment{}
	}
}

// requestDecided records the LA's decision to assess the open request, or
// not to.
func (w *deriver) requestDecided(assess bool, day string) {
	if w.cur < 0 || w.d.Requests[w.cur].RequestOutcome != nil {
		return
	}
	r := &w.d.Requests[w.cur]
	r.RequestOutcomeDate = ptr(day)
	if assess {
		r.RequestOutcome = ptr(RequestAssess)
		r.Assessment = &Assessment{}
		return
	}
	r.RequestOutcome = ptr(RequestRefused)
	w.lastRefused = w.cur
	w.cur = -1
}

// withdrawn ends the open request: its assessment if one started, else the
// request itself if undecided.
func (w *deriver) withdrawn(day string) {
	if w.cur < 0 {
		return
	}
	r := &w.d.Requests[w.cur]
	if r.Assessment != nil {
		r.Assessment.AssessmentOutcome, r.Assessment.AssessmentOutcomeDate = ptr(AssessmentWithdrawn), ptr(day)
	} else if r.RequestOutcome == nil {
		r.RequestOutcome, r.RequestOutcomeDate = ptr(RequestWithdrawn), ptr(day)
	}
	w.cur = -1
}

// draftIssued: a draft after "not issued" is the LA carrying out a Tribunal
// order to make a plan (R44(2)(c)): the assessment that ended "not issued"
// goes on to a plan. Its outcome stays the LA's own decision, as a
// refusal's does.
func (w *deriver) draftIssued(ev sdk.Event) {
	target := w.lastPlanReq
	if w.orderPlan >= 0 {
		target = w.orderPlan
	}
	if ev.StatesBefore["ehc"] == "not_issued" && w.cur < 0 && target >= 0 && w.d.Requests[target].Assessment != nil {
		w.cur, w.orderPlan = target, -1
		w.d.Requests[w.cur].Assessment.ordered = true
	}
}

// planFinalised closes the open assessment with the plan issued and starts
// maintaining a plan, unless one is maintained already.
func (w *deriver) planFinalised(day string) {
	req := -1
	if w.cur >= 0 && w.d.Requests[w.cur].Assessment != nil {
		a := w.d.Requests[w.cur].Assessment
		if a.ordered {
			a.orderedPlan = day
		} else {
			a.AssessmentOutcome, a.AssessmentOutcomeDate = ptr(AssessmentIssued), ptr(day)
		}
		req = w.cur
		w.cur = -1
	}
	w.lastPlanReq = req
	if w.plan < 0 {
		w.d.Plans = append(w.d.Plans, Plan{StartDate: day, BeganOn: day, Request: req})
		w.plan = len(w.d.Plans) - 1
	}
}

// imported: a case imported with its plan track in a maintained state held
// a plan before its history began: this LA maintains it from the import.
func (w *deriver) imported(ev sdk.Event, day string) {
	switch ev.StatesAfter["plan"] {
	case "", "none", "ceased", "transferred_out":
		return
	}
	w.d.Plans = append(w.d.Plans, Plan{BeganOn: day, Request: -1, Imported: true})
	w.plan = len(w.d.Plans) - 1
}

// planEvent handles an event on a maintained plan, marked m.
func (w *deriver) planEvent(ev sdk.Event, m, day string) {
	if m == markTransferIn {
		w.d.Plans = append(w.d.Plans, Plan{BeganOn: day, TransferLA: strOf(ev.Data["from_la"]), Request: -1})
		w.plan = len(w.d.Plans) - 1
		return
	}
	if w.plan < 0 {
		return
	}
	p := &w.d.Plans[w.plan]
	switch m {
	case markReviewMeeting:
		p.Reviews = append(p.Reviews, Review{MeetingDate: day})
	case markReviewDecision:
		p.reviewDecided(day, strOf(ev.Data["decision"]))
	case markPhaseTransfer:
		p.PhaseTransfers = append(p.PhaseTransfers, PhaseTransfer{SetDate: day, DueDate: w.phaseTransferDue(ev, day)})
	case markPhaseTransferFinal:
		if n := len(p.PhaseTransfers); n > 0 && p.PhaseTransfers[n-1].FinalDate == "" {
			p.PhaseTransfers[n-1].FinalDate = day
		}
	case markCeaseDecision:
		if r, ok := intOf(ev.Data["reason"]); ok && r >= 1 && r <= 9 {
			p.pendingCease = r
		}
	case markCeaseWithdrawn:
		p.pendingCease = 0
	case markCeased:
		p.EndDate, p.CeaseReason = day, p.pendingCease
		w.plan = -1
	case markTransferOut:
		p.EndDate, p.CeaseReason = day, 5
		w.plan = -1
	case markAgeLimit:
		p.EndDate, p.CeaseReason = day, 1 // SEN2 1: reached the maximum age (CFA s46)
		w.plan = -1
	}
}

// reviewDecided completes the latest review meeting with its decision, or
// records a decision made without one.
func (p *Plan) reviewDecided(day, decision string) {
	if n := len(p.Reviews); n > 0 && p.Reviews[n-1].DecisionDate == "" {
		p.Reviews[n-1].DecisionDate, p.Reviews[n-1].Decision = day, decision
		return
	}
	p.Reviews = append(p.Reviews, Review{DecisionDate: day, Decision: decision})
}

// phaseTransferDue is the R18 deadline of a phase transfer set on day: the
// engine's own clock when it started that day (a district may set a stricter
// date), else the default policy's rule.
func (w *deriver) phaseTransferDue(ev sdk.Event, day string) string {
	if cl, ok := w.clocks["phase_transfer"]; ok && cl.StartedAt == day && cl.Due != "" {
		return cl.Due
	}
	y, _ := intOf(ev.Data["transfer_year"])
	post16, _ := ev.Data["post16"].(bool)
	return phaseDue(y, post16)
}

// disputeEvent handles a mediation or appeal event, marked m.
func (w *deriver) disputeEvent(ev sdk.Event, m, day string) {
	if at, ok := w.bySeq[strOf(ev.Data["decision"])]; ok {
		// One dispute per decision: the event names the one it is about.
		w.subject, w.subjReq = at.subject, at.req
	}
	switch m {
	case markMediation:
		w.openDispute(ev)
		w.d.mark(w.subject, w.subjReq, "mediation", day)
	case markAppeal:
		w.openDispute(ev)
		w.d.mark(w.subject, w.subjReq, "tribunal", day)
	case markMediationDeclined:
		w.openDispute(ev)
	case markTribunalDecision:
		switch strOf(ev.Data["order"]) {
		case "assess":
			if w.subject == SubjectRequest && w.subjReq >= 0 {
				w.orderAssess = w.subjReq
			}
		case "make_plan":
			if w.subject == SubjectAssessment && w.subjReq >= 0 {
				w.orderPlan = w.subjReq
			}
		}
	}
}

// openDispute: a dispute that starts now is about the latest appealable
// decision; one already running keeps its subject.
func (w *deriver) openDispute(ev sdk.Event) {
	if _, named := w.bySeq[strOf(ev.Data["decision"])]; named {
		return
	}
	if ev.StatesBefore["dispute"] == "none" || ev.StatesBefore["dispute"] == "" {
		w.subject, w.subjReq = w.lastDec, w.lastReq
	}
}

// noteDecision remembers an appealable decision (its trigger's mark) and
// the request it was about, for the disputes that follow it.
func (w *deriver) noteDecision(mark string) {
	w.lastDec = subjectOf(mark)
	switch w.lastDec {
	case SubjectRequest:
		w.lastReq = len(w.d.Requests) - 1
	case SubjectAssessment:
		w.lastReq = w.lastPlanReq
	default:
		w.lastReq = -1
	}
}

// markExceptions sets Week20 on every assessment whose request had an
// exception recorded while it was open.
func (d *Derived) markExceptions() {
	for i := range d.Requests {
		r := &d.Requests[i]
		if r.Assessment != nil && r.exception != "" {
			r.Assessment.Week20, r.Assessment.Week20Reason = true, r.exception
		}
	}
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

// SourceCode is the request's SEN2 RequestSource code by the role that
// made it: 1 the parent or young person, 2 a school or early years setting,
// 3 health, 4 social care, 5 anyone else (codes not confirmed by the DfE).
func (r Request) SourceCode() string {
	switch r.actor {
	case "parent", "young_person":
		return "1"
	case "school", "ey_setting":
		return "2"
	case "health":
		return "3"
	case "social_care":
		return "4"
	}
	return "5"
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
