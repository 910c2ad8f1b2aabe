package docgen

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
)

// Slug is the anchor GitHub gives a heading: the heading's text without its
// Markdown (code marks, emphasis, link targets), lower-cased, with every
// character that is not a letter, digit, space, hyphen or underscore
// dropped and spaces turned into hyphens. A repeated heading gets -1, -2...
// (see Anchors).
func Slug(heading string) string {
	text := plainText(heading)
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	inlineLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
)

// plainText is a heading's text as GitHub renders it, before slugging.
func plainText(s string) string {
	s = inlineLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	return strings.NewReplacer("`", "", "*", "", "~~", "").Replace(strings.TrimSpace(s))
}

// Link is one link found in a Markdown file.
type Link struct {
	File   string // the file the link is in, slash-separated, relative to the root
	Line   int
	Target string // as written
}

var (
	// [text](target "title") and ![alt](target); the target may be in <...>.
	mdLink = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+"[^"]*")?\s*\)`)
	// [label]: target
	refDef = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*(\S+)`)
	// href="..." and src="..." in inline HTML.
	htmlRef = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*"([^"]*)"`)
	// Explicit anchors: <a name="x"> or id="x".
	htmlAnchor = regexp.MustCompile(`(?i)<a\s[^>]*\b(?:name|id)\s*=\s*"([^"]*)"`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
	heading    = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
)

// fence reports whether line opens or closes a fenced code block.
func fence(line string) bool {
	t := strings.TrimLeft(line, " ")
	return len(line)-len(t) < 4 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"))
}

// Links lists the links of a Markdown document, outside code blocks and
// code spans.
func Links(file string, doc []byte) []Link {
	var out []Link
	inFence := false
	for i, line := range strings.Split(string(doc), "\n") {
		if fence(line) {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := refDef.FindStringSubmatch(line); m != nil {
			out = append(out, Link{File: file, Line: i + 1, Target: m[1]})
			continue
		}
		line = codeSpan.ReplaceAllString(line, "")
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			out = append(out, Link{File: file, Line: i + 1, Target: strings.Trim(m[1], "<>")})
		}
		for _, m := range htmlRef.FindAllStringSubmatch(line, -1) {
			out = append(out, Link{File: file, Line: i + 1, Target: m[1]})
		}
	}
	return out
}

// Anchors lists the anchors a Markdown document defines: its headings'
// slugs (a repeated slug numbered as GitHub numbers it) and explicit HTML
// anchors.
func Anchors(doc []byte) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	inFence := false
	for _, line := range strings.Split(string(doc), "\n") {
		if fence(line) {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			out[m[1]] = true
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := Slug(m[2])
		if n := seen[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// CheckLink checks one link of a document under root: a web or mail link
// is left alone; any other must be relative, stay inside root, name a file
// or directory that exists (and, when exists is not nil, that exists says
// is in the repository), and an #anchor into a Markdown file must name one
// of its headings. It returns "" when the link is good, else why not.
func CheckLink(root string, l Link, exists func(rel string) bool) string {
	t := l.Target
	lower := strings.ToLower(t)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "mailto:"):
		return ""
	case t == "":
		return "empty link"
	case strings.Contains(t, "://") || strings.HasPrefix(lower, "file:"):
		return "not a web link nor a path in the repository"
	case strings.HasPrefix(t, "/"):
		return "an absolute path: write it relative to the file"
	}
	target, anchor, _ := strings.Cut(t, "#")
	if i := strings.Index(target, "?"); i >= 0 {
		target = target[:i]
	}
	rel := l.File // a bare #anchor is into the file itself
	if target != "" {
		rel = path.Clean(path.Join(path.Dir(l.File), target))
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "leaves the repository: a clone does not have " + rel
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	st, err := os.Stat(full)
	if err != nil {
		return "no such file: " + rel
	}
	if exists != nil && !exists(rel) {
		return rel + " is not in the repository (untracked or ignored)"
	}
	if anchor == "" || st.IsDir() || !strings.HasSuffix(strings.ToLower(rel), ".md") {
		return ""
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return err.Error()
	}
	if !Anchors(data)[anchor] {
		return fmt.Sprintf("%s has no heading with anchor #%s", rel, anchor)
	}
	return ""
}
