package sdk

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// This file checks every part of a case against the caps and the policy
// (checkCase's helpers), and what a firing writes (checkOutput), so that a
// case the engine returns is always one it accepts back and one that
// verifies after a JSON round trip.

// looksLikeName is clip's rule: lower-case letters, digits, "_", "." and
// "-", at most 40 bytes. Only such a value is ever quoted, in a message or
// in a pointer.
func looksLikeName(s string) bool {
	return len(s) <= 40 && s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == ""
}

// ptrKey is the pointer to key k of the object at parent when k looks like
// a policy name; otherwise it is parent itself. A key the caller chose (a
// payload field, a fact, a clock key, a track) may be a child's name, so a
// pointer never quotes one that is not a name: it stops at the object
// holding it, and the message describes the key ("a key of N characters").
func ptrKey(parent, k string) string {
	if looksLikeName(k) {
		return parent + "/" + ptrEscape(k)
	}
	return parent
}

// clockStatuses are the statuses a clock may have (Clock.Status).
var clockStatuses = map[ClockState]bool{ClockRunning: true, ClockMet: true, ClockMissed: true, ClockExcused: true, ClockEnded: true, ClockCancelled: true}

// sourceSet is what a per-source clock's source may be: the values of the
// source fields of the triggers that start it, or any string when one of
// them is free text.
type sourceSet struct {
	any    bool
	values map[string]bool
}

// clockSources works out, for every per-source clock, the sources a firing
// can give it.
func clockSources(c *compiled) map[string]*sourceSet {
	out := map[string]*sourceSet{}
	for _, t := range c.triggers {
		for _, r := range startsOf(t.def) {
			cs := c.clocks[r.Clock]
			if cs == nil || !cs.def.PerSource || r.Source == "" {
				continue
			}
			s := out[r.Clock]
			if s == nil {
				s = &sourceSet{values: map[string]bool{}}
				out[r.Clock] = s
			}
			f := t.fields[r.Source]
			if !f.Required || f.Type != "string" {
				s.values[""] = true // no value given: the engine keys it "id."
			}
			if f.Type == "string" && len(f.Enum) == 0 {
				s.any = true
			}
			for _, v := range f.Enum {
				s.values[v] = true
			}
		}
	}
	return out
}

// textOK reports whether a free-text string of a case (an exception, a
// citation, a free-text source) is within the caps and valid UTF-8.
func textOK(s string) bool {
	return len(s) <= MaxStringLength && utf8.ValidString(s)
}

// checkFactsPart checks facts (the case's own, at "", or its origin, at
// "/origin"): the strings' lengths and encoding, the evidence, the date of
// birth and the year group.
func (e *Engine) checkFactsPart(prefix string, f *Facts, bad func(ptr, format string, args ...any) *Error) *Error {
	for _, s := range [...]struct{ name, v string }{{"id", f.ID}, {"la", f.LA}, {"district", f.District}} {
		if len(s.v) > MaxIdentifierLen {
			return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("%s is %d bytes long; the limit is %d", s.name, len(s.v), MaxIdentifierLen), Pointer: prefix + "/" + s.name}
		}
		if !utf8.ValidString(s.v) {
			return bad(prefix+"/"+s.name, "%s is not valid UTF-8 text", s.name)
		}
	}
	if len(f.Evidence) > MaxEvidence {
		return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("the case holds %d evidence items; the limit is %d", len(f.Evidence), MaxEvidence), Pointer: prefix + "/evidence"}
	}
	for i, ev := range f.Evidence {
		if !e.p.evidence[ev] {
			return bad(fmt.Sprintf("%s/evidence/%d", prefix, i), "unknown evidence kind %s%s", clip(ev), suggest(ev, keys(e.p.evidence)))
		}
	}
	if f.Child.DateOfBirth != "" {
		if _, err := calendar.ParseDate(f.Child.DateOfBirth); err != nil {
			return bad(prefix+"/child/date_of_birth", "date of birth is not a date (YYYY-MM-DD)")
		}
	}
	if y := f.Child.YearGroup; y != nil && (*y < -3 || *y > 20) {
		return bad(prefix+"/child/year_group", "year group %d is out of range (-3 to 20)", *y)
	}
	if probs := childProblems(&f.Child, prefix+"/child"); len(probs) > 0 {
		return bad(probs[0].Pointer, "%s", probs[0].Message)
	}
	if probs := personProblems(f.Person, prefix+"/person"); len(probs) > 0 {
		return bad(probs[0].Pointer, "%s", probs[0].Message)
	}
	return nil
}

