package sdk

import (
	"fmt"
	"slices"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Exceptions to the statutory time limits (R5(4), R8(2), R10(4), R13(3),
// R27(3), R44(3), R45). An exception is recorded on the case with a
// reason and a period (since, until); it excuses a missed clock only if
// the clock's policy lists its reason (ClockDef.Exceptions, with the
// reason's minimum period and conditions) and its period overlaps the
// clock's run before due: since on or before the due date, and until (if
// set) on or after the start. A new request starts with none.

// applyExceptions carries out the exception effects of one set of effects.
func (e *Engine) applyExceptions(w *Case, eff Effects, data map[string]any, day string, seq int, subj, actor string) *Error {
	if eff.ResetExceptions {
		for i := range w.Exceptions {
			if w.Exceptions[i].Before == "" {
				w.Exceptions[i].Before = day
			}
		}
	}
	if len(eff.Except) > 0 {
		x := Exception{Seq: seq, Since: day}
		x.Reason, _ = data["reason"].(string)
		if s, ok := data["since"].(string); ok {
			x.Since = s
		}
		x.Until, _ = data["until"].(string)
		x.AdviceRequestedOn, _ = data["advice_requested_on"].(string)
		if x.Until != "" && x.Until < x.Since {
			return untilBeforeSince(x)
		}
		w.Exceptions = append(w.Exceptions, x)
	}
	for _, r := range eff.Except {
		// A clock excusable without rules: any exception recorded while it runs.
		e.eachClock(w, r, data, subj, actor, func(k string, cl Clock) {
			def := e.p.clocks[cl.ID].def
			if cl.StoppedAt == "" && def.Excusable && len(def.Exceptions) == 0 && cl.Exception == "" {
				cl.Exception, _ = data["reason"].(string)
				w.Clocks[k] = cl
			}
		})
	}
	if eff.EndException {
		if i := openException(w); i >= 0 {
			x := &w.Exceptions[i]
			x.Until = day
			if u, ok := data["until"].(string); ok {
				x.Until = u
			}
			if x.Until < x.Since {
				return untilBeforeSince(*x)
			}
		}
	}
	return nil
}

func untilBeforeSince(x Exception) *Error {
	msg := fmt.Sprintf("the exception's until (%s) is before its since (%s)", x.Until, x.Since)
	return &Error{Code: CodeInvalidInput, Pointer: "/data/until", Message: msg,
		Detail:   "An exception's period runs from since to until; give an until on or after since.",
		Problems: []Problem{{Code: "until_before_since", Message: msg, Pointer: "/data/until"}}}
}

// rejudgesExceptions: effects that can change which exception excuses a
// clock (the exceptions, or a clock's start and due date, or the start of
// an advice clock a rule reads).
func rejudgesExceptions(eff Effects) bool {
	return len(eff.Except) > 0 || eff.EndException || eff.ResetExceptions || len(eff.Start) > 0 || eff.Decision != ""
}

// openException is the index of the case's open exception, or -1.
func openException(w *Case) int {
	for i := len(w.Exceptions) - 1; i >= 0; i-- {
		if x := &w.Exceptions[i]; x.Until == "" && x.Before == "" {
			return i
		}
	}
	return -1
}

// excuse is the reason of the first exception of w that excuses cl if it
// is missed, "" when none does.
func (e *Engine) excuse(w *Case, cl Clock) string {
	rules := e.p.clocks[cl.ID].def.Exceptions
	for _, x := range w.Exceptions {
		if x.Since > cl.Due || (x.Until != "" && x.Until < cl.StartedAt) || (x.Before != "" && cl.StartedAt >= x.Before) {
			continue // no overlap with the clock's run before due
		}
		for _, r := range rules {
			if r.Reason == x.Reason && startedFits(cl, r) && longEnough(x, r.MinDays) && adviceInTime(w, x, r) {
				return x.Reason
			}
		}
	}
	return ""
}

// startedFits: the rule reaches a clock started by that trigger.
func startedFits(cl Clock, r ExceptionRule) bool {
	return (len(r.StartedBy) == 0 || slices.Contains(r.StartedBy, cl.StartedBy)) && !slices.Contains(r.NotStartedBy, cl.StartedBy)
}

// markStarter records on the clock r started the trigger that started
// it, when the clock's exception rules name that trigger.
func (e *Engine) markStarter(w *Case, r ClockRef, data map[string]any, trig, subj string) {
	named := false
	for _, x := range e.p.clocks[r.Clock].def.Exceptions {
		named = named || slices.Contains(x.StartedBy, trig) || slices.Contains(x.NotStartedBy, trig)
	}
	if !named {
		return
	}
	k := r.Clock
	if r.Source != "" {
		src, _ := data[r.Source].(string)
		k += "." + src
	}
	if subj != "" && e.p.clocks[r.Clock].def.PerDecision {
		k += "." + subj
	}
	if cl, ok := w.Clocks[k]; ok {
		cl.StartedBy = trig
		w.Clocks[k] = cl
	}
}

// longEnough: the exception lasted at least min days (until − since); an
// open one has no end yet.
func longEnough(x Exception, min int) bool {
	if min <= 0 || x.Until == "" {
		return true
	}
	s, err1 := calendar.ParseDate(x.Since)
	u, err2 := calendar.ParseDate(x.Until)
	return err1 == nil && err2 == nil && s.DaysUntil(u) >= min
}

// adviceInTime: for a rule with an advice clock, the LA asked for advice
// (advice_requested_on, else the advice clock's start) between since and
// until, each less the rule's days.
func adviceInTime(w *Case, x Exception, r ExceptionRule) bool {
	if r.AdviceClock == "" {
		return true
	}
	on := x.AdviceRequestedOn
	if on == "" {
		on = w.Clocks[r.AdviceClock].StartedAt
	}
	d, err := calendar.ParseDate(on)
	s, err2 := calendar.ParseDate(x.Since)
	if err != nil || err2 != nil || d.Before(s.AddDays(-r.AdviceDaysBefore)) {
		return false
	}
	if x.Until == "" {
		return true
	}
	u, err := calendar.ParseDate(x.Until)
	return err == nil && !d.After(u.AddDays(-r.AdviceDaysBefore))
}
