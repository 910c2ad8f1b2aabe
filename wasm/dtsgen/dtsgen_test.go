package dtsgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var committed = filepath.Join("..", "js", "sendflow.d.ts")

// TestDeclarationsAreCurrent fails when wasm/js/sendflow.d.ts is not what
// the Go types give; SENDFLOW_UPDATE_DTS=1 rewrites it.
func TestDeclarationsAreCurrent(t *testing.T) {
	got := Generate()
	if os.Getenv("SENDFLOW_UPDATE_DTS") == "1" {
		require.NoError(t, os.WriteFile(committed, []byte(got), 0o644))
	}
	want, err := os.ReadFile(committed)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "sendflow.d.ts is stale: run `make wasm-dts`")
}

func TestDeclarationsCoverTheAPI(t *testing.T) {
	got := Generate()
	for _, s := range []string{
		"export interface Case extends Facts {", "states: Record<string, string>;", "history?: Event[];",
		"export interface Outcome {", "code: ErrorCode;", "export interface Report {", "year_group?: number;",
		`| "internal_error";`, "start?: (ClockRef | string)[];", "export declare class SendflowError extends Error",
	} {
		assert.Contains(t, got, s)
	}
	assert.Equal(t, 1, strings.Count(got, "export interface Facts {"))
}
