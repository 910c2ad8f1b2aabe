// Package schemacorpus gathers every JSON document sendflow's schemas must
// judge: the schema examples, every scenario file, the default policy, the
// typo files that must be rejected, and every outcome, event, case, error,
// permitted list and clock report the conformance suite makes the engine
// produce (with the firings it accepted, and the firings it refused as
// invalid_input, which the firing schema must refuse too).
//
// Both validators read the same corpus: the Go test in package schemas
// builds it in process; `go run ./internal/cmd/schemacorpus` writes it as
// one JSON file for the ajv test (schemas/test/ajv.test.mjs).
package schemacorpus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// Item is one document and what a validator must say about it.
type Item struct {
	// Schema is the schema name, e.g. "outcome".
	Schema string `json:"schema"`
	// Label says where the document came from.
	Label string `json:"label"`
	// Valid is whether the schema must accept it.
	Valid bool `json:"valid"`
	// Paths, for an invalid document, are JSON pointers each of which some
	// validation error must name (the error's instance location, joined
	// with the offending property for additionalProperties and required).
	Paths []string `json:"paths,omitempty"`
	// Exact paths must be named exactly; otherwise a validator's path may
	// also be within the pointer or contain it (a bad list item, a missing
	// data object whose field the engine names).
	Exact bool `json:"exact,omitempty"`
	// Doc is the document.
	Doc json.RawMessage `json:"doc"`
}

// ScenarioDirs are the scenario files validated against scenario.schema.json;
// the conformance run fires them. Relative to the module root.
var ScenarioDirs = []string{"testdata/conformance", "examples/scenarios"}

