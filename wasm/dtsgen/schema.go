package dtsgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// node is a JSON Schema object with its keys in document order (the order
// the fields are declared in).
type node struct {
	keys []string
	vals map[string]any // *node, []any, string, float64, bool or nil
}

func (n *node) get(k string) any {
	if n == nil {
		return nil
	}
	return n.vals[k]
}

func (n *node) obj(k string) *node { o, _ := n.get(k).(*node); return o }

func (n *node) str(k string) string { s, _ := n.get(k).(string); return s }

func parse(b []byte) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := parseValue(d)
	if err != nil {
		return nil, err
	}
	n, ok := v.(*node)
	if !ok {
		return nil, fmt.Errorf("schema is not an object")
	}
	return n, nil
}

func parseValue(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		n := &node{vals: map[string]any{}}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := parseValue(d)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.(string))
			n.vals[k.(string)] = v
		}
		_, err = d.Token()
		return n, err
	case json.Delim('['):
		var a []any
		for d.More() {
			v, err := parseValue(d)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err = d.Token()
		return a, err
	}
	return t, nil
}

// canon is a node as canonical JSON, to compare two $defs of one name.
func canon(v any) string {
	var w func(v any) any
	w = func(v any) any {
		switch x := v.(type) {
		case *node:
			m := map[string]any{}
			for k, e := range x.vals {
				m[k] = w(e)
			}
			return m
		case []any:
			a := make([]any, len(x))
			for i, e := range x {
				a[i] = w(e)
			}
			return a
		}
		return v
	}
	b, _ := json.Marshal(w(v))
	return string(b)
}

// documents are the schemas declared, in this order, with the TypeScript
// name of each top-level document. The scenario schema describes scenario
// files (YAML, which the JS API takes as text), so it is not declared.
var documents = []struct{ schema, name string }{
	{"error", "SendflowErrorData"}, {"case", "Case"}, {"firing", "Firing"}, {"event", "Event"},
	{"outcome", "Outcome"}, {"clocks", "ClockReport"}, {"permitted", "Permitted"}, {"policy", "Policy"},
}

// aliases name the string enums that recur: every enum with the same values
// as the one at schema#pointer is written as the alias.
var aliases = []struct{ schema, pointer, name, doc string }{
	{"error", "/properties/code", "ErrorCode", "Every stable error code."},
	{"firing", "/properties/trigger", "Trigger", "Every trigger of the default policy."},
	{"firing", "/properties/actor", "Role", "Every role of the default policy."},
	{"permitted", "/$defs/Permission/properties/track", "Track", "Every track of the default policy."},
	{"case", "/$defs/Clock/properties/id", "ClockId", "Every clock id of the default policy."},
	{"clocks", "/$defs/ClockStatus/properties/key/anyOf/0", "ClockKey", "Every clock key of the default policy: the clock id, or \"clock.source\" for a per-source clock; a per-decision clock's key adds \".dN\" (a string)."},
	{"case", "/$defs/Clock/properties/source", "AdviceSource", "Every source of a per-source clock (the R6(1) advice sources)."},
	{"case", "/$defs/Clock/properties/kind", "ClockKind", "A clock is a duty (someone must act by its due date) or a window (a period that ends by itself)."},
	{"case", "/$defs/Clock/properties/status", "ClockState", "Where a clock stands."},
	{"case", "/$defs/Decision/properties/kind", "DecisionKind", "Every appealable decision of the default policy."},
	{"case", "/properties/evidence/items", "EvidenceKind", "Every kind of evidence of the default policy."},
}

const overlayNote = "The schemas are generated from the default policy, so an overlay that adds names needs a cast (`as %s`)."

type schemaGen struct {
	order   []string         // declared names, in order
	decl    map[string]*node // name -> schema
	docs    map[string]*node // top-level documents by schema name
	enums   map[string]string
	payload []payload
}

type payload struct {
	trigger  string
	schema   *node
	required bool
}

func enumKey(n *node) (string, bool) {
	a, ok := n.get("enum").([]any)
	if !ok {
		return "", false
	}
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, "\x00"), true
}

func pointer(n *node, p string) *node {
	var list []any
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if i, err := strconv.Atoi(part); err == nil && list != nil && i >= 0 && i < len(list) {
			n, _ = list[i].(*node)
			list = nil
			continue
		}
		if l, ok := n.get(part).([]any); ok {
			list = l
			continue
		}
		n = n.obj(part)
	}
	return n
}

// loadSchemas reads the documents through get (schemas.Get).
func loadSchemas(get func(string) ([]byte, bool)) (*schemaGen, error) {
	g := &schemaGen{decl: map[string]*node{}, docs: map[string]*node{}, enums: map[string]string{}}
	defs, defOrder, err := g.loadDocuments(get)
	if err != nil {
		return nil, err
	}
	if err := g.checkDocumentDefs(); err != nil {
		return nil, err
	}
	for _, k := range defOrder {
		g.order = append(g.order, k)
		g.decl[k] = defs[k]
	}
	for _, a := range aliases {
		n := pointer(g.docs[a.schema], a.pointer)
		k, ok := enumKey(n)
		if !ok {
			return nil, fmt.Errorf("alias %s: no enum at %s#%s", a.name, a.schema, a.pointer)
		}
		g.enums[k] = a.name
	}
	if err := g.loadPayloads(); err != nil {
		return nil, err
	}
	return g, nil
}

