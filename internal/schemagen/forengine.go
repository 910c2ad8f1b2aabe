package schemagen

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/sendflow/sendflow/schemas"
	"github.com/sendflow/sendflow/sdk"
)

// PolicyID is the $id of the schema called name for a compiled policy:
// BaseURL + "policy/" + policy id + "/" + the first 12 hex digits of the
// policy hash + "/" + name + ".schema.json". Two policies (or two versions
// of one) never share an $id, so a vendor can register the default schemas
// and any number of district ones in one validator.
func PolicyID(e *sdk.Engine, name string) string {
	h := e.PolicyHash()
	if len(h) > 12 {
		h = h[:12]
	}
	return BaseURL + "policy/" + e.PolicyID() + "/" + h + "/" + name + ".schema.json"
}

// IDFor is the $id ForEngine(e, name) writes: PolicyID for the strict
// schemas, the default $id for the structural ones (policy, scenario).
func IDFor(e *sdk.Engine, name string) string {
	for _, d := range Docs {
		if d.Name == name && !d.Strict {
			return BaseURL + name + ".schema.json"
		}
	}
	return PolicyID(e, name)
}

// ForEngine returns the schema called name (one of Names()) for the policy
// compiled into e: the committed default schema (package schemas, so the
// descriptions are the ones generated from the Go comments; no Go source
// is read) with every enum and per-trigger payload schema re-applied from
// e's policy by the same code Generate uses. Its $id is PolicyID(e, name).
// The structural schemas (policy, scenario) do not depend on the policy
// and are returned as they are, default $id included.
func ForEngine(e *sdk.Engine, name string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &sdk.Error{Code: sdk.CodeInternal, Message: fmt.Sprintf("schemagen: the %s schema of policy %s: %v", name, e.PolicyID(), r)}
		}
	}()
	if e == nil {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: "schemagen: no engine"}
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, BaseURL), ".schema.json")
	var doc *Doc
	for i := range Docs {
		if Docs[i].Name == name {
			doc = &Docs[i]
		}
	}
	raw, ok := schemas.Get(name)
	if doc == nil || !ok {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf("unknown schema %q (one of %s)", name, strings.Join(Names(), ", "))}
	}
	if !doc.Strict {
		return raw, nil
	}
	s := &jsonschema.Schema{}
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("schemagen: read the committed %s schema: %w", name, err)
	}
	if s.Definitions == nil {
		s.Definitions = jsonschema.Definitions{}
	}
	// The default policy's payload schemas go; strict adds e's.
	for k := range s.Definitions {
		if strings.HasPrefix(k, payloadDef("")) {
			delete(s.Definitions, k)
		}
	}
	strict(s, enumsOf(e), reflect.TypeOf(doc.Type).Name())
	s.ID = jsonschema.ID(PolicyID(e, name))
	tidy(s)
	return marshal(s)
}
