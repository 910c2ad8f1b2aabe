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
	rd := &reader{ctx: ctx, sc: sc, max: max}
	err = bulk.Pipeline(bulk.Workers(opt.Workers), rd.batch, func(it *item) {
		id, evs, fl := readCase(ctx, it.b, e, opt.NoVerify)
		it.b = nil
		if fl != nil {
			it.fl = fl
			return
		}
		it.d = derive(&a.cfg, id, evs)
	}, func(batch []item) error { return fold(ctx, a, batch) })
	if err != nil {
		return Report{}, err
	}
	a.rep.Lines = rd.lines
	rep := a.Report()
	if rep.Lines == 0 {
		rep.Warnings = append(rep.Warnings, "the input held no cases: every figure is zero")
	}
	return rep, nil
}

// reader reads the input's lines in batches (at most bulk.Lines lines or
// bulk.Bytes bytes), skipping blank lines. Batches are decoded, verified
// and derived by the workers in parallel, then folded in input order, so
// the report does not depend on scheduling.
type reader struct {
	ctx   context.Context
	sc    *bufio.Scanner
	max   int
	line  int // the last line read
	lines int // the non-blank lines read
}

// item is one line of a batch and what reading it gave.
type item struct {
	line int
	b    []byte
	d    derived
	fl   *Failure
}

// batch is the next batch of lines (nil at the end), or why reading
// stopped: the context, a line over the limit, or the reader's error.
func (rd *reader) batch() ([]item, error) {
	if rd.ctx.Err() != nil {
		return nil, stopped(rd.line)
	}
	var batch []item
	size := 0
	for rd.sc.Scan() {
		rd.line++
		if len(rd.sc.Bytes()) > rd.max {
			return nil, tooLong(rd.line, rd.max)
		}
		b := bytes.TrimSpace(rd.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		rd.lines++
		batch = append(batch, item{line: rd.line, b: append([]byte(nil), b...)})
		if size += len(b); len(batch) == bulk.Lines || size >= bulk.Bytes {
			return batch, nil
		}
	}
	if err := rd.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, tooLong(rd.line+1, rd.max)
		}
		return nil, &sdk.Error{Code: sdk.CodeInternal, Message: "reading cases: " + err.Error()}
	}
	return batch, nil
}

func tooLong(line, max int) error {
	return &sdk.Error{Code: sdk.CodeLimitExceeded,
		Message: fmt.Sprintf("line %d is longer than the %d-byte limit for one case", line, max),
		Detail:  "Each line must hold one case as JSON. Split the input, or raise the limit (--max-line-bytes)."}
}

// fold adds a worked batch to the aggregates in input order; it stops
// with limit_exceeded when the context is done.
func fold(ctx context.Context, a *Aggregator, batch []item) error {
	if ctx.Err() != nil {
		return stopped(batch[len(batch)-1].line)
	}
	for i := range batch {
		it := &batch[i]
		if it.fl != nil {
			it.fl.Line = it.line
			a.Fail(*it.fl)
			continue
		}
		if err := a.add(it.line, &it.d); err != nil {
			return err
		}
	}
	return nil
}

func stopped(line int) error {
	return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("the run was stopped (cancelled or past its deadline) after line %d; no report was made", line)}
}
