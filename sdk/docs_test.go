package sdk

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated sections of docs/policies.md")

const docsPath = "../docs/policies.md"

// generatedModel is the author's model in docs/policies.md: the extension
// points, the statutory tracks, the family rights and the default's
// parameters, all from the code.
func generatedModel() string {
	var b strings.Builder
	fmt.Fprintf(&b, "The statutory tracks are %s; every other track (the default's `support`, `lift` and `hnf`, and any a policy adds) is local practice.\n\n",
		"`"+strings.Join(StatutoryTracks(), "`, `")+"`")
	b.WriteString("| where | a layer may | and may not | rule |\n|---|---|---|---|\n")
	for _, x := range ExtensionPoints() {
		fmt.Fprintf(&b, "| %s | %s | %s | `%s` |\n", x.Where, x.May, x.Not, x.Rule)
	}
	b.WriteString("\n**Family rights.** No layer may make these harder for the roles that hold them:\n\n| trigger | held by | the right |\n|---|---|---|\n")
	for _, r := range FamilyRights() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.Trigger, strings.Join(r.Roles, ", "), r.Right)
	}
	b.WriteString("\n**Parameters of the default.** A layer sets their values within these declarations:\n\n| parameter | default | declared | meaning |\n|---|---|---|---|\n")
	for _, p := range genDefault.policy.Parameters {
		fmt.Fprintf(&b, "| `%s` | `%v` | %s | %s |\n", p.ID, p.Value, paramBounds(p), p.Description)
	}
	return b.String()
}

