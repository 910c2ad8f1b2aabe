package sdk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// generateDefaultJSON is policies/default.json for the embedded YAML.
func generateDefaultJSON(t *testing.T) []byte {
	t.Helper()
	p, err := parsePolicy(PolicySource{Name: "default.yaml", Data: defaultPolicyYAML})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(parsedDefault{YAMLSHA256: yamlSum(defaultPolicyYAML), Policy: raw}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
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
	if defaultJSONRaw == nil {
		t.Fatal("the pre-parsed default policy was not used (stale or unreadable)")
	}
	a, _ := json.Marshal(fromYAML)
	b, _ := json.Marshal(fromJSON)
	if string(a) != string(b) {
		t.Fatal("the pre-parsed default policy differs from the YAML")
	}
}
