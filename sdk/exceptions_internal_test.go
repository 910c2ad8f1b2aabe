package sdk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// An overlay's exception rule keeps the default's limits to the clocks
// some triggers start: it may limit it further, never lift a limit.
func TestExceptionStartersKept(t *testing.T) {
	only := ExceptionRule{Reason: "institution_closed", StartedBy: []string{"dispute.appeal_unopposed"}}
	not := ExceptionRule{Reason: "late_representations", NotStartedBy: []string{"dispute.appeal_unopposed"}}
	for _, tc := range []struct {
		name     string
		base, r  ExceptionRule
		widening bool
	}{
		{"same", only, only, false},
		{"limit lifted", only, ExceptionRule{Reason: "institution_closed"}, true},
		{"another trigger", only, ExceptionRule{Reason: "institution_closed", StartedBy: []string{"dispute.tribunal_decided"}}, true},
		{"exclusion kept", not, not, false},
		{"exclusion dropped", not, ExceptionRule{Reason: "late_representations"}, true},
		{"limited further", ExceptionRule{Reason: "late_representations"}, not, false},
	} {
		base := ClockDef{ID: "order_assess", Exceptions: []ExceptionRule{tc.base}}
		def := ClockDef{ID: "order_assess", Exceptions: []ExceptionRule{tc.r}}
		assert.Equal(t, tc.widening, exceptionsWidened(base, def) != "", tc.name)
	}
}
