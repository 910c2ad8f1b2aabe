package scenario

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
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
	return resolveLayers(paths, filepath.Abs, func(path string) ([]byte, error) {
		f, err := os.Open(path) // "open PATH: no such file or directory", as MemoryPolicySources words it
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, sdk.MaxPolicyBytes+1))
		if err != nil {
			return nil, err
		}
		if len(data) > sdk.MaxPolicyBytes {
			return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("policy %s is over %d bytes, the limit", path, sdk.MaxPolicyBytes)}
		}
		return data, nil
	})
}

// MemoryPolicySources is PolicySources over files held in memory, keyed by
// slash-separated cleaned paths (as MemoryLoader keys them), for hosts
// without a file system.
func MemoryPolicySources(files map[string][]byte, paths ...string) ([]sdk.PolicySource, error) {
	clean := func(p string) string { return filepath.ToSlash(filepath.Clean(filepath.FromSlash(p))) }
	return resolveLayers(paths, func(p string) (string, error) { return clean(p), nil }, func(p string) ([]byte, error) {
		data, ok := files[clean(p)]
		if !ok {
			// Worded as the native loader's os.ReadFile error on Linux.
			return nil, &fs.PathError{Op: "open", Path: clean(p), Err: errNoPolicy{}}
		}
		return data, nil
	})
}

// resolveLayers follows extends chains: key identifies a file (to find
// cycles and files named twice), read reads one.
func resolveLayers(paths []string, key func(string) (string, error), read func(string) ([]byte, error)) ([]sdk.PolicySource, error) {
	var out []sdk.PolicySource
	seen := map[string]bool{}
	var add func(path string, chain []string) error
	add = func(path string, chain []string) error {
		k, err := key(path)
		if err != nil {
			return err
		}
		for _, c := range chain {
			if c == k {
				return fmt.Errorf("policy %s: extends forms a cycle", path)
			}
		}
		if len(chain) >= maxExtends {
			return fmt.Errorf("policy %s: extends is nested more than %d deep", path, maxExtends)
		}
		if seen[k] {
			return nil
		}
		data, err := read(path)
		if err != nil {
			return err
		}
		if len(data) > sdk.MaxPolicyBytes {
			return &sdk.Error{Code: sdk.CodeLimitExceeded, Message: fmt.Sprintf("policy %s is over %d bytes, the limit", path, sdk.MaxPolicyBytes)}
		}
		// Syntax errors and documents too deep are left for Compile, which
		// reports them with positions.
		if ext := extendsOf(data); ext != "" && ext != "default" {
			if err := add(policyPath(ext, filepath.Dir(path)), append(chain, k)); err != nil {
				return err
			}
		}
		if !seen[k] {
			seen[k] = true
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

// extendsOf is the extends key of a policy document, read from its syntax
// tree (nothing is decoded, so no alias is expanded) after the depth check,
// or "" when it has none or cannot be read.
func extendsOf(data []byte) string {
	if yamlsafe.Depth(data, sdk.MaxYAMLDepth) != nil {
		return ""
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil || len(f.Docs) == 0 || f.Docs[0] == nil {
		return ""
	}
	var pairs []*ast.MappingValueNode
	switch b := f.Docs[0].Body.(type) {
	case *ast.MappingNode:
		pairs = b.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{b}
	}
	for _, kv := range pairs {
		if keyName(kv.Key) == "extends" {
			if v, ok := kv.Value.(*ast.StringNode); ok {
				return v.Value
			}
			return ""
		}
	}
	return ""
}
