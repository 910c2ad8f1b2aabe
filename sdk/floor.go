package sdk

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
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
	// RuleFamilyRightKept: a family right the default declares
	// (TriggerDef.FamilyRight) gets no blocking guard, no new required
	// data field and no lost from-state for the roles that hold it.
	RuleFamilyRightKept = "family_right_kept"
	// RuleLocalPracticeContained: a trigger on a local-practice track
	// (support, lift, hnf, or one a policy adds) changes no statutory
	// track's state, starts or ends no statutory clock and records no
	// appealable decision.
	RuleLocalPracticeContained = "local_practice_contained"
	// RuleParameterKept: a parameter the default fixes (one its statutory
	// rules read) keeps its value.
	RuleParameterKept = "statutory_parameter_kept"
)

// FloorRules lists the statutory floor rules. It returns a new copy on
// every call.
func FloorRules() []string { return slices.Clone(floorRules) }

var floorRules = []string{RuleEHCRequestUnguarded, RuleClockNotLengthened, RuleRoleKept, RuleDecisionKept, RuleWindowNotShortened, RuleGuardKept, RuleProcessKept,
	RuleFamilyRightKept, RuleLocalPracticeContained, RuleParameterKept}

// checkFloor enforces the statutory floor by construction: the default
// declares what each layer may change (its extension points: see
// extensionPoints), and everything an overlay changes outside them is a
// violation of the rule it would break. On the statutory tracks an overlay
// may add advisory guards, reasons, record-only triggers, shorter duties
// and longer windows; on local-practice tracks anything that leaves the
// statutory tracks' states, clocks and decisions alone. Each rule is
// checked in turn, in a fixed order, so the violations always come out the
// same.
func checkFloor(c *compiled, srcs []source, o *originMap, d *diag) {
	if len(srcs) < 2 {
		return
	}
	f := newFloor(c, srcs, o)
	f.tracksKept()
	for _, t := range c.triggers {
		if t.track.def.Disabled {
			continue // a disabled statutory track is reported once, by tracksKept
		}
		bt := f.baseTrig[t.def.ID]
		w := o.triggers[t.def.ID]
		if f.statutoryTrack[t.track.def.ID] && bt != nil {
			f.familyRight(bt, t, w)
			f.rightsRuleKept(bt, t, w)
			f.stepKept(bt, t, w)
			f.rolesKept(*bt, t, w)
			f.guardsKept(*bt, t, w)
			f.decisionNamingKept(*bt, t, w)
		}
		f.effectsKept(bt, t, w)
	}
	f.appealClockKept()
	f.perDecisionKept()
	f.eligibilityKept()
	f.parametersKept()
	// Statutory clocks may be shortened, never lengthened; statutory
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
	// marked statutory; statutoryTrack its tracks marked statutory, and any
	// where a trigger records an appealable decision or starts a statutory
	// clock (ehc, plan, dispute).
	statutoryRole, statutoryClock, statutoryTrack map[string]bool
	baseTrig                                      map[string]*TriggerDef
	violations                                    []violation
}

// violation is one breach of the floor, with the layer it is in (a waiver
// covers its own layer only) and the rule it breaks.
type violation struct {
	Problem
	layer int
	rule  string
}

