package report

// This file holds the date checks of the person-level return: every date
// on or before the census (reference) date, the birth date before every
// other date, and each record's dates in order.

// dated is one date of a record and the element it is written in.
type dated struct{ el, v string }

// checkDates reports the record's dates that are after the census date,
// before the birth date, or out of order.
func (c *recordBuilder) checkDates(p *XMLPerson) {
	for _, r := range p.Requests {
		chain := []dated{{"Requests/ReceivedDate", r.ReceivedDate}, {"Requests/RequestOutcomeDate", r.RequestOutcomeDate}}
		if a := r.Assessment; a != nil {
			chain = append(chain, dated{"Requests/Assessment/AssessmentOutcomeDate", a.AssessmentOutcomeDate})
			if np := a.NamedPlan; np != nil {
				c.inOrder(p.PersonBirthDate, []dated{{"Requests/Assessment/NamedPlan/StartDate", np.StartDate},
					{"Requests/Assessment/NamedPlan/CeaseDate", np.CeaseDate}})
			}
		}
		c.inOrder(p.PersonBirthDate, chain)
		if ap := r.ActivePlans; ap != nil {
			for _, pd := range ap.PlacementDetail {
				c.inOrder(p.PersonBirthDate, []dated{{"Requests/ActivePlans/PlacementDetail/EntryDate", pd.EntryDate},
					{"Requests/ActivePlans/PlacementDetail/LeavingDate", pd.LeavingDate}})
			}
			c.inOrder(p.PersonBirthDate, []dated{{"Requests/ActivePlans/ReviewMeeting", ap.ReviewMeeting},
				{"Requests/ActivePlans/LastReview", ap.LastReview}})
		}
	}
}

// inOrder checks a chain of dates (blanks skipped): each on or before the
// census date, after the birth date, and not before the one before it.
func (c *recordBuilder) inOrder(birth string, chain []dated) {
	prev := dated{}
	for _, d := range chain {
		if d.v == "" {
			continue
		}
		switch {
		case d.v > c.s.census:
			c.issue(d.el, "after_reference_date", "the date is after the census (reference) date "+c.s.census)
		case birth != "" && d.v <= birth:
			c.issue(d.el, "date_order", "the date is not after the date of birth")
		case prev.v != "" && d.v < prev.v:
			c.issue(d.el, "date_order", "the date is before "+prev.el)
		}
		prev = d
	}
}