// post25Settings are the values of child.post25_setting (R46(1)).
var post25Settings = []string{"fe", "apprenticeship", "other"}

// childProblems checks the child's capacity and age-limit facts, at ptr
// (".../child"). No message quotes a value: the representative is a
// person's name.
func childProblems(ch *Child, ptr string) []Problem {
	var probs []Problem
	if len(ch.Representative) > MaxIdentifierLen || !utf8.ValidString(ch.Representative) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: ptr + "/representative",
			Message: fmt.Sprintf("the representative must be valid UTF-8 text of at most %d bytes", MaxIdentifierLen)})
	}
	if ch.Post25Setting != "" && !slices.Contains(post25Settings, ch.Post25Setting) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: ptr + "/post25_setting",
			Message: "post25_setting must be one of: " + strings.Join(post25Settings, ", ")})
	}
	for _, d := range [...]struct{ name, v string }{{"apprenticeship_end", ch.ApprenticeshipEnd}, {"course_end", ch.CourseEnd}} {
		if _, err := calendar.ParseDate(d.v); d.v != "" && err != nil {
			probs = append(probs, Problem{Code: "bad_date", Pointer: ptr + "/" + d.name, Message: d.name + " must be a date (YYYY-MM-DD)"})
		}
	}
	return probs
}

// factsBytes estimates the JSON size of facts.
func factsBytes(f *Facts) int {
	ch := &f.Child
	n := 120 + len(f.ID) + len(f.LA) + len(f.District) + len(ch.DateOfBirth)
	if ch.LacksCapacity || ch.AuthorisedParent || ch.Representative != "" || ch.Post25Setting != "" || ch.ApprenticeshipEnd != "" || ch.CourseEnd != "" {
		n += 160 + len(ch.Representative) + len(ch.Post25Setting) + len(ch.ApprenticeshipEnd) + len(ch.CourseEnd)
	}
	for _, ev := range f.Evidence {
		n += len(ev) + 3
	}
	return n + personBytes(f.Person)
}

// caseBytes estimates the JSON size of a whole case, to enforce
// MaxCaseBytes without marshalling: the history (historyBytes), the facts,
// the origin, the states, the clocks and the decisions, strings as they
// are plus a fixed allowance for the field names. The counts are capped
// before it is called, so it runs in bounded time.
func caseBytes(c *Case) int {
	n := historyBytes(c.History) + factsBytes(&c.Facts) + 48*len(c.States)
	if c.Origin != nil {
		n += factsBytes(c.Origin)
	}
	for k, cl := range c.Clocks {
		n += 160 + len(k) + len(cl.ID) + len(cl.Source) + len(cl.Kind) + len(cl.StartedAt) + len(cl.StartedBy) + len(cl.Due) + len(cl.Date) + len(cl.StoppedAt) +
			len(cl.StoppedBy) + len(cl.Exception) + len(cl.Status) + len(cl.Citation)
	}
	for i := range c.Decisions {
		d := &c.Decisions[i]
		n += 60 + len(d.Kind) + len(d.At) + len(d.Trigger)
	}
	for i := range c.Exceptions {
		x := &c.Exceptions[i]
		n += 100 + len(x.Reason) + len(x.Since) + len(x.Until) + len(x.AdviceRequestedOn) + len(x.Before)
	}
	return n
}

