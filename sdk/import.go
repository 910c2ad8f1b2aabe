package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/canon"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// ImportTrigger is the trigger of the first event of an imported case: the
// case as another system held it, recorded under this engine's policy.
const ImportTrigger = "sendflow.imported"

// MaxImportItems caps the clocks and the decisions of one import record.
const MaxImportItems = 200

// ImportRecord is a case begun in another system, where it stands on the
// day it is imported: the facts, every track's current state, the clocks
// running and when each started, and the appealable decisions already
// made. Engine.Import checks it against the policy and records it as the
// case's first event, so the imported case verifies, replays and fires on
// from that point.
type ImportRecord struct {
	// Facts are the case's facts (its origin).
	Facts Facts `json:"facts"`
	// At is when the import is recorded (a date or RFC 3339 timestamp): no
	// clock or decision may be later.
	At string `json:"at"`
	// Actor is the role recording it ("system" when left out).
	Actor string `json:"actor,omitempty"`
	// By is who imported it, an opaque identifier (Firing.By).
	By string `json:"by,omitempty"`
	// States maps tracks to their current states; a track left out is at
	// its initial state.
	States map[string]string `json:"states,omitempty"`
	// Clocks are the clocks running on the day of the import.
	Clocks []ImportClock `json:"clocks,omitempty"`
	// Decisions are the appealable decisions already made, oldest first.
	Decisions []ImportDecision `json:"decisions,omitempty"`
	// From names the system the case comes from (free of personal data).
	From string `json:"from,omitempty"`
}

// ImportClock is one running clock of an import: its id, its source for a
// per-source clock, the date it started, and, for a clock due on a date
// the policy works out from a firing's data (unit "before"), its due date.
type ImportClock struct {
	Clock     string `json:"clock"`
	Source    string `json:"source,omitempty"`
	StartedAt string `json:"started_at"`
	Due       string `json:"due,omitempty"`
}

// ImportDecision is one appealable decision of an import: its kind and the
// date of its notice. It starts the appeal window from that date.
type ImportDecision struct {
	Kind string `json:"kind"`
	At   string `json:"at"`
}

// Import checks r against the policy and returns the imported case, its
// first event recording r (ImportTrigger), and its clocks. An impossible
// record is refused with invalid_input and every problem: an unknown track,
// state, clock or decision kind; a date after the import; a clock or a
// decision whose track has not left its initial state (nothing could have
// started it).
func (e *Engine) Import(r ImportRecord) (Outcome, error) {
	return e.ImportContext(context.Background(), r)
}

// ImportContext is Import with a context, as FireContext.
func (e *Engine) ImportContext(ctx context.Context, r ImportRecord) (out Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = Outcome{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("import failed: %v", p)}
		}
	}()
	if ctx.Err() != nil {
		return Outcome{}, stopError(guardlang.ErrDeadline, "import")
	}
	if r.Actor == "" {
		r.Actor = "system"
	}
	w := e.NewCase(r.Facts)
	if cerr := e.checkCase(&w); cerr != nil {
		return Outcome{}, cerr
	}
	data := importData(r)
	ev, ierr := e.applyImport(&w, r.Actor, r.By, r.At, data)
	if ierr != nil {
		return Outcome{}, ierr
	}
	at, _ := calendar.ParseAt(ev.At)
	rep, _ := e.clockReport(&w, calendar.UKDate(at))
	return Outcome{Case: w, Event: ev, Clocks: rep.Clocks, Warnings: e.Warnings()}, nil
}

// importData is the payload of the import event: the record without its
// facts (which are the origin), as JSON would carry it.
func importData(r ImportRecord) map[string]any {
	m := map[string]any{}
	if len(r.States) > 0 {
		m["states"] = r.States
	}
	if len(r.Clocks) > 0 {
		m["clocks"] = r.Clocks
	}
	if len(r.Decisions) > 0 {
		m["decisions"] = r.Decisions
	}
	if r.From != "" {
		m["from"] = r.From
	}
	out, _ := canon.NormaliseJSON(m).(map[string]any)
	return out
}

