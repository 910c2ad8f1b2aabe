package policy

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
	k := &keyChecker{name: name, lines: strings.Split(string(data), "\n")}
	for _, d := range f.Docs {
		if d != nil {
			k.walk(d.Body, reflect.TypeOf(Policy{}), "")
		}
	}
	return k.out
}

// keyChecker walks a policy document beside the Go type it decodes into.
type keyChecker struct {
	name  string
	lines []string
	out   []Problem
}

// walk checks node n, which decodes into a t, at path (".triggers[2]").
func (k *keyChecker) walk(n ast.Node, t reflect.Type, path string) {
	if strings.Count(path, ".")+strings.Count(path, "[") > 64 {
		return // deeper than any policy; the decoder judges the rest
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.AnchorNode:
		k.walk(v.Value, t, path)
		return
	case *ast.TagNode:
		k.walk(v.Value, t, path)
		return
	case *ast.SequenceNode:
		if t.Kind() == reflect.Slice {
			for i, x := range v.Values {
				k.walk(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
		return
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
			k.walk(p.Value, t.Elem(), path+"."+keyName(p.Key))
		}
	case reflect.Struct:
		k.fields(pairs, t, path)
	}
}

// fields checks a mapping's keys against struct t's JSON field names, and
// walks the value of each known one.
func (k *keyChecker) fields(pairs []*ast.MappingValueNode, t reflect.Type, path string) {
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
		key := keyName(p.Key)
		if key == "<<" {
			continue // a YAML merge key
		}
		if ft, ok := fields[key]; ok {
			k.walk(p.Value, ft, path+"."+key)
			continue
		}
		k.unknown(p.Key, key, path, names)
	}
}

// unknown reports the unknown key at node, under path, suggesting one of
// names.
func (k *keyChecker) unknown(node ast.MapKeyNode, key, path string, names []string) {
	msg := fmt.Sprintf("unknown key %q%s", key, Suggest(key, names))
	if where := strings.TrimPrefix(path, "."); where != "" {
		msg = where + ": " + msg
	}
	pr := Problem{Code: "unknown_key", Message: msg}
	if tok := node.GetToken(); tok != nil && tok.Position != nil {
		pos := tok.Position
		pr.Pos = Position{File: k.name, Line: pos.Line, Col: pos.Column}
		if pos.Line >= 1 && pos.Line <= len(k.lines) {
			pr.Snippet = snippet(pos.Line, k.lines[pos.Line-1], pos.Column-1)
		}
	}
	k.out = append(k.out, pr)
}

func keyName(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	return k.String()
}
