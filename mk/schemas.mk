# JSON Schemas (issue 3): generated from the Go types and the default policy,
# checked by two independent validators (Go: santhosh-tekuri/jsonschema in
# `go test ./schemas`, run by `make unit`; Node: ajv strict, here).
.PHONY: schemas check-generated schemas-test

## schemas: regenerate schemas/*.schema.json (go generate ./schemas).
schemas:
	$(GO) generate ./schemas

## check-generated: regenerating the schemas into a temp dir must change nothing.
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./internal/cmd/schemagen -root . -out "$$tmp" && \
	for f in "$$tmp"/*.schema.json schemas/*.schema.json; do n=$$(basename "$$f"); \
	  if ! cmp -s "$$tmp/$$n" "schemas/$$n"; then \
	    echo "check-generated: schemas/$$n differs from what the generator writes: run 'make schemas' and commit"; \
	    diff -u "schemas/$$n" "$$tmp/$$n" | head -40; exit 1; fi; \
	done && echo "check-generated: schemas/*.schema.json are up to date"

## schemas-test: ajv (draft 2020-12, strict) over every schema, example, scenario file and engine output.
schemas-test: $(NODE_DEPS)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) run ./internal/cmd/schemacorpus -out "$$tmp/corpus.json" && \
	SENDFLOW_SCHEMA_CORPUS="$$tmp/corpus.json" node --test schemas/test/

TEST_TARGETS += check-generated schemas-test
