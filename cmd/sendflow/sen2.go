package main

import (
	"bufio"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
)

// sen2Flags are the sen2 command's flags.
type sen2Flags struct {
	year          int
	format, chart string
	from, to      string
	persons       string
	policy        policyFlag
	noVerify      bool
	verifyKeys    []string
	maxLine       int
	xml           sen2XMLFlags
}

func newSen2Cmd(a *app) *cobra.Command {
	var f sen2Flags
	cmd := &cobra.Command{
		Use:   "sen2 --year YYYY [flags] [CASES.jsonl|-]",
		Short: "Derive the DfE SEN2 return and 20-week timeliness from case histories",
		Long: `Read cases as JSON lines (one sendflow case per line, from a file, or from
stdin when the file is "-" or left out and stdin is not a terminal), verify
each case's history with the engine, and derive the SEN2 figures for the
reporting year: requests, assessments, plans issued and their 20-week
timeliness (including and excluding exception cases, leaving out cases with
mediation or a Tribunal appeal, as the DfE does), reviews and ceased plans.
The reporting year is the calendar year (1 January to 31 December).

The input is streamed: only totals are kept, so a whole authority's caseload
runs in bounded memory. A line may be at most --max-line-bytes long.

Cases whose history fails verification, and lines that are not cases, are not
counted; the report names them (up to 100) and the command exits 1. It exits
2 when the input cannot be read or a line is too long. docs/sen2.md explains
every figure.

--format xml writes the SEN2 person-level XML return of collection --year+1
(census in January of --year+1): one record per person with a request live in
--year or a plan maintained from 1 January to the census date, each case as its
history stood on the cut-off (the census date), with the person details held in
facts.person. Every person is checked first (required items, codes, dates in
order); each problem is listed by case id and element, never a value, with the
counts per module, and the file is written (to -o, or stdout) only when there
is none and every case was counted: otherwise the command exits 1. --la-number,
--dmo and --dco are required. --print-xsd prints the schema it is checked
against.

--verify-key (repeatable) also requires every event to be signed by one of
these ed25519 public keys (a PEM "PUBLIC KEY" file, or the 32-byte key in
base64): cases with an unsigned or forged event are not counted. Without it
signatures are not required.`,
		Example: `  sendflow sen2 --year 2026 cases.jsonl
  sendflow sen2 --year 2026 --format csv cases.jsonl > sen2-2026.csv
  sendflow sen2 --year 2026 --from 2026-04-01 --to 2026-09-30 --format table --chart q2q3.svg cases.jsonl
  sendflow gen --cases 1000 --year 2026 | sendflow sen2 --year 2026 -
  sendflow sen2 --year 2025 --format xml --la-number 886 --dmo Y --dco N -o sen2-2026.xml cases.jsonl`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runSen2(a, cmd, args, &f) },
	}
	f.register(cmd)
	return cmd
}

func (f *sen2Flags) register(cmd *cobra.Command) {
	cmd.Flags().IntVar(&f.year, "year", 0, "the SEN2 reporting year (calendar year), e.g. 2026 (required)")
	cmd.Flags().StringVar(&f.format, "format", "json", "output: json, csv, table (the district timeliness table), or xml (the person-level return)")
	cmd.Flags().StringVar(&f.chart, "chart", "", "also write the district 20-week timeliness chart as SVG to this file")
	cmd.Flags().StringVar(&f.from, "from", "", "start of the district timeliness period, YYYY-MM-DD (default 1 January of --year)")
	cmd.Flags().StringVar(&f.to, "to", "", "end of the district timeliness period, YYYY-MM-DD (default 31 December of --year)")
	cmd.Flags().StringVar(&f.persons, "persons", "", "also write each counted case's SEN2 person record for the year as JSON lines to this file")
	f.policy.register(cmd)
	cmd.Flags().BoolVar(&f.noVerify, "no-verify", false, "do not verify histories (the report says so)")
	cmd.Flags().StringArrayVar(&f.verifyKeys, "verify-key", nil, "require every event signed by this ed25519 public key (PEM, or base64); repeat for several")
	cmd.Flags().IntVar(&f.maxLine, "max-line-bytes", report.MaxLineBytes, "the longest input line (one case) accepted")
	f.xml.register(cmd)
}

// runSen2 checks the flags, streams the cases from path ("-" for stdin)
// into the report, writes it, and fails when a case was not counted.
func runSen2(a *app, cmd *cobra.Command, args []string, f *sen2Flags) error {
	if f.xml.printXSD {
		_, err := a.stdout.Write(report.SEN2XSD)
		return err
	}
	if err := f.check(cmd); err != nil {
		return err
	}
	if f.format == "xml" {
		return runSen2XML(a, cmd, args, f)
	}
	e, err := f.engine(a)
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(a, args)
	if err != nil {
		return err
	}
	defer closeIn()
	opt := report.Options{Year: f.year, Period: report.Period{From: f.from, To: f.to}, Engine: e, MaxLineBytes: f.maxLine,
		ReferenceDate: f.xml.referenceDate}
	if f.persons != "" {
		person, closePersons, err := personWriter(f.persons)
		if err != nil {
			return fail(exitUsage, err)
		}
		defer closePersons()
		opt.Person = person
	}
	// SIGINT or SIGTERM stops the run cleanly between cases (and
	// inside a long verification), with no partial report.
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := report.RunContext(ctx, in, opt)
	if err != nil {
		return fail(exitUsage, err)
	}
	if err := writeSen2(a.stdout, f.format, rep); err != nil {
		return fail(exitUsage, err)
	}
	if f.chart != "" {
		if err := writeSen2Chart(f.chart, rep); err != nil {
			return fail(exitUsage, err)
		}
	}
	return sen2Failures(a, rep)
}

