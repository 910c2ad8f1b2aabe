package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sendflow/sendflow/internal/bulk"
	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// MaxLineBytes is the default largest JSON line (one case) Run accepts:
// 32 MiB, room for a case at the engine's history limit (sdk.MaxHistory
// events). A longer line stops the run with limit_exceeded.
const MaxLineBytes = 32 << 20

// MaxFailuresListed bounds how many failed cases a report names; all are
// counted.
const MaxFailuresListed = 100

// Options configure Run.
type Options struct {
	// Year is the SEN2 reporting year (the calendar year).
	Year int
	// Period is the range of the district timeliness table; zero means Year.
	Period Period
	// Engine verifies every case's history (hash chain and replay) before
	// it is counted. Nil skips verification, which the report then says.
	Engine *sdk.Engine
	// MaxLineBytes overrides the MaxLineBytes limit when positive.
	MaxLineBytes int
	// Workers is how many cases are decoded and verified at once; 0 means
	// GOMAXPROCS. The report is the same whatever the number.
	Workers int
	// Person, when set, is given each counted case's SEN2 person record for
	// the year, as it is read; an error from it stops the run.
	Person func(Person) error
	// Case, when set, is given each counted case's derivation, as it is
	// read; an error from it stops the run. The person-level XML return
	// (Return) is built from it.
	Case func(*Derived) error
	// ReferenceDate is the census date the stock of plans is counted on;
	// empty means CensusDate(Year+1).
	ReferenceDate string
	// AsOf, when set (YYYY-MM-DD), derives each case as its history stood
	// at the end of that day: later events are left out (after the whole
	// history is verified). The XML return's cut-off.
	AsOf string
}

// Failure is one input line that was not counted.
type Failure struct {
	Line int    `json:"line"`
	ID   string `json:"id,omitempty"`
	// Code is "invalid_case" (not a case: unreadable JSON),
	// "history_mismatch" (the history failed verification) or "duplicate"
	// (a case id already counted on an earlier line: a case is counted
	// once, from its first line).
	Code string `json:"code"`
	// Event is the first bad event's sequence number, when known.
	Event  int    `json:"event,omitempty"`
	Reason string `json:"reason"`
}

// Report is the result of a run.
type Report struct {
	// Verified is true when every counted case's history was verified with
	// the engine.
	Verified bool `json:"verified"`
	// PolicyID names the policy the histories were verified against.
	PolicyID string `json:"policy_id,omitempty"`
	// Lines is how many non-blank input lines were read; Counted how many
	// cases were counted; Failed how many were not (listed in Failures, up
	// to MaxFailuresListed).
	Lines    int       `json:"lines"`
	Counted  int       `json:"counted"`
	Failed   int       `json:"failed"`
	Failures []Failure `json:"failures"`
	// Totals are the SEN2 figures for the year.
	Totals Totals `json:"totals"`
	// Districts is the 20-week measure per district over Period.
	Period    Period        `json:"district_period"`
	Districts []DistrictRow `json:"districts"`
	// Warnings say what a reader of the figures must know: the input held
	// no cases at all.
	Warnings []string `json:"warnings,omitempty"`
}

// Aggregator folds derived cases into a report, one at a time, holding only
// totals. Use it directly to report from cases already in memory.
type Aggregator struct {
	rep Report
	dis districts
}

// NewAggregator checks the options and starts an empty report.
func NewAggregator(opt Options) (*Aggregator, error) {
	if opt.Year < calendar.MinYear || opt.Year > calendar.MaxYear {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("year %d is out of range (%d to %d)", opt.Year, calendar.MinYear, calendar.MaxYear), Pointer: "/year"}
	}
	p := opt.Period
	if p.From == "" {
		p.From = Year(opt.Year).From
	}
	if p.To == "" {
		p.To = Year(opt.Year).To
	}
	if _, err := calendar.ParseDate(p.From); err != nil {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("period start %q is not a date (YYYY-MM-DD)", clip(p.From)), Pointer: "/period/from"}
	}
	if _, err := calendar.ParseDate(p.To); err != nil {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("period end %q is not a date (YYYY-MM-DD)", clip(p.To)), Pointer: "/period/to"}
	}
	if _, err := calendar.ParseDate(opt.ReferenceDate); opt.ReferenceDate != "" && (err != nil || opt.ReferenceDate <= Year(opt.Year).To) {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("the census date must be a date (YYYY-MM-DD) after %d", opt.Year), Pointer: "/reference_date"}
	}
	if _, err := calendar.ParseDate(opt.AsOf); opt.AsOf != "" && err != nil {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("as-of date %q is not a date (YYYY-MM-DD)", clip(opt.AsOf)), Pointer: "/as_of"}
	}
	if p.From > p.To {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("the period starts (%s) after it ends (%s)", p.From, p.To), Pointer: "/period"}
	}
	a := &Aggregator{dis: districts{period: p, rows: map[string]*Timeliness{}}}
	a.rep = Report{Verified: opt.Engine != nil, Failures: []Failure{}, Totals: newTotals(opt.Year, opt.ReferenceDate), Period: p}
	if opt.Engine != nil {
		a.rep.PolicyID = opt.Engine.PolicyID()
	}
	return a, nil
}

