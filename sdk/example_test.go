package sdk_test

import (
	"fmt"

	"github.com/sendflow/sendflow/sdk"
)

// Compile the embedded default policy with a district overlay that shortens
// the 20-week clock (a policy may tighten statutory clocks, never loosen them).
func ExampleCompile() {
	overlay := []byte(`id: dover
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 18, statutory: true, excusable: true}
`)
	e, err := sdk.Compile(sdk.PolicySource{Name: "dover.yaml", Data: overlay})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.PolicyID(), e.Layers())
	// Output: dover [default dover]
}

// Fire a parent's request for an EHC needs assessment: the three statutory
// clocks start from the day the LA receives it.
func ExampleEngine_Fire() {
	e, _ := sdk.Default()
	c := e.NewCase(sdk.Facts{ID: "c-001", Child: sdk.Child{DateOfBirth: "2016-03-02"}})
	out, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Case.States["ehc"])
	for _, cl := range out.Clocks {
		fmt.Println(cl.Key, cl.Due, cl.Status)
	}
	// A parent cannot decide to assess: the refusal is structured data.
	_, err = e.Fire(out.Case, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "parent", At: "2026-01-20"})
	fmt.Println(sdk.AsError(err).Code)
	// Output:
	// request_received
	// ehc_decision_to_assess 2026-02-16 running
	// ehc_no_plan_notice 2026-04-27 running
	// ehc_final_plan 2026-05-25 running
	// not_authorised
}

// Ask what a role may do now, and why not.
func ExampleEngine_Permitted() {
	e, _ := sdk.Default()
	c := e.NewCase(sdk.Facts{})
	perms, _ := e.Permitted(c, "senco", "2026-01-05")
	for _, p := range perms {
		if p.Trigger == "support.concern_raised" || p.Trigger == "lift.referral_started" || p.Trigger == "ehc.requested" {
			if p.Allowed {
				fmt.Println(p.Trigger, "allowed")
			} else {
				fmt.Println(p.Trigger, "refused:", p.Code)
			}
		}
	}
	// Output:
	// support.concern_raised allowed
	// lift.referral_started refused: guard_failed
	// ehc.requested refused: not_authorised
}

// Judge every clock as of a date: a missed deadline shows as missed.
func ExampleEngine_Clocks() {
	e, _ := sdk.Default()
	out, _ := e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "school", At: "2026-01-05"})
	rep, _ := e.Clocks(out.Case, "2026-02-17")
	for _, cl := range rep.Clocks {
		fmt.Println(cl.Key, cl.Status)
	}
	// Output:
	// ehc_decision_to_assess missed
	// ehc_no_plan_notice running
	// ehc_final_plan running
}

// Replay rebuilds a case from its origin and history; Verify checks the
// hash chain and the replay together.
func ExampleEngine_Replay() {
	e, _ := sdk.Default()
	c := e.NewCase(sdk.Facts{ID: "c-002"})
	for _, f := range []sdk.Firing{
		{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-09"},
	} {
		out, err := e.Fire(c, f)
		if err != nil {
			fmt.Println(err)
			return
		}
		c = out.Case
	}
	again, _ := e.Replay(*c.Origin, c.History)
	fmt.Println(again.States["ehc"], len(again.History), again.History[1].Hash == c.History[1].Hash)
	fmt.Println(e.Verify(c).OK)
	c.History[0].At = "2026-01-04T00:00:00Z" // tamper with the first event
	fmt.Println(e.Verify(c).FirstBad)
	// Output:
	// assessing 2 true
	// true
	// 1
}

// Verify reports the first bad event of a tampered history.
func ExampleEngine_Verify() {
	e, _ := sdk.Default()
	out, _ := e.Fire(e.NewCase(sdk.Facts{}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	fmt.Printf("%+v\n", e.Verify(out.Case))
	// Output: {OK:true Events:1 FirstBad:0 Reason:}
}

// A district changed its overlay: cases recorded under the overlay it had
// verify once the engine is given that overlay too.
func ExampleWithEarlierPolicies() {
	before := sdk.PolicySource{Name: "dover.yaml", Data: []byte("id: dover\nparameters:\n  - {id: hnf_threshold, value: 1}\n")}
	now := sdk.PolicySource{Name: "dover.yaml", Data: []byte("id: dover\nparameters:\n  - {id: hnf_threshold, value: 2}\n")}
	old, err := sdk.Compile(before)
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := old.Fire(old.NewCase(sdk.Facts{ID: "case-1"}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := sdk.Compile(now)
	fmt.Println(e.Verify(o.Case).OK)
	e, err = e.With(sdk.WithEarlierPolicies([]sdk.PolicySource{before}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Verify(o.Case).OK)
	// Output:
	// false
	// true
}
