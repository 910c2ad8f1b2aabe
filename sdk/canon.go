package sdk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"unicode/utf8"
)

// The canonical form hashed for events and origins. It is deterministic
// (object keys sorted, one spelling per value) and stable across a host's
// JSON round trip, because payloads are normalised to what JSON decoding
// gives back (float64, string, bool, nil, []any, map[string]any) before they
// are recorded. It is written by hand rather than with encoding/json because
// hashing is on the path of every Fire and Replay.

var canonPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func hashCanon(prefix string, write func(b []byte) []byte) string {
	bp := canonPool.Get().(*[]byte)
	b := append((*bp)[:0], prefix...)
	b = write(b)
	sum := sha256.Sum256(b)
	*bp = b
	canonPool.Put(bp)
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], sum[:])
	return string(h[:])
}

// appendStr writes s quoted. Plain printable ASCII without quotes or
// backslashes (almost every value: ids, states, dates, hashes) is copied as
// it is; anything else is quoted with strconv, which is unambiguous too.
func appendStr(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plain[s[i]] {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plain marks the bytes appendStr copies as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendField(b []byte, name string) []byte {
	b = appendStr(b, name)
	return append(b, ':')
}

// appendStates writes a state map with its keys sorted. order, when given,
// is the policy's tracks sorted: a map holding exactly those keys (every
// map the engine makes) is written in that order without sorting.
func appendStates(b []byte, m map[string]string, order []string) []byte {
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
		b = appendField(b, k)
		b = appendStr(b, m[k])
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
		b = appendField(b, k)
		b = appendStr(b, v)
	}
	return append(b, '}'), true
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case string:
		return appendStr(b, x)
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
			b = appendValue(b, e)
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
			b = appendField(b, k)
			b = appendValue(b, x[k])
		}
		return append(b, '}')
	default:
		// Not reached for normalised values; fall back to JSON.
		j, _ := json.Marshal(normaliseJSON(x))
		return append(b, j...)
	}
}

// eventHash is the SHA-256 of the event's canonical form without its Hash.
// order is the policy's sorted track names (a shortcut; nil is fine).
func eventHash(ev *Event, order []string) string {
	return hashCanon(eventPrefix, func(b []byte) []byte { return appendEvent(b, ev, order) })
}

// eventPrefix starts every event's hashed bytes: the canonical form's version.
const eventPrefix = "sendflow/event/v1\n"

// appendEvent writes the event's canonical form without its Hash.
func appendEvent(b []byte, ev *Event, order []string) []byte {
	b = append(b, '{')
	b = append(b, `"seq":`...)
	b = strconv.AppendInt(b, int64(ev.Seq), 10)
	b = append(b, ',')
	b = append(b, `"at":`...)
	b = appendStr(b, ev.At)
	b = append(b, ',')
	b = append(b, `"actor":`...)
	b = appendStr(b, ev.Actor)
	b = append(b, ',')
	b = append(b, `"trigger":`...)
	b = appendStr(b, ev.Trigger)
	b = append(b, ',')
	b = append(b, `"data":`...)
	b = appendValue(b, mapOrNil(ev.Data))
	b = append(b, ',')
	b = append(b, `"facts":`...)
	b = appendValue(b, mapOrNil(ev.Facts))
	b = append(b, ',')
	b = append(b, `"states_before":`...)
	b = appendStates(b, ev.StatesBefore, order)
	b = append(b, ',')
	b = append(b, `"states_after":`...)
	b = appendStates(b, ev.StatesAfter, order)
	b = append(b, ',')
	b = append(b, `"policy_id":`...)
	b = appendStr(b, ev.PolicyID)
	b = append(b, ',')
	b = append(b, `"policy_hash":`...)
	b = appendStr(b, ev.PolicyHash)
	b = append(b, ',')
	b = append(b, `"prev_hash":`...)
	b = appendStr(b, ev.PrevHash)
	return append(b, '}')
}

