package reliability_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sendflow/sendflow/internal/randomwalk"
	"github.com/sendflow/sendflow/sdk"
)

// The fuzz targets' seed corpora live in testdata/fuzz/FuzzXxx/ (Go's
// layout for this package, internal/reliability). The files named seed-*
// are generated from the literal inputs below; the seeds made from other
// files (every example policy and scenario) or from the engine (walked
// cases) are added at test time instead (seed.derived). Other files there
// are inputs a fuzzer found and are kept as regression cases. Regenerate
// with:
//
//	SENDFLOW_WRITE_SEEDS=1 go test -run TestFuzzSeedsUpToDate ./internal/reliability
//
// TestFuzzSeedsUpToDate fails when a generated seed differs from its file.

type seed struct {
	name string
	args []any
	// derived seeds are made from other files of the repository (example
	// policies, scenarios) or from engine output (walked cases): they are
	// added by f.Add at test time, always current, and not committed, so
	// editing a policy or a scenario never makes a committed seed stale.
	derived bool
}

// seedSet collects the seeds of every target, by target name.
type seedSet map[string][]seed

// add adds a seed written to testdata/fuzz (see seed.derived).
func (s seedSet) add(target, name string, args ...any) {
	s[target] = append(s[target], seed{name: name, args: args})
}

// derive adds a seed made at test time (see seed.derived).
func (s seedSet) derive(target, name string, args ...any) {
	s[target] = append(s[target], seed{name: name, args: args, derived: true})
}

func jsonOf(v any) []byte { b, _ := json.Marshal(v); return b }

// seedCorpus is every target's seeds, literal and derived.
func seedCorpus(t testing.TB) map[string][]seed {
	set := seedSet{}
	set.policySeeds(t)
	set.guardSeeds()
	def, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	walked, err := randomwalk.Walk(def, randomwalk.Rand(3), randomwalk.Options{Steps: 30})
	if err != nil {
		t.Fatal(err)
	}
	fresh := def.NewCase(sdk.Facts{ID: "c-1", Child: sdk.Child{DateOfBirth: "2016-03-02"}, Evidence: []string{"sdq"}})
	set.caseSeeds(fresh, walked.Case)
	set.fireSequenceSeeds()
	set.scenarioSeeds(t)
	set.bridgeSeeds(t, fresh, walked.Case)
	return set
}

// policySeeds: the overlays the engine tests use, broken ones, and every
// example policy.
func (set seedSet) policySeeds(t testing.TB) {
	for name, p := range map[string]string{
		"floor-guard":   "id: strict\ntriggers:\n  - id: ehc.requested\n    from: [none]\n    to: request_received\n    roles: [parent, young_person, school]\n    guards:\n      - {id: needs_sen_support, expr: 'states.support != \"universal\"', reason: \"SEN support first\"}\n",
		"floor-slow":    "id: slow\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}\n",
		"fast":          "id: fast\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}\n",
		"lax":           "id: lax\nallow_below_statutory_floor: true\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 22, statutory: true}\n",
		"bad":           "id: bad\ntriggers:\n  - id: ehc.extra_check\n    from: [assessing]\n    roles: [la_oficer]\n    guards:\n      - {id: g1, expr: 'evidence > 3', reason: \"type error\"}\n      - {id: g2, expr: 'data.cost > 1', reason: \"unknown field\"}\n",
		"syntax":        "id: [unclosed\n",
		"typo":          "id: x\ntriggerz: []\n",
		"no-lift":       "id: no_lift\ntracks:\n  - {id: lift, disabled: true}\n",
		"params":        "id: params\nparameters:\n  - {id: hnf_threshold, value: 8000}\n  - {id: support_review_weeks, value: 10}\nholidays: [2026-12-25, 2026-12-28]\n",
		"new-track":     string(guardPolicy(`data.n > 3 && (data.s ?? "") != ""`)),
		"empty":         "",
		"json":          `{"id": "j", "roles": [{"id": "advocate"}], "triggers": [{"id": "ehc.withdrawn", "roles": ["parent", "young_person", "advocate"]}]}`,
		"deep-state":    "id: deep\ntracks:\n  - id: extra\n    initial: a\n    states:\n      - {id: a, initial: x, states: [{id: x}, {id: y, states: [{id: z}]}]}\ntriggers:\n  - {id: extra.go, from: [a], to: a.y.z, roles: [system]}\n",
		"before-clock":  "id: bc\nclocks:\n  - {id: phase_transfer, unit: before, statutory: true, before: 'add_days(today, 30)'}\n",
		"per-source":    "id: ps\nclocks:\n  - {id: ehc_advice, unit: working_days, length: 20, per_source: true, statutory: true, excusable: true}\n",
		"set-states":    "id: ss\ntriggers:\n  - id: ehc.withdrawn\n    effects: {set_states: {plan: nowhere}}\n",
		"decision-kind": "id: dk\ntriggers:\n  - id: ehc.withdrawn\n    effects: {decision: not_a_decision}\n",
	} {
		set.add("FuzzCompilePolicy", name, []byte(p))
	}
	for _, p := range repoGlob(t, "examples/policies/*.yaml", "examples/policies/*/*.yaml") {
		data, err := os.ReadFile(repoPath(p))
		if err != nil {
			t.Fatal(err)
		}
		name := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(p, "examples/policies/"), ".yaml"), "/", "-")
		set.derive("FuzzCompilePolicy", "example-"+name, data)
	}
}

