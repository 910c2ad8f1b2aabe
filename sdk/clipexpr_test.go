package sdk

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestClipExprKeepsCharactersWhole: a long expression is cut to 77 bytes
// and "...", never in the middle of a UTF-8 character; a short one is only
// quoted.
func TestClipExprKeepsCharactersWhole(t *testing.T) {
	assert.Equal(t, `"a == 1"`, clipExpr("a == 1"))
	ascii := strings.Repeat("x", 100)
	assert.Equal(t, `"`+strings.Repeat("x", 77)+`..."`, clipExpr(ascii))
	// "é" is two bytes: at offset 76 it straddles the 77-byte cut.
	s := strings.Repeat("x", 76) + strings.Repeat("é", 10)
	got := clipExpr(s)
	assert.Equal(t, `"`+strings.Repeat("x", 76)+`..."`, got)
	assert.True(t, utf8.ValidString(got))
	for _, s := range []string{strings.Repeat("é", 60), strings.Repeat("€", 40), strings.Repeat("x", 75) + strings.Repeat("😀", 5)} {
		got := clipExpr(s)
		assert.True(t, utf8.ValidString(got), got)
		assert.NotContains(t, got, `\x`, "no byte of a cut character")
	}
}
