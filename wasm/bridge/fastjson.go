package bridge

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/sendflow/sendflow/sdk"
)

// The encoders of fastjson_gen.go write a case and an outcome byte for
// byte as encoding/json does (SetEscapeHTML(false), as encode uses),
// without reflection, which is slow in WebAssembly; they are generated from
// the SDK types by internal/cmd/appendgen (make generate) and use the
// helpers here, which write JSON's strings, numbers and any values.
// TestFastJSONMatchesEncodingJSON compares them on every outcome of the
// scenario suite, and TestFastJSONKnowsEveryField fails when an SDK type
// gains a field (regenerate, then update its list).

//go:generate go run ../../internal/cmd/appendgen -o fastjson_gen.go

// fastResponse appends {"ok":true,"case_ref":ref,"result":v} to dst for
// the results it knows (sdk.Outcome, sdk.Case); ok is false for any other.
func fastResponse(dst []byte, ref int64, v any) (out []byte, ok bool) {
	b := dst
	if b == nil {
		b = make([]byte, 0, 4096)
	}
	b = append(b, `{"ok":true`...)
	if ref != 0 {
		b = append(b, `,"case_ref":`...)
		b = strconv.AppendInt(b, ref, 10)
	}
	if d, isDelta := v.(deltaAnswer); isDelta && d.same != 0 {
		b = append(b, `,"same":`...)
		b = d.appendSame(b)
	}
	b = append(b, `,"result":`...)
	var err error
	switch r := v.(type) {
	case sdk.Outcome:
		b, err = appendOutcome(b, &r, 0)
	case deltaAnswer:
		b, err = appendOutcome(b, &r.out, r.same)
	case sdk.Case:
		b, err = appendCase(b, &r, 0)
	case Compiled:
		b = appendCompiled(b, &r)
	default:
		return nil, false
	}
	if err != nil {
		return nil, false
	}
	return append(b, '}'), true
}

// appendCompiled writes a compile answer: the first call a page makes, so
// writing it by hand keeps encoding/json's reflection out of the cold start.
func appendCompiled(b []byte, c *Compiled) []byte {
	b = append(b, `{"engine":`...)
	b = strconv.AppendInt(b, int64(c.Engine), 10)
	b = append(b, `,"policy_id":`...)
	b = appendString(b, c.PolicyID)
	b = append(b, `,"policy_hash":`...)
	b = appendString(b, c.PolicyHash)
	for _, f := range []struct {
		name string
		list []string
	}{{`,"layers":`, c.Layers}, {`,"tracks":`, c.Tracks}, {`,"triggers":`, c.Triggers}} {
		b = append(b, f.name...)
		b = appendStrings(b, f.list)
	}
	if len(c.Labels) > 0 {
		b = append(b, `,"labels":{`...)
		keys := make([]string, 0, len(c.Labels))
		for k := range c.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendStringMap(b, c.Labels[k])
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendStrings writes a list of strings as encoding/json does (nil is null).
func appendStrings(b []byte, list []string) []byte {
	return appendList(b, list, func(b []byte, s *string) []byte { return appendString(b, *s) })
}

// appendList writes list as a JSON array, each element by each (nil is
// null, as encoding/json writes a nil slice).
func appendList[T any](b []byte, list []T, each func([]byte, *T) []byte) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, &list[i])
	}
	return append(b, ']')
}

// The parts of a case a delta can leave out as the old case's (see
// deltaOutcome; the generated appendCase leaves out those its same mask
// names): the facts (id, la, district, child, evidence), states,
// clocks and decisions.
const (
	sameFacts uint8 = 1 << iota
	sameStates
	sameClocks
	sameDecisions
)

// appendField writes field (",\"name\":", or any text after a comma),
// without its comma when it is the first in the object or array that began
// at start.
func appendField(b []byte, start int, field string) []byte {
	if len(b) == start {
		return append(b, field[1:]...)
	}
	return append(b, field...)
}

func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	var arr [32]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

var errUnsupported = errors.New("unsupported value")

// appendAny writes a JSON-shaped value (what decoding JSON into any gives);
// any other type is handed to encoding/json.
func appendAny(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case float64:
		return appendFloat(b, x)
	case map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			if b, err = appendAny(b, x[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, it := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendAny(b, it); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...), nil
}

// appendFloat is encoding/json's float64 encoding.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, errUnsupported
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendString is encoding/json's string encoding without HTML escaping.
func appendString(dst []byte, src string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if c := src[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}
