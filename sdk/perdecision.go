package sdk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// One dispute per appealable decision (docs/decisions.md, "Disputes per
// decision"). The policy's per-decision track (the dispute track) has one
// instance per decision "d<seq>": its state is kept on the Decision record
// (Decision.Dispute, empty at the initial state) and Case.States holds the
// unqualified view, the state of the most recent decision whose state is
// not the initial one. Per-decision clocks are keyed "clock.dN". A firing
// on the track acts on one decision, named by data "decision" or by the
// naming rule (nameDecision); its guards read that decision's view
// (subjectEnv): states.<track>, the unqualified clock ids, decision,
// decision_at and decision_order are the decision's own.

// noSubject is a firing that acts on no particular decision.
const noSubject = -1

// isPerDecision is whether t is a trigger of the per-decision track.
func (e *Engine) isPerDecision(t *trigger) bool {
	return e.p.perDecision != nil && t.track == e.p.perDecision
}

// legacyDispute is whether w keeps its per-decision track's state the v1
// way: no decision holds a state of its own, but the track is not at its
// initial state. That state is then the most recent decision's.
func (e *Engine) legacyDispute(w *Case) bool {
	tr := e.p.perDecision
	if tr == nil || len(w.Decisions) == 0 || w.States[tr.def.ID] == tr.initial || w.States[tr.def.ID] == "" {
		return false
	}
	for _, d := range w.Decisions {
		if d.Dispute != "" {
			return false
		}
	}
	return true
}

// decisionState is the state of decision i's own dispute.
func (e *Engine) decisionState(w *Case, i int) string {
	tr := e.p.perDecision
	if i < 0 || i >= len(w.Decisions) {
		return tr.initial
	}
	if d := w.Decisions[i].Dispute; d != "" {
		return d
	}
	if i == len(w.Decisions)-1 && e.legacyDispute(w) {
		return w.States[tr.def.ID]
	}
	return tr.initial
}

// unqualifiedState is the per-decision track's unqualified view: the state
// of the most recent decision whose state is not the initial one.
func (e *Engine) unqualifiedState(w *Case) string {
	tr := e.p.perDecision
	for i := len(w.Decisions) - 1; i >= 0; i-- {
		if st := e.decisionState(w, i); st != tr.initial {
			return st
		}
	}
	return tr.initial
}

// setDecisionState records st as decision i's state (a v1-kept state is
// first given to the most recent decision) and the unqualified view.
func (e *Engine) setDecisionState(w *Case, i int, st string) {
	tr := e.p.perDecision
	if e.legacyDispute(w) {
		w.Decisions[len(w.Decisions)-1].Dispute = w.States[tr.def.ID]
	}
	if st == tr.initial {
		st = ""
		w.Decisions[i].Notes = nil // a later dispute starts with none
	}
	w.Decisions[i].Dispute = st
	w.States[tr.def.ID] = e.unqualifiedState(w)
}

// decisionIndex is the index of the decision with id ("d<seq>"), or -1.
func decisionIndex(w *Case, id string) int {
	for i := range w.Decisions {
		if w.Decisions[i].ID() == id {
			return i
		}
	}
	return noSubject
}

// decisionClock is decision i's instance of clock id (without a source):
// "id.dN", or for the most recent decision a v1 unqualified "id".
func (e *Engine) decisionClock(w *Case, id string, i int) (Clock, bool) {
	if cl, ok := w.Clocks[id+"."+w.Decisions[i].ID()]; ok {
		return cl, true
	}
	if i == len(w.Decisions)-1 {
		cl, ok := w.Clocks[id]
		return cl, ok && cl.Decision == ""
	}
	return Clock{}, false
}

// anyRunsTo is whether one of decision i's clocks ids is due on or after
// day: its time (to appeal, to contact a mediation adviser) has not ended.
func (e *Engine) anyRunsTo(w *Case, ids []string, i int, day string) bool {
	for _, id := range ids {
		if cs := e.p.clocks[id]; cs != nil && cs.def.PerSource {
			if e.anySourceOpen(w, id, w.Decisions[i].ID(), day) {
				return true
			}
			continue
		}
		if cl, ok := e.decisionClock(w, id, i); ok && clockOpen(cl, day) {
			return true
		}
	}
	return false
}

// clockOpen is whether cl is open on day: a window not past due (stopped or
// not: the time it gives has not ended), a duty not yet stopped.
func clockOpen(cl Clock, day string) bool {
	if cl.Kind == ClockWindow {
		return cl.Due >= day
	}
	return cl.StoppedAt == ""
}

// anySourceOpen is whether an instance of per-source clock id for decision
// dec is open on day: a window not past due, a duty not yet stopped.
func (e *Engine) anySourceOpen(w *Case, id, dec, day string) bool {
	for _, cl := range w.Clocks {
		if cl.ID != id || cl.Decision != dec {
			continue
		}
		if clockOpen(cl, day) {
			return true
		}
	}
	return false
}