// guardSeeds: guard expressions, with payloads.
func (set seedSet) guardSeeds() {
	payloads := [][]byte{
		[]byte(`{"n": 5, "s": "x", "d": "2026-03-10", "l": ["a", "b"], "b": true}`),
		[]byte(`{}`), []byte(`{"n": "five", "d": "10/03/2026"}`), []byte(`null`),
	}
	for i, ex := range []string{
		`data.n > 3`, `(data.s ?? "") == ""`, `age(child.date_of_birth, today) >= 4`,
		`len(evidence) > 1 || "sdq" in evidence`, `add_working_days(today, 5) > (data.d ?? "")`,
		`clocks.ehc_final_plan.running`, `data["n"] > 1`, `1 +`, `date(2026, 2, 30) == today`,
		`all(data.l ?? [], {# != ""})`, `params.hnf_threshold < (data.n ?? 0)`, `states.ehc == "none"`,
		`is_young_person(child.date_of_birth, today)`, `working_days_between(today, data.d ?? today) > 2`,
		`data.b == true ? true : false`, `later(decision_at, today) == today`, `upper(actor) == "LA_OFFICER"`,
		`now() > 0`, `1..10 == 2`, `compulsory_school_age_end(child.date_of_birth) < today`,
	} {
		set.add("FuzzGuardCompile", fmt.Sprintf("expr-%02d", i), ex, payloads[i%len(payloads)])
	}
}

