package sdk_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
)

// longCase returns a case with exactly n events: the first seeded random
// walk that goes that deep, replayed up to its n-th event, whose n-th event
// moves a track (so that dropping it changes the case: an event with no
// effect, such as representations on a draft, leaves the same case).
func longCase(t testing.TB, e *sdk.Engine, n int) sdk.Case {
	t.Helper()
	for seed := int64(1); seed < 200; seed++ {
		res, err := randomwalk.Walk(e, randomwalk.Rand(seed), randomwalk.Options{Steps: 200})
		require.NoError(t, err)
		if h := res.Case.History; len(h) >= n && !maps.Equal(h[n-1].StatesBefore, h[n-1].StatesAfter) {
			c, err := e.Replay(*res.Case.Origin, res.Case.History[:n])
			require.NoError(t, err)
			return c
		}
	}
	t.Fatalf("no walk reached %d events", n)
	return sdk.Case{}
}

func copyCase(t testing.TB, c sdk.Case) sdk.Case {
	var out sdk.Case
	require.NoError(t, json.Unmarshal([]byte(asJSON(t, c)), &out))
	return out
}

// TestTamperEvidence changes every field of every event, drops, swaps with
// the next and inserts a copy of every event of a long history, and checks
// that Verify refuses each one naming the first bad event.
func TestTamperEvidence(t *testing.T) {
	e := engine(t)
	c := longCase(t, e, 60)
	n := len(c.History)
	require.True(t, e.Verify(c).OK)
	// Each change makes the field differ from what was recorded; none
	// changes a map in place (the events share their maps with c).
	changes := map[string]func(ev *sdk.Event){
		"seq":           func(ev *sdk.Event) { ev.Seq += 1000 },
		"at":            func(ev *sdk.Event) { ev.At = "1999-01-01T00:00:00Z" },
		"actor":         func(ev *sdk.Event) { ev.Actor += "x" },
		"trigger":       func(ev *sdk.Event) { ev.Trigger += "x" },
		"data":          func(ev *sdk.Event) { ev.Data = with(ev.Data, "added", true) },
		"facts":         func(ev *sdk.Event) { ev.Facts = with(ev.Facts, "id", "other") },
		"states_before": func(ev *sdk.Event) { ev.StatesBefore = withState(ev.StatesBefore) },
		"states_after":  func(ev *sdk.Event) { ev.StatesAfter = withState(ev.StatesAfter) },
		"policy_id":     func(ev *sdk.Event) { ev.PolicyID += "x" },
		"policy_hash":   func(ev *sdk.Event) { ev.PolicyHash = "00" },
		"prev_hash":     func(ev *sdk.Event) { ev.PrevHash = "00" },
		"hash":          func(ev *sdk.Event) { ev.Hash = "00" },
	}
	check := func(what string, i int, h []sdk.Event, wantFirstBad int) {
		t.Helper()
		cp := c
		cp.History = h
		r := e.Verify(cp)
		if assert.False(t, r.OK, "%s at position %d was not detected", what, i+1) {
			assert.Equal(t, wantFirstBad, r.FirstBad, "%s at position %d: %s", what, i+1, r.Reason)
			assert.NotEmpty(t, r.Reason)
		}
	}
	tried := 0
	for i := 0; i < n; i++ {
		for name, change := range changes {
			h := slices.Clone(c.History)
			change(&h[i])
			check("changing "+name, i, h, i+1)
			tried++
		}
		// Dropping event i: the event now at position i has the wrong
		// sequence number. Dropping the last event leaves a good chain; the
		// case then no longer matches its history.
		h := slices.Delete(slices.Clone(c.History), i, i+1)
		if i < n-1 {
			check("dropping", i, h, i+1)
		} else {
			cp := c
			cp.History = h
			r := e.Verify(cp)
			assert.False(t, r.OK, "dropping the last event")
			assert.Contains(t, r.Reason, "do not match its history")
		}
		tried++
		if i < n-1 {
			h := slices.Clone(c.History)
			h[i], h[i+1] = h[i+1], h[i]
			check("swapping with the next", i, h, i+1)
			tried++
		}
		h = slices.Insert(slices.Clone(c.History), i+1, c.History[i])
		check("inserting a copy after", i, h, i+2)
		tried++
	}
	t.Logf("%d events, %d tamperings, each detected at the right event", n, tried)
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	out[k] = v
	return out
}

