package main

import (
	"context"
	"fmt"

	"github.com/sendflow/sendflow/sdk/scenario"
	"github.com/sendflow/sendflow/wasm/wasihost"
)

// defaultWASM is where `make wasm` writes the WASI module.
const defaultWASM = "wasm/dist/sendflow-wasi.wasm"

// engineLoader returns the loader for --engine: the app's own (native), or
// one whose engines run inside the WASI module at wasmPath, in wazero. The
// returned func releases the module.
func engineLoader(a *app, engine, wasmPath string) (scenario.Loader, func(), error) {
	switch engine {
	case "", "native":
		return a.load, func() {}, nil
	case "wasi":
		m, err := wasihost.OpenFile(context.Background(), wasmPath)
		if err != nil {
			return nil, nil, err
		}
		return m.Loader(), func() { _ = m.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown engine %q: the engines are native and wasi", engine)
}
