# Documentation made from the code (issues 16 and 18): docs/lifecycle.md's reference part is generated from
# the default policy by internal/docgen. `make unit` runs its tests: they fail when the file is stale or a
# link of README.md, docs/*.md or examples/**/README.md does not resolve in a clone.
.PHONY: docs

## docs: regenerate the generated part of docs/lifecycle.md from the default policy.
docs:
	SENDFLOW_UPDATE_DOCS=1 $(GO) test -count=1 -run 'TestLifecycleDoc' ./internal/docgen
