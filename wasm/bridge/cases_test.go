package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// suiteDirs is the scenario suite the ref path is checked on: the
// conformance suite, the examples and the overlay examples (Welsh reasons).
var suiteDirs = []string{"../../testdata/conformance", "../../examples/scenarios", "../../examples/policies"}

func suiteSources(t *testing.T) []scenario.Source {
	var srcs []scenario.Source
	for _, dir := range suiteDirs {
		require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || (!strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml")) {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			srcs = append(srcs, scenario.Source{Path: path, Data: b})
			return nil
		}))
	}
	require.NotEmpty(t, srcs)
	return srcs
}

// raw sends one request to br and returns the raw response, checking that
// Handle did not change it.
func raw(t *testing.T, br *Bridge, v any) []byte {
	t.Helper()
	req, err := json.Marshal(v)
	require.NoError(t, err)
	orig := append([]byte(nil), req...)
	out := br.Handle(req)
	require.Equal(t, orig, req, "Handle changed its input")
	return out
}

type envelope struct {
	OK      bool            `json:"ok"`
	CaseRef int64           `json:"case_ref"`
	Same    []string        `json:"same"`
	Result  json.RawMessage `json:"result"`
	Error   *sdk.Error      `json:"error"`
}

func parse(t *testing.T, out []byte) envelope {
	t.Helper()
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&e), "%s", out)
	return e
}

// bridgeTarget is a scenario.Target that goes through Handle. In ref mode
// every case it returned is passed back by case_ref and fire answers with
// a delta, rebuilt here as the JS wrapper rebuilds it; every answer is
// also asked the full JSON way and the two must be the same bytes.
type bridgeTarget struct {
	t        *testing.T
	br       *Bridge
	h        int
	refs     bool
	byJSON   map[string]int64 // the JSON of a case this target returned → its ref
	calls    *int
	sames    *int // parts of cases a delta left out as the old case's
	triggers []string
}

func (b *bridgeTarget) TriggerNames() []string { return b.triggers }

func (b *bridgeTarget) keep(c sdk.Case, ref int64) {
	j, err := json.Marshal(c)
	require.NoError(b.t, err)
	if b.refs {
		require.Positive(b.t, ref, "a remembered case has a ref")
	}
	b.byJSON[string(j)] = ref
}

func (b *bridgeTarget) refOf(c sdk.Case) (int64, bool) {
	j, err := json.Marshal(c)
	require.NoError(b.t, err)
	r, ok := b.byJSON[string(j)]
	return r, ok && b.refs
}

func (b *bridgeTarget) NewCase(f sdk.Facts) sdk.Case {
	e := parse(b.t, raw(b.t, b.br, M{"op": "new_case", "engine": b.h, "facts": f, "remember": b.refs}))
	require.True(b.t, e.OK)
	var c sdk.Case
	require.NoError(b.t, json.Unmarshal(e.Result, &c))
	b.keep(c, e.CaseRef)
	return c
}

func asErr(e envelope) error {
	if e.OK {
		return nil
	}
	return e.Error
}