// caseSeeds: cases as a host stores them (fresh and walked are made by the
// engine), with firings and as-of dates.
func (set seedSet) caseSeeds(fresh, walked sdk.Case) {
	cases := map[string][]byte{
		"new":        jsonOf(fresh),
		"walked":     jsonOf(walked),
		"empty":      []byte(`{}`),
		"bad-state":  []byte(`{"states": {"ehc": "limbo"}}`),
		"bad-track":  []byte(`{"states": {"wizardry": "none"}}`),
		"bad-clock":  []byte(`{"clocks": {"ehc_final_plan": {"id": "ehc_final_plan", "kind": "duty", "started_at": "2026-01-05", "due": "not a date", "status": "running"}}}`),
		"bad-dob":    []byte(`{"child": {"date_of_birth": "02/03/2016"}}`),
		"history":    []byte(`{"origin": {"child": {}}, "history": [{"seq": 1, "at": "2026-01-05T00:00:00Z", "actor": "parent", "trigger": "ehc.requested", "states_before": {}, "states_after": {}, "prev_hash": "x", "hash": "y"}]}`),
		"null-maps":  []byte(`{"states": null, "clocks": null, "history": null, "origin": null}`),
		"evidence":   []byte(`{"evidence": ["crystal_ball"]}`),
		"year-group": []byte(`{"child": {"year_group": 99}}`),
	}
	firings := [][]byte{
		[]byte(`{"trigger": "ehc.requested", "actor": "parent", "at": "2026-03-02"}`),
		[]byte(`{"trigger": "hnf.considered", "actor": "school", "at": "2026-03-02", "data": {"annual_provision_cost": 7500}}`),
		[]byte(`{"trigger": "ehc.decided_to_assess", "actor": "la_officer", "at": "2030-01-01T12:00:00+01:00", "facts": {"evidence": ["sdq"]}}`),
		[]byte(`{"trigger": "nope", "actor": "wizard", "at": "yesterday", "data": {"x": [1, {"y": null}]}}`),
	}
	asOfs := []string{"2026-03-02", "2026-03-29T00:30:00Z", "bad", ""}
	names := make([]string, 0, len(cases))
	for n := range cases {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		if n == "new" || n == "walked" {
			set.derive("FuzzCaseJSON", n, cases[n], firings[i%len(firings)], asOfs[i%len(asOfs)])
			continue
		}
		set.add("FuzzCaseJSON", n, cases[n], firings[i%len(firings)], asOfs[i%len(asOfs)])
	}
}

// fireSequenceSeeds: random bytes of several lengths, on every policy.
func (set seedSet) fireSequenceSeeds() {
	r := rand.New(rand.NewSource(7))
	for i, n := range []int{0, 24, 120, 300, 600} {
		b := make([]byte, n)
		r.Read(b)
		set.add("FuzzFireSequence", fmt.Sprintf("bytes-%d", n), uint8(i), b)
	}
}

// scenarioSeeds: the conformance suite, the examples and broken scenario
// files.
func (set seedSet) scenarioSeeds(t testing.TB) {
	for _, p := range repoGlob(t, "testdata/conformance/*.yaml", "examples/scenarios/*.yaml", "examples/policies/*/scenarios/*.yaml") {
		data, err := os.ReadFile(repoPath(p))
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		if strings.HasPrefix(p, "examples/policies/") {
			name = strings.Split(p, "/")[2] + "-" + name
		}
		set.derive("FuzzScenarioParse", name, data)
	}
	for name, s := range map[string]string{
		"empty":       "",
		"no-name":     "steps: []\n",
		"unknown-key": "name: x\nstepz: []\n",
		"both":        "name: x\nsteps:\n  - {at: 2026-01-01, actor: parent, trigger: ehc.requested, as_of: 2026-01-02}\n",
		"bad-code":    "name: x\nsteps:\n  - {at: 2026-01-01, actor: parent, trigger: ehc.requested, expect: {error: nope}}\n",
		"two-docs":    "name: a\nsteps: []\n---\nname: b\nsteps:\n  - {as_of: 2026-01-01, expect: {clocks: {x: {due: 2026-02-30}}}}\n",
		"empty-tag":   "name: x\nsteps:  ! ",
		"json":        `{"name": "j", "case": {"child": {"date_of_birth": "2010-01-01"}}, "steps": [{"at": "2026-01-01", "actor": "young_person", "trigger": "ehc.requested"}]}`,
	} {
		set.add("FuzzScenarioParse", "broken-"+name, []byte(s))
	}
}

