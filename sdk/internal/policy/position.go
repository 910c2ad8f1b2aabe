package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
)

// Position is a place in a policy file. sdk's Problem.Location
// ("file:line:col") and Problem.File, Line and Column are all written from
// one, so the two spellings always agree.
type Position struct {
	File string
	// Line and Col count from 1; both are 0 when only the file is known.
	Line, Col int
}

// String is the position as Problem.Location spells it: "file:line:col",
// or the file alone.
func (p Position) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// MaxMessageBytes bounds one problem's message, and snippetWidth the
// source text a snippet shows around its caret: a policy line can be a
// megabyte.
const (
	MaxMessageBytes = 512
	snippetWidth    = 120
	snippetLines    = 8
)

// ClipSnippet clips each line of s to snippetWidth bytes and keeps at most
// snippetLines lines (go-yaml's errors quote whole source lines).
func ClipSnippet(s string) string {
	if len(s) <= snippetWidth && !strings.Contains(s, "\n") {
		return s
	}
	lines := strings.SplitN(s, "\n", snippetLines+1)
	if len(lines) > snippetLines {
		lines = lines[:snippetLines]
	}
	for i, l := range lines {
		lines[i] = textclip.Clip(l, snippetWidth+16)
	}
	return strings.Join(lines, "\n")
}

// snippet shows line n of a source with a caret under byte col (0-based),
// at most snippetWidth bytes of the line around the caret.
func snippet(n int, line string, col int) string {
	col = min(max(col, 0), len(line))
	if len(line) <= snippetWidth {
		return fmt.Sprintf("%4d | %s\n     | %s^", n, line, strings.Repeat(" ", col))
	}
	start := max(col-snippetWidth/2, 0)
	for start > 0 && !utf8.RuneStart(line[start]) {
		start--
	}
	end := min(start+snippetWidth, len(line))
	for end < len(line) && !utf8.RuneStart(line[end]) {
		end--
	}
	text, caret := line[start:end], utf8.RuneCountInString(line[start:col])
	if start > 0 {
		text, caret = "…"+text, caret+1
	}
	if end < len(line) {
		text += "…"
	}
	return fmt.Sprintf("%4d | %s\n     | %s^", n, text, strings.Repeat(" ", caret))
}

// Layer is one parsed policy layer: the default, then each overlay.
type Layer struct {
	Name   string
	Policy Policy
	Data   []byte
	// File is the layer's syntax tree when it was parsed with it, and pos
	// its position index, built from it (or by one parse, when the source
	// is at most MaxDepth deep) on first use.
	File     *ast.File
	MaxDepth int
	pos      *posIndex
}

// posIndex places problems in one layer's source: the node at every YAML
// path ("$.triggers[3].guards[0].expr") and where each line starts, both
// from one parse, so placing n problems costs n lookups, not n parses.
type posIndex struct {
	nodes map[string]ast.Node
	data  []byte
	lines []int // byte offset of each line's start
}

func newPosIndex(f *ast.File, data []byte) *posIndex {
	x := &posIndex{nodes: map[string]ast.Node{}, data: data, lines: []int{0}}
	for i, b := range data {
		if b == '\n' {
			x.lines = append(x.lines, i+1)
		}
	}
	if f == nil {
		return x
	}
	var walk func(n ast.Node, path string)
	walk = func(n ast.Node, path string) {
		if n == nil {
			return
		}
		if _, ok := x.nodes[path]; !ok {
			x.nodes[path] = n
		}
		switch v := n.(type) {
		case *ast.AnchorNode:
			walk(v.Value, path)
		case *ast.TagNode:
			walk(v.Value, path)
		case *ast.MappingNode:
			for _, kv := range v.Values {
				walk(kv.Value, path+"."+keyName(kv.Key))
			}
		case *ast.MappingValueNode:
			walk(v.Value, path+"."+keyName(v.Key))
		case *ast.SequenceNode:
			for i, e := range v.Values {
				walk(e, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	for _, d := range f.Docs {
		if d != nil {
			walk(d.Body, "$")
		}
	}
	return x
}

// line is line n (1-based) of the source, without its line break, or "".
func (x *posIndex) line(n int) (string, bool) {
	if n < 1 || n > len(x.lines) {
		return "", false
	}
	end := len(x.data)
	if n < len(x.lines) {
		end = x.lines[n] - 1
	}
	return string(x.data[x.lines[n-1]:end]), true
}

// index returns the layer's position index, built on first use.
func (s *Layer) index() *posIndex {
	if s.pos == nil {
		f := s.File
		if f == nil {
			if yamlsafe.Depth(s.Data, s.MaxDepth) == nil {
				f, _ = parser.ParseBytes(s.Data, 0)
			}
		}
		s.pos = newPosIndex(f, s.Data)
		s.File = nil
	}
	return s.pos
}

// Locate finds the position of a YAML path ("$.triggers[3].guards[0].expr")
// in the layer's source, and its snippet, with the caret moved col
// characters into a one-line scalar (a column inside a guard expression).
// It looks the path up in the layer's position index (built once).
func (s *Layer) Locate(path string, col int) (Position, string) {
	n := s.index().nodes[path]
	for n == nil && path != "$" && path != "" {
		// A key the layer leaves out (an empty expression, no from-states)
		// is placed at the element that should hold it.
		path = parentPath(path)
		n, col = s.index().nodes[path], 0
	}
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return Position{File: s.Name}, ""
	}
	tok := n.GetToken()
	pos := *tok.Position
	if col > 0 && !strings.Contains(tok.Value, "\n") {
		switch tok.Type {
		case token.SingleQuoteType, token.DoubleQuoteType:
			pos.Column += col
		case token.StringType:
			pos.Column += col - 1
		}
	}
	sn := ""
	if line, ok := s.index().line(pos.Line); ok {
		sn = snippet(pos.Line, line, pos.Column-1)
	}
	return Position{File: s.Name, Line: pos.Line, Col: pos.Column}, sn
}

// parentPath is the YAML path of the element that holds path: "$.a[1]"
// for "$.a[1].b", "$.a" for "$.a[1]".
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i <= 0 {
		return "$"
	}
	return path[:i]
}

// Elem is the YAML path of element i of the list at path: path[i].
func Elem(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
