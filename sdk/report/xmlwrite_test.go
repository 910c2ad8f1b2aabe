package report

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The return's text is escaped as the charts' is (internal/xmltext): a
// character XML cannot hold becomes U+FFFD.
func TestEscapeXML(t *testing.T) {
	assert.Equal(t, "a\uFFFDb\uFFFDc&#x9;d&amp;&lt;&gt;&#34;&#39;\uFFFD", escapeXML("a\x01b\xffc\td&<>\"'\uFFFE"))
}

// The chart's escaping is encoding/xml's EscapeText, written out.
func TestChartEscapeIsEscapeText(t *testing.T) {
	for _, s := range []string{"", "dover", "a&b<c>d\"e'f", "tab\tnl\ncr\r", "ctl\x01\x1f", "bad\xff\xfe", "ünï €", "\uFFFE\uFFFF\uFFFD", "\U0001F600"} {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		assert.Equal(t, b.String(), esc(s), "%q", s)
	}
}
