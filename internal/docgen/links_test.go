package docgen

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Bulk CLI commands and reliability limits": "bulk-cli-commands-and-reliability-limits",
		"Track `ehc`":                  "track-ehc",
		"`ehc.requested`":              "ehcrequested",
		"`ehc_decision_to_assess`":     "ehc_decision_to_assess",
		"Decisions and evidence":       "decisions-and-evidence",
		"What's in a *scenario* file?": "whats-in-a-scenario-file",
		"[Links](x.md) in headings":    "links-in-headings",
		"5a — Active plan":             "5a--active-plan",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnchorsNumberRepeats(t *testing.T) {
	doc := "# Top\n\n## Example\n\n```\n## Not a heading\n```\n\n## Example\n\n<a name=\"here\"></a>\n"
	a := Anchors([]byte(doc))
	for _, want := range []string{"top", "example", "example-1", "here"} {
		if !a[want] {
			t.Errorf("no anchor %q in %v", want, a)
		}
	}
	if a["not-a-heading"] {
		t.Error("a heading inside a code block counted")
	}
}

func TestLinksSkipCode(t *testing.T) {
	doc := "See [a](a.md) and `[b](b.md)`.\n```\n[c](c.md)\n```\n[d]: d.md\n<img src=\"e.png\"> ![f](f.png \"title\")\n"
	var got []string
	for _, l := range Links("x.md", []byte(doc)) {
		got = append(got, l.Target)
	}
	slices.Sort(got)
	if strings.Join(got, " ") != "a.md d.md e.png f.png" {
		t.Errorf("links = %v", got)
	}
}

// The checker refuses what a clone could not follow.
func TestCheckLinkFails(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "docs"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "README.md"), []byte("# Read me\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "docs", "a.md"), []byte("# A\n\n## Part two\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "docs", "built.txt"), nil, 0o644))
	tracked := func(rel string) bool { return rel != "docs/built.txt" }
	for target, want := range map[string]string{
		"a.md":                         "",
		"a.md#part-two":                "",
		"#a":                           "",
		"../README.md#read-me":         "",
		".":                            "",
		"https://example.org/x":        "",
		"b.md":                         "no such file",
		"a.md#part-three":              "no heading",
		"#nowhere":                     "no heading",
		"../../outside/domain/SPEC.md": "leaves the repository",
		"/docs/a.md":                   "absolute path",
		"file:///etc/passwd":           "not a web link",
		"built.txt":                    "not in the repository",
	} {
		got := CheckLink(root, Link{File: "docs/a.md", Line: 1, Target: target}, tracked)
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("CheckLink(%q) = %q, want %q", target, got, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
