package reliability_test

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestSignedEventsMatchTheirSchemas: a signed outcome, event and case
// validate against their schemas, and a malformed signature or key id does
// not.
func TestSignedEventsMatchTheirSchemas(t *testing.T) {
	d, err := sdk.Default()
	require.NoError(t, err)
	e, err := d.With(sdk.WithSigner(ed25519.NewKeyFromSeed([]byte(strings.Repeat("s", 32)))))
	require.NoError(t, err)
	o, err := e.Fire(e.NewCase(sdk.Facts{ID: "s1"}), sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	require.NotEmpty(t, o.Event.Signature)
	assert.NoError(t, validateAs("outcome", o))
	assert.NoError(t, validateAs("event", o.Event))
	assert.NoError(t, validateAs("case", o.Case))
	for _, change := range []func(ev *sdk.Event){
		func(ev *sdk.Event) { ev.Signature = ev.Signature[1:] },
		func(ev *sdk.Event) { ev.Signature = strings.Repeat("!", 86) + "==" },
		func(ev *sdk.Event) { ev.KeyID = strings.ToUpper(ev.KeyID) },
		func(ev *sdk.Event) { ev.KeyID += "0" },
	} {
		ev := o.Event
		change(&ev)
		assert.Error(t, validateAs("event", ev))
	}
}
