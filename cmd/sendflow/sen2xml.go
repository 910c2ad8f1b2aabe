package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk/report"
)

// sen2XMLFlags are the flags of the person-level XML return.
type sen2XMLFlags struct {
	la, dmo, dco     string
	referenceDate    string
	cutOff, serialNo string
	dateTime, output string
	summary          string
	printXSD         bool
	requestSource    bool
}

func (x *sen2XMLFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&x.la, "la-number", "", "--format xml: the LA's DfE 3-digit number, e.g. 886 (required)")
	fl.StringVar(&x.dmo, "dmo", "", "--format xml: a designated medical officer? Y, N or R (required)")
	fl.StringVar(&x.dco, "dco", "", "--format xml: a designated clinical officer? Y, N or R (required)")
	fl.StringVar(&x.referenceDate, "reference-date", "", "the census date the plans are counted on (default: the published date in January of --year+1)")
	fl.StringVar(&x.cutOff, "cut-off", "", "--format xml: report outcomes as of this date (default: the census date)")
	fl.StringVar(&x.serialNo, "serial-no", "", "--format xml: the file's serial number, 3 or more digits (default 001)")
	fl.StringVar(&x.dateTime, "date-time", "", "--format xml: the header's DateTime, RFC 3339 (default: now)")
	fl.StringVarP(&x.output, "output", "o", "", "--format xml: write the return to this file (default stdout); written only when no issue is found")
	fl.StringVar(&x.summary, "summary", "", "--format xml: also write the counts and issues as JSON to this file (written even when the return is not)")
	fl.BoolVar(&x.printXSD, "print-xsd", false, "print the XML schema the return is checked against, and exit")
	fl.BoolVar(&x.requestSource, "request-source", false, "--format xml: write each request's RequestSource code (1 parent/young person, 2 school/setting, 3 health, 4 social care, 5 other; not in the 2024 message)")
}

// runSen2XML derives the person-level return: every case as of the
// cut-off, each in-scope person's record written to a temporary file; the
// file is kept only when every case was counted and no issue was found.
func runSen2XML(a *app, cmd *cobra.Command, args []string, f *sen2Flags) error {
	x := &f.xml
	ropt := report.ReturnOptions{Year: f.year, ReferenceDate: x.referenceDate, CutOff: x.cutOff, LA: x.la, DMO: x.dmo, DCO: x.dco,
		SerialNo: x.serialNo, DateTime: x.dateTime, RequestSource: x.requestSource}
	e, err := f.engine(a)
	if err != nil {
		return err
	}
	dir := os.TempDir()
	if x.output != "" {
		dir = filepath.Dir(x.output)
	}
	tmp, err := os.CreateTemp(dir, ".sen2-*.xml")
	if err != nil {
		return fail(exitUsage, err)
	}
	defer func() { tmp.Close(); os.Remove(tmp.Name()) }()
	ret, err := report.NewReturn(tmp, ropt)
	if err != nil {
		return fail(exitUsage, err)
	}
	in, closeIn, err := openInput(a, args)
	if err != nil {
		return err
	}
	defer closeIn()
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := report.RunContext(ctx, in, report.Options{Year: f.year, Engine: e, MaxLineBytes: f.maxLine, AsOf: ret.CutOff(), Case: ret.Add})
	if err != nil {
		return fail(exitUsage, err)
	}
	sum, err := ret.Close()
	if err != nil {
		return fail(exitUsage, err)
	}
	if err := writeSummary(x.summary, sum); err != nil {
		return fail(exitUsage, err)
	}
	printReturnSummary(a.stderr, sum)
	if ferr := sen2Failures(a, rep); ferr != nil {
		fmt.Fprintln(a.stderr, "sendflow: the return was not written: every case must be counted")
		return ferr
	}
	if sum.IssueCount > 0 {
		return fail(exitFailed, fmt.Errorf("the return was not written: %d issue(s) to put right (listed above by case id)", sum.IssueCount))
	}
	return keepReturn(a, tmp, x.output)
}

// keepReturn moves the finished return to path, or copies it to stdout.
func keepReturn(a *app, tmp *os.File, path string) error {
	if path != "" {
		if err := tmp.Close(); err != nil {
			return fail(exitUsage, err)
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fail(exitUsage, err)
		}
		return nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fail(exitUsage, err)
	}
	if _, err := io.Copy(a.stdout, tmp); err != nil {
		return fail(exitUsage, err)
	}
	return nil
}

// writeSummary writes the return's summary as JSON to path ("" for none).
func writeSummary(path string, sum report.ReturnSummary) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// printReturnSummary prints the counts per module and every issue listed,
// by case id and element: never a value.
func printReturnSummary(w io.Writer, sum report.ReturnSummary) {
	c := sum.Counts
	fmt.Fprintf(w, "SEN2 %d person-level return (census %s, outcomes as of %s, activity %s to %s)\n",
		sum.Collection, sum.ReferenceDate, sum.CutOff, sum.Period.From, sum.Period.To)
	fmt.Fprintf(w, "  persons %d; requests %s; assessments %s\n", c.Persons, codeCounts(c.Requests), codeCounts(c.Assessments))
	fmt.Fprintf(w, "  named plans %d (ceased %s), plan details %d; active plans %d (transferred in %d), placements %d, SEN needs %d\n",
		c.NamedPlans, codeCounts(c.PlansCeased), c.PlanDetails, c.ActivePlans, c.TransferredIn, c.PlacementDetails, c.SENneeds)
	for _, is := range sum.Issues {
		fmt.Fprintf(w, "case %q: %s: %s: %s\n", is.Case, is.Element, is.Code, is.Message)
	}
	if sum.IssueCount > len(sum.Issues) {
		fmt.Fprintf(w, "... and %d more issues\n", sum.IssueCount-len(sum.Issues))
	}
}

// codeCounts writes counts by code as "Y 3, N 1" in code order.
func codeCounts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", k, m[k])
	}
	return s
}
