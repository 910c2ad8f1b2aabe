package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// Replay rebuilds a case from the facts it was opened with and its events,
// firing each event again. Each event is judged under the policy it was
// recorded under (its policy id and hash) when this engine knows it: its
// own policy; for the default policy compiled alone, the released default
// of that hash (a case recorded under an earlier release replays under
// it); or an earlier policy registered with WithEarlierPolicies. Such an
// event is rebuilt exactly, its policy identity and hash included, and a
// clock it started keeps its dates when later events run under this
// policy. An event that no longer fires, or fires differently, is a
// history_mismatch naming it.
//
// An event recorded under a policy this engine does not know is re-judged
// under this engine's policy: it replays as long as this policy decides
// the same (times, actor, trigger, states, data, facts), and the rebuilt
// event carries this engine's policy identity (so a host can carry a case
// over to another policy). Signatures are not compared or checked: a
// rebuilt event is unsigned, or signed by this engine's signer (ed25519 is
// deterministic, so the key that signed a history rebuilds it byte for
// byte). Verify is the check of where a history came from; verify an
// imported history before replaying it with a signing engine, which would
// otherwise vouch for it.
func (e *Engine) Replay(origin Facts, events []Event) (Case, error) {
	return e.ReplayContext(context.Background(), origin, events)
}

// ReplayContext is Replay stopping when ctx is cancelled or passes its
// deadline (looked at between events and during guard evaluation): the
// call then fails with limit_exceeded.
func (e *Engine) ReplayContext(ctx context.Context, origin Facts, events []Event) (out Case, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = Case{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("replay failed: %v", r)}
		}
	}()
	if len(events) > MaxHistory {
		return Case{}, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("%d events; the limit is %d", len(events), MaxHistory), Pointer: "/history"}
	}
	if n := historyBytes(events); n > MaxCaseBytes {
		return Case{}, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("the history is about %d bytes; the limit is %d", n, MaxCaseBytes), Pointer: "/history"}
	}
	w := e.NewCase(origin)
	if cerr := e.checkCase(&w); cerr != nil {
		return Case{}, cerr
	}
	w.History = make([]Event, 0, len(events))
	for i, ev := range events {
		if ctx.Err() != nil {
			se := stopError(guardlang.ErrDeadline, fmt.Sprintf("replay at event %d", i+1))
			se.Pointer = fmt.Sprintf("/history/%d", i)
			return Case{}, se
		}
		j := e.policyFor(ev.PolicyID, ev.PolicyHash)
		if j == nil {
			j = e // a policy e does not know: re-judged under e's
		}
		aside := j.fitStates(e, &w)
		var got Event
		var ferr *Error
		if i == 0 && ev.Trigger == ImportTrigger {
			got, ferr = j.applyImport(&w, ev.Actor, ev.By, ev.At, ev.Data)
		} else {
			got, _, ferr = j.fire(ctx, &w, Firing{Trigger: ev.Trigger, Actor: ev.Actor, By: ev.By, At: ev.At, Data: ev.Data, Facts: ev.Facts})
		}
		for k := 0; k < len(aside); k += 2 {
			w.States[aside[k]] = aside[k+1]
		}
		if ferr != nil && ferr.Code == CodeLimitExceeded {
			// Stopped, not refused: the history may be sound.
			ferr.Pointer = fmt.Sprintf("/history/%d", i)
			return Case{}, ferr
		}
		if ferr != nil {
			return Case{}, &Error{Code: CodeHistoryMismatch, Message: fmt.Sprintf("event %d (%s) no longer fires: %s", i+1, clip(ev.Trigger), ferr.Message),
				Pointer: fmt.Sprintf("/history/%d", i), Guards: ferr.Guards}
		}
		// Equal hashes mean equal canonical contents (the hash covers every
		// field sameEvent compares), so only a differing hash needs a look.
		if got.Hash == ev.Hash {
			continue
		}
		if msg := sameEvent(got, ev); msg != "" {
			return Case{}, &Error{Code: CodeHistoryMismatch, Message: fmt.Sprintf("event %d (%s) replays differently: %s", i+1, clip(ev.Trigger), msg),
				Pointer: fmt.Sprintf("/history/%d", i)}
		}
	}
	return w, nil
}

// fitStates readies w for a firing under j, in a replay by e: when j is
// another policy, w's tracks that j does not have (a later policy's) are
// set aside, returned as track, state, ... to be put back after the
// firing.
func (j *Engine) fitStates(e *Engine, w *Case) []string {
	if j.p == e.p {
		return nil
	}
	var aside []string
	for _, tk := range e.trackOrder {
		if st, ok := w.States[tk]; ok && j.p.trackBy[tk] == nil {
			aside = append(aside, tk, st)
			delete(w.States, tk)
		}
	}
	return aside
}

// sameEvent compares a replayed event with the recorded one on everything
// the engine decides (not the policy identity, the hashes or the
// signatures).
func sameEvent(got, want Event) string {
	switch {
	case got.Seq != want.Seq:
		return fmt.Sprintf("sequence %d, recorded %d", got.Seq, want.Seq)
	case got.At != want.At:
		return "its time differs"
	case got.Actor != want.Actor || got.Trigger != want.Trigger || got.By != want.By:
		return "its actor, who acted or its trigger differs"
	case !maps.Equal(got.StatesBefore, want.StatesBefore):
		return "the states before it differ"
	case !maps.Equal(got.StatesAfter, want.StatesAfter):
		return "the states after it differ"
	case !payloadEqual(got.Data, want.Data) || !payloadEqual(got.Facts, want.Facts):
		return "its data or facts differ"
	}
	return ""
}

