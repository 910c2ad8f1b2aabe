package sdk_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestByIsRecordedAndHashed: who acted is recorded in the event, covered
// by its hash, replayed and verified; an event without it hashes as
// before (issue #18).
func TestByIsRecordedAndHashed(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{ID: "c1"})
	plain, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	by, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", By: "u-1029:portal", At: "2026-01-05"})
	require.NoError(t, err)
	assert.Equal(t, "u-1029:portal", by.Event.By)
	assert.Empty(t, plain.Event.By)
	assert.NotEqual(t, plain.Event.Hash, by.Event.Hash, "by is covered by the hash")
	o, err := e.Fire(by.Case, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", By: "staff-77", At: "2026-02-02"})
	require.NoError(t, err)
	rep := e.Verify(o.Case)
	assert.True(t, rep.OK, rep.Reason)
	// Changing who acted breaks the chain.
	tampered := o.Case
	tampered.History = append([]sdk.Event(nil), o.Case.History...)
	tampered.History[1].By = "staff-78"
	rep = e.Verify(tampered)
	assert.False(t, rep.OK)
	assert.Equal(t, 2, rep.FirstBad)
}

// TestByIsAnOpaqueIdentifier: a name, an email address or an overlong
// value is refused, and never repeated in the error.
func TestByIsAnOpaqueIdentifier(t *testing.T) {
	e, err := sdk.Default()
	require.NoError(t, err)
	c := e.NewCase(sdk.Facts{})
	for _, by := range []string{"Jane Smith", "jane.smith@example.gov.uk", strings.Repeat("x", sdk.MaxByLen+1), "Zoë"} {
		_, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", By: by, At: "2026-01-05"})
		se := sdk.AsError(err)
		require.NotNil(t, se, by)
		assert.Equal(t, sdk.CodeInvalidInput, se.Code, by)
		require.NotEmpty(t, se.Problems, by)
		assert.Equal(t, "/by", se.Problems[0].Pointer, by)
		assert.NotContains(t, se.Error(), by, "the value is not repeated")
	}
	_, err = e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", By: strings.Repeat("x", sdk.MaxByLen), At: "2026-01-05"})
	assert.NoError(t, err, "at the cap")
}
