package bridge

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// TestBridgeCaps: the bridge's own caps at the cap and one past it
// (MaxEngines: TestEngineLimitAndFree).
func TestBridgeCaps(t *testing.T) {
	br := New()
	// A request of exactly MaxRequestBytes is read (and answered on its
	// merits: info takes no name); one byte more is limit_exceeded unread.
	head, tail := `{"op":"info","name":"`, `"}`
	at := head + strings.Repeat("x", MaxRequestBytes-len(head)-len(tail)) + tail
	require.Len(t, at, MaxRequestBytes)
	a := call(t, br, at)
	if !a.OK {
		assert.NotEqual(t, sdk.CodeLimitExceeded, a.Error.Code, "a request at the cap is read: %+v", a.Error)
	}
	past := head + strings.Repeat("x", MaxRequestBytes-len(head)-len(tail)+1) + tail
	e := code(t, br, past)
	assert.Equal(t, sdk.CodeLimitExceeded, e.Code)
	assert.NotContains(t, e.Message, "xxxxxxxx", "the request is not echoed")

	// MaxVerifyKeys keys are accepted; one more is limit_exceeded.
	h := compileDefault(t, br)
	d, err := sdk.Default()
	require.NoError(t, err)
	c := d.NewCase(sdk.Facts{ID: "caps", Child: sdk.Child{DateOfBirth: "2016-04-01"}})
	out, err := d.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
	require.NoError(t, err)
	keys := make([]string, MaxVerifyKeys+1)
	for i := range keys {
		seed := make([]byte, ed25519.SeedSize)
		seed[0], seed[1] = byte(i), 7
		keys[i] = base64.StdEncoding.EncodeToString(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	}
	var vr sdk.VerifyReport
	ok(t, br, M{"op": "verify", "engine": h, "case": out.Case, "keys": keys[:MaxVerifyKeys]}, &vr)
	assert.False(t, vr.OK, "an unsigned history fails verification with keys")
	assert.Equal(t, "event 1 is not signed", vr.Reason)
	e = code(t, br, M{"op": "verify", "engine": h, "case": out.Case, "keys": keys})
	assert.Equal(t, sdk.CodeLimitExceeded, e.Code)
	assert.Equal(t, "/keys", e.Pointer)
}

// MaxFiles files in one run_files request are run; one more is refused
// before any is read.
func TestRunFilesCap(t *testing.T) {
	br := New()
	const text = "name: s\nsteps:\n  - {at: 2026-01-05, actor: parent, trigger: ehc.requested}\n"
	files := make([]File, MaxFiles+1)
	for i := range files {
		files[i] = File{Path: fmt.Sprintf("s%05d.yaml", i), Text: text, Explicit: true}
	}
	var res RunFilesResult
	ok(t, br, M{"op": "run_files", "files": files[:MaxFiles]}, &res)
	assert.Equal(t, 0, res.ExitCode)
	e := code(t, br, M{"op": "run_files", "files": files})
	assert.Equal(t, sdk.CodeLimitExceeded, e.Code)
	assert.Equal(t, "/files", e.Pointer)
}
