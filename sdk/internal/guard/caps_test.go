package guard

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/stretchr/testify/require"
)

// runCapped compiles src as a guard (Options, no holidays) against testEnv
// and runs it with a fresh meter of sdk's default limits.
func runCapped(t *testing.T, src string) error {
	t.Helper()
	p, err := Compile(src, append([]expr.Option{expr.Env(testEnv{})}, Options(nil)...), reflect.Bool,
		Budget{Model: NewCostModel(sdkCaps), Tracks: 6, MaxCost: 2_000_000})
	require.NoError(t, err, src)
	env := &testEnv{Meter: &Meter{}}
	env.Meter.Start(context.Background(), 2_000_000, 3_000_000)
	_, err = Run(p.Prog, env, env.Meter)
	return err
}

func TestGuardMemoryBudgetCap(t *testing.T) {
	// A range of n items grows the VM's memory by n; the budget stops it
	// when it reaches MemoryBudget.
	require.NoError(t, runCapped(t, fmt.Sprintf("len(1..%d) > 0", MemoryBudget-1)), "a range just within the memory budget runs")
	err := runCapped(t, fmt.Sprintf("len(1..%d) > 0", MemoryBudget))
	require.Error(t, err, "a range of the whole budget is stopped")
	require.ErrorIs(t, err, ErrBudget)
}

func TestCalendarFunctionCaps(t *testing.T) {
	require.NoError(t, runCapped(t, fmt.Sprintf(`add_working_days("2026-01-05", %d) != ""`, MaxWorkingDays)))
	require.ErrorContains(t, runCapped(t, fmt.Sprintf(`add_working_days("2026-01-05", %d) != ""`, MaxWorkingDays+1)), "out of range")
	// 2026-01-01 plus MaxWorkingDaysRange days, and one more.
	require.NoError(t, runCapped(t, fmt.Sprintf(`working_days_between("2026-01-01", add_days("2026-01-01", %d)) > 0`, MaxWorkingDaysRange)))
	require.ErrorContains(t, runCapped(t, fmt.Sprintf(`working_days_between("2026-01-01", add_days("2026-01-01", %d)) > 0`, MaxWorkingDaysRange+1)), "longer than")
}
