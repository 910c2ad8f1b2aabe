package policy

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
)

// Limits are the caps a document is checked against before and while it
// is parsed (sdk's MaxPolicyBytes, MaxYAMLDepth, MaxYAMLSeparators,
// MaxYAMLNodes and MaxProblems, documented there).
type Limits struct {
	Bytes, Depth, Separators, Nodes, Problems int
}

// The codes of an Error and of its problems that the front end uses (sdk's
// Code values of the same names).
const (
	CodeInvalidPolicy = "invalid_policy"
	CodeLimitExceeded = "limit_exceeded"
)

// Problem is one fault the front end finds in a document, at Pos.
type Problem struct {
	Code, Message string
	Pos           Position
	Snippet       string
}

// Error is a document the front end refuses: Code is invalid_policy or
// limit_exceeded; Location is "file:line:col" (or the file) when known.
type Error struct {
	Code, Message, Location string
	Problems                []Problem
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Parse reads one policy document (YAML or JSON) named name: its size,
// depth and expansion are checked (lim) before it is parsed, every key the
// format does not have is reported at once (unknown_key, with a "did you
// mean"), then it is decoded strictly. It returns the policy and the
// document's syntax tree, or an *Error.
func Parse(name string, data []byte, lim Limits) (Policy, *ast.File, error) {
	var p Policy
	if len(data) > lim.Bytes {
		return p, nil, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("policy %s is %d bytes; the limit is %d", name, len(data), lim.Bytes)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return p, nil, &Error{Code: CodeInvalidPolicy, Message: fmt.Sprintf("policy %s is empty", name), Location: name}
	}
	f, err := guardYAML(name, data, lim)
	if err != nil {
		return p, nil, err
	}
	if probs := unknownKeys(name, f, data); len(probs) > 0 {
		probs = capProblems(probs, lim.Problems)
		return p, nil, &Error{Code: CodeInvalidPolicy, Message: probs[0].Message, Location: probs[0].Pos.String(), Problems: probs}
	}
	if err := decodeYAML(data, &p); err != nil {
		pos := Position{File: name}
		msg := err.Error()
		var se yaml.Error
		if errors.As(err, &se) {
			if tok := se.GetToken(); tok != nil && tok.Position != nil {
				pos.Line, pos.Col = tok.Position.Line, tok.Position.Column
			}
			msg = se.GetMessage()
		}
		msg = textclip.Clip(msg, MaxMessageBytes)
		pr := Problem{Code: "syntax", Message: msg, Pos: pos, Snippet: firstLines(err.Error())}
		return p, nil, &Error{Code: CodeInvalidPolicy, Message: msg, Location: pos.String(), Problems: capProblems([]Problem{pr}, lim.Problems)}
	}
	return p, f, nil
}

// guardYAML checks a policy document before any YAML parser reads it (its
// depth and separators) and before it is decoded (the values it expands
// to). It returns the parsed file (nil when it does not parse: the decoder
// reports the syntax error), or a limit_exceeded *Error.
func guardYAML(name string, data []byte, lim Limits) (*ast.File, error) {
	if err := yamlsafe.Depth(data, lim.Depth); err != nil {
		return nil, yamlLimit(name, err, lim.Depth)
	}
	if err := yamlsafe.Breadth(data, lim.Separators); err != nil {
		return nil, yamlLimit(name, err, lim.Separators)
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, nil
	}
	if err := yamlsafe.Nodes(f, lim.Nodes); err != nil {
		return nil, yamlLimit(name, err, lim.Nodes)
	}
	return f, nil
}

func yamlLimit(name string, err error, limit int) *Error {
	e := &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("policy %s: %v; the limit is %d", name, err, limit), Location: name}
	var ye *yamlsafe.Error
	if errors.As(err, &ye) && ye.NotYAML {
		pos := Position{File: name, Line: ye.Line, Col: ye.Column}
		return &Error{Code: CodeInvalidPolicy, Message: ye.Message, Location: pos.String(),
			Problems: []Problem{{Code: "syntax", Message: ye.Message, Pos: pos}}}
	}
	if errors.As(err, &ye) {
		e.Message = fmt.Sprintf("policy %s: %s; the limit is %d", name, ye.Message, limit)
		if ye.Line > 0 {
			e.Location = Position{File: name, Line: ye.Line, Col: ye.Column}.String()
		}
	}
	return e
}

// decodeYAML decodes a policy strictly. go-yaml panics on some malformed
// documents (an empty "!" tag where a list is expected); that is a syntax
// error in the policy, not a fault of the engine.
func decodeYAML(data []byte, p *Policy) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the document could not be read as YAML (look for an empty or unknown \"!\" tag)")
		}
	}()
	return yaml.UnmarshalWithOptions(data, p, yaml.Strict(), yaml.UseJSONUnmarshaler())
}

func firstLines(s string) string {
	if i := strings.Index(s, "\n"); i >= 0 {
		return strings.TrimRight(s[i+1:], "\n")
	}
	return ""
}

// capProblems keeps at most limit problems (all of them when limit is not
// positive), the last saying how many more there were, and clips every
// message and snippet.
func capProblems(ps []Problem, limit int) []Problem {
	if limit > 0 && len(ps) > limit {
		more := len(ps) - (limit - 1)
		ps = append(ps[:limit-1:limit-1], Problem{Code: "more_problems", Message: fmt.Sprintf("%d more problem(s) not shown", more)})
	}
	for i := range ps {
		ps[i].Message = textclip.Clip(ps[i].Message, MaxMessageBytes)
		ps[i].Snippet = ClipSnippet(ps[i].Snippet)
	}
	return ps
}
