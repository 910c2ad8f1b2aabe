package reliability_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sendflow/sendflow/internal/schemagen"
	"github.com/sendflow/sendflow/schemas"
	"github.com/sendflow/sendflow/sdk"
)

// The JSON Schemas of schemas/, compiled once with the Go validator (draft
// 2020-12, formats asserted), so the fuzz targets and the walks can check
// that every outcome, error, permission list and clock report the SDK
// returns is what its schema says.
var (
	schemaOnce sync.Once
	schemaSet  map[string]*jsonschema.Schema
	schemaErr  error
)

func compiledSchemas() (map[string]*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		for _, n := range schemas.Names() {
			b, _ := schemas.Get(n)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemaErr = fmt.Errorf("schema %s: %v", n, err)
				return
			}
			if err := c.AddResource(schemas.ID(n), doc); err != nil {
				schemaErr = fmt.Errorf("schema %s: %v", n, err)
				return
			}
		}
		schemaSet = map[string]*jsonschema.Schema{}
		for _, n := range schemas.Names() {
			s, err := c.Compile(schemas.ID(n))
			if err != nil {
				schemaErr = fmt.Errorf("schema %s: %v", n, err)
				return
			}
			schemaSet[n] = s
		}
	})
	return schemaSet, schemaErr
}

// validateAs checks v (a value, or JSON bytes) against the schema called
// name ("outcome", "error", "permitted", "clocks", "case", ...).
func validateAs(name string, v any) error {
	set, err := compiledSchemas()
	if err != nil {
		return err
	}
	return validateWith(set, name, v)
}

func validateWith(set map[string]*jsonschema.Schema, name string, v any) error {
	s, ok := set[name]
	if !ok {
		return fmt.Errorf("no schema %q", name)
	}
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			return fmt.Errorf("%s does not marshal: %v", name, err)
		}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s is not JSON: %v", name, err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("%s does not validate against %s.schema.json: %#v", name, name, err)
	}
	return nil
}

// validatorFor returns the schema check for documents made by e: the
// default policy's documents against schemas/, any other policy's against
// that policy's own schemas (schemagen.ForEngine), so an overlay's added
// triggers, roles, states, clocks and payload fields are checked too.
func validatorFor(e *sdk.Engine) func(kind string, v any) error {
	def, err := sdk.Default()
	if err == nil && e.PolicyHash() == def.PolicyHash() {
		return validateAs
	}
	set, err := policySchemas(e)
	return func(kind string, v any) error {
		if err != nil {
			return err
		}
		return validateWith(set, kind, v)
	}
}

// policySchemas compiles e's schemas once per policy hash (the example
// policies); past a few dozen policies (fuzzed ones) it compiles without
// keeping them.
var (
	policyMu  sync.Mutex
	policySet = map[string]map[string]*jsonschema.Schema{}
)

func policySchemas(e *sdk.Engine) (map[string]*jsonschema.Schema, error) {
	policyMu.Lock()
	defer policyMu.Unlock()
	if set, ok := policySet[e.PolicyHash()]; ok {
		return set, nil
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	set := map[string]*jsonschema.Schema{}
	for _, n := range schemas.Names() {
		b, err := schemagen.ForEngine(e, n)
		if err != nil {
			return nil, fmt.Errorf("policy %s schema %s: %v", e.PolicyID(), n, err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("policy %s schema %s: %v", e.PolicyID(), n, err)
		}
		id := schemagen.IDFor(e, n)
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("policy %s schema %s: %v", e.PolicyID(), n, err)
		}
		if set[n], err = c.Compile(id); err != nil {
			return nil, fmt.Errorf("policy %s schema %s: %v", e.PolicyID(), n, err)
		}
	}
	if len(policySet) < 32 {
		policySet[e.PolicyHash()] = set
	}
	return set, nil
}
