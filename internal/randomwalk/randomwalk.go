// Package randomwalk drives model-based random walks over a compiled
// sendflow policy and checks the engine's invariants after every step. The
// reliability tests (random walks, fuzzing, tamper evidence, concurrency)
// share it; it is not part of the SDK's public API.
//
// A Walker chooses firings from a Source of choices: a seeded math/rand for
// the walks (so a seed reproduces a walk exactly) or the fuzzer's bytes. It
// reads the policy document to choose well: most firings are of a trigger
// whose track is in one of its from-states, by one of its roles, with a
// payload built from its declared fields, so walks go deep into the
// lifecycle; the rest are deliberately wrong (unknown or wrong role, a
// trigger from the wrong state, an invalid payload or facts, a date earlier
// than the case's last event).
package randomwalk

import (
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk"
)

// Source gives the walker its choices. Intn returns a value in [0, n).
type Source interface {
	Intn(n int) int
}

// Rand is a Source from a seed: the same seed gives the same walk.
func Rand(seed int64) Source { return rand.New(rand.NewSource(seed)) }

// Bytes is a Source reading the fuzzer's bytes; once they run out every
// choice is 0.
type Bytes struct {
	B []byte
	i int
}

// Intn returns the next choice in [0, n).
func (b *Bytes) Intn(n int) int {
	if n <= 1 {
		return 0
	}
	var v int
	for k := 0; k < 2; k++ {
		v <<= 8
		if b.i < len(b.B) {
			v |= int(b.B[b.i])
			b.i++
		}
	}
	return v % n
}

// Done reports whether every byte has been read.
func (b *Bytes) Done() bool { return b.i >= len(b.B) }

// Kind says how a firing was chosen.
type Kind string

// The kinds of firing a walker makes.
const (
	// Enabled is a trigger whose track is in a from-state, by one of its
	// roles, with a valid payload. It may still fail a guard.
	Enabled Kind = "enabled"
	// BadPayload is an enabled trigger with an invalid payload or facts.
	BadPayload Kind = "bad_payload"
	// AnyTrigger is any trigger (or an unknown one) by any role (or an
	// unknown one), with a payload that may or may not be valid.
	AnyTrigger Kind = "any_trigger"
	// Backdated is an enabled trigger dated before the case's last event.
	Backdated Kind = "backdated"
)

// Step is one firing chosen by a walker.
type Step struct {
	Firing sdk.Firing
	Kind   Kind
}

// Walker chooses firings for one case on one engine.
type Walker struct {
	E *sdk.Engine
	R Source
	// Now is the date the next firing is made on (it only moves forward,
	// except for a Backdated firing).
	Now time.Time

	policy sdk.Policy
	// perDecision is the per-decision (dispute) track, "" when none.
	perDecision, pdInitial string
	roles                  []string
	triggers               []sdk.TriggerDef
	evidence               []string
}

// New returns a walker on engine e with choices from r.
func New(e *sdk.Engine, r Source) *Walker {
	w := &Walker{E: e, R: r, policy: e.Policy()}
	for _, ro := range w.policy.Roles {
		w.roles = append(w.roles, ro.ID)
	}
	enabled := map[string]bool{}
	for _, t := range e.Tracks() {
		enabled[t] = true
	}
	for _, t := range w.policy.Triggers {
		if tk, _, _ := strings.Cut(t.ID, "."); enabled[tk] {
			w.triggers = append(w.triggers, t)
		}
	}
	for _, t := range w.policy.Tracks {
		if t.PerDecision != nil && enabled[t.ID] {
			w.perDecision, w.pdInitial = t.ID, t.Initial
		}
	}
	w.evidence = w.policy.EvidenceKinds
	w.Now = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.Intn(3*365))
	return w
}

func (w *Walker) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[w.R.Intn(len(list))]
}

func (w *Walker) chance(pct int) bool { return w.R.Intn(100) < pct }

// NewCase opens a case with random facts: a child aged 0 to 25 when the
// walk starts, sometimes with a year group and some evidence.
func (w *Walker) NewCase() sdk.Case {
	f := sdk.Facts{ID: fmt.Sprintf("walk-%d", w.R.Intn(1000000)), LA: w.pick([]string{"kent", "liverpool", "sefton", ""}),
		District: w.pick([]string{"dover", "thanet", "north", ""})}
	if w.chance(85) {
		dob := w.Now.AddDate(-w.R.Intn(26), 0, -w.R.Intn(365))
		f.Child.DateOfBirth = dob.Format("2006-01-02")
	}
	if w.chance(40) {
		y := w.R.Intn(16) - 1
		f.Child.YearGroup = &y
	}
	for n := w.R.Intn(4); n > 0 && len(w.evidence) > 0; n-- {
		f.Evidence = append(f.Evidence, w.pick(w.evidence))
	}
	return w.E.NewCase(f)
}

// covers reports whether a track in state st may fire a trigger listing
// from: a parent state covers its sub-states.
func covers(from []string, st string) bool {
	for _, f := range from {
		if st == f || strings.HasPrefix(st, f+".") {
			return true
		}
	}
	return false
}

