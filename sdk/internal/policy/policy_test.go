package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testLimits = Limits{Bytes: 1 << 20, Depth: 64, Separators: 6000, Nodes: 20000, Problems: 200}

func TestParseReportsEveryUnknownKeyWithItsPosition(t *testing.T) {
	src := "id: x\ntriggers:\n  - id: a.b\n    form: [s]\n    rolse: [parent]\n"
	_, _, err := Parse("x.yaml", []byte(src), testLimits)
	var fe *Error
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, CodeInvalidPolicy, fe.Code)
	require.Len(t, fe.Problems, 2)
	assert.Equal(t, "unknown_key", fe.Problems[0].Code)
	assert.Contains(t, fe.Problems[0].Message, `triggers[0]: unknown key "form" (did you mean "from"?)`)
	assert.Equal(t, Position{File: "x.yaml", Line: 4, Col: 5}, fe.Problems[0].Pos)
	assert.Contains(t, fe.Problems[1].Message, `(did you mean "roles"?)`)
	assert.Equal(t, "x.yaml:4:5", fe.Location)
}

func TestParseCapsTheDocumentBeforeReadingIt(t *testing.T) {
	lim := testLimits
	lim.Bytes = 10
	_, _, err := Parse("big.yaml", []byte("id: eleven!"), lim)
	var fe *Error
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, CodeLimitExceeded, fe.Code)
	_, _, err = Parse("ok.yaml", []byte("id: ten...."[:10]), lim)
	assert.NoError(t, err, "a document at the cap parses")

	deep := strings.Repeat("[", 65) + strings.Repeat("]", 65)
	_, _, err = Parse("deep.yaml", []byte("id: x\nholidays: "+deep), testLimits)
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, CodeLimitExceeded, fe.Code)
	assert.True(t, strings.HasPrefix(fe.Location, "deep.yaml:2:"), fe.Location)
}

func TestParseCapsItsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("id: x\n")
	for i := 0; i < 12; i++ {
		b.WriteString("bad" + strings.Repeat("x", i) + ": 1\n")
	}
	lim := testLimits
	lim.Problems = 5
	_, _, err := Parse("many.yaml", []byte(b.String()), lim)
	var fe *Error
	require.True(t, errors.As(err, &fe))
	require.Len(t, fe.Problems, 5)
	assert.Equal(t, "more_problems", fe.Problems[4].Code)
	assert.Equal(t, "8 more problem(s) not shown", fe.Problems[4].Message)

	lim.Problems = 0 // no cap
	_, _, err = Parse("many.yaml", []byte(b.String()), lim)
	require.True(t, errors.As(err, &fe))
	assert.Len(t, fe.Problems, 12)
}

func TestMergeOverlaysByIDAndRecordsOrigins(t *testing.T) {
	base := Layer{Name: "default.yaml", Policy: Policy{ID: "default", Triggers: []TriggerDef{
		{ID: "t.a", From: []string{"s"}, Guards: []GuardDef{{ID: "g", Expr: "true", Reason: "r", Reasons: map[string]string{"cy": "w"}}}},
		{ID: "t.b", From: []string{"s"}},
	}}}
	over := Layer{Name: "kent.yaml", Policy: Policy{Triggers: []TriggerDef{
		{ID: "t.b", Citation: "local"},
		{ID: "t.a", Guards: []GuardDef{{ID: "g", Reasons: map[string]string{"fr": "f"}}, {ID: "h", Expr: "false"}}},
	}}}
	p, o := Merge([]Layer{base, over})
	require.Len(t, p.Triggers, 2)
	a, b := p.Triggers[0], p.Triggers[1]
	assert.Equal(t, []string{"s"}, b.From, "a field the overlay leaves out keeps the base's")
	assert.Equal(t, "local", b.Citation)
	require.Len(t, a.Guards, 2)
	assert.Equal(t, "true", a.Guards[0].Expr, "an amended guard keeps its expression")
	assert.Equal(t, map[string]string{"cy": "w", "fr": "f"}, a.Guards[0].Reasons)
	assert.Equal(t, []string{"default", "kent.yaml"}, o.LayerNames)
	assert.Equal(t, Where{Layer: 1, Path: "$.triggers[1]"}, o.Triggers["t.a"])
	assert.Equal(t, Where{Layer: 1, Path: "$.triggers[1].guards[0]"}, o.Guards["t.a/g"])
	assert.Equal(t, Where{Layer: 0, Path: "$.triggers[0].guards[0]"}, o.GuardExpr["t.a/g"], "the expression was last set by the default")
	assert.Equal(t, Where{Layer: 9}, o.Guard("t.a", "nope", Where{Layer: 9}))
}

func TestLocatePlacesAPathAndAColumnInIt(t *testing.T) {
	src := "id: x\ntriggers:\n  - id: a.b\n    guards:\n      - id: g\n        expr: \"child.age > 3\"\n"
	p, f, err := Parse("x.yaml", []byte(src), testLimits)
	require.NoError(t, err)
	l := Layer{Name: "x.yaml", Policy: p, Data: []byte(src), File: f, MaxDepth: 64}
	pos, sn := l.Locate("$.triggers[0].guards[0].expr", 6)
	assert.Equal(t, Position{File: "x.yaml", Line: 6, Col: 21}, pos)
	assert.Equal(t, "   6 |         expr: \"child.age > 3\"\n     |                     ^", sn)
	pos, _ = l.Locate("$.triggers[0].to", 0)
	assert.Equal(t, Position{File: "x.yaml", Line: 3, Col: 7}, pos, "a missing key is placed at its element (its mapping)")
	// Without a syntax tree the layer parses its source once.
	l2 := Layer{Name: "x.yaml", Data: []byte(src), MaxDepth: 64}
	pos2, _ := l2.Locate("$.triggers[0].guards[0].expr", 6)
	assert.Equal(t, Position{File: "x.yaml", Line: 6, Col: 21}, pos2)
}

func TestSuggest(t *testing.T) {
	names := []string{"date_of_birth", "ehc_final_plan", "parent"}
	assert.Equal(t, ` (did you mean "parent"?)`, Suggest("parnet", names))
	assert.Equal(t, ` (did you mean "date_of_birth"?)`, Suggest("dob", names))
	assert.Equal(t, ` (did you mean "ehc_final_plan"?)`, Suggest("ehc_final", names))
	assert.Equal(t, "", Suggest("zzzzzzzz", names))
	assert.Equal(t, "", Suggest(strings.Repeat("p", MaxNameLen+1), []string{strings.Repeat("p", MaxNameLen+1)}))
}
