# Reliability (issue 7): fuzzing and model-based random walks. See docs/reliability.md.
.PHONY: fuzz walks

## fuzz: run every fuzz target of the repository root package in turn, FUZZTIME each
## (make fuzz FUZZTIME=60s). The seed corpora are in testdata/fuzz/; `make test` runs the seeds.
FUZZTIME ?= 60s
FUZZ_TARGETS = $(shell grep -ho '^func Fuzz[A-Za-z0-9_]*' *_test.go | cut -c6- | sort)
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "== $$t ($(FUZZTIME))"; \
	  out=$$(mktemp); st=0; \
	  $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) . > $$out 2>&1 || st=$$?; \
	  grep -v '^fuzz: elapsed' $$out || true; grep '^fuzz: elapsed.*execs' $$out | tail -1; rm -f $$out; \
	  test $$st -eq 0; \
	done

## walks: 10,000 model-based random walks of up to 200 firings each over the default and the
## example policies, every invariant checked after every step (`go test .` runs 60).
WALKS ?= 10000
walks:
	SENDFLOW_WALKS=$(WALKS) $(GO) test -count=1 -timeout 60m -run '^TestRandomWalks$$' -v . | grep -v '^=== RUN'; \
	test $${PIPESTATUS[0]} -eq 0

TEST_TARGETS += walks
