package dtsgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/schemas"
	"github.com/sendflow/sendflow/sdk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var committed = filepath.Join("..", "js", "sendflow.d.ts")

func generate(t *testing.T) string {
	t.Helper()
	got, err := Generate()
	require.NoError(t, err)
	return got
}

// TestDeclarationsAreCurrent fails when wasm/js/sendflow.d.ts is not what
// the schemas and Go types give; SENDFLOW_UPDATE_DTS=1 rewrites it.
func TestDeclarationsAreCurrent(t *testing.T) {
	got := generate(t)
	if os.Getenv("SENDFLOW_UPDATE_DTS") == "1" {
		require.NoError(t, os.WriteFile(committed, []byte(got), 0o644))
	}
	want, err := os.ReadFile(committed)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "sendflow.d.ts is stale: run `make wasm-dts`")
}

func TestDeclarationsCoverTheAPI(t *testing.T) {
	got := generate(t)
	for _, s := range []string{
		// From the schemas.
		"export interface Case {", "  states: States;", "  history?: Event[];", "  clocks?: Record<string, Clock>;",
		"export interface Outcome {", "  code: ErrorCode;", "export interface SendflowErrorData {",
		"export type Permitted = Permission[];", "export interface ClockReport {", "export interface Policy {",
		"  trigger: Trigger;", "  actor: Role;", "  track: Track;", "  evidence?: EvidenceKind[];",
		"  year_group?: number;", "  stopped_by?: Trigger;", "  id: ClockId;", "  key: ClockKey | string;",
		`  | "internal_error";`, `  | "ehc.requested"`, `  "ehc.advice_requested": {`,
		"  start?: (string | {\n", "  data?: Record<string, unknown>;", "  named_school?: string | null;",
		"/** Data is the firing's payload. */",
		// From the Go types.
		"export interface Report {", "export interface ModuleInfo {", "  codes: ErrorCode[];", "  clocks: ClockStatus[];",
		"export declare class SendflowError extends Error",
	} {
		assert.Contains(t, got, s)
	}
	for _, n := range []string{"Facts", "Child", "Clock", "ClockStatus", "Event", "Firing", "Warning", "GuardFailure", "TriggerDef", "States"} {
		assert.Equal(t, 1, strings.Count(got, "export interface "+n+" {"), n)
	}
	for _, n := range []string{"Case", "Facts", "ClockStatus", "Event", "Error", "Policy", "Permission", "ClockReport"} {
		assert.NotContains(t, got, "/** Go: github.com/sendflow/sendflow/sdk."+n+" */", "declared from Go, not its schema")
	}
	assert.Contains(t, got, "/** Go: github.com/sendflow/sendflow/sdk.VerifyReport */", "types without a schema come from Go")
}

// TestErrorCodesMatchGo: the schema's code enum is the SDK's list of codes.
func TestErrorCodesMatchGo(t *testing.T) {
	got := generate(t)
	i := strings.Index(got, "export type ErrorCode =")
	require.GreaterOrEqual(t, i, 0)
	decl := got[i : i+strings.Index(got[i:], ";")]
	assert.Equal(t, len(sdk.Codes()), strings.Count(decl, "| "))
	for _, c := range sdk.Codes() {
		assert.Contains(t, decl, `"`+string(c)+`"`)
	}
}

func TestSchemaNodesKeepOrder(t *testing.T) {
	n, err := parse([]byte(`{"properties":{"z":{"type":"string"},"a":{"type":"integer"}},"required":["a"],"type":"object"}`))
	require.NoError(t, err)
	g := &schemaGen{enums: map[string]string{}}
	assert.Equal(t, "{\n  z?: string;\n  a: number;\n}", g.ts(n, ""))
	_, err = parse([]byte(`[1]`))
	assert.Error(t, err)
	_, err = parse([]byte(`{"a":`))
	assert.Error(t, err)
}

// TestSchemaDriftIsAnError: schemas that disagree with each other, or lose
// an enum an alias names, stop the generator instead of declaring a guess.
func TestSchemaDriftIsAnError(t *testing.T) {
	edit := func(name, old, new string) func(string) ([]byte, bool) {
		return func(n string) ([]byte, bool) {
			b, ok := schemas.Get(n)
			if n == name {
				require.Contains(t, string(b), old)
				b = []byte(strings.Replace(string(b), old, new, 1))
			}
			return b, ok
		}
	}
	for _, c := range []struct {
		name, schema, old, new, err string
	}{
		{"a $def differs", "outcome", `"YearGroup is`, `"Year group is`, "$defs/Child differs"},
		{"a document description changes (no drift)", "outcome", `"Case is the new case.`, `"x`, ""},
		{"an alias lost its enum", "error", "\"enum\": [\n        \"invalid_case\"", "\"examples\": [\n        \"invalid_case\"", "alias ErrorCode"},
		{"a missing schema", "policy", "", "", "no schema"},
	} {
		get := edit(c.schema, c.old, c.new)
		if c.name == "a missing schema" {
			get = func(n string) ([]byte, bool) {
				if n == c.schema {
					return nil, false
				}
				return schemas.Get(n)
			}
		}
		_, err := loadSchemas(get)
		if c.err == "" {
			assert.NoError(t, err, c.name)
			continue
		}
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.err, c.name)
	}
	b, _ := schemas.Get("case")
	i := strings.Index(string(b), `"history"`)
	require.Greater(t, i, 0)
	tampered := func(n string) ([]byte, bool) {
		if n == "outcome" {
			o, _ := schemas.Get(n)
			// outcome's $defs/Case loses a field the case document has.
			return []byte(strings.Replace(string(o), `"history": {`, `"history_gone": {`, 1)), true
		}
		return schemas.Get(n)
	}
	_, err := loadSchemas(tampered)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "differs")
}