func (b *bridgeTarget) Fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	*b.calls++
	full := parse(b.t, raw(b.t, b.br, M{"op": "fire", "engine": b.h, "case": c, "firing": f, "remember": b.refs}))
	ref, known := b.refOf(c)
	if !known {
		var out sdk.Outcome
		if full.OK {
			require.NoError(b.t, json.Unmarshal(full.Result, &out))
			b.keep(out.Case, full.CaseRef)
		}
		return out, asErr(full)
	}
	d := parse(b.t, raw(b.t, b.br, M{"op": "fire", "engine": b.h, "case_ref": ref, "firing": f, "delta": true}))
	if !full.OK {
		require.False(b.t, d.OK, "the full path refused, the ref path did not")
		assert.Equal(b.t, full.Error, d.Error, "the same refusal both ways")
		return sdk.Outcome{}, d.Error
	}
	require.True(b.t, d.OK, "the ref path refused (%v), the full path did not", d.Error)
	require.Positive(b.t, d.CaseRef)
	// Rebuild the case as the wrapper does: history is the old one plus the
	// event, origin the old one unless sent.
	var out sdk.Outcome
	require.NoError(b.t, json.Unmarshal(d.Result, &out))
	var parts struct {
		Case map[string]json.RawMessage `json:"case"`
	}
	require.NoError(b.t, json.Unmarshal(d.Result, &parts))
	if _, ok := parts.Case["history"]; !ok {
		out.Case.History = append(append([]sdk.Event(nil), c.History...), out.Event)
		if _, ok := parts.Case["origin"]; !ok {
			out.Case.Origin = c.Origin
		}
	}
	// and the parts listed in "same" are the old case's.
	for _, k := range d.Same {
		_, sent := parts.Case[k]
		require.False(b.t, sent, "%s is listed in same and sent too", k)
		switch k {
		case "id":
			out.Case.ID = c.ID
		case "la":
			out.Case.LA = c.LA
		case "district":
			out.Case.District = c.District
		case "child":
			out.Case.Child = c.Child
		case "evidence":
			out.Case.Evidence = c.Evidence
		case "person":
			out.Case.Person = c.Person
		case "states":
			out.Case.States = c.States
		case "clocks":
			out.Case.Clocks = c.Clocks
		case "decisions":
			out.Case.Decisions = c.Decisions
		default:
			b.t.Fatalf("same lists %q, not a part of a case", k)
		}
	}
	*b.sames += len(d.Same)
	// The bridge writes JSON without HTML escaping ("&", not "\u0026"),
	// so the rebuilt outcome is written the same way.
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	require.NoError(b.t, e.Encode(out))
	rebuilt := bytes.TrimRight(enc.Bytes(), "\n")
	var want bytes.Buffer
	require.NoError(b.t, json.Compact(&want, full.Result))
	require.Equal(b.t, want.String(), string(rebuilt), "the delta, rebuilt, is the full outcome")
	b.keep(out.Case, d.CaseRef)
	return out, nil
}

func (b *bridgeTarget) both(op string, c sdk.Case, args M) envelope {
	req := M{"op": op, "engine": b.h, "case": c}
	for k, v := range args {
		req[k] = v
	}
	full := parse(b.t, raw(b.t, b.br, req))
	if ref, ok := b.refOf(c); ok {
		delete(req, "case")
		req["case_ref"] = ref
		byRef := parse(b.t, raw(b.t, b.br, req))
		assert.Equal(b.t, full, byRef, "%s by case_ref answers as with the case", op)
	}
	return full
}

func (b *bridgeTarget) Permitted(c sdk.Case, role, asOf string) ([]sdk.Permission, error) {
	e := b.both("permitted", c, M{"role": role, "as_of": asOf, "locale": "cy"})
	var perms []sdk.Permission
	if e.OK {
		require.NoError(b.t, json.Unmarshal(e.Result, &perms))
	}
	if b.refs {
		b.both("verify", c, nil)
		b.both("graph", c, M{"format": "mermaid"})
	}
	return perms, asErr(e)
}

func (b *bridgeTarget) Clocks(c sdk.Case, asOf string) (sdk.ClockReport, error) {
	e := b.both("clocks", c, M{"as_of": asOf})
	var rep sdk.ClockReport
	if e.OK {
		require.NoError(b.t, json.Unmarshal(e.Result, &rep))
	}
	return rep, asErr(e)
}

