package randomwalk

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London for the UK date of an event, on any host

	"github.com/sendflow/sendflow/sdk"
)

var london *time.Location

func init() {
	var err error
	if london, err = time.LoadLocation("Europe/London"); err != nil {
		panic(err)
	}
}

// Snapshot is the JSON form of v, for before/after comparisons.
func Snapshot(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	return string(b)
}

// Fingerprint is a cheap snapshot of a case for before/after comparisons:
// everything but the history in JSON, then every event's hash and link.
// Since an event's hash covers all its contents, equal fingerprints mean
// equal cases for any case whose history verifies; a change made to a
// shared event in place is caught by the next Verify.
func Fingerprint(c sdk.Case) string {
	h := c.History
	c.History = nil
	var b strings.Builder
	b.WriteString(Snapshot(c))
	for _, ev := range h {
		b.WriteString(ev.PrevHash)
		b.WriteString(ev.Hash)
	}
	return b.String()
}

// CheckError checks an error returned by the SDK: it is an *sdk.Error with
// one of the codes of sdk.Codes (never internal_error, which means a
// recovered panic or a bug), a message, and problems that have codes.
func CheckError(err error) error {
	var se *sdk.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("error is %T, not *sdk.Error: %v", err, err)
	}
	if !slices.Contains(sdk.Codes(), se.Code) {
		return fmt.Errorf("unknown error code %q: %v", se.Code, se)
	}
	if se.Code == sdk.CodeInternal {
		return fmt.Errorf("internal_error (a recovered panic or a bug): %v", se)
	}
	if se.Message == "" {
		return fmt.Errorf("%s error without a message", se.Code)
	}
	for i, p := range se.Problems {
		if p.Code == "" || p.Message == "" {
			return fmt.Errorf("%s error: problem %d has no code or message", se.Code, i)
		}
	}
	if se.Code == sdk.CodeGuardFailed && len(se.Guards) == 0 {
		return fmt.Errorf("guard_failed names no guard")
	}
	return nil
}

// declaredStates lists every state of every track of the policy, nested
// states written with dots.
func declaredStates(p sdk.Policy) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, t := range p.Tracks {
		set := map[string]bool{}
		var walk func(prefix string, list []sdk.StateDef)
		walk = func(prefix string, list []sdk.StateDef) {
			for _, s := range list {
				name := prefix + s.ID
				set[name] = true
				walk(name+".", s.States)
			}
		}
		walk("", t.States)
		out[t.ID] = set
	}
	return out
}

// Checker checks the invariants of cases made by one engine.
type Checker struct {
	E      *sdk.Engine
	states map[string]map[string]bool
	kinds  map[string]sdk.ClockKind
	// instead maps a trigger with instead to the trigger it may be
	// recorded as ("" when it is only refused).
	instead map[string]string
}

// NewChecker returns a checker for e.
func NewChecker(e *sdk.Engine) *Checker {
	c := &Checker{E: e, states: declaredStates(e.Policy()), kinds: map[string]sdk.ClockKind{}, instead: map[string]string{}}
	for _, t := range e.Policy().Triggers {
		if t.Instead != nil {
			c.instead[t.ID] = t.Instead.Trigger
		}
	}
	for _, cl := range e.Policy().Clocks {
		k := cl.Kind
		if k == "" {
			k = sdk.ClockDuty
		}
		c.kinds[cl.ID] = k
	}
	return c
}

// CheckStates checks that every track of the policy has a state and every
// state is a declared state of its track.
func (k *Checker) CheckStates(c sdk.Case) error {
	for tk, st := range c.States {
		set, ok := k.states[tk]
		if !ok {
			return fmt.Errorf("states: unknown track %q", tk)
		}
		if !set[st] {
			return fmt.Errorf("states: %s is in %q, not a declared state", tk, st)
		}
	}
	for tk := range k.states {
		if _, ok := c.States[tk]; !ok {
			return fmt.Errorf("states: track %s has no state", tk)
		}
	}
	return nil
}

// UKDate is the UK calendar date of an RFC 3339 time (or a date as given).
func UKDate(at string) string {
	if len(at) == len("2006-01-02") {
		return at
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return ""
	}
	return t.In(london).Format("2006-01-02")
}

// Status is the documented status of a clock as of a day (docs/decisions.md):
// stopped on or before the day, a clock is cancelled (void, or cancelled on
// time), met (stopped on time), ended (a window stopped late), excused (late
// with an exception) or missed; not stopped, it is running up to its due
// date and then ended (a window), excused or missed.
func Status(cl sdk.Clock, day string) string {
	late := func() string {
		switch {
		case cl.Kind == "window":
			return "ended"
		case cl.Exception != "":
			return "excused"
		}
		return "missed"
	}
	if cl.StoppedAt != "" && cl.StoppedAt <= day {
		switch {
		case cl.Cancelled && (cl.Void || cl.StoppedAt <= cl.Due):
			return "cancelled"
		case cl.StoppedAt <= cl.Due:
			return "met"
		}
		return late()
	}
	if day <= cl.Due {
		return "running"
	}
	return late()
}

