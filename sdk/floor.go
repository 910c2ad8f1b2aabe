package sdk

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// The statutory floor rules: LIFECYCLE.md's four ("Statutory floor") and
// three that follow from its "tighten but never loosen" (docs/decisions.md).
// Each violation names its rule in the message ("statutory floor rule
// RULE: ...").
const (
	// RuleEHCRequestUnguarded: no blocking guard on ehc.requested for a
	// parent or young person (CFA s36(1)).
	RuleEHCRequestUnguarded = "ehc_request_unguarded"
	// RuleClockNotLengthened: a statutory clock may be shortened, never
	// lengthened (nor turned into a window, made excusable, or not started).
	RuleClockNotLengthened = "statutory_clock_not_lengthened"
	// RuleRoleKept: a role statute names keeps every right it has on the
	// statutory tracks (ehc, plan, dispute), and its eligibility.
	RuleRoleKept = "statutory_role_kept"
	// RuleDecisionKept: every appealable decision (CFA s51) is still recorded
	// and still starts the statutory appeal window.
	RuleDecisionKept = "appealable_decision_kept"
	// RuleWindowNotShortened: a statutory window, a family's time to act
	// (representations on a draft plan or amendments, an appeal), may be
	// lengthened but never shortened: shortening it loosens the authority's
	// duty to wait for them (nor may its HESC r12 moves be switched off, nor
	// a bank holiday be taken out of the list).
	RuleWindowNotShortened = "statutory_window_not_shortened"
	// RuleGuardKept: a default guard marked statutory, which protects a
	// statutory right of the child or family, is kept as it is.
	RuleGuardKept = "statutory_guard_kept"
	// RuleProcessKept: the statutory tracks' process (ehc, plan, dispute)
	// is statute's. A default trigger there gains no from-state, no
	// destination and no state it sets, keeps the states it sets, ends no
	// statutory clock it did not end, keeps its payload fields with their
	// types and values, and (on the dispute track, the family's and the
	// Tribunal's) gains no role. A trigger a district adds there records
	// only: it moves no state and ends no statutory clock.
	RuleProcessKept = "statutory_process_kept"
)

// FloorRules lists the statutory floor rules. It returns a new copy on
// every call.
func FloorRules() []string { return slices.Clone(floorRules) }

var floorRules = []string{RuleEHCRequestUnguarded, RuleClockNotLengthened, RuleRoleKept, RuleDecisionKept, RuleWindowNotShortened, RuleGuardKept, RuleProcessKept}

// checkFloor enforces the statutory floor: an overlay may add guards,
// parameters, roles and stricter clocks, but may not loosen what statute
// gives the child and family (the rules above). Each rule is checked in
// turn, in a fixed order, so the violations always come out the same.
func checkFloor(c *compiled, srcs []source, o *originMap, d *diag) {
	if len(srcs) < 2 {
		return
	}
	f := newFloor(c, srcs, o)
	f.tracksKept()
	// 1. A family's own statutory steps (requesting an assessment; seeking
	// mediation and appealing) get no blocking guard for a parent or young
	// person beyond the default's own, unchanged; no required data field the
	// default does not require; and no from-state taken away.
	for _, bt := range f.base.Triggers {
		if bt.FamilyRight != nil {
			checkFamilyRight(c, bt, o, f.add)
		}
	}
	// 2. Statutory roles and appealable decisions stay on every default
	// trigger of a statutory track; statutory clocks are still started;
	// statutory guards are kept.
	for _, bt := range f.base.Triggers {
		t := c.trigBy[bt.ID]
		if t == nil || t.track.def.Disabled {
			continue // a disabled statutory track is reported once, by tracksKept
		}
		w := o.triggers[bt.ID]
		f.rolesKept(bt, t, w)
		f.decisionsKept(bt, t, w)
		f.clocksStarted(bt, t, w)
		f.guardsKept(bt, t, w)
	}
	checkProcess(c, f.base, f.statutoryTrack, f.statutoryClock, o, f.add)
	f.appealClockKept()
	f.eligibilityKept()
	// 3. Statutory clocks may be shortened, never lengthened; statutory
	// windows may be lengthened, never shortened. Both are judged against
	// the default's own calendar, so a holiday list cannot move them.
	checkHolidays(c, o, f.add)
	samples := sampleDates()
	for _, bc := range f.base.Clocks {
		f.clockKept(bc, samples)
	}
	f.report(d)
}

