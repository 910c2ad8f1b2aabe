package reliability_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// The amplification-aware targets: the fuzzer chooses the shape (how many
// anchors, how wide, how deep, which functions in which loops) and the
// generators below write the input, so small fuzz inputs reach the large
// documents and costly expressions a byte-level fuzzer never would. Each
// input must be refused with a coded error, or accepted, within
// fuzzcheck's time and memory bounds.

// byteReader hands out the fuzzer's bytes as small choices (0 once spent).
type byteReader struct {
	b []byte
	i int
}

func (r *byteReader) next() int {
	if r.i >= len(r.b) {
		return 0
	}
	r.i++
	return int(r.b[r.i-1])
}

// choose is a choice in [0, n).
func (r *byteReader) choose(n int) int { return r.next() % n }

// amplifiedYAML writes a YAML value from the shape: a chain of anchors each
// aliasing the one before `fan` times (fan^levels values once expanded),
// then `depth` nested flow or block collections, as the value of `key`.
func amplifiedYAML(shape []byte) (value string, key string) {
	r := &byteReader{b: shape}
	fan := 2 + r.choose(14)
	levels := 1 + r.choose(16)
	depth := r.next() * (1 + r.next()) * (1 + r.choose(4)) // up to ~260,000
	style := r.choose(4)
	key = []string{"value", "description", "unknown_key", "x"}[r.choose(4)]
	var b strings.Builder
	b.WriteString("&a0 [lol, lol, lol]")
	prev := "a0"
	for l := 1; l <= levels; l++ {
		name := fmt.Sprintf("a%d", l)
		fmt.Fprintf(&b, "\n  - &%s [", name)
		for i := 0; i < fan; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]")
		prev = name
	}
	anchors := b.String()
	var nest string
	switch style {
	case 0:
		nest = strings.Repeat("[", depth) + strings.Repeat("]", depth)
	case 1:
		nest = strings.Repeat("{a: ", depth) + "1" + strings.Repeat("}", depth)
	case 2:
		nest = strings.Repeat("[{", depth/2) + strings.Repeat("}]", depth/2)
	default:
		nest = "*" + prev
	}
	value = "\n  - " + anchors + "\n  - " + nest
	if style == 3 {
		value = "\n  - " + anchors + "\n  - *" + prev
	}
	return value, key
}

// FuzzYAMLAmplification writes anchor chains and deep nesting into a
// policy overlay and into a scenario file.
func FuzzYAMLAmplification(f *testing.F) {
	f.Add([]byte{7, 12, 0, 0, 3, 0})           // 9^13 values in a parameter
	f.Add([]byte{0, 0, 200, 200, 3, 0, 0})     // 40,000 nested [
	f.Add([]byte{14, 15, 255, 255, 1, 1, 1})   // both, in a mapping
	f.Add([]byte{1, 2, 10, 10, 2, 2, 2, 3, 4}) // small: may well parse
	e, err := sdk.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, shape []byte) {
		b := fuzzcheck.Start()
		defer b.Check(t)
		value, key := amplifiedYAML(shape)
		policy := []byte("id: amplified\nparameters:\n  - id: p\n    " + key + ":" + indent(value, "    ") + "\n")
		before := bytes.Clone(policy)
		if _, err := sdk.Compile(sdk.PolicySource{Name: "amplified.yaml", Data: policy}); err != nil {
			checkErr(t, "Compile", err)
		}
		if !bytes.Equal(before, policy) {
			t.Fatal("Compile changed its input")
		}
		scen := []byte("name: amplified\ncase:\n  child: {date_of_birth: 2016-03-02}\nsteps:\n  - fire: ehc.requested\n    as: parent\n    at: 2026-01-05\n    data:\n      " + key + ":" + indent(value, "      ") + "\n")
		all, err := scenario.ParseAll("amplified.yaml", scen)
		if err != nil {
			var pe *scenario.ParseError
			if !errors.As(err, &pe) || pe.File != "amplified.yaml" || pe.Message == "" {
				t.Fatalf("scenario error is not a ParseError naming the file: %v", err)
			}
			if len(pe.Message) > 2000 {
				t.Fatalf("scenario error message of %d bytes echoes the input", len(pe.Message))
			}
			return
		}
		for _, s := range all {
			_ = scenario.Run(s, e)
		}
	})
}

func indent(s, pre string) string { return strings.ReplaceAll(s, "\n", "\n"+pre) }

