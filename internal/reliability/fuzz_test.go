package reliability_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// Every target checks the same invariants: no panic (the SDK recovers
// panics as internal_error, which counts as a failure here), every error an
// *sdk.Error with a known code, every outcome consistent (the structural
// checks of internal/randomwalk), and the input unchanged.

func mustEngines(t testing.TB) []namedEngine {
	t.Helper()
	return walkEngines(t)
}

func checkErr(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if cerr := randomwalk.CheckError(err); cerr != nil {
		t.Fatalf("%s: %v", what, cerr)
	}
	if verr := validateAs("error", err); verr != nil {
		t.Fatalf("%s: %v", what, verr)
	}
}

// FuzzCompilePolicy compiles any bytes as an overlay on the default policy.
// A policy that compiles is then walked briefly.
func FuzzCompilePolicy(f *testing.F) {
	addDerived(f, "FuzzCompilePolicy")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzcheck.Start().Check(t)
		before := bytes.Clone(data)
		e, err := sdk.Compile(sdk.PolicySource{Name: "fuzz.yaml", Data: data})
		if !bytes.Equal(before, data) {
			t.Fatal("Compile changed its input")
		}
		if err != nil {
			checkErr(t, "Compile", err)
			se := sdk.AsError(err)
			if se.Code == sdk.CodeInvalidPolicy && len(se.Problems) == 0 && se.Location == "" {
				t.Fatalf("invalid_policy without a problem or a location: %v", se)
			}
			return
		}
		if e.PolicyHash() == "" || len(e.TriggerNames()) == 0 {
			t.Fatal("a compiled policy without a hash or triggers")
		}
		if _, werr := randomwalk.Walk(e, randomwalk.Rand(int64(len(data))), randomwalk.Options{Steps: 8, Check: true, PermittedEvery: 4,
			Validate: validatorFor(e), ValidateEvery: 1}); werr != nil {
			t.Fatalf("walk on the compiled policy: %v", werr)
		}
	})
}

// guardPolicy is an overlay adding a track whose trigger is guarded (and
// branched) by the fuzzed expression.
func guardPolicy(expr string) []byte {
	p := map[string]any{
		"id":     "fuzz_guard",
		"tracks": []any{map[string]any{"id": "fz", "initial": "a", "states": []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}}}},
		"triggers": []any{map[string]any{
			"id": "fz.go", "from": []any{"a"}, "to": "b", "roles": []any{"la_officer"},
			"payload": []any{
				map[string]any{"name": "n", "type": "number"}, map[string]any{"name": "s", "type": "string"},
				map[string]any{"name": "d", "type": "date"}, map[string]any{"name": "l", "type": "list"},
				map[string]any{"name": "b", "type": "boolean"}, map[string]any{"name": "m", "type": "map"},
			},
			"guards":   []any{map[string]any{"id": "g", "expr": expr, "reason": "The fuzzed guard does not hold."}},
			"branches": []any{map[string]any{"when": expr, "to": "b"}, map[string]any{"to": "a"}},
		}},
	}
	b, _ := json.Marshal(p)
	return b
}

// FuzzGuardCompile compiles any expression as a guard and a branch
// condition and, when it compiles, fires the trigger with any payload.
func FuzzGuardCompile(f *testing.F) {
	f.Fuzz(func(t *testing.T, expr string, payload []byte) {
		defer fuzzcheck.Start().Check(t)
		e, err := sdk.Compile(sdk.PolicySource{Name: "guard.json", Data: guardPolicy(expr)})
		if err != nil {
			checkErr(t, "Compile", err)
			if c := sdk.AsError(err).Code; c != sdk.CodeInvalidPolicy && c != sdk.CodeLimitExceeded {
				t.Fatalf("a bad guard is %s, want invalid_policy", c)
			}
			return
		}
		var data map[string]any
		_ = json.Unmarshal(payload, &data)
		c := e.NewCase(sdk.Facts{Child: sdk.Child{DateOfBirth: "2012-05-06"}, Evidence: []string{"sdq"}})
		fr := sdk.Firing{Trigger: "fz.go", Actor: "la_officer", At: "2026-03-04", Data: data}
		cs, fs := randomwalk.Snapshot(c), randomwalk.Snapshot(fr)
		o, err := e.Fire(c, fr)
		if randomwalk.Snapshot(c) != cs || randomwalk.Snapshot(fr) != fs {
			t.Fatal("Fire changed its input")
		}
		k := randomwalk.NewChecker(e)
		if err != nil {
			checkErr(t, "Fire", err)
		} else {
			// The engine adds a track: the outcome is checked against
			// this policy's own schemas (schemagen.ForEngine).
			if cerr := k.CheckOutcome(c, fr, o); cerr != nil {
				t.Fatal(cerr)
			}
			if verr := validatorFor(e)("outcome", o); verr != nil {
				t.Fatal(verr)
			}
		}
		ps, err := e.Permitted(c, "la_officer", "2026-03-04")
		checkErr(t, "Permitted", err)
		for _, p := range ps {
			if p.Allowed == (p.Code != "") {
				t.Fatalf("permission %s: allowed %v with code %q", p.Trigger, p.Allowed, p.Code)
			}
		}
	})
}

