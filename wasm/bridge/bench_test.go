package bridge

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/sdk"
)

// benchInput is the case and firing of sdk's BenchmarkFire (a case partway
// through a lifecycle; hnf.considered with one guard). wasm/bench/bench.mjs
// fires the same from JavaScript and compares with these, in the same run.
func benchInput(b *testing.B) (*sdk.Engine, sdk.Case, sdk.Firing) {
	e, err := sdk.Default()
	if err != nil {
		b.Fatal(err)
	}
	c := e.NewCase(sdk.Facts{ID: "bench", LA: "kent", Child: sdk.Child{DateOfBirth: "2016-03-02"},
		Evidence: []string{"personalised_plan", "personalised_plan", "parental_consent"}})
	for _, f := range []sdk.Firing{
		{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-05"},
		{Trigger: "support.placed", Actor: "senco", At: "2026-01-06"},
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-07"},
		{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-01"},
		{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-02-02", Data: map[string]any{"from": "medical"}},
	} {
		o, err := e.Fire(c, f)
		if err != nil {
			b.Fatal(err)
		}
		c = o.Case
	}
	return e, c, sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-02-10", Data: map[string]any{"annual_provision_cost": 7500.0}}
}

// compileFreedAfter compiles the default policy through the bridge and
// frees the engine (and the cases the bridge keeps for it) when the
// benchmark ends, so runs of it in one process (TestBenchServer) do not
// pile up engines and cases that every later garbage collection would scan.
func compileFreedAfter(b *testing.B, br *Bridge) int {
	var comp struct {
		Result Compiled `json:"result"`
	}
	if err := json.Unmarshal(br.Handle([]byte(`{"op":"compile"}`)), &comp); err != nil {
		b.Fatal(err)
	}
	engine := comp.Result.Engine
	b.Cleanup(func() { br.Handle([]byte(fmt.Sprintf(`{"op":"free","engine":%d}`, engine))) })
	return engine
}

// BenchmarkNativeFire is the native Go Fire the WebAssembly fire is
// compared with.
func BenchmarkNativeFire(b *testing.B) {
	e, c, f := benchInput(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Fire(c, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNativeHandleFire is the same firing through the bridge's JSON on
// the host: the cost of the JSON boundary without WebAssembly.
func BenchmarkNativeHandleFire(b *testing.B) {
	_, c, f := benchInput(b)
	br := New()
	engine := compileFreedAfter(b, br)
	req, _ := json.Marshal(map[string]any{"op": "fire", "engine": engine, "case": c, "firing": f})
	b.ReportAllocs()
	for b.Loop() {
		if out := br.Handle(req); len(out) < 12 || string(out[:10]) != `{"ok":true` {
			b.Fatalf("%s", out)
		}
	}
}

// BenchmarkNativeHandleFireRef is the same firing through the bridge's ref
// path on the host: the case by case_ref, the answer a delta (what the JS
// wrapper sends for a case the engine returned).
func BenchmarkNativeHandleFireRef(b *testing.B) {
	_, c, f := benchInput(b)
	br := New()
	engine := compileFreedAfter(b, br)
	// replay with remember puts the case in the cache and gives its ref.
	req, _ := json.Marshal(map[string]any{"op": "replay", "engine": engine, "origin": c.Origin, "events": c.History, "remember": true})
	var r struct {
		CaseRef int64 `json:"case_ref"`
	}
	if err := json.Unmarshal(br.Handle(req), &r); err != nil || r.CaseRef == 0 {
		b.Fatal("no case_ref", err)
	}
	req, _ = json.Marshal(map[string]any{"op": "fire", "engine": engine, "case_ref": r.CaseRef, "firing": f, "delta": true})
	b.ReportAllocs()
	for b.Loop() {
		if out := br.Handle(req); len(out) < 12 || string(out[:10]) != `{"ok":true` {
			b.Fatalf("%s", out)
		}
	}
}

// TestBenchServer is not a test: with SENDFLOW_BENCH_SERVER=1 it serves
// wasm/bench/bench.mjs, which alternates rounds of fire from JavaScript with
// rounds of these native benchmarks so both see the same load. Each line
// read from stdin, "NAME BENCHTIME" (e.g. "NativeFire 250ms"), runs
// BenchmarkNAME for about that long; the answer is one line, its ns/op.
func TestBenchServer(t *testing.T) {
	if os.Getenv("SENDFLOW_BENCH_SERVER") == "" {
		t.Skip("run by wasm/bench/bench.mjs (SENDFLOW_BENCH_SERVER=1)")
	}
	benches := map[string]func(*testing.B){
		"NativeFire":          BenchmarkNativeFire,
		"NativeHandleFire":    BenchmarkNativeHandleFire,
		"NativeHandleFireRef": BenchmarkNativeHandleFireRef,
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		name, benchtime, _ := strings.Cut(in.Text(), " ")
		fn := benches[name]
		if fn == nil {
			fmt.Println("error: unknown benchmark", name)
			continue
		}
		if err := flag.Set("test.benchtime", benchtime); err != nil {
			fmt.Println("error:", err)
			continue
		}
		r := testing.Benchmark(fn)
		fmt.Println(r.NsPerOp())
	}
}
