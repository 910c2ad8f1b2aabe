// Command wasi-go drives the WASI build of sendflow from a Go host through
// wazero, speaking the module's JSON ABI by hand (alloc, write, call, read,
// free), as a host in any language would:
//
//	make wasm && go run ./examples/wasi-go wasm/dist/sendflow-wasi.wasm
package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"os"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

func main() {
	path := "wasm/dist/sendflow-wasi.wasm"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("%v (run `make wasm` first)", err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	// A reactor: _initialize runs the Go runtime's start-up, then the exports may be called.
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().
		WithStartFunctions("_initialize").WithRandSource(rand.Reader).WithSysWalltime().WithSysNanotime())
	if err != nil {
		log.Fatal(err)
	}
	alloc, free, call := mod.ExportedFunction("sendflow_alloc"), mod.ExportedFunction("sendflow_free"), mod.ExportedFunction("sendflow_call")

	request := func(req string) string {
		r, err := alloc.Call(ctx, uint64(len(req)))
		if err != nil {
			log.Fatal(err)
		}
		ptr := uint32(r[0])
		mod.Memory().Write(ptr, []byte(req))
		r, err = call.Call(ctx, uint64(ptr), uint64(len(req)))
		if err != nil {
			log.Fatal(err)
		}
		rptr, rlen := uint32(r[0]>>32), uint32(r[0])
		resp, _ := mod.Memory().Read(rptr, rlen)
		out := string(resp) // copy before freeing
		_, _ = free.Call(ctx, uint64(ptr))
		_, _ = free.Call(ctx, uint64(rptr))
		return out
	}

	fmt.Println(request(`{"op":"compile"}`))
	fmt.Println(request(`{"op":"fire","engine":1,"case":{"id":"case-1","states":{}},"firing":{"trigger":"ehc.requested","actor":"parent","at":"2026-01-05"}}`)[:200], "…")
	fmt.Println(request(`{"op":"fire","engine":1,"case":{"states":{}},"firing":{"trigger":"ehc.plan_finalised","actor":"la_officer","at":"2026-01-05"}}`))
	fmt.Println(request(`{"op":`))
}
