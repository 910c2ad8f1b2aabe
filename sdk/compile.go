package sdk

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/goccy/go-yaml/ast"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/machine"
	"github.com/sendflow/sendflow/sdk/internal/policy"
)

//go:embed policies/default.yaml
var defaultPolicyYAML []byte

// DefaultPolicy returns the embedded default policy document (YAML).
func DefaultPolicy() []byte { return append([]byte(nil), defaultPolicyYAML...) }

// MaxPolicyBytes caps one policy document.
const MaxPolicyBytes = 1 << 20

// MaxYAMLDepth caps how deep a YAML document (a policy, a scenario file)
// may nest: block collections by indentation plus flow collections ("[",
// "{"). It is checked by a linear scan of the bytes before any YAML parser
// reads them (go-yaml's parser takes time growing with the square of the
// depth). The deepest lawful document, the default policy, nests 7 levels.
// Past the cap: limit_exceeded, with the position of the level too many.
const MaxYAMLDepth = 64

// MaxYAMLNodes caps the values a YAML document expands to: every mapping,
// entry, key, sequence and scalar counts one, and each alias counts the
// values of its anchor's subtree, so a few hundred bytes of nested aliases
// (a "billion laughs") are refused before anything is expanded. The largest
// lawful document, the default policy, has about 3,600. The separators
// that start values are counted too, before any parser reads the document
// (a flat list of a million values costs go-yaml's parser seconds and
// hundreds of megabytes). Past the cap: limit_exceeded, with the position
// of the value (or the alias) that passed it.
const MaxYAMLNodes = 20_000

// MaxYAMLSeparators caps, before any parser reads a YAML document, the
// separators that start or divide its values (",", "[", "{", line breaks,
// ":" and "-" before a blank; a tag "!" counts 8): go-yaml's parser takes
// time and memory growing faster than the tokens on some shapes (an
// unclosed flow list of 16,000 items cost 1 GB; a scenario's flow list of
// tagged items 2 GB), so documents are kept well below them. The largest
// lawful document, the default policy, has about 6,000 (lifecycle v2);
// lawful overlays and scenario files a few hundred. Past the cap:
// limit_exceeded (a *scenario.ParseError), at the separator that passed it.
const MaxYAMLSeparators = 8_000

// MaxProblems caps the problems one invalid_policy (or statutory_floor)
// error lists. When there are more, the first MaxProblems-1 are listed and
// the last, with code "more_problems", says how many more were not shown;
// the error's message still counts them all.
const MaxProblems = 200

var (
	defaultOnce   sync.Once
	defaultEngine *Engine
	defaultErr    error
)

// Default returns the compiled default policy. It is compiled once and
// shared: an Engine is immutable.
func Default() (*Engine, error) {
	defaultOnce.Do(func() { defaultEngine, defaultErr = Compile() })
	return defaultEngine, defaultErr
}

type compiled struct {
	id       string
	hash     string
	layers   []string
	policy   Policy
	roles    map[string]*role
	params   map[string]any
	evidence map[string]bool
	decision map[string]bool
	tracks   []*track
	trackBy  map[string]*track
	// perDecision is the track with one instance per appealable decision
	// (TrackDef.PerDecision), nil when none.
	perDecision *track
	clocks      map[string]*clockSpec
	triggers    []*trigger
	trigBy      map[string]*trigger
	holidays    *calendar.Holidays
	warnings    []Warning
	opts        []expr.Option
	// lazy, for the embedded default policy compiled alone, holds what
	// compiling each of its expressions finds (defaultjson.go): those
	// expressions are compiled on first use, with lazyOpts.
	lazy     map[string]programMeta
	lazyOpts func() []expr.Option
	// origins maps "kind:id" to the layer that last defined it (see LayerOf).
	origins map[string]string
	// guardCost is the largest worst-case cost an expression may have, and
	// costs every compiled expression's (Engine.With checks a lower limit).
	guardCost int64
	// callSteps is the most a trigger's guards and branch conditions may
	// cost together (Limits.CallSteps): one Fire evaluates them all.
	callSteps int64
	costs     []exprCost
	sen2      map[string]string // the default layer's SEN2 marks (Engine.SEN2Marks)
	// bare is true for a default policy compiled alone (no overlays): it
	// accepts the released defaults' histories (released.go).
	bare bool
}

type role struct {
	def         RoleDef
	eligibility *guard
}

type track struct {
	def     TrackDef
	m       *machine.Machine
	index   int
	initial string
}