// Add counts one derived case.
func (a *Aggregator) Add(d *Derived) {
	a.rep.Counted++
	a.rep.Totals.add(d)
	a.dis.add(d)
}

// Fail records one input that was not counted.
func (a *Aggregator) Fail(f Failure) {
	a.rep.Failed++
	if len(a.rep.Failures) < MaxFailuresListed {
		a.rep.Failures = append(a.rep.Failures, f)
	}
}

// Report finishes the figures. The aggregator may go on being used.
func (a *Aggregator) Report() Report {
	r := a.rep
	r.Totals.Timeliness.finish()
	r.Districts = a.dis.table()
	r.Failures = append([]Failure{}, a.rep.Failures...)
	return r
}

// clip shortens a value quoted in a message to 40 bytes.
func clip(s string) string { return textclip.Clip(s, 40) }

// Run reads cases as JSON lines (one sdk.Case per line; blank lines are
// skipped) and returns the report. A line that is not a case, or whose
// history fails verification, is named in Failures and not counted. Run
// fails only on bad options, a line longer than the line limit
// (limit_exceeded), an error reading r, or an error from opt.Person.
func Run(r io.Reader, opt Options) (Report, error) {
	return RunContext(context.Background(), r, opt)
}

// RunContext is Run stopping when ctx is cancelled or passes its deadline:
// it looks at ctx between batches of lines and while verifying each case
// (sdk.Engine.VerifyContext), and then fails with limit_exceeded and no
// report (a case stopped part-way is not counted as failed).
func RunContext(ctx context.Context, r io.Reader, opt Options) (Report, error) {
	a, err := NewAggregator(opt)
	if err != nil {
		return Report{}, err
	}
	max := opt.MaxLineBytes
	if max <= 0 {
		max = MaxLineBytes
	}
	workers := bulk.Workers(opt.Workers)
	sc := bufio.NewScanner(r)
	// Room for a line of max bytes and its "\r\n": the scanner needs the
	// line break in its buffer to end the line, so a buffer of max bytes
	// refused a line of exactly max. Longer lines are refused below.
	sc.Buffer(make([]byte, 0, min(64<<10, max)), max+2)
	run := &batchRun{ctx: ctx, opt: opt, agg: a, workers: workers, period: Year(opt.Year),
		batch: make([]batchItem, 0, batchLines)}
	for sc.Scan() {
		run.line++
		if len(sc.Bytes()) > max {
			return Report{}, readError(bufio.ErrTooLong, run.line, max)
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		a.rep.Lines++
		run.batch = append(run.batch, batchItem{line: run.line, b: append([]byte(nil), b...)})
		run.size += len(b)
		if len(run.batch) == batchLines || run.size >= batchBytes {
			if err := run.flush(); err != nil {
				return Report{}, err
			}
		}
	}
	if err := run.flush(); err != nil {
		return Report{}, err
	}
	if err := sc.Err(); err != nil {
		return Report{}, readError(err, run.line+1, max)
	}
	rep := a.Report()
	if rep.Lines == 0 {
		rep.Warnings = append(rep.Warnings, "the input held no cases: every figure is zero")
	}
	return rep, nil
}

// batchRun is one RunContext's progress. Lines are read in batches (at
// most batchLines lines or batchBytes bytes), each batch is decoded and
// verified by the workers in parallel, then folded in input order, so the
// result does not depend on scheduling and memory is bounded by one batch.
type batchRun struct {
	ctx     context.Context
	opt     Options
	agg     *Aggregator
	workers int
	period  Period

	batch []batchItem
	size  int // bytes in batch
	line  int // the last line read
	// seen maps each counted case id to the line it was counted from.
	seen map[string]int
}

// batchItem is one line of a batch, and what reading it gave.
type batchItem struct {
	line int
	b    []byte
	d    Derived
	fl   *Failure
}

// flush verifies the batch in parallel, folds it in input order, and
// empties it; it stops with limit_exceeded when the context is done.
func (run *batchRun) flush() error {
	if run.ctx.Err() != nil {
		return stopped(run.line)
	}
	bulk.Each(run.batch, run.workers, func(it *batchItem) { it.d, it.fl = readCase(run.ctx, it.b, run.opt.Engine, run.opt.AsOf) })
	if run.ctx.Err() != nil {
		return stopped(run.line)
	}
	for i := range run.batch {
		if err := run.fold(&run.batch[i]); err != nil {
			return err
		}
	}
	run.batch, run.size = run.batch[:0], 0
	return nil
}

// fold adds one read line to the aggregates (or its failure) and hands its
// person record to opt.Person.
func (run *batchRun) fold(it *batchItem) error {
	if it.fl != nil {
		it.fl.Line = it.line
		run.agg.Fail(*it.fl)
		return nil
	}
	if id := it.d.ID; id != "" {
		if first, dup := run.seen[id]; dup {
			run.agg.Fail(Failure{Line: it.line, ID: id, Code: "duplicate",
				Reason: fmt.Sprintf("the case was already counted from line %d: a case is counted once (remove the older snapshot)", first)})
			return nil
		}
		if run.seen == nil {
			run.seen = map[string]int{}
		}
		run.seen[id] = it.line
	}
	run.agg.Add(&it.d)
	if run.opt.Case != nil {
		if err := run.opt.Case(&it.d); err != nil {
			return err
		}
	}
	if run.opt.Person != nil {
		return run.opt.Person(it.d.Person(run.period))
	}
	return nil
}

// readError is the error for a scanner that stopped at line: a line over
// the max-byte limit (limit_exceeded), or the reader's own error.
func readError(err error, line, max int) error {
	if errors.Is(err, bufio.ErrTooLong) {
		return &sdk.Error{Code: sdk.CodeLimitExceeded,
			Message: fmt.Sprintf("line %d is longer than the %d-byte limit for one case", line, max),
			Detail:  "Each line must hold one case as JSON. Split the input, or raise the limit (--max-line-bytes)."}
	}
	return &sdk.Error{Code: sdk.CodeInternal, Message: "reading cases: " + err.Error()}
}

// Batch limits for Run.
const (
	batchLines = bulk.Lines
	batchBytes = bulk.Bytes
)

// readCase decodes and verifies one case, or says why it cannot be counted.
// stopped is the error when the run's context ends it.
func stopped(line int) error {
	return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("the run was stopped (cancelled or past its deadline) after line %d; no report was made", line)}
}

func readCase(ctx context.Context, b []byte, e *sdk.Engine, asOf string) (d Derived, fl *Failure) {
	defer func() {
		if r := recover(); r != nil {
			d, fl = Derived{}, &Failure{Code: string(sdk.CodeInternal), Reason: fmt.Sprintf("could not read the case: %v", r)}
		}
	}()
	var c sdk.Case
	if err := json.Unmarshal(b, &c); err != nil {
		return Derived{}, &Failure{Code: string(sdk.CodeInvalidCase), Reason: "not a case: " + err.Error()}
	}
	if e != nil {
		if v := e.VerifyContext(ctx, c); !v.OK {
			return Derived{}, &Failure{ID: c.ID, Code: string(sdk.CodeHistoryMismatch), Event: v.FirstBad, Reason: v.Reason}
		}
	}
	if asOf != "" {
		c.History = historyUntil(c.History, asOf)
	}
	return Derive(c), nil
}

// historyUntil is the events of h dated on or before day (the history is
// in time order, so it is a prefix).
func historyUntil(h []sdk.Event, day string) []sdk.Event {
	for i, ev := range h {
		if d := eventDate(ev.At); d != "" && d > day {
			return h[:i]
		}
	}
	return h
}