// runThroughBridge runs the suite through Handle (refs or not) and returns
// the report, how many firings it made and how many case parts deltas
// left out as the old case's.
func runThroughBridge(t *testing.T, refs bool) (scenario.Report, int, int) {
	br := New()
	calls, sames := 0, 0
	var handles []int
	defer func() {
		for _, h := range handles {
			br.Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, h)))
		}
	}()
	compiled := map[string]*bridgeTarget{}
	load := func(ref, base string) (scenario.Target, error) {
		key := "default"
		req := M{"op": "compile"}
		if ref != "" && ref != "default" {
			key = filepath.Join(base, ref)
			srcs, err := scenario.PolicySources(key)
			if err != nil {
				return nil, err
			}
			var layers []Layer
			for _, s := range srcs {
				layers = append(layers, Layer{Name: s.Name, Text: string(s.Data)})
			}
			req["layers"] = layers
		}
		if bt := compiled[key]; bt != nil {
			return bt, nil
		}
		e := parse(t, raw(t, br, req))
		if !e.OK {
			return nil, e.Error
		}
		var c Compiled
		require.NoError(t, json.Unmarshal(e.Result, &c))
		handles = append(handles, c.Engine)
		bt := &bridgeTarget{t: t, br: br, h: c.Engine, refs: refs, byJSON: map[string]int64{}, calls: &calls, sames: &sames, triggers: c.Triggers}
		compiled[key] = bt
		return bt, nil
	}
	rep, err := scenario.RunSources(suiteSources(t), load)
	require.NoError(t, err)
	return rep, calls, sames
}

func TestRefsAndDeltasAnswerAsTheFullJSONOnTheWholeSuite(t *testing.T) {
	native, err := scenario.RunSources(suiteSources(t), nil)
	require.NoError(t, err)
	require.Equal(t, 0, native.Failed)
	for _, refs := range []bool{false, true} {
		rep, calls, sames := runThroughBridge(t, refs)
		assert.Greater(t, calls, 300, "a real suite")
		if refs {
			assert.Greater(t, sames, calls, "deltas leave out the parts of cases that did not change")
		}
		assertSameJSON(t, native, rep)
		assert.Equal(t, native.Passed, rep.Passed)
	}
}

