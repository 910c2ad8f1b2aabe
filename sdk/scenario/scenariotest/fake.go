// Package scenariotest provides a tiny, deterministic fake engine that
// satisfies scenario.Target, for testing the scenario runner and the tools
// built on it without the real policy. It is not the lifecycle: it knows a
// handful of triggers with fixed roles, states and clocks.
package scenariotest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sendflow/sendflow/sdk"
)

// Trigger is one trigger of the fake engine.
type Trigger struct {
	Track string
	Roles []string
	// From lists the states the trigger fires from ("*" for any).
	From []string
	// To is the state after; empty means the state does not change.
	To string
	// Starts maps a clock id to its length in days from the firing's date.
	// A clock id ending in "." is per source: the payload's "from" names it.
	Starts map[string]int
	// Stops lists the clock keys stopped (a key ending in "." stops the
	// source named by the payload's "from").
	Stops []string
	// Data lists the payload fields required (all strings).
	Data []string
}

// Engine is the fake. Its zero value is not usable: call New.
type Engine struct {
	// Triggers is the fake policy.
	Triggers map[string]Trigger
	// Initial is every track's initial state.
	Initial map[string]string
	// MutateOnError makes a refused firing scribble on the case it was given
	// (a bug the runner must catch).
	MutateOnError bool
	// PanicOn makes firing this trigger panic.
	PanicOn string

	mu     sync.Mutex
	firing []sdk.Firing
}

// New returns the fake with its default triggers:
//
//	ehc.requested          parent, school       ehc none -> request_received; starts ehc_decision_to_assess (42 days), ehc_final_plan (140 days)
//	ehc.decided_to_assess  la_officer           ehc request_received -> assessing; stops ehc_decision_to_assess
//	ehc.advice_requested   la_officer           ehc assessing (stays); data from; starts ehc_advice.<from> (42 days)
//	ehc.advice_received    advice_giver         ehc assessing (stays); data from; stops ehc_advice.<from>
//	plan.review_invited    la_officer           plan * (stays); data meeting_date
//	support.placed         senco                support universal -> sen_support.assess
//	hnf.ended              la_hnf               hnf approved -> ended (never reachable)
func New() *Engine {
	return &Engine{
		Initial: map[string]string{"ehc": "none", "support": "universal", "hnf": "none", "plan": "none"},
		Triggers: map[string]Trigger{
			"ehc.requested": {Track: "ehc", Roles: []string{"parent", "school"}, From: []string{"none"}, To: "request_received",
				Starts: map[string]int{"ehc_decision_to_assess": 42, "ehc_final_plan": 140}},
			"ehc.decided_to_assess": {Track: "ehc", Roles: []string{"la_officer"}, From: []string{"request_received"}, To: "assessing",
				Stops: []string{"ehc_decision_to_assess"}},
			"ehc.advice_requested": {Track: "ehc", Roles: []string{"la_officer"}, From: []string{"assessing"},
				Starts: map[string]int{"ehc_advice.": 42}, Data: []string{"from"}},
			"ehc.advice_received": {Track: "ehc", Roles: []string{"advice_giver"}, From: []string{"assessing"},
				Stops: []string{"ehc_advice."}, Data: []string{"from"}},
			"plan.review_invited": {Track: "plan", Roles: []string{"la_officer"}, From: []string{"*"}, Data: []string{"meeting_date"}},
			"support.placed":      {Track: "support", Roles: []string{"senco"}, From: []string{"universal"}, To: "sen_support.assess"},
			"hnf.ended":           {Track: "hnf", Roles: []string{"la_hnf"}, From: []string{"approved"}, To: "ended"},
		},
	}
}

// Firings returns every firing the engine was asked to make, in order.
func (e *Engine) Firings() []sdk.Firing {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.firing)
}

// NewCase opens a case at the initial states.
func (e *Engine) NewCase(f sdk.Facts) sdk.Case {
	return sdk.Case{Facts: f, States: maps.Clone(e.Initial), Clocks: map[string]sdk.Clock{}}
}

// TriggerNames lists the fake's triggers, sorted.
func (e *Engine) TriggerNames() []string {
	return slices.Sorted(maps.Keys(e.Triggers))
}

func fail(code sdk.Code, format string, args ...any) error {
	return &sdk.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func date(at string) (string, error) {
	if t, err := time.Parse(time.DateOnly, at); err == nil {
		return t.Format(time.DateOnly), nil
	}
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		return t.UTC().Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("invalid time %q", at)
}

// judge checks a firing without data; it returns the error code order of
// docs/scenarios.md: unknown_trigger, not_authorised, not_permitted.
func (e *Engine) judge(c sdk.Case, trigger, role string) (Trigger, error) {
	t, ok := e.Triggers[trigger]
	if !ok {
		return t, fail(sdk.CodeUnknownTrigger, "no trigger %q", trigger)
	}
	if !slices.Contains(t.Roles, role) {
		return t, fail(sdk.CodeNotAuthorised, "%s may not fire %s", role, trigger)
	}
	if !slices.Contains(t.From, "*") && !slices.Contains(t.From, c.States[t.Track]) {
		return t, fail(sdk.CodeNotPermitted, "%s cannot fire from %s", trigger, c.States[t.Track])
	}
	return t, nil
}

// Fire fires a trigger; the case given is never changed unless MutateOnError.
func (e *Engine) Fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	e.mu.Lock()
	e.firing = append(e.firing, f)
	e.mu.Unlock()
	if f.Trigger == e.PanicOn && f.Trigger != "" {
		panic("fake engine: asked to panic on " + f.Trigger)
	}
	out, err := e.fire(c, f)
	if err != nil && e.MutateOnError {
		c.States["ehc"] = "scribbled"
	}
	return out, err
}

