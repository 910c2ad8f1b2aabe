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
