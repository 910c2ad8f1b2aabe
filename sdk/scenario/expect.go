package scenario

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/sendflow/sendflow/sdk"
)

// checkWarnings: each warning expected is among the outcome's warnings; an
// empty (not nil) list expects none.
func (mm *mismatches) checkWarnings(want []WarningExpect, got []sdk.Warning) {
	if want == nil {
		return
	}
	if len(want) == 0 {
		if len(got) > 0 {
			mm.add("warnings", "no warnings", warningList(got), "")
		}
		return
	}
	for _, w := range want {
		if slices.ContainsFunc(got, w.matches) {
			continue
		}
		// The closest: warnings that differ only in their message.
		near := slices.DeleteFunc(slices.Clone(got), func(g sdk.Warning) bool {
			return !(WarningExpect{Code: w.Code, Guard: w.Guard}).matches(g)
		})
		if len(near) == 0 {
			near = got
		}
		mm.add("warnings", "a warning "+w.String(), warningList(near), "")
	}
}

// matches reports whether g has every field w names.
func (w WarningExpect) matches(g sdk.Warning) bool {
	return (w.Code == "" || w.Code == string(g.Code)) &&
		(w.Guard == "" || w.Guard == g.Guard) &&
		(w.Message == "" || w.Message == g.Message)
}

// String describes the expectation: code, guard and message, those given.
func (w WarningExpect) String() string {
	return describeWarning(w.Code, w.Guard, w.Message)
}

func describeWarning(code, guard, message string) string {
	var parts []string
	if code != "" {
		parts = append(parts, code)
	}
	if guard != "" {
		parts = append(parts, "from guard "+guard)
	}
	if message != "" {
		parts = append(parts, strconv.Quote(message))
	}
	return strings.Join(parts, " ")
}

// warningList describes the warnings got: "no warnings", or each one.
func warningList(ws []sdk.Warning) string {
	if len(ws) == 0 {
		return "no warnings"
	}
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = describeWarning(string(w.Code), w.Guard, w.Message)
	}
	return strings.Join(s, "; ")
}

// checkReasons: each failing guard expected is among the refusal's, with
// the reason expected; an empty (not nil) list expects none.
func (mm *mismatches) checkReasons(want []ReasonExpect, got []sdk.GuardFailure) {
	if want == nil {
		return
	}
	if len(want) == 0 {
		if len(got) > 0 {
			mm.add("reasons", "no failing guards", guardList(got), "")
		}
		return
	}
	for _, r := range want {
		i := slices.IndexFunc(got, func(g sdk.GuardFailure) bool { return g.ID == r.Guard })
		switch {
		case i < 0:
			mm.add("reasons", "guard "+r.String(), guardList(got), "")
		case r.Reason != "" && got[i].Reason != r.Reason:
			mm.add("reasons", "guard "+r.String(), guardList(got[i:i+1]), "")
		}
	}
}

// String describes the expectation: the guard and, if given, its reason.
func (r ReasonExpect) String() string {
	if r.Reason == "" {
		return r.Guard
	}
	return r.Guard + " " + strconv.Quote(r.Reason)
}

// guardList describes failing guards: "no failing guards", or each one.
func guardList(gs []sdk.GuardFailure) string {
	if len(gs) == 0 {
		return "no failing guards"
	}
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = "guard " + g.ID + " " + strconv.Quote(g.Reason)
	}
	return strings.Join(s, "; ")
}

// whyNotRoles is the triggers why_not names for each role, sorted.
func whyNotRoles(w map[string]map[string]WhyNotExpect) map[string][]string {
	if len(w) == 0 {
		return nil
	}
	out := make(map[string][]string, len(w))
	for role, trigs := range w {
		out[role] = slices.Sorted(maps.Keys(trigs))
	}
	return out
}

// checkWhyNot: each trigger refused in perms is refused with the code and
// by the guards expected (checkRole reports one that is allowed).
func (mm *mismatches) checkWhyNot(check string, want map[string]WhyNotExpect, perms []sdk.Permission) {
	for _, trig := range slices.Sorted(maps.Keys(want)) {
		w := want[trig]
		i := slices.IndexFunc(perms, func(p sdk.Permission) bool { return p.Trigger == trig })
		if i < 0 || perms[i].Allowed {
			continue
		}
		pm := perms[i]
		if w.Code != "" && string(pm.Code) != w.Code {
			mm.add(check, trig+" "+w.Code, trig+" "+orNone(string(pm.Code)), pm.Reason)
			continue
		}
		var failing []string
		for _, g := range pm.Guards {
			failing = append(failing, g.ID)
		}
		for _, g := range w.Guards {
			if !slices.Contains(failing, g) {
				mm.add(check, trig+" refused by guard "+g, trig+" refused by "+guardIDs(failing), pm.Reason)
			}
		}
	}
}

func guardIDs(ids []string) string {
	if len(ids) == 0 {
		return "no guard"
	}
	return "guards " + strings.Join(ids, ", ")
}
