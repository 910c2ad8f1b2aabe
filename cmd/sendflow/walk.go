package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

func newWalkCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "walk SCENARIO_FILE",
		Short: "Run one scenario file and print its timeline",
		Long: `Run the scenarios in one file and print a readable timeline: for every step
the date, actor and trigger (or "as of DATE"), the tracks that have left their
initial state, and the clocks with their due dates and status. Missed clocks
are marked MISSED. Ends with PASS or FAIL for each scenario.

Exits 0 when every scenario passes, 1 when one fails, 2 when the file cannot
be read or is not a valid scenario.`,
		Example: `  sendflow walk examples/refusal.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			data, err := readCapped(path, maxInputBytes+1)
			if err != nil {
				return fail(exitUsage, err)
			}
			all, err := scenario.ParseAll(path, data)
			if err != nil {
				return fail(exitUsage, err)
			}
			failed := false
			for i, s := range all {
				if i > 0 {
					fmt.Fprintln(a.stdout)
				}
				var res scenario.Result
				t, err := a.load(s.Policy, filepath.Dir(path))
				if err == nil && t == nil {
					err = fmt.Errorf("no engine")
				}
				if err != nil {
					res = scenario.Result{File: s.File, Name: s.Name, Policy: policyName(s.Policy),
						Message: fmt.Sprintf("policy %s: %v", policyName(s.Policy), err)}
				} else {
					res = scenario.Run(s, t)
				}
				if err := writeTimeline(a.stdout, s, res); err != nil {
					return fail(exitUsage, err)
				}
				failed = failed || !res.Passed
			}
			if failed {
				return fail(exitFailed, nil)
			}
			return nil
		},
	}
}

func policyName(p string) string {
	if p == "" {
		return "default"
	}
	return p
}

// writeTimeline prints one scenario's run as aligned plain text.
func writeTimeline(w io.Writer, s *scenario.Scenario, res scenario.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", s.Name)
	fmt.Fprintf(&b, "  file    %s\n", s.File)
	fmt.Fprintf(&b, "  policy  %s\n", res.Policy)

	// Column widths over the whole timeline.
	numW := len(fmt.Sprint(len(s.Steps)))
	dateW, actorW, keyW := len("2006-01-02"), 0, 0
	for _, st := range s.Steps {
		if !st.IsQuery() {
			dateW = max(dateW, len(st.At))
			actorW = max(actorW, len(st.Actor))
		}
	}
	for _, e := range res.Timeline {
		for _, c := range e.Clocks {
			keyW = max(keyW, len(clockKey(c)))
		}
	}
	indent := strings.Repeat(" ", numW+3)
	label := func(l string) string { return indent + fmt.Sprintf("%-7s ", l) }
	cont := indent + strings.Repeat(" ", 8)

	for _, e := range res.Timeline {
		st := s.Steps[e.Step-1]
		b.WriteString("\n")
		fmt.Fprintf(&b, " %*d  ", numW, e.Step)
		if st.IsQuery() {
			fmt.Fprintf(&b, "as of %s\n", st.AsOf)
		} else {
			line := fmt.Sprintf("%-*s  %-*s  %s", dateW, st.At, actorW, st.Actor, st.Trigger)
			if e.Error != "" {
				if e.Passed {
					line += fmt.Sprintf("  -> refused: %s (as expected)", e.Error)
				} else {
					line += fmt.Sprintf("  -> refused: %s", e.ErrorMessage)
				}
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}

		var moved []string
		for _, track := range slices.Sorted(maps.Keys(e.States)) {
			if e.States[track] != res.Initial[track] {
				moved = append(moved, track+": "+e.States[track])
			}
		}
		if len(moved) == 0 {
			b.WriteString(label("states") + "(every track at its initial state)\n")
		} else {
			b.WriteString(label("states") + strings.Join(moved, ", ") + "\n")
		}

		switch {
		case e.ClocksError != "":
			b.WriteString(label("clocks") + "(could not be judged: " + e.ClocksError + ")\n")
		case len(e.Clocks) == 0:
			b.WriteString(label("clocks") + "(none)\n")
		default:
			for i, c := range e.Clocks {
				prefix := cont
				if i == 0 {
					prefix = label("clocks")
				}
				line := fmt.Sprintf("%-*s  due %-10s  %-9s  %s", keyW, clockKey(c), c.Due, clockStatus(c.Status), clockNote(c))
				b.WriteString(prefix + strings.TrimRight(line, " ") + "\n")
			}
		}
		if !e.Passed {
			for i, m := range res.Mismatches {
				prefix := cont
				if i == 0 {
					prefix = label("FAIL")
				}
				b.WriteString(prefix + m.Message + "\n")
			}
		}
	}

	b.WriteString("\n")
	if res.Passed {
		fmt.Fprintf(&b, "PASS %s\n", s.Name)
	} else {
		fmt.Fprintf(&b, "FAIL %s: %s\n", s.Name, res.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func clockKey(c sdk.ClockStatus) string {
	if c.Key != "" {
		return c.Key
	}
	if c.Source != "" {
		return c.ID + "." + c.Source
	}
	return c.ID
}

// clockStatus shows a missed clock so that it cannot be overlooked.
func clockStatus(s string) string {
	if s == "missed" {
		return "MISSED"
	}
	return s
}

func clockNote(c sdk.ClockStatus) string {
	switch {
	case c.Status == "running" && c.DaysLeft != nil:
		switch n := *c.DaysLeft; {
		case n == 0:
			return "due today"
		case n == 1:
			return "1 day left"
		case n > 1:
			return fmt.Sprintf("%d days left", n)
		default:
			return fmt.Sprintf("%d days overdue", -n)
		}
	case c.Status == "cancelled" && c.StoppedBy != "":
		return "by " + c.StoppedBy
	case c.StoppedAt != "" && c.StoppedBy != "":
		return fmt.Sprintf("stopped %s by %s", c.StoppedAt, c.StoppedBy)
	case c.StoppedAt != "":
		return "stopped " + c.StoppedAt
	case c.Exception != "":
		return "exception: " + c.Exception
	}
	return ""
}
