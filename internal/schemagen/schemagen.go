// Package schemagen generates sendflow's JSON Schemas (draft 2020-12) from
// the SDK's Go types with github.com/invopop/jsonschema, taking descriptions
// from the Go doc comments and every enum (tracks, states, triggers, roles,
// clock ids, evidence kinds, decision kinds, error codes) from the compiled
// default policy, so the schemas cannot drift from the code or the policy.
//
// It runs at `go generate` time only (it reads the Go source files for the
// comments); the sdk package never imports it.
package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/scenario"
)

// BaseURL prefixes every schema's $id.
const BaseURL = "https://sendflow.dev/schemas/"

// Module is the Go module path, needed to match comments to types.
const Module = "github.com/sendflow/sendflow"

// Doc describes one generated schema.
type Doc struct {
	// Name is the short name, e.g. "case"; the file is NAME.schema.json.
	Name string
	// Title is the schema's title.
	Title string
	// Type is a value of the Go type the schema describes.
	Type any
	// Strict schemas carry the default policy's enums and formats; the
	// policy and scenario schemas are structural only (an overlay may add
	// tracks and triggers, and scenarios test invalid values on purpose).
	Strict bool
	// About leads the description, before the Go type's own comment.
	About string
}

// Docs lists every schema, in the order they are documented.
var Docs = []Doc{
	{Name: "policy", Title: "sendflow policy", Type: sdk.Policy{},
		About: "A lifecycle policy document: the default policy or an authority/district overlay (YAML or JSON). Structural only: an overlay may add its own tracks, states, triggers and roles, and may leave out any field but the ids it overlays."},
	{Name: "case", Title: "sendflow case", Type: sdk.Case{}, Strict: true,
		About: "A case as the engine writes it and reads it back (hosts store it as it is)."},
	{Name: "firing", Title: "sendflow firing", Type: sdk.Firing{}, Strict: true,
		About: "A request to fire one trigger. The payload (data) is checked per trigger, so a portal can validate a form before it fires."},
	{Name: "event", Title: "sendflow event", Type: sdk.Event{}, Strict: true,
		About: "One event of a case's hash-chained history."},
	{Name: "outcome", Title: "sendflow outcome", Type: sdk.Outcome{}, Strict: true,
		About: "What a successful Fire returns."},
	{Name: "error", Title: "sendflow error", Type: sdk.Error{}, Strict: true,
		About: "The one error shape every sendflow entry point answers with."},
	{Name: "permitted", Title: "sendflow permitted", Type: []sdk.Permission{}, Strict: true,
		About: "What Permitted returns: one permission per trigger of the policy, for one role as of one date."},
	{Name: "clocks", Title: "sendflow clock report", Type: sdk.ClockReport{}, Strict: true,
		About: "What Clocks returns."},
	{Name: "scenario", Title: "sendflow scenario", Type: scenario.Scenario{},
		About: "A scenario file (YAML or JSON; one scenario per document): a case walked through firings and queries with expectations (docs/scenarios.md). Structural only: scenarios test unknown triggers and bad values on purpose."},
}

// Names lists the schema names in order.
func Names() []string {
	out := make([]string, len(Docs))
	for i, d := range Docs {
		out[i] = d.Name
	}
	return out
}

// Generate builds every schema. root is the module's root directory (the Go
// sources under root/sdk are read for the doc comments). It returns file
// name → contents.
func Generate(root string) (map[string][]byte, error) {
	eng, err := sdk.Default()
	if err != nil {
		return nil, fmt.Errorf("compile the default policy: %w", err)
	}
	en := enumsOf(eng)
	comments, err := goComments(root)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, d := range Docs {
		s := reflectDoc(d, comments)
		if d.Strict {
			strict(s, en, reflect.TypeOf(d.Type).Name())
		} else {
			structural(d.Name, s)
		}
		tidy(s)
		b, err := marshal(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Name, err)
		}
		out[d.Name+".schema.json"] = b
	}
	return out, nil
}

// goComments reads the doc comments of the sdk packages.
func goComments(root string) (map[string]string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if err := os.Chdir(root); err != nil {
		return nil, err
	}
	defer func() { _ = os.Chdir(wd) }()
	r := &jsonschema.Reflector{}
	if err := r.AddGoComments(Module, "sdk", jsonschema.WithFullComment()); err != nil {
		return nil, fmt.Errorf("read Go comments: %w", err)
	}
	return r.CommentMap, nil
}