// canMove is whether the naming rule may pick decision i for t on day: its
// dispute is in one of t's from-states and, at the initial state or a
// timed one, its time has not ended.
func (e *Engine) canMove(w *Case, t *trigger, i int, day string) bool {
	tr := e.p.perDecision
	st := e.decisionState(w, i)
	if !tr.m.CanFire(st, t.def.ID) {
		return false
	}
	pd := tr.def.PerDecision
	switch {
	case slices.Contains(t.def.DecisionStates, st):
		return true
	case len(t.def.DecisionOpen) > 0:
		return e.anyRunsTo(w, t.def.DecisionOpen, i, day)
	case st == tr.initial:
		return e.anyRunsTo(w, pd.TimeToAppeal, i, day)
	}
	for _, s := range pd.TimedStates {
		if s == st {
			return e.anyRunsTo(w, pd.TimeToAppeal, i, day)
		}
	}
	return true
}

// nameDecision is the decision a firing of t acts on: the one data names
// ("decision": unknown is invalid_input), or by the naming rule the one
// open decision t can move (several: invalid_input), else the most recent
// decision (noSubject when there is none).
func (e *Engine) nameDecision(w *Case, t *trigger, data map[string]any, today calendar.Date) (int, *Error) {
	if raw, ok := data["decision"]; ok && raw != nil {
		id, _ := raw.(string)
		if i := decisionIndex(w, id); i >= 0 {
			return i, nil
		}
		return noSubject, &Error{Code: CodeInvalidInput, Pointer: "/data/decision",
			Message:  fmt.Sprintf("data field decision must name a decision of this case (d<seq>); %s is not one", clip(id)),
			Problems: []Problem{{Code: "unknown_decision", Pointer: "/data/decision", Message: "unknown decision"}}}
	}
	day := today.String()
	var found []int
	for i := range w.Decisions {
		if e.canMove(w, t, i, day) {
			found = append(found, i)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		ids := make([]string, len(found))
		for k, i := range found {
			ids[k] = w.Decisions[i].ID()
		}
		msg := fmt.Sprintf("%s could act on any of decisions %s: name one with data decision", t.def.ID, strings.Join(ids, ", "))
		return noSubject, &Error{Code: CodeInvalidInput, Pointer: "/data/decision", Message: msg,
			Detail:   "A case with several open disputes needs the firing to say which decision it is about.",
			Problems: []Problem{{Code: "ambiguous_decision", Pointer: "/data/decision", Message: msg}}}
	}
	return len(w.Decisions) - 1, nil
}

// latestOfKind is the index of the most recent decision of kind, or -1.
func latestOfKind(w *Case, kind string) int {
	for i := len(w.Decisions) - 1; i >= 0; i-- {
		if w.Decisions[i].Kind == kind {
			return i
		}
	}
	return noSubject
}

// subject is the decision a firing of t acts on, for judge: nameDecision
// for the per-decision track, the latest decision of t's on_decision kind,
// or noSubject.
func (e *Engine) subject(w *Case, t *trigger, data map[string]any, today calendar.Date) (int, *Error) {
	switch {
	case e.isPerDecision(t):
		return e.nameDecision(w, t, data, today)
	case t.def.OnDecision != "" && e.p.perDecision != nil:
		return latestOfKind(w, t.def.OnDecision), nil
	}
	return noSubject, nil
}

// subjectEnv is env as decision i sees it: the per-decision track's state,
// the unqualified per-decision clock ids and the decision fields are its
// own. env is not changed (its step meter is shared).
func (e *Engine) subjectEnv(env *guardEnv, w *Case, i int) *guardEnv {
	if i < 0 || e.p.perDecision == nil {
		return env
	}
	out := *env
	d := w.Decisions[i]
	out.DecisionAt, out.Decision, out.DecisionOrder, out.DecisionNotes = d.At, d.Kind, d.Order, d.Notes
	tk := e.p.perDecision.def.ID
	out.States = copyStates(env.States)
	out.States[tk] = e.decisionState(w, i)
	out.OtherDisputes = nil
	for j := range w.Decisions {
		if st := e.decisionState(w, j); j != i && st != e.p.perDecision.initial {
			out.OtherDisputes = append(out.OtherDisputes, st)
		}
	}
	if len(env.Clocks) == 0 {
		return &out
	}
	out.Clocks = make(map[string]clockEnv, len(env.Clocks))
	for k, v := range env.Clocks {
		out.Clocks[k] = v
	}
	id := d.ID()
	for k, cl := range w.Clocks {
		if cl.Decision == "" {
			continue
		}
		unq := strings.TrimSuffix(k, "."+cl.Decision)
		if _, real := w.Clocks[unq]; !real {
			delete(out.Clocks, unq) // the latest instance, maybe another decision's
		}
	}
	for k, cl := range w.Clocks {
		if cl.Decision == id {
			out.Clocks[strings.TrimSuffix(k, "."+id)] = env.Clocks[k]
		}
	}
	return &out
}

// aliasLatest adds to a guard environment's clocks the unqualified id of
// every per-decision clock: its latest started instance (a later start,
// then a later decision).
func (e *Engine) aliasLatest(w *Case, clocks map[string]clockEnv) {
	var best map[string]Clock
	for k, cl := range w.Clocks {
		if cl.Decision == "" {
			continue
		}
		unq := strings.TrimSuffix(k, "."+cl.Decision)
		if _, real := w.Clocks[unq]; real {
			continue
		}
		if best == nil {
			best = map[string]Clock{}
		}
		if b, ok := best[unq]; !ok || laterInstance(cl, b) {
			best[unq] = cl
			clocks[unq] = clocks[k]
		}
	}
}

// laterInstance is whether per-decision clock instance a was started after
// b: on a later day, or the same day for a later decision.
func laterInstance(a, b Clock) bool {
	if a.StartedAt != b.StartedAt {
		return a.StartedAt > b.StartedAt
	}
	return decisionSeq(a.Decision) > decisionSeq(b.Decision)
}

// decisionSeq is the seq of a decision id "d<seq>", 0 when it is not one.
func decisionSeq(id string) int {
	n := 0
	if len(id) < 2 || id[0] != 'd' {
		return 0
	}
	for _, r := range id[1:] {
		if r < '0' || r > '9' || n > MaxHistory {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// UnqualifiedClocks adds to a clock report the unqualified key of each
// per-decision clock (its latest started instance), for hosts and scenarios
// that name a clock the v1 way: "appeal_window" is the latest decision's.
// Keys already in the report are kept.
func UnqualifiedClocks(clocks []ClockStatus) map[string]ClockStatus {
	out := make(map[string]ClockStatus, len(clocks))
	for _, cs := range clocks {
		out[cs.Key] = cs
	}
	for _, cs := range clocks {
		if cs.Decision == "" {
			continue
		}
		unq := strings.TrimSuffix(cs.Key, "."+cs.Decision)
		b, ok := out[unq]
		if ok && b.Decision == "" {
			continue
		}
		if !ok || laterInstance(cs.Clock, b.Clock) {
			out[unq] = cs
		}
	}
	return out
}

// DisputeStates maps "track.dN" to the state of each decision's own
// dispute (the initial state, given as initial, when it has none of its
// own): the names scenarios use for one dispute, e.g. "dispute.d8".
func DisputeStates(c Case, track, initial string) map[string]string {
	out := make(map[string]string, len(c.Decisions))
	legacy := len(c.Decisions) > 0 && c.States[track] != initial && c.States[track] != ""
	for _, d := range c.Decisions {
		if d.Dispute != "" {
			legacy = false
		}
	}
	for i, d := range c.Decisions {
		st := d.Dispute
		if st == "" {
			st = initial
			if legacy && i == len(c.Decisions)-1 {
				st = c.States[track]
			}
		}
		out[track+"."+d.ID()] = st
	}
	return out
}

// agreedDue gives the clock a start r made the date its map data field
// r.DueFrom holds for r.IfItem, when it holds one (R42(5): agreed_due, the
// date agreed in writing at mediation for an item). A date before the
// firing's is invalid_input: a clock is never due before it starts.
func (e *Engine) agreedDue(w *Case, r ClockRef, data map[string]any, subj string, today calendar.Date) *Error {
	if r.DueFrom == "" {
		return nil
	}
	m, _ := data[r.DueFrom].(map[string]any)
	s, _ := m[r.IfItem].(string)
	d, err := calendar.ParseDate(s)
	if s == "" || err != nil {
		return nil
	}
	ptr := "/data/" + ptrEscape(r.DueFrom) + "/" + ptrEscape(r.IfItem)
	if d.Before(today) {
		msg := fmt.Sprintf("data field %s gives %s a date (%s) before the firing's (%s)", r.DueFrom, r.IfItem, s, today)
		return &Error{Code: CodeInvalidInput, Pointer: ptr, Message: msg,
			Problems: []Problem{{Code: "before_at", Pointer: ptr, Message: msg}}}
	}
	k := r.Clock
	if cs := e.p.clocks[r.Clock]; cs != nil && cs.def.PerDecision && subj != "" {
		k += "." + subj
	}
	if cl, ok := w.Clocks[k]; ok && cl.StartedAt == today.String() {
		cl.Due = d.String()
		w.Clocks[k] = cl
	}
	return nil
}