// floor is one check of the statutory floor: the compiled policy, the
// default it is checked against, what the default makes statutory, and
// the violations found so far.
type floor struct {
	c    *compiled
	base Policy
	o    *originMap
	srcs []source
	// statutoryRole and statutoryClock are the default's roles and clocks
	// marked statutory; statutoryTrack its tracks where a trigger records an
	// appealable decision or starts a statutory clock (ehc, plan, dispute).
	statutoryRole, statutoryClock, statutoryTrack map[string]bool
	violations                                    []Problem
}

func newFloor(c *compiled, srcs []source, o *originMap) *floor {
	f := &floor{c: c, base: srcs[0].policy, o: o, srcs: srcs,
		statutoryRole: map[string]bool{}, statutoryClock: map[string]bool{}, statutoryTrack: map[string]bool{}}
	for _, r := range f.base.Roles {
		if r.Statutory {
			f.statutoryRole[r.ID] = true
		}
	}
	for _, bc := range f.base.Clocks {
		f.statutoryClock[bc.ID] = bc.Statutory
	}
	for _, bt := range f.base.Triggers {
		tk, _, _ := strings.Cut(bt.ID, ".")
		if len(decisionsOf(bt)) > 0 {
			f.statutoryTrack[tk] = true
		}
		for _, r := range startsOf(bt) {
			if f.statutoryClock[r.Clock] {
				f.statutoryTrack[tk] = true
			}
		}
	}
	return f
}

// add records a violation of rule, at w.
func (f *floor) add(rule string, w where, format string, args ...any) {
	pos, sn := locate(f.srcs, w.layer, w.path)
	p := policyProblem(CodeStatutoryFloor, "statutory floor rule "+rule+": "+fmt.Sprintf(format, args...), pos)
	p.Snippet = sn
	f.violations = append(f.violations, p)
}

// report adds the violations to d, or, when the policy allows going below
// the floor, makes each a below_statutory_floor warning.
func (f *floor) report(d *diag) {
	if len(f.violations) == 0 {
		return
	}
	if f.c.policy.AllowBelowStatutoryFloor {
		for _, v := range f.violations {
			f.c.warnings = append(f.c.warnings, Warning{Code: "below_statutory_floor", Message: v.Message + " (allowed by allow_below_statutory_floor at " + v.Location + ")"})
		}
		return
	}
	d.problems = append(d.problems, f.violations...)
}

// tracksKept: a statutory track cannot be disabled.
func (f *floor) tracksKept() {
	for _, t := range f.c.tracks {
		if t.def.Disabled && f.statutoryTrack[t.def.ID] {
			f.add(RuleRoleKept+", "+RuleDecisionKept, f.o.tracks[t.def.ID], "track %s cannot be disabled: it carries statutory rights, duties and appealable decisions (CFA Part 3)", t.def.ID)
		}
	}
}

// rolesKept: on a statutory track, every statutory role that may fire the
// default trigger bt still may.
func (f *floor) rolesKept(bt TriggerDef, t *trigger, w where) {
	if !f.statutoryTrack[t.track.def.ID] {
		return
	}
	for _, r := range bt.Roles {
		if f.statutoryRole[r] && !t.roles[r] {
			f.add(RuleRoleKept, w, "trigger %s no longer lets role %s fire it: a policy may not drop a role that statute names", bt.ID, r)
		}
	}
}