func reflectDoc(d Doc, comments map[string]string) *jsonschema.Schema {
	r := &jsonschema.Reflector{
		ExpandedStruct: true,
		CommentMap:     comments,
		LookupComment:  sharedComment(comments),
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeOf(sdk.ClockRef{}) {
				return clockRefSchema()
			}
			return nil
		},
	}
	s := r.Reflect(d.Type)
	s.ID = jsonschema.ID(BaseURL + d.Name + ".schema.json")
	s.Title = d.Title
	desc := d.About
	if s.Description != "" {
		desc += " " + s.Description
	} else if s.Items != nil && s.Items.Ref != "" {
		if def := s.Definitions[strings.TrimPrefix(s.Items.Ref, "#/$defs/")]; def != nil && def.Description != "" {
			desc += " Each item: " + def.Description
		}
	}
	s.Description = desc
	return s
}

// sharedComment finds the comment of a field documented together with an
// earlier one ("StatesBefore and StatesAfter are ...", "Min and Max bound
// ..."): the nearest earlier commented field whose comment names it.
func sharedComment(comments map[string]string) func(reflect.Type, string) string {
	return func(t reflect.Type, field string) string {
		if field == "" || t.Kind() != reflect.Struct {
			return ""
		}
		key := func(f string) string { return t.PkgPath() + "." + t.Name() + "." + f }
		if c := comments[key(field)]; c != "" {
			return c
		}
		sf, ok := t.FieldByName(field)
		if !ok || len(sf.Index) != 1 {
			return ""
		}
		word := regexp.MustCompile(`\b` + regexp.QuoteMeta(field) + `\b`)
		for i := sf.Index[0] - 1; i >= 0; i-- {
			if c := comments[key(t.Field(i).Name)]; c != "" {
				if word.MatchString(c) {
					return c
				}
				return ""
			}
		}
		return ""
	}
}

// clockRefSchema: a clock reference is a bare clock id or {clock, source}.
func clockRefSchema() *jsonschema.Schema {
	obj := &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties(),
		AdditionalProperties: jsonschema.FalseSchema, Required: []string{"clock"}}
	obj.Properties.Set("clock", &jsonschema.Schema{Type: "string", Description: "The clock id."})
	obj.Properties.Set("source", &jsonschema.Schema{Type: "string",
		Description: "For a per-source clock, the data field holding the source (every source when empty, for stop/cancel/except)."})
	obj.Properties.Set("source_actor", &jsonschema.Schema{Type: "boolean",
		Description: "On a stop or cancel of a per-source clock: the instance whose source is the firing actor's role."})
	obj.Properties.Set("if_field", &jsonschema.Schema{Type: "string",
		Description: "On a start: a list payload field; the clock starts only when it holds if_item."})
	obj.Properties.Set("if_item", &jsonschema.Schema{Type: "string",
		Description: "On a start: the item if_field must hold."})
	obj.Properties.Set("due_from", &jsonschema.Schema{Type: "string",
		Description: "On a start with if_item: a map payload field; the date it holds for if_item is the clock's due date (R42(5))."})
	return &jsonschema.Schema{
		Description: "A clock reference: a bare clock id, or {clock, source} for a per-source clock.",
		AnyOf:       []*jsonschema.Schema{{Type: "string"}, obj},
	}
}

// enums holds every name the default policy defines.
type enums struct {
	tracks, triggers, roles, clocks, evidence, decisions, codes []string
	// stateTracks are the tracks a case's states hold: the enabled ones,
	// then any the policy disables (held at their initial state).
	stateTracks        []string
	states             map[string][]string
	trackDesc          map[string]string
	clockKeys, sources []string
	// decisionKeys are the keys of the per-decision clocks, which a case
	// holds as key.dN (one instance per appealable decision).
	decisionKeys []string
	payload      map[string][]sdk.FieldDef
}

func enumsOf(e *sdk.Engine) enums {
	p := e.Policy()
	en := enums{tracks: e.Tracks(), triggers: e.TriggerNames(), states: map[string][]string{}, trackDesc: map[string]string{},
		evidence: append([]string(nil), p.EvidenceKinds...), decisions: append([]string(nil), p.DecisionKinds...),
		payload: map[string][]sdk.FieldDef{}}
	for _, r := range p.Roles {
		en.roles = append(en.roles, r.ID)
	}
	for _, c := range sdk.Codes() {
		en.codes = append(en.codes, string(c))
	}
	en.addStates(p, e.NewCase(sdk.Facts{}).States)
	en.addClocks(p)
	return en
}