type clockSpec struct {
	def    ClockDef
	unit   calendar.Unit
	length int
	before *program
	when   *program // nil: the clock always starts
}

type trigger struct {
	// instead is the compiled condition of def.Instead (nil: none).
	instead *program
	// needsClocks is true when a guard, branch or clock expression of the
	// trigger reads clocks.
	needsClocks bool
	// readsEnteredBy is true when a guard reads entered_by (facts.go).
	readsEnteredBy bool
	def            TriggerDef
	track          *track
	roles          map[string]bool
	fields         map[string]FieldDef
	guards         []*guard
	branches       []*branch
	layer          string
	// rolesText and fromText are the trigger's roles and source states as
	// written, joined once here for Permitted's reasons.
	rolesText, fromText string
	// passesToYoungPerson: the family rights rule governs the trigger
	// (FamilyRight.PassesToYoungPerson; rights.go).
	passesToYoungPerson bool
}

type guard struct {
	def   GuardDef
	prog  *program
	roles map[string]bool
	layer string
}

type branch struct {
	def  Branch
	when *program
	to   string
}

// diag collects every problem in a policy, with positions.
type diag struct {
	problems []Problem
	locate   func(layer int, path string, col int) (position, string)
}

func (d *diag) add(code Code, layerPath string, layer int, format string, args ...any) {
	d.addCol(code, layerPath, layer, 0, format, args...)
}

// addCol adds a problem whose position is col characters into the value at
// layerPath (a column inside a guard expression), when that can be placed.
func (d *diag) addCol(code Code, layerPath string, layer, col int, format string, args ...any) {
	p := Problem{Code: code, Message: fmt.Sprintf(format, args...), Severity: SeverityError}
	// Problems past MaxProblems are counted, not shown: they are not placed.
	if d.locate != nil && layerPath != "" && len(d.problems) < MaxProblems {
		var pos position
		pos, p.Snippet = d.locate(layer, layerPath, col)
		p.place(pos)
	}
	d.problems = append(d.problems, p)
}

// addExpr adds an expression problem with its own code and column.
func (d *diag) addExpr(err error, layerPath string, layer int, format string, args ...any) {
	d.addCol(errCode(err), layerPath, layer, errCol(err), format, args...)
}

// source is one parsed policy layer (the front end's Layer).
type source = policy.Layer

// where is where an element of the merged policy came from, and originMap
// where every element did (the front end's Where and Origins).
type (
	where     = policy.Where
	originMap = policy.Origins
)

// frontLimits are the caps the front end checks a document against.
var frontLimits = policy.Limits{Bytes: MaxPolicyBytes, Depth: MaxYAMLDepth, Separators: MaxYAMLSeparators,
	Nodes: MaxYAMLNodes, Problems: MaxProblems}

// Compile compiles the embedded default policy with the given overlays on
// top, in order (authority, then district). With no sources it compiles the
// default. Every problem is reported at once in one *Error with code
// invalid_policy (or statutory_floor), each with file:line:col.
func Compile(sources ...PolicySource) (*Engine, error) {
	return compilePolicy(true, sources, DefaultGuardCost, DefaultCallSteps)
}

// compilePolicy is Compile. With lazyDefault and no sources, the default
// policy's expressions are compiled on first use when the pre-parsed policy
// matches the YAML (defaultjson.go); every answer is the same.
func compilePolicy(lazyDefault bool, sources []PolicySource, guardCost, callSteps int64) (eng *Engine, err error) {
	return compileOn(nil, lazyDefault, sources, guardCost, callSteps)
}

