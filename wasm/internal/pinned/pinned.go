//go:build wasm

// Package pinned keeps the buffers a WebAssembly host reads and writes in
// the module's memory, for the js and WASI builds' exports
// (sendflow_alloc, sendflow_free, sendflow_call).
package pinned

import (
	"sync"
	"unsafe"

	"github.com/sendflow/sendflow/wasm/bridge"
)

// Table keeps every buffer handed to the host alive (Go's GC does not move
// objects, so its address stays valid) until the host frees it.
type Table struct {
	mu sync.Mutex
	m  map[uint32][]byte
}

// Pin keeps b alive under its address, which it returns (an empty b is
// given one byte, so it has an address).
func (t *Table) Pin(b []byte) uint32 {
	if len(b) == 0 {
		b = make([]byte, 1)
	}
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	t.mu.Lock()
	if t.m == nil {
		t.m = map[uint32][]byte{}
	}
	t.m[p] = b
	t.mu.Unlock()
	return p
}

// Alloc is sendflow_alloc: a pinned buffer of size bytes, or 0 when size is
// negative or over bridge.MaxRequestBytes.
func (t *Table) Alloc(size int32) uint32 {
	if size < 0 || int(size) > bridge.MaxRequestBytes {
		return 0
	}
	return t.Pin(make([]byte, size))
}

// Free is sendflow_free: the buffer at ptr is no longer the host's.
func (t *Table) Free(ptr uint32) {
	t.mu.Lock()
	delete(t.m, ptr)
	t.mu.Unlock()
}

// Request is the request sendflow_call was given: the first size bytes of
// the buffer at ptr, or, when ptr is not a pinned buffer or size overruns
// it, the bridge answer that refuses the call.
func (t *Table) Request(ptr, size uint32) (req, refusal []byte) {
	t.mu.Lock()
	buf, ok := t.m[ptr]
	t.mu.Unlock()
	switch {
	case !ok:
		return nil, []byte(`{"ok":false,"error":{"code":"invalid_input","message":"the request pointer was not returned by sendflow_alloc (or was freed)"}}`)
	case uint64(size) > uint64(len(buf)):
		return nil, []byte(`{"ok":false,"error":{"code":"invalid_input","message":"the request length is larger than its buffer"}}`)
	}
	return buf[:size], nil
}