func withState(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	out["ehc"] += "_x"
	return out
}

// TestForgedChainIsCaughtByReplay rewrites what the engine decided (the
// states after an event) and re-hashes the chain from there, as a forger
// who knows the hash would: the chain holds, but replaying the history
// names the forged event.
func TestForgedChainIsCaughtByReplay(t *testing.T) {
	e := engine(t)
	c := longCase(t, e, 60)
	for i := range c.History {
		cp := copyCase(t, c)
		h := cp.History
		h[i].StatesAfter["ehc"] = "forged_state"
		for j := i; j < len(h); j++ {
			if j > 0 {
				h[j].PrevHash = h[j-1].Hash
			}
			h[j].Hash = sdk.EventHash(h[j])
		}
		r := e.Verify(cp)
		require.False(t, r.OK)
		assert.Equal(t, i+1, r.FirstBad, r.Reason)
	}
}

// TestOneEngineSixteenGoroutines shares one Engine between 16 goroutines,
// each walking its own case (different seeds, so different cases), and
// checks every goroutine's trace, final case, clocks, permissions and
// verification are identical to a sequential run. make test runs it under
// the race detector.
func TestOneEngineSixteenGoroutines(t *testing.T) {
	e := engine(t)
	const workers = 16
	run := func(seed int64) string {
		res, err := randomwalk.Walk(e, randomwalk.Rand(seed), randomwalk.Options{Steps: 120, PermittedEvery: 10})
		if err != nil {
			return "error: " + err.Error()
		}
		rep, err := e.Clocks(res.Case, "2030-01-01")
		if err != nil {
			return "clocks error: " + err.Error()
		}
		perms, err := e.Permitted(res.Case, "la_officer", "2030-01-01")
		if err != nil {
			return "permitted error: " + err.Error()
		}
		return fmt.Sprint(res.Trace) + asJSON(t, res.Case) + asJSON(t, rep) + asJSON(t, perms) + asJSON(t, e.Verify(res.Case))
	}
	want := make([]string, workers)
	for i := range want {
		want[i] = run(int64(1000 + i))
	}
	got := make([]string, workers)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = run(int64(1000 + i))
		}()
	}
	wg.Wait()
	distinct := map[string]bool{}
	for i := range got {
		assert.Equal(t, want[i], got[i], "goroutine %d differs from the sequential run", i)
		assert.NotContains(t, want[i], "error:")
		distinct[want[i]] = true
	}
	assert.Len(t, distinct, workers, "every goroutine worked on a different case")
}

// BenchmarkFireLongCase fires on a case with a 60-event history (the
// history is copied and its size checked on every Fire).
func BenchmarkFireLongCase(b *testing.B) {
	e := engine(b)
	c := longCase(b, e, 60)
	f := sdk.Firing{Trigger: "ehc.brought_to_attention", Actor: "anyone", At: "2040-01-01"}
	if _, err := e.Fire(c, f); err != nil {
		f = sdk.Firing{Trigger: "nope", Actor: "anyone", At: "2040-01-01"}
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = e.Fire(c, f)
	}
}

// BenchmarkHistoryBytes is the cost of the MaxCaseBytes check on a
// 60-event history, paid by every Fire, Permitted and Clocks.
func BenchmarkHistoryBytes(b *testing.B) {
	c := longCase(b, engine(b), 60)
	for b.Loop() {
		if sdk.HistoryBytes(c.History) == 0 {
			b.Fatal("no size")
		}
	}
}

// TestEventCanonicalIsWhatIsHashed checks the test hook BenchmarkFireFloor
// hashes: for every event of a long random history, the SHA-256 of
// EventCanonical is the event's recorded Hash, and the bytes begin with
// the canonical form's version.
func TestEventCanonicalIsWhatIsHashed(t *testing.T) {
	c := longCase(t, engine(t), 60)
	for _, ev := range c.History {
		b := sdk.EventCanonical(ev)
		require.True(t, strings.HasPrefix(string(b), "sendflow/event/v1\n{\"seq\":"), string(b))
		sum := sha256.Sum256(b)
		assert.Equal(t, ev.Hash, hex.EncodeToString(sum[:]), "event %d", ev.Seq)
		assert.Equal(t, b, sdk.AppendEventCanonical(nil, &ev))
	}
}
