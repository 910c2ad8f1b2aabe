package sdk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/expr-lang/expr"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/canon"
	"github.com/sendflow/sendflow/sdk/internal/machine"
)

// builder compiles a merged policy into a compiled one, part by part, in
// the order each part needs the ones before: the calendar and parameters,
// roles, tracks (their states), clocks, triggers (guards, branches,
// transitions), then each track's machine, and last the statutory floor.
// Every problem goes to d, in that order.
type builder struct {
	c    *compiled
	p    Policy
	o    *originMap
	srcs []source
	d    *diag
	// pending holds each track's states until its triggers are known and
	// its machine can be built.
	pending []*pendingTrack
	// transitions are each track's triggers' transitions, by track id;
	// entries the states set_states effects enter, by track id.
	transitions map[string][]machine.Transition
	entries     map[string][]string
}

// pendingTrack is a track whose machine is built after the triggers.
type pendingTrack struct {
	t     *track
	specs []machine.State
}

func build(p Policy, o *originMap, srcs []source, d *diag, lazy map[string]programMeta, guardCost, callSteps int64) *compiled {
	c := &compiled{policy: p, id: p.ID, layers: o.LayerNames, roles: map[string]*role{}, params: map[string]any{}, guardCost: guardCost, callSteps: callSteps,
		evidence: map[string]bool{}, decision: map[string]bool{}, trackBy: map[string]*track{},
		clocks: map[string]*clockSpec{}, trigBy: map[string]*trigger{}, lazy: lazy}
	b := &builder{c: c, p: p, o: o, srcs: srcs, d: d, transitions: map[string][]machine.Transition{}, entries: map[string][]string{}}
	if c.id == "" {
		d.add("missing_field", "$.id", 0, "the policy has no id")
	}
	b.origins()
	b.waivers()
	b.calendar()
	b.kinds()
	b.parameters()
	b.roles()
	b.tracks()
	b.clocks()
	for _, td := range p.Triggers {
		b.trigger(td)
	}
	b.machines()
	b.setStates()
	b.sen2Marks()
	if len(srcs) > 1 { // the floor binds overlays (and checkFloor is big: not compiled for nothing in WebAssembly)
		checkFloor(c, srcs, o, d)
	}
	b.finish()
	return c
}

// sen2Marks records the SEN2 marks of the default layer (srcs[0]): an
// overlay's are ignored (TriggerDef.SEN2).
func (b *builder) sen2Marks() {
	b.c.sen2 = map[string]string{}
	if len(b.srcs) == 0 {
		return
	}
	for _, td := range b.srcs[0].Policy.Triggers {
		if td.SEN2 != "" {
			b.c.sen2[td.ID] = td.SEN2
		}
	}
}

// origins records the layer that last defined each element (LayerOf).
func (b *builder) origins() {
	o := b.o
	b.c.origins = map[string]string{}
	for kind, m := range map[string]map[string]where{"role": o.Roles, "parameter": o.Params, "track": o.Tracks,
		"clock": o.Clocks, "trigger": o.Triggers, "guard": o.Guards} {
		for id, w := range m {
			b.c.origins[kind+":"+id] = o.LayerNames[w.Layer]
		}
	}
}

