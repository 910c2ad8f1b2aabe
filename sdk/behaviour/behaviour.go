// Package behaviour compares what two compiled policies do to the same
// journeys: the second line of defence behind the static statutory floor
// (docs/behaviour.md). Compare walks seeded, generated journeys under a
// base policy (usually the default) and fires every step the base accepts
// under a candidate (an overlay) too, reporting each statutory loss: a
// family action refused that the base allows, a statutory step refused, a
// statutory clock moved or never started, an appealable decision not
// recorded.
//
// It samples journeys, so it can show that an overlay loses something but
// cannot prove that it loses nothing.
package behaviour

import (
	"context"
	"fmt"
	"sort"

	"github.com/sendflow/sendflow/sdk"
)

// Defaults and caps of Options.
const (
	DefaultJourneys = 60
	DefaultSteps    = 40
	// MaxJourneys and MaxSteps cap Options; MaxDifferences caps the
	// distinct differences kept (the rest are counted in Report.Dropped).
	MaxJourneys    = 100000
	MaxSteps       = 1000
	MaxDifferences = 500
)

// Options says how many journeys Compare runs, how long, from which seed.
type Options struct {
	// Journeys is the number of journeys (default DefaultJourneys).
	Journeys int `json:"journeys"`
	// Steps is the number of firings tried in each (default DefaultSteps).
	Steps int `json:"steps"`
	// Seed makes the journeys: journey i is walked from seed Seed+i, so a
	// seed reproduces a report exactly.
	Seed int64 `json:"seed"`
	// PermittedEvery asks both engines which family actions they permit:
	// 0 after every accepted step that changes a state, n > 0 after every
	// n-th accepted step, a negative value never.
	PermittedEvery int `json:"permitted_every,omitempty"`
}

func (o Options) withDefaults() Options {
	if o.Journeys <= 0 {
		o.Journeys = DefaultJourneys
	}
	if o.Steps <= 0 {
		o.Steps = DefaultSteps
	}
	o.Journeys = min(o.Journeys, MaxJourneys)
	o.Steps = min(o.Steps, MaxSteps)
	return o
}

// Kind is what a candidate loses.
type Kind string

// The kinds of difference, in the order a report lists them.
const (
	// FamilyActionRefused: a family right (a parent's or young person's, or
	// a step others take on the family's behalf) that the base allows is
	// refused by the candidate.
	FamilyActionRefused Kind = "family_action_refused"
	// StatutoryStepRefused: a step on a statutory track that the base
	// accepts is refused by the candidate.
	StatutoryStepRefused Kind = "statutory_step_refused"
	// ClockNotStarted: a statutory clock the base starts is not started.
	ClockNotStarted Kind = "clock_not_started"
	// ClockMoved: a statutory clock starts on another day, a duty falls
	// due later or a window ends earlier. (A duty due earlier or a window
	// ending later is a lawful tightening and is not reported.)
	ClockMoved Kind = "clock_moved"
	// ClockEnded: a statutory clock still open under the base (running or
	// missed) is stopped, cancelled or voided under the candidate.
	ClockEnded Kind = "clock_ended"
	// DecisionNotRecorded: an appealable decision the base records is not
	// recorded, so no appeal window starts.
	DecisionNotRecorded Kind = "decision_not_recorded"
)

var kindOrder = map[Kind]int{FamilyActionRefused: 0, StatutoryStepRefused: 1, ClockNotStarted: 2, ClockMoved: 3,
	ClockEnded: 4, DecisionNotRecorded: 5}

// Firing is a firing without its payload or facts (no personal data).
type Firing struct {
	Trigger string `json:"trigger"`
	Actor   string `json:"actor"`
	At      string `json:"at"`
}

// Example is the first journey step that showed a difference.
type Example struct {
	// Journey is the journey's index and Seed the seed it was walked from.
	Journey int   `json:"journey"`
	Seed    int64 `json:"seed"`
	// Step is the step number in the journey, from 1.
	Step int `json:"step"`
	// Firing is the step's firing.
	Firing Firing `json:"firing"`
	// States are the base case's states before the step.
	States map[string]string `json:"states"`
	// Trail lists the firings both policies accepted before it, in order.
	Trail []Firing `json:"trail,omitempty"`
}

