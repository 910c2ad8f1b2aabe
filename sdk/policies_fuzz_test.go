package sdk_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/sdk"
)

// FuzzCompileOverlay: whatever an overlay holds, Compile and Lint answer
// with an engine or a structured *sdk.Error with a known code, never a
// panic; every problem has a code.
func FuzzCompileOverlay(f *testing.F) {
	files, _ := filepath.Glob("../examples/policies/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("id: x\ntriggers:\n  - id: ehc.requested\n    guards:\n      - {id: g, expr: 'count(evidence, count(evidence, true) > 0) > 0', reason: r}\n"))
	f.Add([]byte("id: x\ntracks:\n  - {id: ehc, disabled: true}\n"))
	f.Add([]byte("{\"id\": \"x\", \"clocks\": [{\"id\": \"ehc_final_plan\", \"unit\": \"before\", \"before\": \"today\"}]}"))
	f.Add([]byte("id: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzzcheck.Start().Check(t)
		_, _, err := sdk.Lint(sdk.PolicySource{Name: "fuzz.yaml", Data: data})
		if err == nil {
			return
		}
		se := sdk.AsError(err)
		if !slices.Contains(sdk.Codes(), se.Code) || se.Code == sdk.CodeInternal {
			t.Fatalf("unexpected error code %q: %v", se.Code, se)
		}
		for _, p := range se.Problems {
			if p.Code == "" {
				t.Fatalf("a problem without a code: %+v", p)
			}
		}
	})
}
