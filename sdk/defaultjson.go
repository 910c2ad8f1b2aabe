package sdk

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"sync"
)

// policies/default.json is policies/default.yaml already parsed, with the
// SHA-256 of the YAML it was made from (generated: `make sdk-default-json`;
// a test fails when it is stale). Parsing JSON instead of YAML makes
// compiling the default policy several times faster, which is most of the
// WebAssembly builds' cold start. When the YAML has changed and the JSON was
// not regenerated, the YAML is parsed as before: slower, never wrong.
//
//go:embed policies/default.json
var defaultPolicyJSON []byte

type parsedDefault struct {
	YAMLSHA256 string          `json:"yaml_sha256"`
	Policy     json.RawMessage `json:"policy"`
}

var (
	defaultJSONOnce sync.Once
	defaultJSONRaw  []byte
)

// parseDefault parses the embedded default policy layer.
func parseDefault() (Policy, error) {
	defaultJSONOnce.Do(func() {
		var pd parsedDefault
		if json.Unmarshal(defaultPolicyJSON, &pd) == nil && pd.YAMLSHA256 == yamlSum(defaultPolicyYAML) {
			defaultJSONRaw = pd.Policy
		}
	})
	if defaultJSONRaw != nil {
		var p Policy
		if err := jsonUnmarshal(defaultJSONRaw, &p); err == nil {
			return p, nil
		}
	}
	return parsePolicy(PolicySource{Name: "default.yaml", Data: defaultPolicyYAML})
}

func yamlSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