// addStates sets the tracks a case's states hold, each one's states and
// description: every state (nested ones written with dots) of an enabled
// track; only its initial state (from initial, a new case's states) for a
// track the policy disables.
func (en *enums) addStates(p sdk.Policy, initial map[string]string) {
	enabled := map[string]bool{}
	for _, t := range en.tracks {
		enabled[t] = true
	}
	en.stateTracks = append([]string(nil), en.tracks...)
	for _, t := range p.Tracks {
		if !enabled[t.ID] {
			// A disabled track never moves from its initial state, but a
			// case still holds it.
			if _, ok := initial[t.ID]; ok && en.trackDesc[t.ID] == "" {
				en.stateTracks = append(en.stateTracks, t.ID)
				en.states[t.ID] = []string{initial[t.ID]}
				en.trackDesc[t.ID] = "The " + t.ID + " track, disabled in this policy (it stays at its initial state): " + t.Description
			}
			continue
		}
		en.trackDesc[t.ID] = "The " + t.ID + " track: " + t.Description
		en.states[t.ID] = appendStateNames(en.states[t.ID], "", t.States)
	}
}

// appendStateNames appends the names of list (under prefix) to names, each
// followed by its sub-states', depth first.
func appendStateNames(names []string, prefix string, list []sdk.StateDef) []string {
	for _, s := range list {
		name := prefix + s.ID
		names = append(names, name)
		names = appendStateNames(names, name+".", s.States)
	}
	return names
}

// addClocks sets the clocks, the payloads of the enabled triggers and the
// clock keys: "id" for ordinary clocks, "id.source" for per-source ones,
// the sources being the enum of the data field each start names.
func (en *enums) addClocks(p sdk.Policy) {
	perSource, perDecision := map[string]bool{}, map[string]bool{}
	for _, c := range p.Clocks {
		en.clocks = append(en.clocks, c.ID)
		perSource[c.ID], perDecision[c.ID] = c.PerSource, c.PerDecision
	}
	defer func() {
		for _, k := range en.clockKeys {
			id, _, _ := strings.Cut(k, ".")
			if perDecision[id] {
				en.decisionKeys = append(en.decisionKeys, k)
			}
		}
	}()
	srcs := en.clockSources(p)
	allSrc := map[string]bool{}
	for _, c := range en.clocks {
		if !perSource[c] {
			en.clockKeys = append(en.clockKeys, c)
			continue
		}
		for _, s := range sortedSet(srcs[c]) {
			en.clockKeys = append(en.clockKeys, c+"."+s)
			allSrc[s] = true
		}
	}
	en.sources = sortedSet(allSrc)
}

// clockSources sets the payload of each enabled trigger and returns, for
// each clock one of them starts per source, the sources: the enum of the
// payload field the start names.
func (en *enums) clockSources(p sdk.Policy) map[string]map[string]bool {
	srcs := map[string]map[string]bool{}
	trig := map[string]bool{}
	for _, t := range en.triggers {
		trig[t] = true
	}
	for _, t := range p.Triggers {
		if !trig[t.ID] {
			continue
		}
		en.payload[t.ID] = t.Payload
		starts := append([]sdk.ClockRef(nil), t.Effects.Start...)
		for _, b := range t.Branches {
			starts = append(starts, b.Effects.Start...)
		}
		for _, r := range starts {
			if r.Source == "" {
				continue
			}
			for _, f := range t.Payload {
				if f.Name == r.Source {
					if srcs[r.Clock] == nil {
						srcs[r.Clock] = map[string]bool{}
					}
					for _, v := range f.Enum {
						srcs[r.Clock][v] = true
					}
				}
			}
		}
	}
	return srcs
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func prop(s *jsonschema.Schema, name string) *jsonschema.Schema {
	if s == nil || s.Properties == nil {
		return nil
	}
	p, _ := s.Properties.Get(name)
	return p
}

// setProp replaces a property's schema, keeping its description.
func setProp(s *jsonschema.Schema, name string, ns *jsonschema.Schema) {
	if s == nil || s.Properties == nil {
		return
	}
	old, ok := s.Properties.Get(name)
	if !ok {
		panic("schemagen: no property " + name)
	}
	if ns.Description == "" && old != nil {
		ns.Description = old.Description
	}
	s.Properties.Set(name, ns)
}

func enumProp(s *jsonschema.Schema, name string, values []string) {
	if p := prop(s, name); p != nil {
		p.Enum = anys(values)
	}
}

func formatProp(s *jsonschema.Schema, name, format string) {
	if p := prop(s, name); p != nil {
		p.Format = format
	}
}

func dropRequired(s *jsonschema.Schema, names ...string) {
	if s == nil {
		return
	}
	var keep []string
	for _, r := range s.Required {
		drop := false
		for _, n := range names {
			drop = drop || r == n
		}
		if !drop {
			keep = append(keep, r)
		}
	}
	s.Required = keep
}

func u64(n uint64) *uint64 { return &n }

func num(f float64) json.Number { return json.Number(fmt.Sprint(f)) }

// dateOrTime is a firing time: a date (the start of that day UK time) or an
// RFC 3339 timestamp.
func dateOrTime() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", AnyOf: []*jsonschema.Schema{{Format: "date"}, {Format: "date-time"}}}
}

