package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	"github.com/sendflow/sendflow/sdk/internal/canon"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// PolicySource is one policy document: an authority overlay or a district
// overlay (the embedded default is always the first layer). Name is used in
// diagnostics (file:line:col).
type PolicySource struct {
	// Name is the file name (or any label) used in diagnostics.
	Name string
	// Data is the policy document, YAML or JSON.
	Data []byte
}

// Engine is a compiled policy. It is immutable and safe for concurrent use
// by many goroutines: every method is a pure function of its arguments.
type Engine struct {
	p *compiled
	// trackOrder is the policy's track names sorted: the order of the
	// canonical state maps hashed into every event.
	trackOrder []string
	// opt holds the Options the engine was made with.
	opt options
	// sources is, for each per-source clock, the sources it can have.
	sources map[string]*sourceSet
}

func newEngine(c *compiled) *Engine {
	e := &Engine{p: c, trackOrder: make([]string, 0, len(c.tracks)), sources: clockSources(c)}
	for _, t := range c.tracks {
		e.trackOrder = append(e.trackOrder, t.def.ID)
	}
	sort.Strings(e.trackOrder)
	return e
}

// Limits on what one call may be given. Each is enforced with the code
// limit_exceeded.
const (
	MaxHistory       = 10000    // events in one case
	MaxEvidence      = 500      // evidence items in one case
	MaxPayloadBytes  = 64 << 10 // one firing's data plus facts, as JSON
	MaxStringLength  = 10000    // one string value in a payload
	MaxListItems     = 200      // one list value in a payload
	MaxMapEntries    = 64       // one map value in a payload (FieldDef type map)
	MaxIdentifierLen = 200      // a trigger, role or clock name; a case's id, la and district
	MaxCaseBytes     = 16 << 20 // one case (history, facts, origin, states, clocks, decisions), estimated as JSON
	MaxClocks        = 1000     // clocks in one case (one per policy clock, one per source of a per-source clock)
	MaxDecisions     = 2 * MaxHistory
)

// PolicyID is the compiled policy's id.
func (e *Engine) PolicyID() string { return e.p.id }

// PolicyHash is the SHA-256 of the merged policy; every event records it.
func (e *Engine) PolicyHash() string { return e.p.hash }

// Layers names the policy layers compiled, default first.
func (e *Engine) Layers() []string { return append([]string(nil), e.p.layers...) }

// Warnings are the policy's own warnings (below_statutory_floor), which
// every outcome of Fire also carries.
func (e *Engine) Warnings() []Warning { return append([]Warning(nil), e.p.warnings...) }

// SEN2Marks maps each trigger the default policy marks for the DfE SEN2
// return (TriggerDef.SEN2) to its mark, e.g. "ehc.requested" to "request".
// Only the default policy's marks count, so every engine answers the same.
// The map is a new copy on every call.
func (e *Engine) SEN2Marks() map[string]string { return maps.Clone(e.p.sen2) }

// Policy returns the merged policy document the engine was compiled from.
func (e *Engine) Policy() Policy { return deepCopy(e.p.policy) }

// TriggerNames lists every trigger of the compiled policy (on tracks that
// are not disabled), in policy order.
func (e *Engine) TriggerNames() []string {
	var out []string
	for _, t := range e.p.triggers {
		if !t.track.def.Disabled {
			out = append(out, t.def.ID)
		}
	}
	return out
}

// Tracks lists the enabled tracks in policy order.
func (e *Engine) Tracks() []string {
	var out []string
	for _, t := range e.p.tracks {
		if !t.def.Disabled {
			out = append(out, t.def.ID)
		}
	}
	return out
}

// NewCase opens a case with the given facts, every track at its initial
// state. The facts are copied; Origin records them for Replay.
func (e *Engine) NewCase(f Facts) Case {
	f = copyFacts(f)
	origin := copyFacts(f)
	c := Case{Facts: f, States: map[string]string{}, Origin: &origin}
	for _, t := range e.p.tracks {
		c.States[t.def.ID] = t.initial
	}
	return c
}

func copyFacts(f Facts) Facts {
	out := f
	if f.Evidence != nil {
		out.Evidence = append([]string{}, f.Evidence...)
	}
	if f.Child.YearGroup != nil {
		y := *f.Child.YearGroup
		out.Child.YearGroup = &y
	}
	out.Person = f.Person.clone()
	return out
}

// cloneCase copies everything Fire may change, so the caller's case is never
// touched. Events are shared: they are never modified once made.
func cloneCase(c Case, extraHistory int) Case {
	out := c
	out.Facts = copyFacts(c.Facts)
	out.States = copyStates(c.States)
	out.Clocks = maps.Clone(c.Clocks)                       // nil stays nil
	out.Decisions = append([]Decision(nil), c.Decisions...) // Notes are never appended to in place (slices.Clip)
	out.Exceptions = slices.Clone(c.Exceptions)             // nil stays nil
	if c.Origin != nil {
		o := copyFacts(*c.Origin)
		out.Origin = &o
	}
	out.History = make([]Event, len(c.History), len(c.History)+extraHistory)
	copy(out.History, c.History)
	return out
}

// badCase is an invalid_case refusal.
func badCase(ptr, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidCase, Message: fmt.Sprintf(format, args...), Pointer: ptr,
		Detail: "The case does not match the policy; fix the case or use the policy it was made with."}
}

// checkCase validates a case against the policy and the rule for a case
// with no history (checkFresh), and fills in tracks the host left out (at
// their initial state). It works on a clone.
func (e *Engine) checkCase(c *Case) *Error {
	if err := e.checkParts(c); err != nil {
		return err
	}
	return e.checkFresh(c, badCase)
}

