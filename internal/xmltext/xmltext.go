// Package xmltext escapes text for XML (element content and attribute
// values alike): the one escaper behind the SVG charts and the SEN2 XML
// return. It is not encoding/xml, which the browser module would pay for
// in size. A character XML 1.0 cannot hold (a control character other than
// tab, line feed and carriage return, a lone surrogate, U+FFFE, U+FFFF,
// invalid UTF-8) becomes U+FFFD, so whatever a case holds, the document
// stays well formed.
package xmltext

import (
	"strings"
	"unicode/utf8"
)

// Escape escapes s as encoding/xml's EscapeText does: &, <, >, both
// quotes, and tab, line feed and carriage return as character references.
func Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\t':
			b.WriteString("&#x9;")
		case r == '\n':
			b.WriteString("&#xA;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == utf8.RuneError && size == 1, r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