// TestFastJSONMatchesEncodingJSON compares the hand-written encoders with
// encoding/json on every outcome of the suite and on awkward values.
func TestFastJSONMatchesEncodingJSON(t *testing.T) {
	check := func(v any) {
		t.Helper()
		want := encode(Response{OK: true, CaseRef: 42, Result: v})
		got, ok := fastResponse(nil, 42, v)
		require.True(t, ok)
		require.Equal(t, string(want), string(got))
		want = encode(Response{OK: true, Result: v})
		got, _ = fastResponse([]byte("prefix"), 0, v)
		require.Equal(t, "prefix", string(got[:6]))
		got = got[6:]
		require.Equal(t, string(want), string(got))
	}
	n := 0
	load := func(ref, base string) (scenario.Target, error) {
		tg, err := scenario.DefaultLoader(ref, base)
		if err != nil {
			return nil, err
		}
		return recordTarget{tg, func(o sdk.Outcome) { check(o); check(o.Case); n++ }}, nil
	}
	_, err := scenario.RunSources(suiteSources(t), load)
	require.NoError(t, err)
	assert.Greater(t, n, 300)

	y0, dl := 0, -3
	awkward := []string{"", "plain", `quo"te\back`, "tab\tnl\ncr\rbs\bff\f", "\x00\x01\x1f\x7f", "<b>&amp;</b>", "bad\xffutf8\xc3", "line\u2028para\u2029", "emoji 😀 é 中", "\u00a0"}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 7500, 1e20, 1e21, 1.5e21, 1e-6, 1e-7, 123456789.125, -2.5e-9, math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, s := range awkward {
		data := map[string]any{s: s, "list": []any{s, 1.0, true, nil, map[string]any{s: []any{}}}, "empty": map[string]any{}, "n": nil}
		for i, f := range floats {
			data[fmt.Sprint("f", i)] = f
		}
		c := sdk.Case{Facts: sdk.Facts{ID: s, LA: s, District: s, Child: sdk.Child{DateOfBirth: s, YearGroup: &y0}, Evidence: []string{s, s}},
			States: map[string]string{s: s, "a": s}, Clocks: map[string]sdk.Clock{s: {ID: s, Source: s, Kind: sdk.ClockKind(s), StartedAt: s, StartedBy: s, Due: s, StoppedAt: s, StoppedBy: s, Cancelled: true, Void: true, Exception: s, Status: sdk.ClockState(s), Citation: s}, "z": {}},
			Decisions: []sdk.Decision{{Kind: s, At: s, Trigger: s, Seq: -7}}, Origin: &sdk.Facts{},
			Exceptions: []sdk.Exception{{Seq: 3, Reason: s, Since: s, Until: s, AdviceRequestedOn: s, Before: s}, {Reason: s}},
			History: []sdk.Event{{Seq: 1, At: s, Actor: s, Trigger: s, Data: data, Facts: map[string]any{"child": map[string]any{"year_group": 3.0}}, StatesBefore: map[string]string{}, PolicyID: s, PolicyHash: s, PrevHash: s, Hash: s},
				{Seq: 2, StatesBefore: map[string]string{s: s}, KeyID: s, Signature: s}, {Seq: 3, Signature: s}, {Seq: 4, KeyID: s}}}
		check(c)
		check(sdk.Case{})
		check(sdk.Case{Facts: sdk.Facts{Evidence: []string{}}, Clocks: map[string]sdk.Clock{}, Decisions: []sdk.Decision{}, History: []sdk.Event{}})
		check(sdk.Outcome{Case: c, Event: c.History[0], Clocks: []sdk.ClockStatus{{Clock: c.Clocks[s], Key: s, DaysLeft: &dl}, {Key: s}},
			Warnings: []sdk.Warning{{Code: sdk.WarningCode(s), Message: s, Guard: s, Citation: s, Layer: s}, {}}})
		check(sdk.Outcome{})
	}
	// Types JSON does not give (a host-built Go value) go through encoding/json.
	check(sdk.Outcome{Event: sdk.Event{Data: map[string]any{"n": 3, "s": []string{"a<b"}, "m": map[string]int{"b": 1, "a": 2}}}})
	// A value encoding/json refuses is left to it (and answered as it answers).
	_, ok := fastResponse(nil, 1, sdk.Outcome{Event: sdk.Event{Data: map[string]any{"nan": math.NaN()}}})
	assert.False(t, ok)
	out := respond(nil, 1, sdk.Outcome{Event: sdk.Event{Data: map[string]any{"nan": math.NaN()}}})
	assert.Contains(t, string(out), `"code":"internal_error"`)
}

type recordTarget struct {
	scenario.Target
	seen func(sdk.Outcome)
}

func (r recordTarget) Fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	o, err := r.Target.Fire(c, f)
	if err == nil {
		r.seen(o)
	}
	return o, err
}

