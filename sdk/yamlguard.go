package sdk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
)

// guardYAML checks a policy document before any YAML parser reads it (its
// depth, MaxYAMLDepth) and before it is decoded (the values it expands to,
// MaxYAMLNodes). It returns the parsed file (nil when it does not parse: the
// decoder reports the syntax error), or a limit_exceeded *Error.
func guardYAML(name string, data []byte) (*ast.File, error) {
	if err := yamlsafe.Depth(data, MaxYAMLDepth); err != nil {
		return nil, yamlLimit(name, err, MaxYAMLDepth)
	}
	if err := yamlsafe.Breadth(data, MaxYAMLSeparators); err != nil {
		return nil, yamlLimit(name, err, MaxYAMLSeparators)
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, nil
	}
	if err := yamlsafe.Nodes(f, MaxYAMLNodes); err != nil {
		return nil, yamlLimit(name, err, MaxYAMLNodes)
	}
	return f, nil
}

func yamlLimit(name string, err error, limit int) *Error {
	e := &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("policy %s: %v; the limit is %d", name, err, limit), Location: name}
	var ye *yamlsafe.Error
	if errors.As(err, &ye) && ye.NotYAML {
		pos := position{file: name, line: ye.Line, col: ye.Column}
		return &Error{Code: CodeInvalidPolicy, Message: ye.Message, Location: pos.String(),
			Problems: []Problem{policyProblem("syntax", ye.Message, pos)}}
	}
	if errors.As(err, &ye) {
		e.Message = fmt.Sprintf("policy %s: %s; the limit is %d", name, ye.Message, limit)
		if ye.Line > 0 {
			e.Location = position{file: name, line: ye.Line, col: ye.Column}.String()
		}
	}
	return e
}

// maxMessageBytes bounds one problem's message, and snippetWidth the source
// text a snippet shows around its caret: a policy line can be a megabyte.
const (
	maxMessageBytes = 512
	snippetWidth    = 120
	snippetLines    = 8
)

// capProblems keeps at most MaxProblems problems, the last saying how many
// more there were, and clips every message and snippet.
func capProblems(ps []Problem) []Problem {
	if len(ps) > MaxProblems {
		more := len(ps) - (MaxProblems - 1)
		ps = append(ps[:MaxProblems-1:MaxProblems-1], Problem{Code: "more_problems",
			Message: fmt.Sprintf("%d more problem(s) not shown", more), Severity: SeverityError})
	}
	for i := range ps {
		ps[i].Message = textclip.Clip(ps[i].Message, maxMessageBytes)
		ps[i].Snippet = clipLines(ps[i].Snippet)
	}
	return ps
}

// clipLines clips each line of s to snippetWidth bytes and keeps at most
// snippetLines lines (go-yaml's errors quote whole source lines).
func clipLines(s string) string {
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
func (s *source) index() *posIndex {
	if s.pos == nil {
		f := s.file
		if f == nil {
			if yamlsafe.Depth(s.data, MaxYAMLDepth) == nil {
				f, _ = parser.ParseBytes(s.data, 0)
			}
		}
		s.pos = newPosIndex(f, s.data)
		s.file = nil
	}
	return s.pos
}
