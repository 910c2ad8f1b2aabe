package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// R44(3) and R45 list different exceptions for the same order clocks: an
// overlay may narrow each list to fewer clocks, never reach the clocks the
// default leaves out (late representations for an unopposed appeal, a
// closure for an order).
func TestR45ExceptionsAreAFloor(t *testing.T) {
	for name, c := range map[string]struct {
		rules string
		ok    bool
	}{
		"late representations for every starter":         {"{reason: late_representations}", false},
		"a closure for every starter":                    {"{reason: institution_closed, min_days: 28, advice_clock: ehc_advice.educational, advice_days_before: 7}", false},
		"a closure for a Tribunal order":                 {"{reason: institution_closed, min_days: 28, advice_clock: ehc_advice.educational, advice_days_before: 7, started_by: [dispute.tribunal_decided]}", false},
		"late representations for a Tribunal order only": {"{reason: late_representations, started_by: [dispute.tribunal_decided]}", true},
		"late representations for an unopposed appeal":   {"{reason: late_representations, started_by: [dispute.appeal_unopposed]}", false},
		"the default's own rules":                        {"{reason: late_representations, not_started_by: [dispute.appeal_unopposed]}, {reason: institution_closed, min_days: 28, advice_clock: ehc_advice.educational, advice_days_before: 7, started_by: [dispute.appeal_unopposed]}", true},
	} {
		overlay := "id: r45\nclocks:\n  - {id: order_amend, exceptions: [" + c.rules + "]}\n"
		_, err := sdk.Compile(sdk.PolicySource{Name: "r45.yaml", Data: []byte(overlay)})
		if c.ok {
			assert.NoError(t, err, name)
			continue
		}
		require.Error(t, err, name)
		assert.Equal(t, sdk.CodeStatutoryFloor, sdk.AsError(err).Code, name)
	}
}
