package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

type answer struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *sdk.Error      `json:"error"`
}

// call sends a request built from v to br and decodes the response strictly.
func call(t *testing.T, br *Bridge, v any) answer {
	t.Helper()
	var req []byte
	switch r := v.(type) {
	case string:
		req = []byte(r)
	case []byte:
		req = r
	default:
		var err error
		req, err = json.Marshal(v)
		require.NoError(t, err)
	}
	orig := append([]byte(nil), req...)
	out := br.Handle(req)
	assert.Equal(t, orig, req, "Handle changed its input")
	var a answer
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&a), "response %s", out)
	if a.OK {
		require.Nil(t, a.Error)
	} else {
		require.NotNil(t, a.Error, "a failed response carries an error: %s", out)
		require.Contains(t, sdk.Codes(), a.Error.Code)
	}
	return a
}

func ok(t *testing.T, br *Bridge, v any, into any) {
	t.Helper()
	a := call(t, br, v)
	require.True(t, a.OK, "expected ok, got %+v", a.Error)
	if into != nil {
		require.NoError(t, json.Unmarshal(a.Result, into))
	}
}

func code(t *testing.T, br *Bridge, v any) *sdk.Error {
	t.Helper()
	a := call(t, br, v)
	require.False(t, a.OK, "expected an error, got %s", a.Result)
	return a.Error
}

type M = map[string]any

func compileDefault(t *testing.T, br *Bridge) int {
	t.Helper()
	var c Compiled
	ok(t, br, M{"op": "compile"}, &c)
	require.Positive(t, c.Engine)
	return c.Engine
}

func TestEveryOpAnswersLikeTheGoSDK(t *testing.T) {
	br := New()
	e, err := sdk.Default()
	require.NoError(t, err)
	h := compileDefault(t, br)

	var info Info
	ok(t, br, M{"op": "info"}, &info)
	assert.Equal(t, Ops(), info.Ops)
	assert.Equal(t, sdk.Codes(), info.Codes)

	var comp Compiled
	ok(t, br, M{"op": "compile"}, &comp)
	assert.Equal(t, e.PolicyHash(), comp.PolicyHash)
	assert.Equal(t, e.TriggerNames(), comp.Triggers)
	assert.NotEqual(t, h, comp.Engine, "a new handle for every compile")

	var yaml string
	ok(t, br, M{"op": "default_policy"}, &yaml)
	assert.Equal(t, string(sdk.DefaultPolicy()), yaml)

	var pol sdk.Policy
	ok(t, br, M{"op": "policy", "engine": h}, &pol)
	assert.Equal(t, e.Policy().ID, pol.ID)
	assert.Len(t, pol.Triggers, len(e.Policy().Triggers))

	facts := sdk.Facts{ID: "b1", LA: "kent", Child: sdk.Child{DateOfBirth: "2016-04-01"}, Evidence: []string{"personalised_plan"}}
	var c sdk.Case
	ok(t, br, M{"op": "new_case", "engine": h, "facts": facts}, &c)
	assert.Equal(t, e.NewCase(facts), c)

	firing := sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"}
	var out sdk.Outcome
	ok(t, br, M{"op": "fire", "engine": h, "case": c, "firing": firing}, &out)
	want, err := e.Fire(c, firing)
	require.NoError(t, err)
	assertSameJSON(t, want, out)

	var perms []sdk.Permission
	ok(t, br, M{"op": "permitted", "engine": h, "case": out.Case, "role": "la_officer", "as_of": "2026-01-10", "locale": "en-GB"}, &perms)
	wantPerms, err := e.Permitted(out.Case, "la_officer", "2026-01-10")
	require.NoError(t, err)
	assertSameJSON(t, wantPerms, perms)

	var rep sdk.ClockReport
	ok(t, br, M{"op": "clocks", "engine": h, "case": out.Case, "as_of": "2026-03-01"}, &rep)
	wantRep, err := e.Clocks(out.Case, "2026-03-01")
	require.NoError(t, err)
	assertSameJSON(t, wantRep, rep)

	var replayed sdk.Case
	ok(t, br, M{"op": "replay", "engine": h, "origin": out.Case.Origin, "events": out.Case.History}, &replayed)
	assertSameJSON(t, out.Case, replayed)

	var vr sdk.VerifyReport
	ok(t, br, M{"op": "verify", "engine": h, "case": out.Case}, &vr)
	assert.True(t, vr.OK, vr.Reason)
	tampered := out.Case
	tampered.History = append([]sdk.Event(nil), out.Case.History...)
	tampered.History[0].Actor = "school"
	ok(t, br, M{"op": "verify", "engine": h, "case": tampered}, &vr)
	assert.False(t, vr.OK)
	assert.Equal(t, 1, vr.FirstBad)

	var dot string
	ok(t, br, M{"op": "graph", "engine": h, "format": "dot", "case": out.Case}, &dot)
	wantDot, err := e.Graph("dot", &out.Case)
	require.NoError(t, err)
	assert.Equal(t, wantDot, dot)
	var mermaid string
	ok(t, br, M{"op": "graph", "engine": h, "format": "mermaid"}, &mermaid)
	assert.True(t, strings.HasPrefix(mermaid, "flowchart"))

	var freed map[string]bool
	ok(t, br, M{"op": "free", "engine": comp.Engine}, &freed)
	assert.True(t, freed["freed"])
	assert.Equal(t, sdk.CodeInvalidInput, code(t, br, M{"op": "fire", "engine": comp.Engine, "case": c, "firing": firing}).Code)
}

