package sdk

import (
	"fmt"

	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// Guard evaluation is bounded twice (docs/policies.md, "The cost model";
// the machinery is in internal/guard):
//
//   - at compile time, the cost model walks an expression's typed syntax
//     tree and works out its worst-case cost from the declared bounds of
//     what it reads (payload strings, lists, evidence, the policy's own
//     parameters); an expression costing more than Limits.GuardCost is
//     refused with problem code too_costly;
//   - at run time, the compiled program is patched to charge a per
//     evaluation meter: one step per loop iteration, and the size of what
//     each string function, conversion, in, contains, startsWith, endsWith
//     and matches is given. An evaluation that spends Limits.GuardSteps, or
//     whose context is cancelled or past its deadline, is stopped with
//     limit_exceeded. All the evaluations of one call (a Fire, a Permitted,
//     one event of a Replay) share a second budget, Limits.CallSteps, so a
//     policy of many guards each just under the limits cannot make one
//     call slow either.
//
// The run-time charges are never more than the static estimate for values
// within the declared bounds, so a guard that compiles is not stopped at
// run time under the default limits.

// The default limits. A step is about one byte a string function reads or
// one loop iteration (about 50-150 ns on the 2-core machine the tests run
// on): DefaultGuardSteps keeps one evaluation, and DefaultCallSteps one
// whole call, well under a second. The costliest expression of the default
// policy and the example authorities costs 196,619, about a tenth of
// DefaultGuardCost.
const (
	DefaultGuardCost  = 2_000_000
	DefaultGuardSteps = 2_000_000
	DefaultCallSteps  = 3_000_000
)

// limitsOrDefault is l with every zero field at its default.
func (l Limits) orDefault() Limits {
	if l.GuardCost <= 0 {
		l.GuardCost = DefaultGuardCost
	}
	if l.GuardSteps <= 0 {
		l.GuardSteps = DefaultGuardSteps
	}
	if l.CallSteps <= 0 {
		l.CallSteps = DefaultCallSteps
	}
	return l
}

// cost is the worst-case cost of what one firing of t evaluates: its
// guards and branch conditions (saturating, never overflowing).
func (t *trigger) cost() int64 {
	var sum int64
	add := func(p *program) {
		if p != nil {
			sum = min(sum+p.cost, guardlang.MaxCost)
		}
	}
	for _, g := range t.guards {
		add(g.prog)
	}
	for _, b := range t.branches {
		add(b.when)
	}
	return sum
}

// triggerTooCostly is the problem of a trigger whose guards and branch
// conditions together cost more than one call may spend.
func triggerTooCostly(id string, cost, limit int64) string {
	return fmt.Sprintf("trigger %s: its guards and branch conditions together have a worst-case cost of %s steps, over the limit of %d for one call (Limits.CallSteps): one firing evaluates them all; loop over less or split the work", id, guardlang.CostText(cost), limit)
}