// checkCounts refuses, before anything is read item by item, a case with
// more events, evidence, clocks, decisions or states than any case can
// have, or whose estimated size is over MaxCaseBytes.
func (e *Engine) checkCounts(c *Case) *Error {
	limit := func(ptr, what string, n, max int) *Error {
		return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("the case has %d %s; the limit is %d", n, what, max), Pointer: ptr}
	}
	switch {
	case len(c.History) > MaxHistory:
		return limit("/history", "events", len(c.History), MaxHistory)
	case len(c.Evidence) > MaxEvidence:
		return limit("/evidence", "evidence items", len(c.Evidence), MaxEvidence)
	case c.Origin != nil && len(c.Origin.Evidence) > MaxEvidence:
		return limit("/origin/evidence", "evidence items in its origin", len(c.Origin.Evidence), MaxEvidence)
	case len(c.Clocks) > MaxClocks:
		return limit("/clocks", "clocks", len(c.Clocks), MaxClocks)
	case len(c.Decisions) > MaxDecisions:
		return limit("/decisions", "decisions", len(c.Decisions), MaxDecisions)
	case len(c.Exceptions) > MaxHistory:
		return limit("/exceptions", "exceptions", len(c.Exceptions), MaxHistory)
	case len(c.States) > len(e.p.tracks):
		return &Error{Code: CodeInvalidCase, Message: fmt.Sprintf("the case has %d states; the policy has %d tracks", len(c.States), len(e.p.tracks)), Pointer: "/states"}
	}
	if n := caseBytes(c); n > MaxCaseBytes {
		return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("the case is about %d bytes; the limit is %d", n, MaxCaseBytes), Pointer: "/history"}
	}
	return nil
}

// checkClocks checks every clock: its key is its id (id.source for a
// per-source clock, with a source a firing could give), its kind is the
// policy's, its dates are dates, its status one of the statuses, its
// stopping trigger a trigger and its free text within the caps.
func (e *Engine) checkClocks(c *Case, bad func(ptr, format string, args ...any) *Error) *Error {
	// Sorted keys: the first fault reported does not depend on map order.
	ks := make([]string, 0, len(c.Clocks))
	for k := range c.Clocks {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		cl := c.Clocks[k]
		ptr := ptrKey("/clocks", k)
		cs := e.p.clocks[cl.ID]
		if cs == nil {
			return bad(ptr, "unknown clock %s", clip(cl.ID))
		}
		base := k
		if cl.Decision != "" {
			if !cs.def.PerDecision || decisionIndex(c, cl.Decision) < 0 || !strings.HasSuffix(k, "."+cl.Decision) {
				return bad(ptr+"/decision", "clock %s: decision is not one of the case's decisions, or the clock is not per decision", cl.ID)
			}
			base = strings.TrimSuffix(k, "."+cl.Decision)
		}
		if cs.def.PerSource {
			src := e.sources[cl.ID]
			if base != cl.ID+"."+cl.Source || src == nil || !(src.values[cl.Source] || (src.any && cl.Source != "" && textOK(cl.Source))) {
				return bad(ptr, "a clock key of %d characters does not match per-source clock %s and a source it can have", utf8.RuneCountInString(k), cl.ID)
			}
		} else if base != cl.ID || cl.Source != "" {
			return bad(ptr, "a clock key of %d characters is not the id of clock %s (which has no source)", utf8.RuneCountInString(k), cl.ID)
		}
		if cl.Kind != cs.def.Kind {
			return bad(ptr+"/kind", "clock %s is a %s, not %s", cl.ID, cs.def.Kind, clip(string(cl.Kind)))
		}
		if !clockStatuses[cl.Status] {
			return bad(ptr+"/status", "clock %s has status %s, not one of running, met, missed, excused, ended, cancelled", cl.ID, clip(string(cl.Status)))
		}
		for _, d := range [...]struct{ name, v string }{{"started_at", cl.StartedAt}, {"due", cl.Due}, {"date", cl.Date}, {"stopped_at", cl.StoppedAt}} {
			if d.v == "" && (d.name == "stopped_at" || d.name == "date") {
				continue
			}
			if _, err := calendar.ParseDate(d.v); err != nil {
				return bad(ptr+"/"+d.name, "%s is not a date", d.name)
			}
		}
		if cl.StoppedBy != "" && (len(cl.StoppedBy) > MaxIdentifierLen || e.p.trigBy[cl.StoppedBy] == nil) {
			return bad(ptr+"/stopped_by", "clock %s: stopped_by is not a trigger of the policy", cl.ID)
		}
		if cl.StartedBy != "" && (len(cl.StartedBy) > MaxIdentifierLen || e.p.trigBy[cl.StartedBy] == nil) {
			return bad(ptr+"/started_by", "clock %s: started_by is not a trigger of the policy", cl.ID)
		}
		if !textOK(cl.Exception) {
			return bad(ptr+"/exception", "clock %s: the exception is longer than %d bytes or not valid UTF-8 text", cl.ID, MaxStringLength)
		}
		if !textOK(cl.Citation) {
			return bad(ptr+"/citation", "clock %s: the citation is longer than %d bytes or not valid UTF-8 text", cl.ID, MaxStringLength)
		}
	}
	return nil
}

