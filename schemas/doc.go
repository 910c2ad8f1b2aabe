// Package schemas holds sendflow's JSON Schemas (draft 2020-12), one per
// document the SDK reads or writes: policy, case, firing, event, outcome,
// error, permitted, clocks and scenario. They are generated from the Go
// types and the default policy by internal/cmd/schemagen (never by hand)
// and embedded here so the CLI and the WASM build can serve them. This
// package imports nothing but the standard library.
package schemas

//go:generate go run ../internal/cmd/schemagen -root .. -out .

import (
	"embed"
	"strings"
)

//go:embed *.schema.json
var files embed.FS

// BaseURL prefixes every schema's $id: BaseURL + NAME + ".schema.json".
const BaseURL = "https://sendflow.dev/schemas/"

// names is the documented order.
var names = []string{"policy", "case", "firing", "event", "outcome", "error", "permitted", "clocks", "scenario"}

// Names lists the schema names, e.g. "case".
func Names() []string { return append([]string(nil), names...) }

// Get returns the schema called name ("case", "case.schema.json" or its
// $id all work) and whether there is one. The bytes are a fresh copy.
func Get(name string) ([]byte, bool) {
	name = strings.TrimPrefix(name, BaseURL)
	name = strings.TrimSuffix(name, ".schema.json")
	for _, n := range names {
		if n == name {
			b, err := files.ReadFile(n + ".schema.json")
			return b, err == nil
		}
	}
	return nil, false
}

// ID returns the $id of the schema called name.
func ID(name string) string { return BaseURL + name + ".schema.json" }
