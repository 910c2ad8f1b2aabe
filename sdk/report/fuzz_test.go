package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"testing"

	"github.com/sendflow/sendflow/internal/fuzzcheck"
	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

// FuzzDerive feeds arbitrary cases to Derive, Person, the aggregates and
// every writer without a recover in between: none may panic, and the SVG
// must stay well-formed XML whatever the district names.
func FuzzDerive(f *testing.F) {
	var buf bytes.Buffer
	if _, err := synth.Generate(&buf, nil, synth.Config{Cases: 2, Seed: 4, Year: 2026}); err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"district":"\u0001<x>","history":[{"seq":1,"at":"2026-01-05","actor":"parent","trigger":"ehc.requested"},{"seq":2,"at":"2026-01-06T00:00:00Z","trigger":"ehc.plan_finalised"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		defer fuzzcheck.Start().Check(t)
		var c sdk.Case
		if json.Unmarshal(b, &c) != nil {
			return
		}
		d := report.Derive(c)
		_ = d.Person(report.Year(2026))
		a, err := report.NewAggregator(report.Options{Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		a.Add(&d)
		rep := a.Report()
		if err := report.WriteCSV(io.Discard, rep); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteJSON(io.Discard, rep); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteDistrictTable(io.Discard, rep); err != nil {
			t.Fatal(err)
		}
		var svg bytes.Buffer
		if err := report.WriteSVG(&svg, rep); err != nil {
			t.Fatal(err)
		}
		var doc struct{}
		if err := xml.Unmarshal(svg.Bytes(), &doc); err != nil {
			t.Fatalf("SVG is not XML: %v", err)
		}
	})
}