// checkDecisions checks every decision names a decision kind and a trigger
// of the policy, a date and an event number.
func (e *Engine) checkDecisions(c *Case, bad func(ptr, format string, args ...any) *Error) *Error {
	for i, d := range c.Decisions {
		ptr := fmt.Sprintf("/decisions/%d", i)
		switch {
		case !e.p.decision[d.Kind]:
			return bad(ptr+"/kind", "unknown decision kind %s", clip(d.Kind))
		case len(d.Trigger) > MaxIdentifierLen || (e.p.trigBy[d.Trigger] == nil && d.Trigger != ImportTrigger):
			return bad(ptr+"/trigger", "unknown trigger %s", clip(d.Trigger))
		case d.Seq < 1 || d.Seq > MaxHistory:
			// Whether the event made it is Verify's to say (a dropped event is named there).
			return bad(ptr+"/seq", "decision %d names event %d, not one of 1 to %d", i, d.Seq, MaxHistory)
		}
		if _, err := calendar.ParseDate(d.At); err != nil {
			return bad(ptr+"/at", "the decision's date is not a date")
		}
		if tr := e.p.perDecision; d.Dispute != "" && (tr == nil || !tr.m.HasState(d.Dispute)) {
			return bad(ptr+"/dispute", "decision %d: %s is not a state of the per-decision track", i, clip(d.Dispute))
		}
		if len(d.Notes) > MaxListItems || slices.ContainsFunc(d.Notes, func(n string) bool { return !textOK(n) || len(n) > MaxIdentifierLen }) {
			return bad(ptr+"/notes", "decision %d: more than %d notes, or a note longer than %d bytes or not valid UTF-8 text", i, MaxListItems, MaxIdentifierLen)
		}
		if !textOK(d.Order) || len(d.Order) > MaxIdentifierLen {
			return bad(ptr+"/order", "decision %d: the order is longer than %d bytes or not valid UTF-8 text", i, MaxIdentifierLen)
		}
	}
	return nil
}

// checkExceptions checks every exception names a reason (a policy-style
// name), an event number, and dates where it has them.
func checkExceptions(c *Case, bad func(ptr, format string, args ...any) *Error) *Error {
	for i, x := range c.Exceptions {
		ptr := fmt.Sprintf("/exceptions/%d", i)
		if !looksLikeName(x.Reason) {
			return bad(ptr+"/reason", "exception %d: the reason is not a reason name", i)
		}
		if x.Seq < 1 || x.Seq > MaxHistory {
			return bad(ptr+"/seq", "exception %d names event %d, not one of 1 to %d", i, x.Seq, MaxHistory)
		}
		for _, d := range [...]struct{ name, v string }{{"since", x.Since}, {"until", x.Until}, {"advice_requested_on", x.AdviceRequestedOn}, {"before", x.Before}} {
			if _, err := calendar.ParseDate(d.v); err != nil && (d.v != "" || d.name == "since") {
				return bad(ptr+"/"+d.name, "exception %d: %s is not a date", i, d.name)
			}
		}
	}
	return nil
}

