package floor

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// The statutory process as a trigger's effects carry it: what each firing
// does to a statutory track's state, to a statutory clock, and to the
// appealable decisions. The default fixes this for every trigger (for a
// trigger it does not have: nothing at all), so an overlay can change a
// trigger's local effects (a local clock, a local track's state) and
// nothing of these.

// statItem is one thing a firing does to the statutory process.
type statItem struct {
	verb string // starts, stops, cancels, voids, excepts, sets, records, exceptions
	what string // the clock (and source), the "track to state", or the decision
}

func (i statItem) String() string {
	switch i.verb {
	case "sets":
		return "sets " + i.what
	case "records":
		return "records the appealable decision " + i.what
	case "exceptions":
		return i.what
	}
	return i.verb + " the statutory clock " + i.what
}

// statItems lists what effects e do to the statutory process, sorted.
func (f *checker) statItems(e policy.Effects) []statItem {
	var out []statItem
	refs := func(verb string, rs []policy.ClockRef) {
		for _, r := range rs {
			if f.statutoryClock[r.Clock] {
				what := r.Clock
				if r.Source != "" {
					what += " (by " + r.Source + ")"
				}
				out = append(out, statItem{verb, what})
			}
		}
	}
	refs("starts", e.Start)
	refs("stops", e.Stop)
	refs("cancels", e.Cancel)
	refs("voids", e.Void)
	refs("excepts", e.Except)
	for tk, st := range e.SetStates {
		if f.statutoryTrack[tk] {
			out = append(out, statItem{"sets", tk + " to " + st})
		}
	}
	if e.Decision != "" {
		out = append(out, statItem{"records", e.Decision})
	}
	if e.EndException {
		out = append(out, statItem{"exceptions", "ends the open exception"})
	}
	if e.ResetExceptions {
		out = append(out, statItem{"exceptions", "starts a new request with no exception"})
	}
	slices.SortFunc(out, func(a, b statItem) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out)
}

// effectsKept compares what trigger t does to the statutory process with
// what the default's bt does (nil: a trigger the default does not have,
// which may do nothing to it). On a statutory track, or where the default
// trigger's branches carry the statutory process, the branches keep their
// number, order, conditions and destinations, so no new branch can shadow
// one that starts a clock or records a decision.
func (f *checker) effectsKept(bt *policy.TriggerDef, t *Trigger, w policy.Where) {
	var base policy.TriggerDef
	if bt != nil {
		base = *bt
	}
	local := !f.statutoryTrack[t.Track.ID]
	id := t.Def.ID
	f.itemsKept(id, "", f.statItems(base.Effects), f.statItems(t.Def.Effects), local, w)
	if !local && base.To != t.Def.To {
		f.add(RuleProcessKept, w, "trigger %s would move the case to %q, not %q: %s", id, t.Def.To, base.To, processWhy(bt))
	}
	fixed := (!local && bt != nil) || slices.ContainsFunc(base.Branches, func(b policy.Branch) bool { return len(f.statItems(b.Effects)) > 0 })
	if !fixed {
		for i, b := range t.Def.Branches {
			f.itemsKept(id, f.branchName(i, b), nil, f.statItems(b.Effects), local, w)
			if !local && b.To != "" {
				f.add(RuleProcessKept, w, "trigger %s, %s, would move the case to %s: %s", id, f.branchName(i, b), b.To, processWhy(bt))
			}
		}
		return
	}
	if len(t.Def.Branches) != len(base.Branches) || !slices.EqualFunc(t.Def.Branches, base.Branches, func(a, b policy.Branch) bool { return a.When == b.When && (local || a.To == b.To) }) {
		f.add(f.branchRule(base.Branches, t.Def.Branches), w, "trigger %s: its branches carry the statutory process, so they keep the default's number, order, conditions and destinations (%d branch(es)); a new branch ahead of one could stop it ever running", id, len(base.Branches))
		return
	}
	for i, b := range t.Def.Branches {
		f.itemsKept(id, f.branchName(i, b), f.statItems(base.Branches[i].Effects), f.statItems(b.Effects), local, w)
	}
}

// branchRule is the rule a change from the branches had to has breaks:
// judged by what the default's branches do that has's no longer do
// anywhere, or, when nothing is lost outright (a branch shadowed or
// reordered), by what the default's branches do: a decision first, then a
// clock started, else the process.
func (f *checker) branchRule(had, has []policy.Branch) string {
	all := func(bs []policy.Branch) []statItem {
		var out []statItem
		for _, b := range bs {
			out = append(out, f.statItems(b.Effects)...)
		}
		return out
	}
	hasItems, judged := all(has), all(had)
	var lost []statItem
	for _, it := range judged {
		if !slices.Contains(hasItems, it) {
			lost = append(lost, it)
		}
	}
	if len(lost) > 0 {
		judged = lost
	}
	rule := RuleProcessKept
	for _, it := range judged {
		switch it.verb {
		case "records":
			return RuleDecisionKept
		case "starts":
			rule = RuleClockNotLengthened
		}
	}
	if len(lost) > 0 && rule == RuleProcessKept {
		return RuleProcessKept
	}
	return rule
}