func assertSameJSON(t *testing.T, want, got any) {
	t.Helper()
	wb, err := json.Marshal(want)
	require.NoError(t, err)
	gb, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, string(wb), string(gb))
}

func TestEveryErrorCode(t *testing.T) {
	br := New()
	h := compileDefault(t, br)
	var c sdk.Case
	ok(t, br, M{"op": "new_case", "engine": h, "facts": M{"id": "x", "child": M{"date_of_birth": "2018-05-05"}}}, &c)
	fire := func(trigger, actor, at string, data M) M {
		return M{"op": "fire", "engine": h, "case": c, "firing": M{"trigger": trigger, "actor": actor, "at": at, "data": data}}
	}
	tooBig := `{"op":"info","name":"` + strings.Repeat("x", MaxRequestBytes) + `"}`
	tests := []struct {
		name string
		req  any
		want sdk.Code
		ptr  string
	}{
		{"malformed JSON", `{"op":`, sdk.CodeInvalidInput, ""},
		{"not an object", `[1,2]`, sdk.CodeInvalidInput, ""},
		{"trailing data", `{"op":"info"} {}`, sdk.CodeInvalidInput, ""},
		{"unknown field", `{"op":"info","bogus":1}`, sdk.CodeInvalidInput, ""},
		{"no op", `{}`, sdk.CodeInvalidInput, "/op"},
		{"unknown op", M{"op": "explode"}, sdk.CodeInvalidInput, "/op"},
		{"no engine", M{"op": "fire"}, sdk.CodeInvalidInput, "/engine"},
		{"unknown engine", M{"op": "clocks", "engine": 999999}, sdk.CodeInvalidInput, "/engine"},
		{"oversized", tooBig, sdk.CodeLimitExceeded, ""},
		{"no case", M{"op": "fire", "engine": h, "firing": M{}}, sdk.CodeInvalidCase, "/case"},
		{"case of the wrong shape", M{"op": "clocks", "engine": h, "case": M{"states": 3}, "as_of": "2026-01-01"}, sdk.CodeInvalidCase, "/case"},
		{"case with an unknown field", M{"op": "verify", "engine": h, "case": M{"states": M{}, "colour": "red"}}, sdk.CodeInvalidCase, "/case"},
		{"case in an unknown state", M{"op": "clocks", "engine": h, "case": M{"states": M{"ehc": "limbo"}}, "as_of": "2026-01-01"}, sdk.CodeInvalidCase, "/states/ehc"},
		{"no firing", M{"op": "fire", "engine": h, "case": c}, sdk.CodeInvalidInput, "/firing"},
		{"firing with an unknown field", M{"op": "fire", "engine": h, "case": c, "firing": M{"trigger": "ehc.requested", "when": 1}}, sdk.CodeInvalidInput, "/firing"},
		{"unknown trigger", fire("ehc.request", "parent", "2026-01-05", nil), sdk.CodeUnknownTrigger, "/trigger"},
		{"unknown role", fire("ehc.requested", "headteacher", "2026-01-05", nil), sdk.CodeNotAuthorised, "/actor"},
		{"wrong state", fire("ehc.plan_finalised", "la_officer", "2026-01-05", nil), sdk.CodeNotPermitted, "/trigger"},
		{"bad date", fire("ehc.requested", "parent", "2026-02-30", nil), sdk.CodeInvalidInput, "/at"},
		{"guard failed", fire("dispute.appeal_registered", "parent", "2026-01-05", M{"placement_only": true}), sdk.CodeGuardFailed, ""},
		{"bad as_of", M{"op": "clocks", "engine": h, "case": c, "as_of": "soon"}, sdk.CodeInvalidInput, "/as_of"},
		{"permitted for an unknown role", M{"op": "permitted", "engine": h, "case": c, "role": "wizard", "as_of": "2026-01-01"}, sdk.CodeNotAuthorised, "/role"},
		{"bad locale", M{"op": "permitted", "engine": h, "case": c, "role": "parent", "as_of": "2026-01-01", "locale": "<script>"}, sdk.CodeInvalidInput, "/locale"},
		{"bad graph format", M{"op": "graph", "engine": h, "format": "svg"}, sdk.CodeInvalidInput, "/format"},
		{"invalid policy", M{"op": "compile", "policy": "id: [", "name": "district.yaml"}, sdk.CodeInvalidPolicy, ""},
		{"statutory floor", M{"op": "compile", "policy": "id: slow\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}\n"}, sdk.CodeStatutoryFloor, ""},
		{"history mismatch", M{"op": "replay", "engine": h, "origin": M{}, "events": []M{{"seq": 1, "at": "2026-01-05T00:00:00Z", "actor": "parent", "trigger": "ehc.plan_finalised"}}}, sdk.CodeHistoryMismatch, "/history/0"},
		{"events of the wrong shape", M{"op": "replay", "engine": h, "events": "many"}, sdk.CodeInvalidInput, "/events"},
		{"run_scenario without text", M{"op": "run_scenario"}, sdk.CodeInvalidInput, "/text"},
		{"run_scenario on a bad file", M{"op": "run_scenario", "text": "name: x\nsteps: 3\n"}, sdk.CodeInvalidInput, ""},
		{"run_files without files", M{"op": "run_files"}, sdk.CodeInvalidInput, "/files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := code(t, br, tt.req)
			assert.Equal(t, tt.want, e.Code, "%+v", e)
			assert.NotEmpty(t, e.Message)
			if tt.ptr != "" {
				assert.Equal(t, tt.ptr, e.Pointer)
			}
		})
	}
	t.Run("guard failures are listed as in Go", func(t *testing.T) {
		e := code(t, br, fire("dispute.appeal_registered", "parent", "2026-01-05", M{"placement_only": true}))
		assert.NotEmpty(t, e.Guards)
	})
	t.Run("policy problems carry positions", func(t *testing.T) {
		e := code(t, br, M{"op": "compile", "policy": "id: slow\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}\n", "name": "slow.yaml"})
		require.NotEmpty(t, e.Problems)
		assert.Contains(t, e.Problems[0].Location, "slow.yaml:")
	})
}

