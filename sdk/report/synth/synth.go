// Package synth generates realistic synthetic SEND case histories for
// testing and benchmarking reports. Every case is made by firing triggers
// through a sendflow engine, so every history is one the engine itself
// recorded and verifies; no event is ever written by hand.
//
// The generator is deterministic: the same Config gives the same cases.
package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Districts are the Kent districts the generator spreads cases across, each
// with its own likelihood of issuing a plan within 20 weeks, so the
// timeliness chart shows a realistic spread.
var Districts = []struct {
	Name   string
	OnTime float64
}{
	{"ashford", 0.62}, {"canterbury", 0.48}, {"dartford", 0.71}, {"dover", 0.38}, {"folkestone", 0.55},
	{"gravesham", 0.66}, {"maidstone", 0.52}, {"sevenoaks", 0.80}, {"swale", 0.34}, {"thanet", 0.44},
	{"tonbridge", 0.69}, {"tunbridge_wells", 0.58},
}

// Config says what to generate.
type Config struct {
	// Cases is how many cases to make.
	Cases int
	// Seed makes the run reproducible.
	Seed uint64
	// Year is the reporting year the caseload is built around: requests are
	// received from three years before it to its end, and no event is
	// later than 31 December of it.
	Year int
	// LA is the authority's name (default "kent").
	LA string
}

// MaxCases bounds one run.
const MaxCases = 10_000_000

// Stats describe a run.
type Stats struct {
	Cases  int `json:"cases"`
	Events int `json:"events"`
	// Refused counts firings the engine refused; a journey stops at the
	// first. It is 0 unless the engine's policy is stricter than the
	// default the generator is written for.
	Refused int `json:"refused"`
	// LastRefusal is the last refusal, for diagnosis.
	LastRefusal string `json:"last_refusal,omitempty"`
}

// Generate writes cfg.Cases cases as JSON lines to w, firing every event
// through e (sdk.Default() when nil). It holds one case at a time.
func Generate(w io.Writer, e *sdk.Engine, cfg Config) (Stats, error) {
	return Each(e, cfg, func(c sdk.Case) error {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		b = append(b, '\n')
		_, err = w.Write(b)
		return err
	})
}

// Each makes the cases and gives them to fn one at a time.
func Each(e *sdk.Engine, cfg Config, fn func(sdk.Case) error) (Stats, error) {
	var st Stats
	if cfg.Cases < 0 || cfg.Cases > MaxCases {
		return st, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("cases must be between 0 and %d", MaxCases), Pointer: "/cases"}
	}
	if cfg.Year < calendar.MinYear+5 || cfg.Year > calendar.MaxYear-1 {
		return st, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("year %d is out of range", cfg.Year), Pointer: "/year"}
	}
	if e == nil {
		var err error
		if e, err = sdk.Default(); err != nil {
			return st, err
		}
	}
	if cfg.LA == "" {
		cfg.LA = "kent"
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5e2d0c0ffee))
	for i := 0; i < cfg.Cases; i++ {
		g := &journey{e: e, rng: rng, horizon: calendar.Date{Year: cfg.Year, Month: time.December, Day: 31}, st: &st}
		c := g.run(cfg, i)
		c = withPerson(e, cfg, i, c, g.dob) // SEN2 person details (person.go)
		st.Cases++
		st.Events += len(c.History)
		if err := fn(c); err != nil {
			return st, err
		}
	}
	return st, nil
}

// journey walks one case.
type journey struct {
	e       *sdk.Engine
	rng     *rand.Rand
	c       sdk.Case
	now     calendar.Date
	horizon calendar.Date
	stopped bool
	st      *Stats
	yg      int // year group at the start
	startSY int // school year (its September's calendar year) at the start
	dob     calendar.Date
}

// schoolYear is the calendar year of the September that starts d's school year.
func schoolYear(d calendar.Date) int {
	if d.Month < time.September {
		return d.Year - 1
	}
	return d.Year
}

func (g *journey) chance(p float64) bool { return g.rng.Float64() < p }

func (g *journey) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// workday moves d forward off a weekend: LAs act on working days.
func workday(d calendar.Date) calendar.Date {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDays(2)
	case time.Sunday:
		return d.AddDays(1)
	}
	return d
}

