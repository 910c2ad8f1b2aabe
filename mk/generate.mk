# Generated files (issue 16): `make generate` rewrites every one of them, in dependency order, and
# `make test` fails when a committed generated file differs from what the generators write (drift).
#   1. sdk/defaultpolicy_gen.go                             the default policy pre-parsed, as Go data (from default.yaml)
#      sdk/names_gen.go                                      the default's trigger, role, track, clock and decision ids as Go constants
#      wasm/bridge/fastjson_gen.go                           the bridge's JSON encoders (SDK types, appendgen)
#      sdk/released_gen.go                                   the released defaults (policies/released) as edits of default.yaml
#   2. schemas/*.schema.json                                 JSON Schemas (Go types + default policy)
#   3. wasm/js/sendflow.d.ts                                 TypeScript declarations (from the schemas)
#   4. docs/policies.md (its generated sections)             guard environment, limits, diagnostic codes
#   5. docs/lifecycle.md (its generated part)                the lifecycle reference (internal/docgen)
#   6. internal/reliability/testdata/fuzz/*/seed-*           the fuzz seeds written from its seeds_test.go
#   7. internal/examplepolicies/sources_gen.go               the example policies the CLI embeds (examples/policies)
# A generator added later adds its command to `generate` and its files to GENERATED.
GENERATED := sdk/defaultpolicy_gen.go sdk/names_gen.go sdk/released_gen.go wasm/bridge/fastjson_gen.go schemas wasm/js/sendflow.d.ts docs \
  internal/reliability/testdata/fuzz internal/examplepolicies/sources_gen.go

.PHONY: generate generate-check
TEST_TARGETS += generate-check

## generate: regenerate every generated file (commit what changes).
generate:
	SENDFLOW_UPDATE_POLICY_GO=1 $(GO) test -count=1 -run TestDefaultPolicyGoIsCurrent ./sdk/
	SENDFLOW_UPDATE_NAMES=1 $(GO) test -count=1 -run TestNamesAreCurrent ./sdk/
	SENDFLOW_UPDATE_RELEASED=1 $(GO) test -count=1 -run TestReleasedDefaultsAreCurrent ./sdk/
	$(GO) generate ./wasm/bridge
	$(GO) generate ./schemas
	SENDFLOW_UPDATE_DTS=1 $(GO) test -count=1 -run TestDeclarationsAreCurrent ./wasm/dtsgen/
	$(GO) test -count=1 -run TestPoliciesDocIsGenerated ./sdk/ -args -update
	SENDFLOW_UPDATE_DOCS=1 $(GO) test -count=1 -run 'TestLifecycleDoc' ./internal/docgen
	SENDFLOW_WRITE_SEEDS=1 $(GO) test -count=1 -run TestFuzzSeedsUpToDate ./internal/reliability
	SENDFLOW_UPDATE_EXAMPLES=1 $(GO) test -count=1 -run TestSourcesAreCurrent ./internal/examplepolicies

# The files under GENERATED as they are in the work tree (tracked or not, ignored ones aside), hashed.
GENERATED_SUM = git ls-files -co --exclude-standard -- $(GENERATED) | LC_ALL=C sort | xargs -r sha256sum

## generate-check: run `make generate` and fail if it changed any file (so a stale generated file,
## or a generator that is not deterministic, fails `make test`). The files are left regenerated.
generate-check:
	@mkdir -p $(BIN)
	@$(GENERATED_SUM) > $(BIN)/generated.before
	@$(MAKE) --no-print-directory generate > $(BIN)/generate.log 2>&1 || { cat $(BIN)/generate.log; exit 1; }
	@$(GENERATED_SUM) > $(BIN)/generated.after
	@if ! cmp -s $(BIN)/generated.before $(BIN)/generated.after; then \
	  echo "generate-check: these generated files were stale (now regenerated; review and commit them):"; \
	  diff $(BIN)/generated.before $(BIN)/generated.after | sed -n 's/^> [0-9a-f]*  /  /p' | sort -u; exit 1; fi
	@echo "generate-check: every generated file is current"
