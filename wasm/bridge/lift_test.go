package bridge

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report/lift"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

// lift_report answers what lift.Run gives on the same lines, with every
// chart; a request without text, or with a bad date, is invalid_input; a
// duplicate case is named.
func TestLiftReportOp(t *testing.T) {
	var buf bytes.Buffer
	_, err := synth.Generate(&buf, nil, synth.Config{Cases: 120, Seed: 3, Year: 2026})
	require.NoError(t, err)
	text := buf.String()
	br := New()
	a := call(t, br, map[string]any{"op": "compile"})
	require.True(t, a.OK)
	var c Compiled
	require.NoError(t, json.Unmarshal(a.Result, &c))

	a = call(t, br, map[string]any{"op": "lift_report", "engine": c.Engine, "text": text, "from": "2025-08-01", "to": "2026-07-31"})
	require.True(t, a.OK, "%+v", a.Error)
	var got LiftReport
	require.NoError(t, json.Unmarshal(a.Result, &got))
	e, err := sdk.Default()
	require.NoError(t, err)
	want, err := lift.Run(strings.NewReader(text), lift.Options{Period: lift.Period{From: "2025-08-01", To: "2026-07-31"}, Engine: e})
	require.NoError(t, err)
	assert.Equal(t, want, got.Report)
	assert.Positive(t, got.Report.Totals.CasesDiscussed)
	for _, name := range lift.Charts {
		svg, err := lift.SVG(want, name)
		require.NoError(t, err)
		assert.Equal(t, svg, got.Charts[name], name)
	}

	a = call(t, br, map[string]any{"op": "lift_report", "engine": c.Engine})
	require.False(t, a.OK)
	assert.Equal(t, sdk.CodeInvalidInput, a.Error.Code)
	assert.Equal(t, "/text", a.Error.Pointer)
	a = call(t, br, map[string]any{"op": "lift_report", "engine": c.Engine, "text": "", "from": "2026-02-30"})
	require.False(t, a.OK)
	assert.Equal(t, sdk.CodeInvalidInput, a.Error.Code)

	first := strings.SplitN(text, "\n", 2)[0]
	a = call(t, br, map[string]any{"op": "lift_report", "engine": c.Engine, "text": first + "\n" + first + "\n", "no_verify": true})
	require.True(t, a.OK)
	require.NoError(t, json.Unmarshal(a.Result, &got))
	assert.Equal(t, 1, got.Report.Counted)
	require.Len(t, got.Report.Failures, 1)
	assert.Equal(t, "duplicate", got.Report.Failures[0].Code)
	assert.False(t, got.Report.Verified)
}