// compileOn is compilePolicy on another default layer than the embedded
// one when base is not nil: an earlier release of the default
// (released.go). The engine is a default engine (compiled.bare) when there
// are no sources.
func compileOn(base *PolicySource, lazyDefault bool, sources []PolicySource, guardCost, callSteps int64) (eng *Engine, err error) {
	defer func() {
		if r := recover(); r != nil {
			eng, err = nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("compile failed: %v", r)}
		}
	}()
	first := PolicySource{Name: "default.yaml", Data: defaultPolicyYAML}
	if base != nil {
		first, lazyDefault = *base, false
	}
	all := append([]PolicySource{first}, sources...)
	var srcs []source
	d := &diag{}
	d.locate = func(layer int, path string, col int) (position, string) { return locateCol(srcs, layer, path, col) }
	var syntax *Error
	var lazy map[string]programMeta
	for i, s := range all {
		var p Policy
		var f *ast.File
		var perr error
		if i == 0 && base == nil {
			p, perr = defaultLayer() // pre-parsed Go data when it matches the YAML
			if lazyDefault && len(sources) == 0 {
				lazy = defaultPrograms()
			}
		} else {
			p, f, perr = parsePolicyFile(s)
		}
		if perr != nil {
			// Report the syntax problems of every layer at once.
			e := AsError(perr)
			if syntax == nil {
				syntax = e
			} else if e.Code == syntax.Code {
				syntax.Problems = append(syntax.Problems, e.Problems...)
				syntax.Message = fmt.Sprintf("the policy has %d problem(s)", len(syntax.Problems))
			}
			continue
		}
		srcs = append(srcs, source{Name: s.Name, Policy: p, Data: s.Data, File: f, MaxDepth: MaxYAMLDepth})
	}
	if syntax != nil {
		syntax.Problems = capProblems(syntax.Problems)
		return nil, syntax
	}
	merged, origin := mergePolicies(srcs)
	c := build(merged, origin, srcs, d, lazy, guardCost, callSteps)
	if len(d.problems) > 0 {
		code := CodeInvalidPolicy
		for _, p := range d.problems {
			if p.Code == CodeStatutoryFloor {
				code = CodeStatutoryFloor
			}
		}
		e := &Error{Code: code, Message: fmt.Sprintf("the policy has %d problem(s)", len(d.problems)), Problems: capProblems(d.problems)}
		e.Location = e.Problems[0].Location
		e.Detail = e.Problems[0].Message
		return nil, e
	}
	c.bare = len(sources) == 0
	return newEngine(c), nil
}

func parsePolicy(s PolicySource) (Policy, error) {
	p, _, err := parsePolicyFile(s)
	return p, err
}

// parsePolicyFile is parsePolicy, also returning the document's syntax tree.
// The document's size, depth and expansion are checked before it is parsed
// and decoded (policy.Parse).
func parsePolicyFile(s PolicySource) (Policy, *ast.File, error) {
	p, f, err := policy.Parse(s.Name, s.Data, frontLimits)
	if err != nil {
		return p, nil, frontError(err)
	}
	return p, f, nil
}

// frontError is a front-end error as the *Error every entry point answers
// with.
func frontError(err error) error {
	var fe *policy.Error
	if !errors.As(err, &fe) {
		return err
	}
	e := &Error{Code: Code(fe.Code), Message: fe.Message, Location: fe.Location}
	for _, pr := range fe.Problems {
		p := policyProblem(Code(pr.Code), pr.Message, pr.Pos)
		p.Snippet = pr.Snippet
		e.Problems = append(e.Problems, p)
	}
	return e
}

// locate finds the position of a YAML path in one layer's source, and its
// snippet.
func locate(srcs []source, layer int, path string) (position, string) {
	return locateCol(srcs, layer, path, 0)
}

// locateCol is locate with the caret moved col characters into a one-line
// scalar (a column inside a guard expression).
func locateCol(srcs []source, layer int, path string, col int) (position, string) {
	if layer < 0 || layer >= len(srcs) {
		return position{}, ""
	}
	return srcs[layer].Locate(path, col)
}

// mergePolicies overlays each layer on the one before (policy.Merge).
func mergePolicies(srcs []source) (Policy, *originMap) { return policy.Merge(srcs) }

// elem is the YAML path of element i of the list at path: path[i].
func elem(path string, i int) string { return policy.Elem(path, i) }

// paramProblem says what is wrong with a parameter's value: it must be a
// number, a boolean, a string of at most MaxStringLength characters, or a
// list of at most MaxListItems of these (the bounds the cost model reads).
func paramProblem(v any) string {
	switch x := v.(type) {
	case float64, bool:
		return ""
	case string:
		if len(x) > MaxStringLength {
			return fmt.Sprintf("a string parameter may hold at most %d characters", MaxStringLength)
		}
		return ""
	case []any:
		if len(x) > MaxListItems {
			return fmt.Sprintf("a list parameter may hold at most %d items", MaxListItems)
		}
		for _, e := range x {
			if _, isList := e.([]any); isList {
				return "a list parameter holds numbers, booleans or strings, not lists"
			}
			if m := paramProblem(e); m != "" {
				return m
			}
		}
		return ""
	}
	return "a parameter is a number, a boolean, a string or a list of these"
}

