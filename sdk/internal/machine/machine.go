// Package machine keeps github.com/qmuntal/stateless behind a small,
// immutable API. A Machine is built once from a validated Spec; every call
// takes a configured stateless machine from a pool for its exclusive use, so
// no stateless machine is ever shared between goroutines or cases, and the
// current state travels in the call's context rather than in the machine.
package machine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/qmuntal/stateless"
)

// State is one state of a track. Parent is empty for top-level states.
type State struct {
	Name    string
	Parent  string
	Initial string // initial sub-state, for states with children
}

// Transition is one trigger's configuration from one state.
type Transition struct {
	Trigger string
	From    string
	// To is the destination; empty means the state does not change.
	To string
	// Dynamic means the destination is chosen per firing (branches), among
	// Dests.
	Dynamic bool
	Dests   []string
}

// Spec is a whole track.
type Spec struct {
	Track       string
	Initial     string
	States      []State
	Transitions []Transition
	// Known means the spec is known to build (the embedded default
	// policy's tracks, which the tests build): New still validates it but
	// leaves building the first stateless machine to its first use.
	Known bool
}

// Machine is an immutable, validated track machine.
type Machine struct {
	spec     Spec
	states   map[string]State
	byState  map[string]map[string]Transition // from → trigger → transition
	triggers map[string]bool
	// boxed holds each state name already converted to stateless.State, so
	// handing a state to stateless allocates nothing.
	boxed     map[string]stateless.State
	boxedTrig map[string]stateless.Trigger
	pool      sync.Pool
}

type ctxKey struct{}

// cell is one call's state and chosen destination; stateless reads and
// writes the state through the context.
type cell struct {
	state stateless.State
	dest  string
}

// pooled is one configured stateless machine with the cell and context its
// accessors read: a call takes it from the pool for its exclusive use, so
// neither the context nor the cell is allocated per call.
type pooled struct {
	sm  *stateless.StateMachine
	c   *cell
	ctx context.Context
}

// New validates spec and builds the machine. It returns every problem found,
// so stateless can never panic on a policy at run time.
func New(spec Spec) (*Machine, error) {
	m := &Machine{spec: spec, states: map[string]State{}, byState: map[string]map[string]Transition{}, triggers: map[string]bool{}}
	errs := m.addStates()
	errs = append(errs, m.addTransitions()...)
	errs = append(errs, m.ambiguities()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.box()
	m.pool.New = func() any { return m.newPooled() }
	if spec.Known {
		return m, nil
	}
	// Build one now so any stateless configuration problem surfaces here.
	if err := m.safeBuild(); err != nil {
		return nil, err
	}
	return m, nil
}

// addStates records the spec's states and checks each is named once, its
// parent and initial sub-state exist, and so does the track's initial state.
func (m *Machine) addStates() []error {
	spec := m.spec
	var errs []error
	for _, s := range spec.States {
		if s.Name == "" {
			errs = append(errs, fmt.Errorf("track %s: a state has no name", spec.Track))
			continue
		}
		if _, dup := m.states[s.Name]; dup {
			errs = append(errs, fmt.Errorf("track %s: state %s is declared twice", spec.Track, s.Name))
		}
		m.states[s.Name] = s
	}
	for _, s := range spec.States {
		if s.Parent != "" {
			if _, ok := m.states[s.Parent]; !ok {
				errs = append(errs, fmt.Errorf("track %s: state %s has unknown parent %s", spec.Track, s.Name, s.Parent))
			}
		}
		if s.Initial != "" {
			c, ok := m.states[s.Initial]
			if !ok || c.Parent != s.Name {
				errs = append(errs, fmt.Errorf("track %s: state %s: initial sub-state %s is not one of its sub-states", spec.Track, s.Name, s.Initial))
			}
		}
	}
	if _, ok := m.states[spec.Initial]; !ok {
		errs = append(errs, fmt.Errorf("track %s: initial state %q is not declared", spec.Track, spec.Initial))
	}
	return errs
}

// addTransitions records each transition whose states exist, checking no
// trigger is configured twice from one state.
func (m *Machine) addTransitions() []error {
	spec := m.spec
	var errs []error
	for _, t := range spec.Transitions {
		if _, ok := m.states[t.From]; !ok {
			errs = append(errs, fmt.Errorf("track %s: trigger %s: unknown from-state %q", spec.Track, t.Trigger, t.From))
			continue
		}
		bad := false
		for _, d := range append([]string{t.To}, t.Dests...) {
			if _, ok := m.states[d]; d != "" && !ok {
				errs = append(errs, fmt.Errorf("track %s: trigger %s: unknown destination state %q", spec.Track, t.Trigger, d))
				bad = true
			}
		}
		if bad {
			continue
		}
		if m.byState[t.From] == nil {
			m.byState[t.From] = map[string]Transition{}
		}
		if _, dup := m.byState[t.From][t.Trigger]; dup {
			errs = append(errs, fmt.Errorf("track %s: trigger %s is configured twice from state %s (ambiguous)", spec.Track, t.Trigger, t.From))
		}
		m.byState[t.From][t.Trigger] = t
		m.triggers[t.Trigger] = true
	}
	return errs
}

// ambiguities reports each trigger configured on a state and on one of its
// ancestors.
func (m *Machine) ambiguities() []error {
	var errs []error
	for from, ts := range m.byState {
		for p := m.states[from].Parent; p != ""; p = m.states[p].Parent {
			for trig := range ts {
				if _, dup := m.byState[p][trig]; dup {
					errs = append(errs, fmt.Errorf("track %s: trigger %s is configured from both %s and its parent %s (ambiguous)", m.spec.Track, trig, from, p))
				}
			}
		}
	}
	return errs
}

// box converts every state and trigger name to stateless's types once.
func (m *Machine) box() {
	m.boxed = make(map[string]stateless.State, len(m.states))
	for name := range m.states {
		m.boxed[name] = name
	}
	m.boxedTrig = make(map[string]stateless.Trigger, len(m.triggers))
	for t := range m.triggers {
		m.boxedTrig[t] = t
	}
}

func (m *Machine) safeBuild() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("track %s: invalid state machine: %v", m.spec.Track, r)
		}
	}()
	m.pool.Put(m.newPooled())
	return nil
}

