// Package floor is the statutory floor: what an overlay may change in the
// default policy, and the rule each change beyond that breaks. It judges
// an explicit, read-only View of the compiled policy (its layers, where
// each element came from, the merged definitions and what compiling them
// found) that the sdk package builds and passes in; it never reaches into
// the engine's own structures. ExtensionPoints and Meaning describe the
// rules for the docs.
package floor

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/policy"
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

// Rules lists the statutory floor rules. It returns a new copy on every
// call.
func Rules() []string { return slices.Clone(rules) }

var rules = []string{RuleEHCRequestUnguarded, RuleClockNotLengthened, RuleRoleKept, RuleDecisionKept, RuleWindowNotShortened, RuleGuardKept, RuleProcessKept,
	RuleFamilyRightKept, RuleLocalPracticeContained, RuleParameterKept}

// IsRule reports whether rule is a statutory floor rule.
func IsRule(rule string) bool { return slices.Contains(rules, rule) }

// Check enforces the statutory floor by construction: the default (the
// first layer) declares what each layer may change (its extension points:
// see ExtensionPoints), and everything an overlay changes outside them is a
// violation of the rule it would break. On the statutory tracks an overlay
// may add advisory guards, reasons, record-only triggers, shorter duties
// and longer windows; on local-practice tracks anything that leaves the
// statutory tracks' states, clocks and decisions alone. Each rule is
// checked in turn, in a fixed order, so the violations always come out the
// same. With one layer there is nothing to check.
func Check(v *View) Result {
	if len(v.Layers) < 2 {
		return Result{}
	}
	f := newChecker(v)
	f.tracksKept()
	for i := range v.Triggers {
		t := &v.Triggers[i]
		if t.Track.Disabled {
			continue // a disabled statutory track is reported once, by tracksKept
		}
		bt := f.baseTrig[t.Def.ID]
		w := v.Origins.Triggers[t.Def.ID]
		if f.statutoryTrack[t.Track.ID] && bt != nil {
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
	checkHolidays(v, f.add)
	samples := sampleDates()
	for _, bc := range f.base.Clocks {
		f.clockKept(bc, samples)
	}
	return f.report()
}

// checker is one check of the statutory floor: the view of the policy, the
// default it is checked against, what the default makes statutory, and the
// violations found so far.
type checker struct {
	v    *View
	base policy.Policy
	// statutoryRole and statutoryClock are the default's roles and clocks
	// marked statutory; statutoryTrack its tracks marked statutory, and any
	// where a trigger records an appealable decision or starts a statutory
	// clock (ehc, plan, dispute).
	statutoryRole, statutoryClock, statutoryTrack map[string]bool
	baseTrig                                      map[string]*policy.TriggerDef
	// trackBy is the compiled policy's tracks by id.
	trackBy    map[string]*policy.TrackDef
	violations []violation
}

// violation is one breach of the floor, with where it is (a waiver covers
// its own layer only) and the rule it breaks.
type violation struct {
	rule, message string
	w             policy.Where
}

func newChecker(v *View) *checker {
	f := &checker{v: v, base: v.Layers[0].Policy, baseTrig: map[string]*policy.TriggerDef{}, trackBy: map[string]*policy.TrackDef{},
		statutoryRole: map[string]bool{}, statutoryClock: map[string]bool{}, statutoryTrack: map[string]bool{}}
	for i := range v.Tracks {
		f.trackBy[v.Tracks[i].ID] = &v.Tracks[i]
	}
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
		tk := policy.TrackOf(bt.ID)
		if len(policy.DecisionsOf(*bt)) > 0 {
			f.statutoryTrack[tk] = true
		}
		for _, r := range policy.StartsOf(*bt) {
			if f.statutoryClock[r.Clock] {
				f.statutoryTrack[tk] = true
			}
		}
	}
	return f
}

// add records a violation of rule, at w. It is called from some sixty
// places and never on a hot path: kept out of line, it costs the
// WebAssembly module a few kilobytes less (docs/performance.md).
//
//go:noinline
func (f *checker) add(rule string, w policy.Where, format string, args ...any) {
	f.violations = append(f.violations, violation{rule: rule, w: w, message: "statutory floor rule " + rule + ": " + fmt.Sprintf(format, args...)})
}

// report places each violation in its layer's source and sorts it: a
// problem (code statutory_floor), unless the layer it is in waives its
// rule (Policy.Waivers, or allow_below_statutory_floor), when it is the
// message of a below_statutory_floor warning instead. A waiver never
// reaches another layer, so an authority's cannot let a district break
// the floor.
func (f *checker) report() Result {
	var r Result
	for _, v := range f.violations {
		var pos policy.Position
		var sn string
		if v.w.Layer >= 0 && v.w.Layer < len(f.v.Layers) {
			pos, sn = f.v.Layers[v.w.Layer].Locate(v.w.Path, 0)
		}
		if !f.waived(v.w.Layer, v.rule) {
			r.Problems = append(r.Problems, policy.Problem{Code: CodeStatutoryFloor, Message: v.message, Pos: pos, Snippet: sn})
			continue
		}
		r.Waived = append(r.Waived, v.message+" (waived by "+f.v.Origins.LayerNames[v.w.Layer]+" at "+pos.String()+")")
	}
	return r
}

// waived reports whether layer waives rule.
func (f *checker) waived(layer int, rule string) bool {
	if layer <= 0 || layer >= len(f.v.Layers) {
		return false
	}
	p := f.v.Layers[layer].Policy
	return p.AllowBelowStatutoryFloor || slices.ContainsFunc(p.Waivers, func(w policy.Waiver) bool { return w.Rule == rule })
}

// tracksKept: a statutory track cannot be disabled, nor its states or
// initial state changed.
func (f *checker) tracksKept() {
	for _, t := range f.v.Tracks {
		if !f.statutoryTrack[t.ID] {
			continue
		}
		w := f.v.Origins.Tracks[t.ID]
		if t.Disabled {
			f.add(RuleRoleKept+", "+RuleDecisionKept, w, "track %s cannot be disabled: it carries statutory rights, duties and appealable decisions (CFA Part 3)", t.ID)
			continue
		}
		i := slices.IndexFunc(f.base.Tracks, func(b policy.TrackDef) bool { return b.ID == t.ID })
		if i < 0 {
			continue
		}
		bt := f.base.Tracks[i]
		if bt.Initial != t.Initial || !slices.Equal(statePaths("", bt.States), statePaths("", t.States)) {
			f.add(RuleProcessKept, w, "track %s is statutory: its states and initial state are set by statute and cannot be changed", t.ID)
		}
	}
}

// statePaths lists every state of a tree as dotted paths, with each
// state's initial sub-state, sorted.
func statePaths(prefix string, sts []policy.StateDef) []string {
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
func (f *checker) rolesKept(bt policy.TriggerDef, t *Trigger, w policy.Where) {
	for _, r := range bt.Roles {
		if f.statutoryRole[r] && !slices.Contains(t.Def.Roles, r) {
			f.add(RuleRoleKept, w, "trigger %s no longer lets role %s fire it: a policy may not drop a role that statute names", bt.ID, r)
		}
	}
	if slices.Contains(bt.Roles, "anyone") {
		return
	}
	for _, r := range t.Def.Roles {
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
func (f *checker) guardsKept(bt policy.TriggerDef, t *Trigger, w policy.Where) {
	for _, g := range t.Def.Guards {
		gw := f.v.Origins.Guard(bt.ID, g.ID, w)
		i := slices.IndexFunc(bt.Guards, func(b policy.GuardDef) bool { return b.ID == g.ID })
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
func (f *checker) appealClockKept() {
	if f.v.Policy.AppealClock != f.base.AppealClock {
		f.add(RuleDecisionKept, f.v.Origins.AppealClock, "appeal_clock is %s, not %s: every appealable decision starts the statutory appeal window (HESC r20(1)(c))", f.v.Clip(f.v.Policy.AppealClock), f.base.AppealClock)
	}
}

// perDecisionKept: the default's per-decision track and clocks stay as they
// are: one dispute, with its own clocks, per appealable decision (CFA
// s51(2); R33; HESC r20(1)(c)).
func (f *checker) perDecisionKept() {
	for _, bt := range f.base.Tracks {
		t := f.trackBy[bt.ID]
		if t == nil || (bt.PerDecision == nil && t.PerDecision == nil) {
			continue
		}
		if bt.PerDecision == nil || t.PerDecision == nil || !reflect.DeepEqual(*bt.PerDecision, *t.PerDecision) {
			f.add(RuleDecisionKept, f.v.Origins.Tracks[bt.ID], "track %s: per_decision is set by the default policy: every appealable decision has its own dispute, time to appeal and clocks (CFA s51(2))", bt.ID)
		}
	}
	for _, bc := range f.base.Clocks {
		if cs := f.v.Clocks[bc.ID]; cs != nil && cs.Def.PerDecision != bc.PerDecision {
			f.add(RuleDecisionKept, f.v.Origins.Clocks[bc.ID], "clock %s: per_decision is set by the default policy (each decision keeps its own instance)", bc.ID)
		}
	}
}

// decisionNamingKept: a statutory trigger keeps the default's decision
// naming (decision_open) and the decision its guards read (on_decision):
// plan.ceased waits for the cease decision's own dispute.
func (f *checker) decisionNamingKept(bt policy.TriggerDef, t *Trigger, w policy.Where) {
	if bt.OnDecision != t.Def.OnDecision || !slices.Equal(bt.DecisionOpen, t.Def.DecisionOpen) || !slices.Equal(bt.DecisionStates, t.Def.DecisionStates) {
		f.add(RuleDecisionKept, w, "trigger %s: on_decision and decision_open are set by the default policy (which decision the step acts on is statute's)", bt.ID)
	}
	if !reflect.DeepEqual(bt.Instead, t.Def.Instead) {
		f.add(RuleProcessKept, w, "trigger %s: instead is set by the default policy (what a step is, and when it is not possible, is statute's)", bt.ID)
	}
}

// eligibilityKept: statutory roles keep their eligibility.
func (f *checker) eligibilityKept() {
	for _, br := range f.base.Roles {
		r, ok := f.v.Roles[br.ID]
		if !br.Statutory || !ok {
			continue
		}
		be, ne := "", ""
		if br.Eligibility != nil {
			be = br.Eligibility.Expr
		}
		if r.Eligibility != nil {
			ne = r.Eligibility.Expr
		}
		if be != ne {
			f.add(RuleRoleKept, f.v.Origins.Roles[br.ID], "role %s: its eligibility is set by statute and cannot be changed", br.ID)
		}
	}
}

// exceptionsWidened says how the exception rules of clock def widen those
// of the default's bc ("" when they do not): a reason bc does not list, a
// shorter minimum period, or an advice condition dropped or changed. A
// clock bc gives rules keeps them (Excusable without rules would excuse
// it for any reason).
func exceptionsWidened(bc, def policy.ClockDef) string {
	if len(bc.Exceptions) == 0 {
		return ""
	}
	if len(def.Exceptions) == 0 && def.Excusable {
		return "excusable without exception rules would excuse it for any reason"
	}
	for _, r := range def.Exceptions {
		i := slices.IndexFunc(bc.Exceptions, func(b policy.ExceptionRule) bool { return b.Reason == r.Reason })
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
func startersKept(base, r policy.ExceptionRule) bool {
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
func (f *checker) clockKept(bc policy.ClockDef, samples []calendar.Date) {
	cs := f.v.Clocks[bc.ID]
	if !bc.Statutory || cs == nil {
		return
	}
	w := f.v.Origins.Clocks[bc.ID]
	if w.Layer == 0 && f.v.Origins.Holidays.Layer > 0 {
		w = f.v.Origins.Holidays // the clock is the default's: a holiday list moved it
	}
	baseKind := bc.Kind
	if baseKind == "" {
		baseKind = policy.ClockDuty
	}
	kind := cs.Def.Kind
	if kind == "" {
		kind = policy.ClockDuty
	}
	switch {
	case baseKind == policy.ClockDuty && kind != policy.ClockDuty:
		f.add(RuleClockNotLengthened, w, "clock %s is a statutory duty and cannot become a %s (a window is never missed)", bc.ID, kind)
	case baseKind == policy.ClockWindow && kind != policy.ClockWindow:
		f.add(RuleWindowNotShortened, w, "clock %s is a statutory window, the family's time to act, and cannot become a %s", bc.ID, kind)
	}
	if bc.PerSource != cs.Def.PerSource {
		f.add(RuleClockNotLengthened, w, "clock %s: whether it runs once per source is set by statute (R6, R8) and cannot be changed", bc.ID)
	}
	if !bc.Excusable && len(bc.Exceptions) == 0 && (cs.Def.Excusable || len(cs.Def.Exceptions) > 0) {
		f.add(RuleClockNotLengthened, w, "clock %s: statute allows no exceptions to it, so it cannot be made excusable", bc.ID)
	}
	if msg := exceptionsWidened(bc, cs.Def); msg != "" {
		f.add(RuleClockNotLengthened, w, "clock %s: %s: a policy may narrow the exceptions statute allows, never widen them", bc.ID, msg)
	}
	if isBeforeUnit(bc.Unit) || isBeforeUnit(cs.Def.Unit) {
		f.beforeKept(bc, baseKind, cs, w, samples)
		return
	}
	if bc.LengthParam != "" {
		return // no default statutory clock takes its length from a parameter
	}
	baseHolidays := calendar.DefaultHolidays()
	for _, s := range samples {
		want, err1 := calendar.Due(s, calendar.Unit(bc.Unit), bc.Length, bc.TribunalMoves, baseHolidays)
		got, err2 := calendar.Due(s, cs.Unit, cs.Length, cs.Def.TribunalMoves, f.v.Holidays)
		if err1 != nil || err2 != nil {
			continue
		}
		if baseKind == policy.ClockWindow && got.Before(want) {
			f.add(RuleWindowNotShortened, w, "window %s would end %s for a start on %s, before the statutory %s: a family's statutory time to act may be lengthened but never shortened", bc.ID, got, s, want)
			return
		}
		if baseKind == policy.ClockDuty && got.After(want) {
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
func (f *checker) beforeKept(bc policy.ClockDef, baseKind policy.ClockKind, cs *Clock, w policy.Where, samples []calendar.Date) {
	if !isBeforeUnit(bc.Unit) || !isBeforeUnit(cs.Def.Unit) || bc.Before != cs.Def.Before {
		f.add(RuleClockNotLengthened, w, "clock %s: a statutory date limit cannot be changed", bc.ID)
		return
	}
	for _, d := range samples {
		want, err1 := calendar.Before(d, calendar.Unit(bc.Unit), bc.Length)
		got, err2 := calendar.Before(d, cs.Unit, cs.Length)
		if err1 != nil || err2 != nil {
			continue
		}
		if baseKind == policy.ClockWindow && got.Before(want) {
			f.add(RuleWindowNotShortened, w, "window %s would end %s for the date %s, before the statutory %s: a family's statutory time to act may be lengthened but never shortened", bc.ID, got, d, want)
			return
		}
		if baseKind != policy.ClockWindow && got.After(want) {
			f.add(RuleClockNotLengthened, w, "clock %s would be due %s for the date %s, later than the statutory %s: a policy may make a statutory deadline earlier but never later", bc.ID, got, d, want)
			return
		}
	}
}

// checkHolidays compares a policy's holiday list with the England & Wales
// bank holidays of the years it names (the bundled list, or the standing
// rules for other years). Leaving one out shortens the tribunal windows
// that move over it; adding a weekday lengthens every working-day duty.
func checkHolidays(v *View, add func(string, policy.Where, string, ...any)) {
	if len(v.Policy.Holidays) == 0 {
		return
	}
	base := calendar.DefaultHolidays()
	years := map[int]bool{}
	for _, h := range v.Policy.Holidays {
		if d, err := calendar.ParseDate(h); err == nil {
			years[d.Year] = true
		}
	}
	for _, y := range slices.Sorted(maps.Keys(years)) {
		for d := (calendar.Date{Year: y, Month: time.January, Day: 1}); d.Year == y; d = d.AddDays(1) {
			had, has := base.IsHoliday(d), v.Holidays.IsHoliday(d)
			switch {
			case had && !has:
				add(RuleWindowNotShortened, v.Origins.Holidays, "holidays leaves out the bank holiday %s: tribunal windows that move over it would end sooner (HESC r12)", d)
				return
			case !had && has && base.IsWorkingDay(d):
				add(RuleClockNotLengthened, v.Origins.Holidays, "holidays adds %s, which is not an England & Wales bank holiday: statutory working-day clocks would be due later (a newly proclaimed bank holiday needs a waiver of this rule in the layer that adds it until sendflow's list has it)", d)
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
