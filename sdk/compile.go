package sdk

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/machine"
	"github.com/sendflow/sendflow/sdk/internal/yamlsafe"
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
	clocks   map[string]*clockSpec
	triggers []*trigger
	trigBy   map[string]*trigger
	holidays *calendar.Holidays
	warnings []Warning
	opts     []expr.Option
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
}

type trigger struct {
	// needsClocks is true when a guard, branch or clock expression of the
	// trigger reads clocks.
	needsClocks bool
	def         TriggerDef
	track       *track
	roles       map[string]bool
	fields      map[string]FieldDef
	guards      []*guard
	branches    []*branch
	layer       string
	// rolesText and fromText are the trigger's roles and source states as
	// written, joined once here for Permitted's reasons.
	rolesText, fromText string
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
	locate   func(layer int, path string, col int) (string, string)
}

func (d *diag) add(code, layerPath string, layer int, format string, args ...any) {
	d.addCol(code, layerPath, layer, 0, format, args...)
}

// addCol adds a problem whose position is col characters into the value at
// layerPath (a column inside a guard expression), when that can be placed.
func (d *diag) addCol(code, layerPath string, layer, col int, format string, args ...any) {
	p := Problem{Code: code, Message: fmt.Sprintf(format, args...)}
	// Problems past MaxProblems are counted, not shown: they are not placed.
	if d.locate != nil && layerPath != "" && len(d.problems) < MaxProblems {
		p.Location, p.Snippet = d.locate(layer, layerPath, col)
	}
	d.problems = append(d.problems, p)
}

// addExpr adds an expression problem with its own code and column.
func (d *diag) addExpr(err error, layerPath string, layer int, format string, args ...any) {
	d.addCol(errCode(err), layerPath, layer, errCol(err), format, args...)
}

// source is one parsed policy layer.
type source struct {
	name   string
	policy Policy
	data   []byte
	// file is the layer's syntax tree when it was parsed here, and pos its
	// position index, built from it (or by one parse) on first use.
	file *ast.File
	pos  *posIndex
}

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
	defer func() {
		if r := recover(); r != nil {
			eng, err = nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("compile failed: %v", r)}
		}
	}()
	all := append([]PolicySource{{Name: "default.yaml", Data: defaultPolicyYAML}}, sources...)
	var srcs []source
	d := &diag{}
	d.locate = func(layer int, path string, col int) (string, string) { return locateCol(srcs, layer, path, col) }
	var syntax *Error
	var lazy map[string]programMeta
	for i, s := range all {
		var p Policy
		var f *ast.File
		var perr error
		if i == 0 {
			p, perr = parseDefault() // pre-parsed JSON when it matches the YAML
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
		srcs = append(srcs, source{name: s.Name, policy: p, data: s.Data, file: f})
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
			if p.Code == string(CodeStatutoryFloor) {
				code = CodeStatutoryFloor
			}
		}
		e := &Error{Code: code, Message: fmt.Sprintf("the policy has %d problem(s)", len(d.problems)), Problems: capProblems(d.problems)}
		e.Location = e.Problems[0].Location
		e.Detail = e.Problems[0].Message
		return nil, e
	}
	return newEngine(c), nil
}

func parsePolicy(s PolicySource) (Policy, error) {
	p, _, err := parsePolicyFile(s)
	return p, err
}

