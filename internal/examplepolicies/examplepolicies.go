// Package examplepolicies holds the example authority policies of
// examples/policies (kent.yaml, liverpool.yaml, sefton.yaml, ...) and their
// district overlays (kent/dover.yaml, ...) so tools such as the portal
// served by `sendflow serve` can offer them without reading the disk.
//
// The documents stay in examples/policies, where policy authors find them.
// Go embeds only files under the embedding package's own directory, and a
// package there would make the CLI import examples/; so sources_gen.go
// holds them, generated from that directory by `make generate` (or
// SENDFLOW_UPDATE_EXAMPLES=1 go test ./internal/examplepolicies), and
// TestSourcesAreCurrent fails whenever it differs from the files.
package examplepolicies

import (
	"path"
	"sort"
	"strings"
)

// Layer is one policy document.
type Layer struct {
	// Name is the file's path in examples/policies, e.g. "kent/dover.yaml".
	Name string
	// Data is the document as written.
	Data []byte
}

// Example is one example policy: an authority overlay, or a district
// overlay on its authority's.
type Example struct {
	// ID is the path without its extension, e.g. "kent" or "kent/dover".
	ID string
	// Layers are the overlays to compile on top of the default, in order:
	// the authority's, then the district's.
	Layers []Layer
}

// source is one policy document of examples/policies: an authority's (at
// the top) or a district's (in the directory named after its authority).
type source struct {
	name string // the path in examples/policies
	text string
}

func isPolicy(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func trimExt(name string) string { return strings.TrimSuffix(name, path.Ext(name)) }

// Examples returns every authority policy (a *.yaml, *.yml or *.json file
// at the top of examples/policies) followed by its districts (the policy
// files in the directory of the same name, not in subdirectories such as
// scenarios/), sorted by id.
func Examples() []Example { return group(sources) }

// group makes the examples of srcs: each authority alone, and each of its
// districts layered on it.
func group(srcs []source) []Example {
	var out []Example
	for _, a := range srcs {
		if strings.Contains(a.name, "/") || !isPolicy(a.name) {
			continue
		}
		auth := Layer{Name: a.name, Data: []byte(a.text)}
		id := trimExt(a.name)
		out = append(out, Example{ID: id, Layers: []Layer{auth}})
		for _, d := range srcs {
			rest, ok := strings.CutPrefix(d.name, id+"/")
			if !ok || strings.Contains(rest, "/") || !isPolicy(rest) {
				continue
			}
			out = append(out, Example{ID: trimExt(d.name), Layers: []Layer{auth, {Name: d.name, Data: []byte(d.text)}}})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
