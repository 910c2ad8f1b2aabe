package report

import (
	"github.com/sendflow/sendflow/internal/xmltext"

	"fmt"
	"io"
	"strings"
)

// Chart colours: the UK Government Analysis Function's accessible palette
// (dark blue and turquoise are distinguishable in the common colour-vision
// deficiencies and both pass 3:1 against white).
const (
	colourInc  = "#12436D"
	colourExc  = "#28A197"
	colourText = "#0b0c0c"
	colourMute = "#505a5f"
	colourGrid = "#b1b4b6"
)

// Chart geometry, in SVG user units (pixels).
const (
	chartWidth = 800
	labelRight = 200 // right edge of the district names
	plotLeft   = 212
	plotWidth  = 440
	barHeight  = 16
	barGap     = 3
	groupGap   = 18
	topMargin  = 96
)

func pct(f *float64) string {
	if f == nil {
		return "no plans"
	}
	return ftoa(f) + "%"
}

// WriteSVG draws the 20-week measure per district (and for all districts)
// as a horizontal bar chart: for each district one bar including exception
// cases and one excluding them, each labelled with its rate and counts. The
// SVG is self-contained, has a title and a description for screen readers,
// and every figure is also written as text.
func WriteSVG(w io.Writer, r Report) error {
	rows := chartRows(r)
	g := chartLayout{
		groupH: 2*barHeight + barGap + groupGap,
		title:  "EHC plans issued within 20 weeks, by district",
		sub:    fmt.Sprintf("Plans issued %s to %s, excluding cases with mediation or a Tribunal appeal (DfE measure)", r.Period.From, r.Period.To),
	}
	g.plotH = len(rows)*g.groupH + 8
	g.height = topMargin + g.plotH + 64

	var b strings.Builder
	writeChartHead(&b, g, chartDescription(g.sub, rows, r.Verified))
	writeChartGrid(&b, g)
	for i, d := range rows {
		writeChartDistrict(&b, g, d, topMargin+4+i*g.groupH, i == len(rows)-1)
	}
	fmt.Fprintf(&b, `<text x="24" y="%d" font-size="11" fill="%s">%s.</text>`+"\n", g.height-10, colourMute, esc(chartNote(r)))
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// chartLayout is what the parts of one chart share: its size and headings.
type chartLayout struct {
	groupH, plotH, height int
	title, sub            string
}

// chartRows are the report's districts followed by "All districts", their
// sum.
func chartRows(r Report) []DistrictRow {
	rows := append([]DistrictRow{}, r.Districts...)
	all := Timeliness{Period: r.Period}
	for _, d := range rows {
		all.PlansIssued += d.PlansIssued
		all.ExcludedDisputed += d.ExcludedDisputed
		all.IncExc += d.IncExc
		all.IncExcWithin += d.IncExcWithin
		all.NoExc += d.NoExc
		all.NoExcWithin += d.NoExcWithin
	}
	all.finish()
	return append(rows, DistrictRow{District: "All districts", Timeliness: all})
}

// chartDescription is the chart's text for screen readers: every figure.
func chartDescription(sub string, rows []DistrictRow, verified bool) string {
	var desc strings.Builder
	fmt.Fprintf(&desc, "%s. ", sub)
	for _, d := range rows {
		fmt.Fprintf(&desc, "%s: %s including exception cases (%d of %d), %s excluding them (%d of %d). ",
			oneLine(d.District), pct(d.IncExcRate), d.IncExcWithin, d.IncExc, pct(d.NoExcRate), d.NoExcWithin, d.NoExc)
	}
	if !verified {
		desc.WriteString("The case histories were not verified. ")
	}
	return strings.TrimSpace(desc.String())
}

// writeChartHead opens the SVG and writes its title, description, headings
// and legend.
func writeChartHead(b *strings.Builder, g chartLayout, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" font-family="Arial, Helvetica, sans-serif">`+"\n",
		chartWidth, g.height, chartWidth, g.height)
	fmt.Fprintf(b, `<title id="chart-title">%s</title>`+"\n", esc(g.title))
	fmt.Fprintf(b, `<desc id="chart-desc">%s</desc>`+"\n", esc(desc))
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", chartWidth, g.height)
	fmt.Fprintf(b, `<text x="24" y="34" font-size="20" font-weight="bold" fill="%s">%s</text>`+"\n", colourText, esc(g.title))
	fmt.Fprintf(b, `<text x="24" y="56" font-size="13" fill="%s">%s</text>`+"\n", colourMute, esc(g.sub))
	fmt.Fprintf(b, `<g class="legend" font-size="13" fill="%s">`+"\n", colourText)
	fmt.Fprintf(b, `<rect x="24" y="68" width="14" height="14" fill="%s"/><text x="44" y="80">Including exception cases</text>`+"\n", colourInc)
	fmt.Fprintf(b, `<rect x="234" y="68" width="14" height="14" fill="%s"/><text x="254" y="80">Excluding exception cases (R13(3))</text>`+"\n", colourExc)
	b.WriteString("</g>\n")
}