// parsePolicyFile is parsePolicy, also returning the document's syntax tree.
// The document's size, depth and expansion are checked (guardYAML) before
// it is parsed and decoded.
func parsePolicyFile(s PolicySource) (Policy, *ast.File, error) {
	var p Policy
	if len(s.Data) > MaxPolicyBytes {
		return p, nil, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("policy %s is %d bytes; the limit is %d", s.Name, len(s.Data), MaxPolicyBytes)}
	}
	if len(bytes.TrimSpace(s.Data)) == 0 {
		return p, nil, &Error{Code: CodeInvalidPolicy, Message: fmt.Sprintf("policy %s is empty", s.Name), Location: s.Name}
	}
	f, err := guardYAML(s.Name, s.Data)
	if err != nil {
		return p, nil, err
	}
	if probs := unknownKeys(s.Name, f, s.Data); len(probs) > 0 {
		probs = capProblems(probs)
		return p, nil, &Error{Code: CodeInvalidPolicy, Message: probs[0].Message, Location: probs[0].Location, Problems: probs}
	}
	if err := decodeYAML(s.Data, &p); err != nil {
		loc := s.Name
		msg := err.Error()
		var se yaml.Error
		if errors.As(err, &se) {
			if tok := se.GetToken(); tok != nil && tok.Position != nil {
				loc = fmt.Sprintf("%s:%d:%d", s.Name, tok.Position.Line, tok.Position.Column)
			}
			msg = se.GetMessage()
		}
		msg = yamlsafe.Clip(msg, maxMessageBytes)
		return p, nil, &Error{Code: CodeInvalidPolicy, Message: msg, Location: loc,
			Problems: capProblems([]Problem{{Code: "syntax", Message: msg, Location: loc, Snippet: firstLines(err.Error())}})}
	}
	return p, f, nil
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

// locate finds the position of a YAML path in one layer's source.
func locate(srcs []source, layer int, path string) (string, string) {
	return locateCol(srcs, layer, path, 0)
}

// locateCol is locate with the caret moved col characters into a one-line
// scalar (a column inside a guard expression). It looks the path up in the
// layer's position index (built once per layer).
func locateCol(srcs []source, layer int, path string, col int) (string, string) {
	if layer < 0 || layer >= len(srcs) {
		return "", ""
	}
	s := &srcs[layer]
	n := s.index().nodes[path]
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return s.name, ""
	}
	tok := n.GetToken()
	pos := *tok.Position
	if col > 0 && !strings.Contains(tok.Value, "\n") {
		switch tok.Type {
		case token.SingleQuoteType, token.DoubleQuoteType:
			pos.Column += col
		case token.StringType:
			pos.Column += col - 1
		}
	}
	sn := ""
	if line, ok := s.index().line(pos.Line); ok {
		sn = snippet(pos.Line, line, pos.Column-1)
	}
	return fmt.Sprintf("%s:%d:%d", s.name, pos.Line, pos.Column), sn
}

// where records, for every element of the merged policy, which layer it came
// from and its YAML path there, so diagnostics point at the right file.
type where struct {
	layer int
	path  string
}

type originMap struct {
	roles, params, tracks, clocks, triggers map[string]where
	// guards maps "trigger/guard" to where that guard was last defined.
	guards map[string]where
	// appealClock and holidays are where those were last set.
	appealClock, holidays where
	layerNames            []string
}

// mergePolicies overlays each layer on the one before: elements are matched
// by id and replaced whole; scalars set in a later layer win.
func mergePolicies(srcs []source) (Policy, *originMap) {
	o := &originMap{roles: map[string]where{}, params: map[string]where{}, tracks: map[string]where{},
		clocks: map[string]where{}, triggers: map[string]where{}, guards: map[string]where{}}
	var out Policy
	for li, s := range srcs {
		p := s.policy
		o.layerNames = append(o.layerNames, layerName(s, li))
		if p.ID != "" {
			out.ID = p.ID
		}
		if p.Title != "" {
			out.Title = p.Title
		}
		if p.Version != "" {
			out.Version = p.Version
		}
		if p.AppealClock != "" {
			out.AppealClock = p.AppealClock
			o.appealClock = where{li, "$.appeal_clock"}
		}
		out.AllowBelowStatutoryFloor = out.AllowBelowStatutoryFloor || p.AllowBelowStatutoryFloor
		if len(p.Holidays) > 0 {
			out.Holidays = p.Holidays
			o.holidays = where{li, "$.holidays"}
		}
		out.EvidenceKinds = unionStrings(out.EvidenceKinds, p.EvidenceKinds)
		out.DecisionKinds = unionStrings(out.DecisionKinds, p.DecisionKinds)
		for i, r := range p.Roles {
			out.Roles = upsert(out.Roles, r, func(x RoleDef) string { return x.ID })
			o.roles[r.ID] = where{li, elem("$.roles", i)}
		}
		for i, r := range p.Parameters {
			out.Parameters = upsert(out.Parameters, r, func(x Parameter) string { return x.ID })
			o.params[r.ID] = where{li, elem("$.parameters", i)}
		}
		for i, r := range p.Tracks {
			out.Tracks = upsert(out.Tracks, r, func(x TrackDef) string { return x.ID })
			o.tracks[r.ID] = where{li, elem("$.tracks", i)}
		}
		for i, r := range p.Clocks {
			out.Clocks = upsert(out.Clocks, r, func(x ClockDef) string { return x.ID })
			o.clocks[r.ID] = where{li, elem("$.clocks", i)}
		}
		for i, r := range p.Triggers {
			out.Triggers = upsert(out.Triggers, r, func(x TriggerDef) string { return x.ID })
			o.triggers[r.ID] = where{li, elem("$.triggers", i)}
			for j, g := range r.Guards {
				o.guards[r.ID+"/"+g.ID] = where{li, elem(elem("$.triggers", i)+".guards", j)}
			}
		}
	}
	return out, o
}

