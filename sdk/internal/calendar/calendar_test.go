package calendar

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// date parses a YYYY-MM-DD literal, panicking on a typo in the test itself.
func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// instant parses an RFC 3339 literal.
func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDue(t *testing.T) {
	h := DefaultHolidays()
	tests := []struct {
		name     string
		start    string
		unit     Unit
		n        int
		tribunal bool
		want     string
	}{
		// LIFECYCLE.md "Clocks" worked examples.
		{"EHC decision to assess, 6 weeks", "2026-01-05", Weeks, 6, false, "2026-02-16"},
		{"EHC no-plan notice, 16 weeks", "2026-01-05", Weeks, 16, false, "2026-04-27"},
		{"EHC final plan, 20 weeks, bank holiday does not move", "2026-01-05", Weeks, 20, false, "2026-05-25"},
		{"LIFT first contact, 5 working days over Christmas", "2026-12-22", WorkingDays, 5, false, "2026-12-31"},
		{"draft representations, 15 days beginning with", "2026-03-02", DaysBeginningWith, 15, false, "2026-03-16"},
		{"appeal window, 2 months ends Sunday in August, 31 Aug holiday", "2026-06-30", Months, 2, true, "2026-09-01"},

		{"days", "2026-03-02", Days, 15, false, "2026-03-17"},
		{"days beginning with 1 is the start day", "2026-03-02", DaysBeginningWith, 1, false, "2026-03-02"},
		{"months clamp to end of February", "2026-01-31", Months, 1, false, "2026-02-28"},
		{"months clamp to leap day", "2028-01-31", Months, 1, false, "2028-02-29"},
		{"months across a year end", "2026-11-30", Months, 3, false, "2027-02-28"},
		{"12 months starting with", "2026-05-20", MonthsStartingWith, 12, false, "2027-05-19"},
		{"12 months starting with 1 January", "2026-01-01", MonthsStartingWith, 12, false, "2026-12-31"},
		{"months without tribunal moves stay on a Sunday", "2026-06-30", Months, 2, false, "2026-08-30"},
		{"1 month after certificate, ends in Christmas window", "2026-11-27", Months, 1, true, "2027-01-04"},
		{"tribunal moves leave a working day alone", "2026-03-10", Months, 2, true, "2026-05-11"},
		{"tribunal moves, Saturday outside August", "2026-08-17", Months, 2, true, "2026-10-19"},
		{"working days from a Saturday", "2026-01-03", WorkingDays, 1, false, "2026-01-05"},
		{"working days over Easter 2026", "2026-04-01", WorkingDays, 3, false, "2026-04-08"},
		{"3 working days mediation certificate", "2026-05-22", WorkingDays, 3, false, "2026-05-28"},
		// R15(2): the start day counts as the first when it is a working day.
		{"15 working days beginning with a Monday", "2026-01-05", WorkingDaysBeginningWith, 15, false, "2026-01-23"},
		{"15 working days beginning with a Saturday", "2026-01-03", WorkingDaysBeginningWith, 15, false, "2026-01-23"},
		{"15 working days after a Monday, for contrast", "2026-01-05", WorkingDays, 15, false, "2026-01-26"},
		{"15 working days beginning with, over Christmas", "2026-12-22", WorkingDaysBeginningWith, 15, false, "2027-01-14"},
		{"1 working day beginning with a working day is that day", "2026-03-02", WorkingDaysBeginningWith, 1, false, "2026-03-02"},
		{"1 working day beginning with a bank holiday", "2026-12-25", WorkingDaysBeginningWith, 1, false, "2026-12-29"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Due(date(tc.start), tc.unit, tc.n, tc.tribunal, h)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.String())
		})
	}
}

