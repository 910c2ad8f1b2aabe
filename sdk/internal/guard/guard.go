// Package guard is the guard language's machinery, apart from the policy
// it belongs to: what an expression may cost in the worst case (the static
// cost model, with the weight of a matches pattern), and the step meter a
// compiled program is patched to charge as it runs. Package sdk compiles a
// policy's guards, branch conditions and clock dates against its guard
// environment with these, as expr's own parser, checker and vm are used.
//
// It knows nothing of cases, triggers or policies: what it must know of
// them comes in as values (Caps, the parameters, the number of tracks).
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