// generatedDocs is the reference part of docs/policies.md, made from the
// code so it cannot drift.
func generatedDocs() string {
	var b strings.Builder
	b.WriteString("### Names a guard can read\n\n| name | type | meaning |\n|---|---|---|\n")
	for _, f := range GuardEnvironment() {
		if strings.Contains(f.Name, "(") {
			continue
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, f.Type, strings.ReplaceAll(f.Description, "|", "\\|"))
	}
	b.WriteString("\n### Functions\n\n| function | returns | meaning |\n|---|---|---|\n")
	for _, f := range GuardEnvironment() {
		if !strings.Contains(f.Name, "(") {
			continue
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, f.Type, strings.ReplaceAll(f.Description, "|", "\\|"))
	}
	b.WriteString("\n### Built-ins allowed\n\n")
	var bs []string
	for _, n := range guardlang.Builtins() {
		bs = append(bs, "`"+n+"`")
	}
	b.WriteString(strings.Join(bs, ", ") + ".\n\nEvery other expr built-in is refused with `forbidden`, as are variables (`let`).\n")
	b.WriteString("\n### Operators allowed\n\n| operator | meaning |\n|---|---|\n")
	for _, o := range guardlang.Operators() {
		op := "`" + strings.ReplaceAll(o.Op, "|", "\\|") + "`"
		if o.Unary {
			op += " (prefix)"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", op, strings.ReplaceAll(o.Meaning, "|", "\\|"))
	}
	b.WriteString("\nEvery other operator is refused with `forbidden`. The conditional `c ? a : b`, `?.`, indexing and slicing (`x[i]`, `x[a:b]`) are allowed.\n")
	fmt.Fprintf(&b, "\n### Limits\n\n| limit | value |\n|---|---|\n")
	fmt.Fprintf(&b, "| expression length | %d bytes |\n| expression nodes | %d |\n| loops inside a loop's predicate | none (`nested_loop`) |\n", guardlang.MaxExprLength, guardlang.MaxNodes)
	fmt.Fprintf(&b, "| memory one evaluation may allocate | %d list items (`limit_exceeded` at run time) |\n", guardlang.MemoryBudget)
	fmt.Fprintf(&b, "| worst-case cost of one expression | %d steps (`too_costly` when the policy compiles; `Limits.GuardCost`) |\n", DefaultGuardCost)
	fmt.Fprintf(&b, "| steps one evaluation may take | %d (`limit_exceeded` at run time; `Limits.GuardSteps`) |\n", DefaultGuardSteps)
	fmt.Fprintf(&b, "| a parameter's value | a number, boolean, string of at most %d characters, or a list of at most %d of these |\n", MaxStringLength, MaxListItems)
	fmt.Fprintf(&b, "| evidence items in a case | %d |\n| items in a payload list | %d |\n| entries in a payload map | %d |\n| characters in a payload string | %d |\n| payload or facts of one firing | %d bytes |\n| events in a case | %d |\n| policy document | %d bytes |\n",
		MaxEvidence, MaxListItems, MaxMapEntries, MaxStringLength, MaxPayloadBytes, MaxHistory, MaxPolicyBytes)
	b.WriteString("\n### Diagnostic codes\n\n| code | meaning |\n|---|---|\n")
	for _, d := range PolicyDiagnostics() {
		m := d.Meaning
		if d.Lint {
			m = "(lint) " + m
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", d.Code, strings.ReplaceAll(m, "|", "\\|"))
	}
	b.WriteString("\n### Statutory floor rules\n\n| rule | protects |\n|---|---|\n")
	for _, r := range FloorRules() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", r, FloorRuleMeaning(r))
	}
	b.WriteString("\n### Locales\n\n")
	for _, l := range Locales() {
		fmt.Fprintf(&b, "- `%s`\n", l)
	}
	return b.String()
}

const (
	modelBegin = "<!-- BEGIN GENERATED MODEL: go test ./sdk -run TestPoliciesDoc -update -->\n"
	modelEnd   = "<!-- END GENERATED MODEL -->"
	beginMark  = "<!-- BEGIN GENERATED: go test ./sdk -run TestPoliciesDoc -update -->\n"
	endMark    = "<!-- END GENERATED -->"
)

func TestPoliciesDocIsGenerated(t *testing.T) {
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, beginMark), strings.Index(doc, endMark)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated section (%q ... %q)", docsPath, beginMark, endMark)
	}
	want := doc[:i+len(beginMark)] + generatedDocs() + doc[j:]
	if k, l := strings.Index(want, modelBegin), strings.Index(want, modelEnd); k >= 0 && l > k {
		want = want[:k+len(modelBegin)] + generatedModel() + want[l:]
	} else {
		t.Errorf("%s has no generated model section (%q ... %q)", docsPath, modelBegin, modelEnd)
	}
	if want == doc {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(docsPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date: run go test ./sdk -run TestPoliciesDoc -update", docsPath)
}

// Every field of the guard environment is documented, so the generated
// reference is complete.
func TestGuardEnvironmentDocumentsEveryField(t *testing.T) {
	documented := map[string]bool{}
	for _, f := range GuardEnvironment() {
		documented[f.Name] = true
	}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name := prefix + f.Tag.Get("expr")
			if name == guardlang.MeterName || !f.IsExported() {
				continue // the step meter: no expression can name it
			}
			if f.Type.Kind() == reflect.Struct {
				walk(name+".", f.Type)
				continue
			}
			if !documented[name] {
				t.Errorf("guard environment field %s is not in GuardEnvironment()", name)
			}
		}
	}
	walk("", reflect.TypeOf(guardEnv{}))
	// And every documented function exists.
	for _, f := range GuardEnvironment() {
		if name, _, ok := strings.Cut(f.Name, "("); ok {
			if _, err := compileExpr(name+" != nil", exprOptions(nil), reflect.Bool, nil, 1, DefaultGuardCost); err != nil && strings.Contains(err.Error(), "unknown name") {
				t.Errorf("documented function %s does not exist: %v", name, err)
			}
		}
	}
}

// Every diagnostic code the compiler can produce is documented.
func TestEveryDiagnosticCodeIsDocumented(t *testing.T) {
	known := map[Code]bool{}
	for _, d := range PolicyDiagnostics() {
		known[d.Code] = true
	}
	re := regexp.MustCompile(`(?:d\.add|d\.addCol|l\.report|addP)\("([a-z_]+)"|code: "([a-z_]+)"|Code: "([a-z_]+)"`)
	for _, f := range []string{"compile.go", "build.go", "lint.go", "guards.go", "internal/floor/floor.go",
		"internal/policy/keys.go", "internal/guard/compile.go", "internal/guard/cost.go", "internal/guard/regexcost.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			code := Code(m[1] + m[2] + m[3])
			if !known[code] {
				t.Errorf("%s: diagnostic code %q is not in PolicyDiagnostics", f, code)
			}
		}
	}
	if !known["statutory_floor"] || !known["expr_error"] {
		t.Error("statutory_floor and expr_error must be documented")
	}
}
