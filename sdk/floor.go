package sdk

import (
	"fmt"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// checkFloor enforces the statutory floor of LIFECYCLE.md: an overlay may
// add guards, parameters, roles and stricter clocks, but it may not guard a
// parent's or young person's EHC request, lengthen a statutory clock, drop a
// role that statute names, or remove an appealable decision.
func checkFloor(c *compiled, srcs []source, o *originMap, d *diag) {
	if len(srcs) < 2 {
		return
	}
	base := srcs[0].policy
	var violations []Problem
	add := func(w where, format string, args ...any) {
		p := Problem{Code: string(CodeStatutoryFloor), Message: fmt.Sprintf(format, args...)}
		p.Location, p.Snippet = locate(srcs, w.layer, w.path)
		violations = append(violations, p)
	}
	statutoryRole := map[string]bool{}
	for _, r := range base.Roles {
		if r.Statutory {
			statutoryRole[r.ID] = true
		}
	}
	// 1. No blocking guard on ehc.requested for parent or young_person.
	if t := c.trigBy["ehc.requested"]; t != nil {
		w := o.triggers["ehc.requested"]
		if t.track.def.Disabled {
			add(o.tracks[t.track.def.ID], "the ehc track cannot be disabled: requesting an EHC needs assessment is a statutory right (CFA s36(1))")
		}
		for _, g := range t.guards {
			if g.def.Severity != "block" {
				continue
			}
			if g.roles == nil || g.roles["parent"] || g.roles["young_person"] {
				add(w, "guard %s blocks ehc.requested for a parent or young person: requesting an EHC needs assessment is a statutory right with no precondition (CFA s36(1)); make it severity: advice or limit it to other roles", g.def.ID)
			}
		}
	}
	// 2. Statutory roles and appealable decisions stay on every default trigger.
	for _, bt := range base.Triggers {
		t := c.trigBy[bt.ID]
		w := o.triggers[bt.ID]
		if t == nil {
			continue
		}
		disabled := t.track.def.Disabled
		for _, r := range bt.Roles {
			if statutoryRole[r] && (!t.roles[r] || disabled) {
				add(w, "trigger %s no longer lets role %s fire it: a policy may not drop a role that statute names", bt.ID, r)
			}
		}
		for _, dec := range decisionsOf(bt) {
			found := false
			if !disabled {
				for _, have := range decisionsOf(t.def) {
					if have == dec {
						found = true
					}
				}
			}
			if !found {
				add(w, "trigger %s no longer records the appealable decision %s: a policy may not remove an appealable decision (CFA s51)", bt.ID, dec)
			}
		}
	}
	// 3. Statutory clocks may be shortened, never lengthened.
	samples := sampleDates()
	for _, bc := range base.Clocks {
		if !bc.Statutory || bc.Unit == "before" {
			continue
		}
		cs := c.clocks[bc.ID]
		if cs == nil || cs.def.Unit == "before" {
			continue
		}
		baseLen := bc.Length
		if bc.LengthParam != "" {
			continue // parameter-driven statutory clocks are checked through their parameter below
		}
		for _, s := range samples {
			want, err1 := calendar.Due(s, calendar.Unit(bc.Unit), baseLen, bc.TribunalMoves, c.holidays)
			got, err2 := calendar.Due(s, cs.unit, cs.length, cs.def.TribunalMoves, c.holidays)
			if err1 == nil && err2 == nil && got.After(want) {
				add(o.clocks[bc.ID], "clock %s would be due %s for a start on %s, later than the statutory %s: a policy may tighten a statutory clock but never lengthen it", bc.ID, got, s, want)
				break
			}
		}
	}
	if len(violations) == 0 {
		return
	}
	if c.policy.AllowBelowStatutoryFloor {
		for _, v := range violations {
			c.warnings = append(c.warnings, Warning{Code: "below_statutory_floor", Message: v.Message + " (allowed by allow_below_statutory_floor)"})
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