func TestPanicsBecomeInternalErrorAndTheNextCallWorks(t *testing.T) {
	br := New()
	br.beforeOp = func(req []byte) {
		if bytes.Contains(req, []byte("boom")) {
			panic("boom")
		}
	}
	e := code(t, br, `{"op":"info","name":"boom"}`)
	assert.Equal(t, sdk.CodeInternal, e.Code)
	assert.Contains(t, e.Message, "boom")
	var info Info
	ok(t, br, M{"op": "info"}, &info)
	assert.Equal(t, Version, info.Protocol)
}

func TestEngineLimitAndFree(t *testing.T) {
	br := New()
	var handles []int
	defer func() {
		for _, h := range handles {
			br.Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, h)))
		}
	}()
	for br.Engines() < MaxEngines {
		var c Compiled
		ok(t, br, M{"op": "compile"}, &c)
		handles = append(handles, c.Engine)
	}
	assert.Equal(t, sdk.CodeLimitExceeded, code(t, br, M{"op": "compile"}).Code)
	ok(t, br, M{"op": "free", "engine": handles[0]}, nil)
	assert.Equal(t, sdk.CodeInvalidInput, code(t, br, M{"op": "free", "engine": handles[0]}).Code, "a freed handle is gone")
	var c Compiled
	ok(t, br, M{"op": "compile"}, &c)
	assert.Greater(t, c.Engine, handles[len(handles)-1], "handles are never reused")
	handles = append(handles[1:], c.Engine)
}

func TestCompileOverlayAndLayers(t *testing.T) {
	br := New()
	overlay := "id: fast\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}\n"
	var one, two Compiled
	ok(t, br, M{"op": "compile", "policy": overlay, "name": "fast.yaml"}, &one)
	assert.Equal(t, "fast", one.PolicyID)
	assert.Equal(t, []string{"default", "fast"}, one.Layers)
	ok(t, br, M{"op": "compile", "layers": []M{{"name": "a.yaml", "text": overlay}, {"name": "b.yaml", "text": "id: b\n"}}}, &two)
	assert.Len(t, two.Layers, 3)
}

