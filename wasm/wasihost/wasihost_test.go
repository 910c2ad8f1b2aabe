package wasihost_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
	"github.com/sendflow/sendflow/wasm/wasihost"
)

// modulePath is the WASI module under test: $SENDFLOW_WASI_WASM (set by
// `make wasm-test-wasi`, which builds it first; the test then fails if it is
// missing), else wasm/dist/sendflow-wasi.wasm when a build left one there.
func modulePath(t *testing.T) string {
	if p := os.Getenv("SENDFLOW_WASI_WASM"); p != "" {
		return p
	}
	p := filepath.Join("..", "dist", "sendflow-wasi.wasm")
	if _, err := os.Stat(p); err != nil {
		t.Skip("no WASI module: run `make wasm-test-wasi` (builds wasm/dist/sendflow-wasi.wasm first)")
	}
	return p
}

var (
	shared    *wasihost.Module
	sharedErr error
)

// open returns one module shared by the tests: compiling it is the slow part.
// A module left in wasm/dist by an earlier build (not one named by
// $SENDFLOW_WASI_WASM) is skipped when it embeds another default policy
// than this checkout's: it is stale, and `make wasm` rebuilds it.
func open(t *testing.T) *wasihost.Module {
	p := modulePath(t)
	if shared == nil && sharedErr == nil {
		shared, sharedErr = wasihost.OpenFile(context.Background(), p)
	}
	require.NoError(t, sharedErr)
	if os.Getenv("SENDFLOW_WASI_WASM") == "" {
		native, err := sdk.Default()
		require.NoError(t, err)
		e, err := shared.Compile()
		require.NoError(t, err)
		if e.Hash != native.PolicyHash() {
			t.Skipf("%s is a stale build (its default policy is %s, this checkout's is %s): run `make wasm`", p, e.Hash, native.PolicyHash())
		}
	}
	return shared
}

func TestConformanceSuiteThroughTheWASIModuleMatchesNative(t *testing.T) {
	m := open(t)
	dirs := []string{filepath.Join("..", "..", "testdata", "conformance"), filepath.Join("..", "..", "examples", "scenarios")}
	native, err := scenario.RunFiles(dirs, nil)
	require.NoError(t, err)
	wasi, err := scenario.RunFiles(dirs, m.Loader())
	require.NoError(t, err)
	require.Positive(t, wasi.Passed)
	assert.Equal(t, 0, wasi.Failed)
	nb, _ := json.Marshal(native)
	wb, _ := json.Marshal(wasi)
	assert.JSONEq(t, string(nb), string(wb), "every step's states, clocks and errors are the native engine's")
}

func TestABIErrorsAndRecovery(t *testing.T) {
	m := open(t)
	raw, err := m.Call([]byte(`{"op":`))
	require.NoError(t, err)
	var r struct {
		OK    bool       `json:"ok"`
		Error *sdk.Error `json:"error"`
	}
	require.NoError(t, json.Unmarshal(raw, &r))
	assert.False(t, r.OK)
	assert.Equal(t, sdk.CodeInvalidInput, r.Error.Code)

	err = m.Do(map[string]any{"op": "fire", "engine": 12345}, nil)
	assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code)

	e, err := m.Compile()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "w1"})
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-01-05"})
	assert.Equal(t, sdk.CodeNotPermitted, sdk.AsError(err).Code)
	out, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	native, _ := sdk.Default()
	want, err := native.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(out)
	assert.JSONEq(t, string(wb), string(gb))

	_, err = m.Compile(sdk.PolicySource{Name: "bad.yaml", Data: []byte("id: [")})
	assert.Equal(t, sdk.CodeInvalidPolicy, sdk.AsError(err).Code)
	require.NoError(t, e.Free())
	assert.Error(t, e.Free(), "a freed engine is gone")
}

// TestPanicIsInternalErrorUnderWazero: the sendflowtest build of the WASI
// module ($SENDFLOW_WASI_PANIC_WASM, made by `make wasm-testhook`) panics
// inside the bridge on {"op":"__panic"}; wazero must get internal_error
// and the module must answer the next calls.
func TestPanicIsInternalErrorUnderWazero(t *testing.T) {
	p := os.Getenv("SENDFLOW_WASI_PANIC_WASM")
	if p == "" {
		t.Skip("no sendflowtest WASI module: run `make wasm-test-wasi` (builds it with `make wasm-testhook`)")
	}
	m, err := wasihost.OpenFile(context.Background(), p)
	require.NoError(t, err)
	defer m.Close()
	for range 3 {
		var resp struct {
			OK    bool       `json:"ok"`
			Error *sdk.Error `json:"error"`
		}
		raw, err := m.Call([]byte(`{"op":"__panic"}`))
		require.NoError(t, err, "a panic is an answer, not a trap")
		require.NoError(t, json.Unmarshal(raw, &resp))
		assert.False(t, resp.OK)
		require.NotNil(t, resp.Error)
		assert.Equal(t, sdk.CodeInternal, resp.Error.Code)
		assert.Contains(t, resp.Error.Message, "a test panic")
		e, err := m.Compile()
		require.NoError(t, err, "the module answers after the panic")
		out, err := e.Fire(e.NewCase(sdk.Facts{ID: "p1"}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		require.NoError(t, err)
		assert.Equal(t, "request_received", out.Case.States["ehc"])
		require.NoError(t, e.Free())
	}
}

// Scenarios that name a locale (Welsh warnings, reasons and permissions,
// on overlays) give the same report through the module as natively: the
// host passes the locale to the module's firings and permitted calls.
func TestLocaleScenariosThroughTheWASIModuleMatchNative(t *testing.T) {
	m := open(t)
	dirs := []string{filepath.Join("..", "..", "sdk", "scenario", "testdata", "authors"), filepath.Join("..", "..", "examples", "policies", "sefton")}
	native, err := scenario.RunFiles(dirs, nil)
	require.NoError(t, err)
	wasi, err := scenario.RunFiles(dirs, m.Loader())
	require.NoError(t, err)
	require.GreaterOrEqual(t, wasi.Passed, 3)
	assert.Equal(t, 0, wasi.Failed, wasi.Results)
	nb, _ := json.Marshal(native)
	wb, _ := json.Marshal(wasi)
	assert.JSONEq(t, string(nb), string(wb))

	// A permissions call in Welsh gives the Welsh reason.
	e, err := m.Compile(sdk.PolicySource{Name: "authors.yaml", Data: readFile(t, filepath.Join("..", "..", "sdk", "scenario", "testdata", "authors", "overlay.yaml"))})
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "w"})
	for _, f := range []sdk.Firing{{Trigger: "support.concern_raised", Actor: "senco", At: "2026-01-12"}, {Trigger: "support.placed", Actor: "senco", At: "2026-01-19"}} {
		out, err := e.Fire(c, f)
		require.NoError(t, err)
		c = out.Case
	}
	perms, err := e.PermittedContext(context.Background(), c, "senco", "2026-02-02", "cy")
	require.NoError(t, err)
	found := false
	for _, p := range perms {
		if p.Trigger == "support.plan_agreed" {
			found = true
			assert.Contains(t, p.Reason, "Rhaid cael caniatâd rhiant.")
		}
	}
	assert.True(t, found)
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}
