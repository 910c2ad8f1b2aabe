package calendar

import "time"

// birthday returns the date a person born on dob reaches the given age. A
// person born on 29 February reaches it on 1 March in a year that is not a
// leap year.
func birthday(dob Date, age int) Date {
	y := dob.Year + age
	if dob.Month == time.February && dob.Day == 29 && daysIn(y, time.February) == 28 {
		return Date{Year: y, Month: time.March, Day: 1}
	}
	return Date{Year: y, Month: dob.Month, Day: dob.Day}
}

// AgeOn returns the age in whole years on date on of a person born on dob,
// or 0 if on is before dob.
func AgeOn(dob, on Date) int {
	if on.Before(dob) {
		return 0
	}
	age := on.Year - dob.Year
	if on.Before(birthday(dob, age)) {
		age--
	}
	return age
}

// CompulsorySchoolAgeEnd returns the day a child born on dob ceases to be of
// compulsory school age: the last Friday in June of the school year
// (1 September to 31 August) in which the child turns 16.
func CompulsorySchoolAgeEnd(dob Date) Date {
	sixteen := birthday(dob, 16)
	year := sixteen.Year // the school year ends in this year...
	if sixteen.Month >= time.September {
		year++ // ...unless the birthday falls in its first months.
	}
	return lastWeekday(year, time.June, time.Friday)
}

// IsYoungPerson reports whether a person born on dob is a young person
// (CFA s83(2)) on date on: over compulsory school age and under 25.
func IsYoungPerson(dob Date, on Date) bool {
	return on.After(CompulsorySchoolAgeEnd(dob)) && on.Before(birthday(dob, 25))
}

// PastSchoolAgeInYear11 reports whether a pupil in year 11 on date on is
// past compulsory school age: after the last Friday in June of that school
// year (which ends on 31 August), so from then until 31 August.
func PastSchoolAgeInYear11(on Date) bool {
	return on.Month >= time.June && on.Month <= time.August && on.After(lastWeekday(on.Year, time.June, time.Friday))
}

// AgeLimit returns the last day an EHC plan may be maintained for a young
// person born on dob (CFA s46; R46(1)), by their post-25 setting: "fe" (or
// anything else; further education): 31 July ending the academic year
// (1 August-31 July) in which they turn 25; "apprenticeship" or "other"
// (another course of education or training) with an end date after the
// 25th birthday: the earlier of that end date and the day before the 26th
// birthday. end is the apprenticeship's or the course's end, by setting.
func AgeLimit(dob Date, setting string, end *Date) Date {
	b25 := birthday(dob, 25)
	if (setting == "apprenticeship" || setting == "other") && end != nil && end.After(b25) {
		last := birthday(dob, 26).AddDays(-1)
		if end.Before(last) {
			return *end
		}
		return last
	}
	y := b25.Year
	if b25.Month >= time.August {
		y++
	}
	return Date{Year: y, Month: time.July, Day: 31}
}
