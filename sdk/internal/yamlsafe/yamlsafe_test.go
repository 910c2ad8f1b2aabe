package yamlsafe

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/internal/hostile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// astDepth is the most collections (mappings and sequences) the parser
// nests in f, one inside another.
func astDepth(f *ast.File) int {
	var walk func(n ast.Node) int
	walk = func(n ast.Node) int {
		switch v := n.(type) {
		case nil:
			return 0
		case *ast.DocumentNode:
			return walk(v.Body)
		case *ast.AnchorNode:
			return walk(v.Value)
		case *ast.TagNode:
			return walk(v.Value)
		case *ast.MappingNode:
			d := 0
			for _, kv := range v.Values {
				d = max(d, walk(kv.Key), walk(kv.Value))
			}
			return d + 1
		case *ast.MappingValueNode:
			return max(walk(v.Key), walk(v.Value)) + 1
		case *ast.MappingKeyNode:
			return walk(v.Value)
		case *ast.SequenceNode:
			d := 0
			for _, x := range v.Values {
				d = max(d, walk(x))
			}
			return d + 1
		}
		return 0
	}
	d := 0
	for _, doc := range f.Docs {
		d = max(d, walk(doc))
	}
	return d
}

// tricky documents: quotes, comments, block scalars and plain continuations
// that must neither hide a deep flow collection from the scan nor be
// counted as one.
var tricky = []string{
	"a: [[[1]]]\n",
	"a: \"x\n[ \"\nb: [[[[[[x]]]]]]\n",
	"a: hello\n  'world\nb: [[[[[[x]]]]]]\n",
	"a: |\n  'x\nb: [[[[[[x]]]]]]\n",
	"- a: |\n    'x\n  b: [[[[[[x]]]]]]\n",
	"a: 'it''s [' \nb: [[[[x]]]]\n",
	"a: \"esc \\\" [\" \nb: [[[[x]]]]\n",
	"a: it's [ fine\nb: [[[[x]]]]\n",
	"a: [it's, [b, [c, [d]]]]\n",
	"a: [\"]]]\", [[[[x]]]]]\n",
	"a: ['x'', ]]', [[[x]]]]\n",
	"# [[[[\na: [[x]] # ]]]\n",
	"- - - - - x\n",
	"- a:\n  - b:\n    - c: [d, {e: [f]}]\n",
	"? [[[x]]]\n: [[[y]]]\n",
	"--- [[[[x]]]]\n--- {a: {b: {c: d}}}\n",
	"a: &x [[[1]]]\nb: !!seq [[[2]]]\n",
	"a: >\n  [[[[\n  ]]]]\nb: [[[x]]]\n",
	"a: x\n  [[[[\nb: [[[x]]]\n",
	"a: [1,\n  [2,\n  [3,\n  [4]]]]\n",
	"a: {b: [c, \"d\n]]\", [[e]]]}\n",
	"\"a\": [[[x]]]\n'b': {c: [d]}\n",
	"a:\n  - [[[x]]]\n  - b: [[y]]\n",
	"a: x # 'y\nb: [[[[z]]]]\n",
	"a: 'x # y'\nb: [[[[z]]]]\n",
	"a: [x # ]]]\n  , [[[y]]]]\n",
	"a:\n  |\n  'x\nb: [[[[[x]]]]]\n",
	"a: \\\"x\nb: [[[[z]]]]\n",
	"a: [x]: y\n",
	"- [a]: [[b]]\n",
	"a: {'x': [[y]], \"z\": {w: [v]}}\n",
	"key: value\n\t[[[[x]]]]\n",
	"a: b\r\nc: [[[[x]]]]\r\n",
	// Found by FuzzDepthNeverBelowParser: go-yaml is lenient.
	"0\n:",
	"{0]:{}}",
	"0: !0\n0: !0\n0: !0\n0: !0\n0:",
	"- &a\n- &b\n- &c\n- x",
	"guards: &common\n  - id: a\nnext: *common\n",
	"0: \"\"\r1: [[[[x]]]]",
	"-\n0:",
	"-\n0: -\n0: -\n0: [[x]]",
	"- \n- \n- x\n",
}

