package sdk_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/qmuntal/stateless"

	"github.com/sendflow/sendflow/sdk"
)

// benchCase is a case partway through a lifecycle, so Fire works on a
// realistic amount of state (a handful of clocks and a short history).
func benchCase(b *testing.B, e *sdk.Engine) sdk.Case {
	b.Helper()
	c := e.NewCase(sdk.Facts{ID: "bench", LA: "kent", Child: sdk.Child{DateOfBirth: "2016-03-02"},
		Evidence: []string{"personalised_plan", "personalised_plan", "parental_consent"}})
	steps := []sdk.Firing{
		{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-05"},
		{Trigger: "support.placed", Actor: "senco", At: "2026-01-06"},
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-07"},
		{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-01"},
		{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-02-02", Data: map[string]any{"from": "medical"}},
	}
	for _, f := range steps {
		o, err := e.Fire(c, f)
		if err != nil {
			b.Fatal(err)
		}
		c = o.Case
	}
	return c
}

// BenchmarkCompile compiles the embedded default policy as Compile() does:
// its guards are compiled on first use (their checks were made when the
// policy was generated).
func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sdk.Compile(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileEager compiles the default policy whole, every guard
// parsed, type-checked and compiled: what any other policy costs.
func BenchmarkCompileEager(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sdk.CompileDefaultEagerly(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFiring is the firing BenchmarkFire times: hnf.considered, one guard.
var benchFiring = sdk.Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-02-10", Data: map[string]any{"annual_provision_cost": 7500}}

// newBaseline builds the baseline Fire is compared with: a bare stateless
// machine (external storage, immediate mode) whose one transition is
// guarded by the same guard's expr program, run directly. It returns one
// firing of it.
func newBaseline(b *testing.B) func() {
	b.Helper()
	prog, err := expr.Compile(`data.annual_provision_cost > params.hnf_threshold`, expr.Env(map[string]any{
		"data": map[string]any{}, "params": map[string]any{}}), expr.AsBool())
	if err != nil {
		b.Fatal(err)
	}
	env := map[string]any{"data": map[string]any{"annual_provision_cost": 7500.0}, "params": map[string]any{"hnf_threshold": 6000.0}}
	state := "none"
	sm := stateless.NewStateMachineWithExternalStorage(
		func(context.Context) (stateless.State, error) { return state, nil },
		func(_ context.Context, s stateless.State) error { state = s.(string); return nil }, stateless.FiringImmediate)
	sm.Configure("none").Permit("hnf.considered", "considering", func(context.Context, ...any) bool {
		ok, _ := expr.Run(prog, env)
		return ok.(bool)
	})
	sm.Configure("considering")
	return func() {
		state = "none"
		if err := sm.Fire("hnf.considered"); err != nil {
			b.Fatal(err)
		}
	}
}

// nsPer times fn over n calls. testing.Benchmark cannot nest inside a
// benchmark, so the parts measured beside the benchmarked loop are timed
// directly over enough calls to be stable.
func nsPer(n int, fn func()) float64 {
	start := time.Now()
	for range n {
		fn()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// BenchmarkFire measures Fire of hnf.considered (one guard) and, in the same
// run, the baseline (newBaseline). It reports their ratio as x-baseline.
func BenchmarkFire(b *testing.B) {
	e, err := sdk.Default()
	if err != nil {
		b.Fatal(err)
	}
	c := benchCase(b, e)
	baseNs := nsPer(200000, newBaseline(b))

	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Fire(c, benchFiring); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if baseNs > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseNs, "x-baseline")
		b.ReportMetric(baseNs, "baseline-ns/op")
	}
}

// BenchmarkFireFloor measures the least any Fire meeting the issue's own
// requirements must do, against the same baseline as BenchmarkFire, in one
// run: the baseline's work (a stateless firing and its guard); writing the
// event's canonical bytes and their SHA-256 (every firing is an event
// hash-chained to the previous one); and one copy each of the states map
// for the new case and for the event's states after (the caller's case is
// never changed). Copying the rest of the case, validating it, checking the
// payload, building the guard environment and the clock report are all
// left out. It reports the ratio as floor-x-baseline, and each part's time
// over the baseline's (canon-x, sha-x, states-x): a floor above 3 means no
// Fire that keeps those promises can be "at most 3x the baseline".
func BenchmarkFireFloor(b *testing.B) {
	e, err := sdk.Default()
	if err != nil {
		b.Fatal(err)
	}
	c := benchCase(b, e)
	out, err := e.Fire(c, benchFiring)
	if err != nil {
		b.Fatal(err)
	}
	ev := out.Event
	buf := sdk.AppendEventCanonical(nil, &ev)
	if sum := sha256.Sum256(buf); hex.EncodeToString(sum[:]) != ev.Hash {
		b.Fatal("AppendEventCanonical is not what the event's hash covers")
	}
	canon := func() { buf = sdk.AppendEventCanonical(buf[:0], &ev) }
	sha := func() { sum := sha256.Sum256(buf); _ = hex.EncodeToString(sum[:]) }
	states := func() { _, _ = maps.Clone(c.States), maps.Clone(c.States) }
	base := newBaseline(b)
	baseNs := nsPer(200000, base)
	canonNs, shaNs, statesNs := nsPer(200000, canon), nsPer(200000, sha), nsPer(200000, states)

	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		base()
		canon()
		sha()
		states()
	}
	b.StopTimer()
	if baseNs > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseNs, "floor-x-baseline")
		b.ReportMetric(canonNs/baseNs, "canon-x")
		b.ReportMetric(shaNs/baseNs, "sha-x")
		b.ReportMetric(statesNs/baseNs, "states-x")
		b.ReportMetric(baseNs, "baseline-ns/op")
	}
}

func BenchmarkPermitted(b *testing.B) {
	e, _ := sdk.Default()
	c := benchCase(b, e)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Permitted(c, "la_officer", "2026-02-10"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClocks(b *testing.B) {
	e, _ := sdk.Default()
	c := benchCase(b, e)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Clocks(c, "2026-03-01"); err != nil {
			b.Fatal(err)
		}
	}
}

// lifecycleCase is a whole EHC journey: request, assessment, draft, final
// plan and eight years of annual reviews (about 45 events).
func lifecycleCase(b *testing.B, e *sdk.Engine) sdk.Case {
	b.Helper()
	c := benchCase(b, e)
	steps := []sdk.Firing{
		{Trigger: "ehc.advice_received", Actor: "advice_giver", At: "2026-03-02", Data: map[string]any{"from": "medical"}},
		{Trigger: "ehc.draft_issued", Actor: "la_officer", At: "2026-04-01"},
		{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-04-20", Data: map[string]any{"named_school": "Oak Primary"}},
	}
	for y := 2027; y < 2035; y++ {
		steps = append(steps,
			sdk.Firing{Trigger: "plan.review_invited", Actor: "school", At: fmt.Sprintf("%d-03-01", y), Data: map[string]any{"meeting_date": fmt.Sprintf("%d-03-22", y)}},
			sdk.Firing{Trigger: "plan.review_meeting_held", Actor: "school", At: fmt.Sprintf("%d-03-22", y)},
			sdk.Firing{Trigger: "plan.review_report_sent", Actor: "school", At: fmt.Sprintf("%d-03-29", y)},
			sdk.Firing{Trigger: "plan.review_decided", Actor: "la_officer", At: fmt.Sprintf("%d-04-05", y), Data: map[string]any{"decision": "maintain"}})
	}
	for _, f := range steps {
		o, err := e.Fire(c, f)
		if err != nil {
			b.Fatal(f.Trigger, f.At, err)
		}
		c = o.Case
	}
	return c
}

// BenchmarkReplay replays a full-lifecycle history and reports events/s.
func BenchmarkReplay(b *testing.B) {
	e, _ := sdk.Default()
	c := lifecycleCase(b, e)
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		out, err := e.Replay(*c.Origin, c.History)
		if err != nil {
			b.Fatal(err)
		}
		events += len(out.History)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
