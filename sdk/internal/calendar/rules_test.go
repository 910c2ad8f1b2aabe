package calendar

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dates(ss ...string) []Date {
	out := make([]Date, len(ss))
	for i, s := range ss {
		out[i] = date(s)
	}
	return out
}

// The standing rules give exactly the bundled list for every year it
// covers (2024-2027 as published, 2028-2030 as projected).
func TestStandingRulesGiveTheBundledList(t *testing.T) {
	var years map[string][][]string
	require.NoError(t, json.Unmarshal(bankHolidaysJSON, &years))
	require.Len(t, years, 7)
	for y, entries := range years {
		var want []Date
		for _, e := range entries {
			want = append(want, date(e[0]))
		}
		n, _ := strconv.Atoi(y)
		assert.Equal(t, want, StandingHolidays(n), y)
	}
}

// Years before the bundled list, as published by GOV.UK, with their
// one-off changes, and the first years after it.
func TestStandingRulesOtherYears(t *testing.T) {
	want := map[int][]Date{
		2018: dates("2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26"),
		2019: dates("2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"),
		// VE Day: the early May bank holiday moved to Friday 8 May; Boxing
		// Day on a Saturday is replaced by Monday 28 December.
		2020: dates("2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"),
		// Christmas and Boxing Day both at a weekend.
		2021: dates("2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"),
		// Platinum Jubilee (spring bank holiday moved, and an extra day) and
		// the State Funeral; New Year's Day and Christmas on a Sunday.
		2022: dates("2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"),
		// The Coronation.
		2023: dates("2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"),
		// Easter Sunday 13 April 2031; 1 January 2033 is a Saturday.
		2031: dates("2031-01-01", "2031-04-11", "2031-04-14", "2031-05-05", "2031-05-26", "2031-08-25", "2031-12-25", "2031-12-26"),
		2033: dates("2033-01-03", "2033-04-15", "2033-04-18", "2033-05-02", "2033-05-30", "2033-08-29", "2033-12-26", "2033-12-27"),
	}
	for y, w := range want {
		assert.Equal(t, w, StandingHolidays(y), y)
	}
	// Easter over a long run, against known dates.
	for s, y := range map[string]int{"1900-04-15": 1900, "1961-04-02": 1961, "2000-04-23": 2000, "2038-04-25": 2038, "2049-04-18": 2049, "2200-04-06": 2200} {
		assert.Equal(t, s, easterSunday(y).String())
	}
}

// A date outside the years a list covers is judged by the standing rules,
// so clocks over a bank holiday past 2030 (or before 2024) still skip it.
func TestHolidaysBeyondTheList(t *testing.T) {
	h := DefaultHolidays()
	assert.True(t, h.Covers(2026))
	assert.False(t, h.Covers(2031))
	assert.False(t, h.IsWorkingDay(date("2031-04-11")), "Good Friday 2031")
	assert.False(t, h.IsWorkingDay(date("2023-12-26")), "Boxing Day 2023")
	assert.True(t, h.IsWorkingDay(date("2023-12-27")))
	// LIFT first contact, 5 working days from Friday 22 December 2023.
	assert.Equal(t, "2024-01-03", h.AddWorkingDays(date("2023-12-22"), 5).String())
	// An appeal window ending on Good Friday 2031 moves past Easter Monday.
	assert.Equal(t, "2031-04-15", TribunalMove(date("2031-04-11"), h).String())

	// A policy's list stands for the years it names; other years follow
	// the rules.
	p := NewHolidays(dates("2027-06-17"))
	assert.True(t, p.Covers(2027))
	assert.False(t, p.IsHoliday(date("2027-12-27")), "the list covers 2027 and leaves this out")
	assert.True(t, p.IsHoliday(date("2027-06-17")))
	assert.True(t, p.IsHoliday(date("2028-04-14")), "Good Friday 2028, by the rules")
}
