package sdk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// The type checker stops at an expression's first unknown name. So that
// one misspelt fact does not hide the rest, a guard that fails with
// unknown_fact is scanned for every name the guard environment does not
// have (moreUnknownFacts), and each is reported.

// unknownHit is one unknown name in an expression, at a 1-based column.
type unknownHit struct {
	col int
	msg string
}

// moreUnknownFacts lists the unknown names of src other than the one at
// column skip (already reported).
func moreUnknownFacts(src string, skip int) []unknownHit {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &unknownVisitor{roots: map[string]bool{}, callees: map[ast.Node]bool{}}
	for _, f := range GuardEnvironment() {
		name, _, _ := strings.Cut(f.Name, "(")
		root, _, _ := strings.Cut(name, ".")
		v.roots[root] = true
	}
	for _, b := range guardlang.Builtins() {
		v.roots[b] = true
	}
	ast.Walk(&tree.Node, v)
	var out []unknownHit
	for _, h := range v.hits {
		if h.col != skip && !slices.ContainsFunc(out, func(o unknownHit) bool { return o.col == h.col }) {
			out = append(out, h)
		}
	}
	return out
}

type unknownVisitor struct {
	roots   map[string]bool
	callees map[ast.Node]bool
	hits    []unknownHit
}

func (v *unknownVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.CallNode:
		v.callees[x.Callee] = true
	case *ast.IdentifierNode:
		if !v.callees[x] && !v.roots[x.Value] {
			v.hits = append(v.hits, unknownHit{col: x.Location().From + 1, msg: fmt.Sprintf("unknown name %q%s", x.Value, suggest(x.Value, envNames()))})
		}
	case *ast.MemberNode:
		v.member(x)
	}
}

// member checks child.FIELD and clocks.KEY.FIELD.
func (v *unknownVisitor) member(m *ast.MemberNode) {
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return
	}
	col := m.Location().From + 1
	switch base := m.Node.(type) {
	case *ast.IdentifierNode:
		if base.Value == "child" && !slices.Contains(childFields, prop.Value) {
			v.hits = append(v.hits, unknownHit{col: col, msg: fmt.Sprintf("child has no field %q%s", prop.Value, suggest(prop.Value, childFields))})
		}
	case *ast.MemberNode:
		if root, ok := base.Node.(*ast.IdentifierNode); ok && root.Value == "clocks" && !slices.Contains(clockFields, prop.Value) {
			v.hits = append(v.hits, unknownHit{col: col, msg: fmt.Sprintf("clocks.KEY has no field %q%s", prop.Value, suggest(prop.Value, clockFields))})
		}
	}
}