// costlyExpr writes a guard expression from the shape: string functions
// nested in loops over ranges, lists and long strings.
func costlyExpr(r *byteReader, depth int) string {
	strs := []string{`data.s`, `params.big`, `string(params.big)`, `string(data)`, `string(data.l)`, `"x"`, `lower(data.s)`, `trim(params.big)`}
	if depth > 6 {
		return strs[r.choose(len(strs))]
	}
	switch r.choose(12) {
	case 0:
		return "upper(" + costlyExpr(r, depth+1) + ")"
	case 1:
		return "lower(" + costlyExpr(r, depth+1) + ")"
	case 2:
		return "string(" + costlyExpr(r, depth+1) + ")"
	case 3:
		return "trimPrefix(" + costlyExpr(r, depth+1) + ", " + costlyExpr(r, depth+1) + ")"
	case 4:
		return "string(len(" + costlyExpr(r, depth+1) + "))"
	default:
		return strs[r.choose(len(strs))]
	}
}

func costlyBool(r *byteReader) string {
	s := costlyExpr(r, 0)
	t := costlyExpr(r, 0)
	var test string
	switch r.choose(8) {
	case 0:
		test = s + " matches " + []string{`"(a|aa)*b"`, `"^.*x.*y.*z$"`, `"[a-z]{1,1000}"`, `"` + strings.Repeat("a?", 50) + strings.Repeat("a", 50) + `"`}[r.choose(4)]
	case 1:
		test = s + " contains " + t
	case 2:
		test = s + " in data.l"
	case 3:
		test = "hasPrefix(" + s + ", " + t + ")"
	case 4:
		test = s + " startsWith " + t
	case 5:
		test = s + " == " + t
	case 6:
		test = "len(" + s + ") > 3"
	default:
		test = s + " endsWith " + t
	}
	ranges := []string{"1..10", "1..1000", "1..50000", "1..10000000", "data.l", "evidence", "keys(data)"}
	switch r.choose(5) {
	case 0:
		return test
	case 1:
		return "count(" + ranges[r.choose(len(ranges))] + ", " + test + ") > 0"
	case 2:
		return "all(" + ranges[r.choose(len(ranges))] + ", " + test + ")"
	case 3:
		return "len(filter(" + ranges[r.choose(len(ranges))] + ", " + test + ")) > 1"
	default:
		return "any(" + ranges[r.choose(len(ranges))] + ", " + test + ") || " + test
	}
}

// FuzzExpensiveGuard compiles a generated costly guard (over a parameter of
// 10,000 characters) and fires it with a payload at the documented caps,
// through Fire and Permitted.
func FuzzExpensiveGuard(f *testing.F) {
	f.Add([]byte{1, 3, 2, 0, 0, 0, 0, 0})          // count(1..10000000, string(params.big) ...)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}) // upper(upper(upper(...)))
	f.Add([]byte{2, 2, 1, 2, 0, 0, 0, 0, 0, 7, 7}) // matches in a loop
	f.Add([]byte{4, 4, 4, 4, 4, 4, 4, 4})
	f.Fuzz(func(t *testing.T, shape []byte) {
		b := fuzzcheck.Start()
		defer b.Check(t)
		r := &byteReader{b: shape}
		expr := costlyBool(r)
		e, err := sdk.Compile(sdk.PolicySource{Name: "costly.json", Data: costlyPolicy(expr)})
		if err != nil {
			checkErr(t, "Compile", err)
			if c := sdk.AsError(err).Code; c != sdk.CodeInvalidPolicy && c != sdk.CodeLimitExceeded {
				t.Fatalf("a costly guard is %s, want invalid_policy or limit_exceeded", c)
			}
			return
		}
		list := make([]any, sdk.MaxListItems)
		for i := range list {
			list[i] = strings.Repeat("l", 40)
		}
		data := map[string]any{"s": strings.Repeat("Ab", sdk.MaxStringLength/2), "l": list}
		c := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2012-05-06"}, Evidence: []string{"sdq"}})
		fr := sdk.Firing{Trigger: "fz.go", Actor: "la_officer", At: "2026-03-04", Data: data}
		if _, err := e.Fire(c, fr); err != nil {
			checkErr(t, "Fire", err)
		}
		_, err = e.Permitted(c, "la_officer", "2026-03-04")
		checkErr(t, "Permitted", err)
	})
}

// costlyPolicy is guardPolicy's overlay with a long string parameter.
func costlyPolicy(expr string) []byte {
	var p map[string]any
	_ = json.Unmarshal(guardPolicy(expr), &p)
	p["parameters"] = []any{map[string]any{"id": "big", "value": strings.Repeat("Zz", sdk.MaxStringLength/2)}}
	out, _ := json.Marshal(p)
	return out
}