// checkParts is checkCase without the rule for a case with no history:
// the caps, and every part against the policy. Graph, which only reads the
// states, uses it alone.
func (e *Engine) checkParts(c *Case) *Error {
	bad := badCase
	if lerr := e.checkCounts(c); lerr != nil {
		return lerr
	}
	if c.States == nil {
		c.States = map[string]string{}
	}
	for tk, st := range c.States {
		t := e.p.trackBy[tk]
		if t == nil {
			return bad(ptrKey("/states", tk), "unknown track %s%s", clip(tk), suggest(tk, keys(e.p.trackBy)))
		}
		if t.m == nil || !t.m.HasState(st) {
			return bad("/states/"+ptrEscape(tk), "%s is not a state of track %s", clip(st), tk)
		}
		if t.def.Disabled && st != t.initial {
			// A disabled track never moves: the case was made under a
			// policy that has it.
			return bad("/states/"+ptrEscape(tk), "track %s is disabled in this policy, so it stays at %s, not %s", tk, t.initial, clip(st))
		}
	}
	for _, t := range e.p.tracks {
		if _, ok := c.States[t.def.ID]; !ok {
			c.States[t.def.ID] = t.initial
		}
	}
	if ferr := e.checkFactsPart("", &c.Facts, bad); ferr != nil {
		return ferr
	}
	if c.Origin != nil {
		if ferr := e.checkFactsPart("/origin", c.Origin, bad); ferr != nil {
			return ferr
		}
	}
	if cerr := e.checkClocks(c, bad); cerr != nil {
		return cerr
	}
	if derr := e.checkDecisions(c, bad); derr != nil {
		return derr
	}
	return checkExceptions(c, bad)
}

// unknownRole describes a role the policy does not have. A role is one
// lower-case word, the shape of a first name too, so the value is echoed
// only when it is a near miss of a real role (a typo); otherwise it is
// described, and the message lists the roles.
func (e *Engine) unknownRole(s string) string {
	names := keys(e.p.roles)
	if hint := suggest(s, names); hint != "" {
		return fmt.Sprintf("unknown role %s%s", clip(s), hint)
	}
	sort.Strings(names)
	return fmt.Sprintf("unknown role (a value of %d characters, not shown); the roles are: %s", utf8.RuneCountInString(s), strings.Join(names, ", "))
}

func ptrEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// clip quotes a name the caller gave (a trigger, role, state, field or
// evidence kind) for a message, but only when it looks like a policy name:
// lower-case letters, digits, "_", "." and "-", at most 40 bytes. Anything
// else may be a child's personal data typed into the wrong field, so it is
// described, never echoed; the error's pointer still says where it is.
func clip(s string) string {
	if looksLikeName(s) {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("(a value of %d characters, not shown)", utf8.RuneCountInString(s))
}

// Fire fires one trigger on a case and returns the new case, the event
// appended to its history, the clocks as of the firing, and any warnings.
// c is never changed. A refusal is an *Error whose code follows the
// precedence of SCENARIOS.md: unknown_trigger, not_authorised,
// not_permitted, invalid_input, guard_failed (invalid_case first of all).
//
// c must follow the rules of Case (a case with no history is what NewCase
// made; nil Origin means its facts, and the outcome records them as its
// Origin). Every outcome is a case the engine accepts back and that
// Verify accepts after a JSON round trip: a firing whose result could not
// be read back (a time that is outside the supported years in UTC, a
// clock due after them, a case pushed past a cap) is refused, and nothing
// that is not valid UTF-8 is recorded.
func (e *Engine) Fire(c Case, f Firing) (Outcome, error) {
	return e.FireContext(context.Background(), c, f)
}

// FireContext is Fire stopping when ctx is cancelled or passes its
// deadline: guard evaluation looks at ctx as it goes, and a firing so
// stopped is refused with limit_exceeded (c is not changed).
func (e *Engine) FireContext(ctx context.Context, c Case, f Firing) (out Outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = Outcome{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("fire failed: %v", r)}
		}
	}()
	if lerr := e.checkCounts(&c); lerr != nil {
		return Outcome{}, lerr
	}
	w := cloneCase(c, 1)
	if cerr := e.checkCase(&w); cerr != nil {
		return Outcome{}, cerr
	}
	if len(w.History) > 0 {
		if cerr := checkLastEvent(w.History, badCase); cerr != nil {
			return Outcome{}, cerr
		}
	}
	ev, warns, ferr := e.fire(ctx, &w, f)
	if ferr != nil {
		return Outcome{}, ferr
	}
	if warns == nil {
		warns = []Warning{} // JSON [] not null: the outcome schema says array
	}
	report, _ := e.clockReport(&w, mustDate(ev.At))
	return Outcome{Case: w, Event: ev, Clocks: report.Clocks, Warnings: warns}, nil
}

func mustDate(at string) calendar.Date {
	t, err := calendar.ParseAt(at)
	if err != nil {
		return calendar.Date{}
	}
	return calendar.UKDate(t)
}

// fire applies f to the working case w in place: it finds the trigger, has
// judge rule on the firing (checkFiring checking its input), then moves
// the track (transition) and records the event (record).
func (e *Engine) fire(ctx context.Context, w *Case, f Firing) (Event, []Warning, *Error) {
	t, terr := e.firedTrigger(f.Trigger)
	if terr != nil {
		return Event{}, nil, terr
	}
	at, atErr := calendar.ParseAt(f.At)
	today := calendar.UKDate(at)
	if atErr == nil {
		if t, terr = e.insteadOf(ctx, e.judgedCase(w, f.Facts), t, f.Actor, f.At, at, today); terr != nil {
			return Event{}, nil, terr
		}
	}
	j := judgement{t: t, actor: f.Actor, locale: e.locale(f.Locale), c: e.judgedCase(w, f.Facts), at: at, today: today, haveAt: atErr == nil,
		fires: true, firing: f, w: w, atErr: atErr}
	v := e.judge(ctx, &j)
	if rerr := v.fireRefusal(t, j.locale); rerr != nil {
		return Event{}, nil, rerr
	}
	warns := v.warns // the advisory guards' warnings, after the policy's own
	if len(e.p.warnings) > 0 {
		warns = append(append(make([]Warning, 0, len(e.p.warnings)+len(v.warns)), e.p.warnings...), v.warns...)
	}
	if e.isPerDecision(t) && v.subj >= 0 && v.in.data["decision"] == nil {
		// The event records the decision acted on, named or not: its
		// history says which dispute moved (and SEN2 reads it).
		data := maps.Clone(v.in.data)
		if data == nil {
			data = map[string]any{}
		}
		data["decision"] = w.Decisions[v.subj].ID()
		v.in.data = data
	}
	before, merr := e.transition(w, t, v, today)
	if merr != nil {
		return Event{}, nil, merr
	}
	actor := f.Actor
	if v.asYoungPerson {
		actor = roleYoungPerson
	}
	ev, oerr := e.record(w, t, actor, f.By, v.env.At, v.in, before)
	if oerr != nil {
		return Event{}, nil, oerr
	}
	return ev, warns, nil
}

