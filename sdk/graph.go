package sdk

import (
	"fmt"
	"strings"
)

// Graph formats.
const (
	GraphDOT     = "dot"
	GraphMermaid = "mermaid"
)

// GraphFormats lists the formats Graph accepts: a new slice on each call,
// the caller's own.
func GraphFormats() []string { return []string{GraphDOT, GraphMermaid} }

// Graph renders the compiled policy's tracks as a diagram: one cluster per
// enabled track, one node per state (nested states written with dots), one
// edge per trigger from each state it may fire from to each state it may
// lead to (its own To and every branch's), labelled with the trigger. A
// trigger that leaves its track where it is draws a loop. Moves of other
// tracks (set_states) are dashed edges.
//
// format is "dot" (Graphviz) or "mermaid" (a flowchart). When c is not nil
// the case's current state on every track is highlighted; the case is
// checked as Fire checks it (invalid_case) and is not changed. The output
// is deterministic: policy order, then sorted.
func (e *Engine) Graph(format string, c *Case) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = "", &Error{Code: CodeInternal, Message: fmt.Sprintf("graph failed: %v", r)}
		}
	}()
	if format != GraphDOT && format != GraphMermaid {
		return "", &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("unknown graph format %s%s", clip(format), suggest(format, GraphFormats())),
			Pointer: "/format", Detail: "The formats are: " + strings.Join(GraphFormats(), ", ") + "."}
	}
	current, cerr := e.currentStates(c)
	if cerr != nil {
		return "", cerr
	}
	g := e.graphModel()
	if format == GraphDOT {
		return g.dot(current), nil
	}
	return g.mermaid(current), nil
}

type graphEdge struct {
	from, to, label string
	dashed          bool
}

type graphTrack struct {
	id     string
	states []string
}

type graphModel struct {
	tracks []graphTrack
	edges  map[string][]graphEdge // by track
}

func flattenStates(prefix string, states []StateDef, out *[]string) {
	for _, s := range states {
		name := s.ID
		if prefix != "" {
			name = prefix + "." + s.ID
		}
		*out = append(*out, name)
		flattenStates(name, s.States, out)
	}
}

func (e *Engine) graphModel() graphModel {
	g := graphModel{edges: map[string][]graphEdge{}}
	enabled := map[string]bool{}
	for _, t := range e.p.tracks {
		if t.def.Disabled {
			continue
		}
		enabled[t.def.ID] = true
		gt := graphTrack{id: t.def.ID}
		flattenStates("", t.def.States, &gt.states)
		g.tracks = append(g.tracks, gt)
	}
	seen := map[graphEdge]bool{}
	add := func(track string, ed graphEdge) {
		if !seen[ed] {
			seen[ed] = true
			g.edges[track] = append(g.edges[track], ed)
		}
	}
	for _, t := range e.p.triggers {
		if t.track.def.Disabled {
			continue
		}
		tk := t.track.def.ID
		dests := []string{t.def.To}
		for _, b := range t.def.Branches {
			if b.To != "" {
				dests = append(dests, b.To)
			}
		}
		for _, from := range t.def.From {
			for _, to := range dests {
				if to == "" {
					to = from
				}
				add(tk, graphEdge{from: tk + ":" + from, to: tk + ":" + to, label: t.def.ID})
			}
			sets := map[string]string{}
			for k, v := range t.def.Effects.SetStates {
				sets[k] = v
			}
			for _, b := range t.def.Branches {
				for k, v := range b.Effects.SetStates {
					sets[k] = v
				}
			}
			for _, other := range keys(sets) {
				if enabled[other] {
					add(tk, graphEdge{from: tk + ":" + from, to: other + ":" + sets[other], label: t.def.ID, dashed: true})
				}
			}
		}
	}
	return g
}

func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func (g graphModel) dot(current map[string]string) string {
	var b strings.Builder
	b.WriteString("digraph sendflow {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n")
	for _, t := range g.tracks {
		fmt.Fprintf(&b, "  subgraph %s {\n    label=%s;\n", dotQuote("cluster_"+t.id), dotQuote(t.id))
		for _, s := range t.states {
			attrs := "label=" + dotQuote(s)
			if current[t.id] == s {
				attrs += `, style="rounded,filled,bold", fillcolor="#ffd54f"`
			}
			fmt.Fprintf(&b, "    %s [%s];\n", dotQuote(t.id+":"+s), attrs)
		}
		b.WriteString("  }\n")
	}
	for _, t := range g.tracks {
		for _, ed := range g.edges[t.id] {
			attrs := "label=" + dotQuote(ed.label)
			if ed.dashed {
				attrs += ", style=dashed"
			}
			fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotQuote(ed.from), dotQuote(ed.to), attrs)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// mermaidID makes a node id from "track:state" that mermaid accepts.
func mermaidID(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r == ':':
			b.WriteString("__")
		case r == '.':
			b.WriteString("_o_")
		default:
			fmt.Fprintf(&b, "_%x_", r)
		}
	}
	return b.String()
}

func mermaidText(s string) string {
	return `"` + strings.NewReplacer(`"`, "#quot;", "\n", " ").Replace(s) + `"`
}

func (g graphModel) mermaid(current map[string]string) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, t := range g.tracks {
		fmt.Fprintf(&b, "  subgraph %s[%s]\n", mermaidID("track:"+t.id), mermaidText(t.id))
		for _, s := range t.states {
			fmt.Fprintf(&b, "    %s(%s)\n", mermaidID(t.id+":"+s), mermaidText(s))
		}
		b.WriteString("  end\n")
	}
	for _, t := range g.tracks {
		for _, ed := range g.edges[t.id] {
			arrow := "-->"
			if ed.dashed {
				arrow = "-.->"
			}
			fmt.Fprintf(&b, "  %s %s|%s| %s\n", mermaidID(ed.from), arrow, mermaidText(ed.label), mermaidID(ed.to))
		}
	}
	var cur []string
	for _, t := range g.tracks {
		if s, ok := current[t.id]; ok {
			cur = append(cur, mermaidID(t.id+":"+s))
		}
	}
	if len(cur) > 0 {
		b.WriteString("  classDef current fill:#ffd54f,stroke:#333,stroke-width:2px\n")
		fmt.Fprintf(&b, "  class %s current\n", strings.Join(cur, ","))
	}
	return b.String()
}

// currentStates is every track's state in c (checked against the policy),
// or none when no case is given. A graph only shows the states, so a case
// made by hand to show some (no history) is drawn: the rule for a case
// with no history is not applied.
func (e *Engine) currentStates(c *Case) (map[string]string, *Error) {
	if c == nil {
		return map[string]string{}, nil
	}
	if lerr := e.checkCounts(c); lerr != nil {
		return nil, lerr
	}
	w := cloneCase(*c, 0)
	if cerr := e.checkParts(&w); cerr != nil {
		return nil, cerr
	}
	return w.States, nil
}