// decisionsKept: every appealable decision bt records, t still records,
// as often as bt does.
func (f *floor) decisionsKept(bt TriggerDef, t *trigger, w where) {
	have := decisionsOf(t.def)
	for _, dec := range decisionsOf(bt) {
		if !slices.Contains(have, dec) {
			f.add(RuleDecisionKept, w, "trigger %s no longer records the appealable decision %s: a policy may not remove an appealable decision (CFA s51)", bt.ID, dec)
		}
	}
	// A decision the default makes on every firing is still made on
	// every firing, not only on a branch.
	if bt.Effects.Decision != "" && t.def.Effects.Decision != bt.Effects.Decision && slices.Contains(have, bt.Effects.Decision) {
		f.add(RuleDecisionKept, w, "trigger %s records the appealable decision %s only on a branch: it must be recorded on every firing, as the default does (CFA s51)", bt.ID, bt.Effects.Decision)
	}
	// A decision made on a branch is still made when it was: its branch
	// keeps its condition and the branches before it theirs, so no
	// condition that never holds, and no new branch ahead of it, can
	// take the decision away.
	for i, bb := range bt.Branches {
		if bb.Effects.Decision == "" || !slices.Contains(have, bb.Effects.Decision) {
			continue
		}
		if i >= len(t.def.Branches) || t.def.Branches[i].Effects.Decision != bb.Effects.Decision || !sameConditions(t.def.Branches[:i+1], bt.Branches[:i+1]) {
			f.add(RuleDecisionKept, w, "trigger %s: the branch that records the appealable decision %s (when: %s) must keep its condition and place, and the branches before it theirs, so the decision is made whenever it was (CFA s51)", bt.ID, bb.Effects.Decision, bb.When)
		}
	}
}

// clocksStarted: every statutory clock bt starts, t still starts.
func (f *floor) clocksStarted(bt TriggerDef, t *trigger, w where) {
	started := startsOf(t.def)
	for _, r := range startsOf(bt) {
		if !f.statutoryClock[r.Clock] {
			continue
		}
		if !slices.ContainsFunc(started, func(s ClockRef) bool { return s.Clock == r.Clock }) {
			f.add(RuleClockNotLengthened, w, "trigger %s no longer starts the statutory clock %s: a policy may tighten a statutory clock but never remove it", bt.ID, r.Clock)
		}
	}
}

// guardsKept: bt's statutory guards are kept as the default has them.
func (f *floor) guardsKept(bt TriggerDef, t *trigger, w where) {
	for _, bg := range bt.Guards {
		if !bg.Statutory {
			continue
		}
		gw := f.o.guard(bt.ID, bg.ID, w)
		i := slices.IndexFunc(t.def.Guards, func(g GuardDef) bool { return g.ID == bg.ID })
		switch {
		case i < 0 || t.def.Guards[i].Disabled:
			f.add(RuleGuardKept, gw, "guard %s of %s is switched off: it protects a statutory right (%s) and must be kept", bg.ID, bt.ID, bg.Citation)
		case t.def.Guards[i].Expr != bg.Expr || severity(t.def.Guards[i].Severity) != severity(bg.Severity) || !sameSet(t.def.Guards[i].Roles, bg.Roles):
			f.add(RuleGuardKept, gw, "guard %s of %s is changed: it protects a statutory right (%s) and must be kept as it is; add a guard of your own to be stricter", bg.ID, bt.ID, bg.Citation)
		}
	}
}

// appealClockKept: every appealable decision starts the default's appeal
// window.
func (f *floor) appealClockKept() {
	if f.c.policy.AppealClock != f.base.AppealClock {
		f.add(RuleDecisionKept, f.o.appealClock, "appeal_clock is %s, not %s: every appealable decision starts the statutory appeal window (HESC r20(1)(c))", clip(f.c.policy.AppealClock), f.base.AppealClock)
	}
}