// strict adds the default policy's enums, the date formats and the
// per-trigger payload schemas to an engine document's schema.
func strict(s *jsonschema.Schema, en enums, rootName string) {
	defs := s.Definitions
	// The root of a schema is expanded, not in $defs: look it up by name too.
	root := map[string]*jsonschema.Schema{}
	for k, v := range defs {
		root[k] = v
	}
	root[rootName] = s

	strictCase(root, defs, en)
	strictCaps(root)
	if ch := root["Child"]; ch != nil {
		formatProp(ch, "date_of_birth", "date")
		formatProp(ch, "apprenticeship_end", "date")
		formatProp(ch, "course_end", "date")
		if p := prop(ch, "post25_setting"); p != nil {
			p.Enum = anys([]string{"fe", "apprenticeship", "other"})
		}
		if y := prop(ch, "year_group"); y != nil {
			y.Minimum, y.Maximum = num(-3), num(20)
		}
	}
	strictPerson(defs)
	strictClocks(root, en)
	strictRecords(root, en)
	firing := strictFiring(root, defs, en)
	event := strictEvent(root, defs, en)
	if firing || event {
		for _, t := range en.triggers {
			defs[payloadDef(t)] = payloadSchema(t, en.payload[t])
		}
	}
}

// strictCase: a case's and the facts' child is optional, their evidence
// kinds and a case's states and clock keys are the policy's.
func strictCase(root map[string]*jsonschema.Schema, defs jsonschema.Definitions, en enums) {
	if f := root["Facts"]; f != nil {
		dropRequired(f, "child")
	}
	if c := root["Case"]; c != nil {
		dropRequired(c, "child")
		enumItems(prop(c, "evidence"), en.evidence)
		setProp(c, "states", &jsonschema.Schema{Ref: "#/$defs/States"})
		if cl := prop(c, "clocks"); cl != nil {
			cl.PropertyNames = clockKeySchema(en)
		}
		defs["States"] = statesSchema(en)
	}
	if f := root["Facts"]; f != nil {
		enumItems(prop(f, "evidence"), en.evidence)
	}
}

// decisionIDPattern is a decision id, "d<seq>".
const decisionIDPattern = `^d[1-9][0-9]*$`

// clockKeySchema is a clock key of the policy: an ordinary or per-source
// key, or a per-decision one followed by ".dN".
func clockKeySchema(en enums) *jsonschema.Schema {
	keys := &jsonschema.Schema{Type: "string", Enum: anys(en.clockKeys)}
	if len(en.decisionKeys) == 0 {
		return keys
	}
	quoted := make([]string, len(en.decisionKeys))
	for i, k := range en.decisionKeys {
		quoted[i] = regexp.QuoteMeta(k)
	}
	perDecision := &jsonschema.Schema{Type: "string", Pattern: `^(` + strings.Join(quoted, "|") + `)\.d[1-9][0-9]*$`}
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{keys, perDecision}}
}

