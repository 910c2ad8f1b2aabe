package lift

import (
	"encoding/xml"
	"testing"
)

// A district's name is the case's own text: a control character or invalid
// UTF-8 in it must not make a chart ill-formed.
func TestChartTextIsAlwaysWellFormed(t *testing.T) {
	for _, name := range []string{"Dover\x01", "bad\xffbyte", `"Thanet" & <Canterbury>`} {
		var v struct {
			A string `xml:"data-district,attr"`
			T string `xml:",chardata"`
		}
		doc := `<g data-district="` + esc(name) + `">` + esc(name) + `</g>`
		if err := xml.Unmarshal([]byte(doc), &v); err != nil {
			t.Errorf("%q: %s is not well formed: %v", name, doc, err)
		}
	}
}
