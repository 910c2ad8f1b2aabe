package sdk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// lintExpr checks what an expression names against the policy: tracks and
// their states (states.lift == "exhausted"), parameters, evidence kinds and
// clocks. Each unknown name is a problem with a "did you mean" suggestion,
// placed at its column in the expression.
func lintExpr(c *compiled, pr *program, layer int, path, what string, d *diag) {
	if pr == nil || pr.node == nil {
		return
	}
	node := pr.node
	l := &linter{c: c, report: func(code Code, n ast.Node, format string, args ...any) {
		d.addCol(code, path, layer, n.Location().From+1, "%s: %s", what, fmt.Sprintf(format, args...))
	}}
	ast.Walk(&node, l)
}

type linter struct {
	c      *compiled
	report func(code Code, n ast.Node, format string, args ...any)
}

func (l *linter) trackIDs() []string {
	var out []string
	for _, t := range l.c.policy.Tracks {
		out = append(out, t.ID)
	}
	return out
}

func (l *linter) states(track string) ([]string, bool) {
	for _, t := range l.c.policy.Tracks {
		if t.ID != track {
			continue
		}
		var out []string
		var walk func(prefix string, list []StateDef)
		walk = func(prefix string, list []StateDef) {
			for _, s := range list {
				name := s.ID
				if prefix != "" {
					name = prefix + "." + s.ID
				}
				out = append(out, name)
				walk(name, s.States)
			}
		}
		walk("", t.States)
		return out, true
	}
	return nil, false
}

// member returns X for the node root.X (root.X or root["X"]).
func member(n ast.Node, root string) (string, bool) {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return "", false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || id.Value != root {
		return "", false
	}
	s, ok := m.Property.(*ast.StringNode)
	if !ok {
		return "", false
	}
	return s.Value, true
}

