// Package scenario reads and runs scenario files: the conformance vectors of
// the SDK and the test harness a district runs on its own policy
// (docs/scenarios.md describes the format).
//
// A scenario walks one case through firings and queries and checks what the
// engine says at every step. The runner talks to the engine only through the
// small Target interface, so the same files run against the native engine,
// a WASI module or a JavaScript build.
package scenario

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
)

// Scenario is one parsed scenario: a name, the policy it runs on, the facts
// the case opens with and the steps.
type Scenario struct {
	// Name is required.
	Name string `yaml:"name" json:"name"`
	// Policy is "default" (or empty) for the embedded policy, or the path of
	// an overlay relative to the scenario file's directory.
	Policy string `yaml:"policy,omitempty" json:"policy,omitempty"`
	// Case holds the facts the case is opened with.
	Case sdk.Facts `yaml:"case" json:"case"`
	// Steps run in order.
	Steps []Step `yaml:"steps" json:"steps"`

	// File is the name the scenario was parsed under (its path).
	File string `yaml:"-" json:"-"`
	// Line is the line the scenario's document starts on.
	Line int `yaml:"-" json:"-"`
}

// Step is either a firing (At, Actor and Trigger set) or a query (AsOf set).
type Step struct {
	// At is when the trigger is fired: a date or an RFC 3339 timestamp.
	At string `yaml:"at,omitempty" json:"at,omitempty"`
	// Actor is the role firing the trigger.
	Actor string `yaml:"actor,omitempty" json:"actor,omitempty"`
	// By is who acted: the host's opaque identifier (Firing.By).
	By string `yaml:"by,omitempty" json:"by,omitempty"`
	// Trigger is the trigger fired, "track.event".
	Trigger string `yaml:"trigger,omitempty" json:"trigger,omitempty"`
	// Data is the firing's payload. Dates are strings, numbers float64, as
	// a JSON host would send them.
	Data map[string]any `yaml:"data,omitempty" json:"data,omitempty"`
	// Facts are merged into the case before firing.
	Facts map[string]any `yaml:"facts,omitempty" json:"facts,omitempty"`
	// AsOf makes the step a query: nothing is fired, clocks and permissions
	// are judged as of this date.
	AsOf string `yaml:"as_of,omitempty" json:"as_of,omitempty"`
	// Locale is the language of the step's guard reasons, one of
	// sdk.Locales ("en", "cy"): the firing's locale (the reasons of a
	// refusal and the warnings of an outcome), and the locale the step's
	// permissions are judged in. Empty means the engine's locale.
	Locale string `yaml:"locale,omitempty" json:"locale,omitempty"`
	// Expect holds what must hold after the step.
	Expect Expect `yaml:"expect,omitempty" json:"expect,omitzero"`

	// Line is the line the step starts on.
	Line int `yaml:"-" json:"-"`
}

// IsQuery reports whether the step is a query (as_of) rather than a firing.
func (s Step) IsQuery() bool { return s.AsOf != "" }

// Label names the step in reports: its trigger, or "as of DATE".
func (s Step) Label() string {
	if s.IsQuery() {
		return "as of " + s.AsOf
	}
	return s.Trigger
}

// When is the time the step is judged at: At for a firing, AsOf for a query.
func (s Step) When() string {
	if s.IsQuery() {
		return s.AsOf
	}
	return s.At
}