func TestRunScenarioAndRunFilesMatchTheNativeRunner(t *testing.T) {
	br := New()
	dir := filepath.Join("..", "..", "testdata", "conformance")
	native, err := scenario.RunFiles([]string{dir}, nil)
	require.NoError(t, err)
	require.Equal(t, 0, native.Failed)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var files []File
	for _, en := range entries {
		b, err := os.ReadFile(filepath.Join(dir, en.Name()))
		require.NoError(t, err)
		files = append(files, File{Path: filepath.Join(dir, en.Name()), Text: string(b)})
	}
	var res RunFilesResult
	ok(t, br, M{"op": "run_files", "files": files, "coverage": true}, &res)
	assertSameJSON(t, native, res.Report)
	assert.Equal(t, 0, res.ExitCode)
	var text strings.Builder
	require.NoError(t, scenario.WriteText(&text, native, true))
	assert.Equal(t, text.String(), res.Text)

	// One scenario, on an engine handle and on the default.
	h := compileDefault(t, br)
	var rep scenario.Report
	ok(t, br, M{"op": "run_scenario", "engine": h, "text": files[0].Text, "name": files[0].Path}, &rep)
	assert.Equal(t, 1, rep.Passed)
	assertSameJSON(t, native.Results[0], rep.Results[0])

	// A failing scenario fails the same way and run_files exits 1.
	bad := strings.Replace(files[0].Text, "steps:", "steps:\n  - {as_of: 2026-01-01, expect: {states: {ehc: plan_issued}}}", 1)
	ok(t, br, M{"op": "run_files", "files": []M{{"path": "bad.yaml", "text": bad, "explicit": true}}}, &res)
	assert.Equal(t, 1, res.ExitCode)
	assert.Contains(t, res.Text, "FAIL bad.yaml")
	assert.Contains(t, res.Text, "0 passed, 1 failed")
}

func TestOverlaysComeFromThePoliciesMap(t *testing.T) {
	br := New()
	sc := "name: fast plan\npolicy: fast.yaml\ncase: {id: f1}\nsteps:\n  - at: 2026-01-05\n    actor: parent\n    trigger: ehc.requested\n    expect: {clocks: {ehc_final_plan: {due: 2026-05-11}}}\n"
	overlay := "id: fast\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}\n"
	var rep scenario.Report
	ok(t, br, M{"op": "run_scenario", "text": sc, "name": "kent/fast.test.yaml", "policies": M{"kent/fast.yaml": overlay}}, &rep)
	assert.Equal(t, 1, rep.Passed, "%+v", rep.Results)
	ok(t, br, M{"op": "run_scenario", "text": sc, "name": "kent/fast.test.yaml"}, &rep)
	assert.Equal(t, 1, rep.Failed)
	assert.Contains(t, rep.Results[0].Message, "kent/fast.yaml")
}

func TestConcurrentCallsShareTheHandleTableSafely(t *testing.T) {
	br := New()
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var err error
			defer func() { done <- err }()
			for i := 0; i < 5; i++ {
				var resp struct {
					OK     bool     `json:"ok"`
					Result Compiled `json:"result"`
				}
				if err = json.Unmarshal(br.Handle([]byte(`{"op":"compile"}`)), &resp); err != nil || !resp.OK {
					err = fmt.Errorf("compile: %v %+v", err, resp)
					return
				}
				h := resp.Result.Engine
				out := br.Handle([]byte(fmt.Sprintf(`{"op":"fire","engine":%d,"case":{"states":{}},"firing":{"trigger":"ehc.requested","actor":"parent","at":"2026-01-05"}}`, h)))
				if !bytes.HasPrefix(out, []byte(`{"ok":true`)) {
					err = fmt.Errorf("fire: %s", out)
					return
				}
				if out := br.Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, h))); !bytes.HasPrefix(out, []byte(`{"ok":true`)) {
					err = fmt.Errorf("free: %s", out)
					return
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		require.NoError(t, <-done)
	}
}

// TestEveryOpIsHandled: no op of Ops is answered "listed but not handled"
// (each is sent on a live engine, since that answer comes after the lookup).
func TestEveryOpIsHandled(t *testing.T) {
	br := New()
	for _, op := range Ops() {
		h := compileDefault(t, br)
		a := call(t, br, M{"op": op, "engine": h})
		if !a.OK {
			assert.NotEqual(t, sdk.CodeInternal, a.Error.Code, "%s: %+v", op, a.Error)
			assert.NotEqual(t, "/engine", a.Error.Pointer, "%s: %+v", op, a.Error)
		}
	}
}

