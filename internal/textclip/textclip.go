// Package textclip shortens text for messages without cutting a UTF-8
// character in half. It is the one clip of the module (the SDK, its
// report, the bridge and the tests' random walks use it).
package textclip

import "unicode/utf8"

// Clip returns s cut to at most n bytes without splitting a UTF-8
// character, with "…" when it was cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
