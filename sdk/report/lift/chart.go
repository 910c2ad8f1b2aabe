package lift

import (
	"github.com/sendflow/sendflow/internal/xmltext"

	"fmt"
	"strings"
)

// Charts are the SVG charts of a report, by name, each self-contained with
// a title and a description holding every figure for screen readers.
var Charts = []string{"districts", "allocations", "trend"}

// The UK Government Analysis Function's accessible categorical palette.
var palette = []string{"#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1", "#6BACE6", "#BFBFBF", "#0b0c0c"}

const (
	colText = "#0b0c0c"
	colMute = "#505a5f"
	colGrid = "#b1b4b6"
	svgW    = 860
	nameW   = 170 // right edge of the row labels
	plotX   = 182
	plotW   = 470
	rowH    = 26
	top     = 100
)

// SVG draws the named chart (one of Charts).
func SVG(r Report, chart string) (string, error) {
	switch chart {
	case "districts":
		return districtsSVG(r), nil
	case "allocations":
		return allocationsSVG(r), nil
	case "trend":
		return trendSVG(r), nil
	}
	return "", fmt.Errorf("no chart %q: the charts are %s", chart, strings.Join(Charts, ", "))
}

// esc escapes text for SVG content and attribute values (xmltext: the one
// XML escaper, which also keeps a control character or invalid UTF-8 in a
// district's name from making the chart ill-formed).
func esc(s string) string { return xmltext.Escape(s) }

// head opens a chart with its title, subtitle and description.
func head(b *strings.Builder, id string, h int, title, sub, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="lift-chart" data-chart="%s" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" font-family="Arial, Helvetica, sans-serif">`+"\n",
		id, svgW, h, svgW, h, id, id)
	fmt.Fprintf(b, `<title id="%s-title">%s</title>`+"\n<desc id=\"%s-desc\">%s</desc>\n", id, esc(title), id, esc(desc))
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", svgW, h)
	fmt.Fprintf(b, `<text x="24" y="34" font-size="20" font-weight="bold" fill="%s">%s</text>`+"\n", colText, esc(title))
	fmt.Fprintf(b, `<text x="24" y="56" font-size="13" fill="%s">%s</text>`+"\n", colMute, esc(sub))
}

// periodText says what the figures cover.
func periodText(r Report) string {
	from, to := r.Period.From, r.Period.To
	switch {
	case from == "" && to == "":
		return "all dates in the case histories"
	case from == "":
		return "up to " + to
	case to == "":
		return "from " + from
	}
	return from + " to " + to
}

func source(r Report) string {
	if r.Verified {
		return fmt.Sprintf("Source: sendflow case histories, each verified against policy %q; %d case(s) counted", r.PolicyID, r.Counted)
	}
	return fmt.Sprintf("Source: sendflow case histories (not verified); %d case(s) counted", r.Counted)
}

func maxOf(vals ...int) int {
	m := 1
	for _, v := range vals {
		m = max(m, v)
	}
	return m
}

// districtsSVG is cases discussed per district, one bar each, with the
// meetings and the first-contact rate as text.
func districtsSVG(r Report) string {
	h := top + len(r.Districts)*rowH + 50
	desc := strings.Builder{}
	peak := 0
	for _, d := range r.Districts {
		peak = max(peak, d.CasesDiscussed)
		fmt.Fprintf(&desc, "%s: %d cases discussed at %d meetings, first contact within %d working days %s. ", d.District, d.CasesDiscussed, d.Meetings, r.ContactWorkingDays, pctText(d.FirstContact.MetRate))
	}
	if len(r.Districts) == 0 {
		desc.WriteString("No cases were discussed.")
	}
	var b strings.Builder
	head(&b, "lift-districts", h, "Cases discussed at LIFT, by district", "LIFT meetings, "+periodText(r), strings.TrimSpace(desc.String()))
	fmt.Fprintf(&b, `<rect x="24" y="68" width="14" height="14" fill="%s"/><text x="44" y="80" font-size="13" fill="%s">Cases discussed (text: meetings held; first contact within %d working days)</text>`+"\n", palette[0], colText, r.ContactWorkingDays)
	scale := maxOf(peak)
	for i, d := range r.Districts {
		y := top + i*rowH
		w := d.CasesDiscussed * (plotW - 60) / scale
		fmt.Fprintf(&b, `<g class="district" data-district="%s">`+"\n", esc(d.District))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="%s" text-anchor="end">%s</text>`+"\n", nameW, y+15, colText, esc(d.District))
		fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%d" height="18" fill="%s"><title>%s: %d cases discussed</title></rect>`+"\n", plotX, y+2, w, palette[0], esc(d.District), d.CasesDiscussed)
		fmt.Fprintf(&b, `<text class="value" x="%d" y="%d" font-size="12" fill="%s">%d (%d meetings; %s)</text>`+"\n", plotX+w+6, y+15, colText, d.CasesDiscussed, d.Meetings, pctText(d.FirstContact.MetRate))
		b.WriteString("</g>\n")
	}
	fmt.Fprintf(&b, `<text x="24" y="%d" font-size="11" fill="%s">%s.</text>`+"\n</svg>\n", h-12, colMute, esc(source(r)))
	return b.String()
}

func pctText(f *float64) string {
	if f == nil {
		return "no contacts due"
	}
	return ftoa(f) + "% on time"
}