// calendar sets the bank holidays (the policy's list, or England and
// Wales's) and the expression options, whose date functions read them.
func (b *builder) calendar() {
	c := b.c
	c.holidays = calendar.DefaultHolidays()
	if len(b.p.Holidays) > 0 {
		var ds []calendar.Date
		for i, h := range b.p.Holidays {
			dd, err := calendar.ParseDate(h)
			if err != nil {
				b.d.add("bad_date", fmt.Sprintf("$.holidays[%d]", i), len(b.srcs)-1, "holiday %q is not a date (YYYY-MM-DD)", h)
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
}

// kinds records the evidence and decision kinds.
func (b *builder) kinds() {
	for _, k := range b.p.EvidenceKinds {
		b.c.evidence[k] = true
	}
	for _, k := range b.p.DecisionKinds {
		b.c.decision[k] = true
	}
}

// parameters records each parameter's value, as JSON would carry it.
func (b *builder) parameters() {
	for _, pr := range b.p.Parameters {
		v := canon.NormaliseJSON(pr.Value)
		if msg := paramProblem(v); msg != "" {
			w := b.o.Params[pr.ID]
			b.d.add("bad_value", w.Path+".value", w.Layer, "parameter %s: %s", pr.ID, msg)
			continue
		}
		b.c.params[pr.ID] = v
	}
	b.paramDecls()
}

// waivers checks each layer's waivers and acknowledgements: a waiver names
// a floor rule and says why; an acknowledgement names a lint and what it
// is about.
func (b *builder) waivers() {
	for li, s := range b.srcs {
		for i, w := range s.Policy.Waivers {
			path := elem("$.waivers", i)
			switch {
			case !slices.Contains(floorRules, w.Rule):
				b.d.add("bad_value", path+".rule", li, "waiver: %q is not a statutory floor rule%s", clip(w.Rule), suggest(w.Rule, floorRules))
			case strings.TrimSpace(w.Reason) == "":
				b.d.add("missing_field", path, li, "waiver of %s has no reason: say why this layer may go below the statutory floor", w.Rule)
			}
		}
		for i, a := range s.Policy.Acknowledge {
			path := elem("$.acknowledge", i)
			if !slices.ContainsFunc(policyDiagnostics, func(d DiagnosticCode) bool { return d.Lint && string(d.Code) == a.Code }) {
				b.d.add("bad_value", path+".code", li, "acknowledge: %q is not a lint code (no_citation, similar_name, missing_translation)", clip(a.Code))
			} else if a.ID == "" {
				b.d.add("missing_field", path, li, "acknowledge %s names no trigger or guard (id: trigger or trigger/guard)", a.Code)
			}
		}
	}
}

// paramDecls checks the parameters against their declarations: the layer
// that adds a parameter declares its type and bounds (Parameter.Type, Min,
// Max, Enum, Fixed), a later layer sets only its value, within them, and
// not at all when it is fixed. (A parameter the default fixes is the
// statutory floor's: statutory_parameter_kept.)
func (b *builder) paramDecls() {
	decl := map[string]Parameter{}
	declLayer := map[string]int{}
	for li, s := range b.srcs {
		for i, pr := range s.Policy.Parameters {
			path := elem("$.parameters", i)
			d, seen := decl[pr.ID]
			if !seen {
				decl[pr.ID], declLayer[pr.ID] = pr, li
				d = pr
			} else if pr.Type != "" || pr.Min != nil || pr.Max != nil || len(pr.Enum) > 0 || pr.Fixed {
				b.d.add("bad_value", path, li, "parameter %s is declared by layer %s: a later layer sets only its value", pr.ID, b.o.LayerNames[declLayer[pr.ID]])
			} else if d.Fixed && declLayer[pr.ID] > 0 && pr.Value != nil {
				b.d.add("bad_value", path+".value", li, "parameter %s is fixed by layer %s and cannot be changed", pr.ID, b.o.LayerNames[declLayer[pr.ID]])
			}
			if pr.Value == nil && seen {
				continue
			}
			if msg := paramOutOfBounds(d, canon.NormaliseJSON(pr.Value)); msg != "" {
				b.d.add("bad_value", path+".value", li, "parameter %s: %s", pr.ID, msg)
			}
		}
	}
}

// roles compiles each role and its eligibility guard.
func (b *builder) roles() {
	for _, r := range b.p.Roles {
		w := b.o.Roles[r.ID]
		if !validName(r.ID) {
			b.d.add("bad_name", w.Path+".id", w.Layer, "role %q must be lower snake_case", r.ID)
		}
		ro := &role{def: r}
		if r.Eligibility != nil {
			g, ok := compileGuard(b.c, *r.Eligibility, w.Layer, w.Path+".eligibility", b.o.LayerNames[w.Layer], nil, b.d)
			if ok {
				ro.eligibility = g
			}
		}
		b.c.roles[r.ID] = ro
	}
}

// tracks records each track and lists its states, sub-states as
// "parent.child" (machines are built after the triggers).
func (b *builder) tracks() {
	for i, t := range b.p.Tracks {
		w := b.o.Tracks[t.ID]
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
					b.d.add("bad_name", fmt.Sprintf("%s[%d].id", path, j), w.Layer, "state %q must be lower snake_case", s.ID)
				}
				ms := machine.State{Name: name, Parent: parent}
				if s.Initial != "" {
					ms.Initial = name + "." + s.Initial
				}
				states = append(states, ms)
				walk(name, name, s.States, elem(path, j)+".states")
			}
		}
		walk("", "", t.States, w.Path+".states")
		b.c.tracks = append(b.c.tracks, tr)
		b.c.trackBy[t.ID] = tr
		if t.PerDecision != nil && !t.Disabled {
			if b.c.perDecision != nil {
				b.d.add("bad_value", w.Path+".per_decision", w.Layer, "track %s: only one track can be per decision (%s is)", t.ID, b.c.perDecision.def.ID)
			} else {
				b.c.perDecision = tr
			}
		}
		b.pending = append(b.pending, &pendingTrack{t: tr, specs: states})
	}
}