// strictCaps sets the caps on a case's parts (docs/reliability.md, Limits).
func strictCaps(root map[string]*jsonschema.Schema) {
	for _, name := range []string{"Case", "Facts"} {
		if x := root[name]; x != nil {
			for _, p := range []string{"id", "la", "district"} {
				if s := prop(x, p); s != nil {
					s.MaxLength = u64(sdk.MaxIdentifierLen)
				}
			}
			if s := prop(x, "evidence"); s != nil {
				s.MaxItems = u64(sdk.MaxEvidence)
			}
		}
	}
	if c := root["Case"]; c != nil {
		if s := prop(c, "clocks"); s != nil {
			s.MaxProperties = u64(sdk.MaxClocks)
		}
		if s := prop(c, "decisions"); s != nil {
			s.MaxItems = u64(sdk.MaxDecisions)
		}
		if s := prop(c, "history"); s != nil {
			s.MaxItems = u64(sdk.MaxHistory)
		}
	}
}

// strictClocks: a clock's and a clock status's ids, sources, kinds,
// triggers, statuses, keys and dates.
func strictClocks(root map[string]*jsonschema.Schema, en enums) {
	for _, name := range []string{"Clock", "ClockStatus"} {
		cl := root[name]
		if cl == nil {
			continue
		}
		enumProp(cl, "id", en.clocks)
		if len(en.sources) > 0 {
			enumProp(cl, "source", en.sources)
		}
		enumProp(cl, "kind", []string{"duty", "window", "advisory"})
		enumProp(cl, "stopped_by", en.triggers)
		enumProp(cl, "status", scenario.ClockStatuses())
		for _, f := range []string{"started_at", "due", "stopped_at"} {
			formatProp(cl, f, "date")
		}
		if name == "ClockStatus" {
			setProp(cl, "key", clockKeySchema(en))
		}
		if d := prop(cl, "decision"); d != nil {
			d.Pattern = decisionIDPattern
		}
	}
}

// strictRecords: a decision's, a clock report's, a permission's and an
// error's enums and dates.
func strictRecords(root map[string]*jsonschema.Schema, en enums) {
	if d := root["Decision"]; d != nil {
		enumProp(d, "kind", en.decisions)
		formatProp(d, "at", "date")
		enumProp(d, "trigger", en.triggers)
		prop(d, "seq").Minimum = num(1)
	}
	if r := root["ClockReport"]; r != nil {
		formatProp(r, "as_of", "date")
	}
	if p := root["Permission"]; p != nil {
		enumProp(p, "trigger", en.triggers)
		enumProp(p, "track", en.tracks)
		enumProp(p, "code", []string{string(sdk.CodeNotAuthorised), string(sdk.CodeNotPermitted), string(sdk.CodeGuardFailed)})
	}
	if e := root["Error"]; e != nil {
		enumProp(e, "code", en.codes)
	}
}

// strictFiring: a firing's trigger, actor, time, facts patch and payload
// rules. It reports whether the schema has a firing, which needs the
// payload schemas.
func strictFiring(root map[string]*jsonschema.Schema, defs jsonschema.Definitions, en enums) bool {
	f := root["Firing"]
	if f == nil {
		return false
	}
	enumProp(f, "trigger", en.triggers)
	enumProp(f, "actor", en.roles)
	setProp(f, "at", dateOrTime())
	setProp(f, "facts", &jsonschema.Schema{Ref: "#/$defs/FactsPatch"})
	defs["FactsPatch"] = factsPatchSchema(en)
	f.AllOf = payloadRules(en, false)
	return true
}

// strictEvent: an event's trigger, actor, time, hashes, signature, facts
// patch, states and payload rules. It reports whether the schema has an
// event, which needs the payload schemas.
func strictEvent(root map[string]*jsonschema.Schema, defs jsonschema.Definitions, en enums) bool {
	ev := root["Event"]
	if ev == nil {
		return false
	}
	enumProp(ev, "trigger", en.triggers)
	enumProp(ev, "actor", en.roles)
	formatProp(ev, "at", "date-time")
	prop(ev, "seq").Minimum = num(1)
	setProp(ev, "facts", &jsonschema.Schema{Ref: "#/$defs/FactsPatch"})
	setProp(ev, "states_before", &jsonschema.Schema{Ref: "#/$defs/States"})
	setProp(ev, "states_after", &jsonschema.Schema{Ref: "#/$defs/States"})
	for _, h := range []string{"policy_hash", "prev_hash", "hash"} {
		prop(ev, h).Pattern = "^[0-9a-f]{64}$"
	}
	prop(ev, "key_id").Pattern = "^[0-9a-f]{16}$"
	prop(ev, "signature").Pattern = "^[A-Za-z0-9+/]{86}==$"
	defs["FactsPatch"] = factsPatchSchema(en)
	defs["States"] = statesSchema(en)
	ev.AllOf = payloadRules(en, true)
	return true
}