// FuzzCaseJSON decodes any JSON as a case and a firing, as a host would,
// and runs Fire, Permitted, Clocks, Replay and Verify on them.
func FuzzCaseJSON(f *testing.F) {
	addDerived(f, "FuzzCaseJSON")
	engines := mustEngines(f)
	f.Fuzz(func(t *testing.T, caseJSON, firingJSON []byte, asOf string) {
		defer fuzzcheck.Start().Check(t)
		var c sdk.Case
		if json.Unmarshal(caseJSON, &c) != nil {
			return
		}
		var fr sdk.Firing
		if json.Unmarshal(firingJSON, &fr) != nil {
			fr = sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: asOf}
		}
		e := engines[len(caseJSON)%len(engines)].e
		k := randomwalk.NewChecker(e)
		validate := validatorFor(e)
		valid := func(t *testing.T, kind string, v any) {
			t.Helper()
			if err := validate(kind, v); err != nil {
				t.Fatal(err)
			}
		}
		cs, fs := randomwalk.Snapshot(c), randomwalk.Snapshot(fr)
		unchanged := func(what string) {
			if randomwalk.Snapshot(c) != cs || randomwalk.Snapshot(fr) != fs {
				t.Fatalf("%s changed its input", what)
			}
		}
		o, err := e.Fire(c, fr)
		unchanged("Fire")
		if err != nil {
			checkErr(t, "Fire", err)
		} else {
			if n := len(o.Case.History); n == 0 || randomwalk.Snapshot(o.Case.History[n-1]) != randomwalk.Snapshot(o.Event) {
				t.Fatal("the outcome's event is not the history's last")
			}
			if cerr := k.CheckStates(o.Case); cerr != nil {
				t.Fatal(cerr)
			}
			if cerr := k.CheckReport(o.Case, randomwalk.UKDate(o.Event.At)); cerr != nil {
				t.Fatal(cerr)
			}
			valid(t, "outcome", o)
		}
		ps, err := e.Permitted(c, fr.Actor, asOf)
		unchanged("Permitted")
		checkErr(t, "Permitted", err)
		if err == nil {
			valid(t, "permitted", ps)
		}
		for _, p := range ps {
			if p.Allowed == (p.Code != "") {
				t.Fatalf("permission %s: allowed %v with code %q", p.Trigger, p.Allowed, p.Code)
			}
		}
		r, err := e.Clocks(c, asOf)
		unchanged("Clocks")
		checkErr(t, "Clocks", err)
		if err == nil {
			valid(t, "clocks", r)
			if cerr := k.CheckReport(c, r.AsOf); cerr != nil {
				t.Fatal(cerr)
			}
		}
		if c.Origin != nil {
			_, err := e.Replay(*c.Origin, c.History)
			unchanged("Replay")
			checkErr(t, "Replay", err)
		}
		rep := e.Verify(c)
		unchanged("Verify")
		if strings.HasPrefix(rep.Reason, "verify failed") {
			t.Fatalf("Verify recovered a panic: %s", rep.Reason)
		}
		if rep.OK && rep.FirstBad != 0 {
			t.Fatal("Verify is OK but names a bad event")
		}
	})
}

// FuzzFireSequence turns the fuzzer's bytes into a sequence of firings (the
// random walk's choices come from the bytes) on the default and the example
// policies, with every walk invariant checked after every step.
func FuzzFireSequence(f *testing.F) {
	engines := mustEngines(f)
	f.Fuzz(func(t *testing.T, policy uint8, choices []byte) {
		defer fuzzcheck.Start().Check(t)
		ne := engines[int(policy)%len(engines)]
		steps := min(1+len(choices)/8, 40)
		if _, err := randomwalk.Walk(ne.e, &randomwalk.Bytes{B: choices}, randomwalk.Options{Steps: steps, Check: true, PermittedEvery: 5,
			Validate: validatorFor(ne.e), ValidateEvery: 1}); err != nil {
			t.Fatalf("policy %s: %v", ne.name, err)
		}
	})
}

// FuzzScenarioParse parses any bytes as a scenario file and runs what
// parses on the default policy.
func FuzzScenarioParse(f *testing.F) {
	addDerived(f, "FuzzScenarioParse")
	e, err := sdk.Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzcheck.Start().Check(t)
		before := bytes.Clone(data)
		all, err := scenario.ParseAll("fuzz.yaml", data)
		if !bytes.Equal(before, data) {
			t.Fatal("ParseAll changed its input")
		}
		if err != nil {
			var pe *scenario.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, not *scenario.ParseError: %v", err, err)
			}
			if pe.File != "fuzz.yaml" || pe.Message == "" {
				t.Fatalf("parse error without its file or a message: %+v", pe)
			}
			return
		}
		for _, s := range all {
			if len(s.Steps) > 50 {
				continue
			}
			res := scenario.Run(s, e)
			for _, m := range res.Mismatches {
				if m.Check == "engine" || m.Check == "case" {
					t.Fatalf("scenario %q: %s", s.Name, m.Message)
				}
			}
			for _, en := range res.Timeline {
				if en.Error != "" && !isCode(en.Error) {
					t.Fatalf("step %d failed with unknown code %q", en.Step, en.Error)
				}
			}
		}
	})
}

func isCode(s string) bool {
	for _, c := range sdk.Codes() {
		if string(c) == s && c != sdk.CodeInternal {
			return true
		}
	}
	return false
}