// clocks compiles each clock, then checks the appeal clock is one.
func (b *builder) clocks() {
	for _, cd := range b.p.Clocks {
		b.c.clocks[cd.ID] = b.clock(cd, b.o.Clocks[cd.ID])
	}
	for _, cd := range b.p.Clocks {
		b.exceptionRules(cd, b.o.Clocks[cd.ID])
	}
	if b.p.AppealClock != "" && b.c.clocks[b.p.AppealClock] == nil {
		b.d.add("unknown_clock", "$.appeal_clock", 0, "appeal_clock %q is not a declared clock", b.p.AppealClock)
	}
	if tr := b.c.perDecision; tr != nil {
		w := b.o.Tracks[tr.def.ID]
		pd := tr.def.PerDecision
		for _, ids := range [...][]string{pd.TimeToAppeal, pd.Start} {
			for _, id := range ids {
				if cs := b.c.clocks[id]; cs == nil || !cs.def.PerDecision {
					b.d.add("unknown_clock", w.Path+".per_decision", w.Layer, "track %s: %q is not a per-decision clock", tr.def.ID, id)
				}
			}
		}
	}
}

func (b *builder) clock(cd ClockDef, w where) *clockSpec {
	d := b.d
	cs := &clockSpec{def: cd, unit: calendar.Unit(cd.Unit), length: cd.Length}
	if cd.Kind == "" {
		cs.def.Kind = ClockDuty
	} else if cd.Kind != ClockDuty && cd.Kind != ClockWindow && cd.Kind != ClockAdvisory {
		d.add("bad_value", w.Path+".kind", w.Layer, "clock %s: kind must be duty, window or advisory, not %q", cd.ID, cd.Kind)
	}
	if cd.When != "" {
		if pr, err := b.c.compileExpr(cd.When, reflect.Bool); err != nil {
			d.addExpr(err, w.Path+".when", w.Layer, "clock %s: %s", cd.ID, err.Error())
		} else {
			cs.when = pr
		}
	}
	counted := cs.unit.Valid() || cs.unit.BeforeValid()
	if cd.Unit == "before" || cs.unit.BeforeValid() {
		if cd.Before == "" {
			d.add("missing_field", w.Path, w.Layer, "clock %s: unit %s needs a before expression", cd.ID, cd.Unit)
		} else if pr, err := b.c.compileExpr(cd.Before, reflect.String); err != nil {
			d.addExpr(err, w.Path+".before", w.Layer, "clock %s: %s", cd.ID, err.Error())
		} else {
			cs.before = pr
		}
	}
	if cd.Recompute && (cs.before == nil || len(cs.before.dataFields) > 0) {
		d.add("bad_value", w.Path+".recompute", w.Layer, "clock %s: recompute needs a before expression that reads no payload field (it is worked out again from the case's facts)", cd.ID)
	}
	switch {
	case cd.Unit == "before":
	case !counted:
		d.add("bad_value", w.Path+".unit", w.Layer, "clock %s: unknown unit %q (weeks, days, days_beginning_with, months, months_starting_with, working_days, working_days_beginning_with, before, weeks_before, months_before)", cd.ID, cd.Unit)
	case cd.LengthParam != "":
		v, ok := b.c.params[cd.LengthParam].(float64)
		if !ok || v < 1 || v != float64(int(v)) {
			d.add("bad_value", w.Path+".length_param", w.Layer, "clock %s: parameter %q must be a whole number of %s", cd.ID, cd.LengthParam, cd.Unit)
		} else {
			cs.length = int(v)
		}
	case cd.Length < 1:
		d.add("bad_value", w.Path+".length", w.Layer, "clock %s: length must be at least 1", cd.ID)
	}
	return cs
}

