package synth

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// LIFT activity (Kent's Local Inclusion Forum Teams): a child on SEN support
// is referred to the district's LIFT meeting, discussed there with the
// recommendations made and a professional allocated, who makes first
// contact; the school may take up training, the child's next SEN support
// review records progress, and the case may return to LIFT, be closed, or
// be exhausted and go on to high needs funding or an EHC request.
//
// Its random numbers come from a stream of their own, one per case, so the
// EHC journeys of the other cases are drawn as before.

// liftProfessions are the professions a district allocates, with the
// default share of allocations; each district leans its own way (see
// districtLean) so the consistency figures have a spread to show.
var liftProfessions = []struct {
	name, service string
	weight        float64
}{
	{"specialist_teacher", "Specialist Teaching and Learning Service", 0.52},
	{"educational_psychologist", "Educational Psychology Service", 0.16},
	{"outreach_teacher", "Special school outreach", 0.14},
	{"early_help", "Early Help", 0.09},
	{"health", "Community health", 0.05},
	{"other", "Other", 0.04},
}

// liftRecommendations are what a LIFT meeting may recommend.
var liftRecommendations = []string{"advice_to_try", "training", "school_to_school_support", "specialist_intervention", "refer_early_help", "seek_health_advice"}

// liftTraining is training a meeting may offer and a school take up.
var liftTraining = []string{"Attachment and trauma awareness", "Precision teaching", "Zones of regulation",
	"Autism awareness", "Speech, language and communication", "Emotion coaching"}

var needAreas = []string{"cognition_learning", "communication_interaction", "semh", "sensory_physical"}

// liftWalk is one case's LIFT activity, up to (not including) limit.
type liftWalk struct {
	g        *journey
	rng      *rand.Rand
	district string
	lean     float64
	limit    calendar.Date
	needs    []any
}

func (w *liftWalk) chance(p float64) bool  { return w.rng.Float64() < p }
func (w *liftWalk) between(lo, hi int) int { return lo + w.rng.IntN(hi-lo+1) }

// districtLean is a district's fixed leaning in 0..1, from its name.
func districtLean(district string) float64 {
	h := fnv.New64a()
	h.Write([]byte(district))
	return float64(h.Sum64()%1000) / 999
}

// lift gives case i a LIFT story beginning near start, for children of
// school age up to Year 11. It reports whether the story is the whole case
// (a LIFT-only child, who may go on to an EHC request through it): if not,
// any LIFT activity ended before start and the case's EHC journey follows.
func (g *journey) lift(cfg Config, i int, start calendar.Date, district string, onTime float64) bool {
	rng := rand.New(rand.NewPCG(cfg.Seed^0x11f7_5eed, uint64(i)))
	if g.yg > 11 {
		return false
	}
	w := &liftWalk{g: g, rng: rng, district: district, lean: districtLean(district), limit: g.horizon.AddDays(1)}
	switch r := rng.Float64(); {
	case r < 0.35:
		w.story(start)
		if g.c.States["lift"] == "exhausted" && !g.stopped && w.chance(0.5) {
			g.request(workday(g.now.AddDays(w.between(20, 90))), onTime)
		}
		return true
	case r < 0.6:
		w.limit = start
		w.story(start.AddDays(-w.between(240, 540)))
	}
	return false
}

// fire fires a trigger at d if d is before the walk's limit (else it does
// nothing and reports false), with facts merged.
func (w *liftWalk) fire(d calendar.Date, trigger, actor string, data, facts map[string]any) bool {
	g := w.g
	if d.Before(g.now) {
		d = g.now
	}
	if !d.Before(w.limit) || g.stopped {
		return false
	}
	out, err := g.e.Fire(g.c, sdk.Firing{Trigger: trigger, Actor: actor, At: d.String(), Data: data, Facts: facts})
	if err != nil {
		g.st.Refused++
		g.st.LastRefusal = fmt.Sprintf("%s %s at %s: %v", g.c.ID, trigger, d, err)
		g.stopped = true
		return false
	}
	g.c, g.now = out.Case, d
	return true
}

