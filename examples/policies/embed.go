// Package policies embeds the example authority policies of this directory
// (kent.yaml, liverpool.yaml, sefton.yaml, ...) and their district overlays
// (kent/dover.yaml, ...) so tools such as the portal served by
// `sendflow serve` can offer them without reading the disk.
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

// Layer is one policy document.
type Layer struct {
	// Name is the file's path in this directory, e.g. "kent/dover.yaml".
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

func isPolicy(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func trimExt(name string) string { return strings.TrimSuffix(name, path.Ext(name)) }

// Examples returns every authority policy (a *.yaml or *.json file at the
// top of this directory) followed by its districts (the policy files in the
// directory of the same name, not in subdirectories such as scenarios/),
// sorted by id.
func Examples() []Example {
	top, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil
	}
	var out []Example
	for _, e := range top {
		if e.IsDir() || !isPolicy(e.Name()) {
			continue
		}
		data, err := files.ReadFile(e.Name())
		if err != nil {
			continue
		}
		auth := Layer{Name: e.Name(), Data: data}
		id := trimExt(e.Name())
		out = append(out, Example{ID: id, Layers: []Layer{auth}})
		districts, err := fs.ReadDir(files, id)
		if err != nil {
			continue
		}
		for _, d := range districts {
			if d.IsDir() || !isPolicy(d.Name()) {
				continue
			}
			name := id + "/" + d.Name()
			ddata, err := files.ReadFile(name)
			if err != nil {
				continue
			}
			out = append(out, Example{ID: trimExt(name), Layers: []Layer{auth, {Name: name, Data: ddata}}})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
