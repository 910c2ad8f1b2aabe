package report

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestDefaultMarksEverySEN2Trigger: the default policy marks exactly one
// trigger with each mark the report reads, and uses no other mark (a
// misspelt mark in default.yaml would leave its trigger uncounted).
func TestDefaultMarksEverySEN2Trigger(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	byMark := map[string][]string{}
	for trigger, m := range e.SEN2Marks() {
		byMark[m] = append(byMark[m], trigger)
	}
	for _, m := range marks {
		assert.Len(t, byMark[m], 1, "mark %s is on %v", m, byMark[m])
	}
	for m, triggers := range byMark {
		assert.True(t, slices.Contains(marks, m), "default.yaml marks %v sen2: %s, a mark the report does not read", triggers, m)
	}
	assert.Len(t, marks, len(slices.Compact(slices.Sorted(slices.Values(marks)))), "no mark listed twice")
	assert.Equal(t, e.SEN2Marks(), defaultMarks())
}
