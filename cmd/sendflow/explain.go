package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
)

func newExplainCmd(a *app) *cobra.Command {
	var pf policyFlag
	var asJSON bool
	var locale string
	cmd := &cobra.Command{
		Use:   "explain [--policy FILE]... [--json] TRIGGER",
		Short: "Explain a trigger: roles, guards with reasons and citations, clocks, and which layer each came from",
		Long: `Print what the policy makes of one trigger: its track, from and to states,
the roles that may fire it, its payload, every guard (blocking or advice,
for which roles, its reason in English and other languages, its citation,
the expression, and the layer it came from: default, authority or
district), the clocks it starts, stops, cancels or excuses, and the
appealable decision it records.

Exits 0, or 1 for an unknown trigger (with a "did you mean"), 3 when the
policy does not compile.`,
		Example: `  sendflow explain ehc.requested
  sendflow explain --policy examples/policies/kent/dover.yaml hnf.applied
  sendflow explain --json --policy examples/policies/liverpool.yaml ehc.decided_not_to_assess`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			x, err := e.Explain(args[0])
			if err != nil {
				if asJSON {
					return refusal(a, err)
				}
				return fail(exitFailed, err)
			}
			if asJSON {
				return writeJSONOr(a, x)
			}
			writeExplanation(a.stdout, x, locale)
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the explanation as JSON")
	cmd.Flags().StringVar(&locale, "locale", "", "also show guard reasons in this language (e.g. cy)")
	return cmd
}

func writeJSONOr(a *app, v any) error {
	if err := writeJSON(a.stdout, v); err != nil {
		return fail(exitUsage, err)
	}
	return nil
}

// writeExplanation prints what a trigger does, as explain does without
// --json: its moves, roles, payload, guards, clocks and decision.
func writeExplanation(w io.Writer, x sdk.TriggerExplanation, locale string) {
	fmt.Fprintf(w, "%s  (track %s, from layer %s)\n", x.Trigger, x.Track, x.Layer)
	if x.Disabled {
		fmt.Fprintf(w, "  DISABLED: this policy switches the %s track off\n", x.Track)
	}
	if x.Description != "" {
		fmt.Fprintf(w, "  %s\n", x.Description)
	}
	writeMoves(w, x)
	fmt.Fprintf(w, "  roles:    %s\n", strings.Join(x.Roles, ", "))
	if x.Citation != "" {
		fmt.Fprintf(w, "  citation: %s\n", x.Citation)
	}
	for _, f := range x.Payload {
		writeFieldDef(w, f)
	}
	if len(x.Guards) == 0 {
		fmt.Fprintln(w, "  guards:   none")
	}
	for _, g := range x.Guards {
		writeGuardInfo(w, g, locale)
	}
	for _, c := range x.Clocks {
		writeClockEffect(w, c)
	}
	if x.Decision != "" {
		fmt.Fprintf(w, "  decision: %s (appealable)\n", x.Decision)
	}
}

// writeMoves prints the states a trigger fires from, where it goes, and
// each branch's destination and condition.
func writeMoves(w io.Writer, x sdk.TriggerExplanation) {
	to := x.To
	if to == "" {
		to = "(stays)"
	}
	fmt.Fprintf(w, "  from:     %s\n  to:       %s\n", strings.Join(x.From, ", "), to)
	for _, b := range x.Branches {
		when := b.When
		if when == "" {
			when = "otherwise"
		}
		bt := b.To
		if bt == "" {
			bt = to
		}
		fmt.Fprintf(w, "            -> %s when %s\n", bt, when)
	}
}

// writeFieldDef prints one payload field: its type, whether it is required
// and its allowed values.
func writeFieldDef(w io.Writer, f sdk.FieldDef) {
	req := ""
	if f.Required {
		req = ", required"
	}
	enum := ""
	if len(f.Enum) > 0 {
		enum = " in {" + strings.Join(f.Enum, ", ") + "}"
	}
	fmt.Fprintf(w, "  data.%s: %s%s%s\n", f.Name, f.Type, req, enum)
}

// writeGuardInfo prints one guard: who it applies to, its reasons (only
// locale's when one is given), citation and expression.
func writeGuardInfo(w io.Writer, g sdk.GuardInfo, locale string) {
	who := "everyone"
	if len(g.Roles) > 0 {
		who = strings.Join(g.Roles, ", ")
	}
	fmt.Fprintf(w, "  guard %s [%s, for %s, layer %s]\n", g.ID, g.Severity, who, g.Layer)
	fmt.Fprintf(w, "      reason:   %s\n", g.Reason)
	for _, l := range sortedLocales(g.Reasons) {
		if locale == "" || locale == l {
			fmt.Fprintf(w, "      reason %s: %s\n", l, g.Reasons[l])
		}
	}
	if g.Citation != "" {
		fmt.Fprintf(w, "      citation: %s\n", g.Citation)
	}
	fmt.Fprintf(w, "      expr:     %s\n", g.Expr)
}

// writeClockEffect prints one clock the trigger starts, stops or restarts,
// with its length.
func writeClockEffect(w io.Writer, c sdk.ClockEffect) {
	length := fmt.Sprintf("%d %s", c.Clock.Length, c.Clock.Unit)
	if c.Clock.LengthParam != "" {
		length = "params." + c.Clock.LengthParam + " " + c.Clock.Unit
	}
	if c.Clock.Unit == "before" {
		length = "before " + c.Clock.Before
	}
	stat := ""
	if c.Clock.Statutory {
		stat = ", statutory"
	}
	branch := ""
	if c.Branch != "" {
		branch = " when " + c.Branch
	}
	fmt.Fprintf(w, "  clock %s %s%s (%s%s, %s, layer %s)\n", c.Effect, c.Clock.ID, branch, length, stat, c.Clock.Citation, c.Layer)
}

func sortedLocales(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
