package scenario_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

const scenariosDoc = "../../docs/scenarios.md"

// docYAMLBlocks returns the ```yaml blocks of docs/scenarios.md, in order.
func docYAMLBlocks(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(scenariosDoc)
	require.NoError(t, err)
	var blocks []string
	text := string(data)
	for {
		i := strings.Index(text, "\n```yaml\n")
		if i < 0 {
			break
		}
		text = text[i+len("\n```yaml\n"):]
		j := strings.Index(text, "\n```\n")
		require.GreaterOrEqual(t, j, 0, "an unclosed yaml block in %s", scenariosDoc)
		blocks = append(blocks, text[:j+1])
		text = text[j:]
	}
	require.NotEmpty(t, blocks, "%s has no yaml example", scenariosDoc)
	return blocks
}

// Every yaml example of docs/scenarios.md is a valid scenario file whose
// scenarios pass on the default policy, so the documentation cannot show a
// file the runner would reject or fail.
func TestDocsExamplesPass(t *testing.T) {
	eng := defaultEngine(t)
	n := 0
	for i, b := range docYAMLBlocks(t) {
		ss, err := scenario.ParseAll(scenariosDoc, []byte(b))
		require.NoError(t, err, "yaml block %d", i+1)
		for _, s := range ss {
			n++
			res := scenario.Run(s, eng)
			assert.True(t, res.Passed, "yaml block %d, %q: %s", i+1, s.Name, res.Message)
		}
	}
	assert.GreaterOrEqual(t, n, 3, "the examples show a single scenario and a file of several")
}

// docs/scenarios.md names every key the parser accepts, every clock status
// and every error code: a key added to the format fails here until it is
// documented.
func TestDocsNameEveryKey(t *testing.T) {
	data, err := os.ReadFile(scenariosDoc)
	require.NoError(t, err)
	doc := string(data)
	var keys []string
	for _, v := range []any{scenario.Scenario{}, scenario.Step{}, scenario.Expect{}, scenario.ClockExpect{}, scenario.WarningExpect{}, scenario.ReasonExpect{}, scenario.WhyNotExpect{}, sdk.Facts{}, sdk.Child{}} {
		typ := reflect.TypeOf(v)
		for i := 0; i < typ.NumField(); i++ {
			tag := typ.Field(i).Tag.Get("yaml")
			if tag == "" {
				tag = typ.Field(i).Tag.Get("json")
			}
			if name, _, _ := strings.Cut(tag, ","); name != "" && name != "-" {
				keys = append(keys, name)
			}
		}
	}
	keys = append(keys, scenario.ClockStatuses()...)
	keys = append(keys, scenario.WarningCodes()...)
	keys = append(keys, sdk.Locales()...)
	for _, c := range sdk.Codes() {
		keys = append(keys, string(c))
	}
	for _, k := range keys {
		if !strings.Contains(doc, "`"+k+"`") {
			t.Errorf("%s does not mention `%s`", scenariosDoc, k)
		}
	}
}

// TestClockStatusesAreTheClockStates: a clock expectation names the
// engine's clock states, and the list handed out is a copy.
func TestClockStatusesAreTheClockStates(t *testing.T) {
	var want []string
	for _, s := range sdk.ClockStates() {
		want = append(want, string(s))
	}
	l := scenario.ClockStatuses()
	assert.Equal(t, want, l)
	assert.Equal(t, []string{"running", "met", "missed", "excused", "ended", "cancelled"}, l)
	l[0] = "changed"
	assert.Equal(t, "running", scenario.ClockStatuses()[0])
}
