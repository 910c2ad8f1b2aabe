package store_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStorageDocShowsTheExample: the Go example in docs/storage.md is the
// package Example, which go test compiles and runs: every call it makes
// (the lines starting with these prefixes) is in the doc as it is in the
// test, and so is the conflict message the Example prints.
func TestStorageDocShowsTheExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/storage.md")
	require.NoError(t, err)
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	n := 0
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"_ = st.", "_, _ = st.", "c, head, _ :=", "yes, _ :=", "no, _ :=", "items, _ :=", "eng, _ :="} {
			if strings.HasPrefix(l, p) {
				assert.Contains(t, string(doc), l)
				n++
			}
		}
		if strings.HasPrefix(l, "// conflict at ") {
			msg := strings.TrimPrefix(l, "// ")
			i := strings.Index(msg, " event 2 ")
			require.Positive(t, i)
			assert.Contains(t, string(doc), msg[:i]) // the doc wraps the rest of it
			assert.Contains(t, string(doc), "`"+strings.TrimPrefix(msg, "conflict at /history/1: ")+"`")
			n++
		}
	}
	assert.Equal(t, 9, n, "the lines checked")
}