func enumItems(p *jsonschema.Schema, values []string) {
	if p != nil && p.Items != nil {
		p.Items.Enum = anys(values)
	}
}

// statesSchema: every track of the policy to one of its states.
func statesSchema(en enums) *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties(), AdditionalProperties: jsonschema.FalseSchema,
		Description: "Every track's current state; nested states are written with dots, e.g. \"sen_support.plan\". A track left out is at its initial state."}
	for _, t := range en.stateTracks {
		s.Properties.Set(t, &jsonschema.Schema{Type: "string", Enum: anys(en.states[t]), Description: en.trackDesc[t]})
	}
	return s
}

// factsPatchSchema: the facts a firing merges into the case. Every field is
// optional; unknown fields are refused (invalid_input).
func factsPatchSchema(en enums) *jsonschema.Schema {
	child := &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties(), AdditionalProperties: jsonschema.FalseSchema,
		Description: "The child's date of birth and year group, capacity and representatives, and the facts of the age limit."}
	child.Properties.Set("date_of_birth", &jsonschema.Schema{Type: "string", Format: "date", Description: "A calendar date, YYYY-MM-DD."})
	child.Properties.Set("year_group", &jsonschema.Schema{Type: "integer", Minimum: num(-3), Maximum: num(20),
		Description: "The national curriculum year: reception is 0, nursery -1."})
	child.Properties.Set("lacks_capacity", &jsonschema.Schema{Type: "boolean", Description: "The young person lacks capacity (MCA s2-s3)."})
	child.Properties.Set("representative", &jsonschema.Schema{Type: "string", MaxLength: u64(sdk.MaxIdentifierLen),
		Description: "The young person's deputy or attorney (CFA s80(6)); personal data, never echoed."})
	child.Properties.Set("authorised_parent", &jsonschema.Schema{Type: "boolean", Description: "The young person has authorised a parent in writing to act for them."})
	child.Properties.Set("post25_setting", &jsonschema.Schema{Type: "string", Enum: anys([]string{"fe", "apprenticeship", "other"}),
		Description: "Where a young person over 25 is educated or trained (R46(1))."})
	child.Properties.Set("apprenticeship_end", &jsonschema.Schema{Type: "string", Format: "date", Description: "When the apprenticeship ends, YYYY-MM-DD."})
	child.Properties.Set("course_end", &jsonschema.Schema{Type: "string", Format: "date", Description: "When the course ends, YYYY-MM-DD."})
	s := &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties(), AdditionalProperties: jsonschema.FalseSchema,
		Description: "Facts merged into the case by a firing: objects merge key by key, scalars replace, evidence is appended to."}
	s.Properties.Set("id", &jsonschema.Schema{Type: "string", Description: "The host's identifier for the case."})
	s.Properties.Set("la", &jsonschema.Schema{Type: "string", Description: "The local authority responsible for the child, e.g. \"kent\"."})
	s.Properties.Set("district", &jsonschema.Schema{Type: "string", Description: "The authority's district, e.g. \"dover\"."})
	s.Properties.Set("child", child)
	s.Properties.Set("person", personSchema())
	s.Properties.Set("evidence", &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{Type: "string", Enum: anys(en.evidence)},
		Description: "Kinds of evidence to add to the case."})
	return s
}

func payloadDef(trigger string) string { return "payload:" + trigger }

// payloadRules: for each trigger, an if/then applying its payload schema to
// data. A trigger with required fields requires data itself on a firing.
func payloadRules(en enums, event bool) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, t := range en.triggers {
		ifs := &jsonschema.Schema{Properties: jsonschema.NewProperties(), Required: []string{"trigger"}}
		ifs.Properties.Set("trigger", &jsonschema.Schema{Const: t})
		then := &jsonschema.Schema{Properties: jsonschema.NewProperties()}
		then.Properties.Set("data", &jsonschema.Schema{Ref: "#/$defs/" + payloadDef(t)})
		for _, f := range en.payload[t] {
			if f.Required {
				then.Required = []string{"data"}
				break
			}
		}
		out = append(out, &jsonschema.Schema{If: ifs, Then: then})
	}
	_ = event
	return out
}

