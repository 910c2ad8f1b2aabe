package sdk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
)

func TestGraphDOTHasEveryTrackStateAndTrigger(t *testing.T) {
	e := engine(t)
	out, err := e.Graph("dot", nil)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "digraph sendflow {"))
	for _, tk := range e.Tracks() {
		assert.Contains(t, out, `subgraph "cluster_`+tk+`"`)
	}
	for _, trig := range e.TriggerNames() {
		assert.Contains(t, out, `[label="`+trig+`"`, trig)
	}
	assert.Contains(t, out, `"support:sen_support.plan" [label="sen_support.plan"]`)
	assert.Contains(t, out, `"ehc:none" -> "ehc:request_received" [label="ehc.requested"]`)
	assert.NotContains(t, out, "fillcolor", "no case, nothing highlighted")
	again, _ := e.Graph("dot", nil)
	assert.Equal(t, out, again, "deterministic")
}

func TestGraphHighlightsTheCurrentState(t *testing.T) {
	e := engine(t)
	c := e.NewCase(sdk.Facts{ID: "c1"})
	out, err := e.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2025-01-06"})
	require.NoError(t, err)
	before := out.Case.States["ehc"]
	dot, err := e.Graph("dot", &out.Case)
	require.NoError(t, err)
	assert.Contains(t, dot, `"ehc:request_received" [label="request_received", style="rounded,filled,bold"`)
	assert.NotContains(t, dot, `"ehc:none" [label="none", style`)
	assert.Equal(t, before, out.Case.States["ehc"])
	mm, err := e.Graph("mermaid", &out.Case)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(mm, "flowchart LR\n"))
	assert.Contains(t, mm, "ehc__none -->|\"ehc.requested\"| ehc__request_received")
	assert.Contains(t, mm, "class ")
	assert.Contains(t, mm, "ehc__request_received")
	assert.Regexp(t, `class [^\n]*ehc__request_received[^\n]* current`, mm)
}

func TestGraphErrors(t *testing.T) {
	e := engine(t)
	_, err := e.Graph("svg", nil)
	assert.True(t, errors.Is(err, sdk.ErrInvalidInput), "%v", err)
	_, err = e.Graph("dot", &sdk.Case{States: map[string]string{"ehc": "nowhere"}})
	assert.True(t, errors.Is(err, sdk.ErrInvalidCase), "%v", err)
}

// GraphFormats is the caller's own: changing what it returns changes
// neither the next call nor what Graph accepts, and Graph accepts each.
func TestGraphFormatsIsACopy(t *testing.T) {
	e := engine(t)
	f := sdk.GraphFormats()
	require.Equal(t, []string{sdk.GraphDOT, sdk.GraphMermaid}, f)
	f[0] = "svg"
	assert.Equal(t, []string{sdk.GraphDOT, sdk.GraphMermaid}, sdk.GraphFormats())
	for _, format := range sdk.GraphFormats() {
		_, err := e.Graph(format, nil)
		require.NoError(t, err, format)
	}
	_, err := e.Graph("svg", nil)
	require.Error(t, err)
	assert.Contains(t, sdk.AsError(err).Detail, "dot, mermaid")
}