func strs(n ast.Node) []*ast.StringNode {
	switch m := n.(type) {
	case *ast.StringNode:
		return []*ast.StringNode{m}
	case *ast.ArrayNode:
		var out []*ast.StringNode
		for _, x := range m.Nodes {
			if s, ok := x.(*ast.StringNode); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func (l *linter) Visit(n *ast.Node) {
	switch m := (*n).(type) {
	case *ast.MemberNode:
		if tk, ok := member(m, "states"); ok {
			if _, known := l.states(tk); !known {
				l.report("unknown_track", m, "states.%s: unknown track%s", tk, suggest(tk, l.trackIDs()))
			}
		}
		if p, ok := member(m, "params"); ok {
			if _, known := l.c.params[p]; !known {
				l.report("unknown_param", m, "params.%s: unknown parameter%s", p, suggest(p, keys(l.c.params)))
			}
		}
		if ck, ok := member(m, "clocks"); ok {
			id, _, _ := strings.Cut(ck, ".")
			var ids []string
			found := false
			for _, cd := range l.c.policy.Clocks {
				ids = append(ids, cd.ID)
				found = found || cd.ID == id
			}
			if !found {
				l.report("unknown_clock", m, "clocks.%s: unknown clock%s", ck, suggest(id, ids))
			}
		}
	case *ast.BinaryNode:
		switch m.Operator {
		case "==", "!=", "in", "not in":
			l.checkStates(m.Left, m.Right)
			if m.Operator == "==" || m.Operator == "!=" {
				l.checkStates(m.Right, m.Left)
			}
			if id, ok := m.Right.(*ast.IdentifierNode); ok && id.Value == "evidence" && (m.Operator == "in" || m.Operator == "not in") {
				for _, s := range strs(m.Left) {
					l.checkEvidence(s)
				}
			}
		}
	case *ast.BuiltinNode:
		// count(evidence, # == "kind") and friends.
		if len(m.Arguments) == 2 {
			if id, ok := m.Arguments[0].(*ast.IdentifierNode); ok && id.Value == "evidence" {
				if p, ok := m.Arguments[1].(*ast.PredicateNode); ok {
					if b, ok := p.Node.(*ast.BinaryNode); ok && (b.Operator == "==" || b.Operator == "!=") {
						for _, side := range []ast.Node{b.Left, b.Right} {
							if s, ok := side.(*ast.StringNode); ok {
								l.checkEvidence(s)
							}
						}
					}
				}
			}
		}
	}
}

// checkStates checks the state literals compared with states.TRACK.
func (l *linter) checkStates(sideTrack, sideStates ast.Node) {
	tk, ok := member(sideTrack, "states")
	if !ok {
		return
	}
	known, ok := l.states(tk)
	if !ok {
		return
	}
	for _, s := range strs(sideStates) {
		found := false
		for _, k := range known {
			found = found || k == s.Value
		}
		if !found {
			l.report("unknown_state", s, "%q is not a state of track %s%s", s.Value, tk, suggest(s.Value, known))
		}
	}
}

func (l *linter) checkEvidence(s *ast.StringNode) {
	if s.Value != "" && !l.c.evidence[s.Value] {
		l.report("unknown_evidence", s, "%q is not an evidence kind of this policy%s", s.Value, suggest(s.Value, keys(l.c.evidence)))
	}
}

// Lint compiles the layers and adds advice a policy author should act on
// but that does not stop the policy compiling: a guard without a citation
// (code no_citation) and, in a file that gives some guard reasons in a
// language, a guard without one in it (missing_translation). The compile
// problems, if any, come back as the error, exactly as from Compile.
func Lint(sources ...PolicySource) (*Engine, []Problem, error) {
	e, err := Compile(sources...)
	if err != nil {
		return nil, nil, err
	}
	all := append([]PolicySource{{Name: "default.yaml", Data: defaultPolicyYAML}}, sources...)
	var srcs []source
	for _, s := range all {
		p, _ := parsePolicy(s) // they parsed in Compile
		srcs = append(srcs, source{Name: s.Name, Policy: p, Data: s.Data, MaxDepth: MaxYAMLDepth})
	}
	var out []Problem
	addP := func(code Code, layer int, path, id, format string, args ...any) {
		if acknowledged(srcs[layer].Policy, code, id) {
			return
		}
		p := Problem{Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityWarning}
		var pos position
		pos, p.Snippet = locate(srcs, layer, path)
		p.place(pos)
		out = append(out, p)
	}
	for li := 1; li < len(srcs); li++ {
		p := srcs[li].Policy
		locales := map[string]bool{}
		for _, t := range p.Triggers {
			for _, g := range t.Guards {
				for l := range g.Reasons {
					locales[l] = true
				}
			}
		}
		for i, t := range p.Triggers {
			if h := newTriggerHint(t.ID, srcs[0].Policy); h != "" && len(t.From) > 0 && len(t.Roles) > 0 {
				addP("similar_name", li, fmt.Sprintf("$.triggers[%d].id", i), t.ID, "trigger %s is new%s; if it is meant to change that trigger, fix the id", t.ID, h)
			}
			for j, g := range t.Guards {
				if g.Disabled {
					continue
				}
				path := fmt.Sprintf("$.triggers[%d].guards[%d]", i, j)
				if strings.TrimSpace(g.Citation) == "" && g.Expr != "" { // an amendment keeps the guard's citation
					addP("no_citation", li, path, t.ID+"/"+g.ID, "guard %s of %s has no citation: say which law, guidance or local document it comes from", g.ID, t.ID)
				}
				for _, l := range keys(locales) {
					if g.Reasons[l] == "" {
						addP("missing_translation", li, path, t.ID+"/"+g.ID, "guard %s of %s has no %s reason, though other guards in this file have one", g.ID, t.ID, l)
					}
				}
			}
		}
	}
	return e, out, nil
}

// acknowledged reports whether p keeps the lint code on id
// (Policy.Acknowledge): the author has looked at it.
func acknowledged(p Policy, code Code, id string) bool {
	return slices.ContainsFunc(p.Acknowledge, func(a Acknowledgement) bool { return a.Code == string(code) && a.ID == id })
}