// TestFastJSONKnowsEveryField fails when an SDK type the encoders write
// gains, loses or renames a field: update fastjson.go, then this list.
func TestFastJSONKnowsEveryField(t *testing.T) {
	want := map[reflect.Type]string{
		reflect.TypeOf(sdk.Outcome{}):     "Case:case Event:event Clocks:clocks Warnings:warnings",
		reflect.TypeOf(sdk.Case{}):        "Facts: States:states Clocks:clocks,omitempty Decisions:decisions,omitempty Exceptions:exceptions,omitempty Origin:origin,omitempty History:history,omitempty",
		reflect.TypeOf(sdk.Facts{}):       "ID:id,omitempty LA:la,omitempty District:district,omitempty Child:child Evidence:evidence,omitempty Person:person,omitempty",
		reflect.TypeOf(sdk.Child{}):       "DateOfBirth:date_of_birth,omitempty YearGroup:year_group,omitempty LacksCapacity:lacks_capacity,omitempty Representative:representative,omitempty AuthorisedParent:authorised_parent,omitempty Post25Setting:post25_setting,omitempty ApprenticeshipEnd:apprenticeship_end,omitempty CourseEnd:course_end,omitempty",
		reflect.TypeOf(sdk.Clock{}):       "ID:id Source:source,omitempty Decision:decision,omitempty Kind:kind StartedAt:started_at StartedBy:started_by,omitempty Due:due Date:date,omitempty StoppedAt:stopped_at,omitempty StoppedBy:stopped_by,omitempty Cancelled:cancelled,omitempty Void:void,omitempty Exception:exception,omitempty Status:status Citation:citation,omitempty",
		reflect.TypeOf(sdk.ClockStatus{}): "Clock: Key:key DaysLeft:days_left,omitempty",
		reflect.TypeOf(sdk.Decision{}):    "Kind:kind At:at Trigger:trigger Seq:seq Dispute:dispute,omitempty Order:order,omitempty Notes:notes,omitempty",
		reflect.TypeOf(sdk.Exception{}):   "Seq:seq Reason:reason Since:since Until:until,omitempty AdviceRequestedOn:advice_requested_on,omitempty Before:before,omitempty",
		reflect.TypeOf(sdk.Warning{}):     "Code:code Message:message Guard:guard,omitempty Citation:citation,omitempty Layer:layer,omitempty",
		reflect.TypeOf(sdk.Event{}):       "Seq:seq At:at Actor:actor By:by,omitempty Trigger:trigger Data:data,omitempty Facts:facts,omitempty StatesBefore:states_before StatesAfter:states_after PolicyID:policy_id PolicyHash:policy_hash PrevHash:prev_hash Hash:hash KeyID:key_id,omitempty Signature:signature,omitempty",
	}
	for typ, fields := range want {
		var got []string
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			got = append(got, f.Name+":"+f.Tag.Get("json"))
		}
		assert.Equal(t, fields, strings.Join(got, " "), "%s changed: update fastjson.go", typ)
	}
}

func compileH(t *testing.T, br *Bridge, req M) int {
	t.Helper()
	var c Compiled
	ok(t, br, req, &c)
	t.Cleanup(func() { br.Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, c.Engine))) })
	return c.Engine
}

func remembered(t *testing.T, br *Bridge, h int) (sdk.Case, int64) {
	t.Helper()
	e := parse(t, raw(t, br, M{"op": "new_case", "engine": h, "facts": M{"id": "r1", "child": M{"date_of_birth": "2016-04-01"}}, "remember": true}))
	require.True(t, e.OK)
	require.Positive(t, e.CaseRef)
	var c sdk.Case
	require.NoError(t, json.Unmarshal(e.Result, &c))
	return c, e.CaseRef
}

func TestHostileCaseRefsAreStructuredErrors(t *testing.T) {
	br := New()
	h := compileH(t, br, M{"op": "compile"})
	other := compileH(t, br, M{"op": "compile"})
	c, ref := remembered(t, br, h)
	firing := M{"trigger": "ehc.requested", "actor": "parent", "at": "2026-01-05"}
	tests := []struct {
		name    string
		req     any
		problem sdk.Code
	}{
		{"a string", `{"op":"fire","engine":` + fmt.Sprint(h) + `,"case_ref":"17","firing":{}}`, ""},
		{"a fraction", `{"op":"clocks","engine":` + fmt.Sprint(h) + `,"case_ref":1.5,"as_of":"2026-01-01"}`, ""},
		{"a boolean", `{"op":"verify","engine":` + fmt.Sprint(h) + `,"case_ref":true}`, ""},
		{"too big for a ref", `{"op":"verify","engine":` + fmt.Sprint(h) + `,"case_ref":1e300}`, ""},
		{"an object", `{"op":"verify","engine":` + fmt.Sprint(h) + `,"case_ref":{"ref":1}}`, ""},
		{"zero", M{"op": "fire", "engine": h, "case_ref": 0, "firing": firing}, ProblemCaseRefInvalid},
		{"negative", M{"op": "fire", "engine": h, "case_ref": -5, "firing": firing, "delta": true}, ProblemCaseRefInvalid},
		{"never issued", M{"op": "fire", "engine": h, "case_ref": int64(math.MaxInt64), "firing": firing}, ProblemCaseRefUnknown},
		{"from another engine", M{"op": "permitted", "engine": other, "case_ref": ref, "role": "parent", "as_of": "2026-01-01"}, ProblemCaseRefOtherEngine},
		{"with the case too", M{"op": "clocks", "engine": h, "case_ref": ref, "case": c, "as_of": "2026-01-01"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := code(t, br, tt.req)
			assert.Equal(t, sdk.CodeInvalidInput, e.Code, "%+v", e)
			assert.Equal(t, "/case_ref", e.Pointer, "%+v", e)
			if tt.problem != "" {
				require.Len(t, e.Problems, 1)
				assert.Equal(t, tt.problem, e.Problems[0].Code)
			}
		})
	}
	e := code(t, br, M{"op": "fire", "engine": h, "case": c, "firing": firing, "delta": true})
	assert.Equal(t, "/delta", e.Pointer, "a delta needs a case_ref")
	// The ref still works after all that, and a freed engine's cases go.
	var rep sdk.ClockReport
	ok(t, br, M{"op": "clocks", "engine": h, "case_ref": ref, "as_of": "2026-01-01"}, &rep)
	before, _ := br.CachedCases()
	br.Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, h)))
	after, _ := br.CachedCases()
	assert.Less(t, after, before)
}

