package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

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
as Graphviz dot (the default) or a Mermaid state diagram. Nested states are
drawn as clusters; each transition is labelled with its trigger. Given a
case (--case, "-" for stdin) the case's current state in each track is
highlighted.

Exits 0; 1 for an unknown track; 2 for a bad flag or unreadable case; 3
when the policy does not compile.`,
		Example: `  sendflow graph --track ehc | dot -Tsvg > ehc.svg
  sendflow graph --format mermaid --policy examples/policies/liverpool.yaml
  sendflow graph --track plan --case case.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "dot" && format != "mermaid" {
				return fail(exitUsage, fmt.Errorf("--format must be dot or mermaid, not %q", format))
			}
			e, err := pf.engine(a)
			if err != nil {
				return err
			}
			current := map[string]string{}
			if casePath != "" {
				c, err := readCase(a, e, casePath)
				if err != nil {
					return err
				}
				current = c.States
			}
			tracks := e.Tracks()
			if trackID != "" {
				if !slices.Contains(tracks, trackID) {
					return fail(exitFailed, fmt.Errorf("unknown or disabled track %q (tracks: %s)", trackID, strings.Join(tracks, ", ")))
				}
				tracks = []string{trackID}
			}
			p := e.Policy()
			if format == "dot" {
				writeDot(a.stdout, p, tracks, current)
			} else {
				writeMermaid(a.stdout, p, tracks, current)
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "dot", "dot or mermaid")
	cmd.Flags().StringVar(&trackID, "track", "", "draw only this track")
	cmd.Flags().StringVar(&casePath, "case", "", "highlight this case's current states (JSON file, \"-\" for stdin)")
	return cmd
}

type edge struct{ from, to, label string }

// trackGraph returns a track's definition and its transitions.
func trackGraph(p sdk.Policy, id string) (sdk.TrackDef, []edge) {
	var td sdk.TrackDef
	for _, t := range p.Tracks {
		if t.ID == id {
			td = t
		}
	}
	var edges []edge
	for _, t := range p.Triggers {
		tk, ev, _ := strings.Cut(t.ID, ".")
		if tk != id {
			continue
		}
		// The trigger's own To is a destination when no branch applies
		// (or a branch names no To of its own).
		var dests []string
		useTo := len(t.Branches) == 0
		hasDefault := false
		for _, b := range t.Branches {
			if b.When == "" {
				hasDefault = true
			}
			if b.To == "" {
				useTo = true
			} else if !slices.Contains(dests, b.To) {
				dests = append(dests, b.To)
			}
		}
		if (useTo || !hasDefault) && !slices.Contains(dests, t.To) {
			dests = append(dests, t.To)
		}
		for _, from := range t.From {
			for _, to := range dests {
				if to == "" {
					to = from
				}
				edges = append(edges, edge{from, to, ev})
			}
		}
	}
	return td, edges
}

// isIn reports whether the current state is s or inside it.
func isIn(current, s string) bool {
	return current != "" && (current == s || strings.HasPrefix(current, s+"."))
}

func writeDot(w io.Writer, p sdk.Policy, tracks []string, current map[string]string) {
	fmt.Fprintf(w, "digraph %q {\n  rankdir=LR;\n  compound=true;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n", p.ID)
	for _, id := range tracks {
		td, edges := trackGraph(p, id)
		fmt.Fprintf(w, "  subgraph %q {\n    label=%q;\n", "cluster_"+id, id)
		var states func(prefix string, list []sdk.StateDef, indent string)
		states = func(prefix string, list []sdk.StateDef, indent string) {
			for _, s := range list {
				name := s.ID
				if prefix != "" {
					name = prefix + "." + s.ID
				}
				node := id + ":" + name
				if len(s.States) > 0 {
					fmt.Fprintf(w, "%ssubgraph %q {\n%s  label=%q;\n", indent, "cluster_"+node, indent, s.ID)
					attrs := ""
					if isIn(current[id], name) {
						attrs = ", style=\"rounded,filled\", fillcolor=\"#ffd866\""
					}
					fmt.Fprintf(w, "%s  %q [label=%q, shape=point%s];\n", indent, node, s.ID, attrs)
					states(name, s.States, indent+"  ")
					fmt.Fprintf(w, "%s}\n", indent)
					continue
				}
				attrs := ""
				if current[id] == name {
					attrs = ", style=\"rounded,filled\", fillcolor=\"#ffd866\""
				}
				if name == td.Initial {
					attrs += ", peripheries=2"
				}
				fmt.Fprintf(w, "%s%q [label=%q%s];\n", indent, node, s.ID, attrs)
			}
		}
		states("", td.States, "    ")
		for _, e := range edges {
			fmt.Fprintf(w, "    %q -> %q [label=%q];\n", id+":"+e.from, id+":"+e.to, e.label)
		}
		fmt.Fprintln(w, "  }")
	}
	fmt.Fprintln(w, "}")
}

func mermaidID(track, state string) string {
	return track + "_" + strings.ReplaceAll(state, ".", "_")
}

func writeMermaid(w io.Writer, p sdk.Policy, tracks []string, current map[string]string) {
	fmt.Fprintln(w, "stateDiagram-v2")
	var highlighted []string
	for _, id := range tracks {
		td, edges := trackGraph(p, id)
		fmt.Fprintf(w, "  state \"%s\" as %s {\n", id, "track_"+id)
		var states func(prefix string, list []sdk.StateDef, indent string)
		states = func(prefix string, list []sdk.StateDef, indent string) {
			for _, s := range list {
				name := s.ID
				if prefix != "" {
					name = prefix + "." + s.ID
				}
				mid := mermaidID(id, name)
				if len(s.States) > 0 {
					fmt.Fprintf(w, "%sstate \"%s\" as %s {\n", indent, s.ID, mid)
					if s.Initial != "" {
						fmt.Fprintf(w, "%s  [*] --> %s\n", indent, mermaidID(id, name+"."+s.Initial))
					}
					states(name, s.States, indent+"  ")
					fmt.Fprintf(w, "%s}\n", indent)
				} else {
					fmt.Fprintf(w, "%sstate \"%s\" as %s\n", indent, s.ID, mid)
				}
				if current[id] == name {
					highlighted = append(highlighted, mid)
				}
			}
		}
		states("", td.States, "    ")
		if td.Initial != "" {
			fmt.Fprintf(w, "    [*] --> %s\n", mermaidID(id, td.Initial))
		}
		for _, e := range edges {
			fmt.Fprintf(w, "    %s --> %s : %s\n", mermaidID(id, e.from), mermaidID(id, e.to), e.label)
		}
		fmt.Fprintln(w, "  }")
	}
	if len(highlighted) > 0 {
		fmt.Fprintln(w, "  classDef current fill:#ffd866,stroke:#333,stroke-width:2px")
		for _, h := range highlighted {
			fmt.Fprintf(w, "  class %s current\n", h)
		}
	}
}
