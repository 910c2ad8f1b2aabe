package guard

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testEnv is a small environment with the names the cost model bounds.
type testEnv struct {
	Evidence []string       `expr:"evidence"`
	Data     map[string]any `expr:"data"`
	Today    string         `expr:"today"`
	Meter    *Meter         `expr:"sendflow meter"`
}

// sdkCaps are sdk's caps (a test in sdk checks the costs it reports).
var sdkCaps = Caps{History: 10000, Evidence: 500, PayloadBytes: 64 << 10, StringLength: 10000, ListItems: 200, IdentifierLen: 200}

func costOf(t *testing.T, src string) int64 {
	t.Helper()
	tree, err := checkTree(src, []expr.Option{expr.Env(testEnv{}), expr.AsBool()})
	require.NoError(t, err, src)
	return NewCostModel(sdkCaps).Cost(tree.Node, nil, 6)
}

// TestCosts: worst-case costs of expressions over each kind of bound.
func TestCosts(t *testing.T) {
	for src, want := range map[string]int64{
		`len(evidence) > 0`:          4,
		`"x" in evidence`:            65539, // evidence as a whole is within PayloadBytes
		`trim(data.x) == ""`:         10006, // a payload string is at most StringLength
		`"a" endsWith "b"`:           5,
		`len(1..100000) > 0`:         100006,
		`all(1..4000000, true)`:      12000004,
		`today > "2026"`:             3,
		`1 == 1 and 2 == 2 or false`: 9,
	} {
		assert.Equal(t, want, costOf(t, src), src)
	}
	assert.Equal(t, "unbounded", CostText(MaxCost))
	assert.Equal(t, "12", CostText(12))
}

// TestHeavyPatternIsRefusedBeforeTheCheck: a matches pattern that compiles
// to too many instructions is too_costly, found before expr compiles it.
func TestHeavyPatternIsRefusedBeforeTheCheck(t *testing.T) {
	_, err := checkTree(`"a" matches "a{0,1000}b{0,1000}"`, []expr.Option{expr.Env(testEnv{}), expr.AsBool()})
	var ge *Error
	require.True(t, errors.As(err, &ge), "%v", err)
	assert.Equal(t, "too_costly", ge.Code)
	assert.Equal(t, 5, ge.Col)
	w, ok := regexWeight(strings.Repeat("(a|b)", 10))
	require.True(t, ok)
	assert.Less(t, w, int64(maxRegexWeight))
	_, ok = regexWeight("(")
	assert.False(t, ok)
}

// TestMeterStopsAnEvaluation: a patched program charges the meter one
// step a loop iteration, and stops at the evaluation's limit.
func TestMeterStopsAnEvaluation(t *testing.T) {
	prog, err := expr.Compile(`all(1..100, true)`, append([]expr.Option{expr.Env(testEnv{}), expr.AsBool()}, meterOptions()...)...)
	require.NoError(t, err)
	run := func(limit int64) error {
		env := testEnv{Meter: &Meter{}}
		env.Meter.Start(context.Background(), limit, 1000)
		require.NoError(t, env.Meter.reset())
		_, _ = expr.Run(prog, env)
		return env.Meter.stopped()
	}
	assert.NoError(t, run(100), "100 iterations within 100 steps")
	assert.ErrorIs(t, run(99), ErrSteps)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var m Meter
	m.Start(ctx, 100, 100)
	assert.ErrorIs(t, m.reset(), ErrDeadline)
}