// applyImport applies an import event's data to the fresh case w and
// records the event; Replay calls it for a history's first event.
func (e *Engine) applyImport(w *Case, actor, by, rawAt string, data map[string]any) (Event, *Error) {
	var r ImportRecord
	if err := decodeInto(data, &r); err != nil {
		return Event{}, &Error{Code: CodeInvalidInput, Message: "the import record does not fit its fields: " + err.Error(), Pointer: "/data"}
	}
	at, atErr := calendar.ParseAt(rawAt)
	var probs []Problem
	switch {
	case atErr != nil:
		probs = append(probs, Problem{Code: "bad_date", Message: "at must be a date (YYYY-MM-DD) or an RFC 3339 timestamp", Pointer: "/at"})
	case len(w.History) > 0:
		return Event{}, &Error{Code: CodeInvalidCase, Message: "only a case with no history can be imported", Pointer: "/history"}
	case e.p.roles[actor] == nil:
		probs = append(probs, Problem{Code: "bad_value", Message: "actor " + e.unknownRole(actor), Pointer: "/actor"})
	}
	if msg := byProblem(by); msg != "" {
		probs = append(probs, Problem{Code: "bad_value", Message: msg, Pointer: "/by"})
	}
	if len(probs) > 0 {
		return Event{}, &Error{Code: CodeInvalidInput, Message: probs[0].Message, Pointer: probs[0].Pointer, Problems: probs}
	}
	today := calendar.UKDate(at)
	before := copyStates(w.States)
	probs = append(probs, e.importStates(w, r.States)...)
	probs = append(probs, e.importClocks(w, r.Clocks, today)...)
	probs = append(probs, e.importDecisions(w, r.Decisions, today)...)
	if len(probs) > 0 {
		return Event{}, &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("the import record is not possible under policy %s: %s", e.p.id, probs[0].Message),
			Pointer: probs[0].Pointer, Problems: capProblems(probs)}
	}
	e.restatus(w, today.String(), false)
	ev := Event{Seq: 1, At: atString(rawAt, at), Actor: actor, By: by, Trigger: ImportTrigger, Data: data,
		StatesBefore: before, StatesAfter: copyStates(w.States), PolicyID: e.p.id, PolicyHash: e.p.hash, PrevHash: originHash(w.Origin)}
	ev.Hash = eventHash(&ev, e.trackOrder)
	e.sign(&ev)
	w.History = append(w.History, ev)
	return ev, nil
}

// importStates sets each imported track's state, each a state of an
// enabled track.
func (e *Engine) importStates(w *Case, states map[string]string) []Problem {
	var probs []Problem
	for _, tk := range keys(states) {
		st := states[tk]
		t := e.p.trackBy[tk]
		switch {
		case t == nil || t.def.Disabled:
			probs = append(probs, Problem{Code: "bad_value", Message: fmt.Sprintf("%s is not a track of the policy", clip(tk)), Pointer: "/data/states"})
		case t.m == nil || !t.m.HasState(st):
			probs = append(probs, Problem{Code: "bad_value", Message: fmt.Sprintf("%s is not a state of track %s", clip(st), tk), Pointer: "/data/states/" + ptrEscape(tk)})
		default:
			w.States[tk] = st
		}
	}
	return probs
}

// importClocks starts each imported clock on its own start date, after
// checking something on the case could have started it.
func (e *Engine) importClocks(w *Case, clocks []ImportClock, today calendar.Date) []Problem {
	if len(clocks) > MaxImportItems {
		return []Problem{{Code: "limit_exceeded", Message: fmt.Sprintf("%d clocks; the limit is %d", len(clocks), MaxImportItems), Pointer: "/data/clocks"}}
	}
	var probs []Problem
	for i, ic := range clocks {
		ptr := fmt.Sprintf("/data/clocks/%d", i)
		cs := e.p.clocks[ic.Clock]
		start, err := calendar.ParseDate(ic.StartedAt)
		switch {
		case cs == nil:
			probs = append(probs, Problem{Code: "bad_value", Message: fmt.Sprintf("%s is not a clock of the policy", clip(ic.Clock)), Pointer: ptr + "/clock"})
			continue
		case err != nil || start.DaysUntil(today) < 0:
			probs = append(probs, Problem{Code: "bad_date", Message: fmt.Sprintf("clock %s: started_at must be a date no later than the import", ic.Clock), Pointer: ptr + "/started_at"})
			continue
		case cs.def.PerSource != (ic.Source != ""):
			probs = append(probs, Problem{Code: "bad_value", Message: fmt.Sprintf("clock %s: a source is given for a clock kept per source, and only for one", ic.Clock), Pointer: ptr + "/source"})
			continue
		}
		if tk, ok := e.clockTrackAtRest(w, ic.Clock); ok {
			probs = append(probs, Problem{Code: "bad_value", Message: fmt.Sprintf("clock %s cannot be running while track %s is at %s: only a step on that track starts it", ic.Clock, tk, w.States[tk]), Pointer: ptr})
			continue
		}
		if p := e.importClock(w, cs, ic, start, ptr); p != nil {
			probs = append(probs, *p)
		}
	}
	return probs
}

