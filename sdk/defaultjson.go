package sdk

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"reflect"
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
	// Programs is what compiling each expression of the default policy
	// (guards, branch conditions, clock before expressions) found. With it,
	// Compile() of the default alone (no overlays) leaves each expression's
	// compile to its first use: the WebAssembly builds' cold start then
	// does not run the expression compiler at all. Any other policy, and the
	// default with overlays, is compiled whole, at once, as before.
	Programs []programMeta `json:"programs"`
	// PolicyHash is the default policy's PolicyHash (compiled alone).
	PolicyHash string `json:"policy_hash"`
}

// programMeta is what a compile of one expression found.
type programMeta struct {
	Kind       string   `json:"kind"` // reflect.Kind of the result: bool or string
	Expr       string   `json:"expr"`
	DataFields []string `json:"data_fields,omitempty"`
	UsesClocks bool     `json:"uses_clocks,omitempty"`
}

func programKey(kind reflect.Kind, src string) string { return kind.String() + "\x00" + src }

var (
	defaultJSONOnce sync.Once
	defaultJSONRaw  []byte
	defaultProgs    map[string]programMeta
	defaultHash     string
)

// parseDefault parses the embedded default policy layer.
func parseDefault() (Policy, error) {
	defaultJSONOnce.Do(func() {
		var pd parsedDefault
		if json.Unmarshal(defaultPolicyJSON, &pd) == nil && pd.YAMLSHA256 == yamlSum(defaultPolicyYAML) {
			defaultJSONRaw = pd.Policy
			defaultHash = pd.PolicyHash
			if len(pd.Programs) > 0 {
				defaultProgs = make(map[string]programMeta, len(pd.Programs))
				for _, m := range pd.Programs {
					defaultProgs[m.Kind+"\x00"+m.Expr] = m
				}
			}
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

// defaultPrograms is what compiling each expression of the default policy
// found, keyed by programKey; nil when policies/default.json is stale.
// Call after parseDefault.
func defaultPrograms() map[string]programMeta {
	if defaultJSONRaw == nil || defaultHash == "" {
		return nil
	}
	return defaultProgs
}
