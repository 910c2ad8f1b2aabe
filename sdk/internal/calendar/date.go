// Package calendar does the date arithmetic behind the statutory clocks:
// civil dates, UK (Europe/London) time, England & Wales working days, the
// counting rules of the SEND Regulations and the HESC Tribunal Rules, and
// school-age calculations.
//
// It does not use the time zone database (time.LoadLocation or time/tzdata),
// so it works the same under GOOS=js and GOOS=wasip1: UK time is computed
// from the current rule, GMT with BST (UTC+1) from 01:00 UTC on the last
// Sunday of March to 01:00 UTC on the last Sunday of October.
package calendar

import (
	"cmp"
	"fmt"
	"time"
)

// MinYear and MaxYear bound the years ParseDate and ParseAt accept.
const (
	MinYear = 1900
	MaxYear = 2200
)

// Date is a civil (calendar) date with no time of day and no time zone.
// The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateOf returns the date of t in t's own location.
func dateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date written strictly as YYYY-MM-DD. It rejects dates
// that do not exist, such as 2026-02-30, and years outside MinYear..MaxYear.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("calendar: invalid date %q: want YYYY-MM-DD", s)
	}
	if y < MinYear || y > MaxYear {
		return Date{}, fmt.Errorf("calendar: invalid date %q: year must be between %d and %d", s, MinYear, MaxYear)
	}
	date := Date{Year: y, Month: time.Month(m), Day: d}
	if !date.valid() {
		return Date{}, fmt.Errorf("calendar: invalid date %q: no such day", s)
	}
	return date, nil
}

// atoi parses a string of ASCII digits only (no sign).
func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// valid reports whether d names a day that exists.
func (d Date) valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	case time.January, time.March, time.May, time.July, time.August, time.October, time.December:
		return 31
	}
	// Out-of-range months, as time.Date normalises them.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	if d.Year < 0 || d.Year > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	var b [10]byte
	y, m, dd := d.Year, int(d.Month), d.Day
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[7] = '-', '-'
	b[5], b[6] = byte('0'+m/10%10), byte('0'+m%10)
	b[8], b[9] = byte('0'+dd/10%10), byte('0'+dd%10)
	return string(b[:])
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool {
	return d == Date{}
}

// Time returns midnight UTC at the start of d. Use it for arithmetic, not to
// say when the day starts in the UK (see StartUK).
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (before d if n is negative).
func (d Date) AddDays(n int) Date {
	return dateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// AddMonths returns the same day of the month n months after d (before d if
// n is negative). Where that day does not exist, it returns the last day of
// that month: 31 January plus one month is 28 (or 29) February.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	y, m := first.Year(), first.Month()
	return Date{Year: y, Month: m, Day: min(d.Day, daysIn(y, m))}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.Time().Weekday()
}

// Compare returns -1 if d is before o, 0 if they are the same date and +1 if
// d is after o.
func (d Date) Compare(o Date) int {
	if c := cmp.Compare(d.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Equal reports whether d and o are the same date.
func (d Date) Equal(o Date) bool { return d.Compare(o) == 0 }

// DaysUntil returns the number of days from d to o (o minus d), negative if
// o is before d.
func (d Date) DaysUntil(o Date) int {
	return int((o.Time().Unix() - d.Time().Unix()) / 86400)
}

// MarshalText formats d as YYYY-MM-DD; the zero Date is the empty string.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses YYYY-MM-DD as ParseDate does; the empty string gives
// the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
