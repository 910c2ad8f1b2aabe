// Package fuzzcheck holds the resource checks every fuzz target of the
// repository applies to each input: an input must finish within a time
// bound and allocate within a memory bound, so a fuzzing run finds inputs
// that are slow or amplify memory without hanging (docs/reliability.md).
package fuzzcheck

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// DefaultSlow is how long one input may take before it fails; it is the
// issue's bound (1 s) doubled for the fuzzer's coverage instrumentation and a
// busy 2-core machine. SENDFLOW_FUZZ_SLOW overrides it (a Go duration, or
// "off").
const DefaultSlow = 2 * time.Second

// MaxAlloc is how many bytes one input may allocate in all (Go's
// TotalAlloc, which counts every allocation, freed or not): 256 MiB.
const MaxAlloc = 256 << 20

// Budget is the start of one input's run.
type Budget struct {
	start time.Time
	alloc uint64
}

// Start notes the time and the allocations so far. Call it at the top of
// the fuzz function and `defer b.Check(t)`.
func Start() Budget {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return Budget{start: time.Now(), alloc: m.TotalAlloc}
}

// Slow is the time bound in force: DefaultSlow unless $SENDFLOW_FUZZ_SLOW
// says otherwise; 0 when it is "off".
func Slow() time.Duration {
	v := os.Getenv("SENDFLOW_FUZZ_SLOW")
	if v == "off" {
		return 0
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	return DefaultSlow
}

// Check fails the input when it took longer than Slow() or allocated more
// than MaxAlloc. Under the race detector, whose instrumentation makes every
// input several times slower, only the memory bound applies.
func (b Budget) Check(t testing.TB) {
	t.Helper()
	took := time.Since(b.start)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if used := m.TotalAlloc - b.alloc; used > MaxAlloc {
		t.Fatalf("this input allocated %d MiB (the bound is %d MiB)", used>>20, MaxAlloc>>20)
	}
	if d := Slow(); d > 0 && !raceEnabled && took > d {
		t.Fatalf("this input took %v (the bound is %v; SENDFLOW_FUZZ_SLOW=off to disable)", took, d)
	}
}
