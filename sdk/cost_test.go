package sdk_test

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// watchdog runs f and fails the test when it has not returned in 10 s: a
// hang fails instead of freezing the run. f's results are checked by the
// caller after it returns.
func watchdog(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not finish within 10 s", what)
	}
}

// costlyGuard is an overlay guard that type-checks and passes every
// structural rule but, on lawful inputs, would run for minutes.
type costlyGuard struct {
	name      string
	expr      string
	data      map[string]any // the firing's payload (fields x and y)
	permitted bool           // reads no payload, so Permitted runs it too
	refused   sdk.Code       // the problem code when not too_costly; it never compiles
}

var (
	longParam = strings.Repeat("x", sdk.MaxStringLength)
	longData  = strings.Repeat("a", sdk.MaxStringLength)
)

func costlyGuards() []costlyGuard {
	nest := func(n int, inner string) string {
		return strings.Repeat("upper(lower(", n) + inner + strings.Repeat("))", n)
	}
	pattern := strings.Repeat("(a|b)", 200)
	return []costlyGuard{
		{name: "string() of a long parameter in a range loop", permitted: true,
			expr: `all(1..40000, lower(string(params.long)) != "")`},
		{name: "string() of the parameters in a range loop", permitted: true,
			expr: `all(1..40000, string(params) != "")`},
		{name: "nested upper(lower()) of a payload string in a loop",
			expr: `all(1..40000, ` + nest(10, "data.x") + ` != "")`, data: map[string]any{"x": longData}},
		{name: "matches with a pattern from the payload", refused: "forbidden",
			expr: `all(1..40000, !(data.x matches data.y))`, data: map[string]any{"x": strings.Repeat("c", sdk.MaxStringLength), "y": pattern}},
		{name: "matches with a long constant pattern in a loop",
			expr: `all(1..40000, !(data.x matches "` + pattern + `"))`, data: map[string]any{"x": strings.Repeat("c", sdk.MaxStringLength)}},
		{name: "in over a long parameter list in a loop", permitted: true,
			expr: `all(1..40000, ` + strings.Repeat(`params.needle in params.list && `, 20) + `true)`},
		{name: "contains, startsWith, endsWith chains in a loop",
			expr: `all(1..40000, data.x contains data.y && data.x startsWith data.y && data.x endsWith data.y && ` + strings.Repeat(`lower(data.x) contains lower(data.y) && `, 10) + `true)`,
			data: map[string]any{"x": longData, "y": longData[:5000]}},
	}
}

func costlyOverlay(expr string) string {
	items := make([]string, 0, 100)
	for i := 0; i < 100; i++ {
		items = append(items, `"`+strings.Repeat("x", 5000-1)+string(rune('a'+i%26))+`"`)
	}
	return "id: costly\nparameters:\n  - {id: long, value: \"" + longParam + "\"}\n  - {id: list, value: [" + strings.Join(items, ", ") + "]}\n" +
		"  - {id: needle, value: \"" + strings.Repeat("x", 5000) + "\"}\n" +
		"triggers:\n  - id: support.plan_agreed\n    payload:\n      - {name: x, type: string}\n      - {name: y, type: string}\n" +
		"    guards:\n      - {id: h, expr: '" + expr + "', reason: \"costly\"}\n"
}

// planReady is a case of e where support.plan_agreed can be fired.
func planReady(t *testing.T, e *sdk.Engine) sdk.Case {
	c := e.NewCase(sdk.Facts{Evidence: []string{"personalised_plan"}})
	c = fire(t, e, c, "support.concern_raised", "senco", "2026-01-05", nil).Case
	return fire(t, e, c, "support.placed", "senco", "2026-01-06", nil).Case
}

