package sdk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
)

// Hostile YAML (docs/reliability.md, "The YAML guard"): each is refused
// within a 10 s watchdog and a bounded allocation, and no message echoes
// the oversize value.

// bounded runs f, failing the test if it takes longer than 10 s or
// allocates more than maxMB.
func bounded(t *testing.T, maxMB uint64, f func()) {
	t.Helper()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("still running after 10 s")
	}
	runtime.ReadMemStats(&m1)
	mb := (m1.TotalAlloc - m0.TotalAlloc) >> 20
	t.Logf("allocated %d MB", mb)
	assert.LessOrEqual(t, mb, maxMB, "allocated %d MB", mb)
}

// laughs is an overlay whose parameter values nest aliases levels deep:
// 10^(levels+1) values once expanded.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("id: lol\nparameters:\n  - id: p0\n    value: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "  - id: p%d\n    value: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func noEcho(t *testing.T, err error, value string) {
	t.Helper()
	b, _ := json.Marshal(err)
	assert.Less(t, len(b), 8192, "the error is small: %.300s", b)
	if len(value) > 1024 {
		assert.NotContains(t, string(b), value[:1024], "the value is clipped")
	}
}

func TestYAMLBillionLaughsPolicy(t *testing.T) {
	src := laughs(9)
	var err error
	bounded(t, 64, func() { _, err = sdk.Compile(sdk.PolicySource{Name: "lol.yaml", Data: []byte(src)}) })
	require.Error(t, err)
	se := sdk.AsError(err)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%v", err)
	assert.Contains(t, se.Message, "the limit is")
	assert.Contains(t, se.Location, "lol.yaml:")
	noEcho(t, err, src)
}

func TestYAMLDeepPolicy(t *testing.T) {
	for name, src := range map[string]string{
		"flow":    "id: deep\nparameters: " + strings.Repeat("[", 50_000) + "\n",
		"closed":  "id: deep\nparameters: " + strings.Repeat("[", 50_000) + strings.Repeat("]", 50_000) + "\n",
		"compact": "id: deep\nparameters:\n" + strings.Repeat("- ", 50_000) + "x\n",
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			bounded(t, 16, func() { _, err = sdk.Compile(sdk.PolicySource{Name: "deep.yaml", Data: []byte(src)}) })
			se := sdk.AsError(err)
			require.NotNil(t, se)
			assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%v", err)
			assert.Contains(t, se.Location, "deep.yaml:")
			noEcho(t, err, src)
		})
	}
}

// TestYAMLDepthCap: a parameter value nested to exactly MaxYAMLDepth levels
// (the top mapping, the parameters list and its entry are three) is read;
// one more level is limit_exceeded.
func TestYAMLDepthCap(t *testing.T) {
	policy := func(depth int) []byte {
		k := depth - 3
		return []byte("id: deep\nparameters:\n  - id: p\n    value: " + strings.Repeat("[", k) + strings.Repeat("]", k) + "\n")
	}
	_, err := sdk.Compile(sdk.PolicySource{Name: "deep.yaml", Data: policy(sdk.MaxYAMLDepth)})
	assert.False(t, errors.Is(err, sdk.ErrLimitExceeded), "at the cap: %v", err)
	_, err = sdk.Compile(sdk.PolicySource{Name: "deep.yaml", Data: policy(sdk.MaxYAMLDepth + 1)})
	se := sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code)
	assert.Equal(t, fmt.Sprintf("deep.yaml:4:%d", 11+sdk.MaxYAMLDepth-2), se.Location)
	assert.Contains(t, se.Message, fmt.Sprint(sdk.MaxYAMLDepth))
}