// Expect is what a step checks. Only what is named is checked.
type Expect struct {
	// States maps a track to its expected state (nested states with dots).
	States map[string]string `yaml:"states,omitempty" json:"states,omitempty"`
	// Clocks maps a clock key ("id" or "id.source") to its expected fields.
	Clocks map[string]ClockExpect `yaml:"clocks,omitempty" json:"clocks,omitempty"`
	// Error is the code the firing must fail with; the case must be unchanged.
	Error string `yaml:"error,omitempty" json:"error,omitempty"`
	// Permitted maps a role to triggers it must be allowed to fire.
	Permitted map[string][]string `yaml:"permitted,omitempty" json:"permitted,omitempty"`
	// NotPermitted maps a role to triggers it must not be allowed to fire.
	NotPermitted map[string][]string `yaml:"not_permitted,omitempty" json:"not_permitted,omitempty"`
	// WhyNot maps a role to triggers it must not be allowed to fire, each
	// with why: the refusal's code and the guards that fail.
	WhyNot map[string]map[string]WhyNotExpect `yaml:"why_not,omitempty" json:"why_not,omitempty"`
	// Warnings lists warnings the firing's outcome must carry (others may be
	// there too); an empty list means it must carry none, and leaving it out
	// checks nothing. Only on a firing that must succeed.
	Warnings []WarningExpect `yaml:"warnings,omitempty" json:"warnings,omitzero"`
	// Reasons lists failing guards the refusal expected by Error must name
	// (others may be there too); an empty list means it must name none, and
	// leaving it out checks nothing. Only with Error.
	Reasons []ReasonExpect `yaml:"reasons,omitempty" json:"reasons,omitzero"`
}

// WarningExpect is one warning a firing's outcome must carry. It needs a
// code or a guard; a field left out is not checked.
type WarningExpect struct {
	// Code is the warning's code (advice, below_statutory_floor).
	Code string `yaml:"code,omitempty" json:"code,omitempty"`
	// Guard is the id of the advisory guard that gave it.
	Guard string `yaml:"guard,omitempty" json:"guard,omitempty"`
	// Message is the warning's text, exactly, in the step's locale.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
}

// ReasonExpect is one failing guard a refusal must name.
type ReasonExpect struct {
	// Guard is the failing guard's id.
	Guard string `yaml:"guard" json:"guard"`
	// Reason is its reason, exactly, in the step's locale; empty is not
	// checked.
	Reason string `yaml:"reason,omitempty" json:"reason,omitempty"`
}

// WhyNotExpect is why a role may not fire a trigger: the permission's code
// and guards that fail (others may fail too). Empty fields are not checked,
// but the trigger must not be allowed.
type WhyNotExpect struct {
	// Code is the refusal's code (not_authorised, not_permitted,
	// guard_failed, limit_exceeded).
	Code string `yaml:"code,omitempty" json:"code,omitempty"`
	// Guards lists guard ids that must be among the failing guards.
	Guards []string `yaml:"guards,omitempty" json:"guards,omitempty"`
}

// WarningCodes lists the codes a warning expectation may name: every
// sdk.WarningCode. It returns a new copy on every call.
func WarningCodes() []string {
	return []string{string(sdk.WarningAdvice), string(sdk.WarningBelowStatutoryFloor)}
}

// PermissionCodes lists the codes a why_not expectation may name: those a
// refused sdk.Permission carries. It returns a new copy on every call.
func PermissionCodes() []string {
	return []string{string(sdk.CodeNotAuthorised), string(sdk.CodeNotPermitted), string(sdk.CodeGuardFailed), string(sdk.CodeLimitExceeded)}
}

// ClockExpect is what a clock must look like; empty fields are not checked,
// but the clock must exist. With Absent the clock must not exist.
type ClockExpect struct {
	// Absent asserts the case has no clock with this key (it never
	// started); it takes no due or status.
	Absent bool `yaml:"absent,omitempty" json:"absent,omitempty"`
	// Due is the expected due date, YYYY-MM-DD.
	Due string `yaml:"due,omitempty" json:"due,omitempty"`
	// Status is the expected status (running, met, missed, excused, ended,
	// cancelled).
	Status string `yaml:"status,omitempty" json:"status,omitempty"`
}

// ClockStatuses lists the statuses a clock expectation may name: every
// sdk.ClockState, in the same order. It returns a new copy on every call.
func ClockStatuses() []string {
	var out []string
	for _, s := range sdk.ClockStates() {
		out = append(out, string(s))
	}
	return out
}