func TestDueErrors(t *testing.T) {
	tests := []struct {
		name  string
		start Date
		unit  Unit
		n     int
	}{
		{"unknown unit", date("2026-01-05"), Unit("fortnights"), 1},
		{"empty unit", date("2026-01-05"), Unit(""), 1},
		{"zero length", date("2026-01-05"), Weeks, 0},
		{"negative length", date("2026-01-05"), Days, -3},
		{"too long", date("2026-01-05"), Days, MaxLength + 1},
		{"zero start", Date{}, Weeks, 6},
		{"impossible start", Date{Year: 2026, Month: time.February, Day: 30}, Weeks, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Due(tc.start, tc.unit, tc.n, false, DefaultHolidays())
			assert.Error(t, err)
		})
	}
	_, err := Due(date("2026-01-05"), Days, MaxLength, false, nil)
	assert.NoError(t, err, "MaxLength itself is allowed")
}

func TestUnitValid(t *testing.T) {
	for _, u := range []Unit{Weeks, Days, DaysBeginningWith, Months, MonthsStartingWith, WorkingDays, WorkingDaysBeginningWith} {
		assert.True(t, u.Valid(), u)
		assert.False(t, u.BeforeValid(), u)
	}
	for _, u := range []Unit{"", "week", "Weeks", "working days", "before"} {
		assert.False(t, u.Valid(), u)
		assert.False(t, u.BeforeValid(), u)
	}
	for _, u := range []Unit{WeeksBefore, MonthsBefore} {
		assert.True(t, u.BeforeValid(), u)
		assert.False(t, u.Valid(), u)
	}
}

func TestDueBefore(t *testing.T) {
	tests := []struct {
		name string
		d    string
		unit Unit
		n    int
		want string
	}{
		// LIFECYCLE-worked.md: review advice 2 weeks before the meeting (R20(4)).
		{"advice before a Wednesday meeting", "2027-01-27", WeeksBefore, 2, "2027-01-13"},
		{"advice before a Monday meeting", "2026-09-07", WeeksBefore, 2, "2026-08-24"},
		{"advice before a meeting early in February", "2026-02-02", WeeksBefore, 2, "2026-01-19"},
		{"weeks before across a year end", "2027-01-06", WeeksBefore, 2, "2026-12-23"},
		// R18(2): 5 months before the transfer, the months rule run backwards.
		{"months before a 1 September transfer", "2027-09-01", MonthsBefore, 5, "2027-04-01"},
		{"months before 31 July: no 31 February", "2027-07-31", MonthsBefore, 5, "2027-02-28"},
		{"months before 31 July in a leap year", "2028-07-31", MonthsBefore, 5, "2028-02-29"},
		{"months before across a year end", "2027-03-15", MonthsBefore, 5, "2026-10-15"},
		{"months before, due on a Saturday, not moved", "2027-08-27", MonthsBefore, 5, "2027-03-27"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DueBefore(date(tc.d), tc.unit, tc.n)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.String())
		})
	}
	for _, bad := range []struct {
		d    Date
		unit Unit
		n    int
	}{
		{date("2027-01-27"), Weeks, 2},
		{date("2027-01-27"), Unit("before"), 1},
		{date("2027-01-27"), WeeksBefore, 0},
		{date("2027-01-27"), MonthsBefore, MaxLength + 1},
		{Date{}, WeeksBefore, 2},
	} {
		_, err := DueBefore(bad.d, bad.unit, bad.n)
		assert.Error(t, err, "%v %s %d", bad.d, bad.unit, bad.n)
	}
}

