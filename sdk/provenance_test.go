package sdk_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

// testKey is a fixed ed25519 key made from a seed of one repeated byte.
func testKey(b byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat(string([]byte{b}), ed25519.SeedSize)))
	return priv.Public().(ed25519.PublicKey), priv
}

func with1(t testing.TB, e *sdk.Engine, opts ...sdk.Option) *sdk.Engine {
	t.Helper()
	out, err := e.With(opts...)
	require.NoError(t, err)
	return out
}

// refire fires a history again through e from its origin, every event
// moved by days days: a forger with the SDK needs nothing else.
func refire(t *testing.T, e *sdk.Engine, c sdk.Case, shift func(at string) string) sdk.Case {
	t.Helper()
	w := e.NewCase(*c.Origin)
	for _, ev := range c.History {
		o, err := e.Fire(w, sdk.Firing{Trigger: ev.Trigger, Actor: ev.Actor, At: shift(ev.At), Data: ev.Data, Facts: ev.Facts})
		require.NoError(t, err)
		w = o.Case
	}
	return w
}

// dayLater moves an RFC 3339 time one day on: a re-dated history.
func dayLater(at string) string {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	return t.Add(24 * time.Hour).Format(time.RFC3339)
}

// rehash recomputes every hash and link from position i on, as a forger
// who edits an event and knows the hash would.
func rehash(h []sdk.Event, i int) {
	for j := i; j < len(h); j++ {
		if j > 0 {
			h[j].PrevHash = h[j-1].Hash
		}
		h[j].Hash = sdk.EventHash(h[j])
	}
}

// TestVerifyChecksEachEventsPolicy: an event recorded under another policy
// is reported, though its chain holds and it replays the same (Replay
// ignores policy identity, so before Verify checked it this verified).
func TestVerifyChecksEachEventsPolicy(t *testing.T) {
	e := engine(t)
	c := lifecycle(t, e)
	require.True(t, e.Verify(c).OK)
	for _, tc := range []struct {
		name   string
		change func(ev *sdk.Event)
		want   string
	}{
		{"policy_hash", func(ev *sdk.Event) { ev.PolicyHash = strings.Repeat("ab", 32) }, "another version of policy \"default\""},
		{"policy_id", func(ev *sdk.Event) { ev.PolicyID = "dover" }, "was recorded under another policy, \"dover\", not \"default\""},
		{"odd policy_id", func(ev *sdk.Event) { ev.PolicyID = "Jane Smith, 12 Oak Road" }, "under another policy"},
	} {
		for _, i := range []int{0, 5, len(c.History) - 1} {
			cp := copyCase(t, c)
			tc.change(&cp.History[i])
			rehash(cp.History, i)
			r := e.Verify(cp)
			require.False(t, r.OK, "%s at event %d verified", tc.name, i+1)
			assert.Equal(t, i+1, r.FirstBad, r.Reason)
			assert.Contains(t, r.Reason, tc.want)
			assert.True(t, strings.HasPrefix(r.Reason, fmt.Sprintf("event %d was recorded", i+1)), r.Reason)
			assert.NotContains(t, r.Reason, "Jane")
			assert.NotContains(t, r.Reason, "abab")
		}
	}
}

// TestVerifyUnderAnotherPolicyAndReplay: a history made under the default
// policy does not verify under an overlay (another policy hash) but still
// replays through it, the rebuilt events recording the overlay's identity.
func TestVerifyUnderAnotherPolicyAndReplay(t *testing.T) {
	e := engine(t)
	c := lifecycle(t, e)
	other := compileOverlay(t, `id: default
triggers:
  - id: ehc.requested
    guards:
      - id: talk_to_senco
        severity: advice
        roles: [school]
        expr: 'states.support != "universal"'
        reason: "Talk to the SENCO first."
`)
	require.Equal(t, e.PolicyID(), other.PolicyID())
	require.NotEqual(t, e.PolicyHash(), other.PolicyHash())
	r := other.Verify(c)
	assert.False(t, r.OK)
	assert.Equal(t, 1, r.FirstBad)
	assert.Contains(t, r.Reason, "event 1 was recorded under another version of policy \"default\"")

	re, err := other.Replay(*c.Origin, c.History)
	require.NoError(t, err, "Replay re-judges a history under this engine's policy")
	for _, ev := range re.History {
		assert.Equal(t, other.PolicyHash(), ev.PolicyHash)
	}
	assert.True(t, other.Verify(re).OK, "the rebuilt case is the overlay's own")
	assert.False(t, e.Verify(re).OK)
}