// ParseError is a scenario file that cannot be read as a scenario. It names
// the file, the position and, where it is about one step, the step number.
type ParseError struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Step is the 1-based step the error is about, 0 when it is not about one.
	Step int `json:"step,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// Error renders the error as file:line:col: message.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Step > 0 {
		fmt.Fprintf(&b, "step %d: ", e.Step)
	}
	b.WriteString(e.Message)
	return b.String()
}

// The caps on a scenario file, checked before it is decoded (the file's size
// and depth before any YAML parser reads it; the values it expands to, with
// sdk.MaxYAMLDepth and sdk.MaxYAMLNodes as for policies). Past each, ParseAll
// returns a *ParseError naming the file (and the position and step where
// known) that quotes nothing from it. The largest lawful files, the
// conformance scenarios, are under 8 kB, with at most 3 scenarios and 31
// steps of under 1 kB each.
const (
	// MaxFileBytes caps one scenario file.
	MaxFileBytes = 1 << 20
	// MaxScenarios caps the scenarios (YAML documents) in one file.
	MaxScenarios = 100
	// MaxSteps caps the steps of one scenario.
	MaxSteps = 1000
	// MaxStepBytes caps one step's text, from its first token to the end of
	// its last, as the engine caps a firing's payload (sdk.MaxPayloadBytes).
	MaxStepBytes = 64 << 10
)

// maxMessageBytes bounds a ParseError's message: go-yaml's can quote a
// whole line.
const maxMessageBytes = 300

// Parse reads a file holding exactly one scenario, in YAML or JSON. name is
// the file's name, used in errors and results.
func Parse(name string, data []byte) (*Scenario, error) {
	all, err := ParseAll(name, data)
	if err != nil {
		return nil, err
	}
	if len(all) != 1 {
		return nil, &ParseError{File: name, Line: all[1].Line,
			Message: fmt.Sprintf("expected one scenario, found %d documents", len(all))}
	}
	return all[0], nil
}

// ParseAll reads a file holding one scenario or a YAML stream of several
// separated by "---". Decoding is strict: an unknown key anywhere is an error
// naming the key and its line.
func ParseAll(name string, data []byte) ([]*Scenario, error) {
	if len(data) > MaxFileBytes {
		return nil, &ParseError{File: name, Message: fmt.Sprintf("the file is %d bytes; the limit is %d", len(data), MaxFileBytes)}
	}
	if err := yamlsafe.Depth(data, sdk.MaxYAMLDepth); err != nil {
		return nil, guardError(name, err, sdk.MaxYAMLDepth)
	}
	if err := yamlsafe.Breadth(data, sdk.MaxYAMLSeparators); err != nil {
		return nil, guardError(name, err, sdk.MaxYAMLSeparators)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, err)
	}
	if err := yamlsafe.Nodes(file, sdk.MaxYAMLNodes); err != nil {
		return nil, guardError(name, err, sdk.MaxYAMLNodes)
	}
	var out []*Scenario
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if len(out) == MaxScenarios {
			pe := &ParseError{File: name, Message: fmt.Sprintf("the file holds more than %d scenarios; the limit is %d", MaxScenarios, MaxScenarios)}
			if tk := doc.Body.GetToken(); tk != nil && tk.Position != nil {
				pe.Line = tk.Position.Line
			}
			return nil, pe
		}
		if err := checkSteps(name, doc.Body); err != nil {
			return nil, err
		}
		s, err := decodeDoc(name, doc.Body)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, &ParseError{File: name, Message: "no scenario in file"}
	}
	return out, nil
}

func decodeDoc(name string, body ast.Node) (*Scenario, error) {
	line := 0
	if tk := body.GetToken(); tk != nil && tk.Position != nil {
		line = tk.Position.Line
	}
	if _, ok := body.(*ast.MappingNode); !ok {
		return nil, &ParseError{File: name, Line: line, Message: "a scenario must be a mapping with name, case and steps"}
	}
	var s Scenario
	if err := decodeNode(body, &s); err != nil {
		pe := yamlError(name, err)
		pe.Step = stepAtLine(body, pe.Line)
		return nil, pe
	}
	s.File, s.Line = name, line
	lines := stepLines(body)
	for i := range s.Steps {
		if i < len(lines) {
			s.Steps[i].Line = lines[i]
		}
		var err error
		if s.Steps[i].Data, err = normaliseMap(s.Steps[i].Data); err != nil {
			return nil, &ParseError{File: name, Line: s.Steps[i].Line, Step: i + 1, Message: "data: " + err.Error()}
		}
		if s.Steps[i].Facts, err = normaliseMap(s.Steps[i].Facts); err != nil {
			return nil, &ParseError{File: name, Line: s.Steps[i].Line, Step: i + 1, Message: "facts: " + err.Error()}
		}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// decodeNode decodes a scenario document strictly. go-yaml panics on some
// malformed documents (an empty "!" tag where a list or mapping is
// expected); that is an error in the file, reported like any other.
func decodeNode(body ast.Node, s *Scenario) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the document could not be read as YAML (look for an empty or unknown \"!\" tag)")
		}
	}()
	dec := yaml.NewDecoder(strings.NewReader(""), yaml.Strict())
	return dec.DecodeFromNode(body, s)
}

// Validate checks the structure of a scenario: a name, and every step either
// a firing (at, actor and trigger) or a query (as_of) with expectations that
// make sense for it.
func (s *Scenario) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return &ParseError{File: s.File, Line: s.Line, Message: "name is required"}
	}
	for i, st := range s.Steps {
		if msg := st.problem(); msg != "" {
			return &ParseError{File: s.File, Line: st.Line, Step: i + 1, Message: msg}
		}
	}
	return nil
}

// problem says what is wrong with a step's structure, or "".
func (st Step) problem() string {
	firing := st.At != "" || st.Actor != "" || st.Trigger != ""
	switch {
	case firing && st.IsQuery():
		return "a step is either a firing (at, actor, trigger) or a query (as_of), not both"
	case !firing && !st.IsQuery():
		return "a step needs at, actor and trigger (a firing) or as_of (a query)"
	case firing:
		var missing []string
		for _, f := range []struct{ key, v string }{{"at", st.At}, {"actor", st.Actor}, {"trigger", st.Trigger}} {
			if f.v == "" {
				missing = append(missing, f.key)
			}
		}
		if len(missing) > 0 {
			return "a firing step needs at, actor and trigger: missing " + strings.Join(missing, ", ")
		}
	default: // query
		if st.Data != nil || st.Facts != nil || st.By != "" {
			return "a query step (as_of) fires nothing, so it takes no data, facts or by"
		}
		for _, f := range []struct {
			key string
			set bool
		}{{"error", st.Expect.Error != ""}, {"warnings", st.Expect.Warnings != nil}, {"reasons", st.Expect.Reasons != nil}} {
			if f.set {
				return "expect." + f.key + " needs a firing step; a query step (as_of) fires nothing"
			}
		}
	}
	if l := st.Locale; l != "" && !slices.Contains(sdk.Locales(), l) {
		return fmt.Sprintf("locale: unknown locale %q (one of %s)", l, strings.Join(sdk.Locales(), ", "))
	}
	return st.Expect.problem()
}

// problem says what is wrong with a step's expectations, or "".
func (ex Expect) problem() string {
	if e := ex.Error; e != "" && !slices.Contains(sdk.Codes(), sdk.Code(e)) {
		return fmt.Sprintf("expect.error: unknown error code %q (one of %s)", e, codeList())
	}
	if ex.Error != "" && ex.Warnings != nil {
		return "expect.warnings needs a firing that succeeds; a refused firing (expect.error) has no warnings"
	}
	if ex.Error == "" && ex.Reasons != nil {
		return "expect.reasons needs expect.error: the reasons are those of the refusal"
	}
	for i, w := range ex.Warnings {
		if w.Code == "" && w.Guard == "" {
			return fmt.Sprintf("expect.warnings[%d]: a warning needs a code or a guard", i)
		}
		if codes := WarningCodes(); w.Code != "" && !slices.Contains(codes, w.Code) {
			return fmt.Sprintf("expect.warnings[%d].code: unknown warning code %q (one of %s)", i, w.Code, strings.Join(codes, ", "))
		}
	}
	for i, r := range ex.Reasons {
		if r.Guard == "" {
			return fmt.Sprintf("expect.reasons[%d]: a reason needs the guard's id (guard)", i)
		}
	}
	for _, role := range slices.Sorted(maps.Keys(ex.WhyNot)) {
		for _, trig := range slices.Sorted(maps.Keys(ex.WhyNot[role])) {
			if c, codes := ex.WhyNot[role][trig].Code, PermissionCodes(); c != "" && !slices.Contains(codes, c) {
				return fmt.Sprintf("expect.why_not.%s.%s.code: unknown code %q (one of %s)", role, trig, c, strings.Join(codes, ", "))
			}
		}
	}
	return clocksProblem(ex.Clocks)
}

// clocksProblem says what is wrong with clock expectations, or "".
func clocksProblem(clocks map[string]ClockExpect) string {
	for _, key := range slices.Sorted(maps.Keys(clocks)) {
		ce := clocks[key]
		if ce.Absent && (ce.Due != "" || ce.Status != "") {
			return fmt.Sprintf("expect.clocks.%s: an absent clock has no due date or status", key)
		}
		if ce.Due != "" {
			if _, err := time.Parse(time.DateOnly, ce.Due); err != nil {
				return fmt.Sprintf("expect.clocks.%s.due: %q is not a date (YYYY-MM-DD)", key, ce.Due)
			}
		}
		if statuses := ClockStatuses(); ce.Status != "" && !slices.Contains(statuses, ce.Status) {
			return fmt.Sprintf("expect.clocks.%s.status: unknown status %q (one of %s)", key, ce.Status, strings.Join(statuses, ", "))
		}
	}
	return ""
}

func codeList() string {
	codes := sdk.Codes()
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// guardError is a file refused by the YAML guard: too deep, or expanding to
// too many values.
func guardError(name string, err error, limit int) *ParseError {
	pe := &ParseError{File: name, Message: fmt.Sprintf("%v; the limit is %d", err, limit)}
	var ye *yamlsafe.Error
	if errors.As(err, &ye) {
		pe.Line, pe.Column = ye.Line, ye.Column
		pe.Message = fmt.Sprintf("%s; the limit is %d", ye.Message, limit)
		if ye.NotYAML {
			pe.Message = ye.Message
		}
	}
	return pe
}

// checkSteps refuses a scenario with more than MaxSteps steps, or a step
// whose text is over MaxStepBytes, before it is decoded.
func checkSteps(name string, body ast.Node) error {
	seq := stepsNode(body)
	if seq == nil {
		return nil
	}
	for i, st := range seq.Values {
		if i == MaxSteps {
			return &ParseError{File: name, Line: lineOf(st), Step: i + 1,
				Message: fmt.Sprintf("the scenario has more than %d steps; the limit is %d", MaxSteps, MaxSteps)}
		}
		if n := textBytes(st); n > MaxStepBytes {
			return &ParseError{File: name, Line: lineOf(st), Step: i + 1,
				Message: fmt.Sprintf("the step is %d bytes; the limit is %d", n, MaxStepBytes)}
		}
	}
	return nil
}

func lineOf(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// textBytes is the length of n's source text, from the start of its first
// token to the end of its last value (aliases count as written).
func textBytes(n ast.Node) int {
	first, last := -1, -1
	ast.Walk(visitor(func(n ast.Node) {
		tk := n.GetToken()
		if tk == nil || tk.Position == nil || tk.Position.Offset < 1 {
			return
		}
		start := tk.Position.Offset - 1 // Offset is 1-based
		if first < 0 || start < first {
			first = start
		}
		last = max(last, start+len(tk.Value))
	}), n)
	if first < 0 {
		return 0
	}
	return last - first
}

// yamlError turns a go-yaml error into a one-line ParseError with position.
func yamlError(name string, err error) *ParseError {
	pe := &ParseError{File: name, Message: yamlsafe.Clip(err.Error(), maxMessageBytes)}
	var ye yaml.Error
	if errors.As(err, &ye) {
		pe.Message = yamlsafe.Clip(ye.GetMessage(), maxMessageBytes)
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			pe.Line, pe.Column = tk.Position.Line, tk.Position.Column
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			pe.Message = fmt.Sprintf("wrong type: expected %s, got %s", kindName(te.DstType), kindName(te.SrcType))
			if tk := te.Token; tk != nil && tk.Value != "" {
				pe.Message += fmt.Sprintf(" (%q)", yamlsafe.Clip(tk.Value, 40))
			}
		}
	}
	return pe
}

func kindName(t reflect.Type) string {
	if t == nil {
		return "nothing"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

// stepLines returns the line each step of the document starts on.
func stepLines(body ast.Node) []int {
	seq := stepsNode(body)
	if seq == nil {
		return nil
	}
	lines := make([]int, len(seq.Values))
	for i, v := range seq.Values {
		if tk := v.GetToken(); tk != nil && tk.Position != nil {
			lines[i] = tk.Position.Line
		}
	}
	return lines
}

// stepAtLine returns the 1-based step whose text holds line, or 0.
func stepAtLine(body ast.Node, line int) int {
	lines := stepLines(body)
	step := 0
	for i, l := range lines {
		if l > 0 && l <= line {
			step = i + 1
		}
	}
	if step == 0 || line == 0 {
		return 0
	}
	// A line after the steps list belongs to no step.
	if seq := stepsNode(body); seq != nil {
		if end := lastLine(seq); end > 0 && line > end {
			return 0
		}
	}
	return step
}

func stepsNode(body ast.Node) *ast.SequenceNode {
	m, ok := body.(*ast.MappingNode)
	if !ok {
		return nil
	}
	for _, kv := range m.Values {
		if keyName(kv.Key) == "steps" {
			seq, _ := kv.Value.(*ast.SequenceNode)
			return seq
		}
	}
	return nil
}

// lastLine is the last line any token of n is on.
func lastLine(n ast.Node) int {
	last := 0
	ast.Walk(visitor(func(n ast.Node) {
		if tk := n.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > last {
			last = tk.Position.Line
		}
	}), n)
	return last
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor { v(n); return v }

// topKeys lists the keys of a document's top-level mapping.
func topKeys(body ast.Node) []string {
	m, ok := body.(*ast.MappingNode)
	if !ok {
		return nil
	}
	var keys []string
	for _, kv := range m.Values {
		if k := keyName(kv.Key); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// keyName is a mapping key's text, without quotes.
func keyName(k ast.MapKeyNode) string {
	if k == nil {
		return ""
	}
	if sc, ok := k.(ast.ScalarNode); ok {
		return fmt.Sprint(sc.GetValue())
	}
	return k.String()
}

// normaliseMap makes a decoded payload look as a JSON host would send it:
// dates and timestamps become strings ("YYYY-MM-DD", or RFC 3339 when they
// have a time), numbers float64, maps map[string]any.
func normaliseMap(m map[string]any) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	v, err := Normalise(m)
	if err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// Normalise converts a value decoded from YAML into its JSON form: time.Time
// becomes "YYYY-MM-DD" (or RFC 3339 when it has a time of day or a zone other
// than UTC), integers and floats become float64, and maps with non-string keys
// are refused.
func Normalise(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return x, nil
	case time.Time:
		return formatTime(x), nil
	case *time.Time:
		if x == nil {
			return nil, nil
		}
		return formatTime(*x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case float32:
		return float64(x), nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := Normalise(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := Normalise(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = n
		}
		return out, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k, ok := it.Key().Interface().(string)
			if !ok {
				return nil, fmt.Errorf("map key %v is not a string", it.Key().Interface())
			}
			n, err := Normalise(it.Value().Interface())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = n
		}
		return out, nil
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			n, err := Normalise(rv.Index(i).Interface())
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = n
		}
		return out, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	}
	return nil, fmt.Errorf("unsupported value %v (%T)", v, v)
}

func formatTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 && t.Location() == time.UTC {
		return t.Format(time.DateOnly)
	}
	if t.Nanosecond() != 0 {
		return t.Format(time.RFC3339Nano)
	}
	return t.Format(time.RFC3339)
}