// processWhy says why a statutory trigger may not move the case.
func processWhy(bt *policy.TriggerDef) string {
	if bt == nil {
		return "a trigger a policy adds to a statutory track may record a step, not move the case"
	}
	return "the statutory process cannot be changed"
}

// branchName names branch i for a message.
func (f *checker) branchName(i int, b policy.Branch) string {
	if b.When == "" {
		return "branch " + strconv.Itoa(i+1) + " (no condition)"
	}
	return "branch " + strconv.Itoa(i+1) + " (when: " + f.v.Clip(b.When) + ")"
}

// itemsKept reports each statutory item had that has lost, and each it
// gained, under the rule that change would break.
func (f *checker) itemsKept(id, branch string, had, has []statItem, local bool, w policy.Where) {
	at := id
	if branch != "" {
		at += ", " + branch + ","
	}
	for _, it := range had {
		if !slices.Contains(has, it) {
			rule := RuleProcessKept
			switch it.verb {
			case "starts":
				rule = RuleClockNotLengthened
			case "records":
				rule = RuleDecisionKept
			}
			f.add(rule, w, "trigger %s no longer %s: the default's statutory effects are kept (a policy may add local effects beside them)", at, it)
		}
	}
	for _, it := range has {
		if slices.Contains(had, it) {
			continue
		}
		switch {
		case local:
			f.add(RuleLocalPracticeContained, w, "trigger %s is on a local-practice track and %s: only the statutory tracks' own triggers may change their states, clocks and decisions", at, it)
		case it.verb == "starts":
			f.add(RuleClockNotLengthened, w, "trigger %s now %s, which the default does not: starting it again would move its due date later", at, it)
		default:
			f.add(RuleProcessKept, w, "trigger %s now %s, which the default does not: the statutory process cannot be changed", at, it)
		}
	}
}

// sameBounds reports whether two payload fields are bounded and required
// alike.
func sameBounds(a, b policy.FieldDef) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Required == b.Required && a.MinItems == b.MinItems && eq(a.Min, b.Min) && eq(a.Max, b.Max)
}

// stepKept: a default trigger on a statutory track keeps its from-states
// and its payload (fields, types, values), and gains no required field.
func (f *checker) stepKept(bt *policy.TriggerDef, t *Trigger, w policy.Where) {
	id := bt.ID
	for _, s := range t.Def.From {
		if !slices.Contains(bt.From, s) {
			f.add(RuleProcessKept, w, "trigger %s can now be fired from %s: the guards that protect its statutory steps assume it cannot", id, s)
		}
	}
	for _, s := range bt.From {
		if !slices.Contains(t.Def.From, s) && bt.FamilyRight == nil {
			f.add(RuleProcessKept, w, "trigger %s can no longer be fired from %s: the statutory process cannot be changed", id, s)
		}
	}
	for _, bf := range bt.Payload {
		i := slices.IndexFunc(t.Def.Payload, func(x policy.FieldDef) bool { return x.Name == bf.Name })
		switch {
		case i < 0:
			f.add(RuleProcessKept, w, "trigger %s no longer takes the data field %s", id, bf.Name)
		case t.Def.Payload[i].Type != bf.Type:
			f.add(RuleProcessKept, w, "trigger %s: data field %s is now a %s, not a %s", id, bf.Name, t.Def.Payload[i].Type, bf.Type)
		case !sameBounds(t.Def.Payload[i], bf):
			f.add(RuleProcessKept, w, "trigger %s: data field %s keeps the default's bounds and whether it is required (min, max, min_items, required): a statutory step cannot refuse what the default accepts", id, bf.Name)
		case len(t.Def.Payload[i].Enum) > 0:
			for _, v := range bf.Enum {
				if !slices.Contains(t.Def.Payload[i].Enum, v) {
					f.add(RuleProcessKept, w, "trigger %s: data field %s no longer allows %s", id, bf.Name, v)
				}
			}
		}
	}
	if bt.FamilyRight != nil {
		return // familyRight reports a new required field under the right's rule
	}
	for _, x := range t.Def.Payload {
		if x.Required && !slices.ContainsFunc(bt.Payload, func(b policy.FieldDef) bool { return b.Name == x.Name && b.Required }) {
			f.add(RuleProcessKept, w, "trigger %s now requires the data field %s: a statutory step cannot be made to need more than the default asks; make the field optional", id, x.Name)
		}
	}
}
