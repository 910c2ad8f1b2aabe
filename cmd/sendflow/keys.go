package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
)

// Key files for --sign-key and --verify-key: PEM, as
// `openssl genpkey -algorithm ed25519` (a PKCS #8 "PRIVATE KEY") and
// `openssl pkey -pubout` (a PKIX "PUBLIC KEY") write them, or one line of
// standard base64: a 32-byte seed or 64-byte private key, a 32-byte public
// key. Errors name the file, never its contents.

func readSigningKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--sign-key: %w", err)
	}
	bad := fmt.Errorf("--sign-key %s: not an ed25519 private key (PEM \"PRIVATE KEY\", or a base64 32-byte seed or 64-byte key)", path)
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "PRIVATE KEY" {
			return nil, bad
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if priv, ok := k.(ed25519.PrivateKey); err == nil && ok {
			return priv, nil
		}
		return nil, bad
	}
	raw, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(b)))
	switch {
	case err != nil:
		return nil, bad
	case len(raw) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case len(raw) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(raw), nil
	}
	return nil, bad
}

func readVerifyKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--verify-key: %w", err)
	}
	bad := fmt.Errorf("--verify-key %s: not an ed25519 public key (PEM \"PUBLIC KEY\", or a base64 32-byte key)", path)
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "PUBLIC KEY" {
			return nil, bad
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if pub, ok := k.(ed25519.PublicKey); err == nil && ok {
			return pub, nil
		}
		return nil, bad
	}
	raw, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, bad
	}
	return ed25519.PublicKey(raw), nil
}
