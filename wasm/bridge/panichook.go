//go:build sendflowtest

package bridge

import "bytes"

// Built only with -tags sendflowtest (make wasm-testhook): the request
// {"op":"__panic"} panics inside Handle, so the tests of the WebAssembly
// builds can prove, in Node, in Chromium and under WASI, that a panic is
// answered as internal_error and the next call works. The modules that ship
// have no such op.
func init() {
	defaultBridge.beforeOp = func(req []byte) {
		if bytes.Contains(req, []byte(`"op":"__panic"`)) {
			panic("a test panic (the sendflowtest build's __panic op)")
		}
	}
}
