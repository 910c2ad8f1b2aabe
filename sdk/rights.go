package sdk

import (
	"slices"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// The family rights rule (LIFECYCLE.md "Family rights triggers"; CFA s80,
// s83(2); R64; CoP ch. 8). The default marks the triggers it governs
// (FamilyRight.PassesToYoungPerson); the engine reads the marks. On such
// a trigger, for a parent and a young person only:
//   - before compulsory school age ends the right is the parent's: a
//     young_person is not_authorised;
//   - after it, the young person's: a parent is not_authorised unless
//     child.lacks_capacity, or the firing carries on_behalf_of:
//     young_person and child.authorised_parent is set (then the event is
//     recorded as the young person's act);
//   - while child.lacks_capacity the alternative person acts, not the
//     young person: the deputy or attorney (child.representative) firing
//     as parent with acting_as: representative, or else the parent.
// When neither the date of birth nor the year group is known, age is not
// checked and the rule does not apply.

// The roles and payload fields the rule reads (LIFECYCLE.md names).
const (
	roleParent      = "parent"
	roleYoungPerson = "young_person"
	fieldOnBehalfOf = "on_behalf_of"
	fieldActingAs   = "acting_as"
)

// rightsRuleID names the rule in a refusal's guards.
const rightsRuleID = "family_rights"

// pastCompulsorySchoolAge is whether the child is past compulsory school
// age on today: from the date of birth, else the year group (12 or over,
// or 11 after the last Friday in June of that school year); known is
// false when neither is recorded.
func pastCompulsorySchoolAge(ch *Child, today calendar.Date) (past, known bool) {
	if ch.DateOfBirth != "" {
		if dob, err := calendar.ParseDate(ch.DateOfBirth); err == nil {
			return today.After(calendar.CompulsorySchoolAgeEnd(dob)), true
		}
	}
	if ch.YearGroup != nil {
		y := *ch.YearGroup
		return y >= 12 || (y == 11 && calendar.PastSchoolAgeInYear11(today)), true
	}
	return false, false
}

// rightsVerdict is the family rights rule's answer for one firing.
type rightsVerdict struct {
	// refusal is a not_authorised refusal.
	refusal *Error
	// needs is the payload field a permitted firing must carry (Permitted
	// judges without a payload).
	needs string
	// asYoungPerson: a parent's firing is recorded as the young person's
	// act (their written authority).
	asYoungPerson bool
}

// The rule's refusals: what the right is and who holds it now.
const (
	rightsBeforeSchoolAge = "Before compulsory school age ends this right is the parent's: the parent acts for the child (CFA s83(2))"
	rightsYoungPersons    = "After compulsory school age this right is the young person's (CFA s83(2); CoP 8.13): a parent acts for them only with their written authority (data on_behalf_of: young_person, fact child.authorised_parent) or while they lack capacity (fact child.lacks_capacity)"
	rightsNoAuthority     = "A parent acts on behalf of a young person only with their written authority (fact child.authorised_parent), which is not recorded (CoP ch. 8)"
	rightsAlternative     = "While the young person lacks capacity (fact child.lacks_capacity) the alternative person acts for them, their deputy or attorney or else a parent, not the young person (CFA s80; R64; MCA)"
	rightsRepresentative  = "The young person lacks capacity and has a deputy or attorney (fact child.representative): the representative acts for them, firing as parent with data acting_as: representative (CFA s80; R64)"
)

// familyRights applies the family rights rule to actor firing t on case w
// on today, with the firing's payload when fires (Permitted has none).
func familyRights(t *trigger, actor string, w *Case, today calendar.Date, data map[string]any, fires bool) rightsVerdict {
	if !t.passesToYoungPerson || (actor != roleParent && actor != roleYoungPerson) {
		return rightsVerdict{}
	}
	past, known := pastCompulsorySchoolAge(&w.Child, today)
	ch := &w.Child
	switch {
	case !known, !past && actor == roleParent:
		return rightsVerdict{}
	case !past:
		return rightsRefusal(rightsBeforeSchoolAge, "CFA s83(2)")
	case actor == roleYoungPerson && ch.LacksCapacity:
		return rightsRefusal(rightsAlternative, "CFA s80; R64; MCA s2")
	case actor == roleYoungPerson, ch.LacksCapacity && ch.Representative == "":
		return rightsVerdict{}
	case ch.LacksCapacity:
		if !fires {
			return rightsVerdict{needs: fieldActingAs}
		}
		if data[fieldActingAs] == "representative" {
			return rightsVerdict{}
		}
		return rightsRefusal(rightsRepresentative, "CFA s80; R64")
	case ch.AuthorisedParent && !fires:
		return rightsVerdict{needs: fieldOnBehalfOf}
	case data[fieldOnBehalfOf] == roleYoungPerson && ch.AuthorisedParent:
		return rightsVerdict{asYoungPerson: t.roles[roleYoungPerson]}
	case data[fieldOnBehalfOf] == roleYoungPerson:
		return rightsRefusal(rightsNoAuthority, "CFA s83(2); CoP ch. 8")
	}
	return rightsRefusal(rightsYoungPersons, "CFA s83(2); CoP 8.13")
}

func rightsRefusal(reason, citation string) rightsVerdict {
	return rightsVerdict{refusal: &Error{Code: CodeNotAuthorised, Message: reason, Pointer: "/actor",
		Guards: []GuardFailure{{ID: rightsRuleID, Reason: reason, Citation: citation}}}}
}

// rightsFields checks that a trigger marked passes_to_young_person can be
// fired under the rule: it declares the rule's payload fields, and
// parent and young_person may fire it. For the default's own triggers
// under an overlay, the statutory floor reports what the overlay changed.
func (b *builder) rightsFields(t *trigger, w where) {
	td := t.def
	if td.FamilyRight == nil || !td.FamilyRight.PassesToYoungPerson {
		return
	}
	t.passesToYoungPerson = true
	if len(b.srcs) > 1 && slices.ContainsFunc(b.srcs[0].Policy.Triggers, func(d TriggerDef) bool { return d.ID == td.ID }) {
		return // a default trigger: the statutory floor keeps its fields and roles
	}
	for _, f := range [...]struct{ name, value string }{{fieldOnBehalfOf, roleYoungPerson}, {fieldActingAs, "representative"}} {
		if fd, ok := t.fields[f.name]; !ok || fd.Type != "string" || fd.Required || !slices.Contains(fd.Enum, f.value) {
			b.d.add("missing_field", w.Path+".payload", w.Layer, "trigger %s passes to the young person: it must declare the optional string field %s with the value %s", td.ID, f.name, f.value)
		}
	}
	for _, r := range [...]string{roleParent, roleYoungPerson} {
		if !t.roles[r] {
			b.d.add("missing_field", w.Path+".roles", w.Layer, "trigger %s passes to the young person: role %s must be able to fire it", td.ID, r)
		}
	}
}
