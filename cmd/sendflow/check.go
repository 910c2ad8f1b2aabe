package main

import (
	"fmt"
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
				r := checkResult{File: path}
				srcs, err := scenario.PolicySources(path)
				if err != nil {
					return fail(exitUsage, err)
				}
				e, lints, err := sdk.Lint(srcs...)
				if err != nil {
					se := sdk.AsError(err)
					r.Code = string(se.Code)
					r.Problems = se.Problems
					if len(r.Problems) == 0 {
						r.Problems = []sdk.Problem{{Code: string(se.Code), Message: se.Message, Location: se.Location}}
					}
				} else {
					r.OK = true
					r.Layers, r.PolicyID, r.PolicyHash = e.Layers(), e.PolicyID(), e.PolicyHash()
					r.Lints, r.Warnings = lints, e.Warnings()
					if strict && len(lints) > 0 {
						r.OK = false
					}
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
					for _, p := range r.Problems {
						writeProblem(a.stdout, p)
					}
					for _, p := range r.Lints {
						p.Code = "lint " + p.Code
						writeProblem(a.stdout, p)
					}
					for _, w := range r.Warnings {
						fmt.Fprintf(a.stdout, "%s: warning %s: %s\n", r.File, w.Code, w.Message)
					}
					if r.OK {
						fmt.Fprintf(a.stdout, "ok   %s (%s)\n", r.File, strings.Join(r.Layers, " -> "))
					} else if len(r.Problems) > 0 {
						fmt.Fprintf(a.stdout, "FAIL %s: %d problem(s), %s\n", r.File, len(r.Problems), r.Code)
					} else {
						fmt.Fprintf(a.stdout, "FAIL %s: %d lint(s) (--strict)\n", r.File, len(r.Lints))
					}
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
