package sdk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// factFields are the facts a firing may merge, with the child's own.
var (
	factFields = []string{"id", "la", "district", "child", "evidence", "person"}
	childField = []string{"date_of_birth", "year_group", "lacks_capacity", "representative", "authorised_parent",
		"post25_setting", "apprenticeship_end", "course_end"}
)

// checkFactsPatch checks a firing's facts (normalised JSON) field by field
// and reports every bad one with its JSON pointer, so a portal can mark each
// field of a form. A null is refused: merging cannot remove a fact.
func (e *Engine) checkFactsPatch(patch map[string]any) []Problem {
	var probs []Problem
	bad := func(ptr, format string, args ...any) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
	for _, k := range keys(patch) {
		v, ptr := patch[k], ptrKey("/facts", k)
		switch k {
		case "id", "la", "district":
			if _, ok := v.(string); !ok {
				bad(ptr, "fact %s must be a string", k)
			}
		case "evidence":
			l, ok := v.([]any)
			if !ok {
				bad(ptr, "evidence must be a list of evidence kinds")
				continue
			}
			for i, it := range l {
				if s, ok := it.(string); !ok || !e.p.evidence[s] {
					bad(fmt.Sprintf("%s/%d", ptr, i), "unknown evidence kind %s%s", clip(fmt.Sprint(it)), suggest(fmt.Sprint(it), keys(e.p.evidence)))
				}
			}
		case "child":
			m, ok := v.(map[string]any)
			if !ok {
				bad(ptr, "child must be an object of child facts (%s)", strings.Join(childField, ", "))
				continue
			}
			probs = append(probs, childPatchProblems(m, ptr)...)
		case "person": // checked once merged (personProblems)
			if _, ok := v.(map[string]any); !ok {
				bad(ptr, "person must be an object of person details")
			}
		default:
			bad(ptr, "unknown fact %s%s", clip(k), suggest(k, factFields))
		}
	}
	return probs
}

// childPatchProblems checks the child facts of a firing, key by key, at
// ptr ("/facts/child"). No message quotes a value given.
func childPatchProblems(m map[string]any, ptr string) []Problem {
	var probs []Problem
	bad := func(ptr, format string, args ...any) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
	for _, ck := range keys(m) {
		cv, cptr := m[ck], ptrKey(ptr, ck)
		switch ck {
		case "date_of_birth", "apprenticeship_end", "course_end":
			s, ok := cv.(string)
			if _, err := calendar.ParseDate(s); !ok || err != nil {
				probs = append(probs, Problem{Code: "bad_date", Pointer: cptr, Message: strings.ReplaceAll(ck, "_", " ") + " must be a date (YYYY-MM-DD)"})
			}
		case "year_group":
			n, ok := cv.(float64)
			if !ok || n != float64(int64(n)) || n < -3 || n > 20 {
				bad(cptr, "year group must be a whole number from -3 to 20")
			}
		case "lacks_capacity", "authorised_parent":
			if _, ok := cv.(bool); !ok {
				bad(cptr, "fact child.%s must be true or false", ck)
			}
		case "representative":
			if s, ok := cv.(string); !ok || len(s) > MaxIdentifierLen {
				bad(cptr, "fact child.representative must be a string of at most %d bytes", MaxIdentifierLen)
			}
		case "post25_setting":
			if s, ok := cv.(string); !ok || !slices.Contains(post25Settings, s) {
				bad(cptr, "fact child.post25_setting must be one of: %s", strings.Join(post25Settings, ", "))
			}
		default:
			bad(cptr, "unknown fact child.%s%s", clip(ck), suggest(ck, childField))
		}
	}
	return probs
}

// recompute works out again, from the case's facts as a firing leaves
// them, the due date of every open clock whose policy says so
// (ClockDef.Recompute: the age limit, when child.post25_setting or its end
// dates change, R46(1)). A date that cannot be worked out leaves the clock
// as it was; one already past when the clock started is due on its first
// day, so a window ends at once.
func (e *Engine) recompute(w *Case, env *guardEnv) *Error {
	for _, k := range keys(w.Clocks) {
		cl := w.Clocks[k]
		cs := e.p.clocks[cl.ID]
		if cs == nil || !cs.def.Recompute || cs.before == nil || cl.StoppedAt != "" {
			continue
		}
		out, err := cs.before.run(env)
		if se := stopError(err, "the date expression of clock "+cl.ID); se != nil {
			return se
		}
		s, _ := out.(string)
		d, perr := calendar.ParseDate(s)
		if err != nil || perr != nil {
			continue
		}
		due, _, derr := beforeDue(d, cs)
		if derr != nil {
			continue
		}
		// Facts that put the date before the clock's start (a date of birth
		// corrected after the plan was made) mean the limit had passed when
		// it started: due on its first day, never before it, so a window
		// has ended by the next day.
		if start, serr := calendar.ParseDate(cl.StartedAt); serr == nil && due.Before(start) {
			due = start
		}
		if due.String() == cl.Due {
			continue
		}
		cl.Due, cl.Date = due.String(), d.String()
		w.Clocks[k] = cl
	}
	return nil
}

// enteredBy is the trigger of the latest event of w that moved track into
// its current state, "" when none did (guard environment entered_by: a
// cease proposed by a review, R30).
func enteredBy(w *Case, track string) string {
	for i := len(w.History) - 1; i >= 0; i-- {
		if ev := &w.History[i]; ev.StatesBefore[track] != ev.StatesAfter[track] {
			return ev.Trigger
		}
	}
	return ""
}

// readsEnteredBy is whether a guard of t reads entered_by (the environment
// works it out only then: it walks the history back). It is worked out
// once, when the trigger is built (trigger.readsEnteredBy).
func readsEnteredBy(t *trigger) bool {
	return slices.ContainsFunc(t.guards, func(g *guard) bool { return g.prog != nil && strings.Contains(g.prog.src, "entered_by") })
}
