package bridge

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestVerifyWithKeys: a JS or WASI host verifies a history's signatures by
// giving verify the public keys it trusts (base64); without keys, verify
// answers as before.
func TestVerifyWithKeys(t *testing.T) {
	br := New()
	h := compileDefault(t, br)
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat("k", 32)))
	pub := priv.Public().(ed25519.PublicKey)
	other := ed25519.NewKeyFromSeed([]byte(strings.Repeat("o", 32))).Public().(ed25519.PublicKey)
	b64 := base64.StdEncoding.EncodeToString

	d, err := sdk.Default()
	require.NoError(t, err)
	signer, err := d.With(sdk.WithSigner(priv))
	require.NoError(t, err)
	c := d.NewCase(sdk.Facts{ID: "k1", Child: sdk.Child{DateOfBirth: "2016-04-01"}})
	out, err := signer.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	signed := out.Case
	out, err = d.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	unsigned := out.Case

	var vr sdk.VerifyReport
	ok(t, br, M{"op": "verify", "engine": h, "case": signed, "keys": []string{b64(other), b64(pub)}}, &vr)
	assert.True(t, vr.OK, vr.Reason)
	ok(t, br, M{"op": "verify", "engine": h, "case": unsigned}, &vr)
	assert.True(t, vr.OK, "without keys signatures are not required")
	ok(t, br, M{"op": "verify", "engine": h, "case": unsigned, "keys": []string{b64(pub)}}, &vr)
	assert.False(t, vr.OK)
	assert.Equal(t, "event 1 is not signed", vr.Reason)
	ok(t, br, M{"op": "verify", "engine": h, "case": signed, "keys": []string{b64(other)}}, &vr)
	assert.False(t, vr.OK)
	assert.Contains(t, vr.Reason, "not among the verify keys")

	many := make([]string, MaxVerifyKeys+1)
	for i := range many {
		many[i] = b64(pub)
	}
	for name, keys := range map[string][]string{
		"not base64":    {b64(pub), "not base64!"},
		"too short":     {b64(pub), b64(pub[:31])},
		"a private key": {b64(pub), b64(priv)},
		"empty":         {b64(pub), ""},
		"personal data": {b64(pub), "Jane Smith"},
	} {
		e := code(t, br, M{"op": "verify", "engine": h, "case": signed, "keys": keys})
		assert.Equal(t, sdk.CodeInvalidInput, e.Code, name)
		assert.Equal(t, "/keys/1", e.Pointer, name)
		assert.NotContains(t, e.Message, "Jane", name)
	}
	e := code(t, br, M{"op": "verify", "engine": h, "case": signed, "keys": many})
	assert.Equal(t, sdk.CodeLimitExceeded, e.Code)
	assert.Equal(t, "/keys", e.Pointer)
}
