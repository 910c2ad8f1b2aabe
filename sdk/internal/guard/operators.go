package guard

import (
	"slices"
	"strings"
)

// Operator is one expr operator a guard may use, with what it does there.
type Operator struct {
	// Op is the operator as written, e.g. "in" or "??".
	Op string
	// Unary is true for a prefix operator (not, !, -, +).
	Unary bool
	// Meaning says what it does in a guard, and any limit on it.
	Meaning string
}

// operators are the only expr operators a guard may use: the safety rules
// refuse any other (forbidden), and docs/policies.md lists these. Every
// operator expr's parser knows is here today; one a later expr adds is
// refused until it is listed.
var operators = []Operator{
	{Op: "==", Meaning: "equal"},
	{Op: "!=", Meaning: "not equal"},
	{Op: "<", Meaning: "less than: numbers, or strings (dates written YYYY-MM-DD compare as dates)"},
	{Op: "<=", Meaning: "less than or equal"},
	{Op: ">", Meaning: "greater than"},
	{Op: ">=", Meaning: "greater than or equal"},
	{Op: "and", Meaning: "both (also `&&`)"},
	{Op: "&&", Meaning: "both"},
	{Op: "or", Meaning: "either (also `||`)"},
	{Op: "||", Meaning: "either"},
	{Op: "not", Unary: true, Meaning: "not (also `!`); `not in`, `not contains`, `not matches`, ... negate the test"},
	{Op: "!", Unary: true, Meaning: "not"},
	{Op: "in", Meaning: "`x in list`, `x in map` (a key), `x in a..b`; costs the list's size (one look-up in a map or a literal list)"},
	{Op: "contains", Meaning: "a string contains another; costs both lengths"},
	{Op: "startsWith", Meaning: "a string starts with another"},
	{Op: "endsWith", Meaning: "a string ends with another"},
	{Op: "matches", Meaning: "a string matches a regular expression, which must be a constant (a quoted string) of a bounded weight; costs the string's length times the pattern's"},
	{Op: "..", Meaning: "`a..b`: the integers a to b, as a list (within the memory budget)"},
	{Op: "+", Meaning: "adds numbers; joins two quoted strings, never values read from the case (forbidden)"},
	{Op: "-", Meaning: "subtracts"},
	{Op: "*", Meaning: "multiplies"},
	{Op: "/", Meaning: "divides (a float)"},
	{Op: "%", Meaning: "remainder"},
	{Op: "**", Meaning: "power (also `^`)"},
	{Op: "^", Meaning: "power"},
	{Op: "-", Unary: true, Meaning: "negates a number"},
	{Op: "+", Unary: true, Meaning: "a number itself"},
	{Op: "??", Meaning: "`a ?? b`: a, or b when a is nil"},
	{Op: "|", Meaning: "the pipe: `x | f(y)` is `f(x, y)`, for an allowed built-in or function"},
}

// Operators lists the operators a guard may use (a copy).
func Operators() []Operator { return slices.Clone(operators) }

// allowedOp reports whether op (unary or binary) is in ops.
func allowedOp(ops []Operator, op string, unary bool) bool {
	return slices.ContainsFunc(ops, func(o Operator) bool { return o.Op == op && o.Unary == unary })
}

// opList writes ops' binary and then unary operators for a message.
func opList(ops []Operator) string {
	var bin, un []string
	for _, o := range ops {
		if o.Op == "|" {
			continue // the parser turns a pipe into a call: no node carries it
		}
		if o.Unary {
			un = append(un, o.Op)
		} else {
			bin = append(bin, o.Op)
		}
	}
	return strings.Join(bin, " ") + "; prefix " + strings.Join(un, " ")
}