// checkFresh is the rule for a case with no history: it is exactly what
// NewCase makes from its origin (an absent origin is taken to be the
// case's facts), so every track is at its initial state (tracks left out
// are filled in) and there are no clocks and no decisions. A case with a
// history must have its origin.
func (e *Engine) checkFresh(c *Case, bad func(ptr, format string, args ...any) *Error) *Error {
	if len(c.History) > 0 {
		if c.Origin == nil {
			return bad("/origin", "the case has a history but no origin (the facts it was opened with)")
		}
		return nil
	}
	if c.Origin != nil && !jsonEqual(c.Origin, &c.Facts) {
		return bad("/origin", "the case has no history, so its facts must be its origin's (what NewCase made)")
	}
	for _, t := range e.p.tracks {
		if st, ok := c.States[t.def.ID]; ok && st != t.initial {
			return bad("/states/"+ptrEscape(t.def.ID), "the case has no history, so track %s must be at its initial state %s", t.def.ID, t.initial)
		}
	}
	if len(c.Clocks) > 0 {
		return bad("/clocks", "the case has no history, so it can have no clocks")
	}
	if len(c.Decisions) > 0 {
		return bad("/decisions", "the case has no history, so it can have no decisions")
	}
	if len(c.Exceptions) > 0 {
		return bad("/exceptions", "the case has no history, so it can have no exceptions")
	}
	return nil
}

// checkOutput checks what a firing wrote before it is returned: every date
// and time must be one the engine reads back (the UTC instant of at, the
// UK date, every clock's dates, the decisions' dates, all within
// calendar.MinYear..MaxYear), and the case must stay within the caps. So
// an outcome is always a case Fire, Clocks and Verify accept.
func (e *Engine) checkOutput(w *Case, ev *Event) *Error {
	outside := func() *Error {
		return &Error{Code: CodeInvalidInput, Pointer: "/at",
			Message:  fmt.Sprintf("at is too close to the edge of the supported years (%d to %d): the time in UTC, or a date the firing would record, falls outside them", calendar.MinYear, calendar.MaxYear),
			Problems: []Problem{{Code: "bad_date", Pointer: "/at", Message: "a date the firing would record is outside the supported years"}}}
	}
	if _, err := calendar.ParseAt(ev.At); err != nil {
		return outside()
	}
	for _, cl := range w.Clocks {
		for _, d := range [...]string{cl.StartedAt, cl.Due, cl.StoppedAt} {
			if d == "" {
				continue
			}
			if _, err := calendar.ParseDate(d); err != nil {
				return outside()
			}
		}
	}
	for _, d := range w.Decisions {
		if _, err := calendar.ParseDate(d.At); err != nil {
			return outside()
		}
	}
	// A firing adds at most a few clocks and decisions and one event; a case
	// at a cap may still be pushed over it.
	return e.checkCounts(w)
}

// badUTF8 returns the pointer of the first string (a value or a key) in a
// payload that is not valid UTF-8, keys visited in order; "" when there is
// none. A key is quoted in the pointer only when it looks like a name.
func badUTF8(v any, ptr string, depth int) (string, bool) {
	if depth > 64 {
		return "", false
	}
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) {
			return ptr, true
		}
	case []any:
		for i, e := range x {
			if p, bad := badUTF8(e, fmt.Sprintf("%s/%d", ptr, i), depth+1); bad {
				return p, true
			}
		}
	case map[string]any:
		ks := make([]string, 0, len(x))
		for k := range x {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		for _, k := range ks {
			if !utf8.ValidString(k) {
				return ptr, true
			}
			if p, bad := badUTF8(x[k], ptrKey(ptr, k), depth+1); bad {
				return p, true
			}
		}
	case []string:
		for i, e := range x {
			if !utf8.ValidString(e) {
				return fmt.Sprintf("%s/%d", ptr, i), true
			}
		}
	}
	return "", false
}

// checkLastEvent checks the event a firing is ordered after and chained to:
// its number is the history's length and its time is one the engine wrote
// (RFC 3339 in UTC, to the second), so out_of_order is judged on a time it
// can read. The rest of the chain is Verify's to check (hashing every event
// on every firing would cost more than the firing).
func checkLastEvent(h []Event, bad func(ptr, format string, args ...any) *Error) *Error {
	i := len(h) - 1
	ev := &h[i]
	ptr := fmt.Sprintf("/history/%d", i)
	if ev.Seq != len(h) {
		return bad(ptr+"/seq", "the last event is numbered %d, not %d", ev.Seq, len(h))
	}
	at, err := calendar.ParseAt(ev.At)
	if err != nil || at.UTC().Format(time.RFC3339) != ev.At {
		return bad(ptr+"/at", "the last event's time is not one the engine records (RFC 3339 in UTC, to the second)")
	}
	return nil
}