func (m *Machine) newPooled() *pooled {
	c := &cell{}
	return &pooled{sm: m.build(), c: c, ctx: context.WithValue(context.Background(), ctxKey{}, c)}
}

func (m *Machine) build() *stateless.StateMachine {
	sm := stateless.NewStateMachineWithExternalStorage(
		func(ctx context.Context) (stateless.State, error) {
			c, _ := ctx.Value(ctxKey{}).(*cell)
			if c == nil {
				return nil, errors.New("machine: no state in context")
			}
			return c.state, nil
		},
		func(ctx context.Context, s stateless.State) error {
			c, _ := ctx.Value(ctxKey{}).(*cell)
			if c == nil {
				return errors.New("machine: no state in context")
			}
			c.state = s
			return nil
		},
		stateless.FiringImmediate,
	)
	for _, s := range m.spec.States {
		cfg := sm.Configure(s.Name)
		if s.Parent != "" {
			cfg.SubstateOf(s.Parent)
		}
		if s.Initial != "" {
			cfg.InitialTransition(s.Initial)
		}
	}
	for _, t := range m.spec.Transitions {
		cfg := sm.Configure(t.From)
		switch {
		case t.Dynamic:
			cfg.PermitDynamic(t.Trigger, func(ctx context.Context, _ ...any) (stateless.State, error) {
				c, _ := ctx.Value(ctxKey{}).(*cell)
				if c == nil || c.dest == "" {
					return nil, errors.New("machine: no destination chosen")
				}
				return m.boxed[c.dest], nil
			})
		case t.To == "":
			cfg.InternalTransition(t.Trigger, func(context.Context, ...any) error { return nil })
		case t.To == t.From:
			cfg.PermitReentry(t.Trigger)
		default:
			cfg.Permit(t.Trigger, t.To)
		}
	}
	sm.OnUnhandledTrigger(func(_ context.Context, state stateless.State, trigger stateless.Trigger, _ []string) error {
		return fmt.Errorf("%w: %v from %v", ErrNotPermitted, trigger, state)
	})
	return sm
}

// ErrNotPermitted is returned when the trigger has no transition from the state.
var ErrNotPermitted = errors.New("no transition")

// Track is the track's name.
func (m *Machine) Track() string { return m.spec.Track }

// Initial is the track's initial state.
func (m *Machine) Initial() string { return m.spec.Initial }

// HasState reports whether s is a declared state.
func (m *Machine) HasState(s string) bool { _, ok := m.states[s]; return ok }

// HasTrigger reports whether the trigger is configured anywhere on the track.
func (m *Machine) HasTrigger(t string) bool { return m.triggers[t] }

// IsIn reports whether state is s or one of s's sub-states.
func (m *Machine) IsIn(state, s string) bool {
	for cur := state; cur != ""; cur = m.states[cur].Parent {
		if cur == s {
			return true
		}
	}
	return false
}

func (m *Machine) with(state string, fn func(ctx context.Context, sm *stateless.StateMachine, c *cell) error) (err error) {
	p, err := m.acquire(state)
	if err != nil {
		return err
	}
	defer m.release(p, &err)
	return fn(p.ctx, p.sm, p.c)
}

