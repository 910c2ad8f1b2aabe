package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
	"github.com/sendflow/sendflow/sdk/report/synth"
)

// benchCases is a generated caseload of n cases as JSON lines.
func benchCases(b *testing.B, e *sdk.Engine, n int) []byte {
	b.Helper()
	var buf bytes.Buffer
	if _, err := synth.Generate(&buf, e, synth.Config{Cases: n, Seed: 1, Year: 2026}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRun streams 2,000 generated cases through the report, verifying
// every history (hash chain and replay), and reports cases/s.
func BenchmarkRun(b *testing.B) {
	benchRun(b, true)
}

// BenchmarkRunUnverified is the same without verification: decoding and
// deriving only.
func BenchmarkRunUnverified(b *testing.B) {
	benchRun(b, false)
}

func benchRun(b *testing.B, verify bool) {
	e, err := sdk.Default()
	if err != nil {
		b.Fatal(err)
	}
	const n = 2000
	in := benchCases(b, e, n)
	opt := report.Options{Year: 2026}
	if verify {
		opt.Engine = e
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := report.Run(bytes.NewReader(in), opt)
		if err != nil || rep.Counted != n {
			b.Fatalf("%v, counted %d", err, rep.Counted)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkDerive measures deriving the SEN2 records of one decoded case.
func BenchmarkDerive(b *testing.B) {
	e, err := sdk.Default()
	if err != nil {
		b.Fatal(err)
	}
	var cs []sdk.Case
	for _, line := range bytes.Split(bytes.TrimSpace(benchCases(b, e, 200)), []byte("\n")) {
		var c sdk.Case
		if err := json.Unmarshal(line, &c); err != nil {
			b.Fatal(err)
		}
		cs = append(cs, c)
	}
	y := report.Year(2026)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = report.Derive(cs[i%len(cs)]).Person(y)
		i++
	}
}

// BenchmarkGenerate measures the generator (every event fired by the engine).
func BenchmarkGenerate(b *testing.B) {
	e, err := sdk.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := synth.Each(e, synth.Config{Cases: 100, Seed: 1, Year: 2026}, func(sdk.Case) error { return nil })
		if err != nil || st.Refused != 0 {
			b.Fatal(err, st.LastRefusal)
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "cases/s")
}
