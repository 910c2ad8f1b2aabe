package hostile

import (
	"strings"
	"testing"
)

func TestLaughs(t *testing.T) {
	got := Laughs("  ", 2)
	want := "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" +
		"  a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n" +
		"  a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n"
	if got != want {
		t.Fatalf("Laughs(\"  \", 2) =\n%s\nwant\n%s", got, want)
	}
	if n := strings.Count(Laughs("", 9), "*a"); n != 90 {
		t.Fatalf("nine levels hold %d aliases, want 90", n)
	}
}
