package sdk

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
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
	YAMLSHA256 string  `json:"yaml_sha256"`
	Policy     *Policy `json:"policy"`
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
	defaultJSONOK   bool // policies/default.json is current
	defaultProgs    map[string]programMeta
	defaultHash     string
)

// parseDefault parses the embedded default policy layer. The file is
// decoded once, whole, for its header; the policy of that first decode is
// returned to the caller that made it, later callers decode their own, so
// no two callers share a Policy.
func parseDefault() (Policy, error) {
	var first *Policy
	defaultJSONOnce.Do(func() {
		var pd parsedDefault
		if jsonUnmarshal(defaultPolicyJSON, &pd) == nil && pd.Policy != nil && pd.YAMLSHA256 == yamlSum(defaultPolicyYAML) {
			defaultJSONOK = true
			first = pd.Policy
			defaultHash = pd.PolicyHash
			if len(pd.Programs) > 0 {
				defaultProgs = make(map[string]programMeta, len(pd.Programs))
				for _, m := range pd.Programs {
					defaultProgs[m.Kind+"\x00"+m.Expr] = m
				}
			}
		}
	})
	if first != nil {
		return *first, nil
	}
	if defaultJSONOK {
		var pd parsedDefault
		if err := jsonUnmarshal(defaultPolicyJSON, &pd); err == nil && pd.Policy != nil {
			return *pd.Policy, nil
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
	if !defaultJSONOK || defaultHash == "" {
		return nil
	}
	return defaultProgs
}