// Guards that would run for minutes are refused when the policy compiles
// (too_costly) and, when a host raises the static bound, stopped at run
// time by the step budget (limit_exceeded), in Fire and in Permitted.
func TestCostlyGuardsAreRefusedOrStopped(t *testing.T) {
	for _, h := range costlyGuards() {
		t.Run(h.name, func(t *testing.T) {
			src := []sdk.PolicySource{{Name: "costly.yaml", Data: []byte(costlyOverlay(h.expr))}}
			_, err := sdk.Compile(src...)
			se := sdk.AsError(err)
			if assert.NotNil(t, se, "the overlay must not compile") {
				assert.Equal(t, sdk.CodeInvalidPolicy, se.Code, se.Error())
				if assert.NotEmpty(t, se.Problems, se.Error()) {
					assert.Equal(t, cmp.Or(h.refused, "too_costly"), se.Problems[0].Code, se.Problems[0].Message)
				}
			}
			if h.refused != "" {
				return
			}
			e, err := sdk.CompileWith(src, sdk.WithLimits(sdk.Limits{GuardCost: 1 << 60, CallSteps: 1 << 60}))
			require.NoError(t, err)
			c := planReady(t, e)
			var ferr error
			watchdog(t, "Fire", func() {
				_, ferr = e.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Data: h.data})
			})
			fe := sdk.AsError(ferr)
			require.NotNil(t, fe)
			assert.Equal(t, sdk.CodeLimitExceeded, fe.Code, fe.Error())
			if assert.NotEmpty(t, fe.Guards) {
				assert.Equal(t, "h", fe.Guards[0].ID)
			}
			assert.NotContains(t, fe.Error(), "aaaaaaaaaa", "the message must not echo the payload")
			if !h.permitted {
				return
			}
			var perms []sdk.Permission
			watchdog(t, "Permitted", func() { perms, err = e.Permitted(c, "senco", "2026-01-07") })
			require.NoError(t, err)
			found := false
			for _, p := range perms {
				if p.Trigger == "support.plan_agreed" {
					found = true
					assert.Equal(t, sdk.CodeLimitExceeded, p.Code, p.Reason)
				}
			}
			assert.True(t, found)
		})
	}
}

// costOfGuard compiles an overlay with the limit at 1 and reads the
// guard's cost from the too_costly problem.
func costOfGuard(t *testing.T, src []sdk.PolicySource) int64 {
	t.Helper()
	_, err := sdk.CompileWith(src, sdk.WithLimits(sdk.Limits{GuardCost: 1}))
	se := sdk.AsError(err)
	require.NotNil(t, se)
	for _, p := range se.Problems {
		if p.Code == "too_costly" && strings.Contains(p.Location, "costly.yaml") {
			var n int64
			_, serr := fmt.Sscanf(p.Message[strings.Index(p.Message, "cost is ")+len("cost is "):], "%d", &n)
			require.NoError(t, serr, p.Message)
			return n
		}
	}
	t.Fatalf("no too_costly problem: %v", se)
	return 0
}

// The GuardCost limit, at CompileWith and at With: an expression costing
// exactly the limit compiles, one step past it is refused.
func TestGuardCostLimit(t *testing.T) {
	src := []sdk.PolicySource{{Name: "costly.yaml", Data: []byte(costlyOverlay(`all(1..150, lower(data.x) != "")`))}}
	n := costOfGuard(t, src)
	require.Greater(t, n, int64(1_000_000), "the guard must cost more than any default expression")
	require.Less(t, n, int64(sdk.DefaultGuardCost))

	e, err := sdk.CompileWith(src, sdk.WithLimits(sdk.Limits{GuardCost: n}))
	require.NoError(t, err)
	_, err = sdk.CompileWith(src, sdk.WithLimits(sdk.Limits{GuardCost: n - 1}))
	se := sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeInvalidPolicy, se.Code)
	require.Len(t, se.Problems, 1, se.Error())
	assert.Equal(t, sdk.Code("too_costly"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Location, "costly.yaml:")

	// With: lowering the limit below a compiled expression's cost is refused.
	_, err = e.With(sdk.WithLimits(sdk.Limits{GuardCost: n}))
	require.NoError(t, err)
	_, err = e.With(sdk.WithLimits(sdk.Limits{GuardCost: n - 1}))
	se = sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeInvalidPolicy, se.Code)
	require.Len(t, se.Problems, 1, se.Error())
	assert.Equal(t, sdk.Code("too_costly"), se.Problems[0].Code)
	// The default policy's expressions are costed too (lazily compiled).
	def, err := sdk.Compile()
	require.NoError(t, err)
	_, err = def.With(sdk.WithLimits(sdk.Limits{GuardCost: 2}))
	assert.Equal(t, sdk.CodeInvalidPolicy, codeOf(err))
	_, err = def.With(sdk.WithLimits(sdk.Limits{GuardCost: sdk.DefaultGuardCost}))
	assert.NoError(t, err)
}