// eligibilityKept: statutory roles keep their eligibility.
func (f *floor) eligibilityKept() {
	for _, br := range f.base.Roles {
		r := f.c.roles[br.ID]
		if !br.Statutory || r == nil {
			continue
		}
		be, ne := "", ""
		if br.Eligibility != nil {
			be = br.Eligibility.Expr
		}
		if r.def.Eligibility != nil {
			ne = r.def.Eligibility.Expr
		}
		if be != ne {
			f.add(RuleRoleKept, f.o.roles[br.ID], "role %s: its eligibility is set by statute and cannot be changed", br.ID)
		}
	}
}

// clockKept: the default's statutory clock bc stays a duty (or window) as
// strict as it was: no later due date for a duty, no earlier end for a
// window, for a start on any of samples.
func (f *floor) clockKept(bc ClockDef, samples []calendar.Date) {
	cs := f.c.clocks[bc.ID]
	if !bc.Statutory || cs == nil {
		return
	}
	w := f.o.clocks[bc.ID]
	baseKind := bc.Kind
	if baseKind == "" {
		baseKind = ClockDuty
	}
	if baseKind == ClockDuty && cs.def.Kind == ClockWindow {
		f.add(RuleClockNotLengthened, w, "clock %s is a statutory duty and cannot become a window (a window is never missed)", bc.ID)
	}
	if !bc.Excusable && cs.def.Excusable {
		f.add(RuleClockNotLengthened, w, "clock %s: statute allows no exceptions to it, so it cannot be made excusable", bc.ID)
	}
	if bc.Unit == "before" || cs.def.Unit == "before" {
		if bc.Unit != cs.def.Unit || bc.Before != cs.def.Before {
			f.add(RuleClockNotLengthened, w, "clock %s: a statutory date limit cannot be changed", bc.ID)
		}
		return
	}
	if bc.LengthParam != "" {
		return // no default statutory clock takes its length from a parameter
	}
	baseHolidays := calendar.DefaultHolidays()
	for _, s := range samples {
		want, err1 := calendar.Due(s, calendar.Unit(bc.Unit), bc.Length, bc.TribunalMoves, baseHolidays)
		got, err2 := calendar.Due(s, cs.unit, cs.length, cs.def.TribunalMoves, f.c.holidays)
		if err1 != nil || err2 != nil {
			continue
		}
		if baseKind == ClockWindow && got.Before(want) {
			f.add(RuleWindowNotShortened, w, "window %s would end %s for a start on %s, before the statutory %s: a family's statutory time to act may be lengthened but never shortened", bc.ID, got, s, want)
			return
		}
		if baseKind == ClockDuty && got.After(want) {
			f.add(RuleClockNotLengthened, w, "clock %s would be due %s for a start on %s, later than the statutory %s: a policy may tighten a statutory clock but never lengthen it", bc.ID, got, s, want)
			return
		}
	}
}

// checkHolidays compares a policy's holiday list with the England & Wales
// bank holidays of the years it names (the bundled list, or the standing
// rules for other years). Leaving one out shortens the tribunal windows
// that move over it; adding a weekday lengthens every working-day duty.
func checkHolidays(c *compiled, o *originMap, add func(string, where, string, ...any)) {
	if len(c.policy.Holidays) == 0 {
		return
	}
	base := calendar.DefaultHolidays()
	years := map[int]bool{}
	for _, h := range c.policy.Holidays {
		if d, err := calendar.ParseDate(h); err == nil {
			years[d.Year] = true
		}
	}
	for _, y := range slices.Sorted(maps.Keys(years)) {
		for d := (calendar.Date{Year: y, Month: time.January, Day: 1}); d.Year == y; d = d.AddDays(1) {
			had, has := base.IsHoliday(d), c.holidays.IsHoliday(d)
			switch {
			case had && !has:
				add(RuleWindowNotShortened, o.holidays, "holidays leaves out the bank holiday %s: tribunal windows that move over it would end sooner (HESC r12)", d)
				return
			case !had && has && base.IsWorkingDay(d):
				add(RuleClockNotLengthened, o.holidays, "holidays adds %s, which is not an England & Wales bank holiday: statutory working-day clocks would be due later (a newly proclaimed bank holiday needs allow_below_statutory_floor until sendflow's list has it)", d)
				return
			}
		}
	}
}