// check refuses flags that cannot go together or are missing.
func (f *sen2Flags) check(cmd *cobra.Command) error {
	if !cmd.Flags().Changed("year") {
		return fmt.Errorf("--year is required")
	}
	switch f.format {
	case "json", "csv", "table":
		if f.xml.output != "" || f.xml.summary != "" {
			return fmt.Errorf("--output and --summary go with --format xml")
		}
	case "xml":
		if f.persons != "" || f.chart != "" || f.from != "" || f.to != "" {
			return fmt.Errorf("--persons, --chart, --from and --to do not go with --format xml")
		}
	default:
		return fmt.Errorf("--format must be json, csv, table or xml, not %q", f.format)
	}
	if f.noVerify && len(f.verifyKeys) > 0 {
		return fail(exitUsage, fmt.Errorf("give --verify-key or --no-verify, not both"))
	}
	return nil
}

// engine is the engine that verifies the histories (nil with --no-verify),
// requiring signatures by the --verify-key keys when there are any.
func (f *sen2Flags) engine(a *app) (*sdk.Engine, error) {
	if f.noVerify {
		return nil, nil
	}
	e, err := f.policy.engine(a)
	if err != nil || len(f.verifyKeys) == 0 {
		return e, err
	}
	var keys []ed25519.PublicKey
	for _, path := range f.verifyKeys {
		k, err := readVerifyKey(path)
		if err != nil {
			return nil, fail(exitUsage, err)
		}
		keys = append(keys, k)
	}
	e, err = e.With(sdk.WithVerifyKeys(keys...))
	if err != nil {
		return nil, fail(exitUsage, err)
	}
	return e, nil
}

// personWriter creates path and returns a function that writes one person
// record to it as a JSON line, and the function that flushes and closes it.
func personWriter(path string) (func(report.Person) error, func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	closeFn := func() {
		_ = bw.Flush()
		_ = f.Close()
	}
	return func(p report.Person) error { return enc.Encode(p) }, closeFn, nil
}

// writeSen2 writes the report in the --format asked for.
func writeSen2(w io.Writer, format string, rep report.Report) error {
	switch format {
	case "json":
		return report.WriteJSON(w, rep)
	case "csv":
		return report.WriteCSV(w, rep)
	case "table":
		return writeSen2Table(w, rep)
	}
	return nil
}

// writeSen2Chart writes the district timeliness chart to path as SVG.
func writeSen2Chart(path string, rep report.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.WriteSVG(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sen2Failures lists the cases not counted on stderr (up to 100) and fails
// with exit 1 when there are any.
func sen2Failures(a *app, rep report.Report) error {
	for _, w := range rep.Warnings {
		fmt.Fprintf(a.stderr, "sendflow: warning: %s\n", w)
	}
	if rep.Failed <= 0 {
		return nil
	}
	for _, f := range rep.Failures {
		fmt.Fprintf(a.stderr, "line %d: case %q not counted: %s: %s\n", f.Line, f.ID, f.Code, f.Reason)
	}
	return fail(exitFailed, fmt.Errorf("%d of %d cases were not counted (listed above%s)", rep.Failed, rep.Lines,
		map[bool]string{true: ", first 100", false: ""}[rep.Failed > len(rep.Failures)]))
}

// writeSen2Table prints the headline figures and the district table.
func writeSen2Table(w io.Writer, r report.Report) error {
	t := r.Totals
	verified := "verified against policy " + r.PolicyID
	if !r.Verified {
		verified = "NOT verified"
	}
	fmt.Fprintf(w, "SEN2 %d (%s to %s): %d cases counted, %d not counted, histories %s\n", t.Year, t.Period.From, t.Period.To, r.Counted, r.Failed, verified)
	fmt.Fprintf(w, "requests received %d; refused %d; plans issued %d; within 20 weeks %d/%d (%s%%) including exceptions, %d/%d (%s%%) excluding\n",
		t.RequestsReceived, t.AssessmentsRefused, t.PlansIssued, t.Timeliness.IncExcWithin, t.Timeliness.IncExc, rateText(t.Timeliness.IncExcRate),
		t.Timeliness.NoExcWithin, t.Timeliness.NoExc, rateText(t.Timeliness.NoExcRate))
	fmt.Fprintf(w, "plans on the census date %s: %d (", t.Census.ReferenceDate, t.Census.Plans)
	for i, b := range report.AgeBands {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%s %d", b, t.Census.ByAge[b])
	}
	fmt.Fprint(w, ")\n\n")
	return report.WriteDistrictTable(w, r)
}

func rateText(f *float64) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *f)
}