// payloadEqual compares two recorded payloads as JSON would.
func payloadEqual(a, b map[string]any) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return jsonEqual(a, b)
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Verify checks a case's history: every event's hash, every chain link back
// to the origin, that every event was recorded under this engine's policy
// or one it knows as an earlier version of it (its policy_id and
// policy_hash; see Replay), its signature (below), and that replaying the
// history from the origin, each event under its own policy, reproduces the
// case's states, clocks, decisions and facts. It names the first bad event.
//
// Signatures: with WithVerifyKeys every event must carry a valid signature
// by one of the keys (an unsigned event, one signed by another key and a
// forged signature are each reported). Without verify keys signatures are
// not required, and a valid-looking one is not checked; malformed signature
// fields are reported either way. The chain alone proves a history is
// consistent, not who made it: anyone with the SDK can fire the same
// triggers again with other dates and get a history that verifies without
// keys.
//
// The case must first be one the engine accepts (the rules of Case): a
// case with no history verifies only when it is exactly what NewCase
// makes from its origin (its facts when Origin is nil), and a case with a
// history but no origin never verifies.
func (e *Engine) Verify(c Case) VerifyReport {
	return e.VerifyContext(context.Background(), c)
}

// VerifyContext is Verify stopping when ctx is cancelled or passes its
// deadline: the report is then not OK, with no FirstBad and a reason
// saying verification was stopped (the history was not judged bad).
func (e *Engine) VerifyContext(ctx context.Context, c Case) (rep VerifyReport) {
	defer func() {
		if r := recover(); r != nil {
			rep = VerifyReport{Reason: fmt.Sprintf("verify failed: %v", r)}
		}
	}()
	rep.Events = len(c.History)
	// The case must be one the engine accepts (caps first, then every part
	// against the policy, and the rule for a case with no history).
	if lerr := e.checkCounts(&c); lerr != nil {
		rep.Reason = lerr.Message
		return rep
	}
	w := cloneCase(c, 0)
	if cerr := e.checkCase(&w); cerr != nil {
		rep.Reason = cerr.Message
		return rep
	}
	// With no history an absent origin is the case's facts (checkCase
	// refuses a history without an origin).
	origin := c.Origin
	if origin == nil {
		origin = &w.Facts
	}
	prev := originHash(origin)
	for i, ev := range c.History {
		switch {
		case ev.Seq != i+1:
			rep.FirstBad, rep.Reason = i+1, fmt.Sprintf("event at position %d has sequence number %d", i+1, ev.Seq)
		case ev.PrevHash != prev:
			rep.FirstBad, rep.Reason = i+1, fmt.Sprintf("event %d does not link to the event before it (or the origin)", i+1)
		case ev.Hash != eventHash(&ev, e.trackOrder):
			rep.FirstBad, rep.Reason = i+1, fmt.Sprintf("event %d has been altered: its hash does not match its contents", i+1)
		default:
			if msg := e.policyMismatch(i+1, &ev); msg != "" {
				rep.FirstBad, rep.Reason = i+1, msg
			} else if msg := e.checkSignature(i+1, &ev); msg != "" {
				rep.FirstBad, rep.Reason = i+1, msg
			}
		}
		if rep.FirstBad != 0 {
			return rep
		}
		prev = ev.Hash
	}
	got, err := e.ReplayContext(ctx, *origin, c.History)
	if err != nil {
		ae := AsError(err)
		if ae.Code == CodeLimitExceeded {
			rep.Reason = "verification was stopped: " + ae.Message
			return rep
		}
		rep.Reason = ae.Message
		var idx int
		if _, serr := fmt.Sscanf(ae.Pointer, "/history/%d", &idx); serr == nil {
			rep.FirstBad = idx + 1
		}
		return rep
	}
	switch {
	case !jsonEqual(got.Facts, c.Facts):
		rep.Reason = "the case's facts do not match its history"
	case !jsonEqual(got.States, normStates(e, c.States)):
		rep.Reason = "the case's states do not match its history"
	case !(len(got.Clocks) == 0 && len(c.Clocks) == 0) && !jsonEqual(got.Clocks, c.Clocks):
		rep.Reason = "the case's clocks do not match its history"
	case !(len(got.Decisions) == 0 && len(c.Decisions) == 0) && !jsonEqual(got.Decisions, c.Decisions):
		rep.Reason = "the case's decisions do not match its history"
	case !(len(got.Exceptions) == 0 && len(c.Exceptions) == 0) && !jsonEqual(got.Exceptions, c.Exceptions):
		rep.Reason = "the case's exceptions do not match its history"
	default:
		rep.OK = true
	}
	return rep
}

func normStates(e *Engine, s map[string]string) map[string]string {
	out := copyStates(s)
	for _, t := range e.p.tracks {
		if _, ok := out[t.def.ID]; !ok {
			out[t.def.ID] = t.initial
		}
	}
	return out
}