// sameSet reports whether two lists hold the same values, in any order.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) }) &&
		!slices.ContainsFunc(b, func(x string) bool { return !slices.Contains(a, x) })
}

// checkProcess enforces RuleProcessKept on the statutory tracks.
func checkProcess(c *compiled, base Policy, statutoryTrack, statutoryClock map[string]bool, o *originMap, add func(string, where, string, ...any)) {
	baseBy := make(map[string]TriggerDef, len(base.Triggers))
	for _, bt := range base.Triggers {
		baseBy[bt.ID] = bt
	}
	for _, t := range c.triggers {
		tk := t.track.def.ID
		if !statutoryTrack[tk] || t.track.def.Disabled {
			continue
		}
		id, w := t.def.ID, o.triggers[t.def.ID]
		bt, isDefault := baseBy[id]
		if !isDefault {
			for _, d := range slices.Sorted(maps.Keys(moves(t.def))) {
				add(RuleProcessKept, w, "trigger %s is added to the statutory track %s and would move the case (%s): a district may add triggers there that record, not ones that change the statutory process", id, tk, d)
			}
			for _, k := range slices.Sorted(maps.Keys(ends(t.def, statutoryClock))) {
				add(RuleProcessKept, w, "trigger %s is added to the statutory track %s and would end the statutory clock %s", id, tk, k)
			}
			continue
		}
		for _, f := range t.def.From {
			if !slices.Contains(bt.From, f) {
				add(RuleProcessKept, w, "trigger %s can now be fired from %s: the guards that protect its statutory steps assume it cannot", id, f)
			}
		}
		had, has := moves(bt), moves(t.def)
		for _, d := range slices.Sorted(maps.Keys(has)) {
			if !had[d] {
				add(RuleProcessKept, w, "trigger %s would now move the case differently (%s): the statutory process cannot be changed", id, d)
			}
		}
		for _, d := range slices.Sorted(maps.Keys(had)) {
			if strings.HasPrefix(d, "sets ") && !has[d] {
				add(RuleProcessKept, w, "trigger %s no longer %s: the statutory process cannot be changed", id, d)
			}
		}
		hadEnds := ends(bt, statutoryClock)
		for _, k := range slices.Sorted(maps.Keys(ends(t.def, statutoryClock))) {
			if !hadEnds[k] {
				add(RuleProcessKept, w, "trigger %s now ends the statutory clock %s, which the default does not let it end", id, k)
			}
		}
		for _, bf := range bt.Payload {
			i := slices.IndexFunc(t.def.Payload, func(f FieldDef) bool { return f.Name == bf.Name })
			switch {
			case i < 0:
				add(RuleProcessKept, w, "trigger %s no longer takes the data field %s", id, bf.Name)
			case t.def.Payload[i].Type != bf.Type:
				add(RuleProcessKept, w, "trigger %s: data field %s is now a %s, not a %s", id, bf.Name, t.def.Payload[i].Type, bf.Type)
			case len(t.def.Payload[i].Enum) > 0:
				for _, v := range bf.Enum {
					if !slices.Contains(t.def.Payload[i].Enum, v) {
						add(RuleProcessKept, w, "trigger %s: data field %s no longer allows %s", id, bf.Name, v)
					}
				}
			}
		}
		if tk == "dispute" {
			for _, r := range t.def.Roles {
				if !slices.Contains(bt.Roles, r) {
					add(RuleProcessKept, w, "trigger %s: role %s cannot be added: who takes each step of mediation and appeal is set by statute", id, r)
				}
			}
		}
	}
}

// moves lists how a trigger can move a case: its destinations ("to S")
// and the states its effects set ("sets T to S").
func moves(t TriggerDef) map[string]bool {
	out := map[string]bool{}
	note := func(to string, eff Effects) {
		if to != "" {
			out["to "+to] = true
		}
		for tk, st := range eff.SetStates {
			out["sets "+tk+" to "+st] = true
		}
	}
	note(t.To, t.Effects)
	for _, b := range t.Branches {
		note(b.To, b.Effects)
	}
	return out
}

