package randomwalk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sendflow/sendflow/internal/textclip"
	"github.com/sendflow/sendflow/sdk"
)

// Options says how long a walk is and how much it checks.
type Options struct {
	// Steps is the number of firings tried (refused ones count).
	Steps int
	// Check runs every invariant after every step: the input case is not
	// changed, errors are coded, refusals are the right ones, the outcome
	// is consistent, states are declared, clocks are consistent (also as of
	// a later date through Engine.Clocks), Replay gives the case back and
	// Verify accepts it.
	Check bool
	// PermittedEvery cross-checks Engine.Permitted against the policy model
	// and against Fire every so many steps (0: never).
	PermittedEvery int
	// Validate, when set, checks a document against its JSON Schema: kind
	// is "outcome", "error", "permitted" or "clocks". Every error is
	// validated; every ValidateEvery-th outcome (and the last) is.
	Validate      func(kind string, v any) error
	ValidateEvery int
}

// Result is what one walk did.
type Result struct {
	// Case is the case at the end of the walk.
	Case sdk.Case
	// Steps is the number of firings tried, Fired the number that succeeded.
	Steps, Fired int
	// Codes counts the refusals by code.
	Codes map[sdk.Code]int
	// Trace has one line per step: the kind, trigger, actor, date and
	// outcome ("ok" or the error code), for comparing two runs.
	Trace []string
}

// Failure is an invariant that did not hold, with what reproduces it.
type Failure struct {
	Step   int
	Kind   Kind
	Firing sdk.Firing
	Err    error
}

func (f *Failure) Error() string {
	return fmt.Sprintf("step %d (%s: %s by %s at %s, data %s, facts %s): %v", f.Step, f.Kind, f.Firing.Trigger,
		f.Firing.Actor, f.Firing.At, textclip.Clip(Snapshot(f.Firing.Data), 300), textclip.Clip(Snapshot(f.Firing.Facts), 200), f.Err)
}

// allowed lists the refusal codes each kind of firing may get.
var allowed = map[Kind][]sdk.Code{
	// A trigger from a from-state by one of its roles with a valid payload
	// can still fail a guard, a role's eligibility (a young person's age),
	// or a date a clock works out from the payload.
	Enabled:    {sdk.CodeGuardFailed, sdk.CodeNotAuthorised, sdk.CodeInvalidInput},
	BadPayload: {sdk.CodeNotAuthorised, sdk.CodeInvalidInput, sdk.CodeLimitExceeded},
	Backdated:  {sdk.CodeNotAuthorised, sdk.CodeInvalidInput},
	AnyTrigger: {sdk.CodeUnknownTrigger, sdk.CodeNotAuthorised, sdk.CodeNotPermitted, sdk.CodeInvalidInput, sdk.CodeGuardFailed, sdk.CodeLimitExceeded},
}

// Walk runs one walk on e with choices from src.
func Walk(e *sdk.Engine, src Source, opt Options) (Result, error) {
	w := New(e, src)
	k := NewChecker(e)
	c := w.NewCase()
	res := Result{Codes: map[sdk.Code]int{}}
	for step := 1; step <= opt.Steps; step++ {
		st := w.Next(c)
		fail := func(err error) (Result, error) {
			return res, &Failure{Step: step, Kind: st.Kind, Firing: st.Firing, Err: err}
		}
		var snap, fsnap string
		if opt.Check {
			snap, fsnap = Fingerprint(c), Snapshot(st.Firing)
		}
		o, err := e.Fire(c, st.Firing)
		res.Steps++
		if opt.Check && (Fingerprint(c) != snap || Snapshot(st.Firing) != fsnap) {
			return fail(fmt.Errorf("fire changed its input (the case or the firing)"))
		}
		if err != nil {
			code := sdk.AsError(err).Code
			res.Codes[code]++
			res.Trace = append(res.Trace, fmt.Sprintf("%s %s %s %s %s", st.Kind, st.Firing.Trigger, st.Firing.Actor, st.Firing.At, code))
			if !opt.Check {
				continue
			}
			if cerr := CheckError(err); cerr != nil {
				return fail(cerr)
			}
			if !slices.Contains(allowed[st.Kind], code) && !k.redirected(st.Firing.Trigger, code) {
				return fail(fmt.Errorf("refused with %s, which a %s firing should not get: %v", code, st.Kind, err))
			}
			if cerr := checkRefusal(st, sdk.AsError(err)); cerr != nil {
				return fail(cerr)
			}
			if opt.Validate != nil {
				if verr := opt.Validate("error", err); verr != nil {
					return fail(verr)
				}
			}
			continue
		}
		res.Fired++
		res.Trace = append(res.Trace, fmt.Sprintf("%s %s %s %s ok %s", st.Kind, st.Firing.Trigger, st.Firing.Actor, st.Firing.At, o.Event.Hash))
		if opt.Check {
			if st.Kind == BadPayload || st.Kind == Backdated {
				return fail(fmt.Errorf("a %s firing was accepted", st.Kind))
			}
			if cerr := k.CheckOutcome(c, st.Firing, o); cerr != nil {
				return fail(cerr)
			}
			if cerr := k.CheckHistory(o.Case); cerr != nil {
				return fail(cerr)
			}
			later := w.Now.AddDate(0, 0, src.Intn(400)).Format("2006-01-02")
			if today := UKDate(o.Event.At); later < today {
				later = today
			}
			if cerr := k.CheckReport(o.Case, later); cerr != nil {
				return fail(cerr)
			}
			if opt.Validate != nil && (step == opt.Steps || opt.ValidateEvery <= 1 || res.Fired%opt.ValidateEvery == 0) {
				if verr := opt.Validate("outcome", o); verr != nil {
					return fail(verr)
				}
			}
		}
		c = o.Case
		if opt.PermittedEvery > 0 && step%opt.PermittedEvery == 0 {
			if cerr := crossCheckPermitted(w, k, c, opt.Validate); cerr != nil {
				return fail(fmt.Errorf("permitted: %v", cerr))
			}
		}
	}
	res.Case = c
	return res, nil
}