// TestBridgesShareNothing: a Bridge's handles and case refs mean nothing to
// another Bridge, nor to the default one Handle answers with.
func TestBridgesShareNothing(t *testing.T) {
	one, two := New(), New()
	h := compileDefault(t, one)
	_, ref := remembered(t, one, h)
	assert.Equal(t, 1, one.Engines())
	assert.Equal(t, 0, two.Engines())
	n, _ := one.CachedCases()
	assert.Equal(t, 1, n)
	n, _ = two.CachedCases()
	assert.Equal(t, 0, n)
	assert.Equal(t, "/engine", code(t, two, M{"op": "verify", "engine": h, "case_ref": ref}).Pointer)
	h2 := compileDefault(t, two)
	assert.Equal(t, h, h2, "handles count from 1 in each Bridge")
	e := code(t, two, M{"op": "verify", "engine": h2, "case_ref": ref})
	require.Len(t, e.Problems, 1)
	assert.Equal(t, ProblemCaseRefUnknown, e.Problems[0].Code)
	ok(t, one, M{"op": "verify", "engine": h, "case_ref": ref}, nil)

	// The package-level Handle answers on its own default Bridge.
	var c Compiled
	require.NoError(t, json.Unmarshal(mustField(t, Handle([]byte(`{"op":"compile"}`)), "result", false), &c))
	defer Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, c.Engine)))
	assert.Equal(t, 1, one.Engines(), "the default Bridge is not this one")
	assert.Equal(t, `{"ok":true,"result":{"freed":true}}`, HandleString(fmt.Sprintf(`{"op":"free","engine":%d}`, c.Engine)))
}

// TestLimitsAreTheBridges: a Bridge made with other limits keeps to them and
// info reports them; a zero limit is the default.
func TestLimitsAreTheBridges(t *testing.T) {
	br := NewWithLimits(Limits{Engines: 2, Cases: 3})
	var info Info
	ok(t, br, M{"op": "info"}, &info)
	assert.Equal(t, 2, info.Limits["engines"])
	h := compileDefault(t, br)
	compileDefault(t, br)
	e := code(t, br, M{"op": "compile"})
	assert.Equal(t, sdk.CodeLimitExceeded, e.Code)
	assert.Equal(t, "2 engines are alive; the limit is 2", e.Message)
	var refs []int64
	for i := 0; i < 5; i++ {
		_, ref := remembered(t, br, h)
		refs = append(refs, ref)
	}
	n, _ := br.CachedCases()
	assert.Equal(t, 3, n)
	e = code(t, br, M{"op": "verify", "engine": h, "case_ref": refs[1]})
	assert.Contains(t, e.Message, "keeps the last 3 cases")
	ok(t, br, M{"op": "verify", "engine": h, "case_ref": refs[2]}, nil)
	assert.Equal(t, Limits{Engines: MaxEngines, Cases: MaxCases, CaseCacheBytes: MaxCaseCacheBytes}, New().limits)
}

// TestOpsIsACopy: changing the list Ops returns changes neither the next
// call's list nor which ops are served.
func TestOpsIsACopy(t *testing.T) {
	l := Ops()
	want := slices.Clone(l)
	l[0] = "changed"
	assert.Equal(t, want, Ops())
	assert.Equal(t, "info", Ops()[0])
}

// compile answers each trigger's label, with an overlay's over the default's.
func TestCompileAnswersLabels(t *testing.T) {
	br := New()
	var c Compiled
	ok(t, br, M{"op": "compile"}, &c)
	assert.Equal(t, "Record the request", c.Labels["ehc.requested"]["en"])
	assert.Equal(t, "Cofnodi'r cais", c.Labels["ehc.requested"]["cy"])
	assert.Len(t, c.Labels, len(c.Triggers), "a label for every trigger")
	ok(t, br, M{"op": "compile", "policy": "id: kent\nlabels:\n  ehc.requested: {en: Log the request}\n  no.such: {en: Ghost}\n"}, &c)
	assert.Equal(t, "Log the request", c.Labels["ehc.requested"]["en"])
	assert.Equal(t, "Cofnodi'r cais", c.Labels["ehc.requested"]["cy"])
	assert.NotContains(t, c.Labels, "no.such", "labels only for the engine's triggers")
}
