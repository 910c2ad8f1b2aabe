package main

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
)

// object writes appendT for struct type t and, when t is embedded in
// another, appendTFields: its members after start (the offset just past
// the '{', so the first member written has no comma).
func (g *gen) object(t reflect.Type) error {
	if err := uniqueNames(t, map[string]bool{}); err != nil {
		return err
	}
	n, fail := t.Name(), mayFail(t)
	param, arg, ret, ok := "", "", "[]byte", ""
	if takesSame(t) {
		param, arg = ", same uint8", ", same"
	}
	if fail {
		ret, ok = "([]byte, error)", ", nil"
	}
	g.printf("\n// append%s writes an sdk.%s as encoding/json does.\nfunc append%s(b []byte, v *sdk.%s%s) %s {\n", n, n, n, n, param, ret)
	if fail {
		g.printf("var err error\n")
	}
	g.printf("b = append(b, '{')\n")
	if g.embedded[t] {
		g.call(fail, fmt.Sprintf("append%sFields(b, len(b), v%s)", n, arg))
		g.printf("return append(b, '}')%s\n}\n", ok)
		g.printf("\nfunc append%sFields(b []byte, start int, v *sdk.%s%s) %s {\n", n, n, param, ret)
		if fail {
			g.printf("var err error\n")
		}
		body, err := g.members(t, stateMaybe)
		g.printf("%sreturn b%s\n}\n", body, ok)
		return err
	}
	body, err := g.members(t, stateNone)
	if strings.Contains(body, "start") {
		g.printf("start := len(b)\n")
	}
	g.printf("%sreturn append(b, '}')%s\n}\n", body, ok)
	return err
}

// What may have been written before a member, which decides its comma.
const (
	stateNone  = iota // nothing: no comma
	stateMaybe        // perhaps: appendField decides, from start
	stateSome         // something: a comma
)

// members returns the code that writes t's members, from state.
func (g *gen) members(t reflect.Type, state int) (string, error) {
	fs, err := fields(t)
	if err != nil {
		return "", err
	}
	outer := g.buf
	g.buf = bytes.Buffer{}
	defer func() { g.buf = outer }()
	for _, f := range fs {
		if state, err = g.member(t, f, state); err != nil {
			return "", err
		}
	}
	return g.buf.String(), nil
}

// member writes one member of t (or the members of an embedded struct)
// and returns the state after it.
func (g *gen) member(t reflect.Type, f field, state int) (int, error) {
	always := !f.omitEmpty && (!f.embedded || writesAlways(f.typ))
	if bit := sameBits[f.goName]; t == caseType && bit != "" {
		g.printf("if same&%s == 0 {\n", bit)
		defer g.printf("}\n")
		always = false
	}
	next := state
	if always {
		next = stateSome
	} else if state == stateNone {
		next = stateMaybe
	}
	expr := "v." + f.goName
	if f.embedded {
		g.want(f.typ)
		g.call(mayFail(t) && mayFail(f.typ), fmt.Sprintf("append%sFields(b, start, &%s)", f.typ.Name(), expr))
		return next, nil
	}
	if f.omitEmpty {
		g.printf("if %s {\n", nonEmpty(expr, f.typ))
		defer g.printf("}\n")
	}
	switch state {
	case stateNone:
		g.printf("b = append(b, `%q:`...)\n", f.name)
	case stateSome:
		g.printf("b = append(b, `,%q:`...)\n", f.name)
	default:
		g.printf("b = appendField(b, start, `,%q:`)\n", f.name)
	}
	g.nonNil = f.omitEmpty // nonEmpty has ruled out nil
	return next, g.value(expr, f.typ, takesSame(t))
}

// writesAlways reports whether struct t always writes a member.
func writesAlways(t reflect.Type) bool {
	fs, err := fields(t)
	if err != nil {
		return false
	}
	for _, f := range fs {
		if !f.omitEmpty && (!f.embedded || writesAlways(f.typ)) {
			return true
		}
	}
	return false
}

// call writes b = call, checking its error when it can fail.
func (g *gen) call(fail bool, call string) {
	if fail {
		g.printf("if b, err = %s; err != nil {\nreturn nil, err\n}\n", call)
	} else {
		g.printf("b = %s\n", call)
	}
}

