# Reliability (issue 7): fuzzing and model-based random walks. See docs/reliability.md.
.PHONY: fuzz walks

## fuzz: fuzz every fuzz target of the repository, in every package (the repository-wide ones are
## in internal/reliability), in turn, FUZZTIME each (make fuzz FUZZTIME=60s). Every input must
## finish within 2 s and allocate at most 256 MiB (internal/fuzzcheck; SENDFLOW_FUZZ_SLOW=5s or
## =off changes the time bound). Seed corpora are in
## each package's testdata/fuzz/; `make test` runs the seeds. `make fuzz-targets` lists the targets.
FUZZTIME ?= 60s
# "DIR TARGET" per line: every `func FuzzXxx` in a _test.go file of the module.
FUZZ_LIST = grep -rHo --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.git '^func Fuzz[A-Za-z0-9_]*' . | \
	sed -E 's|^(.*)/[^/]*:func (Fuzz[A-Za-z0-9_]*)$$|\1 \2|' | sort
.PHONY: fuzz-targets
fuzz-targets:
	@$(FUZZ_LIST)
fuzz:
	@set -e; $(FUZZ_LIST) | while read -r dir t; do \
	  echo "== $$dir $$t ($(FUZZTIME))"; \
	  out=$$(mktemp); st=0; \
	  $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$dir > $$out 2>&1 || st=$$?; \
	  grep -v '^fuzz: elapsed' $$out || true; grep '^fuzz: elapsed.*execs' $$out | tail -1; rm -f $$out; \
	  test $$st -eq 0 || exit 1; \
	done

## walks: 10,000 model-based random walks of up to 200 firings each over the default and the
## example policies, every invariant checked after every step (`go test ./internal/reliability`
## runs 60).
WALKS ?= 10000
walks:
	SENDFLOW_WALKS=$(WALKS) $(GO) test -count=1 -timeout 60m -run '^TestRandomWalks$$' -v ./internal/reliability | grep -v '^=== RUN'; \
	test $${PIPESTATUS[0]} -eq 0

TEST_TARGETS += walks
