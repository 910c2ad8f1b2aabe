//go:build js && wasm

// Command js is the browser and Node build of sendflow (GOOS=js
// GOARCH=wasm). It exposes the bridge protocol (wasm/bridge) to JavaScript
// two ways:
//
//   - call(request) → response, both JSON strings, on the global object
//     under the name in the environment variable SENDFLOW_EXPORT (default
//     "__sendflow"), with the protocol version beside it;
//
//   - three WebAssembly exports, the fast way in (a js.FuncOf call costs
//     tens of microseconds, an export call well under one):
//
//     sendflow_alloc(size i32) i32        a request buffer of size bytes in the module's memory ("mem")
//     sendflow_call(ptr i32, len i32) i64 answers the UTF-8 JSON request in [ptr, ptr+len)
//     sendflow_free(ptr i32)              releases a buffer from sendflow_alloc
//
// sendflow_call answers at (result >> 32) for (result & 0xffffffff) bytes;
// the answer stays valid until the next sendflow_call, so a host reads it
// at once and need not free it. A request buffer may be reused for many
// calls. sendflow_alloc returns 0 when size is negative or over
// bridge.MaxRequestBytes. The ES module wrapper wasm/js/sendflow.mjs is the
// public JavaScript API over both.
package main

//lint:file-ignore U1000 the functions are exported to JavaScript by go:wasmexport

import (
	"fmt"
	"os"
	"sync"
	"syscall/js"
	"unsafe"

	"github.com/sendflow/sendflow/wasm/bridge"
	"github.com/sendflow/sendflow/wasm/internal/pinned"
)

// buffers holds the request buffers handed to the host until it frees
// them; last is the latest answer, alive until the next call.
var (
	buffers pinned.Table
	last    struct {
		sync.Mutex
		b []byte
	}
)

//go:wasmexport sendflow_alloc
func alloc(size int32) uint32 { return buffers.Alloc(size) }

//go:wasmexport sendflow_free
func free(ptr uint32) { buffers.Free(ptr) }

//go:wasmexport sendflow_call
func call(ptr uint32, size uint32) uint64 {
	req, resp := buffers.Request(ptr, size)
	if resp == nil {
		// The previous answer has been read: its buffer takes this one
		// (unless it is large).
		last.Lock()
		prev := last.b
		last.Unlock()
		if cap(prev) > 1<<20 {
			prev = nil
		}
		resp = bridge.AppendHandle(prev[:0], req)
	}
	if len(resp) == 0 {
		resp = []byte(`{"ok":false,"error":{"code":"internal_error","message":"empty answer"}}`)
	}
	last.Lock()
	last.b = resp // alive until the next call
	last.Unlock()
	return uint64(uint32(uintptr(unsafe.Pointer(&resp[0]))))<<32 | uint64(len(resp))
}

func main() {
	name := os.Getenv("SENDFLOW_EXPORT")
	if name == "" {
		name = "__sendflow"
	}
	call := js.FuncOf(func(this js.Value, args []js.Value) (out any) {
		defer func() {
			// bridge.Handle recovers its own panics; this guards the
			// conversion of the arguments.
			if r := recover(); r != nil {
				out = fmt.Sprintf(`{"ok":false,"error":{"code":"internal_error","message":%q}}`, fmt.Sprint("the call panicked: ", r))
			}
		}()
		if len(args) != 1 || args[0].Type() != js.TypeString {
			return `{"ok":false,"error":{"code":"invalid_input","message":"call takes one argument: the request as a JSON string"}}`
		}
		return bridge.HandleString(args[0].String())
	})
	obj := js.Global().Get("Object").New()
	obj.Set("call", call)
	obj.Set("protocol", bridge.Version)
	js.Global().Set(name, obj)
	select {}
}
