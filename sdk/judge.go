package sdk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// One judge decides whether a role may fire a trigger, for Fire and for
// Permitted alike, so a firing is refused for exactly the reasons Permitted
// gives, in the same order: the role (not_authorised), the track's state
// (not_permitted), the firing's input (invalid_input, Fire only), then the
// trigger's guards (guard_failed, with advisory guards as warnings).

// judgement is one question put to judge: may actor fire t now?
type judgement struct {
	t     *trigger
	actor string
	// locale is the language of guard reasons, already the call's or the
	// engine's (Engine.locale).
	locale string
	// c is the case as the firing would find it: authorise judges a role's
	// eligibility on its facts, and the state check reads its states.
	c     *Case
	at    time.Time
	today calendar.Date
	// haveAt is whether at was read; a role's eligibility is judged only
	// then (a bad at is the firing's invalid_input, reported later).
	haveAt bool
	// env is the guard environment when there is no firing (Permitted:
	// one environment, one step budget, for the whole call). Guards that
	// read the payload are then not run; the verdict's needs names their
	// fields.
	env *guardEnv
	// fires is set instead of env by Fire: firing is checked once the
	// state check has passed (checkFiring), its facts are merged into w,
	// and every guard runs in an environment with its payload. atErr is why
	// its at could not be read.
	fires  bool
	firing Firing
	w      *Case
	atErr  error
	// subj, when subjSet, is the decision a per-decision trigger is judged
	// on (Permitted tries each); otherwise judge names it (nameDecision).
	subj    int
	subjSet bool
}

// stage is where judge stopped.
type stage int

const (
	stageAuthorise stage = iota // the role may not fire the trigger
	stageState                  // not from the track's current state
	stageInput                  // the firing's input was refused
	stageGuards                 // the guards ran (failed may still be set)
)

// verdict is judge's answer.
type verdict struct {
	stage stage
	// refusal is authorise's or the input's refusal (stageAuthorise,
	// stageInput). A not_permitted refusal is left to the caller's words.
	refusal *Error
	// from is the trigger's track's current state.
	from string
	// env is the environment the guards ran in; in is the firing's input
	// as checked (Fire).
	env *guardEnv
	in  firingInput
	// subj is the decision the firing acts on (perdecision.go), or
	// noSubject.
	subj int
	// failed are the blocking guards that do not hold, warns the advisory
	// ones, in policy order; needs the payload fields of the guards not run.
	failed []GuardFailure
	warns  []Warning
	needs  map[string]bool
	// stop is set when an evaluation was stopped (limit_exceeded, no
	// guards named): stopped is the guard, deadline whether the call's
	// context stopped it. The guards after it were not run.
	stop     *Error
	stopped  *guard
	deadline bool
	// asYoungPerson: the family rights rule records a parent's firing as
	// the young person's act (rights.go).
	asYoungPerson bool
}

// judge authorises the actor, checks the track's state, checks the firing
// (if any) and runs the guards, stopping at the first stage that refuses.
func (e *Engine) judge(ctx context.Context, j *judgement) verdict {
	t := j.t
	if aerr := e.authorise(ctx, t, j.actor, j.c, j.at, j.today, j.haveAt, j.locale); aerr != nil {
		return verdict{stage: stageAuthorise, refusal: aerr}
	}
	var rv rightsVerdict
	if j.haveAt {
		rv = familyRights(t, j.actor, j.c, j.today, j.firing.Data, j.fires)
		if rv.refusal != nil {
			return verdict{stage: stageAuthorise, refusal: rv.refusal}
		}
	}
	v := verdict{stage: stageState, from: j.c.States[t.track.def.ID], subj: j.subj, asYoungPerson: rv.asYoungPerson}
	if rv.needs != "" {
		v.needs = map[string]bool{rv.needs: true}
	}
	if !j.subjSet {
		subj, serr := e.subject(j.c, t, j.firing.Data, j.today)
		if serr != nil {
			return verdict{stage: stageInput, refusal: serr, subj: noSubject}
		}
		v.subj = subj
	}
	if e.isPerDecision(t) {
		v.from = e.decisionState(j.c, v.subj)
	}
	if !t.track.m.CanFire(v.from, t.def.ID) {
		return v
	}
	v.env = j.env
	if j.fires {
		if ierr := e.checkFiring(ctx, j, &v); ierr != nil {
			v.stage, v.refusal = stageInput, ierr
			return v
		}
	}
	v.env = e.subjectEnv(v.env, j.c, v.subj)
	if t.readsEnteredBy {
		env := *v.env
		env.EnteredBy = enteredBy(j.c, t.track.def.ID)
		v.env = &env
	}
	v.stage = stageGuards
	e.runGuards(j, &v)
	return v
}

