package sdk

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// checkFloor enforces the statutory floor of LIFECYCLE.md: an overlay may
// add guards, parameters, roles and stricter clocks, but it may not guard a
// parent's or young person's EHC request, lengthen a statutory clock, drop a
// role that statute names, or remove an appealable decision.
// The statutory floor rules, as LIFECYCLE.md states them. Each violation
// names its rule in the message ("statutory floor rule RULE: ...").
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
	// RuleDecisionKept: every appealable decision (CFA s51) is still recorded.
	RuleDecisionKept = "appealable_decision_kept"
)

// FloorRules lists the statutory floor rules.
var FloorRules = []string{RuleEHCRequestUnguarded, RuleClockNotLengthened, RuleRoleKept, RuleDecisionKept}

func checkFloor(c *compiled, srcs []source, o *originMap, d *diag) {
	if len(srcs) < 2 {
		return
	}
	base := srcs[0].policy
	var violations []Problem
	add := func(rule string, w where, format string, args ...any) {
		p := Problem{Code: string(CodeStatutoryFloor), Message: "statutory floor rule " + rule + ": " + fmt.Sprintf(format, args...)}
		p.Location, p.Snippet = locate(srcs, w.layer, w.path)
		violations = append(violations, p)
	}
	statutoryRole := map[string]bool{}
	for _, r := range base.Roles {
		if r.Statutory {
			statutoryRole[r.ID] = true
		}
	}
	statutoryClock := map[string]bool{}
	for _, bc := range base.Clocks {
		statutoryClock[bc.ID] = bc.Statutory
	}
	// A track is statutory when a default trigger on it records an
	// appealable decision or starts a statutory clock (ehc, plan, dispute).
	statutoryTrack := map[string]bool{}
	for _, bt := range base.Triggers {
		tk, _, _ := strings.Cut(bt.ID, ".")
		if len(decisionsOf(bt)) > 0 {
			statutoryTrack[tk] = true
		}
		for _, r := range append(append([]ClockRef{}, bt.Effects.Start...), branchStarts(bt)...) {
			if statutoryClock[r.Clock] {
				statutoryTrack[tk] = true
			}
		}
	}
	for _, t := range c.tracks {
		if t.def.Disabled && statutoryTrack[t.def.ID] {
			add(RuleRoleKept+", "+RuleDecisionKept, o.tracks[t.def.ID], "track %s cannot be disabled: it carries statutory rights, duties and appealable decisions (CFA Part 3)", t.def.ID)
		}
	}
	// 1. No blocking guard on ehc.requested for parent or young_person, and
	// no from-state taken away.
	if t := c.trigBy["ehc.requested"]; t != nil {
		w := o.triggers["ehc.requested"]
		for _, g := range t.guards {
			if g.def.Severity != "block" {
				continue
			}
			if g.roles == nil || g.roles["parent"] || g.roles["young_person"] {
				gw, ok := o.guards["ehc.requested/"+g.def.ID]
				if !ok {
					gw = w
				}
				add(RuleEHCRequestUnguarded, gw, "guard %s blocks ehc.requested for a parent or young person: requesting an EHC needs assessment is a statutory right with no precondition (CFA s36(1)); make it severity: advice or limit it to other roles", g.def.ID)
			}
		}
		for _, bt := range base.Triggers {
			if bt.ID != "ehc.requested" {
				continue
			}
			for _, f := range bt.From {
				if !slices.Contains(t.def.From, f) {
					add(RuleEHCRequestUnguarded, w, "ehc.requested can no longer be made while ehc is %s: a parent or young person may request an assessment whatever has gone before (CFA s36(1))", f)
				}
			}
		}
	}
	// 2. Statutory roles and appealable decisions stay on every default
	// trigger of a statutory track; statutory clocks are still started.
	for _, bt := range base.Triggers {
		t := c.trigBy[bt.ID]
		w := o.triggers[bt.ID]
		if t == nil || t.track.def.Disabled {
			continue // a disabled statutory track is reported once above
		}
		if statutoryTrack[t.track.def.ID] {
			for _, r := range bt.Roles {
				if statutoryRole[r] && !t.roles[r] {
					add(RuleRoleKept, w, "trigger %s no longer lets role %s fire it: a policy may not drop a role that statute names", bt.ID, r)
				}
			}
		}
		have := decisionsOf(t.def)
		for _, dec := range decisionsOf(bt) {
			if !slices.Contains(have, dec) {
				add(RuleDecisionKept, w, "trigger %s no longer records the appealable decision %s: a policy may not remove an appealable decision (CFA s51)", bt.ID, dec)
			}
		}
		started := append(append([]ClockRef{}, t.def.Effects.Start...), branchStarts(t.def)...)
		for _, r := range append(append([]ClockRef{}, bt.Effects.Start...), branchStarts(bt)...) {
			if !statutoryClock[r.Clock] {
				continue
			}
			found := false
			for _, s := range started {
				found = found || s.Clock == r.Clock
			}
			if !found {
				add(RuleClockNotLengthened, w, "trigger %s no longer starts the statutory clock %s: a policy may tighten a statutory clock but never remove it", bt.ID, r.Clock)
			}
		}
	}
	// Statutory roles keep their eligibility.
	for _, br := range base.Roles {
		r := c.roles[br.ID]
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
			add(RuleRoleKept, o.roles[br.ID], "role %s: its eligibility is set by statute and cannot be changed", br.ID)
		}
	}
	// 3. Statutory clocks may be shortened, never lengthened.
	samples := sampleDates()
	for _, bc := range base.Clocks {
		if !bc.Statutory {
			continue
		}
		cs := c.clocks[bc.ID]
		if cs == nil {
			continue
		}
		w := o.clocks[bc.ID]
		baseKind := bc.Kind
		if baseKind == "" {
			baseKind = "duty"
		}
		if baseKind == "duty" && cs.def.Kind == "window" {
			add(RuleClockNotLengthened, w, "clock %s is a statutory duty and cannot become a window (a window is never missed)", bc.ID)
		}
		if !bc.Excusable && cs.def.Excusable {
			add(RuleClockNotLengthened, w, "clock %s: statute allows no exceptions to it, so it cannot be made excusable", bc.ID)
		}
		if bc.Unit == "before" || cs.def.Unit == "before" {
			if bc.Unit != cs.def.Unit || bc.Before != cs.def.Before {
				add(RuleClockNotLengthened, w, "clock %s: a statutory date limit cannot be changed", bc.ID)
			}
			continue
		}
		baseLen := bc.Length
		if bc.LengthParam != "" {
			continue // no default statutory clock takes its length from a parameter
		}
		for _, s := range samples {
			want, err1 := calendar.Due(s, calendar.Unit(bc.Unit), baseLen, bc.TribunalMoves, c.holidays)
			got, err2 := calendar.Due(s, cs.unit, cs.length, cs.def.TribunalMoves, c.holidays)
			if err1 == nil && err2 == nil && got.After(want) {
				add(RuleClockNotLengthened, w, "clock %s would be due %s for a start on %s, later than the statutory %s: a policy may tighten a statutory clock but never lengthen it", bc.ID, got, s, want)
				break
			}
		}
	}
	if len(violations) == 0 {
		return
	}
	if c.policy.AllowBelowStatutoryFloor {
		for _, v := range violations {
			c.warnings = append(c.warnings, Warning{Code: "below_statutory_floor", Message: v.Message + " (allowed by allow_below_statutory_floor at " + v.Location + ")"})
		}
		return
	}
	d.problems = append(d.problems, violations...)
}

func decisionsOf(t TriggerDef) []string {
	var out []string
	if t.Effects.Decision != "" {
		out = append(out, t.Effects.Decision)
	}
	for _, b := range t.Branches {
		if b.Effects.Decision != "" {
			out = append(out, b.Effects.Decision)
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