// guard is where guard id of trigger was last defined, or, when no layer
// defined it, fallback.
func (o *originMap) guard(trigger, id string, fallback where) where {
	if w, ok := o.guards[trigger+"/"+id]; ok {
		return w
	}
	return fallback
}

// elem is the YAML path of element i of the list at path: path[i].
func elem(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func layerName(s source, i int) string {
	if s.policy.ID != "" {
		return s.policy.ID
	}
	if i == 0 {
		return "default"
	}
	return s.name
}

// upsert overlays v on the element of list with the same id, field by
// field: every field the overlay sets replaces the base's, lists of guards
// merge by guard id (same id replaces, a new id is added), and a field the
// overlay leaves out keeps the base's value. An element with a new id is added.
func upsert[T any](list []T, v T, id func(T) string) []T {
	for i := range list {
		if id(list[i]) == id(v) {
			list[i] = overlayFields(list[i], v)
			return list
		}
	}
	return append(list, v)
}

func overlayFields[T any](base, over T) T {
	var bm, om map[string]any
	bb, _ := json.Marshal(base)
	ob, _ := json.Marshal(over)
	if json.Unmarshal(bb, &bm) != nil || json.Unmarshal(ob, &om) != nil {
		return over
	}
	for k, v := range om {
		if m, ok := v.(map[string]any); v == nil || v == "" || (ok && len(m) == 0) {
			continue // a field the overlay left out (no omitempty on it)
		}
		if k == "guards" {
			bm[k] = mergeByID(bm[k], v)
			continue
		}
		bm[k] = v
	}
	out, _ := json.Marshal(bm)
	var res T
	if json.Unmarshal(out, &res) != nil {
		return over
	}
	return res
}

func mergeByID(base, over any) any {
	bl, _ := base.([]any)
	ol, _ := over.([]any)
	out := append([]any(nil), bl...)
	for _, o := range ol {
		om, _ := o.(map[string]any)
		replaced := false
		for i, b := range out {
			if bm, _ := b.(map[string]any); bm != nil && om != nil && bm["id"] == om["id"] {
				out[i] = o
				replaced = true
			}
		}
		if !replaced {
			out = append(out, o)
		}
	}
	return out
}

func unionStrings(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

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

func build(p Policy, o *originMap, srcs []source, d *diag, lazy map[string]programMeta, guardCost, callSteps int64) *compiled {
	c := &compiled{policy: p, id: p.ID, layers: o.layerNames, roles: map[string]*role{}, params: map[string]any{}, guardCost: guardCost, callSteps: callSteps,
		evidence: map[string]bool{}, decision: map[string]bool{}, trackBy: map[string]*track{},
		clocks: map[string]*clockSpec{}, trigBy: map[string]*trigger{}, lazy: lazy}
	if c.id == "" {
		d.add("missing_field", "$.id", 0, "the policy has no id")
	}
	c.origins = map[string]string{}
	for kind, m := range map[string]map[string]where{"role": o.roles, "parameter": o.params, "track": o.tracks,
		"clock": o.clocks, "trigger": o.triggers, "guard": o.guards} {
		for id, w := range m {
			c.origins[kind+":"+id] = o.layerNames[w.layer]
		}
	}
	// Holidays.
	c.holidays = calendar.DefaultHolidays()
	if len(p.Holidays) > 0 {
		var ds []calendar.Date
		for i, h := range p.Holidays {
			dd, err := calendar.ParseDate(h)
			if err != nil {
				d.add("bad_date", fmt.Sprintf("$.holidays[%d]", i), len(srcs)-1, "holiday %q is not a date (YYYY-MM-DD)", h)
				continue
			}
			ds = append(ds, dd)
		}
		c.holidays = calendar.NewHolidays(ds)
	}
	if c.lazy != nil {
		h := c.holidays
		c.lazyOpts = sync.OnceValue(func() []expr.Option { return exprOptions(h) })
	} else {
		c.opts = exprOptions(c.holidays)
	}
	for _, k := range p.EvidenceKinds {
		c.evidence[k] = true
	}
	for _, k := range p.DecisionKinds {
		c.decision[k] = true
	}
	for _, pr := range p.Parameters {
		v := normaliseJSON(pr.Value)
		if msg := paramProblem(v); msg != "" {
			w := o.params[pr.ID]
			d.add("bad_value", w.path+".value", w.layer, "parameter %s: %s", pr.ID, msg)
			continue
		}
		c.params[pr.ID] = v
	}
	// Roles.
	for _, r := range p.Roles {
		w := o.roles[r.ID]
		if !validName(r.ID) {
			d.add("bad_name", w.path+".id", w.layer, "role %q must be lower snake_case", r.ID)
		}
		ro := &role{def: r}
		if r.Eligibility != nil {
			g, ok := compileGuard(c, *r.Eligibility, w.layer, w.path+".eligibility", o.layerNames[w.layer], nil, d)
			if ok {
				ro.eligibility = g
			}
		}
		c.roles[r.ID] = ro
	}
	// Tracks and their states (machines are built after triggers).
	type pending struct {
		t     *track
		specs []machine.State
	}
	var pend []*pending
	for i, t := range p.Tracks {
		w := o.tracks[t.ID]
		tr := &track{def: t, index: i, initial: t.Initial}
		var states []machine.State
		var walk func(prefix string, parent string, list []StateDef, path string)
		walk = func(prefix, parent string, list []StateDef, path string) {
			for j, s := range list {
				name := s.ID
				if prefix != "" {
					name = prefix + "." + s.ID
				}
				if !validName(s.ID) {
					d.add("bad_name", fmt.Sprintf("%s[%d].id", path, j), w.layer, "state %q must be lower snake_case", s.ID)
				}
				ms := machine.State{Name: name, Parent: parent}
				if s.Initial != "" {
					ms.Initial = name + "." + s.Initial
				}
				states = append(states, ms)
				walk(name, name, s.States, elem(path, j)+".states")
			}
		}
		walk("", "", t.States, w.path+".states")
		c.tracks = append(c.tracks, tr)
		c.trackBy[t.ID] = tr
		pend = append(pend, &pending{t: tr, specs: states})
	}
	// Clocks.
	for _, cd := range p.Clocks {
		w := o.clocks[cd.ID]
		cs := &clockSpec{def: cd, unit: calendar.Unit(cd.Unit), length: cd.Length}
		if cd.Kind == "" {
			cs.def.Kind = "duty"
		} else if cd.Kind != "duty" && cd.Kind != "window" {
			d.add("bad_value", w.path+".kind", w.layer, "clock %s: kind must be duty or window, not %q", cd.ID, cd.Kind)
		}
		switch {
		case cd.Unit == "before":
			if cd.Before == "" {
				d.add("missing_field", w.path, w.layer, "clock %s: unit before needs a before expression", cd.ID)
			} else if pr, err := c.compileExpr(cd.Before, reflect.String); err != nil {
				d.addExpr(err, w.path+".before", w.layer, "clock %s: %s", cd.ID, err.Error())
			} else {
				cs.before = pr
			}
		case !cs.unit.Valid():
			d.add("bad_value", w.path+".unit", w.layer, "clock %s: unknown unit %q (weeks, days, days_beginning_with, months, months_starting_with, working_days, before)", cd.ID, cd.Unit)
		case cd.LengthParam != "":
			v, ok := c.params[cd.LengthParam].(float64)
			if !ok || v < 1 || v != float64(int(v)) {
				d.add("bad_value", w.path+".length_param", w.layer, "clock %s: parameter %q must be a whole number of %s", cd.ID, cd.LengthParam, cd.Unit)
			} else {
				cs.length = int(v)
			}
		case cd.Length < 1:
			d.add("bad_value", w.path+".length", w.layer, "clock %s: length must be at least 1", cd.ID)
		}
		c.clocks[cd.ID] = cs
	}
	if p.AppealClock != "" && c.clocks[p.AppealClock] == nil {
		d.add("unknown_clock", "$.appeal_clock", 0, "appeal_clock %q is not a declared clock", p.AppealClock)
	}
	// Triggers.
	transitions := map[string][]machine.Transition{}
	entries := map[string][]string{}
	for _, td := range p.Triggers {
		w := o.triggers[td.ID]
		trackID, _, ok := strings.Cut(td.ID, ".")
		tr := c.trackBy[trackID]
		if !ok || tr == nil {
			d.add("unknown_track", w.path+".id", w.layer, "trigger %q must be named track.event with a declared track", td.ID)
			continue
		}
		t := &trigger{def: td, track: tr, roles: map[string]bool{}, fields: map[string]FieldDef{}, layer: o.layerNames[w.layer],
			rolesText: strings.Join(td.Roles, ", "), fromText: strings.Join(td.From, ", ")}
		for i, r := range td.Roles {
			if c.roles[r] == nil {
				d.add("unknown_role", fmt.Sprintf("%s.roles[%d]", w.path, i), w.layer, "trigger %s: unknown role %q%s", td.ID, r, suggest(r, keys(c.roles)))
			}
			t.roles[r] = true
		}
		if len(td.Roles) == 0 {
			d.add("missing_field", w.path, w.layer, "trigger %s lists no roles%s", td.ID, newTriggerHint(td.ID, srcs[0].policy))
		}
		for i, f := range td.Payload {
			fp := elem(w.path+".payload", i)
			switch f.Type {
			case "string", "integer", "number", "boolean", "date", "list":
			default:
				d.add("bad_value", fp+".type", w.layer, "trigger %s: field %s: unknown type %q (string, integer, number, boolean, date, list)", td.ID, f.Name, f.Type)
			}
			if _, dup := t.fields[f.Name]; dup {
				d.add("duplicate", fp, w.layer, "trigger %s: field %s is declared twice", td.ID, f.Name)
			}
			t.fields[f.Name] = f
		}
		for i, g := range td.Guards {
			if g.Disabled {
				continue
			}
			gw := o.guard(td.ID, g.ID, where{w.layer, elem(w.path+".guards", i)})
			if cg, ok := compileGuard(c, g, gw.layer, gw.path, o.layerNames[gw.layer], t, d); ok {
				t.guards = append(t.guards, cg)
			}
		}
		checkEffects(c, td.ID, td.Effects, w.layer, w.path+".effects", t, d)
		if len(td.From) == 0 {
			d.add("missing_field", w.path+".from", w.layer, "trigger %s lists no from-states%s", td.ID, newTriggerHint(td.ID, srcs[0].policy))
		}
		known, _ := (&linter{c: c}).states(trackID)
		checkState := func(st, p string) {
			if st != "" && !slices.Contains(known, st) {
				d.add("unknown_state", p, w.layer, "trigger %s: %q is not a state of track %s%s", td.ID, st, trackID, suggest(st, known))
			}
		}
		for i, f := range td.From {
			checkState(f, elem(w.path+".from", i))
		}
		checkState(td.To, w.path+".to")
		for i, b := range td.Branches {
			checkState(b.To, fmt.Sprintf("%s.branches[%d].to", w.path, i))
		}
		dests := map[string]bool{}
		hasDefault := false
		for i, b := range td.Branches {
			bp := elem(w.path+".branches", i)
			cb := &branch{def: b, to: b.To}
			if cb.to == "" {
				cb.to = td.To
			}
			if b.When != "" {
				pr, err := c.compileExpr(b.When, reflect.Bool)
				if err != nil {
					d.addExpr(err, bp+".when", w.layer, "trigger %s: branch %d: %s", td.ID, i+1, err.Error())
				} else {
					checkDataFields(td.ID, pr, t, w.layer, bp+".when", d)
					lintExpr(c, pr, w.layer, bp+".when", fmt.Sprintf("trigger %s: branch %d", td.ID, i+1), d)
					cb.when = pr
				}
			} else {
				hasDefault = true
			}
			checkEffects(c, td.ID, b.Effects, w.layer, bp+".effects", t, d)
			t.branches = append(t.branches, cb)
			dests[cb.to] = true
		}
		if len(td.Branches) > 0 && !hasDefault {
			dests[td.To] = true
		}
		dynamic := len(dests) > 1
		var destList []string
		for k := range dests {
			destList = append(destList, k)
		}
		sort.Strings(destList)
		for _, from := range td.From {
			mt := machine.Transition{Trigger: td.ID, From: from, To: td.To, Dynamic: dynamic}
			if dynamic {
				for _, dd := range destList {
					if dd == "" {
						dd = from
					}
					mt.Dests = append(mt.Dests, dd)
				}
				mt.To = ""
			}
			transitions[tr.def.ID] = append(transitions[tr.def.ID], mt)
		}
		for tk, st := range td.Effects.SetStates {
			entries[tk] = append(entries[tk], st)
		}
		if _, dup := c.trigBy[td.ID]; dup {
			d.add("duplicate", w.path+".id", w.layer, "trigger %s is declared twice", td.ID)
		}
		for _, g := range t.guards {
			t.needsClocks = t.needsClocks || g.prog.usesClocks
		}
		for _, b := range t.branches {
			t.needsClocks = t.needsClocks || (b.when != nil && b.when.usesClocks)
		}
		for _, r := range startsOf(td) {
			if cs := c.clocks[r.Clock]; cs != nil && cs.before != nil && cs.before.usesClocks {
				t.needsClocks = true
			}
		}
		if sum := t.cost(); sum > c.callSteps {
			d.add("too_costly", w.path, w.layer, "%s", triggerTooCostly(td.ID, sum, c.callSteps))
		}
		c.trigBy[td.ID] = t
		c.triggers = append(c.triggers, t)
	}
	for _, pd := range pend {
		w := o.tracks[pd.t.def.ID]
		m, err := machine.New(machine.Spec{Track: pd.t.def.ID, Initial: pd.t.initial, States: pd.specs, Transitions: transitions[pd.t.def.ID],
			Known: c.lazy != nil})
		if err != nil {
			for _, e := range splitJoined(err) {
				if strings.Contains(e, "unknown from-state") || strings.Contains(e, "unknown destination state") {
					continue // reported above, with the trigger's position
				}
				d.add("invalid_graph", w.path, w.layer, "%s", e)
			}
			continue
		}
		pd.t.m = m
		reach := m.Reachable(entries[pd.t.def.ID]...)
		for _, s := range pd.specs {
			if !reach[s.Name] && !pd.t.def.Disabled {
				d.add("unreachable_state", w.path, w.layer, "track %s: state %s cannot be reached from %s", pd.t.def.ID, s.Name, pd.t.initial)
			}
		}
	}
	// Cross-track set_states must name declared states.
	for tk, sts := range entries {
		tr := c.trackBy[tk]
		for _, st := range sts {
			if tr == nil || tr.m == nil || !tr.m.HasState(st) {
				d.add("unknown_state", "$.triggers", 0, "set_states: %s is not a state of track %s", st, tk)
			}
		}
	}
	if len(srcs) > 1 { // the floor binds overlays (and checkFloor is big: not compiled for nothing in WebAssembly)
		checkFloor(c, srcs, o, d)
	}
	if len(d.problems) == 0 && c.lazy != nil {
		c.hash = defaultHash // the default alone: recorded in defaultpolicy_gen.go
	} else if len(d.problems) == 0 {
		canon, _ := json.Marshal(p)
		sum := sha256.Sum256(canon)
		c.hash = hex.EncodeToString(sum[:])
	}
	if p.AllowBelowStatutoryFloor {
		c.warnings = append(c.warnings, Warning{Code: "below_statutory_floor",
			Message: "This policy sets allow_below_statutory_floor: it may break the statutory floor, so its outcomes may not be lawful."})
	}
	return c
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

// effectsOf lists a trigger's effects: its own, then each branch's.
func effectsOf(td TriggerDef) []Effects {
	out := make([]Effects, 0, 1+len(td.Branches))
	out = append(out, td.Effects)
	for _, b := range td.Branches {
		out = append(out, b.Effects)
	}
	return out
}

// startsOf lists the clocks a trigger may start, on any branch.
func startsOf(td TriggerDef) []ClockRef {
	var out []ClockRef
	for _, eff := range effectsOf(td) {
		out = append(out, eff.Start...)
	}
	return out
}

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
	for _, l := range sortedStringKeys(g.Reasons) {
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
			var names []string
			for n := range t.fields {
				names = append(names, n)
			}
			d.add("unknown_field", path, layer, "trigger %s: data.%s is not a payload field of this trigger%s", trig, f, suggest(f, names))
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
		d.add("unknown_decision", path+".decision", layer, "trigger %s: unknown decision kind %q%s", trig, e.Decision, suggest(e.Decision, keysBool(c.decision)))
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

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keysBool(m map[string]bool) []string { return keys(m) }

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
func suggest(s string, names []string) string {
	if len(s) > MaxIdentifierLen {
		// No name is that long; and the distance would cost len(s) per name.
		return ""
	}
	best, bestD := "", 1<<30
	for _, n := range names {
		if dd := levenshtein(s, n); dd < bestD {
			best, bestD = n, dd
		}
	}
	if best != "" && bestD <= max(2, len(s)/3) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	// A prefix ("ehc_final" for "ehc_final_plan") or initials ("dob" for
	// "date_of_birth") of exactly one name.
	var hits []string
	for _, n := range names {
		if (len(s) >= 3 && strings.HasPrefix(n, s)) || (len(s) >= 2 && initials(n) == s) {
			hits = append(hits, n)
		}
	}
	if len(hits) == 1 {
		return fmt.Sprintf(" (did you mean %q?)", hits[0])
	}
	return ""
}

func initials(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteByte(part[0])
		}
	}
	return b.String()
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// normaliseJSON round-trips a value through JSON so numbers are float64 and
// maps are map[string]any, exactly as a host that stored it would see it.
// The values policies hold (numbers, strings, booleans, lists and objects
// of them) are converted directly, without encoding/json's reflection (its
// first use costs tens of milliseconds in WebAssembly, at a page's first
// compile); anything else takes the round trip. TestNormaliseJSON checks
// the two agree.
func normaliseJSON(v any) any {
	if out, ok := normaliseDirect(v, 0); ok {
		return out
	}
	return normaliseRoundTrip(v)
}

// normaliseDirect is normaliseJSON for plain values; ok is false for
// anything it does not convert exactly as the round trip would. It is not
// canon.go's normalise (a firing's payload), which accepts more (float32,
// json.Number) and turns a nil list into an empty one: this one must give
// what the JSON round trip gives, value for value.
func normaliseDirect(v any, depth int) (any, bool) {
	if depth > 64 {
		return nil, false
	}
	switch x := v.(type) {
	case nil, bool:
		return x, true
	case string:
		if !utf8.ValidString(x) {
			return nil, false // encoding/json replaces each invalid byte
		}
		return x, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case []any:
		if x == nil {
			return nil, true
		}
		out := make([]any, len(x))
		for i, e := range x {
			n, ok := normaliseDirect(e, depth+1)
			if !ok {
				return nil, false
			}
			out[i] = n
		}
		return out, true
	case []string:
		if x == nil {
			return nil, true
		}
		out := make([]any, len(x))
		for i, e := range x {
			if !utf8.ValidString(e) {
				return nil, false
			}
			out[i] = e
		}
		return out, true
	case map[string]any:
		if x == nil {
			return nil, true
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, ok := normaliseDirect(e, depth+1)
			if !ok || !utf8.ValidString(k) {
				return nil, false
			}
			out[k] = n
		}
		return out, true
	}
	return nil, false
}

func normaliseRoundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return out
}

func jsonUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
