// Package hostile writes the hostile inputs the reliability tests of
// several packages share (the YAML guard's, the scenario parser's, the
// bridge's), so each test feeds the same shapes.
package hostile

import (
	"fmt"
	"strings"
)

// Laughs is a "billion laughs" YAML mapping, each line indented by head:
// a0 is a list of ten scalars and each a<i> a list of ten aliases of
// a<i-1>, so it expands to 10^(levels+1) values.
func Laughs(head string, levels int) string {
	var b strings.Builder
	b.WriteString(head + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "%sa%d: &a%d [", head, i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}
