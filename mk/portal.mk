# The in-browser case portal (issue 6): internal/portal (page, server, tests), served by `sendflow serve`.

PORT ?= 8080
PORTAL_WASM_DIR ?= wasm/dist

# The CLI embeds the portal's page and the example policies, so it is rebuilt when they change. The
# policies reach it through internal/examplepolicies/sources_gen.go, generated from examples/policies by
# `make generate`: once a policy is newer, building the CLI first checks that file is current (and fails,
# saying to run `make generate`, rather than build a portal that offers the old text).
EXAMPLE_POLICY_GEN := internal/examplepolicies/sources_gen.go
EXAMPLE_POLICY_SOURCES := $(wildcard $(foreach e,yaml yml json,examples/policies/*.$(e) examples/policies/*/*.$(e)))
$(SENDFLOW): $(wildcard internal/portal/*.go internal/portal/static/*) $(BIN)/examplepolicies.current
$(BIN)/examplepolicies.current: $(EXAMPLE_POLICY_GEN) $(EXAMPLE_POLICY_SOURCES)
	$(GO) test -count=1 -run TestSourcesAreCurrent ./internal/examplepolicies
	@mkdir -p $(BIN) && touch $@

.PHONY: demo-portal portal-test portal-css

## portal-css: vendor GOV.UK Frontend's styles from the pinned npm package into the portal (no GDS font).
portal-css: $(NODE_DEPS)
	node internal/portal/govuk.mjs

## demo-portal: build the WASM module and the CLI, then serve the portal on http://127.0.0.1:$(PORT).
demo-portal: wasm $(SENDFLOW)
	$(SENDFLOW) serve --port $(PORT) --wasm-dir $(PORTAL_WASM_DIR)

## portal-test: the portal in real headless Chromium (a whole case walked, screenshots in test-output/portal/).
TEST_TARGETS += portal-test
portal-test: wasm $(SENDFLOW) $(NODE_DEPS) $(CHROMIUM)
	node internal/portal/govuk.mjs --check
	SENDFLOW=$(SENDFLOW) WASM_DIR=$(PORTAL_WASM_DIR) node --test internal/portal/test/
