package scenario

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"

	"github.com/sendflow/sendflow/sdk"
)

// maxExtends bounds a chain of overlays (district on authority on ...).
const maxExtends = 8

// PolicySources reads policy overlay files and returns them as the layers
// to compile on top of the default, in order. A file whose top-level
// "extends" names another policy file (relative to itself) has that file,
// and whatever it extends, placed before it; a file named twice (directly
// or through extends) is compiled once, where it first appears. So
// PolicySources("kent/dover.yaml") and PolicySources("kent.yaml",
// "kent/dover.yaml") give the same layers when dover.yaml extends ../kent.yaml.
func PolicySources(paths ...string) ([]sdk.PolicySource, error) {
	var out []sdk.PolicySource
	seen := map[string]bool{}
	var add func(path string, chain []string) error
	add = func(path string, chain []string) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		for _, c := range chain {
			if c == abs {
				return fmt.Errorf("policy %s: extends forms a cycle", path)
			}
		}
		if len(chain) >= maxExtends {
			return fmt.Errorf("policy %s: extends is nested more than %d deep", path, maxExtends)
		}
		if seen[abs] {
			return nil
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		if info.Size() > sdk.MaxPolicyBytes {
			return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("policy %s is %d bytes; the limit is %d", path, info.Size(), sdk.MaxPolicyBytes)}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var head struct {
			Extends string `yaml:"extends"`
		}
		// Syntax errors are left for Compile, which reports them with positions.
		if yaml.Unmarshal(data, &head) == nil && head.Extends != "" && head.Extends != "default" {
			if err := add(policyPath(head.Extends, filepath.Dir(path)), append(chain, abs)); err != nil {
				return err
			}
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, sdk.PolicySource{Name: path, Data: data})
		}
		return nil
	}
	for _, p := range paths {
		if err := add(p, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}