// ends lists the statutory clocks a trigger stops, cancels, voids or
// excuses.
func ends(t TriggerDef, statutory map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, eff := range effectsOf(t) {
		for _, l := range [][]ClockRef{eff.Stop, eff.Cancel, eff.Void, eff.Except} {
			for _, r := range l {
				if statutory[r.Clock] {
					out[r.Clock] = true
				}
			}
		}
	}
	return out
}

// sameConditions reports whether two lists of branches have the same
// conditions in the same order.
func sameConditions(a, b []Branch) bool {
	return slices.EqualFunc(a, b, func(x, y Branch) bool { return x.When == y.When })
}

// checkFamilyRight: the default trigger bt, marked a family right
// (TriggerDef.FamilyRight), is no harder to fire in the compiled policy c.
func checkFamilyRight(c *compiled, bt TriggerDef, o *originMap, add func(string, where, string, ...any)) {
	t := c.trigBy[bt.ID]
	if t == nil {
		return
	}
	fr := bt.FamilyRight
	w := o.triggers[bt.ID]
	for _, g := range t.guards {
		if severity(g.def.Severity) != "block" || (!fr.ByOthers && g.roles != nil && !g.roles["parent"] && !g.roles["young_person"]) {
			continue
		}
		if slices.ContainsFunc(bt.Guards, func(b GuardDef) bool {
			return b.ID == g.def.ID && b.Expr == g.def.Expr && severity(b.Severity) == "block" && sameSet(b.Roles, g.def.Roles)
		}) {
			continue // the default's own guard, unchanged
		}
		gw := o.guard(bt.ID, g.def.ID, w)
		if fr.ByOthers {
			add(fr.Rule, gw, "guard %s blocks %s: %s; make it severity: advice", g.def.ID, bt.ID, fr.Right)
			continue
		}
		add(fr.Rule, gw, "guard %s blocks %s for a parent or young person: %s; make it severity: advice or limit it to other roles", g.def.ID, bt.ID, fr.Right)
	}
	for _, f := range bt.From {
		if !slices.Contains(t.def.From, f) {
			add(fr.Rule, w, "%s can no longer be fired while %s is %s: %s", bt.ID, t.track.def.ID, f, fr.Right)
		}
	}
	// A required payload field refuses a plain request as surely as a guard.
	for _, f := range t.def.Payload {
		if !f.Required {
			continue
		}
		if j := slices.IndexFunc(bt.Payload, func(b FieldDef) bool { return b.Name == f.Name }); j < 0 || !bt.Payload[j].Required {
			add(fr.Rule, w, "%s now requires the data field %s: %s; make the field optional", bt.ID, f.Name, fr.Right)
		}
	}
}

// severity is a guard's severity with the default spelt out.
func severity(s string) string {
	if s == "" {
		return "block"
	}
	return s
}

func decisionsOf(t TriggerDef) []string {
	var out []string
	for _, eff := range effectsOf(t) {
		if eff.Decision != "" {
			out = append(out, eff.Decision)
		}
	}
	return out
}

// sampleDates are start dates spread over a year and across month ends,
// Christmas and August, to compare clock lengths whatever their units.
func sampleDates() []calendar.Date {
	var out []calendar.Date
	for m := time.January; m <= time.December; m++ {
		for _, day := range []int{1, 15, 28} {
			out = append(out, calendar.Date{Year: 2027, Month: m, Day: day})
		}
	}
	out = append(out, calendar.Date{Year: 2027, Month: time.January, Day: 31}, calendar.Date{Year: 2027, Month: time.December, Day: 24},
		calendar.Date{Year: 2027, Month: time.June, Day: 30}, calendar.Date{Year: 2028, Month: time.February, Day: 29})
	return out
}