// The GuardSteps budget, at run time: a guard taking exactly the budget
// runs, one step more is stopped, in Fire and in Permitted.
func TestGuardStepsLimit(t *testing.T) {
	// all over 1..100 that holds: 100 iterations, one step each.
	src := []sdk.PolicySource{{Name: "steps.yaml", Data: []byte("id: steps\ntriggers:\n  - id: support.plan_agreed\n    guards:\n      - {id: h, expr: 'all(1..100, # > 0)', reason: \"steps\"}\n")}}
	e, err := sdk.CompileWith(src, sdk.WithLimits(sdk.Limits{GuardSteps: 100}))
	require.NoError(t, err)
	c := planReady(t, e)
	fire(t, e, c, "support.plan_agreed", "senco", "2026-01-07", nil)
	perm := func(e *sdk.Engine) sdk.Permission {
		perms, err := e.Permitted(c, "senco", "2026-01-07")
		require.NoError(t, err)
		for _, p := range perms {
			if p.Trigger == "support.plan_agreed" {
				return p
			}
		}
		t.Fatal("no permission for support.plan_agreed")
		return sdk.Permission{}
	}
	assert.True(t, perm(e).Allowed)

	tight, err := e.With(sdk.WithLimits(sdk.Limits{GuardSteps: 99}))
	require.NoError(t, err)
	_, err = tight.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07"})
	se := sdk.AsError(err)
	require.NotNil(t, se)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code)
	assert.Contains(t, se.Message, "step budget")
	require.Len(t, se.Guards, 1)
	assert.Equal(t, "h", se.Guards[0].ID)
	p := perm(tight)
	assert.False(t, p.Allowed)
	assert.Equal(t, sdk.CodeLimitExceeded, p.Code)
	// e itself is unchanged.
	fire(t, e, c, "support.plan_agreed", "senco", "2026-01-07", nil)
}

