package calendar

import (
	"fmt"
	"time"
)

// Unit is the unit a clock's length is counted in.
type Unit string

// The counting units of the statutory clocks.
const (
	// Weeks: due = start + 7n days; the start day is not counted.
	Weeks Unit = "weeks"
	// Days: due = start + n days; the start day is not counted.
	Days Unit = "days"
	// DaysBeginningWith: the start day counts, so due = start + n - 1 days.
	DaysBeginningWith Unit = "days_beginning_with"
	// Months: the same day of the month n months later, or the last day of
	// that month where there is no such day.
	Months Unit = "months"
	// MonthsStartingWith: n months less a day, as in "the period of 12
	// months starting with the date on which the plan was made" (CFA s44).
	MonthsStartingWith Unit = "months_starting_with"
	// WorkingDays: the n-th working day after the start day.
	WorkingDays Unit = "working_days"
	// WorkingDaysBeginningWith: the start day counts as the first if it is a
	// working day, as in "15 working days beginning with the date on which
	// it became aware of the move" (R15(2)).
	WorkingDaysBeginningWith Unit = "working_days_beginning_with"
	// WeeksBefore: "at least n weeks before D" (R20(4)); due = D - 7n days,
	// D not counted. Counted back from D with DueBefore, not from a start.
	WeeksBefore Unit = "weeks_before"
	// MonthsBefore: "at least n months before D" (R18(2)); due = the same
	// day of the month n months before D, or the last day of that month
	// where there is no such day. Counted back from D with DueBefore.
	MonthsBefore Unit = "months_before"
)

// MaxLength is the largest clock length Due accepts.
const MaxLength = 1000

// Valid reports whether u is one of the units counted forward from a start
// (Due); the units counted back from a date are BeforeValid.
func (u Unit) Valid() bool {
	switch u {
	case Weeks, Days, DaysBeginningWith, Months, MonthsStartingWith, WorkingDays, WorkingDaysBeginningWith:
		return true
	}
	return false
}

// Due returns the due date of a clock of n units started on start. Working
// days are counted with h (nil means weekends only). Calendar deadlines do
// not move for weekends or holidays unless tribunalMoves is set, in which
// case the result is moved by TribunalMove (HESC r12). It fails if start is
// not a valid date, unit is unknown, or n is outside 1..MaxLength.
func Due(start Date, unit Unit, n int, tribunalMoves bool, h *Holidays) (Date, error) {
	if !start.valid() {
		return Date{}, fmt.Errorf("calendar: invalid start date %s", start)
	}
	if n < 1 || n > MaxLength {
		return Date{}, fmt.Errorf("calendar: clock length %d out of range 1..%d", n, MaxLength)
	}
	var due Date
	switch unit {
	case Weeks:
		due = start.AddDays(7 * n)
	case Days:
		due = start.AddDays(n)
	case DaysBeginningWith:
		due = start.AddDays(n - 1)
	case Months:
		due = start.AddMonths(n)
	case MonthsStartingWith:
		due = start.AddMonths(n).AddDays(-1)
	case WorkingDays:
		due = h.AddWorkingDays(start, n)
	case WorkingDaysBeginningWith:
		due = h.AddWorkingDays(start.AddDays(-1), n)
	default:
		return Date{}, fmt.Errorf("calendar: unknown unit %q", unit)
	}
	if tribunalMoves {
		due = TribunalMove(due, h)
	}
	return due, nil
}

// TribunalMove applies HESC r12 to the last day d of a Tribunal time limit:
// a day from 25 December to 1 January inclusive moves to the first working
// day after 1 January; a day in August moves to the first working day after
// 31 August; any other non-working day moves to the next working day; a
// working day stays put.
func TribunalMove(d Date, h *Holidays) Date {
	switch {
	case d.Month == time.December && d.Day >= 25:
		return h.NextWorkingDay(Date{Year: d.Year + 1, Month: time.January, Day: 1})
	case d.Month == time.January && d.Day == 1:
		return h.NextWorkingDay(d)
	case d.Month == time.August:
		return h.NextWorkingDay(Date{Year: d.Year, Month: time.August, Day: 31})
	case !h.IsWorkingDay(d):
		return h.NextWorkingDay(d)
	}
	return d
}

// DayBefore applies the "before D" rule: something required before a date
// is due on the day before it, so DayBefore(2027, time.February, 15) is
// 2027-02-14. It fails if y-m-d is not a valid date.
func DayBefore(y int, m time.Month, d int) (Date, error) {
	date := Date{Year: y, Month: m, Day: d}
	if !date.valid() {
		return Date{}, fmt.Errorf("calendar: invalid date %04d-%02d-%02d", y, int(m), d)
	}
	return date.AddDays(-1), nil
}

// BeforeValid reports whether u is a unit counted back from a date D.
func (u Unit) BeforeValid() bool { return u == WeeksBefore || u == MonthsBefore }

// DueBefore returns the due date of something required at least n units
// before d: DueBefore(2027-01-27, WeeksBefore, 2) is 2027-01-13, and
// DueBefore(2027-07-31, MonthsBefore, 5) is 2027-02-28 (no 31 February).
// Such deadlines never move. It fails if d is not a valid date, unit is not
// a before unit, or n is outside 1..MaxLength.
func DueBefore(d Date, unit Unit, n int) (Date, error) {
	if !d.valid() {
		return Date{}, fmt.Errorf("calendar: invalid date %s", d)
	}
	if n < 1 || n > MaxLength {
		return Date{}, fmt.Errorf("calendar: clock length %d out of range 1..%d", n, MaxLength)
	}
	switch unit {
	case WeeksBefore:
		return d.AddDays(-7 * n), nil
	case MonthsBefore:
		return d.AddMonths(-n), nil
	}
	return Date{}, fmt.Errorf("calendar: %q is not a unit counted back from a date", unit)
}

// Before is the due date of a clock counted back from the date d: the day
// before d for the unit "before", else n units before d (DueBefore).
func Before(d Date, unit Unit, n int) (Date, error) {
	if unit == "before" {
		return d.AddDays(-1), nil
	}
	return DueBefore(d, unit, n)
}
