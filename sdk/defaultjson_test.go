package sdk

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
)

// eagerDefaultPrograms compiles the default policy whole, at once, and
// lists what compiling each of its expressions found, sorted and unique.
func eagerDefaultPrograms(t *testing.T) []programMeta {
	t.Helper()
	e, err := compilePolicy(false, nil, DefaultGuardCost, DefaultCallSteps)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]programMeta{}
	add := func(kind reflect.Kind, pr *program) {
		if pr == nil {
			return
		}
		if pr.lazy != nil || pr.prog == nil {
			t.Fatalf("expression %q was not compiled at once", pr.src)
		}
		seen[programKey(kind, pr.src)] = programMeta{Kind: kind.String(), Expr: pr.src, DataFields: pr.dataFields, UsesClocks: pr.usesClocks, Cost: pr.cost}
	}
	for _, r := range e.p.roles {
		if r.eligibility != nil {
			add(reflect.Bool, r.eligibility.prog)
		}
	}
	for _, cs := range e.p.clocks {
		add(reflect.String, cs.before)
	}
	for _, tr := range e.p.triggers {
		for _, g := range tr.guards {
			add(reflect.Bool, g.prog)
		}
		for _, b := range tr.branches {
			add(reflect.Bool, b.when)
		}
	}
	var out []programMeta
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, seen[k])
	}
	return out
}

// TestDefaultPolicyPreParsedIsTheYAML: the pre-parsed form gives the same
// policy document, so the same engine and policy hash.
func TestDefaultPolicyPreParsedIsTheYAML(t *testing.T) {
	fromYAML, err := parsePolicy(PolicySource{Name: "default.yaml", Data: defaultPolicyYAML})
	if err != nil {
		t.Fatal(err)
	}
	pre, err := parseDefault()
	if err != nil {
		t.Fatal(err)
	}
	if !defaultGenOK {
		t.Fatal("the pre-parsed default policy was not used (stale)")
	}
	fromYAML.Labels = nil // the pre-parsed policy holds its labels apart, as JSON (TriggerLabels reads them)
	a, _ := json.Marshal(fromYAML)
	b, _ := json.Marshal(pre)
	if string(a) != string(b) {
		t.Fatal("the pre-parsed default policy differs from the YAML")
	}
}

// Each parse of the default policy is the caller's own: changing one does
// not change the next.
func TestParseDefaultIsNotShared(t *testing.T) {
	a, err := parseDefault()
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseDefault()
	if err != nil {
		t.Fatal(err)
	}
	a.Roles[0].ID = "changed"
	a.Triggers[0].From[0] = "changed"
	c, err := parseDefault()
	if err != nil {
		t.Fatal(err)
	}
	if b.Roles[0].ID == "changed" || c.Roles[0].ID == "changed" || b.Triggers[0].From[0] == "changed" || c.Triggers[0].From[0] == "changed" {
		t.Fatal("parses of the default policy share their data")
	}
}

// A compile only reads the policies of its layers: the generated default,
// which the first compile takes itself and every later parse copies, is
// still the YAML's policy after compiles of the default alone and with
// overlays (guards, roles and parameters overlaid) and a firing.
func TestCompileLeavesTheGeneratedDefault(t *testing.T) {
	overlay := PolicySource{Name: "la.yaml", Data: []byte(`id: la
parameters:
  - id: hnf_threshold
    value: 5000
roles:
  - id: school
    description: A school
triggers:
  - id: hnf.considered
    guards:
      - id: la_extra
        expr: "true"
        reason: "An overlay's own guard."
`)}
	for _, sources := range [][]PolicySource{nil, {overlay}, nil} {
		e, err := compilePolicy(true, sources, DefaultGuardCost, DefaultCallSteps)
		if err != nil {
			t.Fatalf("%v: %+v", err, AsError(err).Problems)
		}
		if _, err := e.Fire(e.NewCase(Facts{}), Firing{Trigger: "hnf.considered", Actor: "school", At: "2026-02-10",
			Data: map[string]any{"annual_provision_cost": 7500}}); err != nil {
			t.Fatal(err)
		}
		_ = e.Policy()
	}
	if !defaultHanded.Load() {
		t.Fatal("no compile took the generated default policy")
	}
	want := defaultAsJSONHolds(t)
	want.Labels = nil // held apart, as JSON
	if !reflect.DeepEqual(genDefault.policy, want) {
		t.Fatal("a compile wrote to the generated default policy")
	}
}
