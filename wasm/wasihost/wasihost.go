// Package wasihost runs the WASI build of sendflow (sendflow-wasi.wasm)
// inside github.com/tetratelabs/wazero and speaks its JSON ABI (see
// wasm/cmd/wasi). It is how `sendflow test --engine wasi` runs scenarios
// through the module, and an example of driving the module from any host.
package wasihost

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// Module is one instance of the WASI module. Calls are serialised: a WASM
// instance runs one call at a time.
type Module struct {
	mu                      sync.Mutex
	ctx                     context.Context
	rt                      wazero.Runtime
	mod                     api.Module
	alloc, free, call, prot api.Function
	dead                    error
}

// Open compiles and instantiates the module in wasmBytes. Compiled code is
// cached in the user's cache directory (sendflow/wazero), keyed by the
// module's contents and the wazero version, so later opens are fast;
// SENDFLOW_WAZERO_CACHE=off disables the cache.
func Open(ctx context.Context, wasmBytes []byte) (*Module, error) {
	m, err := open(ctx, wasmBytes, os.Getenv("SENDFLOW_WAZERO_CACHE") != "off")
	if err != nil && errors.Is(err, errWithCache) {
		// An unwritable cache directory must not stop the module.
		return open(ctx, wasmBytes, false)
	}
	return m, err
}

var errWithCache = errors.New("with the compilation cache")

func open(ctx context.Context, wasmBytes []byte, useCache bool) (*Module, error) {
	cfg := wazero.NewRuntimeConfig()
	if useCache {
		if dir, err := os.UserCacheDir(); err == nil {
			if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "sendflow", "wazero")); err == nil {
				cfg = cfg.WithCompilationCache(cache)
			}
		}
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		_ = rt.Close(ctx)
		return nil, err
	}
	compiled, err := rt.CompileModule(ctx, wasmBytes)
	if err != nil {
		_ = rt.Close(ctx)
		if useCache {
			return nil, fmt.Errorf("compiling the WASI module %w: %w", errWithCache, err)
		}
		return nil, fmt.Errorf("compiling the WASI module: %w", err)
	}
	mcfg := wazero.NewModuleConfig().WithName("sendflow").WithStartFunctions("_initialize").
		WithStderr(os.Stderr).WithSysWalltime().WithSysNanotime().WithRandSource(rand.Reader)
	mod, err := rt.InstantiateModule(ctx, compiled, mcfg)
	if err != nil {
		_ = rt.Close(ctx)
		return nil, fmt.Errorf("instantiating the WASI module: %w", err)
	}
	m := &Module{ctx: ctx, rt: rt, mod: mod, alloc: mod.ExportedFunction("sendflow_alloc"), free: mod.ExportedFunction("sendflow_free"),
		call: mod.ExportedFunction("sendflow_call"), prot: mod.ExportedFunction("sendflow_protocol")}
	if m.alloc == nil || m.free == nil || m.call == nil || m.prot == nil {
		_ = rt.Close(ctx)
		return nil, errors.New("the module does not export sendflow_alloc, sendflow_free, sendflow_call and sendflow_protocol: is it sendflow-wasi.wasm?")
	}
	if r, err := m.prot.Call(ctx); err != nil || len(r) != 1 || r[0] != 1 {
		_ = rt.Close(ctx)
		return nil, fmt.Errorf("the module speaks an unknown protocol (%v, %v)", r, err)
	}
	return m, nil
}

// OpenFile opens the module at path.
func OpenFile(ctx context.Context, path string) (*Module, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the WASI module: %w (build it with `make wasm`)", err)
	}
	return Open(ctx, b)
}

// Close releases the runtime.
func (m *Module) Close() error { return m.rt.Close(m.ctx) }

// Call sends one bridge request and returns the response bytes. An error
// means the module itself failed (it trapped); the module is then unusable.
func (m *Module) Call(req []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dead != nil {
		return nil, m.dead
	}
	resp, err := m.callLocked(req)
	if err != nil {
		m.dead = fmt.Errorf("the WASI module failed: %w", err)
		return nil, m.dead
	}
	return resp, nil
}

func (m *Module) callLocked(req []byte) ([]byte, error) {
	ctx := m.ctx
	r, err := m.alloc.Call(ctx, uint64(uint32(len(req))))
	if err != nil {
		return nil, err
	}
	ptr := uint32(r[0])
	if ptr == 0 {
		return []byte(`{"ok":false,"error":{"code":"limit_exceeded","message":"the request is too large for the module"}}`), nil
	}
	defer func() { _, _ = m.free.Call(ctx, uint64(ptr)) }()
	if !m.mod.Memory().Write(ptr, req) {
		return nil, errors.New("writing the request out of the module's memory")
	}
	r, err = m.call.Call(ctx, uint64(ptr), uint64(uint32(len(req))))
	if err != nil {
		return nil, err
	}
	rptr, rlen := uint32(r[0]>>32), uint32(r[0])
	defer func() { _, _ = m.free.Call(ctx, uint64(rptr)) }()
	out, ok := m.mod.Memory().Read(rptr, rlen)
	if !ok {
		return nil, errors.New("the response lies outside the module's memory")
	}
	return append([]byte(nil), out...), nil
}

