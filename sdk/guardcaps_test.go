package sdk

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/stretchr/testify/require"

	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// The guard caps that are not exported constants (docs/policies.md lists
// them) at the cap and one past it.

func compileBool(t *testing.T, src string) error {
	t.Helper()
	_, err := compileExpr(src, exprOptions(nil), reflect.Bool, nil, 6, DefaultGuardCost)
	return err
}

func TestGuardExpressionLengthCap(t *testing.T) {
	// `true` padded with spaces to the exact length.
	at := "true" + strings.Repeat(" ", guardlang.MaxExprLength-len("true"))
	require.Len(t, at, guardlang.MaxExprLength)
	require.NoError(t, compileBool(t, at), "an expression of exactly MaxExprLength bytes compiles")
	err := compileBool(t, at+" ")
	require.Error(t, err)
	require.Equal(t, Code("too_complex"), errCode(err))
	require.Contains(t, err.Error(), fmt.Sprint(guardlang.MaxExprLength))
}

// nodes counts an expression's nodes as expr's MaxNodes does (the parser's
// tree, before the checker).
func nodes(t *testing.T, src string) int {
	t.Helper()
	tree, err := parser.Parse(src)
	require.NoError(t, err)
	counter := &nodeCounter{}
	countWalk(&tree.Node, counter)
	return counter.n
}

func TestGuardNodeCap(t *testing.T) {
	// 1 + 1 + ... + 1 > 0 grows by two nodes a term; find the longest sum
	// that compiles and check the next one is refused as too_complex.
	expr := func(k int) string { return strings.Repeat("1 + ", k-1) + "1 > 0" }
	last := 0
	for k := 1; k < guardlang.MaxNodes; k++ {
		if compileBool(t, expr(k)) != nil {
			break
		}
		last = k
	}
	require.Greater(t, last, 100)
	require.LessOrEqual(t, nodes(t, expr(last)), guardlang.MaxNodes, "the longest expression that compiles is within the cap")
	require.Greater(t, nodes(t, expr(last+1)), guardlang.MaxNodes, "the first refused one is past the cap")
	err := compileBool(t, expr(last+1))
	require.Error(t, err)
	require.Equal(t, Code("too_complex"), errCode(err))
}

type nodeCounter struct{ n int }

func countWalk(node *ast.Node, c *nodeCounter) {
	ast.Walk(node, c)
}

func (c *nodeCounter) Visit(*ast.Node) { c.n++ }

func TestIdentifierCapForTriggersAndRoles(t *testing.T) {
	e, err := Default()
	require.NoError(t, err)
	c := e.NewCase(Facts{})
	for _, n := range []int{MaxIdentifierLen, MaxIdentifierLen + 1} {
		name := strings.Repeat("e", n)
		_, err := e.Fire(c, Firing{Trigger: name, Actor: "parent", At: "2026-01-05"})
		require.Equal(t, CodeUnknownTrigger, AsError(err).Code, n)
		require.NotContains(t, err.Error(), name)
		_, err = e.Fire(c, Firing{Trigger: "ehc.requested", Actor: name, At: "2026-01-05"})
		require.Equal(t, CodeNotAuthorised, AsError(err).Code, n)
		require.NotContains(t, err.Error(), name)
	}
	// A near miss within the cap is suggested; past the cap no suggestion
	// is worked out (the edit distance would cost len² steps).
	_, err = e.Fire(c, Firing{Trigger: "ehc.requestd", Actor: "parent", At: "2026-01-05"})
	require.Contains(t, err.Error(), "ehc.requested")
	long := "ehc.requested" + strings.Repeat(" ", MaxIdentifierLen)
	_, err = e.Fire(c, Firing{Trigger: long, Actor: "parent", At: "2026-01-05"})
	require.Equal(t, CodeUnknownTrigger, AsError(err).Code)
	require.NotContains(t, err.Error(), "did you mean")
}
