# WebAssembly builds of the engine (issue 5): the browser/Node build (GOOS=js) with its ES module wrapper and
# TypeScript declarations, and the WASI build (GOOS=wasip1, reactor with a JSON ABI). wasm/dist is build output.
.PHONY: wasm wasm-testhook wasm-race wasm-dts wasm-pack wasm-test-node wasm-test-wasi wasm-test-chromium wasm-test-compare wasm-bench

WASM_DIST := wasm/dist
WASM_JS_MOD := $(WASM_DIST)/sendflow.wasm
WASM_WASI_MOD := $(WASM_DIST)/sendflow-wasi.wasm
WASM_SRC := $(shell find sdk wasm/bridge wasm/cmd -name '*.go' -o -name '*.yaml' -o -name '*.json' | grep -v _test.go) go.mod go.sum
WASM_GOFLAGS := -trimpath -ldflags='-s -w'
# The browser module is built without inlining except where fire spends its time: the Go runtime (allocation,
# maps, GC), sendflow's own packages and SHA-256. 2.45 MB gzipped (2.56 MB since the defences of issue 14), against 2.37 MB with no inlining at all and
# 2.75 MB with all of it; fire from JS is about 1.6x faster than with none (docs/performance.md). A package
# matching several -gcflags patterns takes the last one.
WASM_JS_INLINE := runtime/... internal/runtime/... github.com/sendflow/sendflow/sdk/... github.com/sendflow/sendflow/wasm/... \
	crypto/internal/fips140/sha256 internal/byteorder
WASM_JS_GOFLAGS := $(WASM_GOFLAGS) -gcflags=all=-l $(foreach p,$(WASM_JS_INLINE),-gcflags=$(p)=)
# wasm-opt (Debian binaryen): opt-in with WASM_OPT=wasm-opt; -Oz takes minutes and does not shrink the gzipped module (docs/performance.md).
WASM_OPT ?=
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals
GO_WASM_EXEC := $(firstword $(wildcard $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js $(shell $(GO) env GOROOT)/misc/wasm/wasm_exec.js))

## wasm: build wasm/dist (sendflow.wasm, sendflow.mjs, sendflow.d.ts, wasm_exec.js, sendflow-wasi.wasm).
wasm: $(WASM_JS_MOD) $(WASM_JS_MOD).gz $(WASM_WASI_MOD) $(WASM_DIST)/sendflow.mjs $(WASM_DIST)/sendflow.d.ts $(WASM_DIST)/wasm_exec.js

$(WASM_JS_MOD): $(WASM_SRC) mk/wasm.mk
	@mkdir -p $(WASM_DIST)
	GOOS=js GOARCH=wasm $(GO) build $(WASM_JS_GOFLAGS) -o $@.tmp ./wasm/cmd/js
	@if [ -n "$(WASM_OPT)" ]; then echo "wasm-opt $(WASM_OPT_FLAGS)"; $(WASM_OPT) $(WASM_OPT_FLAGS) $@.tmp -o $@.opt && mv $@.opt $@.tmp; fi
	mv $@.tmp $@

# sendflow.wasm.gz: what the wrapper fetches in a browser (inflated in the page, see sendflow.mjs).
$(WASM_JS_MOD).gz: $(WASM_JS_MOD)
	gzip -9 -n -c $< > $@.tmp
	mv $@.tmp $@

$(WASM_WASI_MOD): $(WASM_SRC)
	@mkdir -p $(WASM_DIST)
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared $(WASM_GOFLAGS) -o $@.tmp ./wasm/cmd/wasi
	mv $@.tmp $@

# Test builds with the sendflowtest tag (wasm/bridge/panichook.go: the op "__panic" panics inside the
# bridge), for the tests that prove a panic is internal_error and the next call works. Never shipped.
WASM_TEST_DIST := $(WASM_DIST)/test
WASM_TESTHOOK := $(WASM_TEST_DIST)/sendflow-panic.wasm $(WASM_TEST_DIST)/sendflow-wasi-panic.wasm
wasm-testhook: $(WASM_TESTHOOK)

$(WASM_TEST_DIST)/sendflow-panic.wasm: $(WASM_SRC) wasm/bridge/panichook.go mk/wasm.mk
	@mkdir -p $(WASM_TEST_DIST)
	GOOS=js GOARCH=wasm $(GO) build -tags sendflowtest $(WASM_JS_GOFLAGS) -o $@.tmp ./wasm/cmd/js
	mv $@.tmp $@

