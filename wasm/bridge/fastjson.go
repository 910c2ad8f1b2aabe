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

// The encoders below write a case and an outcome byte for byte as
// encoding/json does (SetEscapeHTML(false), as encode uses), without
// reflection, which is slow in WebAssembly. TestFastJSONMatchesEncodingJSON
// compares them on every outcome of the scenario suite, and
// TestFastJSONKnowsEveryField fails when an SDK type gains a field they do
// not write.

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
		b, err = appendCase(b, &r)
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

func appendOutcome(b []byte, o *sdk.Outcome, same uint8) ([]byte, error) {
	var err error
	b = append(b, `{"case":`...)
	if b, err = appendCaseSame(b, &o.Case, same); err != nil {
		return nil, err
	}
	b = append(b, `,"event":`...)
	if b, err = appendEvent(b, &o.Event); err != nil {
		return nil, err
	}
	b = append(b, `,"clocks":`...)
	b = appendList(b, o.Clocks, appendClockStatus)
	b = append(b, `,"warnings":`...)
	b = appendList(b, o.Warnings, appendWarning)
	return append(b, '}'), nil
}

// appendFactsFields writes the fields of sdk.Facts, without braces (child
// is always there, so there is at least one).
func appendFactsFields(b []byte, f *sdk.Facts) []byte {
	first := true
	field := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	if f.ID != "" {
		field("id")
		b = appendString(b, f.ID)
	}
	if f.LA != "" {
		field("la")
		b = appendString(b, f.LA)
	}
	if f.District != "" {
		field("district")
		b = appendString(b, f.District)
	}
	field("child")
	b = append(b, '{')
	if f.Child.DateOfBirth != "" {
		b = append(b, `"date_of_birth":`...)
		b = appendString(b, f.Child.DateOfBirth)
	}
	if f.Child.YearGroup != nil {
		if f.Child.DateOfBirth != "" {
			b = append(b, ',')
		}
		b = append(b, `"year_group":`...)
		b = strconv.AppendInt(b, int64(*f.Child.YearGroup), 10)
	}
	b = append(b, '}')
	if len(f.Evidence) > 0 {
		field("evidence")
		b = appendStrings(b, f.Evidence)
	}
	return b
}

func appendCase(b []byte, c *sdk.Case) ([]byte, error) { return appendCaseSame(b, c, 0) }

// The parts of a case a delta can leave out as the old case's (see
// sameParts): the facts (id, la, district, child, evidence), states,
// clocks and decisions.
const (
	sameFacts uint8 = 1 << iota
	sameStates
	sameClocks
	sameDecisions
)

func appendDecision(b []byte, d *sdk.Decision) []byte {
	b = append(b, `{"kind":`...)
	b = appendString(b, d.Kind)
	b = append(b, `,"at":`...)
	b = appendString(b, d.At)
	b = append(b, `,"trigger":`...)
	b = appendString(b, d.Trigger)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, int64(d.Seq), 10)
	return append(b, '}')
}

// appendField writes field (",\"name\":", or any text after a comma),
// without its comma when it is the first in the object or array that began
// at start.
func appendField(b []byte, start int, field string) []byte {
	if len(b) == start {
		return append(b, field[1:]...)
	}
	return append(b, field...)
}

