// Package policies embeds the example authority policies of this directory
// (kent.yaml, liverpool.yaml, sefton.yaml, ...) so tools such as the portal
// served by `sendflow serve` can offer them without reading the disk.
package policies

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// files holds everything in this directory; "*" always matches (at least
// this file), so the package builds whether or not any policy exists yet.
//
//go:embed *
var files embed.FS

// Example is one example policy overlay.
type Example struct {
	// ID is the file name without its extension, e.g. "kent".
	ID string
	// File is the file name, e.g. "kent.yaml".
	File string
	// Data is the policy document as written.
	Data []byte
}

// Examples returns the top-level *.yaml and *.json policies of this
// directory, sorted by id.
func Examples() []Example {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	var out []Example
	for _, e := range entries {
		name := e.Name()
		ext := path.Ext(name)
		if e.IsDir() || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		data, err := files.ReadFile(name)
		if err != nil {
			continue
		}
		out = append(out, Example{ID: strings.TrimSuffix(name, ext), File: name, Data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
