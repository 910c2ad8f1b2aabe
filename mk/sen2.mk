# SEN2 reporting (issue 8): sendflow gen | sendflow sen2.
# sen2-xml (make test, issue 20): the person-level XML return checked with a real XML validator: Debian's
# libxml2-utils (xmllint, installed with apt-get when missing, as chromium is) validates the hand-worked
# caseload's return (go test, xmllint required) and a generated caseload's return against sdk/report/sen2.xsd.
# sen2-smoke (make test): generate a caseload through the engine, stream it into
# `sendflow sen2` on stdin, and check the JSON, CSV, table and SVG outputs parse and agree.
# sen2-bench (make bench): the sdk/report Go benchmarks, then 20,000 generated cases through
# `sendflow sen2` timed by /usr/bin/time -v (wall time and peak RSS); figures in docs/performance.md.

SEN2_OUT := $(BIN)/sen2
SEN2_BENCH_CASES ?= 20000

.PHONY: sen2-smoke sen2-bench sen2-xml xmllint-deps

TEST_TARGETS += sen2-smoke sen2-xml
BENCH_TARGETS += sen2-bench

sen2-smoke: $(SENDFLOW)
	@mkdir -p $(SEN2_OUT)
	$(SENDFLOW) gen --cases 400 --seed 8 --year 2026 | \
	  $(SENDFLOW) sen2 --year 2026 --format json --chart $(SEN2_OUT)/smoke.svg - > $(SEN2_OUT)/smoke.json
	$(SENDFLOW) gen --cases 400 --seed 8 --year 2026 | $(SENDFLOW) sen2 --year 2026 --format csv - > $(SEN2_OUT)/smoke.csv
	$(SENDFLOW) gen --cases 400 --seed 8 --year 2026 | \
	  $(SENDFLOW) sen2 --year 2026 --format table --from 2026-04-01 --to 2026-09-30 - > $(SEN2_OUT)/smoke.txt
	SEN2_OUT=$(SEN2_OUT) node --test sdk/report/testdata/sen2-smoke.test.mjs

sen2-bench: $(SENDFLOW)
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./sdk/report/
	@mkdir -p $(SEN2_OUT)
	/usr/bin/time -f 'sen2-bench: gen $(SEN2_BENCH_CASES) cases: %e s, peak RSS %M KB' \
	  $(SENDFLOW) gen --cases $(SEN2_BENCH_CASES) --seed 1 --year 2026 -o $(SEN2_OUT)/bench-cases.jsonl
	@ls -l $(SEN2_OUT)/bench-cases.jsonl
	/usr/bin/time -v $(SENDFLOW) sen2 --year 2026 --format csv $(SEN2_OUT)/bench-cases.jsonl > $(SEN2_OUT)/bench.csv 2> $(SEN2_OUT)/bench-time.txt || \
	  { cat $(SEN2_OUT)/bench-time.txt; exit 1; }
	@grep -E 'Elapsed|Maximum resident|User time|System time' $(SEN2_OUT)/bench-time.txt | sed 's/^\s*/sen2-bench: verified: /'
	/usr/bin/time -v $(SENDFLOW) sen2 --year 2026 --format csv --no-verify $(SEN2_OUT)/bench-cases.jsonl > /dev/null 2> $(SEN2_OUT)/bench-time-nv.txt || \
	  { cat $(SEN2_OUT)/bench-time-nv.txt; exit 1; }
	@grep -E 'Elapsed|Maximum resident' $(SEN2_OUT)/bench-time-nv.txt | sed 's/^\s*/sen2-bench: unverified: /'

XMLLINT := /usr/bin/xmllint

## xmllint-deps: Debian's libxml2-utils, for xmllint --schema.
xmllint-deps: $(XMLLINT)
$(XMLLINT):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libxml2-utils

sen2-xml: $(SENDFLOW) $(XMLLINT)
	@mkdir -p $(SEN2_OUT)
	SENDFLOW_REQUIRE_XMLLINT=1 $(GO) test -count=1 -run 'TestHandWorkedXMLReturn|TestSchemaCodeLists' ./sdk/report/
	$(SENDFLOW) gen --cases 400 --seed 8 --year 2025 | \
	  $(SENDFLOW) sen2 --year 2025 --format xml --la-number 886 --dmo Y --dco N --summary $(SEN2_OUT)/return-summary.json \
	  -o $(SEN2_OUT)/return.xml - 2> $(SEN2_OUT)/return.txt || { cat $(SEN2_OUT)/return.txt; exit 1; }
	$(XMLLINT) --noout --schema sdk/report/sen2.xsd $(SEN2_OUT)/return.xml
	@head -3 $(SEN2_OUT)/return.txt | sed 's/^/sen2-xml: /'