// TestRedatedHistory: anyone holding the SDK can fire a history again with
// other dates, and the result is internally consistent: without keys it
// verifies (what the chain alone cannot prove). With verify keys it is
// refused, because the forger has no signing key.
func TestRedatedHistory(t *testing.T) {
	pub, priv := testKey(1)
	signer := with1(t, engine(t), sdk.WithSigner(priv))
	verifier := with1(t, engine(t), sdk.WithVerifyKeys(pub))
	c := lifecycle(t, signer)
	require.True(t, verifier.Verify(c).OK, verifier.Verify(c).Reason)

	forged := refire(t, engine(t), c, dayLater)
	require.NotEqual(t, c.History[0].At, forged.History[0].At)
	assert.True(t, engine(t).Verify(forged).OK, "without keys a re-dated history verifies: the chain proves consistency, not provenance")
	r := verifier.Verify(forged)
	assert.False(t, r.OK)
	assert.Equal(t, 1, r.FirstBad)
	assert.Contains(t, r.Reason, "event 1 is not signed")

	// Re-fired by someone with another key: signed, but not by a known key.
	_, mallory := testKey(9)
	forged = refire(t, with1(t, engine(t), sdk.WithSigner(mallory)), c, dayLater)
	r = verifier.Verify(forged)
	assert.False(t, r.OK)
	assert.Equal(t, 1, r.FirstBad)
	assert.Contains(t, r.Reason, "event 1 is signed by a key that is not among the verify keys")
}

// signedHistory is TestSignedHistory's fixture: engines signing with key 1
// or key 2, verifying with key 1 or both, and the same lifecycle recorded
// unsigned and signed by key 1.
type signedHistory struct {
	pub1, pub2             ed25519.PublicKey
	plain, s1, s2, v1, v12 *sdk.Engine
	unsigned, signed       sdk.Case
}

func newSignedHistory(t *testing.T) signedHistory {
	pub1, priv1 := testKey(1)
	pub2, priv2 := testKey(2)
	plain := engine(t)
	h := signedHistory{pub1: pub1, pub2: pub2, plain: plain,
		s1:  with1(t, plain, sdk.WithSigner(priv1)),
		s2:  with1(t, plain, sdk.WithSigner(priv2)),
		v1:  with1(t, plain, sdk.WithVerifyKeys(pub1)),
		v12: with1(t, plain, sdk.WithVerifyKeys(pub1, pub2)),
	}
	h.unsigned = lifecycle(t, plain)
	h.signed = lifecycle(t, h.s1)
	return h
}

func TestSignedHistory(t *testing.T) {
	h := newSignedHistory(t)
	pub1, pub2, signed := h.pub1, h.pub2, h.signed
	for i, ev := range signed.History {
		assert.Equal(t, h.unsigned.History[i].Hash, ev.Hash, "signing never changes an event's hash")
		assert.Equal(t, sdk.EventHash(ev), ev.Hash)
		assert.Equal(t, sdk.KeyID(pub1), ev.KeyID)
		assert.Len(t, ev.Signature, 88)
		assert.Empty(t, h.unsigned.History[i].Signature+h.unsigned.History[i].KeyID)
	}
	assert.Regexp(t, `^[0-9a-f]{16}$`, sdk.KeyID(pub1))
	assert.NotEqual(t, sdk.KeyID(pub1), sdk.KeyID(pub2))

	t.Run("verifies with and without keys, after a JSON round trip", h.roundTrip)
	t.Run("rotation: a history signed by two keys", h.rotation)
	t.Run("an unsigned event in a signed history", func(t *testing.T) {
		h.bad(t, h.v1, 4, func(ev *sdk.Event) { ev.Signature, ev.KeyID = "", "" }, "event 5 is not signed")
	})
	t.Run("a flipped bit in a signature", func(t *testing.T) {
		for _, bit := range []int{0, 7, 300, 511} {
			h.bad(t, h.v12, 2, func(ev *sdk.Event) {
				sig, err := base64.StdEncoding.DecodeString(ev.Signature)
				require.NoError(t, err)
				sig[bit/8] ^= 1 << (bit % 8)
				ev.Signature = base64.StdEncoding.EncodeToString(sig)
			}, "event 3's signature does not verify")
		}
	})
	t.Run("a signature moved to another event", func(t *testing.T) {
		h.bad(t, h.v1, 6, func(ev *sdk.Event) { ev.Signature = signed.History[5].Signature }, "event 7's signature does not verify")
	})
	t.Run("a key id claiming the other known key", func(t *testing.T) {
		h.bad(t, h.v12, 6, func(ev *sdk.Event) { ev.KeyID = sdk.KeyID(pub2) }, "event 7's signature does not verify")
	})
	t.Run("malformed signature fields", h.malformedFields)
}