// Build gathers the corpus. root is the module's root directory.
func Build(root string) ([]Item, error) {
	var out []Item
	for _, part := range []func(root string) ([]Item, error){
		exampleItems,           // one valid document per schema
		scenarioItems,          // every scenario file, every document of it
		policyItems,            // the default policy and the example overlays
		authorityScenarioItems, // the example authorities' scenario files
		invalidItems,           // documents that must be rejected, with the path of the fault
		engineOutputs,          // what the engine produces over the conformance suite
	} {
		items, err := part(root)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// exampleItems are the schema examples (schemas/examples): one valid
// document per schema.
func exampleItems(root string) ([]Item, error) {
	ex, err := filepath.Glob(filepath.Join(root, "schemas", "examples", "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, p := range ex {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if !json.Valid(b) {
			return nil, fmt.Errorf("%s: not JSON", p)
		}
		out = append(out, Item{Schema: strings.TrimSuffix(filepath.Base(p), ".json"), Label: rel(root, p), Valid: true, Doc: b})
	}
	return out, nil
}

// scenarioItems are every scenario file of ScenarioDirs, every document of
// it, as JSON.
func scenarioItems(root string) ([]Item, error) {
	var out []Item
	for _, dir := range ScenarioDirs {
		items, err := scenarioFiles(root, filepath.Join(root, dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

// authorityScenarioItems are the example authorities' scenario files
// (examples/policies/*/scenarios) and the scenario package's example of
// every expectation, on its own overlay (sdk/scenario/testdata/authors).
func authorityScenarioItems(root string) ([]Item, error) {
	items, err := scenarioFiles(root, filepath.Join(root, "examples", "policies", "*", "scenarios", "*.yaml"))
	if err != nil {
		return nil, err
	}
	more, err := scenarioFiles(root, filepath.Join(root, "sdk", "scenario", "testdata", "authors", "authors.yaml"))
	return append(items, more...), err
}

// scenarioFiles are the documents of the scenario files matching pattern,
// each a valid scenario.
func scenarioFiles(root, pattern string) ([]Item, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, p := range files {
		docs, err := yamlDocs(p)
		if err != nil {
			return nil, err
		}
		for i, d := range docs {
			out = append(out, Item{Schema: "scenario", Label: fmt.Sprintf("%s#%d", rel(root, p), i+1), Valid: true, Doc: d})
		}
	}
	return out, nil
}

// policyItems are the default policy and the example authority and
// district overlays (examples/policies), each a valid policy.
func policyItems(root string) ([]Item, error) {
	pol, err := yamlToJSON(sdk.DefaultPolicy())
	if err != nil {
		return nil, fmt.Errorf("default policy: %w", err)
	}
	var out []Item
	for _, d := range pol {
		out = append(out, Item{Schema: "policy", Label: "sdk/policies/default.yaml", Valid: true, Doc: d})
	}
	overlays, err := filepath.Glob(filepath.Join(root, "examples", "policies", "*.yaml"))
	if err != nil {
		return nil, err
	}
	districts, err := filepath.Glob(filepath.Join(root, "examples", "policies", "*", "*.yaml"))
	if err != nil {
		return nil, err
	}
	for _, p := range append(overlays, districts...) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		docs, err := yamlToJSON(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for _, d := range docs {
			out = append(out, Item{Schema: "policy", Label: rel(root, p), Valid: true, Doc: d})
		}
	}
	return out, nil
}

func rel(root, p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}

// Invalid is one entry of schemas/testdata/invalid/expect.json.
type Invalid struct {
	File   string   `json:"file"`
	Schema string   `json:"schema"`
	Paths  []string `json:"paths"`
}

func invalidItems(root string) ([]Item, error) {
	dir := filepath.Join(root, "schemas", "testdata", "invalid")
	b, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	if err != nil {
		return nil, err
	}
	var list []Invalid
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("expect.json: %w", err)
	}
	var out []Item
	for _, inv := range list {
		p := filepath.Join(dir, inv.File)
		var docs []json.RawMessage
		if strings.HasSuffix(p, ".json") {
			raw, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			docs = []json.RawMessage{raw}
		} else if docs, err = yamlDocs(p); err != nil {
			return nil, err
		}
		if len(docs) != 1 || len(inv.Paths) == 0 {
			return nil, fmt.Errorf("%s: want one document and at least one path", inv.File)
		}
		out = append(out, Item{Schema: inv.Schema, Label: rel(root, p), Paths: inv.Paths, Exact: true, Doc: docs[0]})
		if inv.Schema == "policy" {
			// The engine refuses the policy too; its error is an error document.
			raw, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			_, cerr := sdk.Compile(sdk.PolicySource{Name: inv.File, Data: raw})
			if cerr == nil {
				return nil, fmt.Errorf("%s: the engine compiles it", inv.File)
			}
			b, err := json.Marshal(sdk.AsError(cerr))
			if err != nil {
				return nil, err
			}
			out = append(out, Item{Schema: "error", Label: rel(root, p) + " (Compile's error)", Valid: true, Doc: b})
		}
	}
	return out, nil
}

func yamlDocs(path string) ([]json.RawMessage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	docs, err := yamlToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return docs, nil
}

// yamlToJSON converts each document of a YAML stream to JSON, the way a
// JSON host would hold it (dates as "YYYY-MM-DD" strings, numbers as
// numbers).
func yamlToJSON(b []byte) ([]json.RawMessage, error) {
	f, err := parser.ParseBytes(b, 0)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		var v any
		if err := yaml.NodeToValue(doc.Body, &v); err != nil {
			return nil, err
		}
		n, err := scenario.Normalise(v)
		if err != nil {
			return nil, err
		}
		j, err := json.Marshal(n)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

// engineOutputs runs every conformance scenario through a recording target.
func engineOutputs(root string) ([]Item, error) {
	var files []string
	for _, dir := range ScenarioDirs {
		fs, err := filepath.Glob(filepath.Join(root, dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	sort.Strings(files)
	var out []Item
	for _, f := range files {
		rec := &recorder{file: rel(root, f)}
		load := func(ref, base string) (scenario.Target, error) {
			t, err := scenario.DefaultLoader(ref, base)
			if err != nil {
				return nil, err
			}
			rec.t = t
			return rec, nil
		}
		rep, err := scenario.RunFiles([]string{f}, load)
		if err != nil {
			return nil, err
		}
		if !rep.OK() {
			return nil, fmt.Errorf("%s: the conformance scenario fails", f)
		}
		if rec.err != nil {
			return nil, rec.err
		}
		out = append(out, rec.items...)
	}
	if len(out) == 0 {
		return nil, errors.New("the conformance suite produced nothing")
	}
	return out, nil
}

// recorder is a scenario.Target that keeps every input and output.
type recorder struct {
	t     scenario.Target
	file  string
	n     int
	items []Item
	err   error
}

var _ scenario.LocaleTarget = (*recorder)(nil)

func (r *recorder) add(schema, what string, valid bool, v any, paths ...string) {
	b, err := json.Marshal(v)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: marshal %s: %w", r.file, what, err)
		return
	}
	r.items = append(r.items, Item{Schema: schema, Label: fmt.Sprintf("%s call %d: %s", r.file, r.n, what), Valid: valid, Paths: paths, Doc: b})
}

func (r *recorder) NewCase(f sdk.Facts) sdk.Case {
	r.n++
	c := r.t.NewCase(f)
	// NewCase does not judge the facts; the engine's other entry points do.
	// A case they refuse as invalid_case must be refused by the schema too,
	// at the same pointer.
	if _, err := r.t.Clocks(c, "2000-01-01"); err != nil {
		if e := sdk.AsError(err); e.Code == sdk.CodeInvalidCase && e.Pointer != "" {
			r.add("case", "NewCase (invalid_case)", false, c, e.Pointer)
			return c
		}
	}
	r.add("case", "NewCase", true, c)
	return c
}

func (r *recorder) Fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	r.n++
	o, err := r.t.Fire(c, f)
	what := "Fire " + f.Trigger
	if err != nil {
		e := sdk.AsError(err)
		r.add("error", what, true, e)
		if ptrs, ok := schemaDetectable(e); ok {
			r.add("firing", what+" (refused: invalid_input)", false, f, ptrs...)
		}
		return o, err
	}
	r.add("firing", what, true, f)
	r.add("outcome", what, true, o)
	r.add("event", what, true, o.Event)
	r.add("case", what, true, o.Case)
	return o, nil
}

// schemaDetectable reports the pointers of an invalid_input refusal when
// every problem is one a schema can see (not, say, a firing out of time
// order).
func schemaDetectable(e *sdk.Error) ([]string, bool) {
	if e.Code != sdk.CodeInvalidInput || len(e.Problems) == 0 {
		return nil, false
	}
	var ptrs []string
	for _, p := range e.Problems {
		switch p.Code {
		case "unknown_field", "required", "bad_value", "bad_date":
			ptrs = append(ptrs, p.Pointer)
		default:
			return nil, false
		}
	}
	return ptrs, true
}

func (r *recorder) Permitted(c sdk.Case, role, asOf string) ([]sdk.Permission, error) {
	r.n++
	p, err := r.t.Permitted(c, role, asOf)
	if err != nil {
		r.add("error", "Permitted "+role, true, sdk.AsError(err))
	} else {
		r.add("permitted", "Permitted "+role, true, p)
	}
	return p, err
}

// PermittedContext records a permissions call in a locale (a step with a
// locale makes one); ctx and locale reach the engine as they are.
func (r *recorder) PermittedContext(ctx context.Context, c sdk.Case, role, asOf, locale string) ([]sdk.Permission, error) {
	lt, ok := r.t.(scenario.LocaleTarget)
	if !ok {
		return nil, &sdk.Error{Code: sdk.CodeInternal, Message: "the engine cannot judge permissions in a locale"}
	}
	r.n++
	p, err := lt.PermittedContext(ctx, c, role, asOf, locale)
	if err != nil {
		r.add("error", "Permitted "+role, true, sdk.AsError(err))
	} else {
		r.add("permitted", "Permitted "+role+" in "+locale, true, p)
	}
	return p, err
}

func (r *recorder) Clocks(c sdk.Case, asOf string) (sdk.ClockReport, error) {
	r.n++
	rep, err := r.t.Clocks(c, asOf)
	if err != nil {
		r.add("error", "Clocks", true, sdk.AsError(err))
	} else {
		r.add("clocks", "Clocks as of "+asOf, true, rep)
	}
	return rep, err
}

func (r *recorder) TriggerNames() []string { return r.t.TriggerNames() }
