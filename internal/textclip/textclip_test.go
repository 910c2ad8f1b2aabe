package textclip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{{"abc", 3, "abc"}, {"abc", 2, "ab…"}, {"abc", 0, "…"}, {"", 0, ""}, {"aé", 2, "a…"}, {"aé", 3, "aé"}} {
		if got := Clip(c.s, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
	s := strings.Repeat("é", 10) // two bytes each
	for n := range 20 {
		c := Clip(s, n)
		if !utf8.ValidString(c) || len(strings.TrimSuffix(c, "…")) > n {
			t.Errorf("Clip(%q, %d) = %q: cut a character or kept too much", s, n, c)
		}
	}
}
