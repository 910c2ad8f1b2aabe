package sdk

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// unknownKeys finds every key in a policy document that the policy format
// does not have, with its position and a "did you mean" (the YAML decoder
// stops at the first one; an author wants them all at once).
// f is the parsed document (nil when it does not parse: the decoder reports
// the syntax error).
func unknownKeys(name string, f *ast.File, data []byte) []Problem {
	if f == nil {
		return nil
	}
	var out []Problem
	lines := strings.Split(string(data), "\n")
	var walk func(n ast.Node, t reflect.Type, path string)
	walk = func(n ast.Node, t reflect.Type, path string) {
		if strings.Count(path, ".")+strings.Count(path, "[") > 64 {
			return // deeper than any policy; the decoder judges the rest
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch v := n.(type) {
		case nil:
			return
		case *ast.AnchorNode:
			walk(v.Value, t, path)
			return
		case *ast.TagNode:
			walk(v.Value, t, path)
			return
		case *ast.SequenceNode:
			if t.Kind() == reflect.Slice {
				for i, x := range v.Values {
					walk(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
				}
			}
			return
		}
		var pairs []*ast.MappingValueNode
		switch v := n.(type) {
		case *ast.MappingNode:
			pairs = v.Values
		case *ast.MappingValueNode:
			pairs = []*ast.MappingValueNode{v}
		default:
			return
		}
		switch t.Kind() {
		case reflect.Map:
			for _, p := range pairs {
				walk(p.Value, t.Elem(), path+"."+keyName(p.Key))
			}
		case reflect.Struct:
			fields := map[string]reflect.Type{}
			var names []string
			for i := 0; i < t.NumField(); i++ {
				sf := t.Field(i)
				tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
				if tag == "" || tag == "-" || !sf.IsExported() {
					continue
				}
				fields[tag] = sf.Type
				names = append(names, tag)
			}
			for _, p := range pairs {
				k := keyName(p.Key)
				ft, ok := fields[k]
				if k == "<<" {
					continue // a YAML merge key
				}
				if ok {
					walk(p.Value, ft, path+"."+k)
					continue
				}
				msg := fmt.Sprintf("unknown key %q%s", k, suggest(k, names))
				if where := strings.TrimPrefix(path, "."); where != "" {
					msg = where + ": " + msg
				}
				pr := Problem{Code: "unknown_key", Message: msg, Severity: SeverityError}
				if tok := p.Key.GetToken(); tok != nil && tok.Position != nil {
					pos := tok.Position
					pr.place(position{file: name, line: pos.Line, col: pos.Column})
					if pos.Line >= 1 && pos.Line <= len(lines) {
						pr.Snippet = snippet(pos.Line, lines[pos.Line-1], pos.Column-1)
					}
				}
				out = append(out, pr)
			}
		}
	}
	for _, d := range f.Docs {
		if d != nil {
			walk(d.Body, reflect.TypeOf(Policy{}), "")
		}
	}
	return out
}

func keyName(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	return k.String()
}