// writeChartGrid draws the 0-100% grid lines and the axis label.
func writeChartGrid(b *strings.Builder, g chartLayout) {
	b.WriteString(`<g class="grid" aria-hidden="true">` + "\n")
	for _, v := range []int{0, 25, 50, 75, 100} {
		x := plotLeft + plotWidth*v/100
		fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1"%s/>`+"\n",
			x, topMargin, x, topMargin+g.plotH, colourGrid, map[bool]string{true: "", false: ` stroke-dasharray="3 3"`}[v == 0])
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="middle">%d%%</text>`+"\n", x, topMargin+g.plotH+18, colourMute, v)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="middle">Plans issued within 20 weeks of the request</text>`+"\n",
		plotLeft+plotWidth/2, topMargin+g.plotH+38, colourMute)
	b.WriteString("</g>\n")
}

// writeChartDistrict draws one district's label and its two bars at y; the
// last row (all districts) is bold, under a rule.
func writeChartDistrict(b *strings.Builder, g chartLayout, d DistrictRow, y int, last bool) {
	weight := ""
	if last {
		weight = ` font-weight="bold"`
		fmt.Fprintf(b, `<line x1="24" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1" aria-hidden="true"/>`+"\n", y-groupGap/2, chartWidth-24, y-groupGap/2, colourGrid)
	}
	fmt.Fprintf(b, `<g class="district" data-district="%s">`+"\n", esc(d.District))
	fmt.Fprintf(b, `<text class="district-label" x="%d" y="%d" font-size="13" fill="%s" text-anchor="end"%s>%s</text>`+"\n",
		labelRight, y+barHeight+barGap/2+4, colourText, weight, esc(oneLine(d.District)))
	writeChartBar(b, d.District, y, weight, d.IncExcRate, d.IncExcWithin, d.IncExc, colourInc, "including-exceptions")
	writeChartBar(b, d.District, y+barHeight+barGap, weight, d.NoExcRate, d.NoExcWithin, d.NoExc, colourExc, "excluding-exceptions")
	b.WriteString("</g>\n")
}

// writeChartBar draws one bar of a district, with its rate and counts as a
// tooltip and as text after it.
func writeChartBar(b *strings.Builder, district string, y int, weight string, rate *float64, within, total int, colour, kind string) {
	wdt := 0
	if rate != nil {
		wdt = int(*rate*float64(plotWidth)/100 + 0.5)
	}
	label := fmt.Sprintf("%s (%d of %d)", pct(rate), within, total)
	if rate == nil {
		label = "no plans in the measure"
	}
	fmt.Fprintf(b, `<rect class="bar %s" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s, %s: %s</title></rect>`+"\n",
		kind, plotLeft, y, wdt, barHeight, colour, esc(oneLine(district)), kind, esc(label))
	fmt.Fprintf(b, `<text class="value %s" x="%d" y="%d" font-size="12" fill="%s" stroke="#ffffff" stroke-width="3" paint-order="stroke"%s>%s</text>`+"\n",
		kind, plotLeft+wdt+6, y+barHeight-4, colourText, weight, esc(label))
}

// chartNote is the source line under the chart: whether the histories were
// verified, and how many failed.
func chartNote(r Report) string {
	note := "Source: sendflow case histories"
	if r.Verified {
		note += fmt.Sprintf(", each verified against policy %q", r.PolicyID)
	} else {
		note += " (not verified)"
	}
	if r.Failed > 0 {
		note += fmt.Sprintf("; %d case(s) failed verification and are not counted", r.Failed)
	}
	return note
}

// esc escapes text for the SVG (xmltext: the one XML escaper).
func esc(s string) string { return xmltext.Escape(s) }