// Difference is one statutory loss, with the first example of it.
type Difference struct {
	Kind Kind `json:"kind"`
	// Trigger is the trigger refused, or the one whose firing differed.
	Trigger string `json:"trigger"`
	// Actor is the role that fired or asked (refusals only).
	Actor string `json:"actor,omitempty"`
	// Clock is the clock key (clock kinds) and Decision the decision kind.
	Clock    string `json:"clock,omitempty"`
	Decision string `json:"decision,omitempty"`
	// Code and Reasons are the candidate's refusal: its error code and
	// each failing guard as "guard ID: reason" (or its message).
	Code    sdk.Code `json:"code,omitempty"`
	Reasons []string `json:"reasons,omitempty"`
	// Base and Candidate say what each policy did, e.g. "due 2026-05-25".
	Base      string `json:"base,omitempty"`
	Candidate string `json:"candidate,omitempty"`
	// Message says it in plain English for a policy officer.
	Message string `json:"message"`
	// Count is how many times it was seen; Example is the first.
	Count   int     `json:"count"`
	Example Example `json:"example"`
}

// Report is what Compare found.
type Report struct {
	// Base and Candidate are the policies' ids.
	Base      string  `json:"base"`
	Candidate string  `json:"candidate"`
	Options   Options `json:"options"`
	// Journeys and Steps count the journeys run and the firings tried.
	Journeys int `json:"journeys"`
	Steps    int `json:"steps"`
	// Diverged counts the journeys ended early because the candidate
	// refused a step on a local-practice track (where policies may differ).
	Diverged int `json:"diverged"`
	// Differences lists each distinct loss, by kind, trigger, actor, clock.
	Differences []Difference `json:"differences"`
	// Dropped counts distinct differences past MaxDifferences.
	Dropped int `json:"dropped,omitempty"`
	// Stopped is true when the context ended the comparison early.
	Stopped bool `json:"stopped,omitempty"`
}

// Compare runs opt's journeys under base and candidate and reports every
// statutory difference. The journeys are generated under base. It stops
// when ctx ends, returning what it found with ctx's error; it never
// panics (a panic is returned as an error).
func Compare(ctx context.Context, base, candidate *sdk.Engine, opt Options) (rep Report, err error) {
	opt = opt.withDefaults()
	rep = Report{Options: opt, Differences: []Difference{}}
	if base == nil || candidate == nil {
		return rep, fmt.Errorf("behaviour: both engines are needed")
	}
	rep.Base, rep.Candidate = base.PolicyID(), candidate.PolicyID()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("behaviour: comparison failed: %v", r)
		}
	}()
	if len(base.TriggerNames()) == 0 {
		return rep, nil
	}
	cmp := newComparer(base, candidate, opt)
	for i := 0; i < opt.Journeys; i++ {
		if err := ctx.Err(); err != nil {
			rep.Stopped = true
			cmp.finish(&rep)
			return rep, err
		}
		cmp.journey(ctx, i, &rep)
	}
	cmp.finish(&rep)
	if err := ctx.Err(); err != nil {
		rep.Stopped = true
		return rep, err
	}
	return rep, nil
}

// finish lists the differences in a stable order.
func (k *comparer) finish(rep *Report) {
	rep.Differences = rep.Differences[:0]
	for _, d := range k.found {
		rep.Differences = append(rep.Differences, *d)
	}
	rep.Dropped = k.dropped
	sort.SliceStable(rep.Differences, func(i, j int) bool {
		a, b := rep.Differences[i], rep.Differences[j]
		if a.Kind != b.Kind {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		if a.Trigger != b.Trigger {
			return a.Trigger < b.Trigger
		}
		if a.Actor != b.Actor {
			return a.Actor < b.Actor
		}
		return a.Clock < b.Clock
	})
}

// seed returns the seed journey i is walked from.
func (o Options) seed(i int) int64 { return o.Seed + int64(i) }
