package guard

import (
	"fmt"
	"strings"
	"sync"

	"github.com/expr-lang/expr/vm"
)

// ErrBudget marks an evaluation stopped by the memory budget.
var ErrBudget = fmt.Errorf("the expression exceeded its memory budget")

// Run evaluates prog against env with a panic guard, the memory budget
// and the meter (env's own, nil for none), reset for this evaluation.
func Run(prog *vm.Program, env any, meter *Meter) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("expression failed: %v", r)
		}
	}()
	if meter != nil {
		if err := meter.reset(); err != nil {
			return nil, err
		}
		defer func() {
			if stop := meter.stopped(); stop != nil {
				out, err = nil, stop
			}
		}()
	}
	m := vmPool.Get().(*vm.VM)
	defer putVM(m)
	m.MemoryBudget = MemoryBudget
	out, err = m.Run(prog, env)
	if err != nil && strings.Contains(err.Error(), "memory budget exceeded") {
		return nil, ErrBudget
	}
	return out, err
}

// vmPool holds expr VMs for reuse: Run resets a VM's stack, scopes and
// memory count, so one evaluation does not allocate a VM and its stack.
var vmPool = sync.Pool{New: func() any { return &vm.VM{} }}

// putVM returns m to the pool without keeping the values of the last
// evaluation alive.
func putVM(m *vm.VM) {
	clear(m.Stack[:cap(m.Stack)])
	m.Stack = m.Stack[:0]
	clear(m.Variables)
	clear(m.Scopes)
	m.Scopes = m.Scopes[:0]
	vmPool.Put(m)
}
