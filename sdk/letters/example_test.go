package letters_test

import (
	"fmt"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/letters"
)

// The letter of a decision not to assess, with its deadlines from the case.
func ExampleWriter_Write() {
	e, _ := sdk.Default()
	c := e.NewCase(sdk.Facts{ID: "case-042", LA: "Northshire County Council", Child: sdk.Child{DateOfBirth: "2016-09-20"}})
	out, _ := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	out, _ = e.Fire(out.Case, sdk.Firing{Trigger: "ehc.decided_not_to_assess", Actor: "la_officer", At: "2026-02-10"})
	l, err := letters.New(nil).Write(e, out.Case, letters.NotToAssess, letters.Params{
		ChildName:        "Sam",
		Reasons:          []string{"SEN support has not yet run a full cycle."},
		MediationAdviser: letters.Contact{Name: "Northshire Mediation", Phone: "01234 567890"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Decision.Kind, l.Decision.At)
	fmt.Println("appeal by", l.AppealBy, "- contact the mediation adviser by", l.MediationBy)
	// Output:
	// refusal_to_assess 2026-02-10
	// appeal by 2026-04-10 - contact the mediation adviser by 2026-04-10
}