func TestTheCaseCacheIsBounded(t *testing.T) {
	br := New()
	h := compileH(t, br, M{"op": "compile"})
	_, first := remembered(t, br, h)
	var last int64
	for i := 0; i < MaxCases+10; i++ {
		_, last = remembered(t, br, h)
	}
	n, size := br.CachedCases()
	assert.LessOrEqual(t, n, MaxCases)
	assert.LessOrEqual(t, size, MaxCaseCacheBytes)
	assert.Greater(t, last, first, "refs count up")
	e := code(t, br, M{"op": "verify", "engine": h, "case_ref": first})
	require.Len(t, e.Problems, 1)
	assert.Equal(t, ProblemCaseRefUnknown, e.Problems[0].Code, "the oldest was evicted")
	ok(t, br, M{"op": "verify", "engine": h, "case_ref": last}, nil)

	// The byte limit: cases carried by more bytes than the cache holds are
	// dropped at once, the least recently used first.
	br.cases.Lock()
	counted := 0
	for _, e := range br.cases.m {
		counted += e.size
	}
	assert.Equal(t, counted, br.cases.bytes, "the bytes counted are the cases' sizes")
	br.cases.Unlock()
	big := strings.Repeat("x", MaxCaseCacheBytes/3)
	var refs []int64
	for i := 0; i < 4; i++ {
		e := parse(t, raw(t, br, M{"op": "new_case", "engine": h, "facts": M{"id": big}, "remember": true}))
		require.True(t, e.OK)
		refs = append(refs, e.CaseRef)
	}
	_, size = br.CachedCases()
	assert.LessOrEqual(t, size, MaxCaseCacheBytes)
	assert.Equal(t, ProblemCaseRefUnknown, code(t, br, M{"op": "verify", "engine": h, "case_ref": refs[0]}).Problems[0].Code)
	ok(t, br, M{"op": "verify", "engine": h, "case_ref": refs[3]}, nil)
}

