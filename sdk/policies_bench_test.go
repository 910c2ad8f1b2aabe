package sdk_test

import (
	"strings"
	"testing"

	"github.com/sendflow/sendflow/sdk"
)

// BenchmarkWorstLawfulGuard fires a trigger whose guard does the most a
// guard may: loops over the largest evidence list a case may hold, one
// after another (loops cannot nest), and calls the day-stepping calendar
// functions at their limits.
func BenchmarkWorstLawfulGuard(b *testing.B) {
	var conds []string
	for i := 0; i < 12; i++ {
		conds = append(conds, `count(evidence, # == "sdq") >= 0`, `add_working_days(today, 260) != ""`)
	}
	y := "id: worst\ntriggers:\n  - id: support.plan_agreed\n    guards:\n      - {id: w, expr: '" + strings.Join(conds, " && ") + "', reason: r}\n"
	e, err := sdk.Compile(sdk.PolicySource{Name: "worst.yaml", Data: []byte(y)})
	if err != nil {
		b.Fatal(err)
	}
	// The most evidence a case may hold, and the support track at
	// sen_support.assess, reached by firing (a case is what NewCase and
	// Fire made it).
	facts := sdk.Facts{Evidence: []string{"personalised_plan"}}
	for len(facts.Evidence) < sdk.MaxEvidence {
		facts.Evidence = append(facts.Evidence, "sdq")
	}
	c := e.NewCase(facts)
	for _, t := range []string{"support.concern_raised", "support.placed"} {
		o, err := e.Fire(c, sdk.Firing{Trigger: t, Actor: "senco", At: "2026-01-05"})
		if err != nil {
			b.Fatal(err)
		}
		c = o.Case
	}
	f := sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Fire(c, f); err != nil {
			b.Fatal(err)
		}
	}
}
