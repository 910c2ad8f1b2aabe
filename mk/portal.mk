# The in-browser case portal (issue 6): examples/portal, served by `sendflow serve`.

PORT ?= 8080
PORTAL_WASM_DIR ?= wasm/dist

# The CLI embeds the portal's page and the example policies, so it is rebuilt when they change.
$(SENDFLOW): $(wildcard examples/portal/*.go examples/portal/static/* examples/policies/*)

.PHONY: demo-portal portal-test

## demo-portal: build the WASM module and the CLI, then serve the portal on http://127.0.0.1:$(PORT).
demo-portal: wasm $(SENDFLOW)
	$(SENDFLOW) serve --port $(PORT) --wasm-dir $(PORTAL_WASM_DIR)

## portal-test: the portal in real headless Chromium (a whole case walked, screenshots in test-output/portal/).
TEST_TARGETS += portal-test
portal-test: wasm $(SENDFLOW) $(NODE_DEPS) $(CHROMIUM)
	SENDFLOW=$(SENDFLOW) WASM_DIR=$(PORTAL_WASM_DIR) node --test examples/portal/test/