func (h signedHistory) roundTrip(t *testing.T) {
	var stored sdk.Case
	require.NoError(t, json.Unmarshal([]byte(asJSON(t, h.signed)), &stored))
	assert.Equal(t, h.signed.History[3].Signature, stored.History[3].Signature)
	for _, e := range []*sdk.Engine{h.plain, h.v1, h.v12, h.s1} {
		r := e.Verify(stored)
		assert.True(t, r.OK, r.Reason)
	}
	assert.False(t, h.v1.Verify(h.unsigned).OK, "verify keys require signatures")
}

func (h signedHistory) rotation(t *testing.T) {
	mid := len(h.signed.History) / 2
	c := lifecycle(t, h.s1)
	// The host rotates its key half way: replay the first half signed
	// by key 1, fire the rest with key 2.
	half, err := h.s1.Replay(*c.Origin, c.History[:mid])
	require.NoError(t, err)
	for _, ev := range c.History[mid:] {
		o, err := h.s2.Fire(half, sdk.Firing{Trigger: ev.Trigger, Actor: ev.Actor, At: ev.At, Data: ev.Data, Facts: ev.Facts})
		require.NoError(t, err)
		half = o.Case
	}
	assert.Equal(t, sdk.KeyID(h.pub1), half.History[0].KeyID)
	assert.Equal(t, sdk.KeyID(h.pub2), half.History[len(half.History)-1].KeyID)
	assert.True(t, h.v12.Verify(half).OK, h.v12.Verify(half).Reason)
	r := h.v1.Verify(half)
	assert.False(t, r.OK)
	assert.Equal(t, mid+1, r.FirstBad)
	assert.Contains(t, r.Reason, "not among the verify keys")
}

// bad changes event i of a copy of the signed history and checks e's
// Verify names it, with want in the reason.
func (h signedHistory) bad(t *testing.T, e *sdk.Engine, i int, change func(ev *sdk.Event), want string) {
	t.Helper()
	cp := copyCase(t, h.signed)
	change(&cp.History[i])
	var r sdk.VerifyReport
	require.NotPanics(t, func() { r = e.Verify(cp) })
	assert.False(t, r.OK)
	assert.Equal(t, i+1, r.FirstBad, r.Reason)
	assert.Contains(t, r.Reason, want)
}

func (h signedHistory) malformedFields(t *testing.T) {
	huge := strings.Repeat("A", 1<<20)
	for name, change := range map[string]func(ev *sdk.Event){
		"short":          func(ev *sdk.Event) { ev.Signature = ev.Signature[:40] },
		"long":           func(ev *sdk.Event) { ev.Signature += "AAAA" },
		"huge":           func(ev *sdk.Event) { ev.Signature = huge },
		"not base64":     func(ev *sdk.Event) { ev.Signature = strings.Repeat("!", 88) },
		"hex":            func(ev *sdk.Event) { ev.Signature = strings.Repeat("ab", 64) },
		"no key id":      func(ev *sdk.Event) { ev.KeyID = "" },
		"key id not hex": func(ev *sdk.Event) { ev.KeyID = "Jane Smith 12345" },
		"huge key id":    func(ev *sdk.Event) { ev.KeyID = huge },
		"key id alone":   func(ev *sdk.Event) { ev.Signature = "" },
	} {
		t.Run(name, func(t *testing.T) {
			// Reported with keys and without: a malformed field is never
			// a signature.
			for _, e := range []*sdk.Engine{h.plain, h.v1} {
				h.bad(t, e, 3, change, "event 4's signature is malformed")
			}
		})
	}
	cp := copyCase(t, h.signed)
	cp.History[3].KeyID = "Jane Smith 12345"
	assert.NotContains(t, h.v1.Verify(cp).Reason, "Jane")
}