// A cancelled or expired context stops every call that can take long, with
// limit_exceeded; a deadline stops a guard mid-evaluation.
func TestContextStopsCalls(t *testing.T) {
	src := []sdk.PolicySource{{Name: "costly.yaml", Data: []byte(costlyOverlay(`all(1..40000, string(params) != "")`))}}
	e, err := sdk.CompileWith(src, sdk.WithLimits(sdk.Limits{GuardCost: 1 << 60, GuardSteps: 1 << 60, CallSteps: 1 << 60}))
	require.NoError(t, err)
	c := planReady(t, e)
	done, cancel := context.WithCancel(context.Background())
	cancel()

	_, err = e.FireContext(done, c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07"})
	assert.Equal(t, sdk.CodeLimitExceeded, codeOf(err), "%v", err)
	_, err = e.PermittedContext(done, c, "senco", "2026-01-07", "en")
	assert.Equal(t, sdk.CodeLimitExceeded, codeOf(err), "%v", err)
	_, err = e.ReplayContext(done, *c.Origin, c.History)
	assert.Equal(t, sdk.CodeLimitExceeded, codeOf(err), "%v", err)
	rep := e.VerifyContext(done, c)
	assert.False(t, rep.OK)
	assert.Zero(t, rep.FirstBad)
	assert.Contains(t, rep.Reason, "stopped")
	// The plain calls are the context ones with a background context.
	_, err = e.Replay(*c.Origin, c.History)
	assert.NoError(t, err)
	assert.True(t, e.Verify(c).OK)

	// A deadline stops a guard that would otherwise run for minutes.
	for _, call := range []string{"Fire", "Permitted"} {
		ctx, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
		watchdog(t, call, func() {
			if call == "Fire" {
				_, err = e.FireContext(ctx, c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07"})
			} else {
				_, err = e.PermittedContext(ctx, c, "senco", "2026-01-07", "en")
			}
		})
		stop()
		se := sdk.AsError(err)
		require.NotNil(t, se, call)
		assert.Equal(t, sdk.CodeLimitExceeded, se.Code, call)
		assert.Contains(t, se.Message, "context", call)
	}
}

// The meter the patch injects cannot be named, read or changed by a policy.
func TestMeterCannotBeTouched(t *testing.T) {
	for _, expr := range []string{
		`$env["sendflow meter"].left > 0`,
		`$env["sendflow meter"].charge(-1000000)`,
		`$env["sendflow meter"].Charge(-1000000)`,
	} {
		src := "id: t\ntriggers:\n  - id: support.plan_agreed\n    guards:\n      - {id: h, expr: '" + expr + "', reason: \"t\"}\n"
		se := overlayErr(t, "t.yaml", src)
		assert.Equal(t, sdk.CodeInvalidPolicy, se.Code, expr)
	}
	for _, expr := range []string{"sendflow meter != nil", `sendflow size(nil, "x", 0) != nil`} {
		src := "id: t\ntriggers:\n  - id: support.plan_agreed\n    guards:\n      - {id: h, expr: '" + expr + "', reason: \"t\"}\n"
		se := overlayErr(t, "t.yaml", src)
		assert.Equal(t, sdk.CodeInvalidPolicy, se.Code, expr)
	}
}

// A parameter is a number, boolean, bounded string or bounded list.
func TestParameterBounds(t *testing.T) {
	param := func(v string) string { return "id: p\nparameters:\n  - {id: p, value: " + v + "}\n" }
	compileOverlay(t, param(`"`+strings.Repeat("x", sdk.MaxStringLength)+`"`))
	se := overlayErr(t, "p.yaml", param(`"`+strings.Repeat("x", sdk.MaxStringLength+1)+`"`))
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code)
	list := func(n int) string { return "[" + strings.TrimSuffix(strings.Repeat("a, ", n), ", ") + "]" }
	compileOverlay(t, param(list(sdk.MaxListItems)))
	se = overlayErr(t, "p.yaml", param(list(sdk.MaxListItems+1)))
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code)
	for _, bad := range []string{"{a: 1}", "[[1]]", "null"} {
		se = overlayErr(t, "p.yaml", param(bad))
		require.NotEmpty(t, se.Problems, bad)
		assert.Equal(t, sdk.Code("bad_value"), se.Problems[0].Code, bad)
	}
}

// manyCostlyTriggers is an overlay of n triggers for la_officer, each with
// two guards of 6 loops of 45,000 iterations: every guard and every
// trigger is within the default limits, but Permitted evaluates them all.
func manyCostlyTriggers(n int) string {
	return costlyTriggers(n, 2)
}

// costlyTriggers is n triggers of k such guards each.
func costlyTriggers(n, k int) string {
	loops := strings.TrimSuffix(strings.Repeat("all(1..45000, # > 0) && ", 6), " && ")
	var b strings.Builder
	b.WriteString("id: many\ntracks:\n  - {id: zz, initial: a, states: [{id: a}, {id: b}]}\ntriggers:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {id: zz.t%d, from: [a], to: b, roles: [la_officer], guards: [", i)
		for j := 0; j < k; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "{id: g%d, expr: '%s', reason: r}", j, loops)
		}
		b.WriteString("]}\n")
	}
	return b.String()
}