func TestTribunalMove(t *testing.T) {
	h := DefaultHolidays()
	tests := []struct {
		name, in, want string
	}{
		{"27 Dec: after 1 Jan, which is a Friday bank holiday", "2026-12-27", "2027-01-04"},
		{"25 Dec", "2026-12-25", "2027-01-04"},
		{"31 Dec, a working day, still moves", "2026-12-31", "2027-01-04"},
		{"1 Jan", "2027-01-01", "2027-01-04"},
		{"24 Dec working day stays", "2026-12-24", "2026-12-24"},
		{"2 Jan Saturday moves like any weekend", "2027-01-02", "2027-01-04"},
		{"Sunday in August, 31 Aug a bank holiday", "2026-08-30", "2026-09-01"},
		{"1 Aug working day still moves", "2027-08-02", "2027-09-01"},
		{"31 Aug working day moves", "2027-08-31", "2027-09-01"},
		{"Saturday outside August and Christmas", "2026-10-17", "2026-10-19"},
		{"Sunday before a bank holiday Monday", "2026-05-24", "2026-05-26"},
		{"Good Friday", "2026-04-03", "2026-04-07"},
		{"working day stays", "2026-10-16", "2026-10-16"},
		{"1 Sep stays", "2026-09-01", "2026-09-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, TribunalMove(date(tc.in), h).String())
		})
	}
	t.Run("nil holidays", func(t *testing.T) {
		assert.Equal(t, "2026-09-01", TribunalMove(date("2026-08-30"), nil).String())
		assert.Equal(t, "2027-01-04", TribunalMove(date("2026-12-27"), nil).String())
	})
}

func TestDayBefore(t *testing.T) {
	tests := []struct {
		name string
		y    int
		m    time.Month
		d    int
		want string
	}{
		{"before 15 February", 2027, time.February, 15, "2027-02-14"},
		{"before 31 March", 2027, time.March, 31, "2027-03-30"},
		{"before 1 March in a leap year", 2028, time.March, 1, "2028-02-29"},
		{"before 1 January", 2027, time.January, 1, "2026-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DayBefore(tc.y, tc.m, tc.d)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.String())
		})
	}
	for _, bad := range []Date{{2027, time.February, 30}, {2027, 13, 1}, {2027, 0, 1}, {2027, time.March, 0}} {
		t.Run("invalid "+bad.String(), func(t *testing.T) {
			_, err := DayBefore(bad.Year, bad.Month, bad.Day)
			assert.Error(t, err)
		})
	}
}

func TestUKDate(t *testing.T) {
	tests := []struct {
		name, at, want string
	}{
		{"late on 30 June UTC is 1 July in BST", "2026-06-30T23:30:00Z", "2026-07-01"},
		{"late on 31 Dec UTC is still 31 Dec in GMT", "2026-12-31T23:30:00Z", "2026-12-31"},
		{"just before BST starts", "2026-03-29T00:59:59Z", "2026-03-29"},
		{"BST starts", "2026-03-29T01:00:00Z", "2026-03-29"},
		{"evening after BST starts", "2026-03-29T23:00:00Z", "2026-03-30"},
		{"evening before BST starts", "2026-03-28T23:30:00Z", "2026-03-28"},
		{"just before BST ends (01:59 BST)", "2026-10-25T00:59:59Z", "2026-10-25"},
		{"BST ends", "2026-10-25T01:00:00Z", "2026-10-25"},
		{"evening before BST ends", "2026-10-24T23:30:00Z", "2026-10-25"},
		{"evening after BST ends", "2026-10-25T23:30:00Z", "2026-10-25"},
		{"other zone", "2026-07-01T00:30:00+02:00", "2026-06-30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, UKDate(instant(tc.at)).String())
		})
	}
}

func TestUKOffsetBoundaries(t *testing.T) {
	tests := []struct {
		at  string
		bst bool
	}{
		{"2026-03-29T00:59:59Z", false},
		{"2026-03-29T01:00:00Z", true},
		{"2026-10-25T00:59:59Z", true},
		{"2026-10-25T01:00:00Z", false},
		{"2027-03-28T00:59:59Z", false},
		{"2027-03-28T01:00:00Z", true},
		{"2027-10-31T00:59:59Z", true},
		{"2027-10-31T01:00:00Z", false},
		{"2026-01-15T12:00:00Z", false},
		{"2026-07-15T12:00:00Z", true},
	}
	for _, tc := range tests {
		t.Run(tc.at, func(t *testing.T) {
			want := time.Duration(0)
			if tc.bst {
				want = time.Hour
			}
			assert.Equal(t, want, ukOffset(instant(tc.at)))
		})
	}
	t.Run("local time just before BST ends is 01:59", func(t *testing.T) {
		at := instant("2026-10-25T00:59:59Z")
		local := at.Add(ukOffset(at)).UTC()
		assert.Equal(t, 1, local.Hour())
		assert.Equal(t, 59, local.Minute())
	})
}