// TestReplayIgnoresSignatures: a replayed event is compared on what the
// engine decides; it comes back unsigned from an engine without a signer
// and signed by the replaying engine's key otherwise.
func TestReplayIgnoresSignatures(t *testing.T) {
	pub1, priv1 := testKey(1)
	pub2, priv2 := testKey(2)
	plain := engine(t)
	signed := lifecycle(t, with1(t, plain, sdk.WithSigner(priv1)))

	re, err := plain.Replay(*signed.Origin, signed.History)
	require.NoError(t, err)
	for i, ev := range re.History {
		assert.Empty(t, ev.Signature)
		assert.Equal(t, signed.History[i].Hash, ev.Hash)
	}
	re, err = with1(t, plain, sdk.WithSigner(priv2)).Replay(*signed.Origin, signed.History)
	require.NoError(t, err)
	assert.Equal(t, sdk.KeyID(pub2), re.History[0].KeyID)
	assert.True(t, with1(t, plain, sdk.WithVerifyKeys(pub2)).Verify(re).OK)
	assert.False(t, with1(t, plain, sdk.WithVerifyKeys(pub1)).Verify(re).OK)

	re, err = with1(t, plain, sdk.WithSigner(priv1)).Replay(*signed.Origin, signed.History)
	require.NoError(t, err)
	assert.Equal(t, asJSON(t, signed), asJSON(t, re), "ed25519 is deterministic: the same signer rebuilds the same case")

	// A garbage signature does not stop a replay: Replay compares what the
	// engine decides; Verify judges signatures.
	cp := copyCase(t, signed)
	cp.History[2].Signature = "x"
	_, err = plain.Replay(*cp.Origin, cp.History)
	assert.NoError(t, err)
}

func TestBadKeysAreRefused(t *testing.T) {
	_, priv := testKey(1)
	pub, _ := testKey(2)
	mismatched := append(ed25519.PrivateKey(nil), priv[:32]...)
	mismatched = append(mismatched, pub...)
	for name, opt := range map[string]sdk.Option{
		"seed only":         sdk.WithSigner(priv[:32]),
		"empty signer":      sdk.WithSigner(ed25519.PrivateKey{}),
		"public half wrong": sdk.WithSigner(mismatched),
		"short verify key":  sdk.WithVerifyKeys(pub[:31]),
		"empty verify key":  sdk.WithVerifyKeys(nil),
	} {
		_, err := engine(t).With(opt)
		require.Error(t, err, name)
		assert.Equal(t, sdk.CodeInvalidInput, sdk.AsError(err).Code, name)
		assert.NotContains(t, err.Error(), base64.StdEncoding.EncodeToString(priv[:8]))
		_, err = sdk.CompileWith(nil, opt)
		require.Error(t, err, name)
	}
}

// TestDocumentedSigningScheme signs a history as docs/embedding.md tells a
// non-Go host to (key id and signature added to each event Fire returned)
// and checks Verify accepts it: the scheme is the documented one.
func TestDocumentedSigningScheme(t *testing.T) {
	pub, priv := testKey(3)
	c := lifecycle(t, engine(t))
	sum := sha256.Sum256(pub)
	for i := range c.History {
		ev := &c.History[i]
		ev.KeyID = hex.EncodeToString(sum[:8])
		ev.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte("sendflow/event-signature/v1\n"+ev.Hash)))
	}
	r := with1(t, engine(t), sdk.WithVerifyKeys(pub)).Verify(c)
	assert.True(t, r.OK, r.Reason)
}