// importClock starts one clock on start; a "before" clock takes its due
// date from the record.
func (e *Engine) importClock(w *Case, cs *clockSpec, ic ImportClock, start calendar.Date, ptr string) *Problem {
	key := ic.Clock
	if ic.Source != "" {
		key += "." + ic.Source
	}
	var due calendar.Date
	if cs.before != nil {
		d, err := calendar.ParseDate(ic.Due)
		if err != nil || d.DaysUntil(start) > 0 {
			return &Problem{Code: "bad_date", Message: fmt.Sprintf("clock %s is due on a date worked out from its data: give its due date, not before it started", ic.Clock), Pointer: ptr + "/due"}
		}
		due = d
	} else {
		d, err := calendar.Due(start, cs.unit, cs.length, cs.def.TribunalMoves, e.p.holidays)
		if err != nil {
			return &Problem{Code: "bad_value", Message: fmt.Sprintf("clock %s: %v", ic.Clock, err), Pointer: ptr}
		}
		due = d
	}
	if w.Clocks == nil {
		w.Clocks = map[string]Clock{}
	}
	w.Clocks[key] = Clock{ID: ic.Clock, Source: ic.Source, Kind: cs.def.Kind, StartedAt: start.String(), Due: due.String(), Citation: cs.def.Citation}
	return nil
}

// clockTrackAtRest reports a track at its initial state whose triggers are
// the only ones that start clock id (nothing on the case could have
// started it), when there is one.
func (e *Engine) clockTrackAtRest(w *Case, id string) (string, bool) {
	var tracks []string
	for _, t := range e.p.triggers {
		starts := slices.ContainsFunc(startsOf(t.def), func(r ClockRef) bool { return r.Clock == id })
		if id == e.p.policy.AppealClock && len(decisionsOf(t.def)) > 0 {
			starts = true
		}
		if starts && !slices.Contains(tracks, t.track.def.ID) {
			tracks = append(tracks, t.track.def.ID)
		}
	}
	for _, tk := range tracks {
		if tr := e.p.trackBy[tk]; tr != nil && w.States[tk] != tr.initial {
			return "", false
		}
	}
	if len(tracks) == 0 {
		return "", false
	}
	return tracks[0], true
}

// importDecisions records each decision on its date and starts its appeal
// window from that date.
func (e *Engine) importDecisions(w *Case, decisions []ImportDecision, today calendar.Date) []Problem {
	if len(decisions) > 1 {
		// Every decision is named d<seq> by the event that made it, and an
		// import is one event: it can carry the one decision still open.
		return []Problem{{Code: "bad_value", Message: "an import records at most one appealable decision: the latest, still open to mediation or appeal", Pointer: "/data/decisions/1"}}
	}
	var probs []Problem
	last := ""
	for i, d := range decisions {
		ptr := fmt.Sprintf("/data/decisions/%d", i)
		day, err := calendar.ParseDate(d.At)
		switch {
		case !e.p.decision[d.Kind]:
			probs = append(probs, Problem{Code: "bad_value", Message: fmt.Sprintf("%s is not an appealable decision of the policy", clip(d.Kind)), Pointer: ptr + "/kind"})
		case err != nil || day.DaysUntil(today) < 0 || day.String() < last:
			probs = append(probs, Problem{Code: "bad_date", Message: "a decision's date must be a date no later than the import, oldest first", Pointer: ptr + "/at"})
		default:
			last = day.String()
			env := &guardEnv{Today: day.String()}
			if se := e.decide(w, ImportTrigger, d.Kind, nil, env, day, 1); se != nil {
				probs = append(probs, Problem{Code: "bad_value", Message: se.Message, Pointer: ptr})
			}
		}
	}
	return probs
}

// decodeInto decodes an import event's data (JSON-shaped) into r.
func decodeInto(data map[string]any, r *ImportRecord) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(r)
}
