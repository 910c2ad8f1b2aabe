package report

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"time"

	"github.com/sendflow/sendflow/sdk"
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
	// For AddJSON: the case ids added, the lines read, the failures.
	seen map[string]bool
	read ReadCounts
}

// ReadCounts are what AddJSON read: lines, cases counted, and the lines
// not counted (the first MaxFailuresListed listed).
type ReadCounts struct {
	Lines    int       `json:"lines"`
	Counted  int       `json:"counted"`
	Failed   int       `json:"failed"`
	Failures []Failure `json:"failures"`
}

// AddJSON reads one case (one JSON line, blank lines skipped), verifies
// its history with e (when e is not nil), derives it as of the cut-off and
// adds it, as Run does for Add but one line at a time and without the
// aggregate figures: the way to build the return where the whole report
// is not wanted (the browser). A line that cannot be counted is recorded
// in ReadCounts, as Run records it.
func (r *Return) AddJSON(line []byte, e *sdk.Engine) error {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	r.read.Lines++
	if len(line) > MaxLineBytes {
		return readError(bufio.ErrTooLong, r.read.Lines, MaxLineBytes)
	}
	d, fl := readCase(context.Background(), line, e, r.opt.CutOff)
	if fl == nil && d.ID != "" && r.seen[d.ID] {
		fl = &Failure{ID: d.ID, Code: "duplicate", Reason: "the case was already counted from an earlier line: a case is counted once"}
	}
	if fl != nil {
		fl.Line = r.read.Lines
		r.read.Failed++
		if len(r.read.Failures) < MaxFailuresListed {
			r.read.Failures = append(r.read.Failures, *fl)
		}
		return nil
	}
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[d.ID] = true
	r.read.Counted++
	return r.Add(&d)
}

// Read is what AddJSON has read so far.
func (r *Return) Read() ReadCounts {
	c := r.read
	c.Failures = append([]Failure{}, r.read.Failures...)
	return c
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
	r.write(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Message>\n")
	r.write(marshalElement("Header", o.header(), 1) + "  <Persons>\n")
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
	s := &scope{period: Year(r.opt.Year), census: r.opt.ReferenceDate, cutOff: r.opt.CutOff, details: d.details, sources: r.opt.RequestSource}
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
	r.write(marshalElement("Person", p, 2))
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
