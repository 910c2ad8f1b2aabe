package sdk

import (
	"github.com/sendflow/sendflow/sdk/internal/floor"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// The statutory floor is checked by sdk/internal/floor over a read-only
// view of the compiled policy that checkFloor builds; this file is its
// public face (the rules, what each protects, the extension points).

// The statutory floor rules: LIFECYCLE.md's four ("Statutory floor") and
// three that follow from its "tighten but never loosen" (docs/decisions.md).
// Each violation names its rule in the message ("statutory floor rule
// RULE: ...").
const (
	// RuleEHCRequestUnguarded: no blocking guard on ehc.requested for a
	// parent or young person (CFA s36(1)).
	RuleEHCRequestUnguarded = floor.RuleEHCRequestUnguarded
	// RuleClockNotLengthened: a statutory clock may be shortened, never
	// lengthened (nor turned into a window, made excusable, or not started).
	RuleClockNotLengthened = floor.RuleClockNotLengthened
	// RuleRoleKept: a role statute names keeps every right it has on the
	// statutory tracks (ehc, plan, dispute), and its eligibility.
	RuleRoleKept = floor.RuleRoleKept
	// RuleDecisionKept: every appealable decision (CFA s51) is still recorded
	// and still starts the statutory appeal window.
	RuleDecisionKept = floor.RuleDecisionKept
	// RuleWindowNotShortened: a statutory window, a family's time to act
	// (representations on a draft plan or amendments, an appeal), may be
	// lengthened but never shortened: shortening it loosens the authority's
	// duty to wait for them (nor may its HESC r12 moves be switched off, nor
	// a bank holiday be taken out of the list).
	RuleWindowNotShortened = floor.RuleWindowNotShortened
	// RuleGuardKept: a default guard marked statutory, which protects a
	// statutory right of the child or family, is kept as it is.
	RuleGuardKept = floor.RuleGuardKept
	// RuleProcessKept: the statutory tracks' process (ehc, plan, dispute)
	// is statute's. A default trigger there gains no from-state, no
	// destination and no state it sets, keeps the states it sets, ends no
	// statutory clock it did not end, keeps its payload fields with their
	// types and values, and (on the dispute track, the family's and the
	// Tribunal's) gains no role. A trigger a district adds there records
	// only: it moves no state and ends no statutory clock.
	RuleProcessKept = floor.RuleProcessKept
	// RuleFamilyRightKept: a family right the default declares
	// (TriggerDef.FamilyRight) gets no blocking guard, no new required
	// data field and no lost from-state for the roles that hold it.
	RuleFamilyRightKept = floor.RuleFamilyRightKept
	// RuleLocalPracticeContained: a trigger on a local-practice track
	// (support, lift, hnf, or one a policy adds) changes no statutory
	// track's state, starts or ends no statutory clock and records no
	// appealable decision.
	RuleLocalPracticeContained = floor.RuleLocalPracticeContained
	// RuleParameterKept: a parameter the default fixes (one its statutory
	// rules read) keeps its value.
	RuleParameterKept = floor.RuleParameterKept
)

// FloorRules lists the statutory floor rules. It returns a new copy on
// every call.
func FloorRules() []string { return floor.Rules() }

// floorRules lists the statutory floor rules, for the compiler's checks of
// waivers and family_right marks.
var floorRules = floor.Rules()

// ExtensionPoint is one thing a policy layer may change, where, and the
// statutory floor rule that stops it going further. ExtensionPoints lists
// them: the author's model of what an overlay can do (docs/policies.md is
// generated from it).
type ExtensionPoint = floor.ExtensionPoint

// ExtensionPoints lists what a policy layer may change, and the rule that
// stops each going further. The list is a copy.
func ExtensionPoints() []ExtensionPoint { return floor.ExtensionPoints() }

// FloorRuleMeaning says what a floor rule protects ("" for an unknown rule).
func FloorRuleMeaning(rule string) string { return floor.Meaning(rule) }

// checkFloor enforces the statutory floor on a policy with overlays
// (floor.Check): its problems go to d, and each violation a layer waives
// becomes a below_statutory_floor warning on every outcome.
func checkFloor(c *compiled, srcs []source, o *originMap, d *diag) {
	if len(srcs) < 2 {
		return
	}
	r := floor.Check(floorView(c, srcs, o))
	for _, p := range r.Problems {
		pr := policyProblem(Code(p.Code), p.Message, p.Pos)
		pr.Snippet = p.Snippet
		d.problems = append(d.problems, pr)
	}
	for _, m := range r.Waived {
		c.warnings = append(c.warnings, Warning{Code: WarningBelowStatutoryFloor, Message: m})
	}
}

// floorView is the floor's read-only view of the compiled policy c: its
// definitions and what compiling them found, never the engine's own
// structures.
func floorView(c *compiled, srcs []source, o *originMap) *floor.View {
	v := &floor.View{Layers: srcs, Origins: o, Policy: c.policy, Params: c.params, Holidays: c.holidays,
		Clocks: map[string]*floor.Clock{}, Roles: map[string]policy.RoleDef{}, ParamsRead: paramsReader(c), Clip: clip}
	for _, t := range c.tracks {
		v.Tracks = append(v.Tracks, t.def)
	}
	for _, t := range c.triggers {
		ft := floor.Trigger{Def: t.def, Track: t.track.def, PassesToYoungPerson: t.passesToYoungPerson}
		for _, g := range t.guards {
			ft.Guards = append(ft.Guards, g.def)
		}
		v.Triggers = append(v.Triggers, ft)
	}
	for id, cs := range c.clocks {
		v.Clocks[id] = &floor.Clock{Def: cs.def, Unit: cs.unit, Length: cs.length}
	}
	for id, r := range c.roles {
		v.Roles[id] = r.def
	}
	return v
}

// paramsReader lists the parameters an expression reads: from its
// compiled program in c (any guard, branch condition, eligibility or clock
// expression with that source), or from its syntax tree when c compiled no
// such expression (a default guard an overlay rewrote).
func paramsReader(c *compiled) func(src string) []string {
	bySrc := map[string][]string{}
	add := func(p *program) {
		if p != nil && p.lazy == nil {
			bySrc[p.src] = p.params
		}
	}
	for _, t := range c.triggers {
		for _, g := range t.guards {
			add(g.prog)
		}
		for _, b := range t.branches {
			add(b.when)
		}
	}
	for _, r := range c.roles {
		if r.eligibility != nil {
			add(r.eligibility.prog)
		}
	}
	for _, cs := range c.clocks {
		add(cs.before)
		add(cs.when)
	}
	return func(src string) []string {
		if ps, ok := bySrc[src]; ok {
			return ps
		}
		return guardlang.ParamsRead(src)
	}
}