// TestDepthNeverBelowParser: for every document the parser reads, the scan
// finds at least the depth the parser builds: lawful files of the
// repository, tricky hand-written ones and their combinations.
func TestDepthNeverBelowParser(t *testing.T) {
	docs := append([]string(nil), tricky...)
	for _, a := range tricky {
		for _, b := range tricky {
			docs = append(docs, a+b, strings.ReplaceAll(a, "\n", "\n  ")+b)
		}
	}
	for _, f := range lawful(t) {
		docs = append(docs, string(f))
	}
	checked := 0
	for _, d := range docs {
		f, err := parser.ParseBytes([]byte(d), 0)
		if err != nil || strings.ContainsRune(d, 0) {
			continue // NUL: refused by Depth (TestDepthRefusesNUL)
		}
		checked++
		got, want := deepest([]byte(d), 1<<20), astDepth(f)
		if got < want {
			t.Errorf("scan depth %d < parser depth %d for %q", got, want, d)
		}
	}
	require.Greater(t, checked, 100)
}

// lawful is every YAML file of the repository's policies and scenarios.
func lawful(t *testing.T) map[string][]byte {
	root := "../../.."
	out := map[string][]byte{}
	for _, dir := range []string{"sdk/policies", "examples", "testdata/conformance"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml")) {
				return err
			}
			data, err := os.ReadFile(p)
			out[p] = data
			return err
		})
		require.NoError(t, err)
	}
	require.Greater(t, len(out), 40)
	return out
}

// TestLawfulDocumentsAreShallow prints the deepest lawful document and its
// node count, the figures the caps in package sdk and scenario are chosen
// from (docs/reliability.md).
func TestLawfulDocumentsAreShallow(t *testing.T) {
	deep, nodes := 0, 0
	var deepName, nodesName string
	for name, data := range lawful(t) {
		if d := deepest(data, 1<<20); d > deep {
			deep, deepName = d, name
		}
		f, err := parser.ParseBytes(data, 0)
		require.NoError(t, err, name)
		c := counter{max: 1 << 30, anchors: map[string]int{}}
		n := 0
		for _, d := range f.Docs {
			n += c.count(d)
		}
		if n > nodes {
			nodes, nodesName = n, name
		}
	}
	t.Logf("deepest: %d levels (%s); most nodes: %d (%s)", deep, deepName, nodes, nodesName)
	assert.Less(t, deep, 32)
	assert.Less(t, nodes, 100_000)
}

func TestDepthAtAndPastTheCap(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  func(n int) string
	}{
		{"flow", func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) + "\n" }},
		{"flow in a key", func(n int) string {
			return "a: " + strings.Repeat("{a: ", n-2) + "{}" + strings.Repeat("}", n-2) + "\n"
		}},
		{"compact", func(n int) string { return strings.Repeat("- ", n) + "x\n" }},
		{"indented", func(n int) string {
			var b strings.Builder
			for i := range n {
				b.WriteString(strings.Repeat(" ", i) + "a:\n")
			}
			return b.String()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const limit = 40
			require.NoError(t, Depth([]byte(tc.doc(limit)), limit), "at the cap")
			err := Depth([]byte(tc.doc(limit+1)), limit)
			var e *Error
			require.True(t, errors.As(err, &e), "one past the cap: %v", err)
			assert.Greater(t, e.Line, 0)
			assert.Contains(t, e.Message, fmt.Sprint(limit))
		})
	}
}

// TestDepthIsLinear: 1 MiB of "[" (or "- ") is refused after reading a few
// bytes, without allocating.
func TestDepthIsLinear(t *testing.T) {
	for _, doc := range []string{strings.Repeat("[", 1<<20), strings.Repeat("- ", 1<<19), "a: " + strings.Repeat("x", 1<<20)} {
		start := time.Now()
		allocs := testing.AllocsPerRun(3, func() { _ = Depth([]byte(doc), 64) })
		assert.LessOrEqual(t, allocs, 16.0, "the error's message and the stack; not one per byte")
		assert.Less(t, time.Since(start), 10*time.Second)
	}
	assert.Error(t, Depth([]byte(strings.Repeat("[", 1<<20)), 64))
}