// loadDocuments parses each document's schema and declares it, and returns
// the $defs they share (payloads and documents aside) in the order first
// met; a $defs entry two schemas define differently is an error.
func (g *schemaGen) loadDocuments(get func(string) ([]byte, bool)) (map[string]*node, []string, error) {
	top := map[string]bool{}
	for _, d := range documents {
		top[d.name] = true
	}
	defs := map[string]*node{}
	var defOrder []string
	for _, d := range documents {
		b, ok := get(d.schema)
		if !ok {
			return nil, nil, fmt.Errorf("no schema %q", d.schema)
		}
		n, err := parse(b)
		if err != nil {
			return nil, nil, fmt.Errorf("schema %s: %w", d.schema, err)
		}
		g.docs[d.schema] = n
		g.order = append(g.order, d.name)
		g.decl[d.name] = n
		ds := n.obj("$defs")
		if ds == nil {
			continue
		}
		for _, k := range ds.keys {
			if strings.HasPrefix(k, "payload:") || top[k] {
				continue
			}
			v := ds.obj(k)
			if old, ok := defs[k]; ok {
				if canon(old) != canon(v) {
					return nil, nil, fmt.Errorf("$defs/%s differs between schemas (%s)", k, d.schema)
				}
				continue
			}
			defs[k] = v
			defOrder = append(defOrder, k)
		}
	}
	return defs, defOrder, nil
}

// checkDocumentDefs: a $defs entry named after a document (outcome's Case
// and Event) must declare the same fields as that document.
func (g *schemaGen) checkDocumentDefs() error {
	for _, d := range documents {
		for _, other := range g.docs {
			def := other.obj("$defs").obj(d.name)
			if def == nil {
				continue
			}
			for _, k := range []string{"properties", "required", "additionalProperties"} {
				if canon(def.get(k)) != canon(g.decl[d.name].get(k)) {
					return fmt.Errorf("$defs/%s differs from the %s document (%s)", d.name, d.schema, k)
				}
			}
		}
	}
	return nil
}

// loadPayloads reads the per-trigger payloads: firing's allOf of if
// trigger == T then data: payload:T.
func (g *schemaGen) loadPayloads() error {
	f := g.docs["firing"]
	all, _ := f.get("allOf").([]any)
	for _, c := range all {
		c, _ := c.(*node)
		t := c.obj("if").obj("properties").obj("trigger").str("const")
		then := c.obj("then")
		ref := then.obj("properties").obj("data").str("$ref")
		p := f.obj("$defs").obj(strings.TrimPrefix(ref, "#/$defs/"))
		if t == "" || p == nil {
			return fmt.Errorf("firing allOf: an entry is not a trigger's payload")
		}
		req, _ := then.get("required").([]any)
		g.payload = append(g.payload, payload{t, p, len(req) > 0})
	}
	return nil
}