// firedTrigger is the trigger a firing names, or its unknown_trigger
// refusal (a trigger of a disabled track is unknown too).
func (e *Engine) firedTrigger(name string) (*trigger, *Error) {
	p := e.p
	t := p.trigBy[name]
	if t != nil && t.track.def.Disabled {
		return nil, &Error{Code: CodeUnknownTrigger, Message: fmt.Sprintf("trigger %s belongs to track %s, which policy %s disables", t.def.ID, t.track.def.ID, p.id),
			Pointer: "/trigger", Detail: "This authority does not use that track; see its policy.",
			Problems: []Problem{{Code: "track_disabled", Message: fmt.Sprintf("track %s is disabled", t.track.def.ID), Pointer: "/trigger"}}}
	}
	if len(name) > MaxIdentifierLen || t == nil {
		return nil, &Error{Code: CodeUnknownTrigger, Message: fmt.Sprintf("unknown trigger %s%s", clip(name), suggest(name, e.TriggerNames())),
			Pointer: "/trigger", Detail: "Triggers are named track.event, e.g. ehc.requested; see the policy's trigger list."}
	}
	return t, nil
}

// judgedCase is w as a firing with these facts would leave it, for
// authorise: a role's eligibility (a young person's age) is judged on the
// facts as the firing leaves them, so a date of birth given with the
// firing counts. A merge that fails leaves w as it is; checkInput reports
// it as invalid_input.
func (e *Engine) judgedCase(w *Case, facts map[string]any) *Case {
	if len(facts) > 0 {
		if merged, _, probs, lerr := e.mergeFacts(w.Facts, facts); lerr == nil && len(probs) == 0 {
			tmp := *w
			tmp.Facts = merged
			return &tmp
		}
	}
	return w
}

// firingInput is a firing's input, checked and normalised.
type firingInput struct {
	data  map[string]any // the payload
	facts Facts          // the case's facts with the firing's merged in
	patch map[string]any // the firing's facts, as recorded
	// origin is the facts before the merge, for a case that has neither
	// an origin nor a history (it starts from them).
	origin *Facts
}

// checkInput checks a firing's at, payload and facts against the case and
// the trigger: every problem at once (invalid_input), or a cap exceeded
// (limit_exceeded).
func (e *Engine) checkInput(w *Case, t *trigger, f *Firing, at time.Time, atErr error) (firingInput, *Error) {
	var problems []Problem
	if atErr != nil {
		problems = append(problems, Problem{Code: "bad_date", Message: "at must be a date (YYYY-MM-DD) or an RFC 3339 timestamp", Pointer: "/at"})
	} else if n := len(w.History); n > 0 {
		if last, err := calendar.ParseAt(w.History[n-1].At); err == nil && at.Before(last) {
			problems = append(problems, Problem{Code: "out_of_order", Message: "at is earlier than the case's last event: firings must be recorded in time order", Pointer: "/at"})
		}
	}
	if msg := byProblem(f.By); msg != "" {
		problems = append(problems, Problem{Code: "bad_value", Message: msg, Pointer: "/by"})
	}
	if len(w.History) >= MaxHistory {
		return firingInput{}, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("the case already has %d events; the limit is %d", len(w.History), MaxHistory), Pointer: "/history"}
	}
	var in firingInput
	data, dprobs, lerr := e.checkData(t, f.Data)
	if lerr != nil {
		return firingInput{}, lerr
	}
	problems = append(problems, dprobs...)
	if atErr == nil && len(dprobs) == 0 {
		problems = append(problems, notAfterAt(t, data, calendar.UKDate(at))...)
	}
	problems = append(problems, fieldRoles(t, data, f.Actor)...)
	facts, patch, fprobs, lerr := e.mergeFacts(w.Facts, f.Facts)
	if lerr != nil {
		return firingInput{}, lerr
	}
	problems = append(problems, fprobs...)
	if len(problems) > 0 {
		return firingInput{}, &Error{Code: CodeInvalidInput, Message: problems[0].Message, Pointer: problems[0].Pointer, Problems: problems,
			Detail: fmt.Sprintf("%d problem(s) with the firing; each names its field.", len(problems))}
	}
	in.data, in.facts, in.patch = data, facts, patch
	return in, nil
}

// notAfterAt reports the date fields of data declared not_after_at that
// are later than the firing's date, and those declared not_before_at (a
// date, or each date of a map) that are earlier.
func notAfterAt(t *trigger, data map[string]any, today calendar.Date) []Problem {
	var probs []Problem
	for _, f := range t.def.Payload {
		s, _ := data[f.Name].(string)
		if d, err := calendar.ParseDate(s); f.NotAfterAt && err == nil && d.After(today) {
			probs = append(probs, Problem{Code: "after_at", Pointer: "/data/" + ptrEscape(f.Name),
				Message: fmt.Sprintf("data field %s (%s) is later than the firing's date %s", f.Name, s, today)})
		}
		if !f.NotBeforeAt {
			continue
		}
		vals := map[string]any{"": data[f.Name]}
		if m, ok := data[f.Name].(map[string]any); ok {
			vals = m
		}
		for _, k := range keys(vals) {
			s, _ := vals[k].(string)
			if d, err := calendar.ParseDate(s); err == nil && d.Before(today) {
				ptr, name := "/data/"+ptrEscape(f.Name), f.Name
				if k != "" {
					ptr, name = ptr+"/"+ptrEscape(k), f.Name+"."+k
				}
				probs = append(probs, Problem{Code: "before_at", Pointer: ptr,
					Message: fmt.Sprintf("data field %s (%s) is earlier than the firing's date %s", name, s, today)})
			}
		}
	}
	return probs
}

// fireRefusal is a firing's refusal for the verdict, nil when it may fire.
func (v *verdict) fireRefusal(t *trigger, locale string) *Error {
	switch v.stage {
	case stageAuthorise, stageInput:
		return v.refusal
	case stageState:
		return &Error{Code: CodeNotPermitted, Message: fmt.Sprintf("%s cannot be fired while %s is %s", t.def.ID, t.track.def.ID, v.from),
			Detail: fmt.Sprintf("It can be fired from: %s.", strings.Join(t.def.From, ", ")), Pointer: "/trigger"}
	}
	if v.stop != nil {
		g := v.stopped
		v.stop.Guards = []GuardFailure{{ID: g.def.ID, Reason: reasonIn(g.def, locale), Citation: g.def.Citation, Layer: g.layer}}
		return v.stop
	}
	if len(v.failed) > 0 {
		return &Error{Code: CodeGuardFailed, Message: v.failed[0].Reason, Guards: v.failed,
			Detail: fmt.Sprintf("%d guard(s) of %s do not hold.", len(v.failed), t.def.ID)}
	}
	return nil
}