// fire fires one trigger at date d (never before the last event), unless
// the journey has stopped or d is past the horizon. It reports success.
func (g *journey) fire(d calendar.Date, trigger, actor string, data map[string]any) bool {
	if g.stopped {
		return false
	}
	if d.Before(g.now) {
		d = g.now
	}
	if d.After(g.horizon) {
		g.stopped = true
		return false
	}
	if actor == family {
		actor = "parent"
		if calendar.IsYoungPerson(g.dob, d) {
			actor = "young_person"
		}
	}
	out, err := g.e.Fire(g.c, sdk.Firing{Trigger: trigger, Actor: actor, At: d.String(), Data: data})
	if err != nil {
		g.st.Refused++
		g.st.LastRefusal = fmt.Sprintf("%s %s at %s: %v", g.c.ID, trigger, d, err)
		g.stopped = true
		return false
	}
	g.c, g.now = out.Case, d
	return true
}

func (g *journey) run(cfg Config, i int) sdk.Case {
	dist := Districts[g.rng.IntN(len(Districts))]
	// When the story starts: a quarter three or two years back (so the
	// plans are reviewed in the year), a third the year before, the rest in
	// the year.
	var start calendar.Date
	switch r := g.rng.Float64(); {
	case r < 0.25:
		start = calendar.Date{Year: cfg.Year - 3, Month: time.January, Day: 1}.AddDays(g.rng.IntN(730))
	case r < 0.6:
		start = calendar.Date{Year: cfg.Year - 1, Month: time.January, Day: 1}.AddDays(g.rng.IntN(365))
	default:
		start = calendar.Date{Year: cfg.Year, Month: time.January, Day: 1}.AddDays(g.rng.IntN(365))
	}
	start = workday(start)
	// Year group at the start, nursery (-1) to Year 13; date of birth to match.
	g.yg = g.between(-1, 13)
	g.startSY = schoolYear(start)
	// A child in year group yg in the school year starting September Y was
	// born from 1 September Y-yg-5 to 31 August Y-yg-4.
	g.dob = calendar.Date{Year: g.startSY - g.yg - 5, Month: time.September, Day: 1}.AddDays(g.rng.IntN(365))
	yg := g.yg
	g.c = g.e.NewCase(sdk.Facts{ID: fmt.Sprintf("synth-%d-%06d", cfg.Year, i+1), LA: cfg.LA, District: dist.Name,
		Child: sdk.Child{DateOfBirth: g.dob.String(), YearGroup: &yg}, Evidence: []string{"personalised_plan"}})
	g.now = calendar.Date{Year: calendar.MinYear, Month: time.January, Day: 1}
	if g.lift(cfg, i, start, dist.Name, dist.OnTime) { // LIFT activity (lift.go); true: a LIFT-only child
		return g.c
	}

	if g.chance(0.05) {
		g.transferredIn(start)
	} else {
		g.request(start, dist.OnTime)
	}
	return g.c
}

// requester picks who asks: the parent (or the young person, when they are
// one), the school, or someone bringing the child to the LA's attention.
func (g *journey) requester(d calendar.Date) (trigger, actor string) {
	switch r := g.rng.Float64(); {
	case r < 0.62:
		if calendar.IsYoungPerson(g.dob, d) {
			return "ehc.requested", "young_person"
		}
		return "ehc.requested", "parent"
	case r < 0.88:
		return "ehc.requested", "school"
	default:
		others := []string{"health", "social_care", "anyone"}
		if g.yg <= 0 {
			others = append(others, "ey_setting")
		}
		return "ehc.brought_to_attention", others[g.rng.IntN(len(others))]
	}
}

// family is the actor fire turns into whoever holds the family's rights on
// the firing date: the parent, or the young person once they are one (the
// family rights rule, CFA s83(2)).
const family = "family"

// appellant is who brings a dispute: the family.
func (g *journey) appellant() string { return family }

