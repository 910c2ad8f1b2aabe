package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/behaviour"
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
	// Waived is true when the policy waives the statutory floor
	// (allow_below_statutory_floor) and --accept-waivers was not given.
	Waived bool `json:"waived,omitempty"`
	// Behaviour is the behavioural comparison with the default, when run.
	Behaviour *behaviour.Report `json:"behaviour,omitempty"`
}

// checkOptions are check's flags.
type checkOptions struct {
	strict, acceptWaivers, noBehaviour bool
	behaviour                          behaviourFlags
}

func newCheckCmd(a *app) *cobra.Command {
	var asJSON bool
	var opt checkOptions
	cmd := &cobra.Command{
		Use:   "check [--json] [--strict] [--accept-waivers] [--no-behaviour] [--journeys N] [--seed S] POLICY...",
		Short: "Compile and lint policy overlays, reporting every problem",
		Long: `Compile each policy overlay on the embedded default (after the file it
extends, if it names one) and report every problem at once: YAML syntax,
unknown triggers, states, roles, clocks and facts (with "did you mean"),
guard type errors, hostile guards, and statutory floor breaches. Each
problem is "file:line:col: code: message" with the source line and a caret.

Lints (a guard without a citation, a guard missing a translation the rest
of the file has) are printed too; they fail the check only with --strict.
Policy warnings (allow_below_statutory_floor) are printed as warnings; a
policy that waives the statutory floor fails the check unless
--accept-waivers is given.

Then, for each policy that compiles, the behavioural check
(docs/behaviour.md) runs generated journeys under the policy and under the
default and reports each statutory difference as
"file: behaviour: KIND: message": a family action refused that the default
allows, a statutory step refused, a statutory clock not started, moved or
ended, an appealable decision not recorded. It samples journeys (--journeys,
--steps, --seed): it can show a loss, not prove there is none.
--no-behaviour skips it.

Exits 0 when every policy compiles with no behavioural difference, 1 when
any does not compile, has a behavioural difference, waives the floor
without --accept-waivers (or, with --strict, has lints), 2 when a file
cannot be read. With --json prints one JSON array of results on stdout.`,
		Example: `  sendflow check examples/policies/kent.yaml examples/policies/kent/dover.yaml
  sendflow check --json examples/policies/liverpool.yaml
  sendflow check --journeys 500 --seed 7 examples/policies/sefton.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := opt.behaviour.options(); err != nil {
				return err
			}
			var results []checkResult
			failed := false
			for _, path := range args {
				r, err := checkPolicy(cmd.Context(), path, opt)
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
	cmd.Flags().BoolVar(&opt.strict, "strict", false, "fail on lints as well as problems")
	cmd.Flags().BoolVar(&opt.acceptWaivers, "accept-waivers", false,
		"accept a policy that waives the statutory floor (allow_below_statutory_floor)")
	cmd.Flags().BoolVar(&opt.noBehaviour, "no-behaviour", false, "skip the behavioural comparison with the default")
	opt.behaviour.register(cmd)
	return cmd
}

// checkPolicy compiles and lints one policy file (after the file it
// extends), then compares its behaviour with the default's; err is set
// only when a file cannot be read.
func checkPolicy(ctx context.Context, path string, opt checkOptions) (checkResult, error) {
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
	if opt.strict && len(lints) > 0 {
		r.OK = false
	}
	for _, w := range r.Warnings {
		if w.Code == sdk.WarningBelowStatutoryFloor && !opt.acceptWaivers {
			r.Waived, r.OK = true, false
		}
	}
	if opt.noBehaviour {
		return r, nil
	}
	bopt, err := opt.behaviour.options()
	if err != nil {
		return r, err
	}
	base, err := sdk.Default()
	if err != nil {
		return r, err
	}
	rep, err := behaviour.Compare(ctx, base, e, bopt)
	if err != nil {
		r.OK = false
		r.Problems = append(r.Problems, sdk.Problem{Code: "behaviour", Message: err.Error()})
	}
	r.Behaviour = &rep
	if len(rep.Differences) > 0 {
		r.OK = false
	}
	return r, nil
}

// writeCheckResult prints one file's problems, lints, warnings and
// behavioural differences as a policy author reads them, then its ok or
// FAIL line.
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
	if r.Behaviour != nil {
		writeDifferences(w, r.File+": ", r.Behaviour)
	}
	if r.Waived {
		fmt.Fprintf(w, "%s: waiver: the policy waives the statutory floor (allow_below_statutory_floor: true); "+
			"check fails it unless --accept-waivers is given\n", r.File)
	}
	if r.OK {
		fmt.Fprintf(w, "ok   %s (%s)\n", r.File, strings.Join(r.Layers, " -> "))
		return
	}
	if r.Layers == nil {
		fmt.Fprintf(w, "FAIL %s: %d problem(s), %s\n", r.File, len(r.Problems), r.Code)
		return
	}
	var why []string
	if len(r.Problems) > 0 {
		why = append(why, fmt.Sprintf("%d problem(s)", len(r.Problems)))
	}
	if r.Waived {
		why = append(why, "waives the statutory floor (--accept-waivers not given)")
	}
	if r.Behaviour != nil && len(r.Behaviour.Differences) > 0 {
		why = append(why, fmt.Sprintf("%d behavioural difference(s) from the default (%d journeys, seed %d)",
			len(r.Behaviour.Differences)+r.Behaviour.Dropped, r.Behaviour.Journeys, r.Behaviour.Options.Seed))
	}
	if len(why) == 0 {
		why = append(why, fmt.Sprintf("%d lint(s) (--strict)", len(r.Lints)))
	}
	fmt.Fprintf(w, "FAIL %s: %s\n", r.File, strings.Join(why, "; "))
}