// acquire takes a configured machine from the pool for one call's
// exclusive use, set to state.
func (m *Machine) acquire(state string) (*pooled, error) {
	if !m.HasState(state) {
		return nil, fmt.Errorf("track %s: unknown state %q", m.spec.Track, state)
	}
	p := m.pool.Get().(*pooled)
	p.c.state, p.c.dest = m.boxed[state], ""
	return p, nil
}

// release is deferred by every call that acquired p: a panic becomes the
// call's error, and a machine that panicked is not returned to the pool.
func (m *Machine) release(p *pooled, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("track %s: state machine failure: %v", m.spec.Track, r)
		return
	}
	p.c.state, p.c.dest = nil, ""
	m.pool.Put(p)
}

// CanFire reports whether trigger has a transition from state (or one of its
// parents). It reads the validated transition table the stateless machines
// are configured from, so the answer is the one stateless would give, without
// taking a machine from the pool (Permitted asks this for every trigger).
func (m *Machine) CanFire(state, trigger string) bool {
	if !m.HasState(state) {
		return false
	}
	for cur := state; cur != ""; cur = m.states[cur].Parent {
		if _, ok := m.byState[cur][trigger]; ok {
			return true
		}
	}
	return false
}

// canFireStateless asks stateless itself; tests check it agrees with CanFire.
func (m *Machine) canFireStateless(state, trigger string) bool {
	ok := false
	_ = m.with(state, func(ctx context.Context, sm *stateless.StateMachine, _ *cell) error {
		var err error
		ok, err = sm.CanFireCtx(ctx, trigger)
		if err != nil {
			ok = false
		}
		return nil
	})
	return ok
}

// Fire fires trigger from state and returns the new state. dest is the
// destination for dynamic (branching) transitions and ignored otherwise.
func (m *Machine) Fire(state, trigger, dest string) (out string, err error) {
	// acquire and release rather than with: no closure on the path of
	// every firing.
	p, err := m.acquire(state)
	if err != nil {
		return "", err
	}
	defer m.release(p, &err)
	if dest != "" && !m.HasState(dest) {
		return "", fmt.Errorf("track %s: unknown destination %q", m.spec.Track, dest)
	}
	p.c.dest = dest
	trig, ok := m.boxedTrig[trigger]
	if !ok {
		trig = trigger // unknown here: stateless refuses it
	}
	if err := p.sm.FireCtx(p.ctx, trig); err != nil {
		return "", err
	}
	out, _ = p.c.state.(string)
	return out, nil
}

// Permitted lists the triggers that have a transition from state, sorted.
func (m *Machine) Permitted(state string) []string {
	var out []string
	_ = m.with(state, func(ctx context.Context, sm *stateless.StateMachine, _ *cell) error {
		ts, err := sm.PermittedTriggersCtx(ctx)
		if err != nil {
			return err
		}
		for _, t := range ts {
			out = append(out, fmt.Sprint(t))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// Reachable returns the states that can be reached from the initial state,
// counting extra entry points (states other tracks set directly).
func (m *Machine) Reachable(extra ...string) map[string]bool {
	seen := map[string]bool{}
	var visit func(s string)
	visit = func(s string) {
		if seen[s] || !m.HasState(s) {
			return
		}
		seen[s] = true
		if p := m.states[s].Parent; p != "" {
			visit(p)
		}
		if in := m.states[s].Initial; in != "" {
			visit(in)
		}
		for _, t := range m.spec.Transitions {
			if m.IsIn(s, t.From) {
				for _, d := range append([]string{t.To}, t.Dests...) {
					if d != "" {
						visit(d)
					}
				}
			}
		}
	}
	visit(m.spec.Initial)
	for _, e := range extra {
		visit(e)
	}
	return seen
}

// Dot renders the track as a Graphviz digraph; current (if any) is highlighted.
func (m *Machine) Dot(current string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n", m.spec.Track)
	for _, s := range m.spec.States {
		attrs := ""
		if m.IsIn(current, s.Name) && current != "" {
			attrs = ", style=\"rounded,filled\", fillcolor=\"#ffd866\""
		}
		fmt.Fprintf(&b, "  %q [label=%q%s];\n", s.Name, s.Name, attrs)
	}
	for _, t := range m.spec.Transitions {
		dests := t.Dests
		if !t.Dynamic {
			dests = []string{t.To}
		}
		for _, to := range dests {
			if to == "" {
				to = t.From
			}
			fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", t.From, to, t.Trigger)
		}
	}
	b.WriteString("}\n")
	return b.String()
}
