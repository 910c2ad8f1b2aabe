package guard

import (
	"reflect"
	"slices"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser/operator"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exprOf is an expression that uses op on numbers, as a boolean.
func exprOf(op string, unary bool) string {
	if unary {
		return op + " 1 == 1"
	}
	return "(2 " + op + " 3) != nil"
}

// TestEveryParserOperatorIsListedOrRefused: each operator expr's parser
// knows is in the allow-list, or a guard using it is refused (forbidden).
// A later expr that adds one fails here until someone decides.
func TestEveryParserOperatorIsListedOrRefused(t *testing.T) {
	check := func(op string, unary bool) {
		if allowedOp(operators, op, unary) {
			return
		}
		_, err := Compile(exprOf(op, unary), []expr.Option{expr.Env(testEnv{})}, reflect.Bool, Budget{Model: NewCostModel(sdkCaps), MaxCost: 1 << 40})
		var ge *Error
		if assert.ErrorAs(t, err, &ge, "operator %s is neither listed nor refused", op) {
			assert.Equal(t, "forbidden", ge.Code, op)
		}
	}
	for op := range operator.Binary {
		check(op, false)
	}
	for op := range operator.Unary {
		check(op, true)
	}
	// And the list names no operator the parser does not know.
	for _, o := range operators {
		_, known := operator.Binary[o.Op]
		if o.Unary {
			_, known = operator.Unary[o.Op]
		}
		assert.True(t, known, "operator %q (unary %v) is not expr's", o.Op, o.Unary)
	}
}

// TestOperatorNotListedIsRefused: the safety rules read the list, so an
// operator taken off it is refused where it is used.
func TestOperatorNotListedIsRefused(t *testing.T) {
	for _, tc := range []struct {
		op    string
		unary bool
		src   string
	}{
		{"**", false, `2 ** 3 > 1`},
		{"in", false, `1 in [1, 2]`},
		{"matches", false, `"a" matches "a"`},
		{"-", true, `-1 < 0`},
		{"not", true, `not true`},
	} {
		tree, err := checkTree(tc.src, []expr.Option{expr.Env(testEnv{}), expr.AsBool()})
		require.NoError(t, err, tc.src)
		all := &safety{ops: operators}
		node := tree.Node
		ast.Walk(&node, all)
		require.Nil(t, all.err, "%s is allowed with the whole list", tc.src)

		without := slices.DeleteFunc(Operators(), func(o Operator) bool { return o.Op == tc.op && o.Unary == tc.unary })
		v := &safety{ops: without}
		ast.Walk(&node, v)
		if assert.NotNil(t, v.err, tc.src) {
			assert.Equal(t, "forbidden", v.err.Code, tc.src)
			assert.Contains(t, v.err.Msg, "the operator "+tc.op+" is not available", tc.src)
			assert.Greater(t, v.err.Col, 0)
		}
	}
}

func TestOperatorsIsACopy(t *testing.T) {
	o := Operators()
	o[0].Op = "changed"
	assert.NotEqual(t, "changed", Operators()[0].Op)
}
