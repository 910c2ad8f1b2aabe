package sdk_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// checkPlaced: a problem's File, Line and Column say what its Location says.
func checkPlaced(t *testing.T, p sdk.Problem) {
	t.Helper()
	want := p.File
	if p.Line > 0 {
		want = fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	}
	assert.Equal(t, p.Location, want, "%s: %s", p.Code, p.Message)
}

func TestProblemsCarryStructuredPositions(t *testing.T) {
	cases := map[string]string{
		"unknown key": "id: x\ntriggers:\n  - id: ehc.requested\n    reson: nope\n",
		"syntax":      "id: x\ntriggers: [\n",
		"nul byte":    "id: x\n\x00\n",
		"bad guard": `id: x
triggers:
  - id: support.plan_agreed
    guards:
      - id: g
        expr: 'child.dob == ""'
        reason: r
`,
		"floor": `id: x
triggers:
  - id: ehc.requested
    guards:
      - id: g
        expr: 'false'
        reason: r
`,
	}
	for name, y := range cases {
		t.Run(name, func(t *testing.T) {
			se := overlayErr(t, "la.yaml", y)
			require.NotEmpty(t, se.Problems)
			for _, p := range se.Problems {
				assert.Equal(t, sdk.SeverityError, p.Severity, p.Message)
				assert.Equal(t, "la.yaml", p.File, p.Message)
				assert.Positive(t, p.Line, p.Message)
				assert.Positive(t, p.Column, p.Message)
				checkPlaced(t, p)
			}
		})
	}
}

func TestLintAdviceIsAWarningWithAPosition(t *testing.T) {
	_, lints, err := sdk.Lint(sdk.PolicySource{Name: "la.yaml", Data: []byte(`id: x
triggers:
  - id: hnf.applied
    guards:
      - id: g
        expr: 'true'
        reason: r
`)})
	require.NoError(t, err)
	require.NotEmpty(t, lints)
	for _, p := range lints {
		assert.Equal(t, sdk.SeverityWarning, p.Severity, p.Message)
		assert.Equal(t, "la.yaml", p.File)
		assert.Equal(t, 5, p.Line, p.Message)
		checkPlaced(t, p)
	}
}

func TestDiagnosticListsAreCopies(t *testing.T) {
	d := sdk.PolicyDiagnostics()
	d[0].Code = "changed"
	assert.NotEqual(t, "changed", sdk.PolicyDiagnostics()[0].Code)
	r := sdk.FloorRules()
	r[0] = "changed"
	assert.Equal(t, sdk.RuleEHCRequestUnguarded, sdk.FloorRules()[0])
}