// bridgeSeeds: requests for every op, on engine 1 (the default policy,
// compiled by FuzzBridge before fuzzing), and broken requests.
func (set seedSet) bridgeSeeds(t testing.TB, fresh, walked sdk.Case) {
	scen, err := os.ReadFile(repoPath("testdata/conformance/ehc-request-worked-example-clocks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	raw := func(v any) json.RawMessage { return jsonOf(v) }
	okFiring := sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-03-02"}
	for name, req := range map[string]any{
		"info":           map[string]any{"op": "info"},
		"compile":        map[string]any{"op": "compile"},
		"compile-policy": map[string]any{"op": "compile", "name": "fast.yaml", "policy": "id: fast\nclocks:\n  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}\n"},
		"compile-layers": map[string]any{"op": "compile", "layers": []any{map[string]any{"name": "a.yaml", "text": "id: a\n"}, map[string]any{"name": "b.yaml", "text": "id: [\n"}}},
		"new-case":       map[string]any{"op": "new_case", "engine": 1, "facts": raw(fresh.Facts)},
		"fire":           map[string]any{"op": "fire", "engine": 1, "case": raw(fresh), "firing": raw(okFiring)},
		"fire-walked":    map[string]any{"op": "fire", "engine": 1, "case": raw(walked), "firing": raw(sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2031-01-01"})},
		"fire-bad":       map[string]any{"op": "fire", "engine": 1, "case": raw(fresh), "firing": []byte(`{"trigger": "hnf.considered", "actor": "school", "at": "2026-03-02", "data": {"annual_provision_cost": "lots"}}`)},
		"permitted":      map[string]any{"op": "permitted", "engine": 1, "case": raw(walked), "role": "la_officer", "as_of": "2030-01-01", "locale": "cy"},
		"clocks":         map[string]any{"op": "clocks", "engine": 1, "case": raw(walked), "as_of": "2030-01-01"},
		"replay":         map[string]any{"op": "replay", "engine": 1, "origin": raw(walked.Origin), "events": raw(walked.History)},
		"verify":         map[string]any{"op": "verify", "engine": 1, "case": raw(walked)},
		"graph":          map[string]any{"op": "graph", "engine": 1, "format": "mermaid", "case": raw(fresh)},
		"policy":         map[string]any{"op": "policy", "engine": 1},
		"free-other":     map[string]any{"op": "free", "engine": 2},
		"run-scenario":   map[string]any{"op": "run_scenario", "name": "s.yaml", "text": string(scen)},
		"run-files":      map[string]any{"op": "run_files", "files": []any{map[string]any{"path": "s.yaml", "text": string(scen), "explicit": true}}, "coverage": true},
		"no-engine":      map[string]any{"op": "fire", "engine": 99, "case": raw(fresh), "firing": raw(okFiring)},
		"unknown-op":     map[string]any{"op": "nope"},
		"unknown-field":  map[string]any{"op": "info", "extra": true},
	} {
		switch name {
		case "info", "compile", "compile-policy", "compile-layers", "policy", "free-other", "unknown-op", "unknown-field":
			set.add("FuzzBridge", name, jsonOf(req))
		default:
			set.derive("FuzzBridge", name, jsonOf(req))
		}
	}
	for name, s := range map[string]string{"malformed": `{"op": "fire", `, "array": `[1, 2]`, "empty": ``, "null": `null`} {
		set.add("FuzzBridge", name, []byte(s))
	}
}

// corpusFile writes one seed in Go's corpus file format.
func corpusFile(args []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		default:
			panic(fmt.Sprintf("unsupported seed type %T", a))
		}
	}
	return b.String()
}

// addDerived adds a target's derived seeds (see seed.derived).
func addDerived(f *testing.F, target string) {
	for _, s := range seedCorpus(f)[target] {
		if s.derived {
			f.Add(s.args...)
		}
	}
}

func TestFuzzSeedsUpToDate(t *testing.T) {
	write := os.Getenv("SENDFLOW_WRITE_SEEDS") == "1"
	for target, seeds := range seedCorpus(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		if write {
			old, _ := filepath.Glob(filepath.Join(dir, "seed-*"))
			for _, p := range old {
				_ = os.Remove(p)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range seeds {
			if s.derived {
				continue
			}
			path := filepath.Join(dir, "seed-"+s.name)
			want := corpusFile(s.args)
			if write {
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != want {
				t.Errorf("%s is missing or out of date: regenerate with SENDFLOW_WRITE_SEEDS=1 go test -run TestFuzzSeedsUpToDate ./internal/reliability (or make generate)", path)
			}
		}
	}
}
