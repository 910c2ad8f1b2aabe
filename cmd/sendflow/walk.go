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
		Example: `  sendflow walk examples/scenarios/full-lifecycle.yaml`,
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
	tl := newTimeline(&b, s, res)
	for _, e := range res.Timeline {
		tl.entry(e)
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

// timeline writes a scenario run's entries in columns as wide as the
// widest step number, date, actor and clock key of the whole run.
type timeline struct {
	b                         *strings.Builder
	s                         *scenario.Scenario
	res                       scenario.Result
	numW, dateW, actorW, keyW int
	indent                    string
}

func newTimeline(b *strings.Builder, s *scenario.Scenario, res scenario.Result) *timeline {
	tl := &timeline{b: b, s: s, res: res, numW: len(fmt.Sprint(len(s.Steps))), dateW: len("2006-01-02")}
	for _, st := range s.Steps {
		if !st.IsQuery() {
			tl.dateW = max(tl.dateW, len(st.At))
			tl.actorW = max(tl.actorW, len(st.Actor))
		}
	}
	for _, e := range res.Timeline {
		for _, c := range e.Clocks {
			tl.keyW = max(tl.keyW, len(clockKey(c)))
		}
	}
	tl.indent = strings.Repeat(" ", tl.numW+3)
	return tl
}

// label starts a labelled line under a step; cont continues one.
func (tl *timeline) label(l string) string { return tl.indent + fmt.Sprintf("%-7s ", l) }
func (tl *timeline) cont() string          { return tl.indent + strings.Repeat(" ", 8) }

// entry writes one step: what was fired (or the date queried), the states
// moved, the clocks, and for a failing step its mismatches.
func (tl *timeline) entry(e scenario.Entry) {
	b := tl.b
	st := tl.s.Steps[e.Step-1]
	b.WriteString("\n")
	fmt.Fprintf(b, " %*d  ", tl.numW, e.Step)
	if st.IsQuery() {
		fmt.Fprintf(b, "as of %s\n", st.AsOf)
	} else {
		line := fmt.Sprintf("%-*s  %-*s  %s", tl.dateW, st.At, tl.actorW, st.Actor, st.Trigger)
		if st.By != "" {
			line += "  (by " + st.By + ")"
		}
		if e.Error != "" {
			if e.Passed {
				line += fmt.Sprintf("  -> refused: %s (as expected)", e.Error)
			} else {
				line += fmt.Sprintf("  -> refused: %s", e.ErrorMessage)
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	tl.states(e)
	tl.clocks(e)
	tl.warnings(e)
	if !e.Passed {
		for i, m := range tl.res.Mismatches {
			prefix := tl.cont()
			if i == 0 {
				prefix = tl.label("FAIL")
			}
			b.WriteString(prefix + m.Message + "\n")
		}
	}
}

// warnings writes one line per warning of a successful firing.
func (tl *timeline) warnings(e scenario.Entry) {
	for i, w := range e.Warnings {
		prefix := tl.cont()
		if i == 0 {
			prefix = tl.label("warning")
		}
		who := string(w.Code)
		if w.Guard != "" {
			who += " (" + w.Guard + ")"
		}
		tl.b.WriteString(prefix + who + ": " + w.Message + "\n")
	}
}

// states writes the tracks not at their initial state.
func (tl *timeline) states(e scenario.Entry) {
	var moved []string
	for _, track := range slices.Sorted(maps.Keys(e.States)) {
		if e.States[track] != tl.res.Initial[track] {
			moved = append(moved, track+": "+e.States[track])
		}
	}
	if len(moved) == 0 {
		tl.b.WriteString(tl.label("states") + "(every track at its initial state)\n")
	} else {
		tl.b.WriteString(tl.label("states") + strings.Join(moved, ", ") + "\n")
	}
}

// clocks writes one line per clock with its due date and status.
func (tl *timeline) clocks(e scenario.Entry) {
	switch {
	case e.ClocksError != "":
		tl.b.WriteString(tl.label("clocks") + "(could not be judged: " + e.ClocksError + ")\n")
	case len(e.Clocks) == 0:
		tl.b.WriteString(tl.label("clocks") + "(none)\n")
	default:
		for i, c := range e.Clocks {
			prefix := tl.cont()
			if i == 0 {
				prefix = tl.label("clocks")
			}
			line := fmt.Sprintf("%-*s  due %-10s  %-9s  %s", tl.keyW, clockKey(c), c.Due, clockStatus(c), clockNote(c))
			tl.b.WriteString(prefix + strings.TrimRight(line, " ") + "\n")
		}
	}
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

// clockStatus shows a missed clock so that it cannot be overlooked; an
// advisory clock's miss is a warning, shown in lower case.
func clockStatus(c sdk.ClockStatus) string {
	if c.Status == sdk.ClockMissed && c.Kind != sdk.ClockAdvisory {
		return "MISSED"
	}
	return string(c.Status)
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
