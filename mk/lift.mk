# LIFT analytics (issue 21): sendflow gen | sendflow lift-report.
# lift-smoke (make test): a generated caseload through `sendflow lift-report` as JSON, CSV and SVG charts.
# lift-cores (make test): 100,000 generated cases through `sendflow clocks` and `sendflow lift-report`,
#   each timed by /usr/bin/time, asserting user CPU time above wall time: the bulk worker pool
#   (internal/bulk) kept more than one core busy. A behaviour check, not a speed assertion: on a
#   machine whose cores are busy with other work it can fail for want of a free core; the load average
#   is printed with the figures. The caseload is generated once (bin/lift/) and reused until the
#   generator or the default policy changes.

LIFT_OUT := $(BIN)/lift
LIFT_CORES_CASES ?= 100000
LIFT_CORES_DATA := $(LIFT_OUT)/cases-$(LIFT_CORES_CASES).jsonl

.PHONY: lift-smoke lift-cores

# GNU time (Debian's `time` package), installed with apt-get when missing, as chromium is.
GNU_TIME := /usr/bin/time
$(GNU_TIME):
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time

TEST_TARGETS += lift-smoke lift-cores

lift-smoke: $(SENDFLOW)
	@mkdir -p $(LIFT_OUT)
	$(SENDFLOW) gen --cases 600 --seed 21 --year 2026 -o $(LIFT_OUT)/smoke-cases.jsonl
	$(SENDFLOW) lift-report --from 2025-08-01 --to 2026-07-31 --charts $(LIFT_OUT)/charts $(LIFT_OUT)/smoke-cases.jsonl > $(LIFT_OUT)/smoke.json
	$(SENDFLOW) lift-report --no-verify --format csv --from 2025-08-01 --to 2026-07-31 - < $(LIFT_OUT)/smoke-cases.jsonl > $(LIFT_OUT)/smoke.csv
	@grep -q '"cases_discussed": [1-9]' $(LIFT_OUT)/smoke.json || { echo "lift-smoke: no cases discussed"; exit 1; }
	@grep -q '^cases_discussed,,,,[1-9]' $(LIFT_OUT)/smoke.csv || { echo "lift-smoke: CSV has no cases discussed"; exit 1; }
	@for c in districts allocations trend; do grep -q '</svg>' $(LIFT_OUT)/charts/lift-$$c.svg || { echo "lift-smoke: chart $$c"; exit 1; }; done
	@echo "lift-smoke: JSON, CSV and charts written to $(LIFT_OUT)"

$(LIFT_CORES_DATA): $(filter-out %_test.go,$(wildcard sdk/report/synth/*.go)) sdk/policies/default.yaml | $(SENDFLOW)
	@mkdir -p $(LIFT_OUT)
	$(SENDFLOW) gen --cases $(LIFT_CORES_CASES) --seed 1 --year 2026 -o $@.tmp && mv $@.tmp $@

# Runs one bulk command under /usr/bin/time and fails unless user time > wall time.
define lift_cores_check
	$(GNU_TIME) -f '%U %e %S %M' -o $(LIFT_OUT)/time-$(1).txt $(SENDFLOW) $(2) $(LIFT_CORES_DATA) > /dev/null 2> $(LIFT_OUT)/stderr-$(1).txt || \
	  { tail -3 $(LIFT_OUT)/stderr-$(1).txt; exit 1; }
	@read user wall sys rss < <(tail -1 $(LIFT_OUT)/time-$(1).txt); \
	  echo "lift-cores: $(1) on $(LIFT_CORES_CASES) cases: user $${user} s, system $${sys} s, wall $${wall} s, peak RSS $${rss} KB, load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
	  awk -v u="$$user" -v w="$$wall" 'BEGIN { exit !(u > w) }' || \
	  { echo "lift-cores: FAILED: $(1) used one core at most (user $${user} s <= wall $${wall} s)"; touch $(LIFT_OUT)/cores-failed; }
endef

# Both commands are timed; the target then fails if either kept fewer than two cores busy.
lift-cores: $(LIFT_CORES_DATA) $(SENDFLOW) $(GNU_TIME)
	@rm -f $(LIFT_OUT)/cores-failed
	$(call lift_cores_check,clocks,clocks --as-of 2026-12-31)
	$(call lift_cores_check,lift-report,lift-report --from 2025-08-01 --to 2026-07-31)
	@test ! -e $(LIFT_OUT)/cores-failed || { echo "lift-cores: a bulk command did not use both cores (see above; a busy machine can cause it)"; exit 1; }