// value writes expr, of type t, as encoding/json does; hasSame is whether
// the function has a same mask to pass on.
func (g *gen) value(expr string, t reflect.Type, hasSame bool) error {
	nonNil := g.nonNil
	g.nonNil = false
	switch t.Kind() {
	case reflect.String:
		if t.PkgPath() != "" {
			expr = "string(" + expr + ")" // a named string type, such as sdk.Code
		}
		g.printf("b = appendString(b, %s)\n", expr)
	case reflect.Bool:
		g.printf("b = strconv.AppendBool(b, %s)\n", expr)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		g.printf("b = strconv.AppendInt(b, int64(%s), 10)\n", expr)
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return fmt.Errorf("%s: an interface with methods", expr)
		}
		g.call(true, fmt.Sprintf("appendAny(b, %s)", expr))
	case reflect.Pointer:
		if nonNil {
			return g.value("(*"+expr+")", t.Elem(), hasSame)
		}
		g.printf("if %s == nil {\nb = append(b, \"null\"...)\n} else {\n", expr)
		if err := g.value("(*"+expr+")", t.Elem(), hasSame); err != nil {
			return err
		}
		g.printf("}\n")
	case reflect.Struct:
		g.want(t)
		same := ""
		if takesSame(t) {
			same = ", 0"
			if hasSame {
				same = ", same"
			}
		}
		g.call(mayFail(t), fmt.Sprintf("append%s(b, %s%s)", t.Name(), addr(expr), same))
	case reflect.Slice:
		return g.slice(expr, t, nonNil)
	case reflect.Map:
		return g.mapValue(expr, t, nonNil)
	default:
		return fmt.Errorf("%s: appendgen does not write a %s", expr, t)
	}
	return nil
}

// slice writes a slice (nonNil: known not to be nil).
func (g *gen) slice(expr string, t reflect.Type, nonNil bool) error {
	g.vars++
	i := fmt.Sprintf("i%d", g.vars)
	g.open(expr, nonNil)
	g.printf("b = append(b, '[')\n")
	g.printf("for %s := range %s {\nif %s > 0 {\nb = append(b, ',')\n}\n", i, expr, i)
	if err := g.value(expr+"["+i+"]", t.Elem(), false); err != nil {
		return err
	}
	g.printf("}\nb = append(b, ']')\n")
	g.close(nonNil)
	return nil
}

// open writes the start of "null if expr is nil, else ...", unless nonNil.
func (g *gen) open(expr string, nonNil bool) {
	if !nonNil {
		g.printf("if %s == nil {\nb = append(b, \"null\"...)\n} else {\n", expr)
	}
}

// close ends what open began.
func (g *gen) close(nonNil bool) {
	if !nonNil {
		g.printf("}\n")
	}
}

// mapValue writes a map with string keys, in the keys' order.
func (g *gen) mapValue(expr string, t reflect.Type, nonNil bool) error {
	if t.Key().Kind() != reflect.String || t.Key().PkgPath() != "" {
		return fmt.Errorf("%s: map keys other than string", expr)
	}
	switch t.Elem().Kind() {
	case reflect.String:
		g.printf("b = appendStringMap(b, %s)\n", expr)
		return nil
	case reflect.Interface:
		return g.value(expr, reflect.TypeOf((*any)(nil)).Elem(), false)
	}
	g.vars++
	keys, k, e := fmt.Sprintf("keys%d", g.vars), fmt.Sprintf("k%d", g.vars), fmt.Sprintf("e%d", g.vars)
	g.open(expr, nonNil)
	g.printf("var arr [32]string\n%s := arr[:0]\n", keys)
	g.printf("for k := range %s {\n%s = append(%s, k)\n}\nsort.Strings(%s)\nb = append(b, '{')\n", expr, keys, keys, keys)
	g.printf("for i, %s := range %s {\nif i > 0 {\nb = append(b, ',')\n}\nb = appendString(b, %s)\nb = append(b, ':')\n%s := %s[%s]\n", k, keys, k, e, expr, k)
	if err := g.value(e, t.Elem(), false); err != nil {
		return err
	}
	g.printf("}\nb = append(b, '}')\n")
	g.close(nonNil)
	return nil
}

// addr is the address of expr: &expr, or p for (*p).
func addr(expr string) string {
	if strings.HasPrefix(expr, "(*") && strings.HasSuffix(expr, ")") {
		return expr[2 : len(expr)-1]
	}
	return "&" + expr
}

// nonEmpty is the test for a value omitempty leaves out.
func nonEmpty(expr string, t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return expr + ` != ""`
	case reflect.Bool:
		return expr
	case reflect.Pointer, reflect.Interface:
		return expr + " != nil"
	case reflect.Slice, reflect.Map:
		return "len(" + expr + ") > 0"
	case reflect.Struct:
		return "true" // omitempty never leaves out a struct
	}
	return expr + " != 0"
}

// mayFail reports whether writing t can fail (only an any can: a NaN, say).
func mayFail(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return mayFail(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() && mayFail(f.Type) {
				return true
			}
		}
	}
	return false
}

// uniqueNames fails when two members of t (embedded ones included) have one
// JSON name: encoding/json's rules for that are not written here.
func uniqueNames(t reflect.Type, seen map[string]bool) error {
	fs, err := fields(t)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.embedded {
			if err := uniqueNames(f.typ, seen); err != nil {
				return err
			}
			continue
		}
		if seen[f.name] {
			return fmt.Errorf("%s: JSON name %q given twice", t, f.name)
		}
		seen[f.name] = true
	}
	return nil
}