// One call shares one step budget (Limits.CallSteps): a policy of many
// triggers whose guards are each just within the limits cannot make one
// Permitted call run for minutes (before, 120 such triggers took about 16 s and 200 took 27 s,
// 60 triggers of three 40-loop guards 51 s).
func TestCallStepsBoundAWholeCall(t *testing.T) {
	src := []sdk.PolicySource{{Name: "many.yaml", Data: []byte(manyCostlyTriggers(120))}}
	e, err := sdk.Compile(src...)
	require.NoError(t, err, "every guard and trigger is within the default limits")
	c := e.NewCase(sdk.Facts{})
	var perms []sdk.Permission
	watchdog(t, "Permitted", func() { perms, err = e.Permitted(c, "la_officer", "2026-01-05") })
	require.NoError(t, err)
	stopped := 0
	for _, p := range perms {
		if p.Code == "limit_exceeded" {
			stopped++
			assert.False(t, p.Allowed)
		}
	}
	assert.Greater(t, stopped, 0, "the call's budget must stop the guards past it")
	// Fire of one trigger stays within the call budget and runs its guards.
	_, err = e.Fire(c, sdk.Firing{Trigger: "zz.t7", Actor: "la_officer", At: "2026-01-05"})
	require.NoError(t, err)

	// A trigger whose guards together cost more than CallSteps is refused
	// at compile; with CallSteps raised it compiles.
	over := []sdk.PolicySource{{Name: "over.yaml", Data: []byte(costlyTriggers(1, 3))}}
	_, err = sdk.Compile(over...)
	se := sdk.AsError(err)
	require.NotNil(t, se)
	require.NotEmpty(t, se.Problems)
	assert.Equal(t, sdk.Code("too_costly"), se.Problems[0].Code)
	assert.Contains(t, se.Problems[0].Message, "Limits.CallSteps")
	assert.NotEmpty(t, se.Problems[0].Location, "the problem is placed on the trigger")
	_, err = sdk.CompileWith(over, sdk.WithLimits(sdk.Limits{CallSteps: 1 << 40}))
	require.NoError(t, err)
	// Lowering CallSteps on a compiled engine re-checks every trigger.
	_, err = e.With(sdk.WithLimits(sdk.Limits{CallSteps: 1_000_000}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CallSteps")
}

// A matches pattern is costed by the program it compiles to, not by its
// length: 172 characters of counted repeats compile to some 19,000
// instructions (a match over a 10,000-character value took 3 s, and four
// 3.7 KB patterns cost 7 s and 5.4 GB to compile). Such a pattern is refused
// before expr compiles it; an ordinary pattern still compiles.
func TestRegexPatternsAreCostedByTheirProgram(t *testing.T) {
	for name, pat := range map[string]string{
		"slow to match":   strings.Repeat("a{0,1000}", 19) + "z",
		"slow to compile": strings.Repeat("a{0,1000}", 400),
	} {
		t.Run(name, func(t *testing.T) {
			src := []sdk.PolicySource{{Name: "re.yaml", Data: []byte(costlyOverlay(`!(data.x matches "` + pat + `")`))}}
			var err error
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			watchdog(t, "Compile", func() { _, err = sdk.Compile(src...) })
			runtime.ReadMemStats(&m1)
			assert.Less(t, m1.TotalAlloc-m0.TotalAlloc, uint64(256<<20), "compiling allocated %d MB", (m1.TotalAlloc-m0.TotalAlloc)>>20)
			se := sdk.AsError(err)
			require.NotNil(t, se)
			require.NotEmpty(t, se.Problems)
			assert.Equal(t, sdk.Code("too_costly"), se.Problems[0].Code, se.Problems[0].Message)
			assert.Contains(t, se.Problems[0].Message, "instructions")
		})
	}
	postcode := `^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`
	e, err := sdk.Compile(sdk.PolicySource{Name: "re.yaml", Data: []byte(costlyOverlay(`data.x matches "` + postcode + `"`))})
	require.NoError(t, err)
	c := planReady(t, e)
	_, err = e.Fire(c, sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07", Data: map[string]any{"x": "CT16 1AA"}})
	require.NoError(t, err)
}