// exceptionRules checks a clock's exception rules: each names a reason
// once, with no negative number of days, and an advice clock (a clock id,
// or a per-source clock's id.source) that the policy declares.
func (b *builder) exceptionRules(cd ClockDef, w where) {
	seen := map[string]bool{}
	for i, r := range cd.Exceptions {
		rp := elem(w.Path+".exceptions", i)
		switch {
		case !validName(r.Reason):
			b.d.add("bad_value", rp+".reason", w.Layer, "clock %s: an exception rule needs a reason (lower_snake_case)", cd.ID)
		case seen[r.Reason]:
			b.d.add("duplicate", rp, w.Layer, "clock %s: exception reason %s is listed twice", cd.ID, r.Reason)
		case r.MinDays < 0 || r.AdviceDaysBefore < 0:
			b.d.add("bad_value", rp, w.Layer, "clock %s: exception %s: days cannot be negative", cd.ID, r.Reason)
		}
		seen[r.Reason] = true
		for _, trig := range append(slices.Clone(r.StartedBy), r.NotStartedBy...) {
			if !slices.ContainsFunc(b.p.Triggers, func(t TriggerDef) bool { return t.ID == trig }) {
				b.d.add("unknown_trigger", rp, w.Layer, "clock %s: exception %s names trigger %q, which the policy does not have", cd.ID, r.Reason, trig)
			}
		}
		if r.AdviceClock == "" {
			continue
		}
		id, src, _ := strings.Cut(r.AdviceClock, ".")
		if cs := b.c.clocks[id]; cs == nil || cs.def.PerSource != (src != "") {
			b.d.add("unknown_clock", rp+".advice_clock", w.Layer, "clock %s: exception %s: advice_clock %q is not a clock key of the policy", cd.ID, r.Reason, r.AdviceClock)
		}
	}
}

