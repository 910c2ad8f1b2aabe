package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// checkResult is one policy file checked.
type checkResult struct {
	File       string        `json:"file"`
	OK         bool          `json:"ok"`
	Layers     []string      `json:"layers,omitempty"`
	PolicyID   string        `json:"policy_id,omitempty"`
	PolicyHash string        `json:"policy_hash,omitempty"`
	Code       string        `json:"code,omitempty"`
	Problems   []sdk.Problem `json:"problems,omitempty"`
	Lints      []sdk.Problem `json:"lints,omitempty"`
	Warnings   []sdk.Warning `json:"warnings,omitempty"`
}

func newCheckCmd(a *app) *cobra.Command {
	var asJSON, strict bool
	cmd := &cobra.Command{
		Use:   "check [--json] [--strict] POLICY...",
		Short: "Compile and lint policy overlays, reporting every problem",
		Long: `Compile each policy overlay on the embedded default (after the file it
extends, if it names one) and report every problem at once: YAML syntax,
unknown triggers, states, roles, clocks and facts (with "did you mean"),
guard type errors, hostile guards, and statutory floor breaches. Each
problem is "file:line:col: code: message" with the source line and a caret.

Lints (a guard without a citation, a guard missing a translation the rest
of the file has) are printed too; they fail the check only with --strict.
Policy warnings (allow_below_statutory_floor) are printed as warnings.

Exits 0 when every policy compiles, 1 when any does not (or, with
--strict, has lints), 2 when a file cannot be read. With --json prints one
JSON array of results on stdout.`,
		Example: `  sendflow check examples/policies/kent.yaml examples/policies/kent/dover.yaml
  sendflow check --json examples/policies/liverpool.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var results []checkResult
			failed := false
			for _, path := range args {
				r, err := checkPolicy(path, strict)
				if err != nil {
					return fail(exitUsage, err)
				}
				failed = failed || !r.OK
				results = append(results, r)
			}
			if asJSON {
				if err := writeJSON(a.stdout, results); err != nil {
					return fail(exitUsage, err)
				}
			} else {
				for _, r := range results {
					writeCheckResult(a.stdout, r)
				}
			}
			if failed {
				return fail(exitFailed, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON on stdout")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on lints as well as problems")
	return cmd
}

// checkPolicy compiles and lints one policy file (after the file it
// extends); err is set only when a file cannot be read.
func checkPolicy(path string, strict bool) (checkResult, error) {
	r := checkResult{File: path}
	srcs, err := scenario.PolicySources(path)
	if err != nil {
		return r, err
	}
	e, lints, err := sdk.Lint(srcs...)
	if err != nil {
		se := sdk.AsError(err)
		r.Code = string(se.Code)
		r.Problems = se.Problems
		if len(r.Problems) == 0 {
			r.Problems = []sdk.Problem{{Code: se.Code, Message: se.Message, Location: se.Location}}
		}
		return r, nil
	}
	r.OK = true
	r.Layers, r.PolicyID, r.PolicyHash = e.Layers(), e.PolicyID(), e.PolicyHash()
	r.Lints, r.Warnings = lints, e.Warnings()
	if strict && len(lints) > 0 {
		r.OK = false
	}
	return r, nil
}

// writeCheckResult prints one file's problems, lints and warnings as a
// policy author reads them, then its ok or FAIL line.
func writeCheckResult(w io.Writer, r checkResult) {
	for _, p := range r.Problems {
		writeProblem(w, p)
	}
	for _, p := range r.Lints {
		p.Code = "lint " + p.Code
		writeProblem(w, p)
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "%s: warning %s: %s\n", r.File, wn.Code, wn.Message)
	}
	switch {
	case r.OK:
		fmt.Fprintf(w, "ok   %s (%s)\n", r.File, strings.Join(r.Layers, " -> "))
	case len(r.Problems) > 0:
		fmt.Fprintf(w, "FAIL %s: %d problem(s), %s\n", r.File, len(r.Problems), r.Code)
	default:
		fmt.Fprintf(w, "FAIL %s: %d lint(s) (--strict)\n", r.File, len(r.Lints))
	}
}
