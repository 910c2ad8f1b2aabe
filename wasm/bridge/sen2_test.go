package bridge

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

var sen2Opts = M{"year": 2025, "la": "886", "dmo": "Y", "dco": "N", "date_time": "2026-02-10T09:30:00Z"}

// sen2_return gives what `sendflow sen2 --format xml` gives: the same XML
// and counts for the same caseload.
func TestSen2ReturnOp(t *testing.T) {
	var caseload bytes.Buffer
	_, err := synth.Generate(&caseload, nil, synth.Config{Cases: 40, Seed: 3, Year: 2025})
	require.NoError(t, err)

	var want bytes.Buffer
	ret, err := report.NewReturn(&want, report.ReturnOptions{Year: 2025, LA: "886", DMO: "Y", DCO: "N", DateTime: "2026-02-10T09:30:00Z"})
	require.NoError(t, err)
	e, err := sdk.Default()
	require.NoError(t, err)
	_, err = report.Run(bytes.NewReader(caseload.Bytes()), report.Options{Year: 2025, Engine: e, AsOf: ret.CutOff(), Case: ret.Add})
	require.NoError(t, err)
	wantSum, err := ret.Close()
	require.NoError(t, err)
	require.Zero(t, wantSum.IssueCount)

	br := New()
	h := compileDefault(t, br)
	var got Sen2Return
	ok(t, br, M{"op": "sen2_return", "engine": h, "text": caseload.String(), "sen2": sen2Opts}, &got)
	assert.Equal(t, want.String(), got.XML)
	assert.Equal(t, wantSum.Counts, got.Summary.Counts)
	assert.Equal(t, report.ReadCounts{Lines: 40, Counted: 40, Failures: []report.Failure{}}, got.Read)

	// A case twice and a line that is not a case: not counted, so no XML.
	lines := strings.SplitAfter(caseload.String(), "\n")
	text := lines[0] + lines[0] + "{not json\n"
	got = Sen2Return{}
	ok(t, br, M{"op": "sen2_return", "engine": h, "text": text, "sen2": sen2Opts}, &got)
	assert.Empty(t, got.XML)
	assert.Equal(t, 3, got.Read.Lines)
	assert.Equal(t, 1, got.Read.Counted)
	require.Len(t, got.Read.Failures, 2)
	assert.Equal(t, "duplicate", got.Read.Failures[0].Code)
	assert.Equal(t, 2, got.Read.Failures[0].Line)
	assert.Equal(t, "invalid_case", got.Read.Failures[1].Code)

	// A person missing details: the issue, by case id, and no XML.
	var c map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &c))
	delete(c, "person")
	b, err := json.Marshal(c)
	require.NoError(t, err)
	e2 := compileDefault(t, br)
	got = Sen2Return{}
	ok(t, br, M{"op": "sen2_return", "engine": e2, "text": string(b), "sen2": sen2Opts}, &got)
	assert.Empty(t, got.XML)
	assert.Equal(t, "history_mismatch", got.Read.Failures[0].Code, "facts edited outside the engine fail verification")
}

func TestSen2ReturnOpErrors(t *testing.T) {
	br := New()
	h := compileDefault(t, br)
	assert.Equal(t, "/text", code(t, br, M{"op": "sen2_return", "engine": h, "sen2": sen2Opts}).Pointer)
	assert.Equal(t, "/sen2", code(t, br, M{"op": "sen2_return", "engine": h, "text": ""}).Pointer)
	bad := M{"year": 2025, "la": "kent", "dmo": "Y", "dco": "N"}
	e := code(t, br, M{"op": "sen2_return", "engine": h, "text": "", "sen2": bad})
	assert.Equal(t, sdk.CodeInvalidInput, e.Code)
	assert.Equal(t, "/la", e.Pointer)
	e = code(t, br, M{"op": "sen2_return", "text": "", "sen2": sen2Opts})
	assert.NotEqual(t, sdk.CodeInternal, e.Code, "an engine is needed")
}