// CheckClocks checks every clock of a case whose last firing was on the
// UK date today: its id and kind are declared, its key is its id (and
// source), due is never before start, a stopped clock has a stop time (and
// a cancelled or void one is stopped), it did not stop before it started,
// and its status is the documented status as of today.
func (k *Checker) CheckClocks(c sdk.Case, today string) error {
	for key, cl := range c.Clocks {
		kind, ok := k.kinds[cl.ID]
		base := key
		if cl.Decision != "" {
			// A per-decision clock is keyed clock[.source].dN, dN a decision of the case.
			if !strings.HasSuffix(key, "."+cl.Decision) || !slices.ContainsFunc(c.Decisions, func(d sdk.Decision) bool { return d.ID() == cl.Decision }) {
				return fmt.Errorf("clock %s: decision %q is not the key's suffix or not a decision of the case", key, cl.Decision)
			}
			base = strings.TrimSuffix(key, "."+cl.Decision)
		}
		switch {
		case !ok:
			return fmt.Errorf("clock %s: unknown clock id %q", key, cl.ID)
		case cl.Kind != kind:
			return fmt.Errorf("clock %s: kind %q, declared %q", key, cl.Kind, kind)
		case base != cl.ID && base != cl.ID+"."+cl.Source:
			return fmt.Errorf("clock %s: key does not match id %q and source %q", key, cl.ID, cl.Source)
		case cl.Due < cl.StartedAt:
			return fmt.Errorf("clock %s: due %s is before its start %s", key, cl.Due, cl.StartedAt)
		case cl.StartedAt > today:
			return fmt.Errorf("clock %s: started %s, after the last firing %s", key, cl.StartedAt, today)
		case (cl.StoppedBy != "") != (cl.StoppedAt != ""):
			return fmt.Errorf("clock %s: stopped_by %q but stopped_at %q", key, cl.StoppedBy, cl.StoppedAt)
		case cl.Cancelled && cl.StoppedAt == "":
			return fmt.Errorf("clock %s: cancelled without a stop time", key)
		case cl.Void && !cl.Cancelled:
			return fmt.Errorf("clock %s: void but not cancelled", key)
		case cl.StoppedAt != "" && (cl.StoppedAt < cl.StartedAt || cl.StoppedAt > today):
			return fmt.Errorf("clock %s: stopped %s outside %s..%s", key, cl.StoppedAt, cl.StartedAt, today)
		case string(cl.Status) != Status(cl, today):
			return fmt.Errorf("clock %s: status %q as of %s, want %q", key, cl.Status, today, Status(cl, today))
		case (cl.Status == "met" || cl.Status == "cancelled") && cl.StoppedAt == "":
			return fmt.Errorf("clock %s: %s without a stop time", key, cl.Status)
		}
	}
	return nil
}

// CheckReport checks Engine.Clocks as of asOf (YYYY-MM-DD) against the
// case: one entry per clock, each with the documented status as of asOf,
// days left exactly when running, sorted by due date then key.
func (k *Checker) CheckReport(c sdk.Case, asOf string) error {
	r, err := k.E.Clocks(c, asOf)
	if err != nil {
		return fmt.Errorf("clock report as of %s: %v", asOf, err)
	}
	if r.AsOf != asOf {
		return fmt.Errorf("clock report: as_of %q, asked %q", r.AsOf, asOf)
	}
	if len(r.Clocks) != len(c.Clocks) {
		return fmt.Errorf("clock report: %d clocks, the case has %d", len(r.Clocks), len(c.Clocks))
	}
	asOfT, _ := time.Parse("2006-01-02", asOf)
	for i, cs := range r.Clocks {
		cl, ok := c.Clocks[cs.Key]
		if !ok {
			return fmt.Errorf("clock report: key %q is not in the case", cs.Key)
		}
		if want := Status(cl, asOf); string(cs.Status) != want {
			return fmt.Errorf("clock report: %s is %q as of %s, want %q", cs.Key, cs.Status, asOf, want)
		}
		if (cs.DaysLeft != nil) != (cs.Status == "running") {
			return fmt.Errorf("clock report: %s is %s with days_left %v", cs.Key, cs.Status, cs.DaysLeft)
		}
		if cs.DaysLeft != nil {
			due, _ := time.Parse("2006-01-02", cs.Due)
			if n := int(due.Sub(asOfT).Hours() / 24); n != *cs.DaysLeft {
				return fmt.Errorf("clock report: %s has %d days left as of %s, want %d", cs.Key, *cs.DaysLeft, asOf, n)
			}
		}
		if i > 0 {
			p := r.Clocks[i-1]
			if p.Due > cs.Due || (p.Due == cs.Due && p.Key >= cs.Key) {
				return fmt.Errorf("clock report: not sorted by due date then key at %s", cs.Key)
			}
		}
	}
	return nil
}