// Movable lists the states of t's track that t may fire from on case c:
// the track's state or, on the per-decision track, each decision's own
// dispute state ("d<seq>" → state; the initial state under "" when the
// case has no decision).
func (w *Walker) Movable(c sdk.Case, t sdk.TriggerDef) map[string]string {
	tk, _, _ := strings.Cut(t.ID, ".")
	out := map[string]string{}
	if tk != w.perDecision || len(c.Decisions) == 0 {
		st := c.States[tk]
		if tk == w.perDecision {
			st = w.pdInitial
		}
		if covers(t.From, st) {
			out[""] = st
		}
		return out
	}
	for k, st := range sdk.DisputeStates(c, tk, w.pdInitial) {
		if covers(t.From, st) {
			out[strings.TrimPrefix(k, tk+".")] = st
		}
	}
	return out
}

// nameDecision names in data a decision t can move (a per-decision
// trigger acts on the decision its data names).
func (w *Walker) nameDecision(c sdk.Case, t sdk.TriggerDef, data map[string]any) map[string]any {
	ids := slices.Sorted(maps.Keys(w.Movable(c, t)))
	if len(ids) == 0 || ids[0] == "" {
		return data
	}
	if data == nil {
		data = map[string]any{}
	}
	data["decision"] = w.pick(ids)
	return data
}

// Next chooses the next firing for case c and moves Now forward.
func (w *Walker) Next(c sdk.Case) Step {
	// Dates move forward: mostly by days or weeks, sometimes by months.
	switch r := w.R.Intn(100); {
	case r < 15:
	case r < 75:
		w.Now = w.Now.AddDate(0, 0, 1+w.R.Intn(14))
	case r < 95:
		w.Now = w.Now.AddDate(0, 0, 14+w.R.Intn(60))
	default:
		w.Now = w.Now.AddDate(0, 1+w.R.Intn(12), 0)
	}
	var enabled []sdk.TriggerDef
	for _, t := range w.triggers {
		if len(w.Movable(c, t)) > 0 {
			enabled = append(enabled, t)
		}
	}
	kind := Enabled
	switch r := w.R.Intn(100); {
	case len(enabled) == 0 || r < 8:
		kind = AnyTrigger
	case r < 16:
		kind = BadPayload
	case r < 19 && len(c.History) > 0:
		kind = Backdated
	}
	var f sdk.Firing
	if kind == AnyTrigger {
		t := w.triggers[w.R.Intn(len(w.triggers))]
		f.Trigger = t.ID
		if w.chance(5) {
			f.Trigger = w.pick([]string{"ehc.requestd", "", "nope", "ehc", strings.Repeat("x.", 150)})
		}
		f.Actor = w.pick(w.roles)
		if w.chance(5) {
			f.Actor = w.pick([]string{"", "headteacher", "PARENT", strings.Repeat("r", 300)})
		}
		f.Data = w.payload(t, w.chance(70))
	} else {
		t := enabled[w.R.Intn(len(enabled))]
		f.Trigger, f.Actor = t.ID, w.pick(t.Roles)
		switch {
		case kind != BadPayload:
			f.Data = w.payload(t, true)
			if w.chance(4) {
				f.Facts = w.facts(true)
			}
			f.Data = w.nameDecision(c, t, f.Data)
		case w.chance(60):
			f.Data = w.payload(t, false)
			if _, bad := f.Data["decision"]; !bad {
				f.Data = w.nameDecision(c, t, f.Data)
			}
		default:
			f.Data = w.nameDecision(c, t, w.payload(t, true))
			f.Facts = w.facts(false)
		}
	}
	f.At = w.at(kind == Backdated, c)
	return Step{Firing: f, Kind: kind}
}

// at writes Now as a date or, sometimes, a timestamp; a backdated firing
// goes before the case's last event.
func (w *Walker) at(back bool, c sdk.Case) string {
	t := w.Now
	if back {
		// Strictly before the last event's instant: a timestamp, since a
		// date means the start of that UK day (before midnight UTC in summer).
		if last, err := time.Parse(time.RFC3339, c.History[len(c.History)-1].At); err == nil {
			return last.Add(-time.Duration(1+w.R.Intn(90*24*60)) * time.Minute).Format(time.RFC3339)
		}
	}
	switch w.R.Intn(10) {
	case 0:
		// A timestamp within the day, UTC.
		return t.Add(time.Duration(w.R.Intn(24*60)) * time.Minute).Format(time.RFC3339)
	case 1:
		// A timestamp with an offset, on the same UK date in the evening.
		return t.Add(time.Duration(w.R.Intn(18*60)) * time.Minute).In(time.FixedZone("", 3600)).Format(time.RFC3339)
	}
	return t.Format("2006-01-02")
}