// trigger compiles one trigger: its roles, payload, guards, effects,
// states and branches, and the transitions it adds to its track.
func (b *builder) trigger(td TriggerDef) {
	c, d := b.c, b.d
	w := b.o.Triggers[td.ID]
	trackID, _, ok := strings.Cut(td.ID, ".")
	tr := c.trackBy[trackID]
	if !ok || tr == nil {
		d.add("unknown_track", w.Path+".id", w.Layer, "trigger %q must be named track.event with a declared track", td.ID)
		return
	}
	t := &trigger{def: td, track: tr, roles: map[string]bool{}, fields: map[string]FieldDef{}, layer: b.o.LayerNames[w.Layer],
		rolesText: strings.Join(td.Roles, ", "), fromText: strings.Join(td.From, ", ")}
	b.triggerRoles(t, w)
	b.payload(t, w)
	b.guards(t, w)
	b.instead(t, w)
	b.rightsFields(t, w)
	if fr := td.FamilyRight; fr != nil && !slices.Contains(floorRules, fr.Rule) {
		d.add("bad_value", w.Path+".family_right.rule", w.Layer, "trigger %s: family_right.rule %q is not a statutory floor rule (%s)", td.ID, fr.Rule, strings.Join(floorRules, ", "))
	}
	checkEffects(c, td.ID, td.Effects, w.Layer, w.Path+".effects", t, d)
	if len(td.From) == 0 {
		d.add("missing_field", w.Path+".from", w.Layer, "trigger %s lists no from-states%s", td.ID, newTriggerHint(td.ID, b.srcs[0].Policy))
	}
	b.triggerStates(td, trackID, w)
	dests := b.branches(t, w)
	b.transition(td, trackID, dests)
	for tk, st := range td.Effects.SetStates {
		b.entries[tk] = append(b.entries[tk], st)
	}
	if _, dup := c.trigBy[td.ID]; dup {
		d.add("duplicate", w.Path+".id", w.Layer, "trigger %s is declared twice", td.ID)
	}
	t.needsClocks = b.needsClocks(t)
	t.readsEnteredBy = readsEnteredBy(t)
	if sum := t.cost(); sum > c.callSteps {
		d.add("too_costly", w.Path, w.Layer, "%s", triggerTooCostly(td.ID, sum, c.callSteps))
	}
	c.trigBy[td.ID] = t
	c.triggers = append(c.triggers, t)
}

// triggerRoles records the roles that may fire t, each a declared one.
func (b *builder) triggerRoles(t *trigger, w where) {
	td := t.def
	for i, r := range td.Roles {
		if b.c.roles[r] == nil {
			b.d.add("unknown_role", fmt.Sprintf("%s.roles[%d]", w.Path, i), w.Layer, "trigger %s: unknown role %q%s", td.ID, r, suggest(r, keys(b.c.roles)))
		}
		t.roles[r] = true
	}
	if len(td.Roles) == 0 {
		b.d.add("missing_field", w.Path, w.Layer, "trigger %s lists no roles%s", td.ID, newTriggerHint(td.ID, b.srcs[0].Policy))
	}
}

// payload records t's payload fields, each of a known type and declared once.
func (b *builder) payload(t *trigger, w where) {
	td := t.def
	for i, f := range td.Payload {
		fp := elem(w.Path+".payload", i)
		switch f.Type {
		case "string", "integer", "number", "boolean", "date", "list", "map":
		default:
			b.d.add("bad_value", fp+".type", w.Layer, "trigger %s: field %s: unknown type %q (string, integer, number, boolean, date, list, map)", td.ID, f.Name, f.Type)
		}
		if f.NotAfterAt && f.Type != "date" {
			b.d.add("bad_value", fp+".not_after_at", w.Layer, "trigger %s: field %s: not_after_at is for date fields", td.ID, f.Name)
		}
		if f.NotBeforeAt && f.Type != "date" && f.Type != "map" {
			b.d.add("bad_value", fp+".not_before_at", w.Layer, "trigger %s: field %s: not_before_at is for date and map fields", td.ID, f.Name)
		}
		if _, dup := t.fields[f.Name]; dup {
			b.d.add("duplicate", fp, w.Layer, "trigger %s: field %s is declared twice", td.ID, f.Name)
		}
		t.fields[f.Name] = f
	}
}

