package reliability_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// schemaTarget runs a scenario on an engine and validates every document
// the engine returns (outcomes with their case and event, errors,
// permission lists, clock reports) against that engine's own schemas.
type schemaTarget struct {
	*sdk.Engine
	validate func(string, any) error
	mu       *sync.Mutex
	problems *[]string
	counts   map[string]int
}

func (s schemaTarget) check(kind string, v any) {
	err := s.validate(kind, v)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[kind]++
	if err != nil && len(*s.problems) < 10 {
		*s.problems = append(*s.problems, fmt.Sprintf("policy %s: %v", s.PolicyID(), err))
	}
}

func (s schemaTarget) Fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	o, err := s.Engine.Fire(c, f)
	if err != nil {
		s.check("error", err)
		return o, err
	}
	s.check("firing", f)
	s.check("outcome", o)
	s.check("case", o.Case)
	s.check("event", o.Event)
	return o, err
}

func (s schemaTarget) Permitted(c sdk.Case, role, asOf string) ([]sdk.Permission, error) {
	p, err := s.Engine.Permitted(c, role, asOf)
	if err == nil {
		s.check("permitted", p)
	}
	return p, err
}

func (s schemaTarget) Clocks(c sdk.Case, asOf string) (sdk.ClockReport, error) {
	r, err := s.Engine.Clocks(c, asOf)
	if err == nil {
		s.check("clocks", r)
	}
	return r, err
}

// Every example authority's and district's scenario files run on their
// policies with every document validated against that policy's schemas
// (schemagen.ForEngine): the issue 7 invariant for overlays.
func TestOverlayScenariosValidateAgainstTheirSchemas(t *testing.T) {
	var files []string
	for _, p := range repoGlob(t, "examples/policies/*/scenarios/*.yaml") {
		files = append(files, repoPath(p))
	}
	if len(files) < 5 {
		t.Fatalf("found %d example scenario files", len(files))
	}
	var mu sync.Mutex
	var problems []string
	counts := map[string]int{}
	policies := map[string]bool{}
	load := func(ref, dir string) (scenario.Target, error) {
		tg, err := scenario.DefaultLoader(ref, dir)
		if err != nil {
			return nil, err
		}
		e := tg.(*sdk.Engine)
		mu.Lock()
		policies[e.PolicyID()] = true
		mu.Unlock()
		return schemaTarget{Engine: e, validate: validatorFor(e), mu: &mu, problems: &problems, counts: counts}, nil
	}
	rep, err := scenario.RunFiles(files, load)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		for _, r := range rep.Results {
			if !r.Passed {
				t.Errorf("%s: %s: %s", r.File, r.Name, r.Message)
			}
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
	for _, id := range []string{"kent", "kent_dover", "kent_thanet", "liverpool", "sefton", "northshire", "northshire_riverside"} {
		if !policies[id] {
			t.Errorf("no scenario ran on policy %s (ran on %v)", id, policies)
		}
	}
	for _, k := range []string{"outcome", "case", "event", "firing", "error", "clocks"} {
		if counts[k] == 0 {
			t.Errorf("no %s was validated (%v)", k, counts)
		}
	}
	t.Logf("validated %v over %d scenarios on %v", counts, len(rep.Results), policies)
}

// Documents only an overlay can make are refused by the default schemas and
// accepted by the overlay's: Liverpool's own trigger and clock, Kent's own
// clock.
func TestOverlayDocumentsNeedTheOverlaySchemas(t *testing.T) {
	load := func(p string) *sdk.Engine {
		tg, err := scenario.DefaultLoader(p, "")
		if err != nil {
			t.Fatal(err)
		}
		return tg.(*sdk.Engine)
	}
	lpool, kent := load(repoPath("examples/policies/liverpool.yaml")), load(repoPath("examples/policies/kent/dover.yaml"))

	c := lpool.NewCase(sdk.Facts{ID: "lp-1", Child: sdk.Child{DateOfBirth: "2016-10-01"}})
	fire := func(e *sdk.Engine, c sdk.Case, at, actor, trig string, data map[string]any) sdk.Outcome {
		t.Helper()
		o, err := e.Fire(c, sdk.Firing{At: at, Actor: actor, Trigger: trig, Data: data})
		if err != nil {
			t.Fatalf("%s: %v", trig, err)
		}
		return o
	}
	o := fire(lpool, c, "2026-01-05", "parent", "ehc.requested", nil)
	o = fire(lpool, o.Case, "2026-02-09", "la_officer", "ehc.decided_not_to_assess", nil)
	refusal := o
	o = fire(lpool, o.Case, "2026-02-23", "seniss", "support.seniss_contacted", nil)

	own := validatorFor(lpool)
	for kind, v := range map[string]any{"outcome": o, "event": o.Event, "case": o.Case, "firing": sdk.Firing{At: "2026-02-23", Actor: "seniss", Trigger: "support.seniss_contacted"}} {
		if err := own(kind, v); err != nil {
			t.Errorf("liverpool %s refused by liverpool's schema: %v", kind, err)
		}
		if err := validateAs(kind, v); err == nil {
			t.Errorf("liverpool %s (support.seniss_contacted by seniss) accepted by the default %s schema", kind, kind)
		}
	}
	// The SENISS clock alone (no new trigger) is also outside the default case schema.
	if err := validateAs("case", refusal.Case); err == nil {
		t.Error("a case with the seniss_follow_up clock accepted by the default case schema")
	}
	if err := own("case", refusal.Case); err != nil {
		t.Errorf("liverpool case refused by liverpool's schema: %v", err)
	}
	// An unknown payload field is still refused by the overlay's firing schema.
	if err := own("firing", sdk.Firing{At: "2026-02-23", Actor: "seniss", Trigger: "support.seniss_contacted", Data: map[string]any{"x": 1}}); err == nil {
		t.Error("liverpool's firing schema accepted an unknown payload field")
	}

	kc := kent.NewCase(sdk.Facts{ID: "k-1", Child: sdk.Child{DateOfBirth: "2015-01-20"}, Evidence: []string{"personalised_plan", "parental_consent"}})
	ko := fire(kent, kc, "2026-09-07", "senco", "lift.referral_started", nil)
	ko = fire(kent, ko.Case, "2026-09-07", "senco", "lift.urgent_requested", nil)
	rep, err := kent.Clocks(ko.Case, "2026-09-08")
	if err != nil {
		t.Fatal(err)
	}
	if err := validatorFor(kent)("clocks", rep); err != nil {
		t.Errorf("kent/dover clock report refused by its schema: %v", err)
	}
	if err := validateAs("clocks", rep); err == nil {
		t.Error("a clock report with lift_next_meeting accepted by the default clocks schema")
	}
}