func TestStartUK(t *testing.T) {
	tests := []struct {
		day, want string
	}{
		{"2026-01-05", "2026-01-05T00:00:00Z"},
		{"2026-07-01", "2026-06-30T23:00:00Z"},
		{"2026-03-29", "2026-03-29T00:00:00Z"}, // clocks go forward at 01:00 GMT
		{"2026-03-30", "2026-03-29T23:00:00Z"},
		{"2026-10-25", "2026-10-24T23:00:00Z"}, // clocks go back at 02:00 BST
		{"2026-10-26", "2026-10-26T00:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.day, func(t *testing.T) {
			got := date(tc.day).StartUK()
			assert.True(t, instant(tc.want).Equal(got), "got %s", got)
			assert.Equal(t, tc.day, UKDate(got).String())
			assert.Equal(t, date(tc.day).AddDays(-1), UKDate(got.Add(-time.Nanosecond)))
		})
	}
}

func TestParseAt(t *testing.T) {
	ok := []struct {
		in, want string
	}{
		{"2026-07-01", "2026-06-30T23:00:00Z"},
		{"2026-01-05", "2026-01-05T00:00:00Z"},
		{"2026-01-05T09:30:00Z", "2026-01-05T09:30:00Z"},
		{"2026-07-01T10:00:00+01:00", "2026-07-01T09:00:00Z"},
		{"2026-07-01T10:00:00.5-05:00", "2026-07-01T15:00:00.5Z"},
	}
	for _, tc := range ok {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseAt(tc.in)
			require.NoError(t, err)
			assert.True(t, instant(tc.want).Equal(got), "got %s", got)
		})
	}
	bad := []string{
		"", "2026-1-5", "2026-02-30", "05/01/2026", "2026-01-05 09:30:00",
		"2026-01-05T09:30:00", "2026-01-05T09:30Z", "1899-12-31", "2201-01-01",
		"1899-12-31T12:00:00Z", "2201-01-01T00:00:00Z", "now", " 2026-01-05",
	}
	for _, in := range bad {
		t.Run("reject "+in, func(t *testing.T) {
			_, err := ParseAt(in)
			assert.Error(t, err)
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, in := range []string{"2026-01-05", "2028-02-29", "1900-01-01", "2200-12-31"} {
		t.Run(in, func(t *testing.T) {
			d, err := ParseDate(in)
			require.NoError(t, err)
			assert.Equal(t, in, d.String())
		})
	}
	bad := []string{
		"2026-02-30", "2026-1-5", "", "2026-01-05T00:00:00Z", "2027-02-29",
		"2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "1899-12-31",
		"2201-01-01", "+026-01-05", "2026/01/05", "2026-01-0x", "２０２６-01-05",
	}
	for _, in := range bad {
		t.Run("reject "+in, func(t *testing.T) {
			_, err := ParseDate(in)
			assert.Error(t, err)
		})
	}
}

func TestDateMethods(t *testing.T) {
	a, b := date("2026-01-05"), date("2026-02-16")

	assert.Equal(t, "2026-01-05", a.String())
	assert.True(t, Date{}.IsZero())
	assert.False(t, a.IsZero())
	assert.Equal(t, time.Monday, a.Weekday())
	assert.True(t, a.Before(b))
	assert.False(t, b.Before(a))
	assert.True(t, b.After(a))
	assert.True(t, a.Equal(date("2026-01-05")))
	assert.Equal(t, -1, a.Compare(b))
	assert.Equal(t, 1, b.Compare(a))
	assert.Equal(t, 0, a.Compare(a))
	assert.Equal(t, 42, a.DaysUntil(b))
	assert.Equal(t, -42, b.DaysUntil(a))
	assert.Equal(t, 300*365+73, date("1900-01-01").DaysUntil(date("2200-01-01")))
	assert.Equal(t, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), a.Time())

	assert.Equal(t, "2025-12-31", date("2026-01-01").AddDays(-1).String())
	assert.Equal(t, "2028-02-29", date("2028-02-28").AddDays(1).String())
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-01-31", 2, "2026-03-31"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-05-20", 12, "2027-05-20"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-01-15", -13, "2024-12-15"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-06-30", 0, "2026-06-30"},
		{"2028-02-29", 12, "2029-02-28"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, date(tc.in).AddMonths(tc.n).String())
		})
	}
}

