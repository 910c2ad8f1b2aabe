package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Row is one figure of the CSV output.
type Row struct {
	Measure string // stable snake_case name
	Group   string // a breakdown, e.g. "source=parent" or "district=dover"; empty for a total
	Value   string // a count, a percentage to one decimal, or empty when not computable
	DfE     string // the DfE published variable the figure corresponds to, if any
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 1, 64)
}

func timelinessRows(t Timeliness, group string) []Row {
	return []Row{
		{"timeliness_plans_issued", group, itoa(t.PlansIssued), "new_all_ehc"},
		{"timeliness_excluded_mediation_or_tribunal", group, itoa(t.ExcludedDisputed), ""},
		{"timeliness_including_exceptions", group, itoa(t.IncExc), "tot_inc_exc_ehc"},
		{"timeliness_including_exceptions_within_20_weeks", group, itoa(t.IncExcWithin), "inc_exc_20week_ehc"},
		{"timeliness_including_exceptions_rate", group, ftoa(t.IncExcRate), "inc_exc_20week_rate"},
		{"timeliness_excluding_exceptions", group, itoa(t.NoExc), "tot_no_exc_ehc"},
		{"timeliness_excluding_exceptions_within_20_weeks", group, itoa(t.NoExcWithin), "no_exc_20week_ehc"},
		{"timeliness_excluding_exceptions_rate", group, ftoa(t.NoExcRate), "no_exc_20week_rate"},
	}
}

// Rows flattens the report into CSV rows, in a fixed order.
func Rows(r Report) []Row {
	t := r.Totals
	rows := []Row{
		{"year", "", itoa(t.Year), ""},
		{"period_from", "", t.Period.From, ""},
		{"period_to", "", t.Period.To, ""},
		{"verified", "", strconv.FormatBool(r.Verified), ""},
		{"cases_read", "", itoa(r.Lines), ""},
		{"cases_counted", "", itoa(r.Counted), ""},
		{"cases_not_counted", "", itoa(r.Failed), ""},
		{"persons", "", itoa(t.Persons), ""},
		{"requests_received", "", itoa(t.RequestsReceived), "inreq_ehc"},
	}
	for _, k := range slices.Sorted(maps.Keys(t.RequestsBySource)) {
		rows = append(rows, Row{"requests_received", "source=" + k, itoa(t.RequestsBySource[k]), ""})
	}
	rows = append(rows,
		Row{"decisions_to_assess", "", itoa(t.DecisionsToAssess), "inreq_ehc_y"},
		Row{"assessments_refused", "", itoa(t.AssessmentsRefused), "ass_refused_ehc"},
		Row{"requests_withdrawn", "", itoa(t.RequestsWithdrawn), "inreq_ehc_w"},
		Row{"requests_ongoing_at_year_end", "", itoa(t.RequestsOngoing), "inreq_ehc_a"},
		Row{"plans_issued", "", itoa(t.PlansIssued), "new_all_ehc"},
		Row{"plans_issued_with_week20_exception", "", itoa(t.ExceptionCases), ""},
		Row{"assessments_not_issued", "", itoa(t.AssessmentsNotIssued), "ass_none_ehc"},
		Row{"assessments_withdrawn", "", itoa(t.AssessmentsWithdrawn), "assessment_w"},
	)
	rows = append(rows, timelinessRows(t.Timeliness, "")...)
	rows = append(rows,
		Row{"request_mediation", "", itoa(t.RequestMediation), "request_mediation"},
		Row{"request_tribunal", "", itoa(t.RequestTribunal), "request_tribunal"},
		Row{"assessment_mediation", "", itoa(t.AssessmentMediation), "assessment_mediation"},
		Row{"assessment_tribunal", "", itoa(t.AssessmentTribunal), "assessment_tribunal"},
		Row{"other_mediation", "", itoa(t.OtherMediation), "other_mediation"},
		Row{"other_tribunal", "", itoa(t.OtherTribunal), "other_tribunal"},
		Row{"plans_transferred_in", "", itoa(t.PlansTransferredIn), ""},
		Row{"annual_reviews_held", "", itoa(t.ReviewsHeld), ""},
	)
	for _, k := range []string{"maintain", "amend", "cease"} {
		rows = append(rows, Row{"review_outcomes", "decision=" + k, itoa(t.ReviewOutcomes[k]), ""})
	}
	for _, k := range slices.Sorted(maps.Keys(t.ReviewOutcomes)) {
		if k != "maintain" && k != "amend" && k != "cease" {
			rows = append(rows, Row{"review_outcomes", "decision=" + k, itoa(t.ReviewOutcomes[k]), ""})
		}
	}
	rows = append(rows, Row{"plans_ceased", "", itoa(t.PlansCeased), "discontinued_total"})
	dfe := map[string]string{"1": "discontinued_age", "2": "discontinued_met_ehc", "3": "discontinued_he",
		"4": "discontinued_employment", "5": "discontinued_lea_ehc", "6": "discontinued_engage",
		"7": "discontinued_abroad", "8": "discontinued_deceased", "9": "discontinued_other", "unknown": "discontinued_unknown"}
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "unknown"} {
		if k == "unknown" && t.CeasedByReason[k] == 0 {
			continue
		}
		rows = append(rows, Row{"plans_ceased", "reason=" + k + " " + CeaseReasons[k], itoa(t.CeasedByReason[k]), dfe[k]})
	}
	rows = append(rows, Row{"plans_maintained_at_year_end", "", itoa(t.PlansMaintainedAtEnd), ""},
		Row{"census_date", "", t.Census.ReferenceDate, ""},
		Row{"plans_on_census_date", "", itoa(t.Census.Plans), ""})
	for _, b := range AgeBands {
		rows = append(rows, Row{"plans_on_census_date", "age=" + b, itoa(t.Census.ByAge[b]), ""})
	}
	for _, d := range r.Districts {
		rows = append(rows, timelinessRows(d.Timeliness, "district="+d.District+" "+d.Period.From+".."+d.Period.To)...)
	}
	return rows
}

