package xmltext

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// TestEscapeMatchesEncodingXML: for text XML can hold, Escape is
// encoding/xml's EscapeText; for text it cannot, the result still parses and
// reads back with U+FFFD in place of each bad character.
func TestEscapeMatchesEncodingXML(t *testing.T) {
	for _, s := range []string{"", "plain", `O'Brien & "Sons" <ltd>`, "tab\tline\nreturn\r", "Ysgol Gymraeg Caerdydd – café"} {
		var want bytes.Buffer
		if err := xml.EscapeText(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if got := Escape(s); got != want.String() {
			t.Errorf("Escape(%q) = %q, want %q", s, got, want.String())
		}
	}
	for in, back := range map[string]string{"a\x00b": "a\uFFFDb", "bad \xff utf8": "bad \uFFFD utf8", "\x1b[31m": "\uFFFD[31m", "\uFFFE": "\uFFFD"} {
		var v struct {
			A string `xml:"a,attr"`
			T string `xml:",chardata"`
		}
		doc := `<x a="` + Escape(in) + `">` + Escape(in) + `</x>`
		if err := xml.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatalf("%q: %s does not parse: %v", in, doc, err)
		}
		if v.A != back || v.T != back {
			t.Errorf("%q read back as %q and %q, want %q", in, v.A, v.T, back)
		}
	}
}
