package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSchemaPrintsEachSchema(t *testing.T) {
	for _, n := range []string{"policy", "case", "firing", "event", "outcome", "error", "permitted", "clocks", "scenario"} {
		code, out, errOut := cli(t, "schema", n)
		require.Equal(t, 0, code, errOut)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &m), n)
		assert.Equal(t, "https://sendflow.dev/schemas/"+n+".schema.json", m["$id"])
	}
}

func TestSchemaList(t *testing.T) {
	code, out, _ := cli(t, "schema", "--list")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Len(t, lines, 9)
	assert.Contains(t, out, "firing     https://sendflow.dev/schemas/firing.schema.json")
}

func TestSchemaUsageErrors(t *testing.T) {
	code, _, errOut := cli(t, "schema", "firng")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unknown schema "firng"`)
	code, _, _ = cli(t, "schema")
	assert.Equal(t, exitUsage, code)
	code, _, _ = cli(t, "schema", "--list", "case")
	assert.Equal(t, exitUsage, code)
}
