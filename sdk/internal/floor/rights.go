package floor

import (
	"reflect"
	"slices"

	"github.com/sendflow/sendflow/sdk/internal/canon"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// Family rights: the default marks every trigger by which a parent, young
// person, school or anyone uses a statutory right (TriggerDef.FamilyRight),
// once, with the roles that hold it. No overlay may make such a step harder
// for them: no blocking guard beyond the default's own (unchanged), no
// newly required data field, no from-state taken away.

// rightHolders are the roles that hold the family right bt declares.
func rightHolders(bt *policy.TriggerDef) []string {
	fr := bt.FamilyRight
	switch {
	case fr == nil:
		return nil
	case len(fr.Roles) > 0:
		return fr.Roles
	case fr.ByOthers:
		return bt.Roles
	}
	return []string{"parent", "young_person"}
}

// rightHolderGuard reports whether g, a guard of the family-right trigger
// bt, applies to a role that holds the right (a guard for every actor
// does).
func (f *checker) rightHolderGuard(bt policy.TriggerDef, g policy.GuardDef) bool {
	if bt.FamilyRight == nil {
		return false
	}
	if len(g.Roles) == 0 {
		return true
	}
	return slices.ContainsFunc(rightHolders(&bt), func(r string) bool { return slices.Contains(g.Roles, r) })
}

// familyRight: the default trigger bt, marked a family right, is no harder
// to fire for the roles that hold it.
func (f *checker) familyRight(bt *policy.TriggerDef, t *Trigger, w policy.Where) {
	fr := bt.FamilyRight
	if fr == nil {
		return
	}
	rule := fr.Rule
	if rule == "" {
		rule = RuleFamilyRightKept
	}
	holders := rightHolders(bt)
	who := roleList(holders)
	if sameSet(holders, []string{"parent", "young_person"}) {
		who = "a parent or young person"
	}
	for _, g := range t.Guards {
		if severity(g.Severity) != "block" || !f.rightHolderGuard(*bt, g) {
			continue
		}
		if slices.ContainsFunc(bt.Guards, func(b policy.GuardDef) bool {
			return b.ID == g.ID && b.Expr == g.Expr && severity(b.Severity) == "block" && sameSet(b.Roles, g.Roles)
		}) {
			continue // the default's own guard, unchanged
		}
		gw := f.v.Origins.Guard(bt.ID, g.ID, w)
		f.add(rule, gw, "guard %s blocks %s for %s: %s; make it severity: advice", g.ID, bt.ID, who, fr.Right)
	}
	for _, s := range bt.From {
		if !slices.Contains(t.Def.From, s) {
			f.add(rule, w, "%s can no longer be fired while %s is %s: %s", bt.ID, t.Track.ID, s, fr.Right)
		}
	}
	// A required payload field refuses a plain request as surely as a guard.
	for _, x := range t.Def.Payload {
		if x.Required && !slices.ContainsFunc(bt.Payload, func(b policy.FieldDef) bool { return b.Name == x.Name && b.Required }) {
			f.add(rule, w, "%s now requires the data field %s: %s; make the field optional", bt.ID, x.Name, fr.Right)
		}
	}
}

// rightsRuleKept: the family rights rule (who holds a family right after
// compulsory school age, and who acts for a young person who lacks
// capacity) governs the default's triggers it marks, and no others.
func (f *checker) rightsRuleKept(bt *policy.TriggerDef, t *Trigger, w policy.Where) {
	base := bt.FamilyRight != nil && bt.FamilyRight.PassesToYoungPerson
	if base == t.PassesToYoungPerson {
		return
	}
	if base {
		f.add(RuleFamilyRightKept, w, "%s no longer passes to the young person: the family rights rule (CFA s83(2), s80; R64) cannot be changed", bt.ID)
		return
	}
	f.add(RuleFamilyRightKept, w, "%s now passes to the young person: the family rights rule (CFA s83(2), s80; R64) cannot be changed", bt.ID)
}

// roleList is "a parent or young person"-style English for a few roles.
func roleList(roles []string) string {
	switch len(roles) {
	case 0:
		return "anyone"
	case 1:
		return roles[0]
	}
	out := ""
	for i, r := range roles {
		switch {
		case i == 0:
		case i == len(roles)-1:
			out += " or "
		default:
			out += ", "
		}
		out += r
	}
	return out
}

// statutoryParams are the default's parameters its statutory rules read: a
// guard or branch of a statutory track's trigger, a statutory role's
// eligibility, a statutory clock's length or date. A later layer may not
// change them (unless the default gives them bounds), nor any parameter
// the default marks fixed. What an expression reads comes from its
// compiled program (View.ParamsRead).
func (f *checker) statutoryParams() map[string]bool {
	out := map[string]bool{}
	read := func(s string) {
		if s == "" {
			return
		}
		for _, p := range f.v.ParamsRead(s) {
			out[p] = true
		}
	}
	for _, bt := range f.base.Triggers {
		if !f.statutoryTrack[policy.TrackOf(bt.ID)] {
			continue
		}
		for _, g := range bt.Guards {
			read(g.Expr)
		}
		for _, b := range bt.Branches {
			read(b.When)
		}
	}
	for _, r := range f.base.Roles {
		if r.Statutory && r.Eligibility != nil {
			read(r.Eligibility.Expr)
		}
	}
	for _, c := range f.base.Clocks {
		if c.Statutory {
			read(c.Before)
			if c.LengthParam != "" {
				out[c.LengthParam] = true
			}
		}
	}
	for _, p := range f.base.Parameters {
		if p.Fixed {
			out[p.ID] = true
		} else if p.Min != nil || p.Max != nil || len(p.Enum) > 0 {
			delete(out, p.ID) // bounded: the bounds decide (checkParameters)
		}
	}
	return out
}

// parametersKept: the parameters the statutory rules read keep the
// default's values.
func (f *checker) parametersKept() {
	fixed := f.statutoryParams()
	for _, bp := range f.base.Parameters {
		if !fixed[bp.ID] {
			continue
		}
		if v, ok := f.v.Params[bp.ID]; ok && !reflect.DeepEqual(v, canon.NormaliseJSON(bp.Value)) {
			f.add(RuleParameterKept, f.v.Origins.Params[bp.ID], "parameter %s is read by the statutory rules and cannot be changed", bp.ID)
		}
	}
}