func TestPermittedPassesTheLocale(t *testing.T) {
	br := New()
	kent, err := os.ReadFile("../../examples/policies/kent.yaml")
	require.NoError(t, err)
	h := compileH(t, br, M{"op": "compile", "policy": string(kent), "name": "kent.yaml"})
	_, ref0 := remembered(t, br, h)
	fired := parse(t, raw(t, br, M{"op": "fire", "engine": h, "case_ref": ref0, "delta": true,
		"firing": M{"trigger": "hnf.considered", "actor": "school", "at": "2026-01-05", "data": M{"annual_provision_cost": 7500}}}))
	require.True(t, fired.OK, "%+v", fired.Error)
	ref := fired.CaseRef
	var c sdk.Case
	ok(t, br, M{"op": "replay", "engine": h, "origin": M{"id": "r1", "child": M{"date_of_birth": "2016-04-01"}}, "events": json.RawMessage(mustField(t, fired.Result, "event", true))}, &c)
	reasons := func(req M) map[string]string {
		var perms []sdk.Permission
		ok(t, br, req, &perms)
		out := map[string]string{}
		for _, p := range perms {
			if p.Reason != "" {
				out[p.Trigger] = p.Reason
			}
		}
		return out
	}
	en := reasons(M{"op": "permitted", "engine": h, "case": c, "role": "school", "as_of": "2026-01-10"})
	cy := reasons(M{"op": "permitted", "engine": h, "case": c, "role": "school", "as_of": "2026-01-10", "locale": "cy-GB"})
	cyRef := reasons(M{"op": "permitted", "engine": h, "case_ref": ref, "role": "school", "as_of": "2026-01-10", "locale": "cy"})
	assert.Equal(t, cy, cyRef)
	e, err := sdk.Compile(sdk.PolicySource{Name: "kent.yaml", Data: kent})
	require.NoError(t, err)
	want, err := e.PermittedContext(context.Background(), c, "school", "2026-01-10", "cy")
	require.NoError(t, err)
	welsh := 0
	for _, p := range want {
		if p.Reason != "" {
			assert.Equal(t, p.Reason, cy[p.Trigger])
			if p.Reason != en[p.Trigger] {
				welsh++
			}
		}
	}
	assert.Positive(t, welsh, "some reasons are in Welsh")
}

func TestCaseRefsUnderConcurrentUse(t *testing.T) {
	br := New()
	h := compileH(t, br, M{"op": "compile"})
	_, ref := remembered(t, br, h)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := ref
			for i := 0; i < 10; i++ {
				out := br.Handle([]byte(fmt.Sprintf(`{"op":"fire","engine":%d,"case_ref":%d,"firing":{"trigger":"ehc.requested","actor":"parent","at":"2026-01-05"},"delta":true}`, h, r)))
				var e envelope
				if err := json.Unmarshal(out, &e); err != nil || !e.OK {
					errs <- string(out)
					return
				}
				br.Handle([]byte(fmt.Sprintf(`{"op":"new_case","engine":%d,"remember":true}`, h)))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// mustField returns a field of a JSON object, wrapped in a list when asked.
func mustField(t *testing.T, obj json.RawMessage, name string, list bool) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(obj, &m))
	require.Contains(t, m, name)
	if list {
		return append(append([]byte("["), m[name]...), ']')
	}
	return m[name]
}

func TestAPanicOnTheRefPathIsInternalErrorAndTheRefStillWorks(t *testing.T) {
	br := New()
	h := compileH(t, br, M{"op": "compile"})
	_, ref := remembered(t, br, h)
	req := []byte(fmt.Sprintf(`{"op":"fire","engine":%d,"case_ref":%d,"firing":{"trigger":"ehc.requested","actor":"parent","at":"2026-01-05"},"delta":true}`, h, ref))
	br.beforeOp = func(r []byte) {
		if bytes.Contains(r, []byte("case_ref")) {
			panic("boom")
		}
	}
	out := br.AppendHandle([]byte("kept:"), req)
	br.beforeOp = nil
	require.True(t, bytes.HasPrefix(out, []byte("kept:")), "the answer is appended after dst")
	e := parse(t, out[len("kept:"):])
	require.False(t, e.OK)
	assert.Equal(t, sdk.CodeInternal, e.Error.Code)
	e = parse(t, br.AppendHandle(nil, req))
	require.True(t, e.OK, "%+v", e.Error)
	assert.Positive(t, e.CaseRef)
}

