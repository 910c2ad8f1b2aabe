//go:build js && wasm

// Command js is the browser and Node build of sendflow (GOOS=js
// GOARCH=wasm). It exposes one function to JavaScript, call(request) →
// response, both JSON strings of the bridge protocol (wasm/bridge), on the
// global object under the name in the environment variable SENDFLOW_EXPORT
// (default "__sendflow"), then waits for calls forever. The ES module
// wrapper wasm/js/sendflow.mjs is the public JavaScript API over it.
package main

import (
	"fmt"
	"os"
	"syscall/js"

	"github.com/sendflow/sendflow/wasm/bridge"
)

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
