// Package guard is the guard language's machinery, apart from the policy
// it belongs to, in the order an expression meets it:
//
//   - Options: the allow-list of expr built-ins (Builtins), the node limit
//     and the calendar functions (add_working_days, age, ...);
//   - Compile: the parse and type check (checkTree, which weighs a
//     matches pattern before expr compiles it), the safety rules
//     (forbidden: a built-in or operator off the allow-lists, let, ...;
//     nested_loop), the worst-case cost (CostModel) and the program,
//     patched to charge a Meter;
//   - Run: one evaluation on a pooled VM, under the memory budget and the
//     Meter's step budgets and context.
//
// Package sdk compiles a policy's guards, branch conditions and clock
// dates with these against its guard environment (the Go type expr checks
// them against, which sdk keeps: its name is in type errors), as expr's
// own parser, checker and vm are used. This package knows nothing of
// cases, triggers or policies: what it must know of them comes in as
// values (Caps, the parameters, the number of tracks, the cost limit).
package guard

// Error is a problem with one expression: a stable diagnostic code (one of
// sdk's policy diagnostic codes), a one-line message and the 1-based
// column in the expression (0 when not known).
type Error struct {
	Code string
	Msg  string
	Col  int
}

func (e *Error) Error() string { return e.Msg }

// MemoryBudget bounds what one evaluation may allocate, in the expr VM's
// units (one per list element or range item built). Lists a guard reads
// are capped (sdk's MaxEvidence, MaxListItems), so a lawful guard stays
// far below it; a range like 1..10000000 is stopped before it is built.
const MemoryBudget = 50000

// MaxWorkingDays and MaxWorkingDaysRange bound the calendar functions that
// step day by day (a year of working days, two years of dates): no time
// limit a guard needs is longer, and each call stays in microseconds.
const (
	MaxWorkingDays      = 260
	MaxWorkingDaysRange = 731
)
