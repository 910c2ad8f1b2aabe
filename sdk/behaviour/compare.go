package behaviour

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// refused handles a step the base accepted and the candidate refused: a
// difference when the trigger is on a statutory track (it reports whether
// it was), nothing otherwise (local practice may differ).
func (k *comparer) refused(j *journey, f Firing, err error) bool {
	if !k.tracks[policy.TrackOf(f.Trigger)] {
		return false
	}
	se := sdk.AsError(err)
	d := Difference{Kind: StatutoryStepRefused, Trigger: f.Trigger, Actor: f.Actor, Code: se.Code,
		Reasons: errorReasons(se), Base: "accepted", Candidate: "refused with " + string(se.Code)}
	what := "a step on the statutory " + policy.TrackOf(f.Trigger) + " track"
	if desc := strings.TrimSuffix(k.triggers[f.Trigger].Description, "."); desc != "" {
		what += ": " + desc
	}
	if k.isFamily(f.Trigger, f.Actor) {
		d.Kind = FamilyActionRefused
		what = k.triggers[f.Trigger].FamilyRight.Right
	}
	d.Message = k.refusalMessage(f.Trigger, f.Actor, what, "accepts", se.Code, d.Reasons)
	k.add(j, d, f, j.trail)
	return true
}

// refusalMessage words a refusal for a policy officer.
func (k *comparer) refusalMessage(trigger, actor, what, verb string, code sdk.Code, reasons []string) string {
	why := ""
	if len(reasons) > 0 {
		why = " (" + strings.Join(reasons, "; ") + ")"
	}
	return fmt.Sprintf("%s can no longer fire %s (%s): %s %s it, %s refuses it with %s%s.",
		roleName(actor), trigger, what, k.baseName, verb, k.candName, code, why)
}

// roleName names the role that acts, at the start of a sentence.
func roleName(r string) string {
	switch r {
	case "parent":
		return "A parent"
	case "young_person":
		return "A young person"
	}
	return "The role " + r
}

// errorReasons lists a refusal's failing guards, or its message.
func errorReasons(se *sdk.Error) []string {
	var out []string
	for _, g := range se.Guards {
		out = append(out, "guard "+g.ID+": "+g.Reason)
	}
	if len(out) == 0 && se.Message != "" {
		out = []string{se.Message}
	}
	return out
}

// compareClocks compares the statutory clocks of the base case with the
// candidate's after the same step, each clock that this step started,
// stopped or changed in either case (pb, pc are the cases before it).
func (k *comparer) compareClocks(j *journey, f Firing, pb, pc, b, c sdk.Case) {
	keys := make([]string, 0, len(b.Clocks))
	for key := range b.Clocks {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		bc := b.Clocks[key]
		def, ok := k.clocks[bc.ID]
		if !ok || (same(pb.Clocks, b.Clocks, key) && same(pc.Clocks, c.Clocks, key)) {
			continue
		}
		cc, started := c.Clocks[key]
		// A per-decision clock (appeal_window.d8) is reported by its
		// unqualified id: one difference for every decision's instance.
		name := strings.TrimSuffix(key, "."+bc.Decision)
		d := Difference{Trigger: f.Trigger, Clock: name, Base: clockText(bc)}
		cite := ""
		if def.Citation != "" {
			cite = " (" + def.Citation + ")"
		}
		switch {
		case !started:
			d.Kind, d.Candidate = ClockNotStarted, "not started"
			d.Message = fmt.Sprintf("%s starts the statutory clock %s%s under %s but not under %s: the time limit is lost.",
				f.Trigger, name, cite, k.baseName, k.candName)
		case moved(bc, cc):
			d.Kind, d.Candidate = ClockMoved, clockText(cc)
			d.Message = movedMessage(f.Trigger, name+cite, k.baseName, k.candName, bc, cc)
		case ended(cc) && !ended(bc):
			d.Kind, d.Candidate = ClockEnded, clockText(cc)
			d.Message = fmt.Sprintf("After %s the statutory clock %s%s is %s under %s but %s under %s.",
				f.Trigger, name, cite, bc.Status, k.baseName, cc.Status, k.candName)
		default:
			continue
		}
		k.add(j, d, f, j.trail)
	}
}

// same reports whether clock key is the same in before and after, leaving
// out its status (which moves with the date of each firing).
func same(before, after map[string]sdk.Clock, key string) bool {
	x, okx := before[key]
	y, oky := after[key]
	x.Status, y.Status = "", ""
	return okx == oky && x == y
}

// moved reports whether c starts on another day than b, or is due later
// (a duty) or earlier (a window).
func moved(b, c sdk.Clock) bool {
	if b.StartedAt != c.StartedAt {
		return true
	}
	if b.Kind == sdk.ClockWindow {
		return c.Due < b.Due
	}
	return c.Due > b.Due
}

// ended reports whether a clock was stopped, cancelled or voided by a
// firing (a clock that only ran past its due date has not ended).
func ended(c sdk.Clock) bool { return c.StoppedAt != "" || c.Cancelled || c.Void }

func clockText(c sdk.Clock) string {
	verb := "due"
	if c.Kind == sdk.ClockWindow {
		verb = "ends"
	}
	return fmt.Sprintf("started %s, %s %s, %s", c.StartedAt, verb, c.Due, c.Status)
}

