package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTestEngineFlag(t *testing.T) {
	dir := t.TempDir()
	f := write(t, dir, "a.yaml", passYAML)

	code, _, stderr := cli(t, "test", "--engine", "jvm", f)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unknown engine "jvm"`)

	code, _, stderr = cli(t, "test", "--engine", "wasi", "--wasm", filepath.Join(dir, "missing.wasm"), f)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "make wasm")

	code, stdout, _ := cli(t, "test", "--engine", "native", f)
	assert.Equal(t, exitOK, code, "native is the app's own loader (the fake here)")
	assert.Contains(t, stdout, "1 passed, 0 failed")

	// With a built module (make wasm), the same file runs inside it.
	mod := filepath.Join("..", "..", defaultWASM)
	if _, err := os.Stat(mod); err != nil {
		t.Log("no WASI module; make wasm-test-wasi runs the suite through it")
		return
	}
	code, stdout, stderr = cli(t, "test", "--engine", "wasi", "--wasm", mod, f)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "PASS "+f+": request\n1 passed, 0 failed\n")
}