// TestYAMLNodesCap: a policy expanding to exactly MaxYAMLNodes nodes (an
// anchored list and an alias of it, padded by a plain list) passes the
// guard; one node more is limit_exceeded.
func TestYAMLNodesCap(t *testing.T) {
	policy := func(m, k int) []byte {
		return []byte("id: many\nparameters:\n  - id: p\n    value: &x [" + strings.TrimSuffix(strings.Repeat("1,", m), ",") +
			"]\n  - id: q\n    value: *x\n  - id: q2\n    value: *x\n  - id: q3\n    value: *x\n  - id: r\n    value: [" +
			strings.TrimSuffix(strings.Repeat("1,", k), ",") + "]\n")
	}
	count := func(b []byte) int {
		f, err := parser.ParseBytes(b, 0)
		require.NoError(t, err)
		return yamlsafe.Count(f)
	}
	m := sdk.MaxYAMLNodes/4 - 100
	k := 1
	k += sdk.MaxYAMLNodes - count(policy(m, k))
	require.Equal(t, sdk.MaxYAMLNodes, count(policy(m, k)))
	_, err := sdk.Compile(sdk.PolicySource{Name: "many.yaml", Data: policy(m, k)})
	assert.False(t, errors.Is(err, sdk.ErrLimitExceeded), "at the cap: %v", err)
	_, err = sdk.Compile(sdk.PolicySource{Name: "many.yaml", Data: policy(m, k+1)})
	se := sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%v", err)
	assert.Contains(t, se.Message, fmt.Sprint(sdk.MaxYAMLNodes))
}

// badHolidays is an overlay with n holidays that are not dates: n problems.
func badHolidays(n int) []byte {
	var b strings.Builder
	b.WriteString("id: many\nholidays:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - not-a-date-%d\n", i)
	}
	return []byte(b.String())
}

// TestCompileManyProblemsIsLinear: every problem's position comes from one
// parse of its layer (each used to re-parse the file: 5,000 problems took
// minutes), and at most MaxProblems are reported.
func TestCompileManyProblemsIsLinear(t *testing.T) {
	var err error
	bounded(t, 512, func() { _, err = sdk.Compile(sdk.PolicySource{Name: "many.yaml", Data: badHolidays(2500)}) })
	se := sdk.AsError(err)
	require.NotNil(t, se)
	require.Len(t, se.Problems, sdk.MaxProblems)
	assert.Equal(t, "the policy has 2500 problem(s)", se.Message)
	assert.Equal(t, "many.yaml:3:5", se.Problems[0].Location)
	assert.Equal(t, fmt.Sprintf("many.yaml:%d:5", sdk.MaxProblems+1), se.Problems[sdk.MaxProblems-2].Location)
	last := se.Problems[sdk.MaxProblems-1]
	assert.Equal(t, sdk.Code("more_problems"), last.Code)
	assert.Contains(t, last.Message, fmt.Sprintf("%d more", 2500-sdk.MaxProblems+1))
}

func TestMaxProblemsCap(t *testing.T) {
	_, err := sdk.Compile(sdk.PolicySource{Name: "many.yaml", Data: badHolidays(sdk.MaxProblems)})
	se := sdk.AsError(err)
	require.NotNil(t, se)
	require.Len(t, se.Problems, sdk.MaxProblems, "at the cap every problem is shown")
	for _, p := range se.Problems {
		assert.Equal(t, sdk.Code("bad_date"), p.Code)
	}
	_, err = sdk.Compile(sdk.PolicySource{Name: "many.yaml", Data: badHolidays(sdk.MaxProblems + 1)})
	se = sdk.AsError(err)
	require.Len(t, se.Problems, sdk.MaxProblems)
	assert.Equal(t, sdk.Code("more_problems"), se.Problems[sdk.MaxProblems-1].Code)
	assert.Contains(t, se.Problems[sdk.MaxProblems-1].Message, "2 more problem(s) not shown")

	// Unknown keys are capped the same way.
	var b strings.Builder
	b.WriteString("id: many\n")
	for i := range sdk.MaxProblems + 1 {
		fmt.Fprintf(&b, "unknown_%d: x\n", i)
	}
	_, err = sdk.Compile(sdk.PolicySource{Name: "many.yaml", Data: []byte(b.String())})
	se = sdk.AsError(err)
	require.Len(t, se.Problems, sdk.MaxProblems)
	assert.Equal(t, sdk.Code("more_problems"), se.Problems[sdk.MaxProblems-1].Code)
}

