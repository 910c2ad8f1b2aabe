package lift

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sendflow/sendflow/internal/bulk"
	"github.com/sendflow/sendflow/sdk"
)

// Run reads cases as JSON lines (one sdk.Case per line; blank lines are
// skipped) and returns the LIFT report. A line that is not a case, whose
// history fails verification, or that repeats a case already counted is
// named in Failures and not counted. Run fails only on bad options, a line
// longer than the limit (limit_exceeded), too many meetings, or an error
// reading r.
func Run(r io.Reader, opt Options) (Report, error) {
	return RunContext(context.Background(), r, opt)
}

// RunContext is Run stopping with limit_exceeded, and no report, when ctx
// is done (it looks between batches and inside each verification).
func RunContext(ctx context.Context, r io.Reader, opt Options) (Report, error) {
	a, err := NewAggregator(opt)
	if err != nil {
		return Report{}, err
	}
	max := opt.MaxLineBytes
	if max <= 0 {
		max = MaxLineBytes
	}
	e := opt.Engine
	if e == nil && !opt.NoVerify {
		if e, err = sdk.Default(); err != nil {
			return Report{}, err
		}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, min(64<<10, max)), max+2)
	run := &batchRun{ctx: ctx, agg: a, e: e, noVerify: opt.NoVerify, workers: bulk.Workers(opt.Workers)}
	for sc.Scan() {
		run.line++
		if len(sc.Bytes()) > max {
			return Report{}, &sdk.Error{Code: sdk.CodeLimitExceeded,
				Message: fmt.Sprintf("line %d is longer than the %d-byte limit for one case", run.line, max),
				Detail:  "Each line must hold one case as JSON. Split the input, or raise the limit (--max-line-bytes)."}
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		a.rep.Lines++
		run.batch = append(run.batch, item{line: run.line, b: append([]byte(nil), b...)})
		run.size += len(b)
		if len(run.batch) == bulk.Lines || run.size >= bulk.Bytes {
			if err := run.flush(); err != nil {
				return Report{}, err
			}
		}
	}
	if err := run.flush(); err != nil {
		return Report{}, err
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Report{}, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("line %d is longer than the %d-byte limit for one case", run.line+1, max)}
		}
		return Report{}, &sdk.Error{Code: sdk.CodeInternal, Message: "reading cases: " + err.Error()}
	}
	rep := a.Report()
	if rep.Lines == 0 {
		rep.Warnings = append(rep.Warnings, "the input held no cases: every figure is zero")
	}
	return rep, nil
}

// batchRun is one run's progress: lines are read in batches, each batch is
// decoded, verified and derived by the workers in parallel, then folded in
// input order, so the report does not depend on scheduling.
type batchRun struct {
	ctx      context.Context
	agg      *Aggregator
	e        *sdk.Engine
	noVerify bool
	workers  int
	batch    []item
	size     int
	line     int
}

// item is one line of a batch and what reading it gave.
type item struct {
	line int
	b    []byte
	d    derived
	fl   *Failure
}

func (run *batchRun) flush() error {
	if run.ctx.Err() != nil {
		return stopped(run.line)
	}
	cfg := &run.agg.cfg
	bulk.Each(run.batch, run.workers, func(it *item) {
		id, evs, fl := readCase(run.ctx, it.b, run.e, run.noVerify)
		it.b = nil
		if fl != nil {
			it.fl = fl
			return
		}
		it.d = derive(cfg, id, evs)
	})
	if run.ctx.Err() != nil {
		return stopped(run.line)
	}
	for i := range run.batch {
		it := &run.batch[i]
		if it.fl != nil {
			it.fl.Line = it.line
			run.agg.Fail(*it.fl)
			continue
		}
		if err := run.agg.add(it.line, &it.d); err != nil {
			return err
		}
	}
	run.batch, run.size = run.batch[:0], 0
	return nil
}

func stopped(line int) error {
	return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("the run was stopped (cancelled or past its deadline) after line %d; no report was made", line)}
}