// story runs SEN support and a LIFT referral from about ref.
func (w *liftWalk) story(ref calendar.Date) {
	n := w.between(1, 2)
	for _, k := range w.rng.Perm(len(needAreas))[:n] {
		w.needs = append(w.needs, needAreas[k])
	}
	d := workday(ref.AddDays(-w.between(90, 200)))
	if !w.fire(d, "support.concern_raised", "senco", nil, nil) ||
		!w.fire(workday(d.AddDays(w.between(7, 20))), "support.placed", "senco", map[string]any{"need_areas": w.needs}, nil) ||
		!w.fire(workday(w.g.now.AddDays(w.between(5, 15))), "support.plan_agreed", "senco", nil, nil) ||
		!w.fire(workday(w.g.now.AddDays(w.between(1, 5))), "support.plan_started", "senco", nil, nil) {
		return
	}
	if !w.fire(workday(ref), "lift.referral_started", "senco", nil, nil) ||
		!w.fire(workday(w.g.now.AddDays(w.between(1, 10))), "lift.consent_recorded", "parent", map[string]any{"agreement_to_engage": true}, nil) {
		return
	}
	if w.chance(0.06) {
		w.fire(w.g.now.AddDays(w.between(0, 3)), "lift.urgent_requested", "senco", nil, nil)
	}
	if !w.meeting() {
		return
	}
	w.review()
	w.afterMeeting()
}

// nextMeeting is the district's next LIFT meeting at least a week after d:
// the first and third of its meeting weekday in every month but August.
func (w *liftWalk) nextMeeting(d calendar.Date) calendar.Date {
	day := time.Weekday(1 + int(w.lean*4.999))
	for x := d.AddDays(7); ; x = x.AddDays(1) {
		if x.Weekday() == day && x.Month != time.August && (x.Day <= 7 || (x.Day > 14 && x.Day <= 21)) && calendar.DefaultHolidays().IsWorkingDay(x) {
			return x
		}
	}
}

// attendees is who attended the district's meeting on d: the same for
// every case discussed there, so it is drawn from the meeting, not the case.
func (w *liftWalk) attendees(d calendar.Date) []any {
	h := fnv.New64a()
	h.Write([]byte(w.district + d.String()))
	r := rand.New(rand.NewPCG(h.Sum64(), 7))
	out := []any{"chair", "specialist_teacher"}
	for _, p := range []struct {
		name string
		p    float64
	}{{"educational_psychologist", 0.35 + 0.5*w.lean}, {"senco", 0.9}, {"outreach_teacher", 0.6}, {"school_representative", 0.5},
		{"early_help", 0.3 + 0.3*(1-w.lean)}, {"health", 0.15}, {"other", 0.05}} {
		if r.Float64() < p.p {
			out = append(out, p.name)
		}
	}
	return out
}

// meeting discusses the case at the next meeting, allocates a professional
// and records first contact.
func (w *liftWalk) meeting() bool {
	md := w.nextMeeting(w.g.now)
	var recs []any
	for _, k := range w.rng.Perm(len(liftRecommendations))[:w.between(1, 3)] {
		recs = append(recs, liftRecommendations[k])
	}
	data := map[string]any{"outcomes": recs, "need_areas": w.needs, "attendees": w.attendees(md),
		"meeting_id": fmt.Sprintf("%s-%s", w.district, md)}
	if w.chance(0.45) {
		data["training"] = []any{liftTraining[w.rng.IntN(len(liftTraining))]}
	}
	if !w.fire(md, "lift.meeting_held", "lift_chair", data, nil) {
		return false
	}
	w.allocate()
	if tr, ok := data["training"].([]any); ok && w.chance(0.6) {
		w.fire(workday(w.g.now.AddDays(w.between(10, 60))), "lift.training_accessed", "senco", map[string]any{"training": tr}, nil)
	}
	return true
}

