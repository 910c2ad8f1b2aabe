# Policies (issues 4, 15): the four example authorities must compile, lint and pass their scenarios.
# The hostile-guard, statutory-floor and diagnostics tests run in `go test ./sdk` (make unit).
POLICY_FILES := $(sort $(wildcard examples/policies/*.yaml examples/policies/*/*.yaml))

.PHONY: policies-check policies-test
TEST_TARGETS += policies-check policies-test

## policies-check: sendflow check on every example authority and district overlay.
policies-check: $(SENDFLOW)
	$(SENDFLOW) check $(POLICY_FILES)
	# Coastal waives one floor rule on purpose (a proclaimed bank holiday): checked accepting waivers.
	$(SENDFLOW) check --accept-waivers --no-behaviour examples/policies/northshire/waived/coastal.yaml

## policies-test: sendflow test on every example authority's scenarios.
policies-test: $(SENDFLOW)
	$(SENDFLOW) test examples/policies/kent examples/policies/liverpool examples/policies/sefton examples/policies/northshire