// TestValidLocaleMatchesItsPattern checks the hand-written locale check
// against the pattern it replaces, on tags and near misses.
func TestValidLocaleMatchesItsPattern(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$`)
	in := []string{"", "e", "en", "cy", "eng", "engl", "en-GB", "cy-GB", "en-", "-en", "en--GB", "en-GB-x", "en-123456789", "en-12345678",
		"en-a-b-c-d", "en-a-b-c-d-e", "e1", "EN-gb", "en_GB", "en-G B", "zh-Hant-TW", "ca-ES-valencia", "é", "en-GB\n", "12", "en-ü"}
	for _, s := range in {
		assert.Equal(t, re.MatchString(s), validLocale(s), "%q", s)
	}
}

// TestCompiledAnswerMatchesEncodingJSON: the compile answer, written by
// hand, is encoding/json's byte for byte.
func TestCompiledAnswerMatchesEncodingJSON(t *testing.T) {
	br := New()
	for _, c := range []Compiled{{}, {Engine: 7, PolicyID: `a"b`, PolicyHash: "h", Layers: []string{}, Tracks: []string{"ehc", "é\n"}, Triggers: []string{"x"}},
		{Engine: 1, Layers: []string{"kent.yaml"}}} {
		want := encode(Response{OK: true, Result: c})
		got, ok := fastResponse(nil, 0, c)
		require.True(t, ok)
		assert.Equal(t, string(want), string(got))
	}
	raw := br.Handle([]byte(`{"op":"compile"}`))
	var r Response
	require.NoError(t, json.Unmarshal(raw, &r))
	require.True(t, r.OK)
	b, _ := json.Marshal(r.Result)
	var back Compiled
	require.NoError(t, json.Unmarshal(b, &back))
	assert.NotEmpty(t, back.Triggers)
	assert.Equal(t, string(encode(Response{OK: true, Result: back})), string(raw))
}

// TestDeltaLeavesOutWhatDidNotChange: a delta's case leaves out the parts
// that are the old case's and lists them in "same"; what changed is sent.
func TestDeltaLeavesOutWhatDidNotChange(t *testing.T) {
	br := New()
	h := compileH(t, br, M{"op": "compile"})
	_, ref := remembered(t, br, h)
	fire := func(ref int64, f M) (envelope, map[string]json.RawMessage) {
		t.Helper()
		d := parse(t, raw(t, br, M{"op": "fire", "engine": h, "case_ref": ref, "firing": f, "delta": true}))
		require.True(t, d.OK, "%+v", d.Error)
		var parts struct {
			Case map[string]json.RawMessage `json:"case"`
		}
		require.NoError(t, json.Unmarshal(d.Result, &parts))
		return d, parts.Case
	}
	// ehc.requested starts clocks and changes a state; the facts stay.
	d, c := fire(ref, M{"trigger": "ehc.requested", "actor": "parent", "at": "2026-01-05"})
	assert.Equal(t, []string{"id", "la", "district", "child", "evidence", "person", "decisions"}, d.Same)
	assert.Contains(t, c, "states")
	assert.Contains(t, c, "clocks")
	assert.NotContains(t, c, "child")
	assert.NotContains(t, c, "id")
	// A firing that brings facts: the facts are sent, the clocks are not.
	d, c = fire(d.CaseRef, M{"trigger": "support.concern_raised", "actor": "senco", "at": "2026-01-06", "facts": M{"evidence": []string{"personalised_plan"}}})
	assert.Equal(t, []string{"clocks", "decisions"}, d.Same)
	assert.JSONEq(t, `["personalised_plan"]`, string(c["evidence"]))
	assert.JSONEq(t, `{"date_of_birth":"2016-04-01"}`, string(c["child"]))
	assert.NotContains(t, c, "clocks")
	// A whole answer (no delta) never has "same".
	full := parse(t, raw(t, br, M{"op": "fire", "engine": h, "case_ref": d.CaseRef, "firing": M{"trigger": "support.placed", "actor": "senco", "at": "2026-01-07"}}))
	require.True(t, full.OK)
	assert.Nil(t, full.Same)
}