func TestNodesCountsAliasesOnce(t *testing.T) {
	f, err := parser.ParseBytes([]byte(hostile.Laughs("", 9)), 0)
	require.NoError(t, err)
	start := time.Now()
	err = Nodes(f, 1_000_000)
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Contains(t, e.Message, "1000000")
	assert.Greater(t, e.Line, 0, "the alias that takes the count past the cap is named")
	assert.Less(t, time.Since(start), 10*time.Second)

	// The cap exactly and one past: a sequence of n scalars is n+1 nodes
	// inside the top mapping's entry (1 mapping + 1 entry + 1 key).
	doc := func(n int) *ast.File {
		f, err := parser.ParseBytes([]byte("a: &x ["+strings.TrimSuffix(strings.Repeat("x,", n), ",")+"]\nb: *x\n"), 0)
		require.NoError(t, err)
		return f
	}
	// nodes = mapping 1 + entry a (1 + key 1 + seq (1+n)) + entry b (1 + key 1 + alias (1+n))
	const n = 100
	total := 1 + (2 + 1 + n) + (2 + 1 + n)
	assert.NoError(t, Nodes(doc(n), total))
	assert.Error(t, Nodes(doc(n), total-1))
}

func TestClip(t *testing.T) {
	assert.Equal(t, "abc", Clip("abc", 3))
	assert.Equal(t, "ab…", Clip("abc", 2))
	s := strings.Repeat("é", 10) // two bytes each
	for n := range 20 {
		c := Clip(s, n)
		assert.True(t, utf8.ValidString(c), "%d: %q", n, c)
		assert.LessOrEqual(t, len(strings.TrimSuffix(c, "…")), n)
	}
}

// FuzzDepthNeverBelowParser is TestDepthNeverBelowParser on any input.
func FuzzDepthNeverBelowParser(f *testing.F) {
	for _, d := range tricky {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, d string) {
		defer fuzzcheck.Start().Check(t)
		if len(d) > 4096 {
			return
		}
		file, err := parser.ParseBytes([]byte(d), 0)
		if err != nil || strings.ContainsRune(d, 0) {
			return
		}
		if got, want := deepest([]byte(d), 1<<20), astDepth(file); got < want {
			t.Fatalf("scan depth %d < parser depth %d for %q", got, want, d)
		}
	})
}

// TestDepthRefusesNUL: go-yaml reads a NUL as a space in one place and as a
// line break in another ("-\x00a: [[1]]" nests as "- a: [[1]]"), so the
// scan cannot follow it; YAML does not allow it, so it is refused.
func TestDepthRefusesNUL(t *testing.T) {
	err := Depth([]byte("a: b\n-\x00a: [[1]]\n"), 64)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.True(t, e.NotYAML)
	assert.Equal(t, 2, e.Line)
	assert.Equal(t, 2, e.Column)
}

func TestBreadthCountsSeparatorsNotDatesOrTimes(t *testing.T) {
	// "holidays:" and its "\n", two holidays of "- " and "\n" each (the
	// dashes of a date do not count), "at: " and its "\n" (a time's colons
	// do not count): 8.
	doc := []byte("holidays:\n  - 2026-12-25\n  - 2026-12-28\nat: 2026-01-05T10:30:00Z\n")
	if err := Breadth(doc, 8); err != nil {
		t.Fatalf("8 separators refused at a cap of 8: %v", err)
	}
	err := Breadth(doc, 7)
	if err == nil {
		t.Fatal("8 separators accepted at a cap of 7")
	}
	if e, ok := err.(*Error); !ok || e.Line != 4 {
		t.Fatalf("the 8th separator is on line 4: %v", err)
	}
}

// A lone carriage return is a line break to go-yaml, so it counts as one;
// CR LF counts once.
func TestBreadthCountsLoneCarriageReturns(t *testing.T) {
	cr := []byte("id: x\rk1: v\rk2: v\r")
	crlf := []byte("id: x\r\nk1: v\r\nk2: v\r\n")
	lf := []byte("id: x\nk1: v\nk2: v\n")
	for name, doc := range map[string][]byte{"cr": cr, "crlf": crlf, "lf": lf} {
		if err := Breadth(doc, 6); err != nil {
			t.Fatalf("%s: 6 separators refused at a cap of 6: %v", name, err)
		}
		if err := Breadth(doc, 5); err == nil {
			t.Fatalf("%s: 6 separators accepted at a cap of 5", name)
		}
	}
}