// checkRefusal checks what a refusal says for the firings made wrong on
// purpose: a backdated firing that reaches the input checks is refused as
// out of order, and every problem points into the firing.
func checkRefusal(st Step, se *sdk.Error) error {
	if st.Kind == Backdated && se.Code == sdk.CodeInvalidInput {
		found := false
		for _, p := range se.Problems {
			found = found || p.Code == "out_of_order"
		}
		if !found {
			return fmt.Errorf("a backdated firing was refused without an out_of_order problem: %v", se)
		}
	}
	for _, p := range se.Problems {
		if p.Pointer != "" && !strings.HasPrefix(p.Pointer, "/") {
			return fmt.Errorf("problem pointer %q is not a JSON pointer", p.Pointer)
		}
	}
	return nil
}

// crossCheckPermitted asks Permitted for a random role and checks it
// against the policy model (a trigger is not_permitted exactly when its
// track is in none of its from-states) and against Fire (a trigger allowed
// without needing input fires with a valid payload).
func crossCheckPermitted(w *Walker, k *Checker, c sdk.Case, validate func(string, any) error) error {
	role := w.pick(w.roles)
	at := w.Now.Format("2006-01-02")
	if n := len(c.History); n > 0 {
		if last := c.History[n-1].At; UKDate(last) >= at {
			at = last
		}
	}
	perms, err := w.E.Permitted(c, role, at)
	if err != nil {
		return fmt.Errorf("role %s at %s: %v", role, at, err)
	}
	if validate != nil {
		if verr := validate("permitted", perms); verr != nil {
			return verr
		}
		r, err := w.E.Clocks(c, at)
		if err != nil {
			return fmt.Errorf("clock report at %s: %v", at, err)
		}
		if verr := validate("clocks", r); verr != nil {
			return verr
		}
	}
	byID := map[string]sdk.TriggerDef{}
	for _, t := range w.triggers {
		byID[t.ID] = t
	}
	var fireable []sdk.TriggerDef
	var decisionOf []string
	for _, p := range perms {
		t, ok := byID[p.Trigger]
		if !ok {
			return fmt.Errorf("unknown trigger %q in the answer", p.Trigger)
		}
		// On the per-decision track the state judged is the decision's.
		movable := w.Movable(c, t)
		st, inFrom := movable[p.Decision]
		if !inFrom && p.Decision == "" {
			st = c.States[p.Track]
		}
		// A trigger with instead is judged as another, or refused, while its
		// condition holds: its own from-states do not decide.
		redirected := t.Instead != nil
		switch {
		case p.Code == sdk.CodeNotPermitted && inFrom && !redirected:
			return fmt.Errorf("%s is not_permitted for %s but %s is in %q, one of its from-states %v", t.ID, role, p.Track, st, t.From)
		case (p.Allowed || p.Code == sdk.CodeGuardFailed) && !inFrom && !redirected:
			return fmt.Errorf("%s is %s for %s but %s is in %q, not one of %v", t.ID, p.Code, role, p.Track, st, t.From)
		case p.Allowed && p.Code != "":
			return fmt.Errorf("%s is allowed with code %q", t.ID, p.Code)
		case !p.Allowed && (p.Code == "" || p.Reason == ""):
			return fmt.Errorf("%s is refused without a code and reason", t.ID)
		case p.Allowed && len(p.NeedsInput) == 0:
			fireable = append(fireable, t)
			decisionOf = append(decisionOf, p.Decision)
		}
	}
	if len(fireable) == 0 {
		return nil
	}
	i := w.R.Intn(len(fireable))
	t := fireable[i]
	f := sdk.Firing{Trigger: t.ID, Actor: role, At: at, Data: w.payload(t, true)}
	if d := decisionOf[i]; d != "" {
		if f.Data == nil {
			f.Data = map[string]any{}
		}
		f.Data["decision"] = d
	}
	if _, err := w.E.Fire(c, f); err != nil && sdk.AsError(err).Code != sdk.CodeInvalidInput {
		return fmt.Errorf("%s is allowed for %s at %s but Fire refuses it: %v", t.ID, role, at, err)
	}
	return nil
}
