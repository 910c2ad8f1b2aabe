package canon

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHash: the hex SHA-256 of the prefix and what write appends, and the
// pooled buffer does not leak one hash's bytes into the next.
func TestHash(t *testing.T) {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	long := strings.Repeat("x", 5000) // grows the pooled buffer
	for _, body := range []string{"", `{"a":1}`, long, "b"} {
		got := Hash("p/v1\n", func(b []byte) []byte { return append(b, body...) })
		assert.Equal(t, sum("p/v1\n"+body), got)
	}
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		Hash("", func(b []byte) []byte { return b }))
}

// TestAppendString: plain ASCII is copied, anything else strconv-quoted;
// valid UTF-8 decodes back to itself either way.
func TestAppendString(t *testing.T) {
	for s, want := range map[string]string{
		"":              `""`,
		"c-001":         `"c-001"`,
		"2026-01-05":    `"2026-01-05"`,
		`quo"te`:        `"quo\"te"`,
		`back\slash`:    `"back\\slash"`,
		"tab\t":         `"tab\t"`,
		"\x00\x1f\x7f":  `"\x00\x1f\x7f"`,
		"é ✓":           `"é ✓"`,
		"bad \xff utf8": `"bad \xff utf8"`,
		"\u2028":        `"\u2028"`,
	} {
		assert.Equal(t, want, string(AppendString(nil, s)), "%q", s)
	}
	for _, s := range []string{"", "a b", `q"\`, "tab\tnl\n", "é ✓ 中 😀", "\u00a0"} {
		var back string
		require.NoError(t, json.Unmarshal(AppendString(nil, s), &back), "%q", s)
		assert.Equal(t, s, back)
	}
	assert.Equal(t, `x"id":`, string(AppendField([]byte("x"), "id")))
}

// TestAppendStates: keys sorted; the order shortcut writes the same bytes,
// and a map without one of its keys falls back to sorting.
func TestAppendStates(t *testing.T) {
	m := map[string]string{"b": "2", "a": "1", "c": "3"}
	want := `{"a":"1","b":"2","c":"3"}`
	assert.Equal(t, want, string(AppendStates(nil, m, nil)))
	assert.Equal(t, want, string(AppendStates(nil, m, []string{"a", "b", "c"})))
	assert.Equal(t, "p"+want, string(AppendStates([]byte("p"), m, []string{"a", "b", "x"})))
	assert.Equal(t, want, string(AppendStates(nil, m, []string{"a", "b"})))
	assert.Equal(t, `{}`, string(AppendStates(nil, nil, nil)))
	assert.Equal(t, `{}`, string(AppendStates(nil, map[string]string{}, []string{"a"})))

	buf := make([]byte, 0, 256)
	order := []string{"a", "b", "c"}
	assert.Zero(t, testing.AllocsPerRun(100, func() { AppendStates(buf[:0], m, order) }))
	assert.Zero(t, testing.AllocsPerRun(100, func() { AppendStates(buf[:0], m, nil) }))
}

// TestAppendValue pins the canonical spelling of every kind of value: the
// bytes hosts' stored hashes depend on.
func TestAppendValue(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{false, `false`},
		{"s", `"s"`},
		{0.0, `0`},
		{math.Copysign(0, -1), `-0`},
		{1.5, `1.5`},
		{6000.0, `6000`},
		{1e21, `1e+21`},
		{1e-7, `1e-07`},
		{float64(1<<53 + 2), `9.007199254740994e+15`},
		{math.NaN(), `null`},
		{math.Inf(-1), `null`},
		{[]any{}, `[]`},
		{[]any{1.0, "a", nil, []any{true}}, `[1,"a",null,[true]]`},
		{map[string]any{}, `{}`},
		{map[string]any{"b": 1.0, "a": map[string]any{"d": nil, "c": "x"}, "é": false}, `{"a":{"c":"x","d":null},"b":1,"é":false}`},
		{struct{ A int }{1}, `{"A":1}`}, // not normalised: the JSON fallback
		{[]string{"x"}, `["x"]`},
	} {
		assert.Equal(t, c.want, string(AppendValue(nil, c.v)), "%#v", c.v)
	}
}

// TestNormalise: the payload mode widens every number, makes nil lists and
// maps empty, keeps invalid UTF-8 as it is, and refuses what JSON cannot
// carry or what nests deeper than PayloadMaxDepth.
func TestNormalise(t *testing.T) {
	var nilList []any
	var nilMap map[string]any
	in := map[string]any{
		"i": 1, "i8": int8(-2), "u16": uint16(3), "f32": float32(0.5), "n": json.Number("12.5"),
		"l": nilList, "m": nilMap, "s": []string{"a"}, "bad": "\xff",
		"typed": map[string]int{"k": 1}, "st": struct{ A string }{"x"},
	}
	got, ok := Normalise(in)
	require.True(t, ok)
	assert.Equal(t, map[string]any{
		"i": 1.0, "i8": -2.0, "u16": 3.0, "f32": 0.5, "n": 12.5,
		"l": []any{}, "m": map[string]any{}, "s": []any{"a"}, "bad": "\xff",
		"typed": map[string]any{"k": 1.0}, "st": map[string]any{"A": "x"},
	}, got)

	for _, bad := range []any{math.NaN(), math.Inf(1), []any{math.NaN()}, map[string]any{"c": make(chan int)}, json.Number("x")} {
		_, ok := Normalise(bad)
		assert.False(t, ok, "%#v", bad)
	}

	nest := func(n int) any {
		var v any = "leaf"
		for range n {
			v = []any{v}
		}
		return v
	}
	_, ok = Normalise(nest(PayloadMaxDepth))
	assert.True(t, ok)
	_, ok = Normalise(nest(PayloadMaxDepth + 1))
	assert.False(t, ok)
	_, ok = NormaliseJSONDirect(nest(ExactMaxDepth + 1))
	assert.False(t, ok)
	assert.Equal(t, nest(ExactMaxDepth+1), NormaliseJSON(nest(ExactMaxDepth+1)), "deeper values take the round trip")
}

// TestSize pins the payload size estimate behind MaxPayloadBytes.
func TestSize(t *testing.T) {
	for _, c := range []struct {
		v    any
		want int
	}{
		{nil, 4}, {true, 5}, {"abc", 5}, {1.0, 24},
		{[]any{}, 2}, {[]any{"a", nil}, 2 + 3 + 1 + 4 + 1},
		{map[string]any{}, 2}, {map[string]any{"k": "v"}, 2 + 1 + 4 + 3},
		{map[string]any{"l": []any{1.0}}, 2 + 1 + 4 + 2 + 24 + 1},
		{42, 0}, // not normalised
	} {
		assert.Equal(t, c.want, Size(c.v), "%#v", c.v)
	}
	v, ok := Normalise(map[string]any{"note": strings.Repeat("x", 100), "n": 3})
	require.True(t, ok)
	assert.GreaterOrEqual(t, Size(v), len(AppendValue(nil, v)))
}