// guards compiles t's guards that are not disabled, each placed in the
// layer that last defined it.
func (b *builder) guards(t *trigger, w where) {
	td := t.def
	for i, g := range td.Guards {
		if g.Disabled {
			continue
		}
		gw := b.o.Guard(td.ID, g.ID, where{Layer: w.Layer, Path: elem(w.Path+".guards", i)})
		if ew, ok := b.o.GuardExpr[td.ID+"/"+g.ID]; ok {
			// Amended field by field: the guard is its expression's, and
			// its diagnostics point there.
			gw = ew
		}
		if cg, ok := compileGuard(b.c, g, gw.Layer, gw.Path, b.o.LayerNames[gw.Layer], t, b.d); ok {
			t.guards = append(t.guards, cg)
		}
	}
}

// triggerStates checks every state td names is a state of its track.
func (b *builder) triggerStates(td TriggerDef, trackID string, w where) {
	known, _ := (&linter{c: b.c}).states(trackID)
	checkState := func(st, p string) {
		if st != "" && !slices.Contains(known, st) {
			b.d.add("unknown_state", p, w.Layer, "trigger %s: %q is not a state of track %s%s", td.ID, st, trackID, suggest(st, known))
		}
	}
	for i, f := range td.From {
		checkState(f, elem(w.Path+".from", i))
	}
	checkState(td.To, w.Path+".to")
	for i, br := range td.Branches {
		checkState(br.To, fmt.Sprintf("%s.branches[%d].to", w.Path, i))
	}
}

// branches compiles t's branches and returns every destination a firing
// of t may reach, sorted ("" for staying put).
func (b *builder) branches(t *trigger, w where) []string {
	td := t.def
	dests := map[string]bool{}
	hasDefault := false
	for i, br := range td.Branches {
		bp := elem(w.Path+".branches", i)
		cb := &branch{def: br, to: br.To}
		if cb.to == "" {
			cb.to = td.To
		}
		if br.When != "" {
			cb.when = b.branchCondition(t, i, bp+".when")
		} else {
			hasDefault = true
		}
		checkEffects(b.c, td.ID, br.Effects, w.Layer, bp+".effects", t, b.d)
		t.branches = append(t.branches, cb)
		dests[cb.to] = true
	}
	if len(td.Branches) > 0 && !hasDefault {
		dests[td.To] = true
	}
	return keys(dests)
}

// branchCondition compiles branch i's condition, at path; nil when it
// does not compile.
func (b *builder) branchCondition(t *trigger, i int, path string) *program {
	td, w := t.def, b.o.Triggers[t.def.ID]
	pr, err := b.c.compileExpr(td.Branches[i].When, reflect.Bool)
	if err != nil {
		b.d.addExpr(err, path, w.Layer, "trigger %s: branch %d: %s", td.ID, i+1, err.Error())
		return nil
	}
	checkDataFields(td.ID, pr, t, w.Layer, path, b.d)
	lintExpr(b.c, pr, w.Layer, path, fmt.Sprintf("trigger %s: branch %d", td.ID, i+1), b.d)
	return pr
}

// transition adds td's transitions from each of its from-states: to its
// to-state, or, when its branches reach more than one destination, to the
// one the firing chooses among dests.
func (b *builder) transition(td TriggerDef, trackID string, dests []string) {
	dynamic := len(dests) > 1
	for _, from := range td.From {
		mt := machine.Transition{Trigger: td.ID, From: from, To: td.To, Dynamic: dynamic}
		if dynamic {
			for _, dd := range dests {
				if dd == "" {
					dd = from
				}
				mt.Dests = append(mt.Dests, dd)
			}
			mt.To = ""
		}
		b.transitions[trackID] = append(b.transitions[trackID], mt)
	}
}

// needsClocks reports whether a guard, branch or started clock of t reads
// the case's clocks.
func (b *builder) needsClocks(t *trigger) bool {
	for _, g := range t.guards {
		if g.prog.usesClocks {
			return true
		}
	}
	for _, br := range t.branches {
		if br.when != nil && br.when.usesClocks {
			return true
		}
	}
	for _, r := range startsOf(t.def) {
		if cs := b.c.clocks[r.Clock]; cs != nil && ((cs.before != nil && cs.before.usesClocks) || (cs.when != nil && cs.when.usesClocks)) {
			return true
		}
	}
	return false
}