// response is a decoded bridge response.
type response struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *sdk.Error      `json:"error"`
}

// Do sends a request built from req (marshalled to JSON) and decodes the
// result into out. A refusal is returned as the *sdk.Error the module sent.
func (m *Module) Do(req any, out any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: err.Error()}
	}
	raw, err := m.Call(b)
	if err != nil {
		return &sdk.Error{Code: sdk.CodeInternal, Message: err.Error()}
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		return &sdk.Error{Code: sdk.CodeInternal, Message: "the module's response is not JSON: " + err.Error()}
	}
	if !r.OK {
		if r.Error == nil {
			return &sdk.Error{Code: sdk.CodeInternal, Message: "the module failed without an error"}
		}
		return r.Error
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			return &sdk.Error{Code: sdk.CodeInternal, Message: "the module's result does not decode: " + err.Error()}
		}
	}
	return nil
}

// Engine is a policy compiled inside the module. It implements
// scenario.Target, so scenario files run through the module.
type Engine struct {
	m        *Module
	Handle   int      `json:"engine"`
	PolicyID string   `json:"policy_id"`
	Hash     string   `json:"policy_hash"`
	Triggers []string `json:"triggers"`
}

var _ scenario.LocaleTarget = (*Engine)(nil)

// Compile compiles the default policy with the given overlays on top.
func (m *Module) Compile(layers ...sdk.PolicySource) (*Engine, error) {
	type layer struct {
		Name string `json:"name"`
		Text string `json:"text"`
	}
	req := map[string]any{"op": "compile"}
	if len(layers) > 0 {
		ls := make([]layer, len(layers))
		for i, l := range layers {
			ls[i] = layer{l.Name, string(l.Data)}
		}
		req["layers"] = ls
	}
	e := &Engine{m: m}
	if err := m.Do(req, e); err != nil {
		return nil, err
	}
	return e, nil
}

// Free releases the engine inside the module.
func (e *Engine) Free() error { return e.m.Do(map[string]any{"op": "free", "engine": e.Handle}, nil) }

// NewCase opens a case; it panics if the module fails (the scenario runner
// reports a panic as a failed step).
func (e *Engine) NewCase(f sdk.Facts) sdk.Case {
	var c sdk.Case
	if err := e.m.Do(map[string]any{"op": "new_case", "engine": e.Handle, "facts": f}, &c); err != nil {
		panic(err)
	}
	return c
}

// Fire fires one trigger inside the module.
func (e *Engine) Fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	var out sdk.Outcome
	err := e.m.Do(map[string]any{"op": "fire", "engine": e.Handle, "case": c, "firing": f}, &out)
	return out, err
}

// Permitted judges every trigger for one role inside the module.
func (e *Engine) Permitted(c sdk.Case, role, asOf string) ([]sdk.Permission, error) {
	return e.PermittedContext(context.Background(), c, role, asOf, "")
}

// PermittedContext is Permitted with guard reasons in locale (empty means
// the engine's). The module call is not interrupted: ctx is checked before
// it starts.
func (e *Engine) PermittedContext(ctx context.Context, c sdk.Case, role, asOf, locale string) ([]sdk.Permission, error) {
	if err := ctx.Err(); err != nil {
		return nil, &sdk.Error{Code: sdk.CodeLimitExceeded, Message: "permitted: " + err.Error()}
	}
	req := map[string]any{"op": "permitted", "engine": e.Handle, "case": c, "role": role, "as_of": asOf}
	if locale != "" {
		req["locale"] = locale
	}
	var out []sdk.Permission
	err := e.m.Do(req, &out)
	return out, err
}

// Clocks judges every clock inside the module.
func (e *Engine) Clocks(c sdk.Case, asOf string) (sdk.ClockReport, error) {
	var out sdk.ClockReport
	err := e.m.Do(map[string]any{"op": "clocks", "engine": e.Handle, "case": c, "as_of": asOf}, &out)
	return out, err
}

// TriggerNames lists the policy's triggers.
func (e *Engine) TriggerNames() []string { return append([]string(nil), e.Triggers...) }

// Loader returns a scenario loader whose engines live in the module:
// "default" is the embedded policy, any other reference an overlay file read
// from disk (as the native loader reads it) and compiled inside the module.
func (m *Module) Loader() scenario.Loader {
	var mu sync.Mutex
	cache := map[string]*Engine{}
	errs := map[string]error{}
	return func(ref, baseDir string) (scenario.Target, error) {
		key, path := "default", ""
		if ref != "" && ref != "default" {
			path = ref
			if !filepath.IsAbs(ref) {
				path = filepath.Join(baseDir, filepath.FromSlash(ref))
			}
			path = filepath.Clean(path)
			key = path
		}
		mu.Lock()
		defer mu.Unlock()
		if e, ok := cache[key]; ok {
			return e, nil
		}
		if err, ok := errs[key]; ok {
			return nil, err
		}
		var e *Engine
		var err error
		if path == "" {
			e, err = m.Compile()
		} else {
			var data []byte
			if data, err = os.ReadFile(path); err == nil {
				e, err = m.Compile(sdk.PolicySource{Name: path, Data: data})
			}
		}
		if err != nil {
			errs[key] = err
			return nil, err
		}
		cache[key] = e
		return e, nil
	}
}