// paramOutOfBounds says how v breaks the declaration d (its Type, Min,
// Max and Enum), or "".
func paramOutOfBounds(d Parameter, v any) string {
	switch d.Type {
	case "":
	case "number", "integer":
		n, ok := v.(float64)
		switch {
		case !ok:
			return "it is declared a " + d.Type
		case d.Type == "integer" && n != math.Trunc(n):
			return "it is declared an integer"
		case d.Min != nil && n < *d.Min:
			return fmt.Sprintf("%v is below its least value, %v", n, *d.Min)
		case d.Max != nil && n > *d.Max:
			return fmt.Sprintf("%v is above its greatest value, %v", n, *d.Max)
		}
	case "string", "boolean", "list":
		ok := false
		switch v.(type) {
		case string:
			ok = d.Type == "string"
		case bool:
			ok = d.Type == "boolean"
		case []any:
			ok = d.Type == "list"
		}
		if !ok {
			return "it is declared a " + d.Type
		}
	default:
		return "its type " + clip(d.Type) + " is not number, integer, string, boolean or list"
	}
	return enumProblem(d.Enum, v)
}

// enumProblem says which value of v (a string, or a list's items) is not
// in enum, when enum is given.
func enumProblem(enum []string, v any) string {
	if len(enum) == 0 {
		return ""
	}
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	for _, it := range items {
		s, ok := it.(string)
		if !ok || !slices.Contains(enum, s) {
			return fmt.Sprintf("%s is not one of %s", clip(fmt.Sprint(it)), strings.Join(enum, ", "))
		}
	}
	return ""
}

// newTriggerHint is a "did you mean" for an overlay trigger that is new
// (not in the default) and incomplete: most likely a misspelt id.
func newTriggerHint(id string, base Policy) string {
	var ids []string
	for _, t := range base.Triggers {
		if t.ID == id {
			return ""
		}
		ids = append(ids, t.ID)
	}
	if h := suggest(id, ids); h != "" {
		return "; it is not a trigger of the default policy" + h
	}
	return ""
}

// startsOf and decisionsOf list the clocks a trigger may start and the
// appealable decisions it may record, on any branch (policy.StartsOf,
// policy.DecisionsOf).
func startsOf(td TriggerDef) []ClockRef  { return policy.StartsOf(td) }
func decisionsOf(td TriggerDef) []string { return policy.DecisionsOf(td) }

func compileGuard(c *compiled, g GuardDef, layer int, path, layerName string, t *trigger, d *diag) (*guard, bool) {
	ok := true
	if g.ID == "" {
		d.add("missing_field", path, layer, "a guard has no id")
		ok = false
	}
	if g.Reason == "" {
		d.add("missing_field", path, layer, "guard %s has no reason", g.ID)
		ok = false
	}
	for _, l := range keys(g.Reasons) {
		switch {
		case l == DefaultLocale:
			d.add("bad_locale", path+".reasons."+l, layer, "guard %s: the English reason goes in reason, not reasons.en", g.ID)
		case !knownLocale(l):
			d.add("bad_locale", path+".reasons", layer, "guard %s: unknown locale %q (known: %s)%s", g.ID, l, strings.Join(Locales(), ", "), suggest(l, Locales()))
		case strings.TrimSpace(g.Reasons[l]) == "":
			d.add("missing_field", path+".reasons."+l, layer, "guard %s: the %s reason is empty", g.ID, l)
		}
	}
	switch g.Severity {
	case "", "block", "advice":
	default:
		d.add("bad_value", path+".severity", layer, "guard %s: severity must be block or advice, not %q", g.ID, g.Severity)
		ok = false
	}
	pr, err := c.compileExpr(g.Expr, reflect.Bool)
	if err != nil {
		d.addExpr(err, path+".expr", layer, "guard %s: %s", g.ID, err.Error())
		if errCode(err) == "unknown_fact" {
			for _, h := range moreUnknownFacts(g.Expr, errCol(err)) {
				d.addCol("unknown_fact", path+".expr", layer, h.col, "guard %s: %s", g.ID, h.msg)
			}
		}
		return nil, false
	}
	lintExpr(c, pr, layer, path+".expr", "guard "+g.ID, d)
	if t != nil {
		checkDataFields(t.def.ID, pr, t, layer, path+".expr", d)
	} else if len(pr.dataFields) > 0 {
		d.add("unknown_field", path+".expr", layer, "guard %s: a role eligibility guard cannot read data", g.ID)
		ok = false
	}
	cg := &guard{def: g, prog: pr, layer: layerName}
	if len(g.Roles) > 0 {
		cg.roles = map[string]bool{}
		for _, r := range g.Roles {
			if c.roles[r] == nil {
				d.add("unknown_role", path+".roles", layer, "guard %s: unknown role %q%s", g.ID, r, suggest(r, keys(c.roles)))
			}
			cg.roles[r] = true
		}
	}
	if cg.def.Severity == "" {
		cg.def.Severity = "block"
	}
	return cg, ok
}

