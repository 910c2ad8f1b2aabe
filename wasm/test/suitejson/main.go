// Command suitejson turns scenario files into JSON for the wasm tests that
// drive the JavaScript API step by step (wasm/test/drive.mjs): it reads
// {"files": [{path, text, explicit}], "policies": {path: text}} (what
// wasm/js/collect.mjs gives) on stdin and writes one object per scenario:
// {file, name, layers, case, steps}, layers being the policy overlays to
// compile ([{name, text}], null for the default policy), resolved as
// `sendflow test` resolves them. Files that are not scenarios are left out.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

type layer struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type out struct {
	File   string          `json:"file"`
	Name   string          `json:"name"`
	Layers []layer         `json:"layers"`
	Case   sdk.Facts       `json:"case"`
	Steps  []scenario.Step `json:"steps"`
}

func main() {
	var in struct {
		Files []struct {
			Path string `json:"path"`
			Text string `json:"text"`
		} `json:"files"`
		Policies map[string]string `json:"policies"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "suitejson:", err)
		os.Exit(2)
	}
	files := map[string][]byte{}
	for k, v := range in.Policies {
		files[k] = []byte(v)
	}
	res := []out{}
	for _, f := range in.Files {
		scs, err := scenario.ParseAll(f.Path, []byte(f.Text))
		if err != nil {
			continue
		}
		for _, s := range scs {
			o := out{File: f.Path, Name: s.Name, Case: s.Case, Steps: s.Steps}
			if s.Policy != "" && s.Policy != "default" {
				path := filepath.ToSlash(filepath.Join(filepath.Dir(f.Path), filepath.FromSlash(s.Policy)))
				srcs, err := scenario.MemoryPolicySources(files, path)
				if err != nil {
					continue
				}
				for _, src := range srcs {
					o.Layers = append(o.Layers, layer{Name: src.Name, Text: string(src.Data)})
				}
			}
			res = append(res, o)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "suitejson:", err)
		os.Exit(1)
	}
}
