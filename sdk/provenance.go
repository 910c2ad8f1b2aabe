package sdk

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// Provenance: which policy judged an event, and which host recorded it.
//
// The hash chain proves a history is internally consistent; it cannot prove
// where the history came from, because anyone with the SDK can fire the
// same triggers again (with other dates, say) and get another consistent
// chain. A host that holds an ed25519 key signs every event it appends
// (WithSigner); a host that imports a history checks the signatures against
// the public keys it trusts (WithVerifyKeys).
//
// What is signed is the event's Hash, prefixed with sigContext. The hash is
// the SHA-256 of the event's versioned canonical form, which covers every
// recorded field and, through PrevHash, the whole history before it, so a
// signature over it commits to exactly what the canonical bytes would (for
// as long as SHA-256 resists collisions). It is cheap (64 bytes whatever the
// payload), and a verifier needs no canonical encoder: Verify recomputes the
// hash first anyway. The context prefix keeps a sendflow event signature
// from being valid as a signature over anything else the key signs.
//
// The signature and key id are not part of the hash: signing never changes
// an event's Hash, the chain or the canonical encoding (sendflow/event/v1),
// and a host without keys reads a signed history exactly as an unsigned one.

// sigContext prefixes the signed message: the signature scheme's version.
const sigContext = "sendflow/event-signature/v1\n"

// Encoded sizes of the signature fields.
const (
	sigLen   = 88 // base64 (standard, padded) of a 64-byte ed25519 signature
	keyIDLen = 16 // hex of the first 8 bytes of SHA-256(public key)
)

// KeyID names an ed25519 public key in the events it signs: the first 8
// bytes of the key's SHA-256, in lower-case hex (16 characters). It lets
// Verify pick the key among several (key rotation) and tell an unknown key
// from a forged signature; it proves nothing by itself.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:keyIDLen/2])
}

// checkKeys refuses keys that are not ed25519 keys: a signer that would
// panic or sign wrongly, a verify key that could never verify. The message
// never shows key material.
func (o *options) checkKeys() error {
	bad := func(format string, args ...any) error {
		return &Error{Code: CodeInvalidInput, Message: fmt.Sprintf(format, args...),
			Detail: "Give WithSigner an ed25519.PrivateKey (ed25519.GenerateKey or ed25519.NewKeyFromSeed) and WithVerifyKeys ed25519.PublicKey values."}
	}
	if o.signer != nil {
		if len(o.signer) != ed25519.PrivateKeySize {
			return bad("the signing key is %d bytes; an ed25519 private key is %d (a %d-byte seed must go through ed25519.NewKeyFromSeed)",
				len(o.signer), ed25519.PrivateKeySize, ed25519.SeedSize)
		}
		if !bytes.Equal(ed25519.NewKeyFromSeed(o.signer.Seed()), o.signer) {
			return bad("the signing key's public half does not belong to its seed")
		}
	}
	for i, k := range o.verifyKeys {
		if len(k) != ed25519.PublicKeySize {
			return bad("verify key %d is %d bytes; an ed25519 public key is %d", i+1, len(k), ed25519.PublicKeySize)
		}
	}
	return nil
}

// sign signs ev (whose Hash is set) with the engine's signer, if it has one.
func (e *Engine) sign(ev *Event) {
	k := e.opt.signer
	if k == nil {
		return
	}
	ev.KeyID = KeyID(k.Public().(ed25519.PublicKey))
	ev.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(k, sigMessage(ev.Hash)))
}

func sigMessage(hash string) []byte {
	return append([]byte(sigContext), hash...)
}

// checkSignature judges event n's signature fields, its Hash already
// checked against its contents. Malformed fields are reported whether or
// not the engine has verify keys; with keys, the event must be signed by
// one of them. The reasons never show the fields' values.
func (e *Engine) checkSignature(n int, ev *Event) string {
	if ev.Signature == "" && ev.KeyID == "" {
		if len(e.opt.verifyKeys) > 0 {
			return fmt.Sprintf("event %d is not signed", n)
		}
		return ""
	}
	sig, ok := decodeSig(ev.Signature)
	if !ok || !isKeyID(ev.KeyID) {
		return fmt.Sprintf("event %d's signature is malformed: it must be a %d-character key id (hex) and a %d-character base64 ed25519 signature",
			n, keyIDLen, sigLen)
	}
	if len(e.opt.verifyKeys) == 0 {
		return ""
	}
	known := false
	for _, k := range e.opt.verifyKeys {
		if KeyID(k) != ev.KeyID {
			continue
		}
		known = true
		if ed25519.Verify(k, sigMessage(ev.Hash), sig) {
			return ""
		}
	}
	if !known {
		return fmt.Sprintf("event %d is signed by a key that is not among the verify keys", n)
	}
	return fmt.Sprintf("event %d's signature does not verify: the event was signed by another key or forged", n)
}

func decodeSig(s string) ([]byte, bool) {
	if len(s) != sigLen {
		return nil, false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	return b, err == nil && len(b) == ed25519.SignatureSize
}

func isKeyID(s string) bool {
	if len(s) != keyIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// policyMismatch says why event n's policy identity is not one this
// engine judges, or "" when it is: its own, a released default's (for a
// default engine) or an earlier policy registered with
// WithEarlierPolicies (policyFor, earlierdefaults.go).
func (e *Engine) policyMismatch(n int, ev *Event) string {
	switch {
	case e.policyFor(ev.PolicyID, ev.PolicyHash) != nil:
		return ""
	case ev.PolicyID != e.p.id:
		return fmt.Sprintf("event %d was recorded under another policy, %s, not %q, the policy this engine runs", n, clip(ev.PolicyID), e.p.id)
	}
	return fmt.Sprintf("event %d was recorded under another version of policy %q: its policy hash is neither this engine's nor one of the earlier policies it knows (the released defaults, for the default policy alone; those registered with WithEarlierPolicies)", n, e.p.id)
}