// CheckHistory checks that Replay of the case's history from its origin
// gives the case back exactly, and that Verify accepts it.
func (k *Checker) CheckHistory(c sdk.Case) error {
	if c.Origin == nil {
		return fmt.Errorf("the case has no origin")
	}
	got, err := k.E.Replay(*c.Origin, c.History)
	if err != nil {
		return fmt.Errorf("replay: %v", err)
	}
	if a, b := Fingerprint(got), Fingerprint(c); a != b {
		return fmt.Errorf("replay differs from the case:\nreplay %s\ncase   %s", firstDiff(a, b), firstDiff(b, a))
	}
	if rep := k.E.Verify(c); !rep.OK {
		return fmt.Errorf("verify refuses the case: event %d: %s", rep.FirstBad, rep.Reason)
	}
	// As a host stores it: the case after a JSON round trip must verify too
	// (invalid UTF-8 or an unreadable date would be changed by the trip).
	// Every fourth event: what a trip changes stays in the history, so a
	// later check still sees it, at a third of the cost of the walks.
	if len(c.History)%4 != 0 {
		return nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("the case does not marshal: %v", err)
	}
	var stored sdk.Case
	if err := json.Unmarshal(b, &stored); err != nil {
		return fmt.Errorf("the case does not unmarshal: %v", err)
	}
	if rep := k.E.Verify(stored); !rep.OK {
		return fmt.Errorf("verify refuses the case after a JSON round trip: event %d: %s", rep.FirstBad, rep.Reason)
	}
	return nil
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-60)
	return "…" + a[lo:min(len(a), i+60)] + "…"
}

// CheckOutcome checks a successful firing's outcome against the case it
// was fired on: one event appended, numbered and chained, the outcome's
// clocks are the clock report as of the firing, the warnings are coded, and
// the new case's states and clocks hold every invariant.
func (k *Checker) CheckOutcome(before sdk.Case, f sdk.Firing, o sdk.Outcome) error {
	h := o.Case.History
	if len(h) != len(before.History)+1 {
		return fmt.Errorf("history grew from %d to %d events", len(before.History), len(h))
	}
	ev := h[len(h)-1]
	if Snapshot(ev) != Snapshot(o.Event) {
		return fmt.Errorf("the outcome's event is not the history's last")
	}
	if to, ok := k.instead[f.Trigger]; ev.Seq != len(h) || (ev.Trigger != f.Trigger && !(ok && ev.Trigger == to)) || ev.Actor != f.Actor {
		return fmt.Errorf("event %d records seq %d, %s by %s", len(h), ev.Seq, ev.Trigger, ev.Actor)
	}
	if len(ev.Hash) != 64 || strings.Trim(ev.Hash, "0123456789abcdef") != "" {
		return fmt.Errorf("event hash %q is not SHA-256 hex", ev.Hash)
	}
	if len(before.History) > 0 && ev.PrevHash != before.History[len(before.History)-1].Hash {
		return fmt.Errorf("event %d does not chain to the event before", ev.Seq)
	}
	if (len(before.States) == len(o.Case.States) && Snapshot(ev.StatesBefore) != Snapshot(before.States)) || Snapshot(ev.StatesAfter) != Snapshot(o.Case.States) {
		return fmt.Errorf("event %d: states_before/states_after do not match the cases", ev.Seq)
	}
	for _, w := range o.Warnings {
		if w.Code == "" || w.Message == "" {
			return fmt.Errorf("a warning without a code or message: %+v", w)
		}
	}
	today := UKDate(ev.At)
	if today == "" {
		return fmt.Errorf("event at %q is not RFC 3339", ev.At)
	}
	if err := k.CheckStates(o.Case); err != nil {
		return err
	}
	if err := k.CheckClocks(o.Case, today); err != nil {
		return err
	}
	rep, err := k.E.Clocks(o.Case, today)
	if err != nil {
		return fmt.Errorf("clock report: %v", err)
	}
	if Snapshot(rep.Clocks) != Snapshot(o.Clocks) {
		return fmt.Errorf("the outcome's clocks are not the clock report as of %s", today)
	}
	return nil
}

// redirected is whether a refusal code of a firing of trigger may come of
// its instead: refused, or judged as another trigger from that trigger's
// states, while its condition holds.
func (k *Checker) redirected(trigger string, code sdk.Code) bool {
	_, ok := k.instead[trigger]
	return ok && code == sdk.CodeNotPermitted
}