// payloadSchema mirrors the engine's checkData: unknown fields, missing
// required fields and wrong values are refused. An optional field may be
// null (the engine treats null as absent).
func payloadSchema(trigger string, fields []sdk.FieldDef) *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties(), AdditionalProperties: jsonschema.FalseSchema,
		Description: "The payload of " + trigger + "."}
	if len(fields) == 0 {
		s.Description += " It takes no data fields."
	}
	for _, f := range fields {
		var p *jsonschema.Schema
		switch f.Type {
		case "string":
			p = &jsonschema.Schema{Type: "string", MaxLength: u64(sdk.MaxStringLength)}
			if len(f.Enum) > 0 {
				p = &jsonschema.Schema{Type: "string", Enum: anys(f.Enum)}
			}
		case "date":
			p = &jsonschema.Schema{Type: "string", Format: "date"}
		case "boolean":
			p = &jsonschema.Schema{Type: "boolean"}
		case "integer", "number":
			p = &jsonschema.Schema{Type: f.Type}
			if f.Min != nil {
				p.Minimum = num(*f.Min)
			}
			if f.Max != nil {
				p.Maximum = num(*f.Max)
			}
		case "list":
			it := &jsonschema.Schema{Type: "string"}
			if len(f.Enum) > 0 {
				it.Enum = anys(f.Enum)
			}
			p = &jsonschema.Schema{Type: "array", Items: it, MaxItems: u64(sdk.MaxListItems)}
			if f.MinItems > 0 {
				p.MinItems = u64(uint64(f.MinItems))
			}
		case "map":
			p = &jsonschema.Schema{Type: "object", MaxProperties: u64(sdk.MaxMapEntries),
				AdditionalProperties: &jsonschema.Schema{Type: "string", Format: "date"}}
			if len(f.Enum) > 0 {
				p.PropertyNames = &jsonschema.Schema{Type: "string", Enum: anys(f.Enum)}
			}
		default:
			panic("schemagen: unknown field type " + f.Type)
		}
		p.Description = f.Description
		if f.Required {
			s.Required = append(s.Required, f.Name)
		} else {
			p = &jsonschema.Schema{Description: p.Description, AnyOf: []*jsonschema.Schema{stripDesc(p), {Type: "null"}}}
		}
		s.Properties.Set(f.Name, p)
	}
	return s
}

func stripDesc(s *jsonschema.Schema) *jsonschema.Schema {
	c := *s
	c.Description = ""
	return &c
}

// structural adjusts the policy and scenario schemas.
func structural(name string, s *jsonschema.Schema) {
	defs := s.Definitions
	switch name {
	case "policy":
		// An overlay gives only what it changes: list items need their id.
		dropRequired(s, "id")
		dropRequired(defs["TrackDef"], "initial", "states")
		dropRequired(defs["ClockDef"], "unit")
		dropRequired(defs["TriggerDef"], "from", "roles")
		// A guard amends the inherited guard of its id field by field (a
		// Welsh reason, a citation, disabled: true), so only its id is
		// required here; compiling says when a new guard lacks its expr
		// or reason.
		if g := defs["GuardDef"]; g != nil {
			dropRequired(g, "expr", "reason")
		}
		enumProp(defs["ClockDef"], "kind", []string{"duty", "window", "advisory"})
		enumProp(defs["ClockDef"], "unit", []string{"weeks", "days", "days_beginning_with", "months", "months_starting_with", "working_days", "working_days_beginning_with", "before", "weeks_before", "months_before"})
		enumProp(defs["GuardDef"], "severity", []string{"block", "advice"})
		enumProp(defs["FieldDef"], "type", []string{"string", "integer", "number", "boolean", "date", "list", "map"})
		if h := prop(s, "holidays"); h != nil && h.Items != nil {
			h.Items.Format = "date"
		}
		// Parameter values are numbers, strings, booleans or lists of them.
		prop(defs["Parameter"], "value").Type = ""
	case "scenario":
		scenarioSchema(s, defs)
	}
}