func checkDataFields(trig string, pr *program, t *trigger, layer int, path string, d *diag) {
	for _, f := range pr.dataFields {
		if f == "*" {
			continue
		}
		if _, ok := t.fields[f]; !ok {
			d.add("unknown_field", path, layer, "trigger %s: data.%s is not a payload field of this trigger%s", trig, f, suggest(f, keys(t.fields)))
		}
	}
}

func checkEffects(c *compiled, trig string, e Effects, layer int, path string, t *trigger, d *diag) {
	refs := map[string][]ClockRef{"start": e.Start, "stop": e.Stop, "cancel": e.Cancel, "void": e.Void, "except": e.Except}
	for kind, list := range refs {
		for i, r := range list {
			cs := c.clocks[r.Clock]
			rp := fmt.Sprintf("%s.%s[%d]", path, kind, i)
			if cs == nil {
				d.add("unknown_clock", rp, layer, "trigger %s: unknown clock %q%s", trig, r.Clock, suggest(r.Clock, keys(c.clocks)))
				continue
			}
			if r.SourceActor && (kind == "start" || r.Source != "" || !cs.def.PerSource) {
				d.add("bad_value", rp, layer, "trigger %s: source_actor names a per-source clock to stop or cancel, without source", trig)
			}
			if r.Source != "" {
				if !cs.def.PerSource {
					d.add("bad_value", rp, layer, "trigger %s: clock %s is not per-source", trig, r.Clock)
				}
				if _, ok := t.fields[r.Source]; !ok {
					d.add("unknown_field", rp, layer, "trigger %s: source field %q is not a payload field", trig, r.Source)
				}
			} else if kind == "start" && cs.def.PerSource {
				d.add("missing_field", rp, layer, "trigger %s: per-source clock %s needs a source field to start", trig, r.Clock)
			}
			if (r.IfField != "") != (r.IfItem != "") || (r.IfField != "" && (kind != "start" || t.fields[r.IfField].Type != "list")) {
				d.add("bad_value", rp, layer, "trigger %s: if_field and if_item go together, on a start, and if_field must be a list payload field", trig)
			}
			if r.DueFrom != "" && (r.IfItem == "" || t.fields[r.DueFrom].Type != "map") {
				d.add("bad_value", rp, layer, "trigger %s: due_from goes with if_item and must name a map payload field", trig)
			}
			if kind == "start" && cs.before != nil {
				checkDataFields(trig, cs.before, t, layer, rp, d)
			}
			if kind == "except" {
				if _, ok := t.fields["reason"]; !ok {
					d.add("missing_field", rp, layer, "trigger %s: except needs a payload field named reason", trig)
				}
			}
		}
	}
	if e.Decision != "" && !c.decision[e.Decision] {
		d.add("unknown_decision", path+".decision", layer, "trigger %s: unknown decision kind %q%s", trig, e.Decision, suggest(e.Decision, keys(c.decision)))
	}
	if e.Decision != "" && c.policy.AppealClock == "" {
		d.add("missing_field", "$.appeal_clock", 0, "decisions need the policy's appeal_clock")
	}
	for tk := range e.SetStates {
		if c.trackBy[tk] == nil {
			d.add("unknown_track", path+".set_states", layer, "trigger %s: set_states names unknown track %q", trig, tk)
		}
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// keys is a map's keys, sorted: the one sorted-keys helper of package sdk.
func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func oneLine(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

func splitJoined(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// suggest returns ` (did you mean "x"?)` for the closest name, if close.
func suggest(s string, names []string) string { return policy.Suggest(s, names) }

// policy.Suggest compares names up to MaxIdentifierLen bytes: a difference
// would not compile (a negative constant is no uint).
const _ = uint(MaxIdentifierLen-policy.MaxNameLen) + uint(policy.MaxNameLen-MaxIdentifierLen)

func jsonUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