// appendCaseSame writes c without the parts in same.
func appendCaseSame(b []byte, c *sdk.Case, same uint8) ([]byte, error) {
	b = append(b, '{')
	start := len(b)
	if same&sameFacts == 0 {
		b = appendFactsFields(b, &c.Facts)
	}
	if same&sameStates == 0 {
		b = appendField(b, start, `,"states":`)
		b = appendStringMap(b, c.States)
	}
	if len(c.Clocks) > 0 && same&sameClocks == 0 {
		b = appendField(b, start, `,"clocks":{`)
		var arr [32]string
		keys := arr[:0]
		for k := range c.Clocks {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			cl := c.Clocks[k]
			b = append(b, '{')
			b = appendClockFields(b, &cl)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	if len(c.Decisions) > 0 && same&sameDecisions == 0 {
		b = appendField(b, start, `,"decisions":`)
		b = appendList(b, c.Decisions, appendDecision)
	}
	if c.Origin != nil {
		b = appendField(b, start, `,"origin":{`)
		b = appendFactsFields(b, c.Origin)
		b = append(b, '}')
	}
	if len(c.History) > 0 {
		b = appendField(b, start, `,"history":[`)
		var err error
		for i := range c.History {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendEvent(b, &c.History[i]); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

func appendClockFields(b []byte, c *sdk.Clock) []byte {
	b = append(b, `"id":`...)
	b = appendString(b, c.ID)
	if c.Source != "" {
		b = append(b, `,"source":`...)
		b = appendString(b, c.Source)
	}
	b = append(b, `,"kind":`...)
	b = appendString(b, c.Kind)
	b = append(b, `,"started_at":`...)
	b = appendString(b, c.StartedAt)
	b = append(b, `,"due":`...)
	b = appendString(b, c.Due)
	if c.StoppedAt != "" {
		b = append(b, `,"stopped_at":`...)
		b = appendString(b, c.StoppedAt)
	}
	if c.StoppedBy != "" {
		b = append(b, `,"stopped_by":`...)
		b = appendString(b, c.StoppedBy)
	}
	if c.Cancelled {
		b = append(b, `,"cancelled":true`...)
	}
	if c.Void {
		b = append(b, `,"void":true`...)
	}
	if c.Exception != "" {
		b = append(b, `,"exception":`...)
		b = appendString(b, c.Exception)
	}
	b = append(b, `,"status":`...)
	b = appendString(b, c.Status)
	if c.Citation != "" {
		b = append(b, `,"citation":`...)
		b = appendString(b, c.Citation)
	}
	return b
}

func appendClockStatus(b []byte, c *sdk.ClockStatus) []byte {
	b = append(b, '{')
	b = appendClockFields(b, &c.Clock)
	b = append(b, `,"key":`...)
	b = appendString(b, c.Key)
	if c.DaysLeft != nil {
		b = append(b, `,"days_left":`...)
		b = strconv.AppendInt(b, int64(*c.DaysLeft), 10)
	}
	return append(b, '}')
}

func appendWarning(b []byte, w *sdk.Warning) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, w.Code)
	b = append(b, `,"message":`...)
	b = appendString(b, w.Message)
	if w.Guard != "" {
		b = append(b, `,"guard":`...)
		b = appendString(b, w.Guard)
	}
	if w.Citation != "" {
		b = append(b, `,"citation":`...)
		b = appendString(b, w.Citation)
	}
	if w.Layer != "" {
		b = append(b, `,"layer":`...)
		b = appendString(b, w.Layer)
	}
	return append(b, '}')
}

func appendEvent(b []byte, e *sdk.Event) ([]byte, error) {
	var err error
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, int64(e.Seq), 10)
	b = append(b, `,"at":`...)
	b = appendString(b, e.At)
	b = append(b, `,"actor":`...)
	b = appendString(b, e.Actor)
	b = append(b, `,"trigger":`...)
	b = appendString(b, e.Trigger)
	if len(e.Data) > 0 {
		b = append(b, `,"data":`...)
		if b, err = appendAny(b, e.Data); err != nil {
			return nil, err
		}
	}
	if len(e.Facts) > 0 {
		b = append(b, `,"facts":`...)
		if b, err = appendAny(b, e.Facts); err != nil {
			return nil, err
		}
	}
	b = append(b, `,"states_before":`...)
	b = appendStringMap(b, e.StatesBefore)
	b = append(b, `,"states_after":`...)
	b = appendStringMap(b, e.StatesAfter)
	b = append(b, `,"policy_id":`...)
	b = appendString(b, e.PolicyID)
	b = append(b, `,"policy_hash":`...)
	b = appendString(b, e.PolicyHash)
	b = append(b, `,"prev_hash":`...)
	b = appendString(b, e.PrevHash)
	b = append(b, `,"hash":`...)
	b = appendString(b, e.Hash)
	if e.KeyID != "" {
		b = append(b, `,"key_id":`...)
		b = appendString(b, e.KeyID)
	}
	if e.Signature != "" {
		b = append(b, `,"signature":`...)
		b = appendString(b, e.Signature)
	}
	return append(b, '}'), nil
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
