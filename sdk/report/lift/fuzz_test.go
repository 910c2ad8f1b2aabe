package lift_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report/lift"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

// FuzzLift: any bytes as a caseload, verified or not, give a report or a
// coded error, never a panic; the report survives a JSON round trip and
// every chart is well-formed XML.
func FuzzLift(f *testing.F) {
	var buf bytes.Buffer
	_, err := synth.Generate(&buf, nil, synth.Config{Cases: 3, Seed: 21, Year: 2026})
	require.NoError(f, err)
	f.Add(buf.String(), true)
	f.Add(`{"id":"x","district":"dover","history":[{"at":"2026-02-03","trigger":"lift.meeting_held","data":{"outcomes":[1,"a"],"attendees":"chair","meeting_id":7}}]}`, false)
	f.Add(`{"history":[{"at":"1900-01-01T00:00:00Z","trigger":"lift.initial_contact_made","data":{}},{"at":"x","trigger":"lift.closed"}]}`, false)
	f.Add(`{"history":[{"at":"2026-02-03","trigger":"lift.professional_allocated","data":{"professional":"<&>"},"facts":{"district":"<a>"}}]}`, false)
	f.Add("{\"history\":null}\n[]\nnull\n", false)
	f.Fuzz(func(t *testing.T, text string, verify bool) {
		defer fuzzcheck.Start().Check(t)
		rep, err := lift.Run(strings.NewReader(text), lift.Options{NoVerify: !verify, AsOf: "2026-12-31"})
		if err != nil {
			assert.NotEqual(t, sdk.CodeInternal, sdk.AsError(err).Code)
			return
		}
		b, err := json.Marshal(rep)
		require.NoError(t, err)
		var back lift.Report
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, rep, back)
		require.NoError(t, lift.WriteCSV(io.Discard, rep))
		for _, name := range lift.Charts {
			svg, err := lift.SVG(rep, name)
			require.NoError(t, err)
			dec := xml.NewDecoder(strings.NewReader(svg))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else {
					require.NoError(t, err, name)
				}
			}
		}
	})
}

// RunContext stops with limit_exceeded, and no report, once its context
// is done.
func TestRunContextStops(t *testing.T) {
	_, lines := generated(t, 20, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := lift.RunContext(ctx, bytes.NewReader(lines), lift.Options{})
	assert.Equal(t, sdk.CodeLimitExceeded, sdk.AsError(err).Code)
}
