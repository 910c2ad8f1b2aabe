package floor

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// An overlay's exception rule keeps the default's limits to the clocks
// some triggers start: it may limit it further, never lift a limit.
func TestExceptionStartersKept(t *testing.T) {
	only := policy.ExceptionRule{Reason: "institution_closed", StartedBy: []string{"dispute.appeal_unopposed"}}
	not := policy.ExceptionRule{Reason: "late_representations", NotStartedBy: []string{"dispute.appeal_unopposed"}}
	for _, tc := range []struct {
		name     string
		base, r  policy.ExceptionRule
		widening bool
	}{
		{"same", only, only, false},
		{"limit lifted", only, policy.ExceptionRule{Reason: "institution_closed"}, true},
		{"another trigger", only, policy.ExceptionRule{Reason: "institution_closed", StartedBy: []string{"dispute.tribunal_decided"}}, true},
		{"exclusion kept", not, not, false},
		{"exclusion dropped", not, policy.ExceptionRule{Reason: "late_representations"}, true},
		{"limited further", policy.ExceptionRule{Reason: "late_representations"}, not, false},
	} {
		base := policy.ClockDef{ID: "order_assess", Exceptions: []policy.ExceptionRule{tc.base}}
		def := policy.ClockDef{ID: "order_assess", Exceptions: []policy.ExceptionRule{tc.r}}
		assert.Equal(t, tc.widening, exceptionsWidened(base, def) != "", tc.name)
	}
}
