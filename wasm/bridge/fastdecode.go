package bridge

import (
	"strconv"
	"unicode/utf8"

	"github.com/sendflow/sendflow/sdk"
)

// fastRequest decodes the small requests of the ref path (op, engine,
// case_ref, firing, delta, remember, role, as_of, locale, format) without
// reflection, which is slow in WebAssembly. It gives up (false, req left
// zero) on anything else: another field, a duplicate field, a null, a
// string with an escape, a number that is not a plain integer where one
// is wanted, nesting deeper than maxFastDepth. strict then decodes the
// request as before, so every request is answered exactly as encoding/json
// would decode it: FuzzFastRequest and TestFastRequestMatchesStrict check
// that whatever fastRequest accepts, strict decodes to the same Request.
func fastRequest(raw []byte, req *Request) bool {
	d := fastDecoder{b: raw}
	if !d.request(req) {
		*req = Request{}
		return false
	}
	return true
}

const maxFastDepth = 32

type fastDecoder struct {
	b []byte
	i int
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) eat(c byte) bool {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// open reads the '{' of an object.
func (d *fastDecoder) open() bool { return d.eat('{') }

// next reads the next key of an object and its ':' (done at the closing
// '}'); n counts the keys read so far.
func (d *fastDecoder) next(n int) (key []byte, done, ok bool) {
	if n == 0 {
		if d.eat('}') {
			return nil, true, true
		}
	} else {
		if d.eat('}') {
			return nil, true, true
		}
		if !d.eat(',') {
			return nil, false, false
		}
	}
	d.ws()
	key, ok = d.rawStr()
	if !ok || !d.eat(':') {
		return nil, false, false
	}
	d.ws()
	return key, false, true
}

// Bits of the request fields seen, to refuse a repeated one.
const (
	seenOp = 1 << iota
	seenEngine
	seenCaseRef
	seenDelta
	seenRemember
	seenRole
	seenAsOf
	seenLocale
	seenFormat
	seenFiring
	seenTrigger
	seenActor
	seenAt
	seenData
	seenFacts
	seenBy
)

// fields reads an object, each member's value by field, which is given the
// key and returns the bit that marks it (a repeated key is refused) and
// whether it read the value; false for a key it does not know.
func (d *fastDecoder) fields(field func(key []byte) (bit int, ok bool)) bool {
	if !d.open() {
		return false
	}
	seen := 0
	for n := 0; ; n++ {
		key, done, ok := d.next(n)
		if !ok {
			return false
		}
		if done {
			return true
		}
		bit, ok := field(key)
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
}

func (d *fastDecoder) request(req *Request) bool {
	ok := d.fields(func(key []byte) (bit int, ok bool) {
		switch string(key) {
		case "op":
			req.Op, ok = d.str()
			return seenOp, ok
		case "engine":
			var v int64
			v, ok = d.int()
			req.Engine = int(v)
			return seenEngine, ok
		case "case_ref":
			var v int64
			v, ok = d.int()
			req.CaseRef = &v
			return seenCaseRef, ok
		case "delta":
			req.Delta, ok = d.boolean()
			return seenDelta, ok
		case "remember":
			req.Remember, ok = d.boolean()
			return seenRemember, ok
		case "role":
			req.Role, ok = d.str()
			return seenRole, ok
		case "as_of":
			req.AsOf, ok = d.str()
			return seenAsOf, ok
		case "locale":
			req.Locale, ok = d.str()
			return seenLocale, ok
		case "format":
			req.Format, ok = d.str()
			return seenFormat, ok
		case "firing":
			req.Firing = &sdk.Firing{}
			return seenFiring, d.firing(req.Firing)
		}
		return 0, false
	})
	if !ok {
		return false
	}
	d.ws()
	return d.i == len(d.b)
}

func (d *fastDecoder) firing(f *sdk.Firing) bool {
	return d.fields(func(key []byte) (bit int, ok bool) {
		switch string(key) {
		case "trigger":
			f.Trigger, ok = d.str()
			return seenTrigger, ok
		case "actor":
			f.Actor, ok = d.str()
			return seenActor, ok
		case "by":
			f.By, ok = d.str()
			return seenBy, ok
		case "at":
			f.At, ok = d.str()
			return seenAt, ok
		case "locale":
			f.Locale, ok = d.str()
			return seenLocale, ok
		case "data", "facts":
			if d.i >= len(d.b) || d.b[d.i] != '{' {
				return 0, false
			}
			v, ok := d.value(0)
			if !ok {
				return 0, false
			}
			if key[0] == 'd' {
				f.Data = v.(map[string]any)
				return seenData, true
			}
			f.Facts = v.(map[string]any)
			return seenFacts, true
		}
		return 0, false
	})
}

// str reads a string with no escapes, in valid UTF-8 (what encoding/json
// returns unchanged).
func (d *fastDecoder) str() (string, bool) {
	b, ok := d.rawStr()
	return string(b), ok
}

// rawStr reads a string with no escapes, in valid UTF-8, and returns its
// bytes (in the request).
func (d *fastDecoder) rawStr() ([]byte, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			s := d.b[start:j]
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			d.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// int reads an integer of at most 18 digits, no fraction or exponent.
func (d *fastDecoder) int() (int64, bool) {
	start := d.i
	j := d.i
	if j < len(d.b) && d.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
		j++
	}
	n := j - digits
	if n == 0 || n > 18 || (n > 1 && d.b[digits] == '0') {
		return 0, false
	}
	if j < len(d.b) && (d.b[j] == '.' || d.b[j] == 'e' || d.b[j] == 'E') {
		return 0, false
	}
	v, err := strconv.ParseInt(string(d.b[start:j]), 10, 64)
	if err != nil {
		return 0, false
	}
	d.i = j
	return v, true
}

func (d *fastDecoder) boolean() (bool, bool) {
	if d.lit("true") {
		return true, true
	}
	if d.lit("false") {
		return false, true
	}
	return false, false
}

func (d *fastDecoder) lit(s string) bool {
	if len(d.b)-d.i >= len(s) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// value reads any JSON value as encoding/json decodes it into an any.
func (d *fastDecoder) value(depth int) (any, bool) {
	if depth > maxFastDepth || d.i >= len(d.b) {
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		d.i++
		m := map[string]any{}
		for n := 0; ; n++ {
			key, done, ok := d.next(n)
			if !ok {
				return nil, false
			}
			if done {
				return m, true
			}
			if _, dup := m[string(key)]; dup {
				return nil, false
			}
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			m[string(key)] = v
		}
	case c == '[':
		d.i++
		l := []any{}
		if d.eat(']') {
			return l, true
		}
		for {
			d.ws()
			v, ok := d.value(depth + 1)
			if !ok {
				return nil, false
			}
			l = append(l, v)
			if d.eat(',') {
				continue
			}
			return l, d.eat(']')
		}
	case c == '"':
		return d.str()
	case c == 't' || c == 'f':
		return d.boolean()
	case c == 'n':
		return nil, d.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return nil, false
}

// number reads a JSON number (the grammar checked here, as encoding/json's
// scanner checks it) as a float64.
func (d *fastDecoder) number() (any, bool) {
	start, j := d.i, d.i
	if d.b[j] == '-' {
		j++
	}
	switch {
	case j < len(d.b) && d.b[j] == '0':
		j++
	case j < len(d.b) && d.b[j] >= '1' && d.b[j] <= '9':
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
	default:
		return nil, false
	}
	if j < len(d.b) && d.b[j] == '.' {
		j++
		k := j
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
		if j == k {
			return nil, false
		}
	}
	if j < len(d.b) && (d.b[j] == 'e' || d.b[j] == 'E') {
		j++
		if j < len(d.b) && (d.b[j] == '+' || d.b[j] == '-') {
			j++
		}
		k := j
		for j < len(d.b) && d.b[j] >= '0' && d.b[j] <= '9' {
			j++
		}
		if j == k {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(string(d.b[start:j]), 64)
	if err != nil {
		return nil, false
	}
	d.i = j
	return f, true
}
