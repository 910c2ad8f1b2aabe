package reliability_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/wasm/bridge"
)

// FuzzBridge sends any bytes to the JSON bridge the WASM and WASI builds
// use, on a Bridge of its own. The seeds name engine 1, the default policy
// compiled on it before the fuzzing starts. Every answer must be one JSON
// object, ok with a result or not ok with a coded *sdk.Error (never
// internal_error, which is a recovered panic); results of the default
// engine validate against their schemas; the request is never changed.
func FuzzBridge(f *testing.F) {
	addDerived(f, "FuzzBridge")
	br := bridge.New()
	var compiled struct {
		OK     bool
		Result bridge.Compiled
	}
	if err := json.Unmarshal(br.Handle([]byte(`{"op":"compile"}`)), &compiled); err != nil || !compiled.OK {
		f.Fatalf("compiling the default policy through the bridge: %v", err)
	}
	def := compiled.Result.Engine
	resultSchema := map[string]string{"fire": "outcome", "permitted": "permitted", "clocks": "clocks", "new_case": "case", "replay": "case"}
	f.Fuzz(func(t *testing.T, req []byte) {
		defer fuzzcheck.Start().Check(t)
		var r bridge.Request
		if json.Unmarshal(req, &r) == nil && r.Op == "free" && r.Engine == def {
			return // keep the default engine for the next inputs
		}
		before := bytes.Clone(req)
		resp := br.Handle(req)
		if !bytes.Equal(before, req) {
			t.Fatal("Handle changed its input")
		}
		var out struct {
			OK     *bool           `json:"ok"`
			Result json.RawMessage `json:"result"`
			Error  *sdk.Error      `json:"error"`
		}
		dec := json.NewDecoder(bytes.NewReader(resp))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out); err != nil || out.OK == nil {
			t.Fatalf("the answer is not {ok, result|error}: %v: %.300s", err, resp)
		}
		if !*out.OK {
			if out.Error == nil {
				t.Fatalf("not ok without an error: %.300s", resp)
			}
			if cerr := randomwalk.CheckError(out.Error); cerr != nil {
				t.Fatalf("%v (request %.200q)", cerr, req)
			}
			if verr := validateAs("error", out.Error); verr != nil {
				t.Fatal(verr)
			}
			return
		}
		if out.Error != nil {
			t.Fatalf("ok with an error: %.300s", resp)
		}
		if name, ok := resultSchema[r.Op]; ok && r.Engine == def {
			if verr := validateAs(name, []byte(out.Result)); verr != nil {
				t.Fatalf("%s result: %v", r.Op, verr)
			}
		}
	})
}