// transition chooses t's branch, fires its track's state machine from
// from, and applies the effects of t and the branch. It returns the
// states before.
func (e *Engine) transition(w *Case, t *trigger, v verdict, today calendar.Date) (map[string]string, *Error) {
	from, env, data := v.from, v.env, v.in.data
	br, berr := e.branch(t, env)
	if berr != nil {
		return nil, berr
	}
	dest := t.def.To
	if br != nil && br.to != "" {
		dest = br.to
	}
	if dest == "" {
		dest = from
	}
	// The states before are the previous event's states after when they
	// agree (always, for a consistent case): events are never changed once
	// made, so they can share the map.
	var before map[string]string
	if n := len(w.History); n > 0 && maps.Equal(w.History[n-1].StatesAfter, w.States) {
		before = w.History[n-1].StatesAfter
	} else {
		before = copyStates(w.States)
	}
	next, merr := t.track.m.Fire(from, t.def.ID, dest)
	if merr != nil {
		return nil, &Error{Code: CodeInternal, Message: "state machine: " + merr.Error()}
	}
	w.States[t.track.def.ID] = next
	subj := ""
	if e.isPerDecision(t) && v.subj >= 0 {
		e.setDecisionState(w, v.subj, next)
		subj = w.Decisions[v.subj].ID()
		if f := t.track.def.PerDecision.OrderField; f != "" {
			if o, ok := data[f].(string); ok {
				w.Decisions[v.subj].Order = o
			}
		}
	}
	seq := len(w.History) + 1
	for _, eff := range [...]*Effects{&t.def.Effects, branchEffects(br)} {
		if eff == nil {
			continue
		}
		if err := e.apply(w, t, *eff, data, env, today, seq, subj); err != nil {
			return nil, err
		}
	}
	if tr := e.p.perDecision; tr != nil && len(w.Decisions) > 0 && !e.legacyDispute(w) {
		w.States[tr.def.ID] = e.unqualifiedState(w) // set_states never moves one dispute
	}
	derive := len(v.in.patch) > 0 || rejudgesExceptions(t.def.Effects) || (br != nil && rejudgesExceptions(br.def.Effects))
	e.restatus(w, env.Today, derive)
	return before, nil
}

// branchEffects is br's effects, nil for no branch.
func branchEffects(br *branch) *Effects {
	if br == nil {
		return nil
	}
	return &br.def.Effects
}

// branch is the first of t's branches whose condition holds (or that has
// none); nil when none does.
func (e *Engine) branch(t *trigger, env *guardEnv) (*branch, *Error) {
	for _, b := range t.branches {
		if b.when == nil {
			return b, nil
		}
		ok, berr := b.when.runBool(env)
		if se := stopError(berr, "a branch condition of "+t.def.ID); se != nil {
			return nil, se
		}
		if berr == nil && ok {
			return b, nil
		}
	}
	return nil, nil
}

// record appends the firing's event to w's history, chained to the one
// before (or to the origin) and signed when the engine has a signer, and
// checks the case can be read back.
func (e *Engine) record(w *Case, t *trigger, actor, by, at string, in firingInput, before map[string]string) (Event, *Error) {
	if w.Origin == nil && len(w.History) == 0 {
		// A hand-made case without an origin: it starts from the facts as given.
		w.Origin = in.origin
	}
	var prev string
	if n := len(w.History); n > 0 {
		prev = w.History[n-1].Hash
	} else {
		prev = originHash(w.Origin)
	}
	p := e.p
	ev := Event{Seq: len(w.History) + 1, At: at, Actor: actor, By: by, Trigger: t.def.ID, Data: in.data, Facts: in.patch,
		StatesBefore: before, StatesAfter: copyStates(w.States), PolicyID: p.id, PolicyHash: p.hash, PrevHash: prev}
	ev.Hash = eventHash(&ev, e.trackOrder)
	e.sign(&ev)
	w.History = append(w.History, ev)
	if oerr := e.checkOutput(w, &ev); oerr != nil {
		return Event{}, oerr
	}
	return ev, nil
}

// stopError is the refusal when an evaluation of what (a guard, a branch
// condition, a clock's date) was stopped by the memory budget, the step
// budget or the call's context; nil for any other outcome. The policy (or
// the host's deadline) is at fault, not the firing.
func stopError(err error, what string) *Error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, guardlang.ErrBudget):
		return &Error{Code: CodeLimitExceeded, Message: what + " exceeded its memory budget and was stopped",
			Detail: "The policy's expression builds too much data for one evaluation; fix it (see docs/policies.md, hostile guards)."}
	case errors.Is(err, guardlang.ErrSteps):
		return &Error{Code: CodeLimitExceeded, Message: what + " exceeded its step budget (Limits.GuardSteps) and was stopped",
			Detail: "The policy's expression does too much work for one evaluation; fix it (see docs/policies.md, the cost model) or raise Limits.GuardSteps."}
	case errors.Is(err, guardlang.ErrCall):
		return &Error{Code: CodeLimitExceeded, Message: what + " was stopped: the call's guards together exceeded its step budget (Limits.CallSteps)",
			Detail: "The policy's guards together do too much work for one call; fix them (see docs/policies.md, the cost model) or raise Limits.CallSteps."}
	case errors.Is(err, guardlang.ErrDeadline):
		return &Error{Code: CodeLimitExceeded, Message: what + " was stopped: the call's context was cancelled or passed its deadline",
			Detail: "The host's context ended the call; nothing was changed."}
	}
	return nil
}

