package guard

import (
	"fmt"
	"regexp/syntax"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// maxRegexWeight bounds the program a guard's `matches` pattern compiles
// to, in instructions. Go's regexp matches in time about the input's
// length times the program's size, and compiling it costs about the size:
// a 9-character a{0,1000} is some 2,000 instructions, so a short pattern
// could cost seconds to match and gigabytes to compile. A pattern a policy
// needs (a postcode, a reference shape) is a few dozen.
const maxRegexWeight = 2000

// regexWeight bounds the instructions pattern compiles to: each repeat
// multiplies its body by its largest count. It parses (linear in the
// pattern) but never compiles. ok is false when the pattern does not
// parse (the checker reports that).
func regexWeight(pattern string) (w int64, ok bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return 0, false
	}
	return weightOf(re), true
}

func weightOf(re *syntax.Regexp) int64 {
	switch re.Op {
	case syntax.OpLiteral:
		return max(int64(len(re.Rune)), 1)
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		return satAdd(weightOf(re.Sub[0]), 2)
	case syntax.OpRepeat:
		n := int64(re.Max)
		if n < 0 {
			n = int64(re.Min) + 1
		}
		return satAdd(satMul(weightOf(re.Sub[0]), max(n, 1)), 1)
	case syntax.OpConcat, syntax.OpAlternate:
		var sum int64 = 1
		for _, s := range re.Sub {
			sum = satAdd(sum, weightOf(s))
		}
		return sum
	}
	return 1
}

// regexVisitor finds the first `matches` whose constant pattern weighs too
// much, before expr's checker or compiler compiles it.
type regexVisitor struct{ err *Error }

func (v *regexVisitor) Visit(n *ast.Node) {
	m, isBin := (*n).(*ast.BinaryNode)
	if v.err != nil || !isBin || m.Operator != "matches" {
		return
	}
	s, isStr := m.Right.(*ast.StringNode)
	if !isStr {
		return
	}
	if w, ok := regexWeight(s.Value); ok && w > maxRegexWeight {
		v.err = &Error{Code: "too_costly", Col: m.Location().From + 1,
			Msg: fmt.Sprintf("the matches pattern compiles to about %d instructions, over the limit of %d: every character matched costs that much; write the pattern without large counted repeats", w, maxRegexWeight)}
	}
}

// checkRegexes refuses a parsed expression when a `matches` pattern in it
// weighs more than maxRegexWeight.
func checkRegexes(tree *parser.Tree) *Error {
	v := &regexVisitor{}
	ast.Walk(&tree.Node, v)
	return v.err
}

// patternWeight is what matching one character of input against the
// pattern of node costs: its weight when it is a constant pattern.
func patternWeight(node ast.Node) int64 {
	if s, ok := node.(*ast.StringNode); ok {
		if w, ok := regexWeight(s.Value); ok {
			return max(w, 1)
		}
		return max(int64(len(s.Value)), 1)
	}
	return 1
}
