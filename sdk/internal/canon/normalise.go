package canon

import (
	"encoding/json"
	"math"
	"unicode/utf8"
)

// The JSON normalisers. There is one walker (normaliser) with two modes,
// because two callers need different answers for the same value:
//
//   - Normalise (a firing's payload and facts, before they are hashed and
//     recorded) accepts every Go number type and json.Number, makes a nil
//     list or map an empty one, and leaves a string's bytes alone (the
//     engine refuses invalid UTF-8 itself, with a pointer);
//   - NormaliseJSON (a policy parameter's value) must give exactly what
//     encoding/json's round trip gives, value for value: a nil list stays
//     null, invalid UTF-8 is replaced, a float32 is printed at 32-bit
//     precision. Its direct walk (NormaliseJSONDirect) refuses what it
//     cannot give exactly, and the round trip does those.
//
// Two more normalisers live elsewhere because they do different things:
// scenario.Normalise turns what YAML decodes (time.Time, int keys) into
// JSON values, and the bridge's normalise makes a case's empty lists nil.

// Depth limits: how deep a payload (PayloadMaxDepth) or a policy
// parameter's value (ExactMaxDepth) may nest. A payload nested deeper is
// refused; a parameter's value nested deeper takes the round trip.
const (
	PayloadMaxDepth = 32
	ExactMaxDepth   = 64
)

// normaliser converts a value to what a JSON round trip gives back: numbers
// to float64, typed slices and maps to []any and map[string]any.
type normaliser struct {
	// exact: only what the round trip gives value for value (see above).
	exact    bool
	maxDepth int
}

var (
	payloadNormaliser = normaliser{maxDepth: PayloadMaxDepth}
	exactNormaliser   = normaliser{exact: true, maxDepth: ExactMaxDepth}
)

// Normalise converts a payload value to exactly what a JSON round trip
// gives back, without one where it can: numbers to float64, typed slices
// and maps to []any and map[string]any, a nil list or map to an empty one.
// ok is false for a value JSON cannot carry (a NaN, an infinity, a channel)
// or one nested deeper than PayloadMaxDepth.
func Normalise(v any) (any, bool) { return payloadNormaliser.value(v, 0) }

// NormaliseJSON round-trips a value through JSON so numbers are float64 and
// maps are map[string]any, exactly as a host that stored it would see it.
// The values policies hold (numbers, strings, booleans, lists and objects
// of them) are converted directly, without encoding/json's reflection (its
// first use costs tens of milliseconds in WebAssembly, at a page's first
// compile); anything else takes the round trip. A value the round trip
// refuses is nil. TestNormaliseJSON checks the two ways agree.
func NormaliseJSON(v any) any {
	if out, ok := NormaliseJSONDirect(v); ok {
		return out
	}
	return normaliseRoundTrip(v)
}

// NormaliseJSONDirect is NormaliseJSON without the round trip: ok is false
// for anything it does not convert exactly as the round trip would.
func NormaliseJSONDirect(v any) (any, bool) { return exactNormaliser.value(v, 0) }

func normaliseRoundTrip(v any) any {
	out, ok := roundTrip(v)
	if !ok {
		return nil
	}
	return out
}

// roundTrip is v through encoding/json and back.
func roundTrip(v any) (any, bool) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, false
	}
	return out, true
}

// value converts v, depth levels down.
func (n normaliser) value(v any, depth int) (any, bool) {
	if depth > n.maxDepth {
		return nil, false
	}
	switch x := v.(type) {
	case nil, bool:
		return x, true
	case string:
		if n.exact && !utf8.ValidString(x) {
			return nil, false // encoding/json replaces each invalid byte
		}
		return x, true
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, false
		}
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case []any:
		return n.list(x, depth)
	case []string:
		if x == nil && n.exact {
			return nil, true
		}
		out := make([]any, len(x))
		for i, e := range x {
			if n.exact && !utf8.ValidString(e) {
				return nil, false
			}
			out[i] = e
		}
		return out, true
	case map[string]any:
		return n.object(x, depth)
	}
	if n.exact {
		return nil, false
	}
	return n.widen(v, depth)
}

func (n normaliser) list(x []any, depth int) (any, bool) {
	if x == nil && n.exact {
		return nil, true
	}
	out := make([]any, len(x))
	for i, e := range x {
		v, ok := n.value(e, depth+1)
		if !ok {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

func (n normaliser) object(x map[string]any, depth int) (any, bool) {
	if x == nil && n.exact {
		return nil, true
	}
	out := make(map[string]any, len(x))
	for k, e := range x {
		v, ok := n.value(e, depth+1)
		if !ok || (n.exact && !utf8.ValidString(k)) {
			return nil, false
		}
		out[k] = v
	}
	return out, true
}

// widen converts the values only the payload mode takes: the other number
// types, json.Number, and anything else (structs, typed maps) as
// encoding/json would.
func (n normaliser) widen(v any, depth int) (any, bool) {
	switch x := v.(type) {
	case float32:
		return n.value(float64(x), depth)
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return roundTrip(v)
}

// Size estimates the JSON size of a normalised value, to enforce a payload
// cap without marshalling: a string's bytes and quotes, 24 for a number,
// and the punctuation of lists and objects. It is 0 for a value Normalise
// does not give.
func Size(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		return 5
	case string:
		return len(x) + 2
	case float64:
		return 24
	case []any:
		n := 2
		for _, e := range x {
			n += Size(e) + 1
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + Size(e)
		}
		return n
	}
	return 0
}
