package calendar

import (
	"slices"
	"sync"
	"time"
)

// England & Wales bank holidays for the years a holiday list does not
// cover, worked out from the standing rules (Banking and Financial Dealings
// Act 1971, Schedule 1, and the royal proclamations that fix the May and
// August Mondays), with the one-off changes made since 1995. The bundled
// list itself projects 2028-2030 from the same rules; a test checks these
// rules give exactly the bundled list for every year it covers.
//
// One-off holidays not yet proclaimed cannot be known; a policy's holiday
// list is where a district adds them.

// StandingHolidays returns the England & Wales bank holidays of one year,
// sorted.
func StandingHolidays(year int) []Date {
	var out []Date
	taken := map[Date]bool{}
	add := func(d Date) {
		if !taken[d] {
			taken[d] = true
			out = append(out, d)
		}
	}
	// A fixed day falling at a weekend is replaced by the next weekday not
	// already a holiday (Christmas and Boxing Day share a weekend).
	observe := func(d Date) {
		for d.isWeekend() || taken[d] {
			d = d.AddDays(1)
		}
		add(d)
	}
	observe(Date{Year: year, Month: time.January, Day: 1})
	easter := easterSunday(year)
	add(easter.AddDays(-2)) // Good Friday
	add(easter.AddDays(1))  // Easter Monday
	earlyMay, spring, summer := firstMonday(year, time.May), lastMonday(year, time.May), lastMonday(year, time.August)
	oneOff := oneOffChanges[year]
	if oneOff.earlyMay != (Date{}) {
		earlyMay = oneOff.earlyMay
	}
	if oneOff.spring != (Date{}) {
		spring = oneOff.spring
	}
	add(earlyMay)
	add(spring)
	add(summer)
	for _, d := range oneOff.extra {
		add(d)
	}
	observe(Date{Year: year, Month: time.December, Day: 25})
	observe(Date{Year: year, Month: time.December, Day: 26})
	slices.SortFunc(out, Date.Compare)
	return out
}

// oneOffChanges are the proclaimed changes to the standing rules since
// 1995: a May bank holiday moved, or an extra holiday.
var oneOffChanges = map[int]struct {
	earlyMay, spring Date
	extra            []Date
}{
	1995: {earlyMay: Date{1995, time.May, 8}},                                                                 // VE Day 50th anniversary
	1999: {extra: []Date{{1999, time.December, 31}}},                                                          // Millennium
	2002: {spring: Date{2002, time.June, 4}, extra: []Date{{2002, time.June, 3}}},                             // Golden Jubilee
	2011: {extra: []Date{{2011, time.April, 29}}},                                                             // Royal wedding
	2012: {spring: Date{2012, time.June, 4}, extra: []Date{{2012, time.June, 5}}},                             // Diamond Jubilee
	2020: {earlyMay: Date{2020, time.May, 8}},                                                                 // VE Day 75th anniversary
	2022: {spring: Date{2022, time.June, 2}, extra: []Date{{2022, time.June, 3}, {2022, time.September, 19}}}, // Platinum Jubilee; State Funeral
	2023: {extra: []Date{{2023, time.May, 8}}},                                                                // Coronation
}

func (d Date) isWeekend() bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func firstMonday(year int, m time.Month) Date {
	d := Date{Year: year, Month: m, Day: 1}
	for d.Weekday() != time.Monday {
		d = d.AddDays(1)
	}
	return d
}

func lastMonday(year int, m time.Month) Date {
	d := Date{Year: year, Month: m, Day: daysIn(year, m)}
	for d.Weekday() != time.Monday {
		d = d.AddDays(-1)
	}
	return d
}

// easterSunday is the Gregorian Easter (the anonymous algorithm of Meeus,
// Jones and Butcher).
func easterSunday(y int) Date {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{Year: y, Month: time.Month(month), Day: day}
}

// standing is every year's standing holidays from 1900 to 2200 (the years
// a date may have), made once, on first use.
var standing = sync.OnceValue(func() map[Date]struct{} {
	m := make(map[Date]struct{}, 301*9)
	for y := 1900; y <= 2200; y++ {
		for _, d := range StandingHolidays(y) {
			m[d] = struct{}{}
		}
	}
	return m
})
