package calendar

// EasterSunday is the Gregorian Easter Sunday of year y (school terms are
// split at Easter).
func EasterSunday(y int) Date { return easterSunday(y) }
