package lift

import (
	"fmt"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Term names, in the order they fall in a school year.
const (
	Autumn = "autumn"
	Spring = "spring"
	Summer = "summer"
)

// Term is one school term of a school year, as the DfE splits the year for
// its termly statistics: autumn from 1 August to 31 December, spring from 1
// January to Easter Sunday, summer from Easter Monday to 31 July. Every day
// of the year falls in exactly one term, so no event is lost between terms.
type Term struct {
	// Key is "<school year> <term>", e.g. "2025/26 autumn". Keys sort in
	// date order.
	Key        string `json:"key"`
	SchoolYear string `json:"school_year"`
	Term       string `json:"term"`
	From       string `json:"from"`
	To         string `json:"to"`
}

// TermOf is the term a date falls in.
func TermOf(d calendar.Date) Term {
	sy := d.Year
	if d.Month < time.August {
		sy--
	}
	name := fmt.Sprintf("%04d/%02d", sy, (sy+1)%100)
	switch {
	case d.Month >= time.August:
		return Term{Key: name + " " + Autumn, SchoolYear: name, Term: Autumn,
			From: fmt.Sprintf("%04d-08-01", sy), To: fmt.Sprintf("%04d-12-31", sy)}
	case !d.After(calendar.EasterSunday(d.Year)):
		return Term{Key: name + " " + Spring, SchoolYear: name, Term: Spring,
			From: fmt.Sprintf("%04d-01-01", d.Year), To: calendar.EasterSunday(d.Year).String()}
	default:
		return Term{Key: name + " " + Summer, SchoolYear: name, Term: Summer,
			From: calendar.EasterSunday(d.Year).AddDays(1).String(), To: fmt.Sprintf("%04d-07-31", d.Year)}
	}
}
