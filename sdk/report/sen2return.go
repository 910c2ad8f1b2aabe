package report

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"time"
)

// MaxIssuesListed bounds how many pre-submission issues a return summary
// lists; all are counted.
const MaxIssuesListed = 1000

// ReturnCounts are the return's records counted per module, as a
// submitter checks them against their own figures.
type ReturnCounts struct {
	Persons int `json:"persons"`
	// Requests and Assessments count the records by outcome code (Y, N, A,
	// W, H).
	Requests    map[string]int `json:"requests_by_outcome"`
	Assessments map[string]int `json:"assessments_by_outcome"`
	NamedPlans  int            `json:"named_plans"`
	// PlansCeased counts named plans with a cease date, by reason code.
	PlansCeased      map[string]int `json:"plans_ceased_by_reason"`
	ActivePlans      int            `json:"active_plans"`
	TransferredIn    int            `json:"active_plans_transferred_in"`
	PlanDetails      int            `json:"plan_details"`
	PlacementDetails int            `json:"placement_details"`
	SENneeds         int            `json:"sen_needs"`
}

// ReturnSummary is what a return run says before (or instead of) writing
// the file: the collection, the counts, and every issue found.
type ReturnSummary struct {
	Collection    int          `json:"collection_year"`
	ReferenceDate string       `json:"reference_date"`
	CutOff        string       `json:"cut_off"`
	Period        Period       `json:"period"`
	Counts        ReturnCounts `json:"counts"`
	// IssueCount counts every issue; Issues lists the first
	// MaxIssuesListed. The file may be submitted only when it is 0.
	IssueCount int     `json:"issue_count"`
	Issues     []Issue `json:"issues"`
}

// Return builds the person-level XML return one case at a time, writing
// each person's record as it comes (memory does not grow with the
// caseload) and collecting the pre-submission issues. Write to a
// temporary file, and keep it only when Close reports no issue.
type Return struct {
	opt ReturnOptions
	w   *bufio.Writer
	sum ReturnSummary
	err error
}

// NewReturn checks the options and writes the message's header to w.
func NewReturn(w io.Writer, opt ReturnOptions) (*Return, error) {
	o, err := opt.resolve(time.Now())
	if err != nil {
		return nil, err
	}
	r := &Return{opt: o, w: bufio.NewWriter(w)}
	r.sum = ReturnSummary{Collection: o.Year + 1, ReferenceDate: o.ReferenceDate, CutOff: o.CutOff, Period: Year(o.Year),
		Issues: []Issue{}, Counts: ReturnCounts{Requests: map[string]int{}, Assessments: map[string]int{}, PlansCeased: map[string]int{}}}
	h, err := xml.MarshalIndent(o.header(), "  ", "  ")
	if err != nil {
		return nil, err
	}
	r.write(xml.Header + "<Message>\n")
	r.write(string(h) + "\n  <Persons>\n")
	return r, r.err
}

// CutOff is the day the cases must be derived as of (Options.AsOf).
func (r *Return) CutOff() string { return r.opt.CutOff }

func (r *Return) write(s string) {
	if r.err == nil {
		_, r.err = r.w.WriteString(s)
	}
}

// Add builds one case's record (derived as of CutOff), counts it and
// writes it; a case with nothing in the return's scope is left out.
func (r *Return) Add(d *Derived) error {
	s := &scope{period: Year(r.opt.Year), census: r.opt.ReferenceDate, cutOff: r.opt.CutOff, details: d.details}
	p, issues, ok := d.personRecord(s)
	if !ok {
		return nil
	}
	for _, is := range issues {
		r.sum.IssueCount++
		if len(r.sum.Issues) < MaxIssuesListed {
			r.sum.Issues = append(r.sum.Issues, is)
		}
	}
	r.count(&p)
	b, err := xml.MarshalIndent(p, "    ", "  ")
	if err != nil {
		return err
	}
	r.write(string(b) + "\n")
	return r.err
}

// count adds a person's records to the counts.
func (r *Return) count(p *XMLPerson) {
	n := &r.sum.Counts
	n.Persons++
	for _, q := range p.Requests {
		n.Requests[q.RequestOutcome]++
		if a := q.Assessment; a != nil {
			n.Assessments[a.AssessmentOutcome]++
			if np := a.NamedPlan; np != nil {
				n.NamedPlans++
				n.PlanDetails += len(np.PlanDetail)
				if np.CeaseDate != "" {
					n.PlansCeased[orDefault(np.CeaseReason, "unknown")]++
				}
			}
		}
		if ap := q.ActivePlans; ap != nil {
			n.ActivePlans++
			n.PlacementDetails += len(ap.PlacementDetail)
			n.SENneeds += len(ap.SENneed)
			if ap.TransferLA != "" {
				n.TransferredIn++
			}
		}
	}
}

// Close ends the message and returns the summary. A return with no person
// is an issue too: the message must hold at least one.
func (r *Return) Close() (ReturnSummary, error) {
	r.write("  </Persons>\n</Message>\n")
	if r.err == nil {
		r.err = r.w.Flush()
	}
	if r.sum.Counts.Persons == 0 {
		r.sum.IssueCount++
		r.sum.Issues = append(r.sum.Issues, Issue{Element: "Persons", Code: "missing",
			Message: "no case has a request or a plan in the return's scope (" + strconv.Itoa(r.opt.Year) + " and the census date)"})
	}
	return r.sum, r.err
}
