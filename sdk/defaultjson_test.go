package sdk

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// generateDefaultJSON is policies/default.json for the embedded YAML.
func generateDefaultJSON(t *testing.T) []byte {
	t.Helper()
	p, err := parsePolicy(PolicySource{Name: "default.yaml", Data: defaultPolicyYAML})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(parsedDefault{YAMLSHA256: yamlSum(defaultPolicyYAML), Policy: &p}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

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

// TestDefaultPolicyJSONIsCurrent fails when policies/default.json was not
// regenerated after default.yaml changed; SENDFLOW_UPDATE_POLICY_JSON=1
// (make sdk-default-json) rewrites it.
func TestDefaultPolicyJSONIsCurrent(t *testing.T) {
	want := generateDefaultJSON(t)
	if os.Getenv("SENDFLOW_UPDATE_POLICY_JSON") == "1" {
		if err := os.WriteFile(filepath.Join("policies", "default.json"), want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if string(want) != string(defaultPolicyJSON) {
		t.Fatal("sdk/policies/default.json is stale: run `make sdk-default-json`")
	}
}

// TestDefaultPolicyFromJSONIsTheYAML: the pre-parsed form gives the same
// policy document, so the same engine and policy hash.
func TestDefaultPolicyFromJSONIsTheYAML(t *testing.T) {
	fromYAML, err := parsePolicy(PolicySource{Name: "default.yaml", Data: defaultPolicyYAML})
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := parseDefault()
	if err != nil {
		t.Fatal(err)
	}
	if !defaultGenOK {
		t.Fatal("the pre-parsed default policy was not used (stale)")
	}
	a, _ := json.Marshal(fromYAML)
	b, _ := json.Marshal(fromJSON)
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