// request walks one EHC request from receipt to its outcome, and on to the
// plan's life if one is issued.
func (g *journey) request(r calendar.Date, onTime float64) {
	trig, actor := g.requester(r)
	if !g.fire(r, trig, actor, nil) {
		return
	}
	exception := g.chance(0.08)
	if exception {
		reasons := []string{"institution_closed", "exceptional_personal_circumstances", "absent_from_area"}
		g.fire(workday(r.AddDays(g.between(7, 35))), "ehc.exception_recorded", "la_officer", map[string]any{"reason": reasons[g.rng.IntN(3)]})
	}
	if g.chance(0.04) {
		g.fire(r.AddDays(g.between(5, 30)), "ehc.withdrawn", withdrawer(actor), nil)
		return
	}
	decide := workday(r.AddDays(g.between(21, 44)))
	if g.chance(0.12) {
		decide = workday(r.AddDays(g.between(43, 70))) // late decisions
	}
	if g.chance(0.24) {
		if !g.fire(decide, "ehc.decided_not_to_assess", "la_officer", nil) {
			return
		}
		if g.dispute(0.3, "refusal_to_assess") != "assess" {
			return
		}
		// The Tribunal ordered an assessment: the LA decides to assess
		// within 2 weeks of the order (mostly) and must issue the plan
		// within 14 weeks of it (R44(2)(b)).
		order := g.now
		if !g.fire(workday(order.AddDays(g.between(3, 16))), "ehc.decided_to_assess", "la_officer", nil) {
			return
		}
		g.assessment(order, 98, onTime, false, actor)
		return
	}
	if !g.fire(decide, "ehc.decided_to_assess", "la_officer", nil) {
		return
	}
	g.assessment(r, TwentyWeeksDays, onTime, exception, actor)
}

// assessment runs an EHC needs assessment the LA has decided on, to a
// refusal to issue, a withdrawal or a plan due deadline days after from
// (the request, or a Tribunal's order to assess).
func (g *journey) assessment(from calendar.Date, deadline int, onTime float64, exception bool, actor string) {
	ordered := g.c.States["dispute"] == "decided"
	decide := g.now
	for _, src := range []string{"educational", "medical", "psychological"} {
		g.fire(workday(decide.AddDays(g.between(1, 4))), "ehc.advice_requested", "la_officer", map[string]any{"from": src})
	}
	for _, src := range []string{"educational", "medical", "psychological"} {
		g.fire(workday(g.now.AddDays(g.between(2, 10))), "ehc.advice_received", "advice_giver", map[string]any{"from": src})
	}
	switch x := g.rng.Float64(); {
	case x < 0.06:
		if !g.fire(workday(from.AddDays(g.between(deadline-50, deadline-22))), "ehc.decided_not_to_issue", "la_officer", nil) {
			return
		}
		if ordered {
			g.fire(workday(g.now.AddDays(g.between(1, 10))), "dispute.order_complied", "la_officer", nil)
		}
		if g.dispute(0.35, "refusal_to_issue") == "make_plan" {
			// Ordered to make a plan: draft and final plan within 5 weeks
			// of the order (R44(2)(c)), mostly.
			order := g.now
			g.issuePlan(workday(order.AddDays(g.between(7, 20))), order.AddDays(g.between(24, 45)), true)
		}
		return
	case x < 0.09:
		g.fire(g.now.AddDays(g.between(5, 40)), "ehc.withdrawn", withdrawer(actor), nil)
		return
	}
	// The final plan: on time with the district's likelihood (less with an
	// exception), otherwise up to 18 weeks late.
	p := onTime
	if exception {
		p *= 0.5
	}
	final := from.AddDays(g.between(deadline-40, deadline))
	if !g.chance(p) {
		final = from.AddDays(g.between(deadline+1, deadline+126))
	}
	final = workday(final)
	if final.After(from.AddDays(deadline)) && final.Before(from.AddDays(deadline+3)) && g.chance(0.5) {
		final = from.AddDays(deadline) // some plans land on the last day, whatever day it is
	}
	g.issuePlan(final.AddDays(-g.between(15, 28)), final, ordered)
}

// issuePlan issues a draft plan on draft and the final plan on final (at
// least 15 days later), then lives the plan's life. Under a Tribunal order
// (ordered) the LA records compliance once the plan is issued.
func (g *journey) issuePlan(draft, final calendar.Date, ordered bool) {
	if !g.fire(draft, "ehc.draft_issued", "la_officer", nil) {
		return
	}
	draft = g.now
	if g.chance(0.4) {
		g.fire(g.now.AddDays(g.between(1, 8)), "ehc.school_requested", g.appellant(), map[string]any{"school": "Valley Academy"})
	}
	if g.chance(0.3) {
		g.fire(g.now.AddDays(g.between(1, 5)), "ehc.representations_made", g.appellant(), nil)
	}
	data := map[string]any{}
	if g.chance(0.85) {
		data["named_school"] = fmt.Sprintf("%s School", []string{"Valley", "Hillside", "Oakwood", "Riverside", "St Mary's"}[g.rng.IntN(5)])
	} else {
		data["school_type"] = "special"
	}
	if g.yg >= 9 {
		data["preparation_for_adulthood"] = true
	}
	if final.Before(draft.AddDays(15)) {
		final = draft.AddDays(15)
	}
	if !g.fire(final, "ehc.plan_finalised", "la_officer", data) {
		return
	}
	if ordered && g.c.States["dispute"] == "decided" {
		g.fire(workday(g.now.AddDays(g.between(1, 10))), "dispute.order_complied", "la_officer", nil)
	}
	g.dispute(0.07, "contents")
	g.planLife()
}

