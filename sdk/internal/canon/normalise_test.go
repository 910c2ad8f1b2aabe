package canon

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNormaliseJSON: the direct conversion gives exactly what the JSON
// round trip gives, on awkward values and random ones, and it is taken for
// the values policies hold (so a policy compile does not need reflection).
func TestNormaliseJSON(t *testing.T) {
	for _, v := range awkwardJSONValues() {
		checkNormalise(t, v)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		checkNormalise(t, randomJSONValue(r, 0))
	}

	// Parameters as YAML gives them (the default's own, and a list) go the
	// direct way.
	var doc struct {
		Parameters []struct {
			Value any `yaml:"value"`
		} `yaml:"parameters"`
	}
	require.NoError(t, yaml.Unmarshal([]byte("parameters:\n  - value: 6000\n  - value: 2.5\n  - value: [a, b]\n  - value: true\n  - value: text\n  - value: -3\n  - value: 18446744073709551615\n"), &doc))
	for _, p := range doc.Parameters {
		_, ok := NormaliseJSONDirect(p.Value)
		assert.True(t, ok, "%#v (%T) goes the direct way", p.Value, p.Value)
		checkNormalise(t, p.Value)
	}
}

// checkNormalise: NormaliseJSON gives what the JSON round trip gives, and
// so does the direct conversion when it is taken.
func checkNormalise(t *testing.T, v any) {
	t.Helper()
	want := normaliseRoundTrip(v)
	got := NormaliseJSON(v)
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%#v: NormaliseJSON gives %#v, the round trip %#v", v, got, want)
	}
	if direct, ok := NormaliseJSONDirect(v); ok {
		require.Equal(t, want, direct, "%#v", v)
	}
}

// awkwardJSONValues are the edge cases: nils of each kind, signed zero,
// NaN, infinities, integers past 2^53, invalid UTF-8, typed slices, maps
// and structs.
func awkwardJSONValues() []any {
	var nilList []any
	var nilStrings []string
	var nilMap map[string]any
	return []any{
		nil, true, false, "", "plain", "é ✓ \u2028", "bad \xff utf-8",
		0.0, math.Copysign(0, -1), 1.5, 1e308, 5e-324, math.NaN(), math.Inf(1),
		0, -1, math.MaxInt64, math.MinInt64, int64(1<<53 + 1), uint64(math.MaxUint64), uint64(1<<53 + 1),
		int32(7), float32(0.1), uint8(3),
		[]any{}, nilList, []any{1, "a", nil, []any{2.5}}, []string{"x", "y"}, nilStrings, []string{},
		map[string]any{}, nilMap, map[string]any{"a": 1, "b": []any{true}, "c": map[string]any{"d": nil}},
		map[string]any{"bad \xfe key": 1}, map[string]any{"nan": math.NaN()},
		map[string]int{"typed": 1}, struct{ A int }{1},
	}
}

// randomJSONValue is a random value of the kinds JSON and YAML decoding
// give, nested at most 4 deep.
func randomJSONValue(r *rand.Rand, depth int) any {
	switch k := r.IntN(10); {
	case k == 0:
		return nil
	case k == 1:
		return r.IntN(2) == 0
	case k == 2:
		return string(rune(r.IntN(0x10FFFF)))
	case k == 3:
		return r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
	case k == 4:
		return int64(r.Uint64())
	case k == 5:
		return r.Uint64() >> r.IntN(64)
	case k == 6:
		return r.IntN(1000) - 500
	case depth < 4 && k == 7:
		m := map[string]any{}
		for i := range r.IntN(4) {
			m[string(rune('a'+i))] = randomJSONValue(r, depth+1)
		}
		return m
	default:
		if depth >= 4 {
			return "leaf"
		}
		l := make([]any, r.IntN(4))
		for i := range l {
			l[i] = randomJSONValue(r, depth+1)
		}
		return l
	}
}