// TestYAMLMessagesClipOversizeValues: a 200 kB value on one line is never
// echoed whole, in a message or a snippet.
func TestYAMLMessagesClipOversizeValues(t *testing.T) {
	long := strings.Repeat("é", 100_000)
	for name, src := range map[string]string{
		"bad holiday":   "id: long\nholidays: [" + long + "]\n",
		"unknown key":   "id: long\n" + long + ": x\n",
		"syntax":        "id: long\nroles: [" + long + "\n",
		"type":          "id: long\nroles: " + long + "\n",
		"guard":         "id: long\ntriggers:\n  - id: ehc.requested\n    guards:\n      - {id: g, expr: \"" + long + " ==\"}\n",
		"trigger id":    "id: long\ntriggers:\n  - id: " + long + "\n",
		"snippet caret": "id: long\nholidays: [\"" + long + "\", nope]\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sdk.Compile(sdk.PolicySource{Name: "long.yaml", Data: []byte(src)})
			require.Error(t, err)
			noEcho(t, err, long)
			for _, p := range sdk.AsError(err).Problems {
				assert.Less(t, len(p.Message)+len(p.Snippet), 2048, "%.200s", p.Message)
			}
		})
	}
}

// A flat document (a policy of 1 MiB of tiny values, no nesting, no
// aliases) is refused by counting its separators before go-yaml parses it:
// parsing a flat list of 500,000 values took 5 s and 600 MB, 100,000 about
// 260 MB. At the cap the document is parsed (and refused for its content,
// not its size); one past it is limit_exceeded.
func TestYAMLFlatDocumentIsRefusedBeforeParsing(t *testing.T) {
	flat := func(values int) []byte {
		head := "id: flat\nparameters:\n  - id: p\n    value: ["
		// The head has 9 separators (three ": " or ":\n", "- ", three
		// "\n" and "["), the tail one (its "\n"), each "1," one.
		n := values - 9 - 1
		return []byte(head + strings.Repeat("1,", n) + "1]\n")
	}
	var err error
	bounded(t, 64, func() {
		_, err = sdk.Compile(sdk.PolicySource{Name: "flat.yaml", Data: flat(400_000)})
	})
	se := sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%v", err)
	assert.Contains(t, se.Message, fmt.Sprint(sdk.MaxYAMLSeparators))

	// At the separators' cap the document is handed to the parser (and is
	// refused for what it says: a parameter list over MaxListItems), within
	// bounded memory; one past it is refused before parsing.
	bounded(t, 64, func() {
		_, err = sdk.Compile(sdk.PolicySource{Name: "flat.yaml", Data: flat(sdk.MaxYAMLSeparators)})
	})
	se = sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeInvalidPolicy, se.Code, "at the cap the parser ran: %v", err)
	_, err = sdk.Compile(sdk.PolicySource{Name: "flat.yaml", Data: flat(sdk.MaxYAMLSeparators + 1)})
	se = sdk.AsError(err)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%v", err)
	assert.Contains(t, se.Message, "has more than", "one past the cap is refused before parsing")
}

// Shapes on which go-yaml costs far more than its tokens (an unclosed flow
// list: 1 GB at 16,000 items; tagged items in a scenario file: 2 GB) are
// refused by the separators' cap before parsing, a tag counting 8 (found by
// an adversarial review).
func TestYAMLCostlyShapesAreRefusedBeforeParsing(t *testing.T) {
	for name, doc := range map[string]string{
		"unclosed flow list": "id: x\ndescription: [" + strings.Repeat("a,", 16000),
		"tagged items":       "id: x\ndescription: [" + strings.Repeat("!t a,", 1000) + "a]\n",
		"lone CR lines":      "id: x\r" + strings.Repeat("k: v\r", 19000),
	} {
		var err error
		bounded(t, 32, func() { _, err = sdk.Compile(sdk.PolicySource{Name: "x.yaml", Data: []byte(doc)}) })
		se := sdk.AsError(err)
		require.NotNil(t, se, name)
		assert.Equal(t, sdk.CodeLimitExceeded, se.Code, "%s: %v", name, err)
		assert.Contains(t, se.Message, "has more than", name)
	}
}