func copyStates(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

// Read-only empty maps for environments without a payload or clocks
// (guards cannot write to the maps they read).
var (
	emptyData   = map[string]any{}
	emptyClocks = map[string]clockEnv{}
)

// dayString is today's YYYY-MM-DD: the firing's own at when it is a date
// (the UK date of the start of a UK day is that day), saving a string.
func dayString(at string, today calendar.Date) string {
	if len(at) >= 10 {
		if d, err := calendar.ParseDate(at[:10]); err == nil && d == today {
			return at[:10]
		}
	}
	return today.String()
}

// atString is at in RFC 3339 UTC: raw itself when it is already written
// so (every recorded event's at), saving a string.
func atString(raw string, at time.Time) string {
	var buf [40]byte
	b := at.UTC().AppendFormat(buf[:0], time.RFC3339)
	if string(b) == raw {
		return raw
	}
	return string(b)
}

// env builds the guard environment for one evaluation.
func (e *Engine) env(ctx context.Context, w *Case, actor, rawAt string, at time.Time, today calendar.Date, data map[string]any, withClocks bool) *guardEnv {
	env := &guardEnv{ID: w.ID, LA: w.LA, District: w.District, Evidence: w.Evidence, States: w.States,
		Data: data, Actor: actor, Params: e.p.params, At: atString(rawAt, at), Today: dayString(rawAt, today)}
	env.meter.Start(ctx, e.steps(), e.callSteps())
	env.Meter = &env.meter
	if env.Data == nil {
		env.Data = emptyData
	}
	env.Child.DateOfBirth = w.Child.DateOfBirth
	dob, dobErr := calendar.ParseDate(w.Child.DateOfBirth)
	if w.Child.YearGroup != nil {
		env.Child.YearGroup, env.Child.YearGroupKnown = *w.Child.YearGroup, true
	} else if dobErr == nil {
		env.Child.YearGroup, env.Child.YearGroupKnown = derivedYearGroup(dob, today), true
	}
	if dobErr == nil {
		env.Child.Age = calendar.AgeOn(dob, today)
	}
	ch := &w.Child
	env.Child.PastSchoolAge, _ = pastCompulsorySchoolAge(ch, today)
	env.Child.LacksCapacity, env.Child.AuthorisedParent, env.Child.HasRepresentative = ch.LacksCapacity, ch.AuthorisedParent, ch.Representative != ""
	env.Child.Post25Setting, env.Child.ApprenticeshipEnd, env.Child.CourseEnd = ch.Post25Setting, ch.ApprenticeshipEnd, ch.CourseEnd
	if !withClocks || len(w.Clocks) == 0 {
		env.Clocks = emptyClocks
	} else {
		env.Clocks = make(map[string]clockEnv, len(w.Clocks))
	}
	day := env.Today
	for k, cl := range w.Clocks {
		if !withClocks {
			break
		}
		st := clockStatusOn(cl, day)
		env.Clocks[k] = clockEnv{Exists: true, Running: st == ClockRunning || ((st == ClockMissed || st == ClockExcused) && cl.StoppedAt == ""),
			StartedAt: cl.StartedAt, Due: cl.Due, Date: cl.Date, StoppedAt: cl.StoppedAt, Status: string(st)}
	}
	if n := len(w.Decisions); n > 0 {
		env.DecisionAt, env.Decision, env.DecisionOrder = w.Decisions[n-1].At, w.Decisions[n-1].Kind, w.Decisions[n-1].Order
	}
	if withClocks && e.p.perDecision != nil && len(w.Decisions) > 0 {
		e.aliasLatest(w, env.Clocks)
	}
	env.ExceptionOpen = openException(w) >= 0
	return env
}

// apply carries out one set of effects.
// subj is the id of the decision a per-decision trigger acts on ("" for
// none): the per-decision clocks it starts, stops and cancels are that
// decision's.
func (e *Engine) apply(w *Case, t *trigger, eff Effects, data map[string]any, env *guardEnv, today calendar.Date, seq int, subj string) *Error {
	day := env.Today
	for _, r := range eff.Stop {
		e.eachClock(w, r, data, subj, env.Actor, func(k string, cl Clock) {
			if cl.StoppedAt == "" {
				cl.StoppedAt, cl.StoppedBy = day, t.def.ID
				w.Clocks[k] = cl
			}
		})
	}
	for _, r := range eff.Cancel {
		e.eachClock(w, r, data, subj, env.Actor, func(k string, cl Clock) {
			if cl.StoppedAt == "" {
				cl.StoppedAt, cl.StoppedBy, cl.Cancelled = day, t.def.ID, true
				w.Clocks[k] = cl
			}
		})
	}
	for _, r := range eff.Void {
		e.eachClock(w, r, data, subj, env.Actor, func(k string, cl Clock) {
			if cl.StoppedAt == "" {
				cl.StoppedAt, cl.StoppedBy, cl.Cancelled, cl.Void = day, t.def.ID, true, true
				w.Clocks[k] = cl
			}
		})
	}
	if err := e.applyExceptions(w, eff, data, day, seq, subj, env.Actor); err != nil {
		return err
	}
	for _, r := range eff.Start {
		if r.IfField != "" && !listHolds(data[r.IfField], r.IfItem) {
			continue
		}
		if err := e.startClock(w, r.Clock, r.Source, subj, data, env, today); err != nil {
			return err
		}
		if err := e.agreedDue(w, r, data, subj, today); err != nil {
			return err
		}
		e.markStarter(w, r, data, t.def.ID, subj)
	}
	for tk, st := range eff.SetStates {
		w.States[tk] = st
	}
	if i := decisionIndex(w, subj); eff.Note != "" && i >= 0 && !slices.Contains(w.Decisions[i].Notes, eff.Note) {
		w.Decisions[i].Notes = append(slices.Clip(w.Decisions[i].Notes), eff.Note)
	}
	if eff.Decision != "" {
		return e.decide(w, t.def.ID, eff.Decision, data, env, today, seq)
	}
	return nil
}

// decide records decision kind, made by the firing seq of t, and starts its
// clocks: the appeal clock and, with a per-decision track, its own clocks
// keyed by the new decision.
func (e *Engine) decide(w *Case, trig, kind string, data map[string]any, env *guardEnv, today calendar.Date, seq int) *Error {
	d := Decision{Kind: kind, At: env.Today, Trigger: trig, Seq: seq}
	if e.legacyDispute(w) { // a v1 dispute stays the earlier decision's
		w.Decisions[len(w.Decisions)-1].Dispute = w.States[e.p.perDecision.def.ID]
	}
	w.Decisions = append(w.Decisions, d)
	env.DecisionAt, env.Decision, env.DecisionOrder = d.At, kind, ""
	ids := []string{e.p.policy.AppealClock}
	if tr := e.p.perDecision; tr != nil {
		ids = append(ids, tr.def.PerDecision.Start...)
	}
	for _, id := range ids {
		if err := e.startClock(w, id, "", d.ID(), data, env, today); err != nil {
			return err
		}
	}
	return nil
}

// eachClock visits the clocks a reference names: one key for a per-source
// reference with a source field, every instance of the clock otherwise.
// A per-decision clock named by a firing that acts on decision subj is
// only that decision's instance (or a v1 instance of no decision).
func (e *Engine) eachClock(w *Case, r ClockRef, data map[string]any, subj, actor string, fn func(string, Clock)) {
	if w.Clocks == nil {
		return
	}
	if subj != "" {
		if cs := e.p.clocks[r.Clock]; cs == nil || !cs.def.PerDecision {
			subj = ""
		}
	}
	if r.Source != "" || r.SourceActor {
		src, ok := data[r.Source].(string)
		switch {
		case r.SourceActor:
			src = actor
		case !ok:
			src = latestSource(e.p, w, r)
		}
		k := r.Clock + "." + src
		if subj != "" {
			k += "." + subj
		}
		if cl, ok := w.Clocks[k]; ok {
			fn(k, cl)
		}
		return
	}
	// Each instance is updated on its own, so the order does not matter
	// (and updating existing keys while ranging is allowed).
	for k, cl := range w.Clocks {
		if cl.ID == r.Clock && (subj == "" || cl.Decision == subj || cl.Decision == "") {
			fn(k, cl)
		}
	}
}

// latestSource is the source of the latest instance of the per-source
// clock r names that a firing in w's history started: what a reference
// without its source field means (a first contact by the professional
// allocated last). It is "" when no firing started one.
func latestSource(p *compiled, w *Case, r ClockRef) string {
	for i := len(w.History) - 1; i >= 0; i-- {
		ev := &w.History[i]
		t := p.trigBy[ev.Trigger]
		if t == nil {
			continue
		}
		for _, s := range startsOf(t.def) {
			if s.Clock == r.Clock && s.Source != "" {
				src, _ := ev.Data[s.Source].(string)
				return src
			}
		}
	}
	return ""
}

func (e *Engine) startClock(w *Case, id, sourceField, subj string, data map[string]any, env *guardEnv, today calendar.Date) *Error {
	cs := e.p.clocks[id]
	if cs.when != nil {
		ok, err := cs.when.runBool(env)
		if se := stopError(err, "the when condition of clock "+id); se != nil {
			return se
		}
		if !ok {
			return nil // the clock does not apply to this case now
		}
	}
	key, src := id, ""
	if sourceField != "" {
		src, _ = data[sourceField].(string)
		key = id + "." + src
	}
	if !cs.def.PerDecision {
		subj = ""
	} else if subj != "" {
		key += "." + subj
	}
	var due calendar.Date
	var from string
	if cs.before != nil {
		out, err := cs.before.run(env)
		if se := stopError(err, "the date expression of clock "+id); se != nil {
			return se
		}
		s, _ := out.(string)
		d, perr := calendar.ParseDate(s)
		if err != nil || perr != nil {
			return &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("clock %s: its date could not be worked out from the data", id), Pointer: "/data"}
		}
		var what string
		from = d.String()
		if due, what, err = beforeDue(d, cs); err != nil {
			return &Error{Code: CodeInternal, Message: fmt.Sprintf("clock %s: %v", id, err)}
		}
		if due.DaysUntil(today) > 0 {
			// A deadline already past when the clock would start (a transfer
			// year gone by): a clock is never due before it starts.
			ptr := "/data"
			if f := cs.before.dataFields; len(f) == 1 && f[0] != "*" {
				ptr += "/" + ptrEscape(f[0])
			}
			return &Error{Code: CodeInvalidInput, Pointer: ptr,
				Message: fmt.Sprintf("clock %s: the deadline worked out from the data (%s %s) has already passed", id, what, d)}
		}
	} else {
		d, err := calendar.Due(today, cs.unit, cs.length, cs.def.TribunalMoves, e.p.holidays)
		if err != nil {
			return &Error{Code: CodeInternal, Message: fmt.Sprintf("clock %s: %v", id, err)}
		}
		due = d
	}
	if w.Clocks == nil {
		w.Clocks = map[string]Clock{}
	}
	w.Clocks[key] = Clock{ID: id, Source: src, Decision: subj, Kind: cs.def.Kind, StartedAt: env.Today, Due: due.String(), Date: from, Citation: cs.def.Citation}
	return nil
}

