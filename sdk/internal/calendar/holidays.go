package calendar

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// bankHolidaysJSON is the England & Wales bank holiday list, 2024-2030
// (2028 onwards projected from the standing rules).
//
//go:embed bank-holidays-england-wales.json
var bankHolidaysJSON []byte

// Holidays is a set of non-working dates. It is never changed after it is
// made, so it is safe for concurrent use. It lists the holidays of some
// years; in any other year the England & Wales standing rules apply
// (StandingHolidays), so a date past the end of a list is never taken for a
// working day when it is a bank holiday. A nil *Holidays is an empty set:
// only Saturdays and Sundays are non-working days.
type Holidays struct {
	set   map[Date]struct{}
	dates []Date       // sorted
	years map[int]bool // the years the list covers
	// load, when set, gives the set this stands for, made on first use
	// (DefaultHolidays: the bundled list is parsed when first needed).
	load func() *Holidays
}

// NewHolidays returns the set of the given dates, which stand for the whole
// of every year they fall in: a year with no date given follows the
// standing rules. Duplicates are ignored.
func NewHolidays(dates []Date) *Holidays {
	h := &Holidays{set: make(map[Date]struct{}, len(dates)), years: map[int]bool{}}
	for _, d := range dates {
		if _, ok := h.set[d]; !ok {
			h.set[d] = struct{}{}
			h.dates = append(h.dates, d)
			h.years[d.Year] = true
		}
	}
	slices.SortFunc(h.dates, Date.Compare)
	return h
}

// ParseHolidays parses a holiday list in the shape of the bundled file: an
// object whose keys are years and whose values are lists of entries, each
// entry a list whose first element is a YYYY-MM-DD date in that year (the
// other elements, the weekday and name, are ignored):
//
//	{"2026": [["2026-01-01", "Thu", "New Year's Day"], ...], ...}
func ParseHolidays(data []byte) (*Holidays, error) {
	var years map[string][][]string
	if err := json.Unmarshal(data, &years); err != nil {
		return nil, fmt.Errorf("calendar: holidays: %w", err)
	}
	var dates []Date
	for year, entries := range years {
		for i, e := range entries {
			if len(e) == 0 {
				return nil, fmt.Errorf("calendar: holidays: %s entry %d is empty", year, i)
			}
			d, err := ParseDate(e[0])
			if err != nil {
				return nil, fmt.Errorf("calendar: holidays: %s entry %d: %w", year, i, err)
			}
			if strconv.Itoa(d.Year) != year {
				return nil, fmt.Errorf("calendar: holidays: %s is listed under %s", e[0], year)
			}
			dates = append(dates, d)
		}
	}
	return NewHolidays(dates), nil
}

// defaultHolidays parses the embedded list once.
var defaultHolidays = sync.OnceValue(func() *Holidays {
	h, err := ParseHolidays(bankHolidaysJSON)
	if err != nil {
		// Cannot happen: a test parses the embedded file.
		return NewHolidays(nil)
	}
	return h
})

// DefaultHolidays returns the England & Wales bank holidays bundled with the
// package (2024-2030), and the standing rules for every other year. The
// result is parsed once and shared; a Holidays cannot be changed once made.
func DefaultHolidays() *Holidays {
	return lazyDefaultHolidays
}

// lazyDefaultHolidays stands for the bundled list, parsed on first use: a
// program that never counts working days never parses it.
var lazyDefaultHolidays = &Holidays{load: defaultHolidays}

// loaded is the set h stands for: itself, or the one its load makes.
func (h *Holidays) loaded() *Holidays {
	if h.load != nil {
		return h.load()
	}
	return h
}

// Covers reports whether the list gives the holidays of year (otherwise
// the standing rules do).
func (h *Holidays) Covers(year int) bool {
	return h != nil && h.loaded().years[year]
}

// Dates returns the listed holidays in date order. The slice is a copy.
func (h *Holidays) Dates() []Date {
	if h == nil {
		return nil
	}
	return slices.Clone(h.loaded().dates)
}

// IsHoliday reports whether d is a holiday: in the list, for a year the
// list covers, and by the standing rules for any other year.
func (h *Holidays) IsHoliday(d Date) bool {
	if h == nil {
		return false
	}
	l := h.loaded()
	if l.years[d.Year] {
		_, ok := l.set[d]
		return ok
	}
	_, ok := standing()[d]
	return ok
}

// IsWorkingDay reports whether d is a Monday to Friday that is not a holiday.
func (h *Holidays) IsWorkingDay(d Date) bool {
	return !d.isWeekend() && !h.IsHoliday(d)
}

// NextWorkingDay returns the first working day strictly after d.
func (h *Holidays) NextWorkingDay(d Date) Date {
	d = d.AddDays(1)
	for !h.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// AddWorkingDays returns the n-th working day after d; d itself is not
// counted, whether or not it is a working day. If n is zero or negative it
// returns d.
func (h *Holidays) AddWorkingDays(d Date, n int) Date {
	for ; n > 0; n-- {
		d = h.NextWorkingDay(d)
	}
	return d
}

// WorkingDaysBetween returns the number of working days after a up to and
// including b, that is in (a, b]. It returns 0 if b is not after a.
func (h *Holidays) WorkingDaysBetween(a, b Date) int {
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if h.IsWorkingDay(d) {
			n++
		}
	}
	return n
}