// allocationsSVG is each district's allocations split by profession, as a
// 100% stacked bar, so the consistency between districts shows.
func allocationsSVG(r Report) string {
	kinds := []string{}
	for _, s := range r.Consistency.Allocations {
		kinds = append(kinds, s.Kind)
	}
	h := top + 24*((len(kinds)+2)/3) + len(r.Districts)*rowH + 50
	var desc strings.Builder
	for _, s := range r.Consistency.Allocations {
		fmt.Fprintf(&desc, "%s: from %.1f%% of allocations (%s) to %.1f%% (%s). ", s.Kind, s.Min, s.MinDistrict, s.Max, s.MaxDistrict)
	}
	if len(kinds) == 0 {
		desc.WriteString("No professionals were allocated.")
	}
	var b strings.Builder
	head(&b, "lift-allocations", h, "Allocations by profession, share of each district's allocations",
		"Professionals allocated at LIFT, "+periodText(r), strings.TrimSpace(desc.String()))
	for i, k := range kinds {
		x, y := 24+(i%3)*270, 68+(i/3)*24
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/><text x="%d" y="%d" font-size="13" fill="%s">%s</text>`+"\n", x, y, palette[i%len(palette)], x+20, y+12, colText, esc(k))
	}
	y0 := top + 24*((len(kinds)+2)/3) - 20
	for i, d := range r.Districts {
		y := y0 + i*rowH
		total := 0
		for _, n := range d.Allocations {
			total += n
		}
		fmt.Fprintf(&b, `<g class="district" data-district="%s">`+"\n", esc(d.District))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="%s" text-anchor="end">%s</text>`+"\n", nameW, y+15, colText, esc(d.District))
		x := plotX
		for j, k := range kinds {
			n := d.Allocations[k]
			if total == 0 || n == 0 {
				continue
			}
			w := n * plotW / total
			fmt.Fprintf(&b, `<rect class="bar" data-kind="%s" x="%d" y="%d" width="%d" height="18" fill="%s"><title>%s, %s: %d of %d allocations</title></rect>`+"\n", esc(k), x, y+2, w, palette[j%len(palette)], esc(d.District), esc(k), n, total)
			x += w
		}
		fmt.Fprintf(&b, `<text class="value" x="%d" y="%d" font-size="12" fill="%s">%d allocations</text>`+"\n", plotX+plotW+8, y+15, colText, total)
		b.WriteString("</g>\n")
	}
	fmt.Fprintf(&b, `<text x="24" y="%d" font-size="11" fill="%s">%s.</text>`+"\n</svg>\n", h-12, colMute, esc(source(r)))
	return b.String()
}

// trendSVG is a column chart, term by term over every district: cases
// discussed and professionals allocated side by side.
func trendSVG(r Report) string {
	n := len(r.Terms)
	plotH := 260
	h := top + plotH + 110
	peak := 0
	var desc strings.Builder
	for _, t := range r.Terms {
		alloc := t.FirstContact.Allocations
		peak = max(peak, t.CasesDiscussed, alloc)
		fmt.Fprintf(&desc, "%s: %d cases discussed, %d professionals allocated, %d meetings. ", t.Key, t.CasesDiscussed, alloc, t.Meetings)
	}
	if n == 0 {
		desc.WriteString("No LIFT activity in the period.")
	}
	var b strings.Builder
	head(&b, "lift-trend", h, "LIFT activity term by term", "All districts, "+periodText(r)+" (terms: autumn from 1 August, spring to Easter, summer to 31 July)", strings.TrimSpace(desc.String()))
	fmt.Fprintf(&b, `<rect x="24" y="68" width="14" height="14" fill="%s"/><text x="44" y="80" font-size="13" fill="%s">Cases discussed</text>`+"\n", palette[0], colText)
	fmt.Fprintf(&b, `<rect x="204" y="68" width="14" height="14" fill="%s"/><text x="224" y="80" font-size="13" fill="%s">Professionals allocated</text>`+"\n", palette[1], colText)
	base := top + plotH
	fmt.Fprintf(&b, `<line x1="60" y1="%d" x2="%d" y2="%d" stroke="%s"/>`+"\n", base, svgW-24, base, colGrid)
	slot := (svgW - 84) / max(n, 1)
	bw := max(2, min(28, slot/3))
	scale := maxOf(peak)
	for i, t := range r.Terms {
		x := 60 + i*slot + slot/2 - bw
		fmt.Fprintf(&b, `<g class="term" data-term="%s">`+"\n", esc(t.Key))
		for j, v := range []int{t.CasesDiscussed, t.FirstContact.Allocations} {
			hgt := v * plotH / scale
			fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s: %d</title></rect>`+"\n", x+j*bw, base-hgt, bw, hgt, palette[j], esc(t.Key), v)
			if bw >= 14 {
				fmt.Fprintf(&b, `<text class="value" x="%d" y="%d" font-size="11" fill="%s" text-anchor="middle">%d</text>`+"\n", x+j*bw+bw/2, base-hgt-4, colText, v)
			}
		}
		if slot >= 110 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="middle">%s</text>`+"\n", x+bw, base+18, colText, esc(t.Key))
		} else {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="end" transform="rotate(-40 %d %d)">%s</text>`+"\n", x+bw, base+16, colText, x+bw, base+16, esc(t.Key))
		}
		b.WriteString("</g>\n")
	}
	fmt.Fprintf(&b, `<text x="24" y="%d" font-size="11" fill="%s">%s.</text>`+"\n</svg>\n", h-12, colMute, esc(source(r)))
	return b.String()
}
