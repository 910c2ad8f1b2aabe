package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk/report/lift"
)

// liftFlags are the lift-report command's flags.
type liftFlags struct {
	from, to, asOf string
	format, charts string
	policy         policyFlag
	noVerify       bool
	maxLine        int
}

func newLiftReportCmd(a *app) *cobra.Command {
	var f liftFlags
	cmd := &cobra.Command{
		Use:   "lift-report [flags] [CASES.jsonl|-]",
		Short: "Derive the LIFT (Local Inclusion Forum Team) review figures from case histories",
		Long: `Read cases as JSON lines (one sendflow case per line, from a file, or from
stdin when the file is "-" or left out), verify each history, and derive the
LIFT figures per district and per school term (autumn from 1 August, spring
to Easter Sunday, summer to 31 July) and for the period: meetings held and
cases discussed, attendance by profession, allocations by profession with
the spread between districts, recommendations, training offered and taken
up, first contact within the policy's working days (met, missed, median),
referrals returned and exhausted and then on to high needs funding or an
EHC request, progress at the next SEN support review, and the children with
high needs funding LIFT supported. docs/lift.md explains every figure.

Each figure counts the events dated in --from..--to (both optional). An
allocation with no first contact yet is judged at --as-of (default --to).

The input is streamed on every core; only totals are kept. A case given
twice (the same id) is counted once, from its first line; the later lines,
lines that are not cases and histories that fail verification are listed on
stderr and the command exits 1. Empty input gives a warning and zero
figures. Exits 2 when the input cannot be read or a line is too long.`,
		Example: `  sendflow lift-report --from 2025-09-01 --to 2026-08-31 cases.jsonl
  sendflow lift-report --format csv --charts out/ cases.jsonl > lift.csv
  sendflow gen --cases 2000 --year 2026 | sendflow lift-report --no-verify -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runLift(a, cmd, args, &f) },
	}
	cmd.Flags().StringVar(&f.from, "from", "", "count events from this date, YYYY-MM-DD (default: the earliest)")
	cmd.Flags().StringVar(&f.to, "to", "", "count events up to this date, YYYY-MM-DD (default: the latest)")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "judge allocations still awaiting first contact at this date (default --to)")
	cmd.Flags().StringVar(&f.format, "format", "json", "output: json or csv")
	cmd.Flags().StringVar(&f.charts, "charts", "", "also write the SVG charts (lift-districts.svg, lift-allocations.svg, lift-trend.svg) to this directory")
	f.policy.register(cmd)
	cmd.Flags().BoolVar(&f.noVerify, "no-verify", false, "do not verify histories, and decode only what the report reads (the report says so)")
	cmd.Flags().IntVar(&f.maxLine, "max-line-bytes", lift.MaxLineBytes, "the longest input line (one case) accepted")
	return cmd
}

// runLift streams the cases into the report, writes it and its charts, and
// fails when a line was not counted.
func runLift(a *app, cmd *cobra.Command, args []string, f *liftFlags) error {
	if f.format != "json" && f.format != "csv" {
		return fmt.Errorf("--format must be json or csv, not %q", f.format)
	}
	e, err := f.policy.engine(a)
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(a, args)
	if err != nil {
		return err
	}
	defer closeIn()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := lift.RunContext(ctx, in, lift.Options{Period: lift.Period{From: f.from, To: f.to}, AsOf: f.asOf,
		Engine: e, NoVerify: f.noVerify, MaxLineBytes: f.maxLine})
	if err != nil {
		return fail(exitUsage, err)
	}
	if f.format == "csv" {
		err = lift.WriteCSV(a.stdout, rep)
	} else {
		err = lift.WriteJSON(a.stdout, rep)
	}
	if err != nil {
		return fail(exitUsage, err)
	}
	if f.charts != "" {
		if err := writeLiftCharts(f.charts, rep); err != nil {
			return fail(exitUsage, err)
		}
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(a.stderr, "sendflow: warning: %s\n", w)
	}
	if rep.Failed == 0 {
		return nil
	}
	for _, fl := range rep.Failures {
		fmt.Fprintf(a.stderr, "line %d: case %q not counted: %s: %s\n", fl.Line, fl.ID, fl.Code, fl.Reason)
	}
	more := ""
	if rep.Failed > len(rep.Failures) {
		more = ", first 100"
	}
	return fail(exitFailed, fmt.Errorf("%d of %d cases were not counted (listed above%s)", rep.Failed, rep.Lines, more))
}

// writeLiftCharts writes every chart to dir as lift-<name>.svg.
func writeLiftCharts(dir string, rep lift.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range lift.Charts {
		svg, err := lift.SVG(rep, name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "lift-"+name+".svg"), []byte(svg), 0o644); err != nil {
			return err
		}
	}
	return nil
}
