package bridge

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/sdk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fastSeeds are requests of the ref path and their near misses.
var fastSeeds = []string{
	`{"op":"fire","engine":1,"case_ref":17,"firing":{"trigger":"hnf.considered","actor":"school","at":"2026-02-10","data":{"annual_provision_cost":7500}},"delta":true}`,
	` { "op" : "permitted" , "engine" : 3 , "case_ref" : 9 , "role" : "parent" , "as_of" : "2026-01-01" , "locale" : "cy" } `,
	`{"op":"clocks","engine":2,"case_ref":5,"as_of":"2026-03-01"}`,
	`{"op":"graph","engine":2,"case_ref":5,"format":"dot"}`,
	`{"op":"verify","engine":2,"case_ref":-5}`,
	`{"op":"verify","engine":2,"case_ref":0}`,
	`{"op":"info"}`,
	`{}`,
	`{"op":"fire","engine":1,"case_ref":1,"firing":{"trigger":"x","actor":"y","at":"z","locale":"cy","data":{"a":[1,-2.5e-3,true,false,null,"s",{"b":{}}],"c":[],"d":0,"e":-0,"f":1E+2,"é":"ü"},"facts":{"evidence":["parental_consent"],"child":{"year_group":3}}},"remember":false}`,
	`{"op":"fire","engine":1,"firing":{"data":{"a":1,"a":2}}}`,
	`{"op":"fire","engine":1,"engine":2}`,
	`{"OP":"info"}`,
	`{"op":"info","bogus":1}`,
	`{"op":"fire","engine":1.0}`,
	`{"op":"fire","engine":1e2}`,
	`{"op":"fire","engine":01}`,
	`{"op":"fire","engine":99999999999999999999}`,
	`{"op":"fire","case_ref":"7"}`,
	`{"op":"fire","case_ref":null}`,
	`{"op":"fire","firing":null}`,
	`{"op":"fire","firing":{"data":null}}`,
	`{"op":"fire","firing":{"data":[1]}}`,
	`{"op":"fire","firing":{"data":{"n":1e400}}}`,
	`{"op":"fire","firing":{"data":{"n":-}}}`,
	`{"op":"fire","firing":{"data":{"n":1.}}}`,
	`{"op":"fire","firing":{"data":{"n":.5}}}`,
	`{"op":"fire","firing":{"data":{"n":[1,]}}}`,
	`{"op":"fire","firing":{"trigger":"a\"b"}}`,
	`{"op":"fire","firing":{"trigger":"a\u0041"}}`,
	"{\"op\":\"fire\",\"firing\":{\"trigger\":\"bad\xff\"}}",
	"{\"op\":\"fire\",\"firing\":{\"trigger\":\"tab\there\"}}",
	`{"op":"info"} {}`,
	`{"op":"info"`,
	`{"op":"info",}`,
	`[]`,
	`"op"`,
	``,
	`{"op":"fire","delta":1}`,
	`{"op":"fire","delta":tru}`,
}

// checkFast asserts that when fastRequest accepts raw, strict decodes raw
// to the same Request.
func checkFast(t testing.TB, raw []byte) bool {
	var fast Request
	if !fastRequest(raw, &fast) {
		assert.Equal(t, Request{}, fast, "a refused request leaves nothing behind")
		return false
	}
	var want Request
	require.NoError(t, strict(raw, &want), "fastRequest accepted what strict refuses: %s", raw)
	assert.Equal(t, want, fast, "%s", raw)
	return true
}

func TestFastRequestMatchesStrict(t *testing.T) {
	accepted := 0
	for _, s := range fastSeeds {
		if checkFast(t, []byte(s)) {
			accepted++
		}
	}
	assert.GreaterOrEqual(t, accepted, 8, "the ref path's requests take the fast way")
	var r Request
	assert.True(t, fastRequest([]byte(fastSeeds[0]), &r))
	assert.False(t, fastRequest([]byte(`{"op":"fire","case":{"states":{}}}`), &r), "a whole case goes to encoding/json")
	// Deep nesting gives up rather than recursing without end.
	deep := `{"op":"fire","firing":{"data":{"a":` + fmt.Sprint(repeat("[", 100)) + repeat("]", 100) + `}}}`
	assert.False(t, fastRequest([]byte(deep), &r))
	checkFast(t, []byte(deep))
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func FuzzFastRequest(f *testing.F) {
	br := New()
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		defer fuzzcheck.Start().Check(t)
		checkFast(t, raw)
		// And Handle answers it one way or the other without panicking.
		out := br.Handle(raw)
		var e envelope
		require.NoError(t, json.Unmarshal(out, &e), "%s", out)
	})
}