func TestDateText(t *testing.T) {
	type doc struct {
		Due  Date `json:"due"`
		None Date `json:"none"`
	}
	b, err := json.Marshal(doc{Due: date("2026-05-25")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"due":"2026-05-25","none":""}`, string(b))

	var got doc
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, date("2026-05-25"), got.Due)
	assert.True(t, got.None.IsZero())

	assert.Error(t, json.Unmarshal([]byte(`{"due":"2026-02-30"}`), &got))
	assert.Error(t, json.Unmarshal([]byte(`{"due":"2026-05-25T00:00:00Z"}`), &got))
}

func TestDefaultHolidays(t *testing.T) {
	h, err := ParseHolidays(bankHolidaysJSON)
	require.NoError(t, err, "the embedded holiday list must parse")
	assert.Len(t, h.Dates(), 7*8)
	assert.Equal(t, h.Dates(), DefaultHolidays().Dates())
	assert.True(t, slices.IsSortedFunc(h.Dates(), Date.Compare))

	// The weekday column of the data file agrees with the dates.
	var years map[string][][]string
	require.NoError(t, json.Unmarshal(bankHolidaysJSON, &years))
	for _, entries := range years {
		for _, e := range entries {
			require.Len(t, e, 3)
			assert.Equal(t, e[1], date(e[0]).Weekday().String()[:3], e[0])
		}
	}

	for _, d := range []string{"2026-04-03", "2026-04-06", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28", "2027-01-01", "2027-12-27", "2027-12-28", "2028-01-03"} {
		assert.True(t, h.IsHoliday(date(d)), d)
		assert.False(t, h.IsWorkingDay(date(d)), d)
	}
	for _, d := range []string{"2026-12-26", "2028-01-01", "2026-12-24"} {
		assert.False(t, h.IsHoliday(date(d)), d)
	}
}

func TestWorkingDays(t *testing.T) {
	h := DefaultHolidays()
	t.Run("IsWorkingDay", func(t *testing.T) {
		assert.True(t, h.IsWorkingDay(date("2026-04-02")))  // Thu before Good Friday
		assert.False(t, h.IsWorkingDay(date("2026-04-04"))) // Saturday
		assert.False(t, h.IsWorkingDay(date("2026-04-05"))) // Sunday
		assert.True(t, h.IsWorkingDay(date("2026-04-07")))
	})
	t.Run("AddWorkingDays", func(t *testing.T) {
		tests := []struct {
			from string
			n    int
			want string
		}{
			{"2026-04-02", 0, "2026-04-02"},
			{"2026-04-04", 0, "2026-04-04"},
			{"2026-04-02", 1, "2026-04-07"}, // over Easter 2026
			{"2026-04-01", 2, "2026-04-07"},
			{"2026-03-27", 10, "2026-04-14"},
			{"2026-12-22", 5, "2026-12-31"},
			{"2027-12-24", 1, "2027-12-29"},
			{"2027-12-31", 1, "2028-01-04"}, // 2028-01-03 substitute New Year
			{"2026-01-05", -1, "2026-01-05"},
		}
		for _, tc := range tests {
			t.Run(tc.from, func(t *testing.T) {
				assert.Equal(t, tc.want, h.AddWorkingDays(date(tc.from), tc.n).String())
			})
		}
	})
	t.Run("WorkingDaysBetween", func(t *testing.T) {
		tests := []struct {
			a, b string
			want int
		}{
			{"2026-03-31", "2026-04-10", 6}, // 1, 2, 7, 8, 9, 10 April
			{"2026-04-02", "2026-04-07", 1},
			{"2026-04-02", "2026-04-02", 0},
			{"2026-04-10", "2026-04-02", 0},
			{"2027-12-31", "2028-01-07", 4},       // 3 Jan 2028 is the substitute day
			{"2026-01-01", "2026-12-31", 261 - 8}, // 261 weekdays, 8 weekday holidays
		}
		for _, tc := range tests {
			t.Run(tc.a+"_"+tc.b, func(t *testing.T) {
				assert.Equal(t, tc.want, h.WorkingDaysBetween(date(tc.a), date(tc.b)))
			})
		}
	})
	t.Run("NextWorkingDay", func(t *testing.T) {
		assert.Equal(t, "2026-04-07", h.NextWorkingDay(date("2026-04-02")).String())
		assert.Equal(t, "2026-01-06", h.NextWorkingDay(date("2026-01-05")).String())
		assert.Equal(t, "2026-12-29", h.NextWorkingDay(date("2026-12-24")).String())
		assert.Equal(t, "2028-01-04", h.NextWorkingDay(date("2027-12-31")).String())
	})
	t.Run("AddWorkingDays agrees with WorkingDaysBetween", func(t *testing.T) {
		for d := date("2026-01-01"); d.Before(date("2029-01-01")); d = d.AddDays(1) {
			for _, n := range []int{1, 3, 5, 15, 30} {
				due := h.AddWorkingDays(d, n)
				require.Equal(t, n, h.WorkingDaysBetween(d, due), "%s + %d", d, n)
				require.True(t, h.IsWorkingDay(due), "%s + %d", d, n)
			}
		}
	})
}

func TestHolidays(t *testing.T) {
	t.Run("nil is weekends only", func(t *testing.T) {
		var h *Holidays
		assert.False(t, h.IsHoliday(date("2026-12-25")))
		assert.True(t, h.IsWorkingDay(date("2026-12-25")))
		assert.False(t, h.IsWorkingDay(date("2026-12-26")))
		assert.Equal(t, "2026-12-28", h.NextWorkingDay(date("2026-12-25")).String())
		assert.Equal(t, "2026-12-29", h.AddWorkingDays(date("2026-12-22"), 5).String())
		assert.Equal(t, 5, h.WorkingDaysBetween(date("2026-12-20"), date("2026-12-27")))
		assert.Empty(t, h.Dates())
	})
	t.Run("NewHolidays sorts and deduplicates", func(t *testing.T) {
		h := NewHolidays([]Date{date("2026-12-25"), date("2026-01-01"), date("2026-12-25")})
		assert.Equal(t, []Date{date("2026-01-01"), date("2026-12-25")}, h.Dates())
		assert.True(t, h.IsHoliday(date("2026-12-25")))
		h.Dates()[0] = date("2030-01-01")
		assert.True(t, h.IsHoliday(date("2026-01-01")), "Dates returns a copy")
	})
	t.Run("ParseHolidays", func(t *testing.T) {
		h, err := ParseHolidays([]byte(`{"2026": [["2026-06-01", "Mon", "Local"], ["2026-06-02"]]}`))
		require.NoError(t, err)
		assert.Equal(t, []Date{date("2026-06-01"), date("2026-06-02")}, h.Dates())

		h, err = ParseHolidays([]byte(`{}`))
		require.NoError(t, err)
		assert.Empty(t, h.Dates())
	})
	bad := map[string]string{
		"not JSON":     `{`,
		"wrong shape":  `["2026-06-01"]`,
		"bad date":     `{"2026": [["2026-02-30", "Mon", "x"]]}`,
		"empty entry":  `{"2026": [[]]}`,
		"wrong year":   `{"2026": [["2027-01-01", "Fri", "x"]]}`,
		"date as text": `{"2026": ["2026-01-01"]}`,
	}
	for name, data := range bad {
		t.Run("ParseHolidays rejects "+name, func(t *testing.T) {
			_, err := ParseHolidays([]byte(data))
			assert.Error(t, err)
		})
	}
}

func TestCompulsorySchoolAgeEnd(t *testing.T) {
	tests := []struct {
		name, dob, want string
	}{
		{"turns 16 in March", "2010-03-10", "2026-06-26"},
		{"turns 16 in October", "2010-10-01", "2027-06-25"},
		{"born 1 September: school year starting that day", "2010-09-01", "2027-06-25"},
		{"born 31 August", "2010-08-31", "2026-06-26"},
		{"turns 16 in July, after the last Friday in June", "2010-07-15", "2026-06-26"},
		{"turns 16 on the last Friday in June", "2010-06-26", "2026-06-26"},
		{"leap day birthday", "2012-02-29", "2028-06-30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CompulsorySchoolAgeEnd(date(tc.dob))
			assert.Equal(t, tc.want, got.String())
			assert.Equal(t, time.Friday, got.Weekday())
		})
	}
}

func TestIsYoungPerson(t *testing.T) {
	dob := date("2010-03-10")
	tests := []struct {
		on   string
		want bool
	}{
		{"2026-03-10", false}, // 16 but still of compulsory school age
		{"2026-06-26", false}, // last day of compulsory school age
		{"2026-06-27", true},
		{"2030-01-01", true},
		{"2035-03-09", true}, // the day before the 25th birthday
		{"2035-03-10", false},
		{"2005-01-01", false},
	}
	for _, tc := range tests {
		t.Run(tc.on, func(t *testing.T) {
			assert.Equal(t, tc.want, IsYoungPerson(dob, date(tc.on)))
		})
	}
}

func TestAgeOn(t *testing.T) {
	tests := []struct {
		dob, on string
		want    int
	}{
		{"2010-03-10", "2026-03-09", 15},
		{"2010-03-10", "2026-03-10", 16},
		{"2010-03-10", "2010-03-10", 0},
		{"2010-03-10", "2009-01-01", 0},
		{"2010-12-31", "2026-01-01", 15},
		{"2008-02-29", "2009-02-28", 0},
		{"2008-02-29", "2009-03-01", 1},
		{"2008-02-29", "2012-02-29", 4},
	}
	for _, tc := range tests {
		t.Run(tc.dob+"_"+tc.on, func(t *testing.T) {
			assert.Equal(t, tc.want, AgeOn(date(tc.dob), date(tc.on)))
		})
	}
}

func FuzzParseAt(f *testing.F) {
	for _, s := range []string{
		"2026-07-01", "2026-01-05", "2026-03-29", "2026-10-25", "2026-02-30",
		"2026-03-29T00:59:59Z", "2026-10-25T01:30:00+01:00", "2026-06-30T23:30:00Z",
		"2200-12-31T23:59:59-12:00", "1900-01-01T00:00:00+14:00", "", "2026-1-5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		defer fuzzcheck.Start().Check(t)
		at, err := ParseAt(s)
		if err != nil {
			return
		}
		d := UKDate(at)
		start := d.StartUK()
		require.Equal(t, d, UKDate(start), "UKDate(StartUK(%s))", d)
		require.False(t, start.After(at), "%s starts after %s", d, at)
		require.True(t, at.Before(d.AddDays(1).StartUK()), "%s ends before %s", d, at)
		if len(s) == len("2006-01-02") {
			pd, err := ParseDate(s)
			require.NoError(t, err)
			require.Equal(t, pd, d)
			require.True(t, start.Equal(at))
			require.Equal(t, s, d.String())
		}
	})
}

func BenchmarkDue(b *testing.B) {
	h := DefaultHolidays()
	start := date("2026-06-30")
	for b.Loop() {
		if _, err := Due(start, Months, 2, true, h); err != nil {
			b.Fatal(err)
		}
		if _, err := Due(start, Weeks, 20, false, h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	h := DefaultHolidays()
	start := date("2026-12-22")
	for b.Loop() {
		h.AddWorkingDays(start, 30)
	}
}

// TestDaysInMatchesTime checks the month-length table against the time
// package for every month of every year the calendar accepts.
func TestDaysInMatchesTime(t *testing.T) {
	for y := MinYear - 1; y <= MaxYear+1; y++ {
		for m := time.Month(0); m <= 13; m++ {
			if got, want := daysIn(y, m), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}

// TestPastSchoolAgeInYear11: a pupil in year 11 is past compulsory school
// age from the day after the last Friday in June to 31 August.
func TestPastSchoolAgeInYear11(t *testing.T) {
	for on, want := range map[string]bool{
		"2026-06-26": false, // Fri, the last Friday in June 2026
		"2026-06-27": true,
		"2026-08-31": true,
		"2026-09-01": false, // a new school year: year 11 starts again
		"2027-01-15": false,
		"2027-06-25": false, // Fri, the last Friday in June 2027
		"2027-06-28": true,
	} {
		assert.Equal(t, want, PastSchoolAgeInYear11(date(on)), on)
	}
}

// AgeLimit follows R46(1) (LIFECYCLE-worked.md example 7's dates).
func TestAgeLimit(t *testing.T) {
	d := func(s string) Date {
		x, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	p := func(s string) *Date { x := d(s); return &x }
	for _, c := range []struct {
		dob, setting string
		end          *Date
		want         string
	}{
		{"2001-10-15", "fe", nil, "2027-07-31"},
		{"2001-10-15", "", nil, "2027-07-31"},
		{"2001-10-15", "apprenticeship", p("2027-03-31"), "2027-03-31"},
		{"2001-10-15", "apprenticeship", p("2027-12-20"), "2027-10-14"},
		{"2001-10-15", "apprenticeship", p("2026-09-30"), "2027-07-31"},
		{"2001-10-15", "apprenticeship", p("2026-10-15"), "2027-07-31"}, // on the 25th birthday: not after it
		{"2001-10-15", "apprenticeship", p("2026-10-16"), "2026-10-16"},
		{"2001-10-15", "other", p("2027-06-30"), "2027-06-30"},
		{"2001-10-15", "other", p("2027-12-20"), "2027-10-14"},
		{"2001-10-15", "fe", p("2027-03-31"), "2027-07-31"},
		{"2001-10-15", "apprenticeship", nil, "2027-07-31"},
		{"2002-07-20", "fe", nil, "2027-07-31"},
		{"2002-08-01", "fe", nil, "2028-07-31"},
		{"2002-07-31", "fe", nil, "2027-07-31"},
		{"2004-02-29", "apprenticeship", p("2030-06-30"), "2030-02-28"}, // 26 on 1 March 2030
		{"2004-02-29", "apprenticeship", p("2029-03-01"), "2029-07-31"}, // 25 on 1 March 2029: not after it
		{"2004-02-29", "fe", nil, "2029-07-31"},
	} {
		if got := AgeLimit(d(c.dob), c.setting, c.end).String(); got != c.want {
			t.Errorf("AgeLimit(%s, %q, %v) = %s, want %s", c.dob, c.setting, c.end, got, c.want)
		}
	}
}