func mapOrNil(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// originHash anchors a history: the first event's PrevHash.
func originHash(o *Facts) string {
	var f Facts
	if o != nil {
		f = *o
	}
	return hashCanon("sendflow/origin/v1\n", func(b []byte) []byte {
		b = append(b, '{')
		for i, kv := range [][2]string{{"id", f.ID}, {"la", f.LA}, {"district", f.District}, {"date_of_birth", f.Child.DateOfBirth}} {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendField(b, kv[0])
			b = appendStr(b, kv[1])
		}
		b = append(b, ',')
		b = appendField(b, "year_group")
		if f.Child.YearGroup == nil {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, int64(*f.Child.YearGroup), 10)
		}
		b = append(b, ',')
		b = appendField(b, "evidence")
		b = append(b, '[')
		for i, ev := range f.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStr(b, ev)
		}
		return append(b, ']', '}')
	})
}

// The JSON normalisers. Package sdk has one walker (normaliser) with two
// modes, because two callers need different answers for the same value:
//
//   - normalise (a firing's payload and facts, before they are hashed and
//     recorded) accepts every Go number type and json.Number, makes a nil
//     list or map an empty one, and leaves a string's bytes alone (the
//     engine refuses invalid UTF-8 itself, with a pointer);
//   - normaliseJSON (a policy parameter's value) must give exactly what
//     encoding/json's round trip gives, value for value: a nil list stays
//     null, invalid UTF-8 is replaced, a float32 is printed at 32-bit
//     precision. Its direct walk (normaliseDirect) refuses what it cannot
//     give exactly, and the round trip does those.
//
// Two more normalisers live elsewhere because they do different things:
// scenario.Normalise turns what YAML decodes (time.Time, int keys) into
// JSON values, and the bridge's normalise makes a case's empty lists nil.

// normaliser converts a value to what a JSON round trip gives back: numbers
// to float64, typed slices and maps to []any and map[string]any.
type normaliser struct {
	// exact: only what the round trip gives value for value (see above).
	exact    bool
	maxDepth int
}

var (
	payloadNormaliser = normaliser{maxDepth: 32}
	exactNormaliser   = normaliser{exact: true, maxDepth: 64}
)

// normalise converts a payload value to exactly what a JSON round trip
// gives back, without one where it can: numbers to float64, typed slices
// and maps to []any and map[string]any. ok is false for a value JSON cannot
// carry.
func normalise(v any, depth int) (any, bool) { return payloadNormaliser.value(v, depth) }

// normaliseJSON round-trips a value through JSON so numbers are float64 and
// maps are map[string]any, exactly as a host that stored it would see it.
// The values policies hold (numbers, strings, booleans, lists and objects
// of them) are converted directly, without encoding/json's reflection (its
// first use costs tens of milliseconds in WebAssembly, at a page's first
// compile); anything else takes the round trip. TestNormaliseJSON checks
// the two agree.
func normaliseJSON(v any) any {
	if out, ok := normaliseDirect(v, 0); ok {
		return out
	}
	return normaliseRoundTrip(v)
}

// normaliseDirect is normaliseJSON for plain values; ok is false for
// anything it does not convert exactly as the round trip would.
func normaliseDirect(v any, depth int) (any, bool) { return exactNormaliser.value(v, depth) }

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

// canonSize estimates the JSON size of a normalised value, to enforce the
// payload cap without marshalling.
func canonSize(v any, depth int) int {
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
			n += canonSize(e, depth+1) + 1
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 4 + canonSize(e, depth+1)
		}
		return n
	}
	return 0
}

// historyBytes estimates the JSON size of a history, to enforce
// MaxCaseBytes without marshalling: the strings and payloads as they are,
// and a fixed allowance for the field names and states.
func historyBytes(h []Event) int {
	n := 0
	for i := range h {
		ev := &h[i]
		n += 200 + len(ev.At) + len(ev.Actor) + len(ev.Trigger) + len(ev.PolicyID) + len(ev.PolicyHash) +
			len(ev.PrevHash) + len(ev.Hash) + len(ev.KeyID) + len(ev.Signature) + 48*(len(ev.StatesBefore)+len(ev.StatesAfter))
		if len(ev.Data) > 0 {
			n += canonSize(ev.Data, 0)
		}
		if len(ev.Facts) > 0 {
			n += canonSize(ev.Facts, 0)
		}
	}
	return n
}