// TestInvalidUTF8DecodesAsEncodingJSON: a request carrying bytes that are
// not UTF-8 (in a value or a key, nested or not) is never decoded by the
// fast path, which would keep the raw bytes; strict (encoding/json) turns
// each into U+FFFD, as a Go host reading the same JSON does. So JS, WASI
// and Go give the engine the same text, and the engine, which refuses
// invalid UTF-8 from the Go API, never sees any from the bridge.
func TestInvalidUTF8DecodesAsEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		"{\"op\":\"fire\",\"engine\":1,\"case_ref\":1,\"firing\":{\"trigger\":\"ehc.draft_issued\",\"actor\":\"la_officer\",\"at\":\"2026-02-02\",\"data\":{\"named_school\":\"Oak\xff\"}}}",
		"{\"op\":\"fire\",\"engine\":1,\"case_ref\":1,\"firing\":{\"trigger\":\"t\",\"actor\":\"a\",\"at\":\"2026-02-02\",\"data\":{\"k\xc3\":1}}}",
		"{\"op\":\"fire\",\"engine\":1,\"case_ref\":1,\"firing\":{\"trigger\":\"t\",\"actor\":\"a\",\"at\":\"2026-02-02\",\"data\":{\"l\":[{\"n\":\"\xed\xa0\x80\"}]}}}",
		"{\"op\":\"fire\",\"engine\":1,\"case_ref\":1,\"firing\":{\"trigger\":\"t\",\"actor\":\"a\",\"at\":\"2026-02-02\",\"facts\":{\"id\":\"c\xff\"}}}",
		"{\"op\":\"permitted\",\"engine\":1,\"case_ref\":1,\"role\":\"par\xffent\",\"as_of\":\"2026-02-02\"}",
	} {
		var fast Request
		assert.False(t, fastRequest([]byte(raw), &fast), "the fast path gives up on %q", raw)
		var got Request
		require.NoError(t, strict([]byte(raw), &got))
		var want Request
		require.NoError(t, json.Unmarshal([]byte(raw), &want))
		assert.Equal(t, want, got)
		b, err := json.Marshal(got)
		require.NoError(t, err)
		assert.Contains(t, string(b), "\ufffd", "encoding/json's replacement character")
		assert.True(t, utf8.Valid(b))
	}
}

// TestRawRequestTakesTheFieldsOfRequest: rawRequest (what diagnose decodes
// a refused request into) only shadows fields of Request, each with the raw
// JSON, so it accepts exactly the requests' fields; a request giving every
// field decodes into both.
func TestRawRequestTakesTheFieldsOfRequest(t *testing.T) {
	jsonNames := func(typ reflect.Type) map[string]reflect.Type {
		out := map[string]reflect.Type{}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if f.Anonymous {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out[name] = f.Type
		}
		return out
	}
	fields := jsonNames(reflect.TypeOf(Request{}))
	shadows := jsonNames(reflect.TypeOf(rawRequest{}))
	assert.Len(t, shadows, 6)
	for name, typ := range shadows {
		assert.Contains(t, fields, name, "rawRequest shadows a field Request does not have")
		assert.Equal(t, reflect.TypeOf(json.RawMessage{}), typ, name)
	}
	every := `{"op":"fire","engine":1,"policy":"p","name":"n","layers":[{"name":"a","text":"b"}],"case":{"states":{}},
		"firing":{"trigger":"t"},"facts":{"id":"i"},"role":"r","as_of":"2026-01-01","locale":"cy","origin":{"id":"o"},
		"events":[],"format":"dot","text":"x","files":[{"path":"p","text":"t"}],"policies":{"a":"b"},"coverage":true,
		"keys":["k"],"case_ref":3,"remember":true,"delta":true,"from":"2026-01-01","to":"2026-12-31","no_verify":true,
		"sen2":{"year":2025,"la":"886","dmo":"Y","dco":"N"}}`
	var req Request
	require.NoError(t, strict([]byte(every), &req))
	var rr rawRequest
	require.NoError(t, strict([]byte(every), &rr))
	for name := range fields {
		assert.Contains(t, every, `"`+name+`":`, "the request above gives every field")
	}
	assert.Equal(t, "fire", rr.Op)
	assert.JSONEq(t, `{"trigger":"t"}`, string(rr.Firing))
	assert.JSONEq(t, `3`, string(rr.CaseRef))
	assert.Nil(t, rr.Request.Firing, "the shadowed fields of Request stay unset")
	assert.Equal(t, sdk.CodeInvalidInput, diagnose([]byte(`{"op":"info","bogus":1}`), nil).Code)
}