// allocate allocates a professional (by the district's leaning) and
// records first contact, mostly within the five working days.
func (w *liftWalk) allocate() {
	x := w.rng.Float64()
	p := liftProfessions[len(liftProfessions)-1]
	for i, c := range liftProfessions {
		wt := c.weight
		if i < 2 { // districts lean between specialist teachers and psychologists
			wt += (w.lean - 0.5) * 0.2 * float64(1-2*i)
		}
		if x < wt {
			p = c
			break
		}
		x -= wt
	}
	if !w.fire(w.g.now.AddDays(w.between(0, 2)), "lift.professional_allocated", "lift_chair", map[string]any{"professional": p.name, "service": p.service}, nil) {
		return
	}
	if w.chance(0.04) {
		return // no contact recorded
	}
	days := w.between(1, 5)
	if w.chance(0.1 + 0.25*w.lean) {
		days = w.between(6, 15)
	}
	w.fire(calendar.DefaultHolidays().AddWorkingDays(w.g.now, days), "lift.initial_contact_made", "lift_professional", map[string]any{"professional": p.name}, nil)
}

// review holds the next SEN support review, recording progress, and
// starts the next cycle.
func (w *liftWalk) review() {
	progress := "less_than_expected"
	if w.chance(0.45 + 0.2*w.lean) {
		progress = "expected"
	}
	if w.fire(workday(w.g.now.AddDays(w.between(40, 100))), "support.review_held", "senco", map[string]any{"progress": progress}, nil) &&
		w.fire(workday(w.g.now.AddDays(w.between(1, 10))), "support.cycle_restarted", "senco", nil, nil) &&
		w.fire(workday(w.g.now.AddDays(w.between(5, 15))), "support.plan_agreed", "senco", nil, nil) {
		w.fire(workday(w.g.now.AddDays(w.between(1, 5))), "support.plan_started", "senco", nil, nil)
	}
}

// afterMeeting closes the referral, or returns it to LIFT: adapted
// recommendations, or LIFT exhausted and perhaps high needs funding.
func (w *liftWalk) afterMeeting() {
	if !w.chance(0.45) {
		w.fire(workday(w.g.now.AddDays(w.between(20, 120))), "lift.closed", "senco", nil, nil)
		return
	}
	if !w.fire(workday(w.g.now.AddDays(w.between(10, 60))), "lift.return_requested", "senco", nil, nil) {
		return
	}
	md := w.nextMeeting(w.g.now)
	if w.chance(0.5) {
		recs := []any{liftRecommendations[w.rng.IntN(len(liftRecommendations))]}
		if w.fire(md, "lift.recommendations_adapted", "lift_chair", map[string]any{"outcomes": recs}, nil) {
			if w.chance(0.3) {
				w.allocate()
			}
			w.review()
			w.fire(workday(w.g.now.AddDays(w.between(20, 90))), "lift.closed", "senco", nil, nil)
		}
		return
	}
	if w.fire(md, "lift.exhausted", "lift_chair", map[string]any{"summary_sheet_completed": true}, nil) && w.chance(0.5) {
		w.highNeeds()
	}
}

// highNeeds applies for high needs funding after LIFT is exhausted; once
// it is approved LIFT goes on supporting the school, then closes.
func (w *liftWalk) highNeeds() {
	if !w.fire(workday(w.g.now.AddDays(w.between(10, 40))), "hnf.considered", "school", map[string]any{"annual_provision_cost": float64(w.between(65, 160) * 100)}, nil) ||
		!w.fire(workday(w.g.now.AddDays(w.between(5, 20))), "hnf.applied", "school", nil,
			map[string]any{"evidence": []any{"personalised_plan", "parental_consent"}}) {
		return
	}
	if w.chance(0.25) {
		w.fire(workday(w.g.now.AddDays(w.between(15, 40))), "hnf.declined", "la_hnf", nil, nil)
		return
	}
	if !w.fire(workday(w.g.now.AddDays(w.between(15, 40))), "hnf.approved", "la_hnf", nil, nil) {
		return
	}
	if w.chance(0.6) {
		w.fire(workday(w.g.now.AddDays(w.between(20, 60))), "lift.training_accessed", "senco", map[string]any{"training": []any{liftTraining[w.rng.IntN(len(liftTraining))]}}, nil)
	}
	w.fire(workday(w.g.now.AddDays(w.between(30, 120))), "lift.closed", "lift_chair", nil, nil)
}
