package sdk

import (
	"reflect"
	"slices"
	"sync"
	"testing"
)

// programs lists every expression of a compiled policy with its result kind.
func programsOf(c *compiled) map[string]*program {
	out := map[string]*program{}
	for id, r := range c.roles {
		if r.eligibility != nil {
			out["role "+id] = r.eligibility.prog
		}
	}
	for id, cs := range c.clocks {
		if cs.before != nil {
			out["clock "+id] = cs.before
		}
	}
	for _, tr := range c.triggers {
		for _, g := range tr.guards {
			out["guard "+tr.def.ID+"/"+g.def.ID] = g.prog
		}
		for i, b := range tr.branches {
			if b.when != nil {
				out["branch "+tr.def.ID+"/"+string(rune('0'+i))] = b.when
			}
		}
	}
	return out
}

// The default policy compiled alone leaves every expression's compile to
// its first use; what it knows of each (payload fields read, clocks read)
// is what compiling it at once finds, and the lazy compile gives the same.
func TestLazyDefaultMatchesEager(t *testing.T) {
	lazy, err := Compile()
	if err != nil {
		t.Fatal(err)
	}
	eager, err := compilePolicy(false, nil, DefaultGuardCost, DefaultCallSteps)
	if err != nil {
		t.Fatal(err)
	}
	if lazy.PolicyHash() != eager.PolicyHash() {
		t.Fatal("policy hashes differ")
	}
	lp, ep := programsOf(lazy.p), programsOf(eager.p)
	if len(lp) != len(ep) || len(lp) < 30 {
		t.Fatalf("%d lazy programs, %d eager", len(lp), len(ep))
	}
	for name, e := range ep {
		l := lp[name]
		if l == nil {
			t.Fatalf("%s: missing from the lazy engine", name)
		}
		if e.lazy != nil || e.prog == nil {
			t.Fatalf("%s: not compiled at once in the eager engine", name)
		}
		if l.lazy == nil || l.prog != nil {
			t.Fatalf("%s: compiled at once in the lazy engine", name)
		}
		if l.src != e.src || l.usesClocks != e.usesClocks || !slices.Equal(l.dataFields, e.dataFields) {
			t.Fatalf("%s: lazy %q %v %v, eager %q %v %v", name, l.src, l.usesClocks, l.dataFields, e.src, e.usesClocks, e.dataFields)
		}
		prog, err := l.vmProgram()
		if err != nil || prog == nil {
			t.Fatalf("%s: lazy compile: %v", name, err)
		}
		if !reflect.DeepEqual(prog.Node(), e.prog.Node()) {
			t.Fatalf("%s: the lazily compiled program differs", name)
		}
		again, _ := l.vmProgram()
		if again != prog {
			t.Fatalf("%s: compiled twice", name)
		}
	}
	// Overlays compile everything at once, as any policy other than the
	// default alone.
	over, err := Compile(PolicySource{Name: "o.yaml", Data: []byte("id: o\n")})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range programsOf(over.p) {
		if p.lazy != nil || p.prog == nil {
			t.Fatalf("%s: lazy with an overlay", name)
		}
	}
}

// Many goroutines using a fresh default engine at once compile each
// expression once (run with -race).
func TestLazyDefaultConcurrentFirstUse(t *testing.T) {
	e, err := Compile()
	if err != nil {
		t.Fatal(err)
	}
	progs := programsOf(e.p)
	var wg sync.WaitGroup
	got := make([]map[string]any, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = map[string]any{}
			for name, p := range progs {
				prog, err := p.vmProgram()
				if err != nil {
					got[i][name] = err
				} else {
					got[i][name] = prog
				}
			}
		}()
	}
	wg.Wait()
	for i := 1; i < len(got); i++ {
		for name, v := range got[0] {
			if got[i][name] != v {
				t.Fatalf("%s: goroutine %d saw another program (%v)", name, i, got[i][name])
			}
		}
	}
}