// WriteCSV writes the report as CSV: a header, then one row per figure
// (measure, group, value, dfe_variable).
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"measure", "group", "value", "dfe_variable"}); err != nil {
		return err
	}
	for _, row := range Rows(r) {
		if err := cw.Write([]string{row.Measure, csvSafe(row.Group), row.Value, row.DfE}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe stops a district name from being read as a spreadsheet formula.
func csvSafe(s string) string {
	for _, p := range []string{"district==", "district=+", "district=-", "district=@"} {
		if strings.HasPrefix(s, p) {
			return "district='" + s[len("district="):]
		}
	}
	return s
}

// WriteDistrictTable writes the per-district 20-week measure as an aligned
// plain-text table.
func WriteDistrictTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "20-week timeliness by district, plans issued %s to %s\n", r.Period.From, r.Period.To)
	fmt.Fprintln(tw, "district\tissued\texcluded (dispute)\tincl. exceptions\twithin 20 wks\trate %\texcl. exceptions\twithin 20 wks\trate %\t")
	all := Timeliness{Period: r.Period}
	for _, d := range r.Districts {
		t := d.Timeliness
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%s\t\n", oneLine(d.District), t.PlansIssued, t.ExcludedDisputed,
			t.IncExc, t.IncExcWithin, dash(t.IncExcRate), t.NoExc, t.NoExcWithin, dash(t.NoExcRate))
		all.PlansIssued += t.PlansIssued
		all.ExcludedDisputed += t.ExcludedDisputed
		all.IncExc += t.IncExc
		all.IncExcWithin += t.IncExcWithin
		all.NoExc += t.NoExc
		all.NoExcWithin += t.NoExcWithin
	}
	all.finish()
	fmt.Fprintf(tw, "all districts\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%s\t\n", all.PlansIssued, all.ExcludedDisputed,
		all.IncExc, all.IncExcWithin, dash(all.IncExcRate), all.NoExc, all.NoExcWithin, dash(all.NoExcRate))
	return tw.Flush()
}

func dash(f *float64) string {
	if f == nil {
		return "-"
	}
	return ftoa(f)
}

// oneLine keeps a hostile district name on one table line.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len([]rune(s)) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}