// payload builds data for t: valid for its declared fields, or with one
// field wrong (missing, wrong type, out of its enum or range, too long).
func (w *Walker) payload(t sdk.TriggerDef, valid bool) map[string]any {
	if len(t.Payload) == 0 {
		if !valid {
			return map[string]any{"note": "free text"}
		}
		return nil
	}
	data := map[string]any{}
	for _, fd := range t.Payload {
		if fd.Name == "decision" && strings.HasPrefix(t.ID, w.perDecision+".") {
			continue // named by nameDecision
		}
		if len(fd.Roles) > 0 {
			continue // only some roles may set it (the Tribunal's time_extended)
		}
		if fd.Required || w.chance(50) {
			data[fd.Name] = w.value(fd)
		}
	}
	if !valid {
		fd := t.Payload[w.R.Intn(len(t.Payload))]
		switch w.R.Intn(5) {
		case 0:
			delete(data, fd.Name)
			if !fd.Required {
				data[fd.Name] = []any{1.0, "x"}
			}
		case 1:
			data[fd.Name] = map[string]any{"nested": true}
		case 2:
			data[fd.Name] = w.badValue(fd)
		case 3:
			data[fd.Name] = strings.Repeat("y", sdk.MaxStringLength+1)
		default:
			data["not_a_field_"+fd.Name] = 1.0
		}
	}
	if len(data) == 0 {
		return nil
	}
	return data
}

func (w *Walker) value(fd sdk.FieldDef) any {
	switch fd.Type {
	case "string":
		if len(fd.Enum) > 0 {
			return w.pick(fd.Enum)
		}
		return w.pick([]string{"medical", "psychological", "educational", "social_care", "Some free text", "Oakfield Primary"})
	case "date":
		return w.Now.AddDate(0, 0, w.R.Intn(240)-120).Format("2006-01-02")
	case "map":
		out := map[string]any{}
		keys := fd.Enum
		if len(keys) == 0 {
			keys = []string{"item"}
		}
		for i := w.R.Intn(3); i > 0; i-- {
			out[w.pick(keys)] = w.Now.AddDate(0, 0, w.R.Intn(120)).Format("2006-01-02")
		}
		return out
	case "boolean":
		return w.chance(50)
	case "integer", "number":
		lo, hi := 0.0, 100000.0
		if fd.Min != nil {
			lo = *fd.Min
		}
		if fd.Max != nil {
			hi = *fd.Max
		}
		if fd.Name == "transfer_year" || (lo >= 1900 && hi <= 2300) {
			// A year: mostly near the walk's date.
			y := float64(w.Now.Year() + w.R.Intn(4) - 1)
			if y >= lo && y <= hi && w.chance(90) {
				return y
			}
		}
		n := lo + float64(w.R.Intn(int(min(hi-lo, 1e6))+1))
		if fd.Type == "number" && w.chance(30) && n+0.5 <= hi {
			n += 0.5
		}
		return n
	case "list":
		var out []any
		want := fd.MinItems + w.R.Intn(3)
		for i := 0; i < want; i++ {
			if len(fd.Enum) > 0 {
				out = append(out, w.pick(fd.Enum))
			} else {
				out = append(out, "item")
			}
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	return nil
}

func (w *Walker) badValue(fd sdk.FieldDef) any {
	switch fd.Type {
	case "string":
		if len(fd.Enum) > 0 {
			return "not_in_enum"
		}
		return 42.0
	case "date":
		return w.pick([]string{"31/12/2026", "2026-02-30", "yesterday", ""})
	case "boolean":
		return "true"
	case "integer":
		if fd.Max != nil {
			return *fd.Max + 1
		}
		return 1.5
	case "number":
		if fd.Min != nil {
			return *fd.Min - 1
		}
		return "12"
	case "list":
		if len(fd.Enum) > 0 {
			return []any{"not_in_enum"}
		}
		return "not a list"
	case "map":
		bad := []any{map[string]any{"not_in_enum": "2026-01-01"}, map[string]any{"x": "31/12/2026"}, "not a map", []any{"2026-01-01"}}
		return bad[w.R.Intn(len(bad))]
	}
	return nil
}

// facts builds a facts patch: valid (evidence, a year group, a date of
// birth) or not (an unknown fact, a bad date, an unknown evidence kind).
func (w *Walker) facts(valid bool) map[string]any {
	if valid {
		switch w.R.Intn(3) {
		case 0:
			return map[string]any{"evidence": []any{w.pick(w.evidence)}}
		case 1:
			return map[string]any{"child": map[string]any{"year_group": float64(w.R.Intn(15))}}
		default:
			return map[string]any{"child": map[string]any{"date_of_birth": w.Now.AddDate(-w.R.Intn(26), 0, -w.R.Intn(365)).Format("2006-01-02")}}
		}
	}
	switch w.R.Intn(5) {
	case 0:
		return map[string]any{"evidence": []any{"crystal_ball"}}
	case 1:
		return map[string]any{"child": map[string]any{"date_of_birth": "02/03/2016"}}
	case 2:
		return map[string]any{"name": "Free Text Name"}
	case 3:
		return map[string]any{"child": map[string]any{"year_group": 99.0}}
	default:
		return map[string]any{"evidence": "not a list"}
	}
}
