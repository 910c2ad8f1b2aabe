package policy

import (
	"fmt"
	"strings"
)

// MaxNameLen is the longest name Suggest compares (sdk.MaxIdentifierLen:
// no name is longer, and the distance would cost its length per name).
const MaxNameLen = 200

// Suggest returns ` (did you mean "x"?)` for the closest of names to s, if
// close, or "".
func Suggest(s string, names []string) string {
	if len(s) > MaxNameLen {
		return ""
	}
	best, bestD := "", 1<<30
	for _, n := range names {
		if dd := levenshtein(s, n); dd < bestD {
			best, bestD = n, dd
		}
	}
	if best != "" && bestD <= max(2, len(s)/3) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	// A prefix ("ehc_final" for "ehc_final_plan") or initials ("dob" for
	// "date_of_birth") of exactly one name.
	var hits []string
	for _, n := range names {
		if (len(s) >= 3 && strings.HasPrefix(n, s)) || (len(s) >= 2 && initials(n) == s) {
			hits = append(hits, n)
		}
	}
	if len(hits) == 1 {
		return fmt.Sprintf(" (did you mean %q?)", hits[0])
	}
	return ""
}

func initials(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteByte(part[0])
		}
	}
	return b.String()
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
