package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestServeUsage(t *testing.T) {
	code, out, _ := cli(t, "serve", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "--wasm-dir")
	assert.Contains(t, out, "--port")

	code, _, errOut := cli(t, "serve", "--port", "70000")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "not a TCP port")

	code, _, _ = cli(t, "serve", "extra")
	assert.Equal(t, exitUsage, code)
}