func (e *Engine) fire(c sdk.Case, f sdk.Firing) (sdk.Outcome, error) {
	day, err := date(f.At)
	if err != nil {
		return sdk.Outcome{}, fail(sdk.CodeInvalidInput, "%v", err)
	}
	t, err := e.judge(c, f.Trigger, f.Actor)
	if err != nil {
		return sdk.Outcome{}, err
	}
	for _, k := range t.Data {
		if _, ok := f.Data[k].(string); !ok {
			return sdk.Outcome{}, fail(sdk.CodeInvalidInput, "data %s must be a string", k)
		}
	}
	for k := range f.Data {
		if !slices.Contains(t.Data, k) {
			return sdk.Outcome{}, fail(sdk.CodeInvalidInput, "unknown data field %s", k)
		}
	}
	source, _ := f.Data["from"].(string)
	n := sdk.Case{Facts: c.Facts, States: maps.Clone(c.States), Clocks: maps.Clone(c.Clocks)}
	if n.Clocks == nil {
		n.Clocks = map[string]sdk.Clock{}
	}
	n.History = slices.Clone(c.History)
	if t.To != "" {
		n.States[t.Track] = t.To
	}
	for _, id := range t.Stops {
		key := id
		if strings.HasSuffix(id, ".") {
			key += source
		}
		if cl, ok := n.Clocks[key]; ok && cl.StoppedAt == "" {
			cl.StoppedAt, cl.StoppedBy = day, f.Trigger
			n.Clocks[key] = cl
		}
	}
	for _, id := range slices.Sorted(maps.Keys(t.Starts)) {
		cl := sdk.Clock{ID: strings.TrimSuffix(id, "."), Kind: "duty", StartedAt: day, Status: "running"}
		key := id
		if strings.HasSuffix(id, ".") {
			cl.Source = source
			key += source
		}
		start, _ := time.Parse(time.DateOnly, day)
		cl.Due = start.AddDate(0, 0, t.Starts[id]).Format(time.DateOnly)
		n.Clocks[key] = cl
	}
	ev := sdk.Event{Seq: len(n.History) + 1, At: f.At, Actor: f.Actor, Trigger: f.Trigger,
		StatesBefore: maps.Clone(c.States), StatesAfter: maps.Clone(n.States)}
	n.History = append(n.History, ev)
	rep, _ := e.Clocks(n, f.At)
	for _, cs := range rep.Clocks {
		cl := n.Clocks[cs.Key]
		cl.Status = cs.Status
		n.Clocks[cs.Key] = cl
	}
	return sdk.Outcome{Case: n, Event: ev, Clocks: rep.Clocks}, nil
}

// Clocks judges every clock as of asOf.
func (e *Engine) Clocks(c sdk.Case, asOf string) (sdk.ClockReport, error) {
	day, err := date(asOf)
	if err != nil {
		return sdk.ClockReport{}, fail(sdk.CodeInvalidInput, "%v", err)
	}
	rep := sdk.ClockReport{AsOf: day, Clocks: []sdk.ClockStatus{}}
	for _, key := range slices.Sorted(maps.Keys(c.Clocks)) {
		cl := c.Clocks[key]
		switch {
		case cl.StoppedAt != "" && cl.StoppedAt <= cl.Due:
			cl.Status = "met"
		case cl.StoppedAt != "":
			cl.Status = "missed"
		case day > cl.Due:
			cl.Status = "missed"
		default:
			cl.Status = "running"
		}
		cs := sdk.ClockStatus{Clock: cl, Key: key}
		if cl.Status == "running" {
			a, _ := time.Parse(time.DateOnly, day)
			d, _ := time.Parse(time.DateOnly, cl.Due)
			left := int(d.Sub(a).Hours() / 24)
			cs.DaysLeft = &left
		}
		rep.Clocks = append(rep.Clocks, cs)
	}
	slices.SortStableFunc(rep.Clocks, func(a, b sdk.ClockStatus) int { return strings.Compare(a.Due, b.Due) })
	return rep, nil
}

// PermittedContext is Permitted; the fake's reasons are English in every
// locale.
func (e *Engine) PermittedContext(_ context.Context, c sdk.Case, role, asOf, _ string) ([]sdk.Permission, error) {
	return e.Permitted(c, role, asOf)
}

// Permitted judges every trigger for role.
func (e *Engine) Permitted(c sdk.Case, role, asOf string) ([]sdk.Permission, error) {
	if _, err := date(asOf); err != nil {
		return nil, fail(sdk.CodeInvalidInput, "%v", err)
	}
	var out []sdk.Permission
	for _, name := range e.TriggerNames() {
		t, err := e.judge(c, name, role)
		p := sdk.Permission{Trigger: name, Track: t.Track, Allowed: err == nil}
		if err != nil {
			p.Code, p.Reason = sdk.AsError(err).Code, sdk.AsError(err).Message
		}
		out = append(out, p)
	}
	return out, nil
}