// TwentyWeeksDays is R13(2)'s 20 weeks in days.
const TwentyWeeksDays = 140

// withdrawer is who may withdraw a request: the school if it asked, else
// the family.
func withdrawer(requester string) string {
	if requester == "school" {
		return requester
	}
	return family
}

// dispute may take the latest appealable decision to mediation and on to
// the Tribunal, with probability p. It returns the Tribunal's order when
// it is one the caller carries out (assess, make_plan); other orders are
// complied with here.
func (g *journey) dispute(p float64, kind string) string {
	if !g.chance(p) {
		return ""
	}
	who := g.appellant()
	if kind == "contents" && g.chance(0.3) {
		// a placement-only appeal needs no mediation certificate
		if g.fire(g.now.AddDays(g.between(10, 40)), "dispute.appeal_registered", who, map[string]any{"placement_only": true}) {
			return g.tribunal([]string{"change_school", "dismissed"})
		}
		return ""
	}
	if g.chance(0.7) {
		if !g.fire(g.now.AddDays(g.between(7, 30)), "dispute.mediation_requested", who, nil) {
			return ""
		}
		g.fire(g.now.AddDays(g.between(10, 28)), "dispute.mediation_concluded", "mediation_adviser", nil)
	} else if !g.fire(g.now.AddDays(g.between(7, 30)), "dispute.mediation_declined", who, nil) {
		return ""
	}
	g.fire(g.now.AddDays(g.between(1, 3)), "dispute.certificate_issued", "mediation_adviser", nil)
	if g.chance(0.45) {
		if g.fire(g.now.AddDays(g.between(5, 25)), "dispute.appeal_registered", who, nil) {
			orders := []string{"dismissed"}
			switch kind {
			case "contents":
				orders = []string{"dismissed", "amend", "change_school"}
			case "refusal_to_assess":
				orders = []string{"dismissed", "assess"}
			case "refusal_to_issue":
				orders = []string{"dismissed", "make_plan"}
			}
			return g.tribunal(orders)
		}
	} else {
		g.fire(g.now.AddDays(g.between(2, 10)), "dispute.withdrawn", who, nil)
	}
	return ""
}

// tribunal decides an appeal with one of orders. An order to assess or to
// make a plan is returned for the caller to carry out (it records
// compliance); any other is complied with here.
func (g *journey) tribunal(orders []string) string {
	order := orders[g.rng.IntN(len(orders))]
	if !g.fire(workday(g.now.AddDays(g.between(90, 180))), "dispute.tribunal_decided", "tribunal", map[string]any{"order": order}) {
		return ""
	}
	if order == "assess" || order == "make_plan" {
		return order
	}
	g.fire(workday(g.now.AddDays(g.between(5, 13))), "dispute.order_complied", "la_officer", nil)
	return ""
}

// transferredIn starts the case with a plan moved in from another LA.
func (g *journey) transferredIn(d calendar.Date) {
	from := []string{"bromley", "medway", "east_sussex", "surrey", "bexley"}[g.rng.IntN(5)]
	if g.fire(d, "plan.transferred_in", "la_officer", map[string]any{"from_la": from}) {
		g.fire(workday(g.now.AddDays(g.between(10, 45))), "plan.transfer_notice_sent", "la_officer", nil)
		g.planLife()
	}
}

// planLife runs annual reviews until the plan ends or the horizon passes.
func (g *journey) planLife() {
	phaseSet := false
	for i := 0; i < 12 && !g.stopped; i++ {
		yg := g.yg + schoolYear(g.now) - g.startSY
		// Phase transfer: into Year 7 (set in Year 5) or post-16 (set in Year 10).
		if !phaseSet && (yg == 5 || yg == 10) && g.chance(0.9) {
			phaseSet = true
			g.phaseTransfer(yg == 10)
		}
		if g.chance(0.02) {
			g.fire(workday(g.now.AddDays(g.between(60, 300))), "plan.transferred_out", "la_officer", map[string]any{"new_la": "medway"})
			return
		}
		decision, ok := g.annualReview()
		if !ok || !g.afterReview(decision) {
			return
		}
	}
}