// beforeDue is the due date of a clock counted back from the date d its
// before expression gave: the day before d (unit before), or its length in
// weeks or months before d. what says so in words.
func beforeDue(d calendar.Date, cs *clockSpec) (calendar.Date, string, error) {
	due, err := calendar.Before(d, cs.unit, cs.length)
	if cs.def.Unit == "before" {
		return due, "the day before", err
	}
	return due, fmt.Sprintf("%d %s", cs.length, strings.TrimSuffix(cs.def.Unit, "_before")) + " before", err
}

// clockStatusOn judges one clock as of a day, YYYY-MM-DD.
func clockStatusOn(cl Clock, day string) ClockState {
	if cl.StoppedAt != "" && cl.StoppedAt <= day {
		switch {
		case cl.Cancelled && (cl.Void || cl.StoppedAt <= cl.Due):
			return ClockCancelled
		case cl.StoppedAt <= cl.Due:
			return ClockMet
		case cl.Kind == ClockWindow:
			return ClockEnded
		case cl.Exception != "":
			return ClockExcused
		default:
			return ClockMissed
		}
	}
	switch {
	case day <= cl.Due:
		return ClockRunning
	case cl.Kind == ClockWindow:
		return ClockEnded
	case cl.Exception != "":
		return ClockExcused
	default:
		return ClockMissed
	}
}

// restatus judges every clock of w as of day; with derive, it first works
// out again which exception excuses each clock that has exception rules.
func (e *Engine) restatus(w *Case, day string, derive bool) {
	derive = derive && len(w.Exceptions) > 0
	for k, cl := range w.Clocks {
		ex := cl.Exception
		if derive && len(e.p.clocks[cl.ID].def.Exceptions) > 0 {
			ex = e.excuse(w, cl)
		}
		judged := cl
		judged.Exception = ex
		if st := clockStatusOn(judged, day); st != cl.Status || ex != cl.Exception {
			cl.Status, cl.Exception = st, ex
			w.Clocks[k] = cl
		}
	}
}

