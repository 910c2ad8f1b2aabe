# sendflow — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck
SENDFLOW := $(BIN)/sendflow

.PHONY: all demo demo-cli test check lint vet fmt-check staticcheck unit race conformance examples bench build clean node-deps chromium-deps

# Each feature area keeps its own targets in mk/<area>.mk and adds them to these lists, so `make test`
# and `make bench` run everything without one file growing a target per feature.
TEST_TARGETS :=
BENCH_TARGETS :=
# Shared prerequisites the fragments use (defined before they are included: prerequisites expand at once).
NODE_DEPS := node_modules/.sendflow-installed
CHROMIUM := /usr/bin/chromium
include $(sort $(wildcard mk/*.mk))

all: build

build: $(SENDFLOW)

$(SENDFLOW): FORCE
	@mkdir -p $(BIN)
	$(GO) build -o $@ ./cmd/sendflow

## demo: build the WebAssembly engine and serve the in-browser case portal on the embedded default policy
## at http://127.0.0.1:8080 (PORT=... overrides). The portal's targets live in mk/portal.mk.
demo: demo-portal

## demo-cli: walk a whole case (concern → SEN support → LIFT → HNF → EHC plan → review → amendment) in the terminal.
demo-cli: $(SENDFLOW)
	$(SENDFLOW) walk examples/scenarios/full-lifecycle.yaml

## test: everything CI runs — lint, unit tests, race detector on the SDK, the conformance suite with coverage.
test: lint unit race conformance examples $(TEST_TARGETS)
	@echo "make test: all checks passed"

## check: the developer's fast tier (a few minutes, no browser, no npm): lint, unit tests, conformance,
## the example policies and the generated-file drift check. CI runs `make test`, which includes all of it.
check: lint unit conformance policies-check policies-test generate-check
	@echo "make check: all checks passed"

lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	$(GO) vet -tags sendflowtest ./wasm/bridge/

$(STATICCHECK):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags sendflowtest ./wasm/bridge/

unit:
	$(GO) test -count=1 ./...

race:
	$(GO) test -count=1 -race ./sdk/...

## conformance: the scenario suite must pass and fire every trigger of the default policy.
conformance: $(SENDFLOW)
	$(SENDFLOW) test --coverage testdata/conformance examples/scenarios
	@$(SENDFLOW) test --coverage testdata/conformance examples/scenarios | grep -qx 'coverage: every trigger fired' || \
	  { echo "conformance: some trigger of the default policy is never fired"; exit 1; }

examples: $(SENDFLOW)
	$(GO) build ./examples/...

## bench: Go benchmarks (Compile, Fire with x-baseline, FireFloor, Permitted, Clocks, Replay with events/s).
bench: bench-go $(BENCH_TARGETS)

# The engine's targets are for one core: its benchmarks run with GOMAXPROCS 1 and 2.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./sdk/...
	$(GO) test -run '^$$' -bench 'Fire$$|FireFloor|Permitted|Replay' -benchmem -count 1 -cpu 1 ./sdk/

## node-deps: the npm tools the tests use (ajv, playwright-core), pinned by package-lock.json.
node-deps: $(NODE_DEPS)
$(NODE_DEPS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## chromium-deps: Debian's chromium for the browser tests (never a downloaded browser build).
chromium-deps: $(CHROMIUM)
$(CHROMIUM):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium

FORCE:

clean:
	rm -rf $(BIN)
