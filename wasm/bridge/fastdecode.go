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

// object calls field for each key of an object; a repeated key fails.
func (d *fastDecoder) object(field func(key string) bool) bool {
	if !d.eat('{') {
		return false
	}
	if d.eat('}') {
		return true
	}
	var seen []string
	for {
		d.ws()
		key, ok := d.str()
		if !ok || !d.eat(':') {
			return false
		}
		for _, s := range seen {
			if s == key {
				return false
			}
		}
		seen = append(seen, key)
		d.ws()
		if !field(key) {
			return false
		}
		if d.eat(',') {
			continue
		}
		return d.eat('}')
	}
}

func (d *fastDecoder) request(req *Request) bool {
	ok := d.object(func(key string) bool {
		var ok bool
		switch key {
		case "op":
			req.Op, ok = d.str()
		case "engine":
			var n int64
			n, ok = d.int()
			req.Engine = int(n)
		case "case_ref":
			var n int64
			n, ok = d.int()
			req.CaseRef = &n
		case "delta":
			req.Delta, ok = d.boolean()
		case "remember":
			req.Remember, ok = d.boolean()
		case "role":
			req.Role, ok = d.str()
		case "as_of":
			req.AsOf, ok = d.str()
		case "locale":
			req.Locale, ok = d.str()
		case "format":
			req.Format, ok = d.str()
		case "firing":
			req.Firing = &sdk.Firing{}
			ok = d.firing(req.Firing)
		}
		return ok
	})
	d.ws()
	return ok && d.i == len(d.b)
}

func (d *fastDecoder) firing(f *sdk.Firing) bool {
	return d.object(func(key string) bool {
		var ok bool
		switch key {
		case "trigger":
			f.Trigger, ok = d.str()
		case "actor":
			f.Actor, ok = d.str()
		case "at":
			f.At, ok = d.str()
		case "locale":
			f.Locale, ok = d.str()
		case "data", "facts":
			if d.i < len(d.b) && d.b[d.i] != '{' {
				return false
			}
			var v any
			if v, ok = d.value(0); ok {
				if key == "data" {
					f.Data = v.(map[string]any)
				} else {
					f.Facts = v.(map[string]any)
				}
			}
		}
		return ok
	})
}

// str reads a string with no escapes, in valid UTF-8 (what encoding/json
// returns unchanged).
func (d *fastDecoder) str() (string, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return "", false
	}
	start := d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			s := d.b[start:j]
			if !ascii && !utf8.Valid(s) {
				return "", false
			}
			d.i = j + 1
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
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
		m := map[string]any{}
		ok := d.object(func(key string) bool {
			v, ok := d.value(depth + 1)
			m[key] = v
			return ok
		})
		return m, ok
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