// Clocks judges every clock of the case as of asOf (a date or RFC 3339
// timestamp), sorted by due date.
func (e *Engine) Clocks(c Case, asOf string) (r ClockReport, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			r, err = ClockReport{}, &Error{Code: CodeInternal, Message: fmt.Sprintf("clocks failed: %v", rec)}
		}
	}()
	t, perr := calendar.ParseAt(asOf)
	if perr != nil {
		return ClockReport{}, &Error{Code: CodeInvalidInput, Message: "as_of must be a date (YYYY-MM-DD) or an RFC 3339 timestamp", Pointer: "/as_of"}
	}
	if lerr := e.checkCounts(&c); lerr != nil {
		return ClockReport{}, lerr
	}
	w := cloneCase(c, 0)
	if cerr := e.checkCase(&w); cerr != nil {
		return ClockReport{}, cerr
	}
	return e.clockReport(&w, calendar.UKDate(t))
}

func (e *Engine) clockReport(w *Case, asOf calendar.Date) (ClockReport, error) {
	day := asOf.String()
	r := ClockReport{AsOf: day, Clocks: make([]ClockStatus, 0, len(w.Clocks))}
	// One array holds every running clock's days left.
	left := make([]int, 0, len(w.Clocks))
	for k, cl := range w.Clocks {
		cl.Status = clockStatusOn(cl, day)
		cs := ClockStatus{Clock: cl, Key: k}
		if cl.Status == ClockRunning {
			if due, err := calendar.ParseDate(cl.Due); err == nil {
				left = append(left, asOf.DaysUntil(due))
				cs.DaysLeft = &left[len(left)-1]
			}
		}
		r.Clocks = append(r.Clocks, cs)
	}
	// Keys are unique, so (due, key) is a total order: map order cannot show.
	slices.SortFunc(r.Clocks, func(a, b ClockStatus) int {
		if c := strings.Compare(a.Due, b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return r, nil
}

// checkData validates a payload against the trigger's declared fields and
// returns it normalised (as JSON would give it back).
func (e *Engine) checkData(t *trigger, in map[string]any) (map[string]any, []Problem, *Error) {
	var probs []Problem
	var data map[string]any
	if len(in) > 0 {
		nv, ok := canon.Normalise(in)
		if !ok {
			return nil, []Problem{{Code: "bad_value", Message: "data is not JSON-serialisable", Pointer: "/data"}}, nil
		}
		if n := canon.Size(nv); n > MaxPayloadBytes {
			return nil, nil, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("data is about %d bytes; the limit is %d", n, MaxPayloadBytes), Pointer: "/data"}
		}
		if ptr, bad := badUTF8(nv, "/data", 0); bad {
			return nil, []Problem{{Code: "bad_text", Message: "data holds a key or string that is not valid UTF-8 text", Pointer: ptr}}, nil
		}
		data = nv.(map[string]any)
		unknown := false
		for k := range data {
			if _, ok := t.fields[k]; !ok {
				unknown = true
				break
			}
		}
		if unknown {
			names := make([]string, 0, len(t.fields))
			for n := range t.fields {
				names = append(names, n)
			}
			for _, k := range keys(data) {
				if _, ok := t.fields[k]; !ok {
					probs = append(probs, Problem{Code: "unknown_field", Pointer: ptrKey("/data", k),
						Message: fmt.Sprintf("%s has no payload field %s%s", t.def.ID, clip(k), suggest(k, names))})
				}
			}
		}
	}
	for _, f := range t.def.Payload {
		v, ok := data[f.Name]
		if !ok || v == nil {
			if f.Required {
				probs = append(probs, Problem{Code: "required", Pointer: "/data/" + ptrEscape(f.Name), Message: fmt.Sprintf("%s needs data field %s", t.def.ID, f.Name)})
			}
			if ok {
				delete(data, f.Name)
			}
			continue
		}
		if msg := checkValue(f, v); msg != "" {
			probs = append(probs, Problem{Code: "bad_value", Pointer: "/data/" + ptrEscape(f.Name), Message: fmt.Sprintf("data field %s %s", f.Name, msg)})
		}
	}
	if len(data) == 0 {
		data = nil
	}
	return data, probs, nil
}

// listHolds reports whether v, a payload list, holds item.
func listHolds(v any, item string) bool {
	l, _ := v.([]any)
	return slices.Contains(l, any(item))
}

// fieldRoles refuses payload fields the actor's role may not set
// (FieldDef.Roles: only the Tribunal extends the time to appeal).
func fieldRoles(t *trigger, data map[string]any, actor string) []Problem {
	var probs []Problem
	for _, f := range t.def.Payload {
		if _, set := data[f.Name]; !set || len(f.Roles) == 0 || slices.Contains(f.Roles, actor) {
			continue
		}
		probs = append(probs, Problem{Code: "not_allowed", Pointer: "/data/" + ptrEscape(f.Name),
			Message: fmt.Sprintf("data field %s may be set only by: %s", f.Name, strings.Join(f.Roles, ", "))})
	}
	return probs
}

func checkValue(f FieldDef, v any) string {
	inEnum := func(s string) bool {
		if len(f.Enum) == 0 {
			return true
		}
		for _, x := range f.Enum {
			if x == s {
				return true
			}
		}
		return false
	}
	switch f.Type {
	case "string":
		s, ok := v.(string)
		if !ok {
			return "must be a string"
		}
		if len(s) > MaxStringLength {
			return fmt.Sprintf("is longer than %d characters", MaxStringLength)
		}
		if !inEnum(s) {
			return "must be one of: " + strings.Join(f.Enum, ", ")
		}
	case "date":
		s, ok := v.(string)
		if !ok {
			return "must be a date (YYYY-MM-DD)"
		}
		if _, err := calendar.ParseDate(s); err != nil {
			return "must be a date (YYYY-MM-DD)"
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return "must be true or false"
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			return "must be a number"
		}
		if f.Type == "integer" && n != float64(int64(n)) {
			return "must be a whole number"
		}
		if f.Min != nil && n < *f.Min {
			return fmt.Sprintf("must be at least %v", *f.Min)
		}
		if f.Max != nil && n > *f.Max {
			return fmt.Sprintf("must be at most %v", *f.Max)
		}
	case "list":
		l, ok := v.([]any)
		if !ok {
			return "must be a list"
		}
		if len(l) > MaxListItems {
			return fmt.Sprintf("has more than %d items", MaxListItems)
		}
		if len(l) < f.MinItems {
			return fmt.Sprintf("needs at least %d item(s)", f.MinItems)
		}
		for _, it := range l {
			s, ok := it.(string)
			if !ok {
				return "must be a list of strings"
			}
			if !inEnum(s) {
				return "items must be among: " + strings.Join(f.Enum, ", ")
			}
		}
	case "map":
		return mapProblem(f, v, inEnum)
	}
	return ""
}

// mapProblem says what is wrong with v as the value of a map field f: an
// object of at most MaxMapEntries keys (among f.Enum when set), each
// mapped to a date.
func mapProblem(f FieldDef, v any, inEnum func(string) bool) string {
	m, ok := v.(map[string]any)
	if !ok {
		return "must be an object mapping each item to a date (YYYY-MM-DD)"
	}
	if len(m) > MaxMapEntries {
		return fmt.Sprintf("has more than %d entries", MaxMapEntries)
	}
	for _, k := range keys(m) {
		if !inEnum(k) {
			return "keys must be among: " + strings.Join(f.Enum, ", ")
		}
		s, ok := m[k].(string)
		if _, err := calendar.ParseDate(s); !ok || err != nil {
			return "must map each item to a date (YYYY-MM-DD)"
		}
	}
	return ""
}

// mergeFacts merges a firing's facts into the case's: objects merge key by
// key, scalars replace, lists are appended to (evidence accumulates).
func (e *Engine) mergeFacts(cur Facts, patch map[string]any) (Facts, map[string]any, []Problem, *Error) {
	if len(patch) == 0 {
		return cur, nil, nil, nil
	}
	if nv, ok := canon.Normalise(patch); ok {
		if ptr, bad := badUTF8(nv, "/facts", 0); bad {
			return cur, nil, []Problem{{Code: "bad_text", Message: "facts hold a key or string that is not valid UTF-8 text", Pointer: ptr}}, nil
		}
	}
	raw, err := json.Marshal(patch)
	if err != nil {
		return cur, nil, []Problem{{Code: "bad_value", Message: "facts are not JSON-serialisable", Pointer: "/facts"}}, nil
	}
	if len(raw) > MaxPayloadBytes {
		return cur, nil, nil, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("facts are %d bytes; the limit is %d", len(raw), MaxPayloadBytes), Pointer: "/facts"}
	}
	var norm map[string]any
	_ = json.Unmarshal(raw, &norm)
	if probs := e.checkFactsPatch(norm); len(probs) > 0 {
		return cur, nil, probs, nil
	}
	curRaw, _ := json.Marshal(cur)
	var base map[string]any
	_ = json.Unmarshal(curRaw, &base)
	mergeInto(base, norm)
	mergedRaw, _ := json.Marshal(base)
	var out Facts
	if err := jsonUnmarshal(mergedRaw, &out); err != nil {
		msg := err.Error()
		ptr := "/facts"
		if strings.Contains(msg, "unknown field") {
			if i := strings.Index(msg, "\""); i >= 0 {
				name := strings.Trim(msg[i:], "\"")
				ptr = ptrKey("/facts", name)
				msg = fmt.Sprintf("unknown fact %s%s", clip(name), suggest(name, append(append([]string(nil), factFields...), childField...)))
			}
		} else if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			// Name the field and the type wanted, never the value given.
			ptr = "/facts/" + strings.ReplaceAll(te.Field, ".", "/")
			want := map[string]string{"int": "a whole number", "string": "a string", "[]string": "a list of strings"}[te.Type.String()]
			if want == "" {
				want = "an object"
			}
			msg = fmt.Sprintf("fact %s must be %s", te.Field, want)
		} else {
			msg = "facts do not have the right types"
		}
		return cur, nil, []Problem{{Code: "bad_value", Message: msg, Pointer: ptr}}, nil
	}
	var probs []Problem
	for i, ev := range out.Evidence {
		if !e.p.evidence[ev] && i >= len(cur.Evidence) {
			probs = append(probs, Problem{Code: "bad_value", Pointer: fmt.Sprintf("/facts/evidence/%d", i-len(cur.Evidence)),
				Message: fmt.Sprintf("unknown evidence kind %s%s", clip(ev), suggest(ev, keys(e.p.evidence)))})
		}
	}
	if len(out.Evidence) > MaxEvidence {
		return cur, nil, nil, &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("the case would hold %d evidence items; the limit is %d", len(out.Evidence), MaxEvidence), Pointer: "/facts/evidence"}
	}
	if out.Child.DateOfBirth != "" {
		if _, err := calendar.ParseDate(out.Child.DateOfBirth); err != nil {
			probs = append(probs, Problem{Code: "bad_date", Pointer: "/facts/child/date_of_birth", Message: "date of birth must be a date (YYYY-MM-DD)"})
		}
	}
	if y := out.Child.YearGroup; y != nil && (*y < -3 || *y > 20) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: "/facts/child/year_group", Message: "year group is out of range (-3 to 20)"})
	}
	probs = append(probs, childProblems(&out.Child, "/facts/child")...)
	probs = append(probs, personProblems(out.Person, "/facts/person")...)
	for _, s := range [...]struct{ name, v string }{{"id", out.ID}, {"la", out.LA}, {"district", out.District}} {
		if len(s.v) > MaxIdentifierLen {
			probs = append(probs, Problem{Code: "bad_value", Pointer: "/facts/" + s.name, Message: fmt.Sprintf("fact %s is longer than %d bytes", s.name, MaxIdentifierLen)})
		}
	}
	return out, norm, probs, nil
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		switch sv := v.(type) {
		case map[string]any:
			if dv, ok := dst[k].(map[string]any); ok {
				mergeInto(dv, sv)
				continue
			}
			dst[k] = sv
		case []any:
			if dv, ok := dst[k].([]any); ok {
				dst[k] = append(dv, sv...)
				continue
			}
			dst[k] = sv
		default:
			dst[k] = v
		}
	}
}

// MaxByLen is the longest Firing.By.
const MaxByLen = 64

// byProblem says what is wrong with a Firing.By, without repeating it, or "".
func byProblem(by string) string {
	if by == "" {
		return ""
	}
	if len(by) > MaxByLen {
		return fmt.Sprintf("by is %d bytes long; it is an opaque identifier of at most %d characters", len(by), MaxByLen)
	}
	for i := 0; i < len(by); i++ {
		c := by[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return fmt.Sprintf("by must be an opaque identifier (letters, digits, . _ : -), never a name or an email address; it has a character that is not allowed at position %d (not shown)", i+1)
		}
	}
	return ""
}