// movedMessage words a clock_moved difference.
func movedMessage(trigger, clock, base, cand string, b, c sdk.Clock) string {
	if b.StartedAt != c.StartedAt {
		return fmt.Sprintf("After %s the statutory clock %s starts on %s under %s but on %s under %s (due %s and %s).",
			trigger, clock, b.StartedAt, base, c.StartedAt, cand, b.Due, c.Due)
	}
	verb := "is due"
	if b.Kind == sdk.ClockWindow {
		verb = "ends"
	}
	return fmt.Sprintf("After %s the statutory clock %s %s %s under %s but %s under %s%s.",
		trigger, clock, verb, b.Due, base, c.Due, cand, movedBy(b, c))
}

// movedBy says how far a due date moved, in days ("" when it did not).
func movedBy(b, c sdk.Clock) string {
	bd, err1 := time.Parse("2006-01-02", b.Due)
	cd, err2 := time.Parse("2006-01-02", c.Due)
	if err1 != nil || err2 != nil || bd.Equal(cd) {
		return ""
	}
	days := int(cd.Sub(bd).Hours() / 24)
	switch {
	case days > 0 && b.Kind == sdk.ClockWindow:
		return fmt.Sprintf(" (%d days later)", days)
	case days > 0:
		return fmt.Sprintf(": the duty falls due %d days later", days)
	case b.Kind == sdk.ClockWindow:
		return fmt.Sprintf(": the family's window ends %d days earlier", -days)
	}
	return fmt.Sprintf(" (%d days earlier)", -days)
}

// compareDecisions reports a decision the base recorded at this step
// (event seq) that the candidate did not.
func (k *comparer) compareDecisions(j *journey, f Firing, b, c sdk.Case, seq int) {
	for _, bd := range b.Decisions {
		if bd.Seq != seq {
			continue
		}
		found := false
		for _, cd := range c.Decisions {
			found = found || (cd.Kind == bd.Kind && cd.At == bd.At && cd.Seq == bd.Seq)
		}
		if found {
			continue
		}
		d := Difference{Kind: DecisionNotRecorded, Trigger: f.Trigger, Decision: bd.Kind,
			Base: "recorded " + bd.Kind + " on " + bd.At, Candidate: "not recorded"}
		d.Message = fmt.Sprintf("%s records the appealable decision %s under %s but not under %s: the family's appeal window does not start.",
			f.Trigger, bd.Kind, k.baseName, k.candName)
		k.add(j, d, f, j.trail)
	}
}

// comparePermitted asks both engines, for each family role, which family
// actions they permit now, and reports each one the base allows and the
// candidate does not.
func (k *comparer) comparePermitted(ctx context.Context, j *journey, b, c sdk.Case, at string) {
	for _, role := range k.roles {
		if !k.familyOpen(b, role) {
			continue
		}
		bp, err := k.base.PermittedContext(ctx, b, role, at, "")
		if err != nil {
			continue
		}
		cp, cerr := k.cand.PermittedContext(ctx, c, role, at, "")
		if cerr != nil && ctx.Err() != nil {
			return
		}
		byTrigger := map[string]sdk.Permission{}
		for _, p := range cp {
			byTrigger[p.Trigger] = p
		}
		for _, p := range bp {
			if !p.Allowed || !k.family[p.Trigger][role] {
				continue
			}
			q, ok := byTrigger[p.Trigger]
			if cerr == nil && ok && q.Allowed {
				continue
			}
			code, reasons := permissionRefusal(q, ok, cerr)
			d := Difference{Kind: FamilyActionRefused, Trigger: p.Trigger, Actor: role, Code: code, Reasons: reasons,
				Base: "allowed", Candidate: "refused with " + string(code)}
			d.Message = k.refusalMessage(p.Trigger, role, k.triggers[p.Trigger].FamilyRight.Right, "allows", code, reasons)
			k.add(j, d, Firing{Trigger: p.Trigger, Actor: role, At: at}, j.trail)
		}
	}
}

// familyOpen reports whether a family-right trigger that counts for role
// may fire from case c's states (so asking is worth it).
func (k *comparer) familyOpen(c sdk.Case, role string) bool {
	for id, roles := range k.family {
		if !roles[role] {
			continue
		}
		st := c.States[policy.TrackOf(id)]
		for _, f := range k.triggers[id].From {
			if st == f || strings.HasPrefix(st, f+".") {
				return true
			}
		}
	}
	return false
}

// permissionRefusal is the code and reasons of a candidate's refusal.
func permissionRefusal(q sdk.Permission, ok bool, err error) (sdk.Code, []string) {
	switch {
	case err != nil:
		se := sdk.AsError(err)
		return se.Code, errorReasons(se)
	case !ok:
		return sdk.CodeUnknownTrigger, []string{"the trigger is not in the policy, or its track is disabled"}
	}
	var reasons []string
	for _, g := range q.Guards {
		reasons = append(reasons, "guard "+g.ID+": "+g.Reason)
	}
	if len(reasons) == 0 && q.Reason != "" {
		reasons = []string{q.Reason}
	}
	return q.Code, reasons
}