// scenarioSchema adjusts the scenario schema: optional keys, enums, and
// the shapes of a firing and a query step.
func scenarioSchema(s *jsonschema.Schema, defs jsonschema.Definitions) {
	dropRequired(s, "case", "steps")
	dropRequired(defs["Facts"], "child")
	// expect is omitzero in Go; it is optional.
	dropRequired(defs["Step"], "expect")
	enumProp(defs["Step"], "locale", sdk.Locales())
	ex := defs["Expect"]
	enumProp(ex, "error", codes())
	// reasons are those of a refusal: they need an error.
	ex.DependentRequired = map[string][]string{"reasons": {"error"}}
	// A refused firing has no outcome, so no warnings.
	noWarn := &jsonschema.Schema{Properties: jsonschema.NewProperties()}
	noWarn.Properties.Set("warnings", jsonschema.FalseSchema)
	ex.DependentSchemas = map[string]*jsonschema.Schema{"error": noWarn}
	if ce := defs["ClockExpect"]; ce != nil {
		enumProp(ce, "status", scenario.ClockStatuses())
		// An absent clock has no due date or status.
		absent := &jsonschema.Schema{Properties: jsonschema.NewProperties()}
		absent.Properties.Set("absent", &jsonschema.Schema{Const: true})
		notAbsent := &jsonschema.Schema{Properties: jsonschema.NewProperties()}
		for _, f := range []string{"due", "status"} {
			notAbsent.Properties.Set(f, jsonschema.FalseSchema)
		}
		ce.If, ce.Then = requires("absent"), notAbsent
		ce.If.Properties.Set("absent", &jsonschema.Schema{Const: true})
	}
	if w := defs["WarningExpect"]; w != nil {
		enumProp(w, "code", scenario.WarningCodes())
		w.AnyOf = []*jsonschema.Schema{requires("code"), requires("guard")}
	}
	enumProp(defs["WhyNotExpect"], "code", scenario.PermissionCodes())
	// A step is a firing (at, actor, trigger) or a query (as_of); a query
	// fires nothing, so it takes no firing fields, and expects no error,
	// warnings or reasons.
	st := defs["Step"]
	st.AnyOf = []*jsonschema.Schema{requires("at", "actor", "trigger"), requires("as_of")}
	q := &jsonschema.Schema{Properties: jsonschema.NewProperties()}
	for _, f := range []string{"at", "actor", "trigger", "data", "facts"} {
		q.Properties.Set(f, jsonschema.FalseSchema)
	}
	noErr := &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties()}
	for _, f := range []string{"error", "warnings", "reasons"} {
		noErr.Properties.Set(f, jsonschema.FalseSchema)
	}
	q.Properties.Set("expect", noErr)
	st.DependentSchemas = map[string]*jsonschema.Schema{"as_of": q}
}

// requires is {"required": names}, with the names declared as properties
// so ajv's strictRequired knows them.
func requires(names ...string) *jsonschema.Schema {
	s := &jsonschema.Schema{Properties: jsonschema.NewProperties(), Required: names}
	for _, n := range names {
		s.Properties.Set(n, jsonschema.TrueSchema)
	}
	return s
}

func codes() []string {
	codes := sdk.Codes()
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}

var spaces = regexp.MustCompile(`\s*\n\s*`)

// tidy joins the Go comments' line breaks into single spaces.
func tidy(s *jsonschema.Schema) {
	seen := map[*jsonschema.Schema]bool{}
	var walk func(*jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		s.Description = strings.TrimSpace(spaces.ReplaceAllString(s.Description, " "))
		for _, d := range s.Definitions {
			walk(d)
		}
		for _, l := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			for _, x := range l {
				walk(x)
			}
		}
		for _, x := range []*jsonschema.Schema{s.Not, s.If, s.Then, s.Else, s.Items, s.Contains, s.AdditionalProperties, s.PropertyNames} {
			walk(x)
		}
		if s.Properties != nil {
			for p := s.Properties.Oldest(); p != nil; p = p.Next() {
				walk(p.Value)
			}
		}
	}
	walk(s)
}

func marshal(s *jsonschema.Schema) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	for _, r := range []struct{ from, to string }{{`\u0026`, "&"}, {`\u003c`, "<"}, {`\u003e`, ">"}} {
		b = bytes.ReplaceAll(b, []byte(r.from), []byte(r.to))
	}
	return append(b, '\n'), nil
}
