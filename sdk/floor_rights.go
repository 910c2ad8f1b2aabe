package sdk

import (
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/sendflow/sendflow/sdk/internal/canon"
)

// Family rights: the default marks every trigger by which a parent, young
// person, school or anyone uses a statutory right (TriggerDef.FamilyRight),
// once, with the roles that hold it. No overlay may make such a step harder
// for them: no blocking guard beyond the default's own (unchanged), no
// newly required data field, no from-state taken away.

// rightHolders are the roles that hold the family right bt declares.
func rightHolders(bt *TriggerDef) []string {
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
func (f *floor) rightHolderGuard(bt TriggerDef, g GuardDef) bool {
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
func (f *floor) familyRight(bt *TriggerDef, t *trigger, w where) {
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
	for _, g := range t.guards {
		if severity(g.def.Severity) != "block" || !f.rightHolderGuard(*bt, g.def) {
			continue
		}
		if slices.ContainsFunc(bt.Guards, func(b GuardDef) bool {
			return b.ID == g.def.ID && b.Expr == g.def.Expr && severity(b.Severity) == "block" && sameSet(b.Roles, g.def.Roles)
		}) {
			continue // the default's own guard, unchanged
		}
		gw := f.o.Guard(bt.ID, g.def.ID, w)
		f.add(rule, gw, "guard %s blocks %s for %s: %s; make it severity: advice", g.def.ID, bt.ID, who, fr.Right)
	}
	for _, s := range bt.From {
		if !slices.Contains(t.def.From, s) {
			f.add(rule, w, "%s can no longer be fired while %s is %s: %s", bt.ID, t.track.def.ID, s, fr.Right)
		}
	}
	// A required payload field refuses a plain request as surely as a guard.
	for _, x := range t.def.Payload {
		if x.Required && !slices.ContainsFunc(bt.Payload, func(b FieldDef) bool { return b.Name == x.Name && b.Required }) {
			f.add(rule, w, "%s now requires the data field %s: %s; make the field optional", bt.ID, x.Name, fr.Right)
		}
	}
}

// rightsRuleKept: the family rights rule (who holds a family right after
// compulsory school age, and who acts for a young person who lacks
// capacity) governs the default's triggers it marks, and no others.
func (f *floor) rightsRuleKept(bt *TriggerDef, t *trigger, w where) {
	base := bt.FamilyRight != nil && bt.FamilyRight.PassesToYoungPerson
	if base == t.passesToYoungPerson {
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

// paramRead finds the parameters an expression reads.
var paramRead = regexp.MustCompile(`params\.([A-Za-z_][A-Za-z0-9_]*)`)

// statutoryParams are the default's parameters its statutory rules read: a
// guard or branch of a statutory track's trigger, a statutory role's
// eligibility, a statutory clock's length or date. A later layer may not
// change them (unless the default gives them bounds), nor any parameter
// the default marks fixed.
func (f *floor) statutoryParams() map[string]bool {
	out := map[string]bool{}
	read := func(s string) {
		for _, m := range paramRead.FindAllStringSubmatch(s, -1) {
			out[m[1]] = true
		}
	}
	for _, bt := range f.base.Triggers {
		if !f.statutoryTrack[trackOfID(bt.ID)] {
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
func (f *floor) parametersKept() {
	fixed := f.statutoryParams()
	for _, bp := range f.base.Parameters {
		if !fixed[bp.ID] {
			continue
		}
		if v, ok := f.c.params[bp.ID]; ok && !reflect.DeepEqual(v, canon.NormaliseJSON(bp.Value)) {
			f.add(RuleParameterKept, f.o.Params[bp.ID], "parameter %s is read by the statutory rules and cannot be changed", bp.ID)
		}
	}
}

// trackOfID is the track of a trigger id ("ehc" of "ehc.requested").
func trackOfID(id string) string {
	tk, _, _ := strings.Cut(id, ".")
	return tk
}