func newFloor(c *compiled, srcs []source, o *originMap) *floor {
	f := &floor{c: c, base: srcs[0].policy, o: o, srcs: srcs, baseTrig: map[string]*TriggerDef{},
		statutoryRole: map[string]bool{}, statutoryClock: map[string]bool{}, statutoryTrack: map[string]bool{}}
	for _, r := range f.base.Roles {
		if r.Statutory {
			f.statutoryRole[r.ID] = true
		}
	}
	for _, bc := range f.base.Clocks {
		f.statutoryClock[bc.ID] = bc.Statutory
	}
	for _, tr := range f.base.Tracks {
		if tr.Statutory {
			f.statutoryTrack[tr.ID] = true
		}
	}
	for i := range f.base.Triggers {
		bt := &f.base.Triggers[i]
		f.baseTrig[bt.ID] = bt
		tk := trackOfID(bt.ID)
		if len(decisionsOf(*bt)) > 0 {
			f.statutoryTrack[tk] = true
		}
		for _, r := range startsOf(*bt) {
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
	f.violations = append(f.violations, violation{Problem: p, layer: w.layer, rule: rule})
}

// report adds the violations to d, except those the layer they are in
// waives (Policy.Waivers, or allow_below_statutory_floor): each of those is
// a below_statutory_floor warning instead. A waiver never reaches another
// layer, so an authority's cannot let a district break the floor.
func (f *floor) report(d *diag) {
	for _, v := range f.violations {
		if !f.waived(v.layer, v.rule) {
			d.problems = append(d.problems, v.Problem)
			continue
		}
		f.c.warnings = append(f.c.warnings, Warning{Code: WarningBelowStatutoryFloor, Message: v.Message + " (waived by " + f.o.layerNames[v.layer] + " at " + v.Location + ")"})
	}
}

// waived reports whether layer waives rule.
func (f *floor) waived(layer int, rule string) bool {
	if layer <= 0 || layer >= len(f.srcs) {
		return false
	}
	p := f.srcs[layer].policy
	return p.AllowBelowStatutoryFloor || slices.ContainsFunc(p.Waivers, func(w Waiver) bool { return w.Rule == rule })
}

// tracksKept: a statutory track cannot be disabled, nor its states or
// initial state changed.
func (f *floor) tracksKept() {
	for _, t := range f.c.tracks {
		if !f.statutoryTrack[t.def.ID] {
			continue
		}
		w := f.o.tracks[t.def.ID]
		if t.def.Disabled {
			f.add(RuleRoleKept+", "+RuleDecisionKept, w, "track %s cannot be disabled: it carries statutory rights, duties and appealable decisions (CFA Part 3)", t.def.ID)
			continue
		}
		i := slices.IndexFunc(f.base.Tracks, func(b TrackDef) bool { return b.ID == t.def.ID })
		if i < 0 {
			continue
		}
		bt := f.base.Tracks[i]
		if bt.Initial != t.def.Initial || !slices.Equal(statePaths("", bt.States), statePaths("", t.def.States)) {
			f.add(RuleProcessKept, w, "track %s is statutory: its states and initial state are set by statute and cannot be changed", t.def.ID)
		}
	}
}

// statePaths lists every state of a tree as dotted paths, with each
// state's initial sub-state, sorted.
func statePaths(prefix string, sts []StateDef) []string {
	var out []string
	for _, s := range sts {
		p := prefix + s.ID
		out = append(out, p+">"+s.Initial)
		out = append(out, statePaths(p+".", s.States)...)
	}
	slices.Sort(out)
	return out
}

// rolesKept: on a statutory track, every statutory role that may fire the
// default trigger bt still may, and no role is added: who takes each
// statutory step is statute's, except where statute lets anyone act.
func (f *floor) rolesKept(bt TriggerDef, t *trigger, w where) {
	for _, r := range bt.Roles {
		if f.statutoryRole[r] && !t.roles[r] {
			f.add(RuleRoleKept, w, "trigger %s no longer lets role %s fire it: a policy may not drop a role that statute names", bt.ID, r)
		}
	}
	if slices.Contains(bt.Roles, "anyone") {
		return
	}
	for _, r := range t.def.Roles {
		if !slices.Contains(bt.Roles, r) {
			f.add(RuleProcessKept, w, "trigger %s: role %s cannot be added: who takes each statutory step is set by statute", bt.ID, r)
		}
	}
}

// guardsKept: on a statutory track, the default trigger bt's statutory
// guards are kept as the default has them; its other guards may be
// relaxed (switched off or made advisory) but not changed; and a guard an
// overlay adds is advisory. (A family right's guards are judged by
// familyRight first, under its own rule.)
func (f *floor) guardsKept(bt TriggerDef, t *trigger, w where) {
	for _, g := range t.def.Guards {
		gw := f.o.guard(bt.ID, g.ID, w)
		i := slices.IndexFunc(bt.Guards, func(b GuardDef) bool { return b.ID == g.ID })
		if i < 0 {
			if !g.Disabled && severity(g.Severity) == "block" && !f.rightHolderGuard(bt, g) {
				f.add(RuleProcessKept, gw, "guard %s would refuse the statutory step %s: on the statutory tracks a policy may add advisory guards only (severity: advice)", g.ID, bt.ID)
			}
			continue
		}
		bg := bt.Guards[i]
		changed := g.Expr != bg.Expr || !sameSet(g.Roles, bg.Roles)
		switch {
		case bg.Statutory && g.Disabled:
			f.add(RuleGuardKept, gw, "guard %s of %s is switched off: it protects a statutory right (%s) and must be kept", bg.ID, bt.ID, bg.Citation)
		case bg.Statutory && (changed || severity(g.Severity) != severity(bg.Severity)):
			f.add(RuleGuardKept, gw, "guard %s of %s is changed: it protects a statutory right (%s) and must be kept as it is; add a guard of your own to be stricter", bg.ID, bt.ID, bg.Citation)
		case g.Disabled || f.rightHolderGuard(bt, g):
		case changed || (severity(bg.Severity) == "advice" && severity(g.Severity) == "block"):
			f.add(RuleProcessKept, gw, "guard %s of the statutory step %s is changed: it may be switched off or made advisory, not rewritten (the check cannot tell a gentler expression from a stricter one)", bg.ID, bt.ID)
		}
	}
}

// sameSet reports whether two lists hold the same values, in any order.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) }) &&
		!slices.ContainsFunc(b, func(x string) bool { return !slices.Contains(a, x) })
}

// appealClockKept: every appealable decision starts the default's appeal
// window.
func (f *floor) appealClockKept() {
	if f.c.policy.AppealClock != f.base.AppealClock {
		f.add(RuleDecisionKept, f.o.appealClock, "appeal_clock is %s, not %s: every appealable decision starts the statutory appeal window (HESC r20(1)(c))", clip(f.c.policy.AppealClock), f.base.AppealClock)
	}
}

// perDecisionKept: the default's per-decision track and clocks stay as they
// are: one dispute, with its own clocks, per appealable decision (CFA
// s51(2); R33; HESC r20(1)(c)).
func (f *floor) perDecisionKept() {
	for _, bt := range f.base.Tracks {
		t := f.c.trackBy[bt.ID]
		if t == nil || (bt.PerDecision == nil && t.def.PerDecision == nil) {
			continue
		}
		if bt.PerDecision == nil || t.def.PerDecision == nil || !reflect.DeepEqual(*bt.PerDecision, *t.def.PerDecision) {
			f.add(RuleDecisionKept, f.o.tracks[bt.ID], "track %s: per_decision is set by the default policy: every appealable decision has its own dispute, time to appeal and clocks (CFA s51(2))", bt.ID)
		}
	}
	for _, bc := range f.base.Clocks {
		if cs := f.c.clocks[bc.ID]; cs != nil && cs.def.PerDecision != bc.PerDecision {
			f.add(RuleDecisionKept, f.o.clocks[bc.ID], "clock %s: per_decision is set by the default policy (each decision keeps its own instance)", bc.ID)
		}
	}
}

// decisionNamingKept: a statutory trigger keeps the default's decision
// naming (decision_open) and the decision its guards read (on_decision):
// plan.ceased waits for the cease decision's own dispute.
func (f *floor) decisionNamingKept(bt TriggerDef, t *trigger, w where) {
	if bt.OnDecision != t.def.OnDecision || !slices.Equal(bt.DecisionOpen, t.def.DecisionOpen) || !slices.Equal(bt.DecisionStates, t.def.DecisionStates) {
		f.add(RuleDecisionKept, w, "trigger %s: on_decision and decision_open are set by the default policy (which decision the step acts on is statute's)", bt.ID)
	}
	if !reflect.DeepEqual(bt.Instead, t.def.Instead) {
		f.add(RuleProcessKept, w, "trigger %s: instead is set by the default policy (what a step is, and when it is not possible, is statute's)", bt.ID)
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

// exceptionsWidened says how the exception rules of clock def widen those
// of the default's bc ("" when they do not): a reason bc does not list, a
// shorter minimum period, or an advice condition dropped or changed. A
// clock bc gives rules keeps them (Excusable without rules would excuse
// it for any reason).
func exceptionsWidened(bc, def ClockDef) string {
	if len(bc.Exceptions) == 0 {
		return ""
	}
	if len(def.Exceptions) == 0 && def.Excusable {
		return "excusable without exception rules would excuse it for any reason"
	}
	for _, r := range def.Exceptions {
		i := slices.IndexFunc(bc.Exceptions, func(b ExceptionRule) bool { return b.Reason == r.Reason })
		switch {
		case i < 0:
			return fmt.Sprintf("statute lists no exception %s for it", r.Reason)
		case r.MinDays < bc.Exceptions[i].MinDays:
			return fmt.Sprintf("exception %s needs at least %d days, not %d", r.Reason, bc.Exceptions[i].MinDays, r.MinDays)
		case bc.Exceptions[i].AdviceClock != "" && (r.AdviceClock != bc.Exceptions[i].AdviceClock || r.AdviceDaysBefore != bc.Exceptions[i].AdviceDaysBefore):
			return fmt.Sprintf("exception %s keeps its advice condition (%s, %d days)", r.Reason, bc.Exceptions[i].AdviceClock, bc.Exceptions[i].AdviceDaysBefore)
		case !startersKept(bc.Exceptions[i], r):
			return fmt.Sprintf("exception %s keeps the triggers it is limited to (started_by, not_started_by)", r.Reason)
		}
	}
	return ""
}

// startersKept: rule r reaches no clock base does not: started by the
// triggers base names (all of them, if r names none and base does) and by
// none base leaves out (r leaves them out too, or names only others).
func startersKept(base, r ExceptionRule) bool {
	if len(base.StartedBy) > 0 && (len(r.StartedBy) == 0 || slices.ContainsFunc(r.StartedBy, func(s string) bool { return !slices.Contains(base.StartedBy, s) })) {
		return false
	}
	leftOut := func(s string) bool { return slices.Contains(r.NotStartedBy, s) }
	if len(r.StartedBy) > 0 {
		return !slices.ContainsFunc(r.StartedBy, func(s string) bool { return slices.Contains(base.NotStartedBy, s) && !leftOut(s) })
	}
	return !slices.ContainsFunc(base.NotStartedBy, func(s string) bool { return !leftOut(s) })
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
	if w.layer == 0 && f.o.holidays.layer > 0 {
		w = f.o.holidays // the clock is the default's: a holiday list moved it
	}
	baseKind := bc.Kind
	if baseKind == "" {
		baseKind = ClockDuty
	}
	kind := cs.def.Kind
	if kind == "" {
		kind = ClockDuty
	}
	switch {
	case baseKind == ClockDuty && kind != ClockDuty:
		f.add(RuleClockNotLengthened, w, "clock %s is a statutory duty and cannot become a %s (a window is never missed)", bc.ID, kind)
	case baseKind == ClockWindow && kind != ClockWindow:
		f.add(RuleWindowNotShortened, w, "clock %s is a statutory window, the family's time to act, and cannot become a %s", bc.ID, kind)
	}
	if bc.PerSource != cs.def.PerSource {
		f.add(RuleClockNotLengthened, w, "clock %s: whether it runs once per source is set by statute (R6, R8) and cannot be changed", bc.ID)
	}
	if !bc.Excusable && len(bc.Exceptions) == 0 && (cs.def.Excusable || len(cs.def.Exceptions) > 0) {
		f.add(RuleClockNotLengthened, w, "clock %s: statute allows no exceptions to it, so it cannot be made excusable", bc.ID)
	}
	if msg := exceptionsWidened(bc, cs.def); msg != "" {
		f.add(RuleClockNotLengthened, w, "clock %s: %s: a policy may narrow the exceptions statute allows, never widen them", bc.ID, msg)
	}
	if isBeforeUnit(bc.Unit) || isBeforeUnit(cs.def.Unit) {
		f.beforeKept(bc, baseKind, cs, w, samples)
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

// isBeforeUnit reports whether a clock unit counts back from a date D.
func isBeforeUnit(u string) bool { return u == "before" || calendar.Unit(u).BeforeValid() }

// beforeKept: a statutory clock counted back from a date D keeps its date
// expression and stays as strict: a duty ("at least 2 weeks before the
// meeting") may be made earlier but not later, a window may end later but
// not earlier, for D on any of samples.
func (f *floor) beforeKept(bc ClockDef, baseKind ClockKind, cs *clockSpec, w where, samples []calendar.Date) {
	if !isBeforeUnit(bc.Unit) || !isBeforeUnit(cs.def.Unit) || bc.Before != cs.def.Before {
		f.add(RuleClockNotLengthened, w, "clock %s: a statutory date limit cannot be changed", bc.ID)
		return
	}
	base := &clockSpec{def: bc, unit: calendar.Unit(bc.Unit), length: bc.Length}
	for _, d := range samples {
		want, _, err1 := beforeDue(d, base)
		got, _, err2 := beforeDue(d, cs)
		if err1 != nil || err2 != nil {
			continue
		}
		if baseKind == ClockWindow && got.Before(want) {
			f.add(RuleWindowNotShortened, w, "window %s would end %s for the date %s, before the statutory %s: a family's statutory time to act may be lengthened but never shortened", bc.ID, got, d, want)
			return
		}
		if baseKind != ClockWindow && got.After(want) {
			f.add(RuleClockNotLengthened, w, "clock %s would be due %s for the date %s, later than the statutory %s: a policy may make a statutory deadline earlier but never later", bc.ID, got, d, want)
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
				add(RuleClockNotLengthened, o.holidays, "holidays adds %s, which is not an England & Wales bank holiday: statutory working-day clocks would be due later (a newly proclaimed bank holiday needs a waiver of this rule in the layer that adds it until sendflow's list has it)", d)
				return
			}
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
