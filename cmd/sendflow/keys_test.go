package main

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestSignAndVerifyKeys: fire --sign-key signs the event; sen2 --verify-key
// counts a case signed by one of the keys and refuses an unsigned one. Keys
// are PEM (as openssl genpkey -algorithm ed25519 writes them) or base64.
func TestSignAndVerifyKeys(t *testing.T) {
	dir := t.TempDir()
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat("c", 32)))
	pub := priv.Public().(ed25519.PublicKey)
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	require.NoError(t, err)
	privPEM := write(t, dir, "sign.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	der, err = x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	pubPEM := write(t, dir, "verify.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	seedB64 := write(t, dir, "sign.b64", base64.StdEncoding.EncodeToString(priv.Seed())+"\n")
	pubB64 := write(t, dir, "verify.b64", base64.StdEncoding.EncodeToString(pub)+"\n")
	otherB64 := write(t, dir, "other.b64", base64.StdEncoding.EncodeToString(make([]byte, 32)))

	fireCase := func(args ...string) sdk.Case {
		t.Helper()
		code, out, errOut := cli(t, append([]string{"fire", "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-01-05"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var o sdk.Outcome
		require.NoError(t, json.Unmarshal([]byte(out), &o))
		return o.Case
	}
	signed := fireCase("--sign-key", privPEM)
	assert.Equal(t, sdk.KeyID(pub), signed.History[0].KeyID)
	assert.Equal(t, signed.History[0].Signature, fireCase("--sign-key", seedB64).History[0].Signature)
	unsigned := fireCase()
	assert.Empty(t, unsigned.History[0].Signature)

	line := func(c sdk.Case) string {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		return write(t, dir, filepath.Base(t.Name())+"-"+c.History[0].KeyID+".jsonl", string(b)+"\n")
	}
	for _, k := range []string{pubPEM, pubB64} {
		code, _, errOut := cli(t, "sen2", "--year", "2026", "--verify-key", otherB64, "--verify-key", k, line(signed))
		assert.Equal(t, 0, code, errOut)
	}
	code, _, errOut := cli(t, "sen2", "--year", "2026", "--verify-key", pubB64, line(unsigned))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "event 1 is not signed")
	code, _, _ = cli(t, "sen2", "--year", "2026", line(unsigned))
	assert.Equal(t, 0, code, "without --verify-key signatures are not required")

	bad := write(t, dir, "bad.key", "Jane Smith\n")
	for _, args := range [][]string{
		{"fire", "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-01-05", "--sign-key", bad},
		{"fire", "--trigger", "ehc.requested", "--actor", "parent", "--at", "2026-01-05", "--sign-key", pubPEM},
		{"sen2", "--year", "2026", "--verify-key", bad, line(signed)},
		{"sen2", "--year", "2026", "--verify-key", privPEM, line(signed)},
		{"sen2", "--year", "2026", "--verify-key", filepath.Join(dir, "missing"), line(signed)},
	} {
		code, _, errOut := cli(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
		assert.NotContains(t, errOut, "Jane")
	}
}