// phaseTransfer sets a phase transfer for next year's move (post-16 or into
// Year 7) and finalises the amended plan, mostly before the R18 deadline.
func (g *journey) phaseTransfer(post16 bool) {
	ty := g.now.Year + 1
	if g.now.Month >= time.September {
		ty++
	}
	if !g.fire(workday(g.now.AddDays(g.between(10, 60))), "plan.phase_transfer_set", "la_officer", map[string]any{"transfer_year": ty, "post16": post16}) {
		return
	}
	due := calendar.Date{Year: ty, Month: time.February, Day: 14}
	if post16 {
		due = calendar.Date{Year: ty, Month: time.March, Day: 30}
	}
	at := due.AddDays(-g.between(5, 90))
	if g.chance(0.25) {
		at = due.AddDays(g.between(1, 40)) // late
	}
	if at.Before(g.now) {
		at = g.now.AddDays(1)
	}
	g.fire(workday(at), "plan.phase_transfer_amended", "la_officer", nil)
}

// annualReview invites to a review about 11 months after the plan or the
// last review, holds the meeting at least two weeks on, and decides:
// maintain, amend or cease. ok is false when a firing was refused.
func (g *journey) annualReview() (decision string, ok bool) {
	invite := workday(g.lastReviewOrStart().AddDays(g.between(290, 330)))
	if invite.Before(g.now) {
		invite = g.now
	}
	if !g.fire(invite, "plan.review_invited", []string{"school", "la_officer"}[g.rng.IntN(2)], map[string]any{"meeting_date": workday(invite.AddDays(g.between(15, 30))).String()}) {
		return "", false
	}
	meeting := g.c.History[len(g.c.History)-1].Data["meeting_date"].(string)
	md, _ := calendar.ParseDate(meeting)
	if !g.fire(md, "plan.review_meeting_held", "school", nil) {
		return "", false
	}
	if g.chance(0.8) {
		g.fire(workday(md.AddDays(g.between(3, 16))), "plan.review_report_sent", "school", nil)
	}
	decision = "maintain"
	switch x := g.rng.Float64(); {
	case x < 0.22:
		decision = "amend"
	case x < 0.32:
		decision = "cease"
	}
	if !g.fire(workday(md.AddDays(g.between(7, 35))), "plan.review_decided", "la_officer", map[string]any{"decision": decision}) {
		return "", false
	}
	return decision, true
}

// afterReview carries out a review's decision; it reports whether the plan
// goes on (false once it ceased or a firing was refused).
func (g *journey) afterReview(decision string) bool {
	switch decision {
	case "maintain":
		g.dispute(0.02, "other")
	case "amend":
		if g.chance(0.9) {
			g.fire(workday(g.now.AddDays(g.between(20, 60))), "plan.amendment_finalised", "la_officer", nil)
		} else {
			g.fire(workday(g.now.AddDays(g.between(20, 60))), "plan.amendment_abandoned", "la_officer", nil)
		}
		g.dispute(0.03, "other")
	case "cease":
		reason := []int{1, 2, 2, 3, 4, 6, 7, 8, 9, 2, 1, 3}[g.rng.IntN(12)]
		on := workday(g.now.AddDays(g.between(5, 20)))
		if reason == 6 && calendar.AgeOn(g.dob, on) < 18 {
			reason = 2 // reason 6 only at 18 or over (R29(1))
		}
		if !g.fire(on, "plan.cease_decided", "la_officer", map[string]any{"reason": reason}) {
			return false
		}
		if g.chance(0.12) {
			g.fire(workday(g.now.AddDays(g.between(5, 30))), "plan.cease_withdrawn", "la_officer", nil)
			return true
		}
		// After the appeal window (2 months, moved by HESC r12 by at most
		// a few weeks).
		g.fire(workday(g.now.AddDays(g.between(100, 120))), "plan.ceased", "la_officer", nil)
		return false
	}
	return true
}

// lastReviewOrStart is the date the annual review clock last started.
func (g *journey) lastReviewOrStart() calendar.Date {
	if cl, ok := g.c.Clocks["annual_review"]; ok {
		if d, err := calendar.ParseDate(cl.StartedAt); err == nil {
			return d
		}
	}
	return g.now
}
