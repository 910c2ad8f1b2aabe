package sdk_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestSEN2MarksAreTheDefaults: Engine.SEN2Marks lists the default policy's
// sen2 marks, as a copy.
func TestSEN2MarksAreTheDefaults(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	want := map[string]string{}
	for _, td := range e.Policy().Triggers {
		if td.SEN2 != "" {
			want[td.ID] = td.SEN2
		}
	}
	got := e.SEN2Marks()
	assert.Equal(t, want, got)
	assert.Equal(t, "request", got["ehc.requested"])
	assert.Equal(t, "plan_issued", got["ehc.plan_finalised"])
	got["ehc.requested"] = "changed"
	delete(got, "ehc.plan_finalised")
	assert.Equal(t, want, e.SEN2Marks(), "a caller's change reaches no other caller")
}

// TestOverlayCannotChangeSEN2Marks: an overlay's sen2 is ignored, whether
// it marks a trigger, unmarks one or marks it otherwise.
func TestOverlayCannotChangeSEN2Marks(t *testing.T) {
	def, err := sdk.Default()
	require.NoError(t, err)
	e := compileOverlay(t, `id: x
triggers:
  - id: ehc.advice_requested
    sen2: request
  - id: ehc.requested
    sen2: ""
  - id: ehc.plan_finalised
    sen2: withdrawn
`)
	assert.Equal(t, def.SEN2Marks(), e.SEN2Marks())
}
