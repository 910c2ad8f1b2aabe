package lift

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// Row is one figure of the CSV output: District and Term are empty for
// every district and the whole period; Key names a profession, a
// recommendation, a training or a need area (need/recommendation).
type Row struct {
	Measure, District, Term, Key, Value string
}

// Rows flattens the report into rows, in a fixed order: the run, the
// totals, each term, each district and each district's terms, then the
// consistency between districts.
func Rows(r Report) []Row {
	rows := []Row{
		{"period_from", "", "", "", r.Period.From},
		{"period_to", "", "", "", r.Period.To},
		{"as_of", "", "", "", r.AsOf},
		{"verified", "", "", "", strconv.FormatBool(r.Verified)},
		{"contact_working_days", "", "", "", itoa(r.ContactWorkingDays)},
		{"cases_read", "", "", "", itoa(r.Lines)},
		{"cases_counted", "", "", "", itoa(r.Counted)},
		{"cases_not_counted", "", "", "", itoa(r.Failed)},
	}
	rows = figureRows(rows, "", "", &r.Totals)
	for i := range r.Terms {
		rows = figureRows(rows, "", r.Terms[i].Key, &r.Terms[i].Figures)
	}
	for i := range r.Districts {
		d := &r.Districts[i]
		rows = figureRows(rows, d.District, "", &d.Figures)
		for j := range d.Terms {
			rows = figureRows(rows, d.District, d.Terms[j].Key, &d.Terms[j].Figures)
		}
	}
	for _, s := range r.Consistency.Allocations {
		rows = spreadRows(rows, "allocation_share", s)
	}
	for _, s := range r.Consistency.Recommendations {
		rows = spreadRows(rows, "recommendation_share", s)
	}
	return rows
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 1, 64)
}

// figureRows appends one district and term's figures.
func figureRows(rows []Row, district, term string, f *Figures) []Row {
	one := func(m, key, v string) { rows = append(rows, Row{m, district, term, key, v}) }
	one("meetings", "", itoa(f.Meetings))
	one("meetings_with_attendance", "", itoa(f.MeetingsWithAttendance))
	one("cases_discussed", "", itoa(f.CasesDiscussed))
	one("children_discussed", "", itoa(f.ChildrenDiscussed))
	one("referrals", "", itoa(f.Referrals))
	for _, set := range []struct {
		name string
		m    map[string]int
	}{{"attendance", f.Attendance}, {"allocations", f.Allocations}, {"allocations_by_service", f.AllocationsByService},
		{"recommendations", f.Recommendations}, {"training_offered", f.TrainingOffered}, {"training_accessed", f.TrainingAccessed}} {
		for _, k := range sortedKeys(set.m) {
			one(set.name, k, itoa(set.m[k]))
		}
	}
	for _, need := range sortedKeys(f.RecommendationsByNeed) {
		for _, rec := range sortedKeys(f.RecommendationsByNeed[need]) {
			one("recommendations_by_need", need+"/"+rec, itoa(f.RecommendationsByNeed[need][rec]))
		}
	}
	c := f.FirstContact
	one("first_contact_allocations", "", itoa(c.Allocations))
	one("first_contact_met", "", itoa(c.Met))
	one("first_contact_missed", "", itoa(c.Missed))
	one("first_contact_awaiting", "", itoa(c.Awaiting))
	one("first_contact_cancelled", "", itoa(c.Cancelled))
	one("first_contact_met_rate", "", ftoa(c.MetRate))
	one("first_contact_median_working_days", "", ftoa(c.MedianWorkingDays))
	o := f.Outcomes
	one("returned", "", itoa(o.Returned))
	one("exhausted", "", itoa(o.Exhausted))
	one("exhausted_then_hnf", "", itoa(o.ExhaustedThenHNF))
	one("exhausted_then_ehc", "", itoa(o.ExhaustedThenEHC))
	one("closed", "", itoa(o.Closed))
	one("progress_reviews", "", itoa(f.Progress.Reviews))
	one("progress_expected", "", itoa(f.Progress.Expected))
	one("progress_less_than_expected", "", itoa(f.Progress.LessThanExpected))
	one("progress_expected_rate", "", ftoa(f.Progress.ExpectedRate))
	one("hnf_children_supported", "", itoa(f.HNFChildrenSupported))
	return rows
}

// spreadRows appends one kind's share per district and its range.
func spreadRows(rows []Row, measure string, s Spread) []Row {
	for _, d := range sortedKeys(s.Shares) {
		v := s.Shares[d]
		rows = append(rows, Row{measure, d, "", s.Kind, ftoa(&v)})
	}
	r := s.Range
	return append(rows, Row{measure + "_range", "", "", s.Kind, ftoa(&r)})
}

// WriteCSV writes the rows with a header: measure,district,term,key,value.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"measure", "district", "term", "key", "value"}); err != nil {
		return err
	}
	for _, row := range Rows(r) {
		if err := cw.Write([]string{row.Measure, row.District, row.Term, row.Key, row.Value}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
