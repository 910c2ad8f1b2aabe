package sdk

import (
	"fmt"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// factFields are the facts a firing may merge, with the child's own.
var (
	factFields = []string{"id", "la", "district", "child", "evidence"}
	childField = []string{"date_of_birth", "year_group"}
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
				bad(ptr, "child must be an object with date_of_birth and year_group")
				continue
			}
			for _, ck := range keys(m) {
				cv, cptr := m[ck], ptrKey(ptr, ck)
				switch ck {
				case "date_of_birth":
					s, ok := cv.(string)
					if _, err := calendar.ParseDate(s); !ok || err != nil {
						probs = append(probs, Problem{Code: "bad_date", Pointer: cptr, Message: "date of birth must be a date (YYYY-MM-DD)"})
					}
				case "year_group":
					n, ok := cv.(float64)
					if !ok || n != float64(int64(n)) || n < -3 || n > 20 {
						bad(cptr, "year group must be a whole number from -3 to 20")
					}
				default:
					bad(cptr, "unknown fact child.%s%s", clip(ck), suggest(ck, childField))
				}
			}
		default:
			bad(ptr, "unknown fact %s%s", clip(k), suggest(k, factFields))
		}
	}
	return probs
}