$(WASM_TEST_DIST)/sendflow-wasi-panic.wasm: $(WASM_SRC) wasm/bridge/panichook.go mk/wasm.mk
	@mkdir -p $(WASM_TEST_DIST)
	GOOS=wasip1 GOARCH=wasm $(GO) build -tags sendflowtest -buildmode=c-shared $(WASM_GOFLAGS) -o $@.tmp ./wasm/cmd/wasi
	mv $@.tmp $@

$(WASM_DIST)/sendflow.mjs: wasm/js/sendflow.mjs
	@mkdir -p $(WASM_DIST)
	cp $< $@

$(WASM_DIST)/sendflow.d.ts: wasm/js/sendflow.d.ts
	@mkdir -p $(WASM_DIST)
	cp $< $@

$(WASM_DIST)/wasm_exec.js:
	@mkdir -p $(WASM_DIST)
	@test -n "$(GO_WASM_EXEC)" || { echo "wasm_exec.js not found in the Go toolchain"; exit 1; }
	cp $(GO_WASM_EXEC) $@

## wasm-dts: (part of `make generate`) regenerate wasm/js/sendflow.d.ts from schemas/*.schema.json and the bridge's Go types (a test fails when it is stale).
wasm-dts:
	SENDFLOW_UPDATE_DTS=1 $(GO) test -count=1 -run TestDeclarationsAreCurrent ./wasm/dtsgen/

## wasm-pack: the npm package (wasm/package.json over wasm/dist), packed offline into wasm/dist/pkg.
wasm-pack: wasm
	@mkdir -p $(WASM_DIST)/pkg
	cd wasm && npm pack --offline --pack-destination dist/pkg

# types.test.mjs type-checks sendflow.d.ts and wasm/test/types/usage.ts with tsc (root package.json).
wasm-test-node: wasm wasm-testhook $(SENDFLOW) node-deps
	node --test wasm/test/node.test.mjs wasm/test/types.test.mjs

wasm-test-wasi: wasm wasm-testhook $(SENDFLOW)
	SENDFLOW_WASI_WASM=$(CURDIR)/$(WASM_WASI_MOD) SENDFLOW_WASI_PANIC_WASM=$(CURDIR)/$(WASM_TEST_DIST)/sendflow-wasi-panic.wasm $(GO) test -count=1 ./wasm/wasihost/
	$(SENDFLOW) test --engine wasi --wasm $(WASM_WASI_MOD) testdata/conformance examples/scenarios
	$(GO) run ./examples/wasi-go $(WASM_WASI_MOD) | grep -q '"code":"not_permitted"'

wasm-test-chromium: wasm wasm-testhook node-deps chromium-deps
	node --test wasm/test/chromium.test.mjs

wasm-test-compare: wasm $(SENDFLOW) node-deps chromium-deps
	node --test wasm/test/compare.test.mjs

wasm-race:
	$(GO) test -count=1 -race ./wasm/bridge/

TEST_TARGETS += wasm-race wasm-test-node wasm-test-wasi wasm-test-chromium wasm-test-compare

## wasm-bench: fire from JS vs native Go, cold start in Chromium, module sizes.
wasm-bench: wasm $(SENDFLOW) node-deps chromium-deps
	node wasm/bench/bench.mjs

BENCH_TARGETS += wasm-bench

## wasm-coldstart: the Chromium cold start broken down by phase (import, fetch, compile, instantiate, Go start,
## first call, default policy compile); COLDSTART_AB=<dir> alternates pages with another wasm/dist, A/B.
.PHONY: wasm-coldstart
wasm-coldstart: wasm node-deps chromium-deps
	node wasm/bench/coldstart.mjs $(or $(COLDSTART_PAGES),9) $(COLDSTART_AB)

# bin/sendflow embeds the WASI host (sendflow test --engine wasi): rebuild it when that changes.
$(SENDFLOW): $(shell find wasm/wasihost wasm/bridge -name '*.go' | grep -v _test.go)

## sdk-default-go: (part of `make generate`) regenerate sdk/defaultpolicy_gen.go (the default policy pre-parsed, as Go data, for fast compiles; a test fails when it is stale).
.PHONY: sdk-default-go
sdk-default-go:
	SENDFLOW_UPDATE_POLICY_GO=1 $(GO) test -count=1 -run TestDefaultPolicyGoIsCurrent ./sdk/
