//go:build wasip1

// Command wasi is the WASI build of sendflow (GOOS=wasip1 GOARCH=wasm,
// -buildmode=c-shared): a reactor module that any WASI runtime can drive
// through four exported functions and the bridge protocol (wasm/bridge):
//
//	sendflow_protocol() i32               the protocol version (1)
//	sendflow_alloc(size i32) i32          a buffer of size bytes in the module's memory
//	sendflow_free(ptr i32)                releases a buffer from alloc or call
//	sendflow_call(ptr i32, len i32) i64   answers the JSON request in [ptr, ptr+len)
//
// A host calls _initialize once, then for each request: alloc a buffer,
// write the request's UTF-8 JSON into memory there, call, read the response
// from (result >> 32) for (result & 0xffffffff) bytes, then free both
// buffers. The response is always a bridge response, {"ok":true,"result":…}
// or {"ok":false,"error":{code,…}}; a panic inside is internal_error and the
// module keeps working. alloc returns 0 when size is negative or over
// bridge.MaxRequestBytes. The module imports only wasi_snapshot_preview1
// and never reads files, the clock or the network.
package main

//lint:file-ignore U1000 the functions are exported to the WASI host by go:wasmexport

import (
	"github.com/sendflow/sendflow/wasm/bridge"
	"github.com/sendflow/sendflow/wasm/internal/pinned"
)

// buffers holds every buffer handed to the host, requests and answers,
// until the host frees it.
var buffers pinned.Table

//go:wasmexport sendflow_protocol
func protocol() uint32 { return 1 }

//go:wasmexport sendflow_alloc
func alloc(size int32) uint32 { return buffers.Alloc(size) }

//go:wasmexport sendflow_free
func free(ptr uint32) { buffers.Free(ptr) }

//go:wasmexport sendflow_call
func call(ptr uint32, size uint32) uint64 {
	req, resp := buffers.Request(ptr, size)
	if resp == nil {
		resp = bridge.Handle(req)
	}
	p := buffers.Pin(resp)
	return uint64(p)<<32 | uint64(len(resp))
}

func main() {}
