package calendar

import (
	"fmt"
	"sync"
	"time"
)

// ukOffset returns the UK offset from UTC at instant t: one hour during
// British Summer Time, from 01:00 UTC on the last Sunday of March to 01:00 UTC
// on the last Sunday of October, and zero (GMT) otherwise. The current rule
// is applied to every year; historical variations are ignored.
func ukOffset(t time.Time) time.Duration {
	t = t.UTC()
	y := t.Year()
	var start, end int64
	if y >= MinYear && y <= MaxYear {
		b := bstTable()[y-MinYear]
		start, end = b[0], b[1]
	} else {
		start, end = bstBounds(y)
	}
	if u := t.Unix(); u >= start && u < end {
		return time.Hour
	}
	return 0
}

// bstBounds gives the Unix seconds British Summer Time starts and ends in
// year y.
func bstBounds(y int) (start, end int64) {
	return lastWeekday(y, time.March, time.Sunday).Time().Add(time.Hour).Unix(),
		lastWeekday(y, time.October, time.Sunday).Time().Add(time.Hour).Unix()
}

// bstTable holds bstBounds for every year MinYear..MaxYear, worked out on
// first use (every firing asks for the UK date of its time).
var bstTable = sync.OnceValue(func() [][2]int64 {
	out := make([][2]int64, MaxYear-MinYear+1)
	for i := range out {
		out[i][0], out[i][1] = bstBounds(MinYear + i)
	}
	return out
})

// lastWeekday returns the last day of month m in year y that falls on wd.
func lastWeekday(y int, m time.Month, wd time.Weekday) Date {
	last := Date{Year: y, Month: m, Day: daysIn(y, m)}
	back := (int(last.Weekday()) - int(wd) + 7) % 7
	return last.AddDays(-back)
}

// UKDate returns the calendar date of instant t in UK time.
func UKDate(t time.Time) Date {
	return dateOf(t.UTC().Add(ukOffset(t)))
}

// StartUK returns the instant d starts in UK time: midnight GMT, or 23:00 UTC
// on the previous day during British Summer Time. (The clocks change at 01:00
// UTC, so UK midnight is never skipped or repeated.)
func (d Date) StartUK() time.Time {
	midnight := d.Time()
	if bst := midnight.Add(-time.Hour); ukOffset(bst) == time.Hour {
		return bst
	}
	return midnight
}

// ParseAt parses a point in time written either as a date, YYYY-MM-DD,
// meaning the start of that day in UK time, or as an RFC 3339 timestamp such
// as 2026-01-05T09:30:00Z or 2026-07-01T10:00:00+01:00. Years outside
// MinYear..MaxYear are rejected.
func ParseAt(s string) (time.Time, error) {
	if len(s) == len("2006-01-02") {
		d, err := ParseDate(s)
		if err != nil {
			return time.Time{}, err
		}
		return d.StartUK(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("calendar: invalid time %q: want YYYY-MM-DD or an RFC 3339 timestamp", s)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return time.Time{}, fmt.Errorf("calendar: invalid time %q: year must be between %d and %d", s, MinYear, MaxYear)
	}
	return t, nil
}
