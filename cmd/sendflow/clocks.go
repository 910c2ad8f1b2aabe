package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/internal/bulk"
	"github.com/sendflow/sendflow/sdk"
)

// maxCaseLine caps one JSONL line (one case); a longer line is reported as
// limit_exceeded and skipped, never held in memory whole.
const maxCaseLine = 16 << 20

// clockLine is what the bulk clocks command prints for one case.
type clockLine struct {
	Line      int               `json:"line"`
	ID        string            `json:"id,omitempty"`
	AsOf      string            `json:"as_of,omitempty"`
	Running   []sdk.ClockStatus `json:"running,omitempty"`
	DueWithin []sdk.ClockStatus `json:"due_within,omitempty"`
	Missed    []sdk.ClockStatus `json:"missed,omitempty"`
	// Advice holds missed advisory clocks: guidance, so a warning, never
	// counted with the statutory misses.
	Advice []sdk.ClockStatus `json:"advisory_missed,omitempty"`
	Error  *sdk.Error        `json:"error,omitempty"`
}

// clockSummary is printed on stderr at the end.
type clockSummary struct {
	Cases, WithMissed, WithDue, Errors int
}

func newClocksCmd(a *app) *cobra.Command {
	var pf policyFlag
	var asOf string
	var within int
	var all bool
	cmd := &cobra.Command{
		Use:   "clocks [--policy FILE]... --as-of DATE [--within DAYS] [CASES.jsonl | -]",
		Short: "Report running, missed and soon-due clocks for many cases (JSONL, streamed)",
		Long: `Read cases as JSON Lines (one case per line) from a file or stdin and, as
of a date, print one JSON line per case on stdout: its running clocks, the
running clocks due within --within days, and the missed ones. Cases with
nothing running or missed are left out unless --all is given.

The input is streamed: each line is read, judged and written before the
next is read, so a million cases never sit in memory at once. A line that
is not a valid case gives {"line": N, "error": {...}} and the run goes on;
a line longer than 16 MiB is limit_exceeded. A summary goes to stderr.

Exits 0 when every line was a valid case, 1 when any was not, 2 when the
input cannot be read, 3 when the policy does not compile.`,
		Example: `  sendflow clocks --as-of 2026-03-01 --within 14 cases.jsonl
  export-cases | sendflow clocks --policy examples/policies/kent/dover.yaml --as-of 2026-03-01 -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asOf == "" {
				return fail(exitUsage, fmt.Errorf("--as-of is required"))
			}
			if within < 0 {
				return fail(exitUsage, fmt.Errorf("--within must be 0 or more"))
			}
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			in, closeIn, err := openInput(a, args)
			if err != nil {
				return err
			}
			defer closeIn()
			out := bufio.NewWriter(a.stdout)
			// SIGINT or SIGTERM stops the run cleanly between cases: the
			// lines printed so far are flushed, and the summary says so.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			sum, err := streamClocks(ctx, e, in, out, asOf, within, all)
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return fail(exitUsage, err)
			}
			fmt.Fprintf(a.stderr, "%d case(s): %d with a missed clock, %d with a clock due within %d day(s), %d invalid\n",
				sum.Cases, sum.WithMissed, sum.WithDue, within, sum.Errors)
			if sum.Cases == 0 {
				fmt.Fprintln(a.stderr, "sendflow: warning: the input held no cases")
			}
			if sum.Errors > 0 {
				return fail(exitFailed, nil)
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&asOf, "as-of", "", "the date clocks are judged at: YYYY-MM-DD or RFC 3339")
	cmd.Flags().IntVar(&within, "within", 14, "report running clocks due within this many days")
	cmd.Flags().BoolVar(&all, "all", false, "print a line for every case, even with nothing running or missed")
	return cmd
}

// streamClocks judges the lines in batches on every core and writes them
// in input order. A bad as_of date is reported on the first case's line
// (it is the engine's to judge).
func streamClocks(ctx context.Context, e *sdk.Engine, in io.Reader, out io.Writer, asOf string, within int, all bool) (clockSummary, error) {
	run := &clockRun{e: e, asOf: asOf, within: within, all: all, enc: json.NewEncoder(out), seen: map[string]int{}, workers: bulk.Workers(0)}
	run.enc.SetEscapeHTML(false)
	r := bufio.NewReaderSize(in, 64<<10)
	var buf []byte
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			if err := run.flush(); err != nil {
				return run.sum, err
			}
			return run.sum, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("stopped (interrupted) before line %d; %d case(s) were judged", n, run.sum.Cases)}
		}
		line, tooLong, err := readLine(r, &buf)
		if err != nil && err != io.EOF {
			return run.sum, err
		}
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			run.batch = append(run.batch, clockJob{n: n, line: append([]byte(nil), line...), tooLong: tooLong})
			run.size += len(line)
		}
		if err == io.EOF || len(run.batch) == bulk.Lines || run.size >= bulk.Bytes {
			if ferr := run.flush(); ferr != nil {
				return run.sum, ferr
			}
		}
		if err == io.EOF {
			return run.sum, nil
		}
	}
}

// clockRun is one streamClocks's progress: the batch being read, the
// case ids judged so far, and the summary.
type clockRun struct {
	e             *sdk.Engine
	asOf          string
	within        int
	all           bool
	enc           *json.Encoder
	seen          map[string]int
	workers, size int
	batch         []clockJob
	sum           clockSummary
}

// clockJob is one input line and its judgement.
type clockJob struct {
	n       int
	line    []byte
	tooLong bool
	out     clockLine
}

// flush judges the batch in parallel, then in input order refuses a case
// judged on an earlier line, counts and writes each, and empties the batch.
func (run *clockRun) flush() error {
	bulk.Each(run.batch, run.workers, func(j *clockJob) {
		j.out = judgeClockLine(run.e, j.n, j.line, j.tooLong, run.asOf, run.within)
	})
	for i := range run.batch {
		cl := &run.batch[i].out
		if id := cl.ID; id != "" {
			if first, dup := run.seen[id]; dup {
				*cl = clockLine{Line: cl.Line, ID: id, Error: &sdk.Error{Code: sdk.CodeInvalidCase,
					Message: fmt.Sprintf("this case was already judged on line %d: give each case once (remove the older snapshot)", first)}}
			} else {
				run.seen[id] = cl.Line
			}
		}
		run.sum.Cases++
		if cl.Error != nil {
			run.sum.Errors++
		}
		if len(cl.Missed) > 0 {
			run.sum.WithMissed++
		}
		if len(cl.DueWithin) > 0 {
			run.sum.WithDue++
		}
		if run.all || cl.Error != nil || len(cl.Running) > 0 || len(cl.Missed) > 0 || len(cl.Advice) > 0 {
			if err := run.enc.Encode(cl); err != nil {
				return err
			}
		}
	}
	run.batch, run.size = run.batch[:0], 0
	return nil
}

// judgeClockLine judges one input line as of asOf: its running, due and
// missed clocks, or why it is not a case.
func judgeClockLine(e *sdk.Engine, n int, line []byte, tooLong bool, asOf string, within int) clockLine {
	cl := clockLine{Line: n}
	if tooLong {
		cl.Error = &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("line %d is longer than %d bytes", n, maxCaseLine)}
		return cl
	}
	var c sdk.Case
	if derr := decodeJSON(line, &c, fmt.Sprintf("line %d", n)); derr != nil {
		cl.Error = sdk.AsError(derr)
		cl.Error.Code = sdk.CodeInvalidCase
		return cl
	}
	cl.ID = c.ID
	rep, cerr := e.Clocks(c, asOf)
	if cerr != nil {
		cl.Error = sdk.AsError(cerr)
		return cl
	}
	cl.AsOf = rep.AsOf
	for _, s := range rep.Clocks {
		switch {
		case s.Status == "running":
			cl.Running = append(cl.Running, s)
			if s.DaysLeft != nil && *s.DaysLeft <= within {
				cl.DueWithin = append(cl.DueWithin, s)
			}
		case s.Status == "missed" && s.Kind == sdk.ClockAdvisory:
			cl.Advice = append(cl.Advice, s)
		case s.Status == "missed":
			cl.Missed = append(cl.Missed, s)
		}
	}
	return cl
}

// readLine reads one line into *buf (reused between lines). A line longer
// than maxCaseLine is drained to its end without being kept: tooLong.
func readLine(r *bufio.Reader, buf *[]byte) (line []byte, tooLong bool, err error) {
	*buf = (*buf)[:0]
	for {
		chunk, rerr := r.ReadSlice('\n')
		if !tooLong {
			// The line break ("\n" or "\r\n") does not count: a line of
			// exactly maxCaseLine bytes is read.
			if len(*buf)+len(bytes.TrimRight(chunk, "\r\n")) > maxCaseLine {
				tooLong = true
				*buf = (*buf)[:0]
			} else {
				*buf = append(*buf, chunk...)
			}
		}
		switch rerr {
		case bufio.ErrBufferFull:
			continue
		case nil:
			return *buf, tooLong, nil
		default:
			return *buf, tooLong, rerr
		}
	}
}