// runGuards runs t's guards that apply to the actor, in policy order, until
// one is stopped.
func (e *Engine) runGuards(j *judgement, v *verdict) {
	payload := j.fires
	for _, g := range j.t.guards {
		if g.roles != nil && !g.roles[j.actor] {
			continue
		}
		// Without the payload, a guard that reads it is judged when the
		// trigger is fired with data, whether or not it holds on no data.
		if !payload && len(g.prog.dataFields) > 0 {
			if v.needs == nil {
				v.needs = map[string]bool{}
			}
			for _, f := range g.prog.dataFields {
				v.needs[f] = true
			}
			continue
		}
		ok, gerr := g.prog.runBool(v.env)
		if ok && gerr == nil {
			continue
		}
		if se := stopError(gerr, "guard "+g.def.ID); se != nil {
			v.stop, v.stopped, v.deadline = se, g, errors.Is(gerr, guardlang.ErrDeadline)
			return
		}
		reason := reasonIn(g.def, j.locale)
		if gerr != nil && payload {
			// The expression's own error can quote a payload value: say
			// only that it failed.
			reason += " (the guard could not be evaluated on this firing's values)"
		}
		if g.def.Severity == "advice" {
			v.warns = append(v.warns, Warning{Code: WarningAdvice, Message: reason, Guard: g.def.ID, Citation: g.def.Citation, Layer: g.layer})
			continue
		}
		v.failed = append(v.failed, GuardFailure{ID: g.def.ID, Reason: reason, Citation: g.def.Citation, Layer: g.layer})
	}
}

// checkFiring checks j's firing (checkInput), merges its facts into the
// working case and makes the environment, payload and all, in which the
// guards run.
func (e *Engine) checkFiring(ctx context.Context, j *judgement, v *verdict) *Error {
	w, f := j.w, &j.firing
	in, ierr := e.checkInput(w, j.t, f, j.at, j.atErr)
	if ierr != nil {
		return ierr
	}
	if w.Origin == nil && len(w.History) == 0 {
		pf := copyFacts(w.Facts)
		in.origin = &pf
	}
	w.Facts = in.facts
	if len(in.patch) > 0 {
		// The guards see the clocks as the new facts leave them (the age limit, R46(1)).
		if rerr := e.recompute(w, e.env(ctx, w, f.Actor, f.At, j.at, j.today, in.data, false)); rerr != nil {
			return rerr
		}
	}
	v.in, v.env = in, e.env(ctx, w, f.Actor, f.At, j.at, j.today, in.data, j.t.needsClocks)
	return nil
}

// authorise checks the actor's role for the trigger and the role's own
// eligibility guard (a young person must be over compulsory school age).
func (e *Engine) authorise(ctx context.Context, t *trigger, actor string, w *Case, at time.Time, today calendar.Date, haveAt bool, locale string) *Error {
	r := e.p.roles[actor]
	if len(actor) > MaxIdentifierLen || r == nil {
		return &Error{Code: CodeNotAuthorised, Message: e.unknownRole(actor), Pointer: "/actor"}
	}
	if !t.roles[actor] {
		return &Error{Code: CodeNotAuthorised, Message: fmt.Sprintf("a %s cannot fire %s", actor, t.def.ID), Pointer: "/actor",
			Detail: "It may be fired by: " + t.rolesText + "."}
	}
	if r.eligibility != nil && haveAt {
		env := e.env(ctx, w, actor, "", at, today, nil, r.eligibility.prog.usesClocks)
		ok, err := r.eligibility.prog.runBool(env)
		if se := stopError(err, "the eligibility guard of role "+actor); se != nil {
			se.Pointer = "/actor"
			se.Guards = []GuardFailure{{ID: r.eligibility.def.ID, Reason: reasonIn(r.eligibility.def, locale), Citation: r.eligibility.def.Citation, Layer: r.eligibility.layer}}
			return se
		}
		if err != nil || !ok {
			reason := reasonIn(r.eligibility.def, locale)
			return &Error{Code: CodeNotAuthorised, Message: reason, Pointer: "/actor",
				Guards: []GuardFailure{{ID: r.eligibility.def.ID, Reason: reason, Citation: r.eligibility.def.Citation, Layer: r.eligibility.layer}}}
		}
	}
	return nil
}

// locale is the locale of a call: its own, or the engine's (WithLocale)
// when it names none.
func (e *Engine) locale(l string) string {
	if l == "" {
		return e.opt.locale
	}
	return l
}
