package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sendflow/sendflow/sdk"
)

func newGraphCmd(a *app) *cobra.Command {
	var pf policyFlag
	var format, trackID, casePath string
	cmd := &cobra.Command{
		Use:   "graph [--policy FILE]... [--format dot|mermaid] [--track TRACK] [--case CASE.json]",
		Short: "Draw the lifecycle's state machines as Graphviz dot or Mermaid",
		Long: `Print the state machine of one track (--track) or of every enabled track,
as Graphviz dot (the default) or a Mermaid flowchart: one node per state
(nested states written with dots), one edge per trigger, labelled with it;
moves of other tracks (set_states) are dashed. Given a case (--case, "-"
for stdin) its current state on every track is highlighted.

Exits 0; 1 for an unknown or disabled track or an invalid case; 2 for a
bad flag or an unreadable case file; 3 when the policy does not compile.`,
		Example: `  sendflow graph --track ehc | dot -Tsvg > ehc.svg
  sendflow graph --format mermaid --policy examples/policies/liverpool.yaml
  sendflow graph --track plan --case case.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != sdk.GraphDOT && format != sdk.GraphMermaid {
				return fail(exitUsage, fmt.Errorf("--format must be dot or mermaid, not %q", format))
			}
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			var c *sdk.Case
			if casePath != "" {
				cc, err := readCase(a, e, casePath)
				if err != nil {
					return err
				}
				c = &cc
			}
			var out string
			if trackID != "" {
				out, err = e.GraphTrack(format, trackID, c)
			} else {
				out, err = e.Graph(format, c)
			}
			if err != nil {
				return fail(exitFailed, err)
			}
			_, err = io.WriteString(a.stdout, out)
			if err != nil {
				return fail(exitUsage, err)
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&format, "format", sdk.GraphDOT, "dot or mermaid")
	cmd.Flags().StringVar(&trackID, "track", "", "draw only this track")
	cmd.Flags().StringVar(&casePath, "case", "", "highlight this case's current states (JSON file, \"-\" for stdin)")
	return cmd
}
