package behaviour_test

import (
	"context"
	"fmt"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/behaviour"
)

// An overlay that lengthens the 20 weeks for a final EHC plan compiles
// only by waiving the statutory floor; the behavioural check shows what
// that costs a family.
func ExampleCompare() {
	base, _ := sdk.Default()
	overlay, err := sdk.Compile(sdk.PolicySource{Name: "slow.yaml", Data: []byte(`id: slow
allow_below_statutory_floor: true
clocks:
  - {id: ehc_final_plan, unit: weeks, length: 30}
`)})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := behaviour.Compare(context.Background(), base, overlay, behaviour.Options{Journeys: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range rep.Differences {
		fmt.Println(d.Kind, d.Trigger, d.Clock)
	}
	// Output:
	// clock_moved ehc.brought_to_attention ehc_final_plan
	// clock_moved ehc.requested ehc_final_plan
}
