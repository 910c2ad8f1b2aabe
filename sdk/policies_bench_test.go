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
	c := e.NewCase(sdk.Facts{Evidence: []string{"personalised_plan"}})
	for len(c.Evidence) < sdk.MaxEvidence {
		c.Evidence = append(c.Evidence, "sdq")
	}
	c.States["support"] = "sen_support.assess"
	f := sdk.Firing{Trigger: "support.plan_agreed", Actor: "senco", At: "2026-01-07"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Fire(c, f); err != nil {
			b.Fatal(err)
		}
	}
}
