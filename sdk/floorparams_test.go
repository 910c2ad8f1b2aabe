package sdk

import (
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// The statutory floor reads which parameters the default's statutory rules
// read from their compiled programs (paramsReader), where it once matched
// the expressions' text against params.NAME. On every default that has
// been released, and the current one, both ways find the same parameters
// in every expression, so statutory_parameter_kept judges as it did.
func TestFloorParamsFromProgramsMatchTheText(t *testing.T) {
	text := regexp.MustCompile(`params\.([A-Za-z_][A-Za-z0-9_]*)`)
	byText := func(src string) []string {
		var out []string
		for _, m := range text.FindAllStringSubmatch(src, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	sources := [][]byte{defaultPolicyYAML}
	for i := range genReleased {
		sources = append(sources, genReleased[i].text())
	}
	for n, y := range sources {
		e, err := compileOn(&PolicySource{Name: "default.yaml", Data: y}, false, nil, DefaultGuardCost, DefaultCallSteps)
		require.NoError(t, err, "default %d", n)
		read := paramsReader(e.p)
		reading := 0
		for _, src := range policyExprs(e.p.policy) {
			want := byText(src)
			assert.Equal(t, want, read(src), "default %d: %s", n, src)
			assert.Equal(t, want, guardlang.ParamsRead(src), "default %d (parsed): %s", n, src)
			if len(want) > 0 {
				reading++
			}
		}
		assert.Positive(t, reading, "default %d: some expression reads a parameter", n)
	}
	assert.Equal(t, []string{"a", "b"}, guardlang.ParamsRead(`params["b"] > 1 && params.a == "params.c"`), "a string is not a read")
	assert.Equal(t, []string{"x"}, paramsReader(&compiled{})("params.x > 1"), "an expression not compiled is parsed")
}

// policyExprs lists every expression of a policy: guards, branch
// conditions, eligibilities and clocks' dates and conditions.
func policyExprs(p Policy) []string {
	var out []string
	for _, t := range p.Triggers {
		for _, g := range t.Guards {
			out = append(out, g.Expr)
		}
		for _, b := range t.Branches {
			if b.When != "" {
				out = append(out, b.When)
			}
		}
	}
	for _, r := range p.Roles {
		if r.Eligibility != nil {
			out = append(out, r.Eligibility.Expr)
		}
	}
	for _, c := range p.Clocks {
		for _, s := range []string{c.Before, c.When} {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