func doc(b *strings.Builder, indent, text string) {
	if text == "" {
		return
	}
	text = strings.ReplaceAll(text, "*/", "*\\/")
	lines := strings.Split(text, "\n")
	if len(lines) == 1 {
		fmt.Fprintf(b, "%s/** %s */\n", indent, text)
		return
	}
	fmt.Fprintf(b, "%s/**\n", indent)
	for _, l := range lines {
		fmt.Fprintf(b, "%s * %s\n", indent, l)
	}
	fmt.Fprintf(b, "%s */\n", indent)
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func propName(s string) string {
	if isIdent(s) {
		return s
	}
	return strconv.Quote(s)
}

func paren(t string) string {
	if strings.ContainsAny(t, " |&") && !strings.HasPrefix(t, "{") {
		return "(" + t + ")"
	}
	return t
}

func isTyped(n *node) bool {
	for _, k := range []string{"type", "$ref", "enum", "const", "properties", "items", "anyOf"} {
		if n.get(k) != nil {
			return true
		}
	}
	return false
}

// ts is the TypeScript type of schema n; indent is the indentation of the
// line it starts on (for object literal types).
func (g *schemaGen) ts(n *node, indent string) string {
	if n == nil {
		return "unknown"
	}
	if ref := n.str("$ref"); ref != "" {
		return strings.TrimPrefix(ref, "#/$defs/")
	}
	if branches, ok := n.get("anyOf").([]any); ok {
		var parts []string
		for _, a := range branches {
			a, _ := a.(*node)
			if isTyped(a) {
				parts = append(parts, g.ts(a, indent))
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " | ")
		}
	}
	if c, ok := n.vals["const"]; ok {
		b, _ := json.Marshal(c)
		return string(b)
	}
	if k, ok := enumKey(n); ok {
		if name, ok := g.enums[k]; ok {
			return name
		}
		a := n.get("enum").([]any)
		s := make([]string, len(a))
		for i, v := range a {
			b, _ := json.Marshal(v)
			s[i] = string(b)
		}
		return strings.Join(s, " | ")
	}
	switch t := n.get("type").(type) {
	case []any:
		var parts []string
		for _, x := range t {
			parts = append(parts, g.ts(&node{keys: []string{"type"}, vals: map[string]any{"type": x}}, indent))
		}
		return strings.Join(parts, " | ")
	case string:
		switch t {
		case "string":
			return "string"
		case "integer", "number":
			return "number"
		case "boolean":
			return "boolean"
		case "null":
			return "null"
		case "array":
			return paren(g.ts(n.obj("items"), indent)) + "[]"
		case "object":
			return g.object(n, indent)
		}
	}
	if n.get("properties") != nil {
		return g.object(n, indent)
	}
	return "unknown"
}

func (g *schemaGen) object(n *node, indent string) string {
	props := n.obj("properties")
	ap := n.get("additionalProperties")
	if props == nil || len(props.keys) == 0 {
		if apn, ok := ap.(*node); ok {
			if _, ok := enumKey(n.obj("propertyNames")); ok {
				return "Partial<Record<" + g.ts(n.obj("propertyNames"), indent) + ", " + g.ts(apn, indent) + ">>"
			}
			return "Record<string, " + g.ts(apn, indent) + ">"
		}
		if ap == false {
			return "Record<string, never>"
		}
		return "Record<string, unknown>"
	}
	var b strings.Builder
	g.body(&b, n, indent)
	return b.String()
}

// body writes the object literal type of n: "{\n ... }".
func (g *schemaGen) body(b *strings.Builder, n *node, indent string) {
	props := n.obj("properties")
	required := map[string]bool{}
	if r, ok := n.get("required").([]any); ok {
		for _, x := range r {
			required[fmt.Sprint(x)] = true
		}
	}
	in := indent + "  "
	b.WriteString("{\n")
	for _, k := range props.keys {
		p := props.obj(k)
		doc(b, in, p.str("description"))
		q := "?"
		if required[k] {
			q = ""
		}
		fmt.Fprintf(b, "%s%s%s: %s;\n", in, propName(k), q, g.ts(p, in))
	}
	if apn, ok := n.get("additionalProperties").(*node); ok {
		fmt.Fprintf(b, "%s[key: string]: %s;\n", in, g.ts(apn, in))
	}
	b.WriteString(indent + "}")
}

// write declares every schema type and the enum aliases.
func (g *schemaGen) write(b *strings.Builder) {
	for _, a := range aliases {
		n := pointer(g.docs[a.schema], a.pointer)
		k, _ := enumKey(n)
		vals := strings.Split(k, "\x00")
		for i, v := range vals {
			vals[i] = strconv.Quote(v)
		}
		d := a.doc + " From " + a.schema + ".schema.json."
		if a.name != "ErrorCode" && a.name != "ClockKind" && a.name != "ClockState" && a.name != "AdviceSource" {
			d += " " + fmt.Sprintf(overlayNote, a.name)
		}
		doc(b, "", d)
		fmt.Fprintf(b, "export type %s =\n  | %s;\n\n", a.name, strings.Join(vals, "\n  | "))
	}
	for _, name := range g.order {
		n := g.decl[name]
		d := n.str("description")
		if n.str("title") != "" {
			d = strings.TrimSpace(d + "\nSchema: " + n.str("$id"))
		}
		doc(b, "", d)
		if n.str("type") == "object" && n.obj("properties") != nil {
			fmt.Fprintf(b, "export interface %s ", name)
			g.body(b, n, "")
			b.WriteString("\n\n")
			continue
		}
		fmt.Fprintf(b, "export type %s = %s;\n\n", name, g.ts(n, ""))
	}
	doc(b, "", "The payload (Firing.data, Event.data) each trigger of the default policy takes, from the\nper-trigger conditions of firing.schema.json. Firing.data itself stays Record<string, unknown>\nso overlays may declare other fields; write `const data: TriggerPayloads['ehc.advice_requested'] = ...`\nto have a payload checked.")
	b.WriteString("export interface TriggerPayloads {\n")
	for _, p := range g.payload {
		d := p.schema.str("description")
		if p.required {
			d += " The firing must carry data."
		}
		doc(b, "  ", d)
		fmt.Fprintf(b, "  %s: %s;\n", strconv.Quote(p.trigger), g.object(p.schema, "  "))
	}
	b.WriteString("}\n\n")
}

// declared is the set of names the schemas declare.
func (g *schemaGen) declared() map[string]bool {
	m := map[string]bool{}
	for _, n := range g.order {
		m[n] = true
	}
	for _, a := range aliases {
		m[a.name] = true
	}
	return m
}