// machines builds each track's state machine and reports the states of an
// enabled track that cannot be reached.
func (b *builder) machines() {
	for _, pd := range b.pending {
		w := b.o.Tracks[pd.t.def.ID]
		m, err := machine.New(machine.Spec{Track: pd.t.def.ID, Initial: pd.t.initial, States: pd.specs, Transitions: b.transitions[pd.t.def.ID],
			Known: b.c.lazy != nil})
		if err != nil {
			for _, e := range splitJoined(err) {
				if strings.Contains(e, "unknown from-state") || strings.Contains(e, "unknown destination state") {
					continue // reported above, with the trigger's position
				}
				b.d.add("invalid_graph", w.Path, w.Layer, "%s", e)
			}
			continue
		}
		pd.t.m = m
		reach := m.Reachable(b.entries[pd.t.def.ID]...)
		for _, s := range pd.specs {
			if !reach[s.Name] && !pd.t.def.Disabled {
				b.d.add("unreachable_state", w.Path, w.Layer, "track %s: state %s cannot be reached from %s", pd.t.def.ID, s.Name, pd.t.initial)
			}
		}
	}
}

// setStates checks the states set_states effects enter on other tracks
// are declared there.
func (b *builder) setStates() {
	for tk, sts := range b.entries {
		tr := b.c.trackBy[tk]
		for _, st := range sts {
			if tr == nil || tr.m == nil || !tr.m.HasState(st) {
				b.d.add("unknown_state", "$.triggers", 0, "set_states: %s is not a state of track %s", st, tk)
			}
		}
	}
}

// finish sets the policy's hash (when it compiled) and its warnings.
func (b *builder) finish() {
	c := b.c
	if len(b.d.problems) == 0 && c.lazy != nil {
		c.hash = defaultHash // the default alone: recorded in defaultpolicy_gen.go
	} else if len(b.d.problems) == 0 {
		canon, _ := json.Marshal(b.p)
		sum := sha256.Sum256(canon)
		c.hash = hex.EncodeToString(sum[:])
	}
	if b.p.AllowBelowStatutoryFloor {
		c.warnings = append(c.warnings, Warning{Code: "below_statutory_floor",
			Message: "This policy sets allow_below_statutory_floor: it may break the statutory floor, so its outcomes may not be lawful."})
	}
}

// instead compiles t's Instead: a condition over the case and, when set,
// another trigger of the policy that has no Instead of its own.
func (b *builder) instead(t *trigger, w where) {
	in := t.def.Instead
	if in == nil {
		return
	}
	p := w.Path + ".instead"
	if pr, err := b.c.compileExpr(in.When, reflect.Bool); err != nil {
		b.d.addExpr(err, p+".when", w.Layer, "trigger %s: instead: %s", t.def.ID, err.Error())
	} else if len(pr.dataFields) > 0 {
		b.d.add("unknown_field", p+".when", w.Layer, "trigger %s: instead.when reads the case, not the payload", t.def.ID)
	} else {
		t.instead = pr
	}
	if in.Reason == "" {
		b.d.add("missing_field", p+".reason", w.Layer, "trigger %s: instead needs a reason", t.def.ID)
	}
	if in.Trigger == "" {
		return
	}
	i := slices.IndexFunc(b.p.Triggers, func(o TriggerDef) bool { return o.ID == in.Trigger })
	if i < 0 || in.Trigger == t.def.ID || b.p.Triggers[i].Instead != nil {
		b.d.add("unknown_trigger", p+".trigger", w.Layer, "trigger %s: instead.trigger %q must be another trigger of the policy, without an instead of its own", t.def.ID, in.Trigger)
	}
}
