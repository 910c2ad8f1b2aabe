package main

import (
	"encoding/json"
	"os"
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

// With --policy the strict schemas carry the overlay's names and a
// per-policy $id; the structural ones are unchanged.
func TestSchemaForPolicy(t *testing.T) {
	code, out, errOut := cli(t, "schema", "firing", "--policy", ex+"liverpool.yaml")
	require.Equal(t, 0, code, errOut)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	id, _ := m["$id"].(string)
	assert.Regexp(t, `^https://sendflow.dev/schemas/policy/liverpool/[0-9a-f]{12}/firing\.schema\.json$`, id)
	defs, _ := m["$defs"].(map[string]any)
	assert.Contains(t, defs, "payload:support.seniss_contacted") // liverpool's own trigger
	assert.NotContains(t, defs, "payload:lift.meeting_held")     // liverpool disables lift
	assert.Contains(t, out, `"seniss"`)                          // and adds a role

	code, def, _ := cli(t, "schema", "firing")
	require.Equal(t, 0, code)
	assert.NotContains(t, def, "support.seniss_contacted")
	assert.Contains(t, def, "payload:lift.meeting_held")

	// Layers: dover extends kent; both spellings give the same schema.
	code, a, _ := cli(t, "schema", "clocks", "--policy", ex+"kent/dover.yaml")
	require.Equal(t, 0, code)
	code, b, _ := cli(t, "schema", "clocks", "--policy", ex+"kent.yaml", "--policy", ex+"kent/dover.yaml")
	require.Equal(t, 0, code)
	assert.Equal(t, a, b)
	assert.Contains(t, a, `"lift_next_meeting"`)
	assert.Contains(t, a, "/policy/kent_dover/")

	code, out, errOut = cli(t, "schema", "case", "--policy", ex+"kent.yaml")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"lift_next_meeting"`)

	code, out, _ = cli(t, "schema", "policy", "--policy", ex+"kent.yaml")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"$id": "https://sendflow.dev/schemas/policy.schema.json"`)

	code, out, _ = cli(t, "schema", "--list", "--policy", ex+"liverpool.yaml")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "policy     https://sendflow.dev/schemas/policy.schema.json")
	assert.Regexp(t, `case       https://sendflow.dev/schemas/policy/liverpool/[0-9a-f]{12}/case.schema.json`, out)
}

func TestSchemaForPolicyErrors(t *testing.T) {
	code, _, errOut := cli(t, "schema", "firng", "--policy", ex+"kent.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `unknown schema "firng"`)
	code, _, _ = cli(t, "schema", "case", "--policy", ex+"no-such.yaml")
	assert.Equal(t, exitUsage, code)
	bad := t.TempDir() + "/bad.yaml"
	require.NoError(t, os.WriteFile(bad, []byte("id: bad\ntriggers:\n  - id: x.y\n    to: nowhere\n"), 0o600))
	code, _, _ = cli(t, "schema", "case", "--policy", bad)
	assert.Equal(t, exitPolicy, code)
}
