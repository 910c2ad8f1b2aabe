package report

import (
	"github.com/sendflow/sendflow/internal/xmltext"

	"reflect"
	"strconv"
	"strings"
)

// This file writes the return's elements as indented XML from the `xml`
// tags of its types (name, and omitempty for a blank string), without
// encoding/xml: the return is also built in the browser, where every
// kilobyte of the module counts. A nil pointer is left out; a slice
// writes one element per item.

// writeElement writes v as element name at depth (two spaces a level).
func writeElement(b *strings.Builder, name string, v reflect.Value, depth int, omitEmpty bool) {
	ind := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			writeElement(b, name, v.Elem(), depth, omitEmpty)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			writeElement(b, name, v.Index(i), depth, omitEmpty)
		}
	case reflect.Struct:
		b.WriteString(ind + "<" + name + ">\n")
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, ok := f.Tag.Lookup("xml")
			if !ok || !f.IsExported() {
				continue
			}
			n, opt, _ := strings.Cut(tag, ",")
			writeElement(b, n, v.Field(i), depth+1, opt == "omitempty")
		}
		b.WriteString(ind + "</" + name + ">\n")
	case reflect.String:
		if s := v.String(); s != "" || !omitEmpty {
			b.WriteString(ind + "<" + name + ">" + escapeXML(s) + "</" + name + ">\n")
		}
	case reflect.Int:
		b.WriteString(ind + "<" + name + ">" + strconv.FormatInt(v.Int(), 10) + "</" + name + ">\n")
	}
}

// marshalElement writes v (a struct) as element name at depth.
func marshalElement(name string, v any, depth int) string {
	var b strings.Builder
	writeElement(&b, name, reflect.ValueOf(v), depth, false)
	return b.String()
}

// escapeXML escapes text for an element's content (xmltext: the one XML escaper).
func escapeXML(s string) string { return xmltext.Escape(s) }
