// Package canon is the canonical JSON sendflow hashes, and the normalising
// of the values it writes. It knows nothing of events or policies: package
// sdk writes an event's fields with AppendField, AppendString, AppendValue
// and AppendStates inside Hash, and normalises a firing's payload with
// Normalise (and a policy parameter's value with NormaliseJSON) first.
//
// The canonical form is deterministic (object keys sorted, one spelling per
// value) and stable across a host's JSON round trip, because payloads are
// normalised to what JSON decoding gives back (float64, string, bool, nil,
// []any, map[string]any) before they are recorded. It is written by hand
// rather than with encoding/json because hashing is on the path of every
// Fire and Replay. Hosts store the hashes, so the bytes written here must
// never change for a version prefix (such as "sendflow/event/v1\n").
package canon

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
)

var pool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Hash is the hex SHA-256 of prefix followed by what write appends to it.
// The buffer is pooled: write must not keep b.
func Hash(prefix string, write func(b []byte) []byte) string {
	bp := pool.Get().(*[]byte)
	b := append((*bp)[:0], prefix...)
	b = write(b)
	sum := sha256.Sum256(b)
	*bp = b
	pool.Put(bp)
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}

// AppendString writes s quoted. Plain printable ASCII without quotes or
// backslashes (almost every value: ids, states, dates, hashes) is copied as
// it is; anything else is quoted with strconv, which is unambiguous too.
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plain marks the bytes AppendString copies as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// AppendField writes an object's key and its colon: "name":.
func AppendField(b []byte, name string) []byte {
	b = AppendString(b, name)
	return append(b, ':')
}

// AppendStates writes a state map with its keys sorted. order, when given,
// is the policy's tracks sorted: a map holding exactly those keys (every
// map the engine makes) is written in that order without sorting. A nil or
// empty map is {}.
func AppendStates(b []byte, m map[string]string, order []string) []byte {
	if len(order) > 0 && len(order) == len(m) {
		if out, ok := appendStatesInOrder(b, m, order); ok {
			return out
		}
	}
	var buf [16]string // a policy has a handful of tracks: no allocation
	ks := buf[:0]
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	b = append(b, '{')
	for i, k := range ks {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendField(b, k)
		b = AppendString(b, m[k])
	}
	return append(b, '}')
}

// appendStatesInOrder writes m in the given key order; ok is false (and b
// unchanged) when m lacks one of the keys.
func appendStatesInOrder(b []byte, m map[string]string, order []string) ([]byte, bool) {
	start := len(b)
	b = append(b, '{')
	for i, k := range order {
		v, ok := m[k]
		if !ok {
			return b[:start], false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendField(b, k)
		b = AppendString(b, v)
	}
	return append(b, '}'), true
}

// AppendValue writes a normalised value (nil, bool, string, float64, []any,
// map[string]any, as Normalise gives): numbers in strconv's shortest 'g'
// form, a NaN or infinity as null, object keys sorted. Anything else is
// normalised with NormaliseJSON and written by encoding/json.
func AppendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return AppendString(b, x)
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendValue(b, e)
		}
		return append(b, ']')
	case map[string]any:
		ks := make([]string, 0, len(x))
		for k := range x {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		b = append(b, '{')
		for i, k := range ks {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendField(b, k)
			b = AppendValue(b, x[k])
		}
		return append(b, '}')
	default:
		// Not reached for normalised values; fall back to JSON.
		j, _ := json.Marshal(NormaliseJSON(x))
		return append(b, j...)
	}
}
