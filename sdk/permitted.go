package sdk

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// Permitted judges every trigger for one role as of asOf: allowed or not
// and, when not, why (not authorised, not from this state, or each failing
// guard with its reason and citation). Guards that read the payload are
// checked when the trigger is fired; Permission.NeedsInput names the fields.
// Reasons are in the engine's locale (WithLocale; English by default).
func (e *Engine) Permitted(c Case, role string, asOf string) ([]Permission, error) {
	return e.PermittedContext(context.Background(), c, role, asOf, "")
}

// PermittedContext is Permitted with guard reasons in locale ("en", "cy";
// empty means the engine's locale; any other locale, or a guard without a
// reason in it, falls back to English), stopping when ctx is cancelled or
// passes its deadline: the call then fails with limit_exceeded.
func (e *Engine) PermittedContext(ctx context.Context, c Case, role, asOf, locale string) (out []Permission, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			out, err = nil, &Error{Code: CodeInternal, Message: fmt.Sprintf("permitted failed: %v", rec)}
		}
	}()
	var w Case
	at, perr := e.permittedCase(c, role, asOf, &w)
	if perr != nil {
		return nil, perr
	}
	today := calendar.UKDate(at)
	// One environment, and so one call step budget, for every trigger.
	j := judgement{actor: role, locale: e.locale(locale), c: &w, at: at, today: today, haveAt: true,
		env: e.env(ctx, &w, role, asOf, at, today, nil, true)}
	out = make([]Permission, 0, len(e.p.triggers))
	for _, t := range e.p.triggers {
		if t.track.def.Disabled {
			continue
		}
		pm, perr := e.permission(ctx, &j, t)
		if perr != nil {
			return nil, perr
		}
		out = append(out, pm)
	}
	return out, nil
}

// permittedCase checks Permitted's arguments (as_of, then the role, then
// the case); it returns as_of and makes w the working case.
func (e *Engine) permittedCase(c Case, role, asOf string, w *Case) (time.Time, *Error) {
	at, perr := calendar.ParseAt(asOf)
	if perr != nil {
		return time.Time{}, &Error{Code: CodeInvalidInput, Message: "as_of must be a date (YYYY-MM-DD) or an RFC 3339 timestamp", Pointer: "/as_of"}
	}
	if len(role) > MaxIdentifierLen || e.p.roles[role] == nil {
		return time.Time{}, &Error{Code: CodeNotAuthorised, Message: e.unknownRole(role), Pointer: "/role"}
	}
	if lerr := e.checkCounts(&c); lerr != nil {
		return time.Time{}, lerr
	}
	*w = cloneCase(c, 0)
	if cerr := e.checkCase(w); cerr != nil {
		return time.Time{}, cerr
	}
	return at, nil
}

// permission judges one trigger for j's role; an error ends the whole call
// (its context was cancelled or passed its deadline).
func (e *Engine) permission(ctx context.Context, j *judgement, t *trigger) (Permission, *Error) {
	pm := Permission{Trigger: t.def.ID, Track: t.track.def.ID}
	if !t.roles[j.actor] {
		// The common refusal, built without formatting: most triggers are
		// not a given role's. It is authorise's refusal, worded as below.
		pm.Code, pm.Reason = CodeNotAuthorised, "a "+j.actor+" cannot fire "+t.def.ID+". It may be fired by: "+t.rolesText+"."
		return pm, nil
	}
	if ctx.Err() != nil {
		return Permission{}, stopError(guardlang.ErrDeadline, "permitted")
	}
	tt, rerr := e.insteadOf(ctx, j.c, t, j.actor, "", j.at, j.today)
	if rerr != nil {
		pm.Code, pm.Reason = rerr.Code, rerr.Message
		return pm, nil
	}
	j.t = tt
	v := e.judgeAny(ctx, j)
	if e.isPerDecision(tt) && v.subj >= 0 && v.subj < len(j.c.Decisions) {
		pm.Decision = j.c.Decisions[v.subj].ID()
	}
	switch v.stage {
	case stageAuthorise:
		aerr := v.refusal
		if aerr.Code == CodeLimitExceeded {
			pm.Code, pm.Reason, pm.Guards = CodeLimitExceeded, aerr.Message, aerr.Guards
			return pm, nil
		}
		pm.Code, pm.Reason, pm.Guards = CodeNotAuthorised, aerr.Message+".", aerr.Guards
		if aerr.Detail != "" {
			pm.Reason += " " + aerr.Detail
		}
		return pm, nil
	case stageState:
		pm.Code = CodeNotPermitted
		pm.Reason = "Not possible while " + tt.track.def.ID + " is " + v.from + " (possible from: " + tt.fromText + ")."
		return pm, nil
	}
	return v.permission(pm)
}

// permission fills in pm from the guards' verdict.
func (v *verdict) permission(pm Permission) (Permission, *Error) {
	pm.Guards, pm.Warnings = v.failed, v.warns
	if v.stop != nil {
		if v.deadline {
			return Permission{}, v.stop
		}
		g := v.stopped
		pm.Code, pm.Reason = CodeLimitExceeded, v.stop.Message
		pm.Guards = append(pm.Guards, GuardFailure{ID: g.def.ID, Reason: v.stop.Message, Citation: g.def.Citation, Layer: g.layer})
	}
	for f := range v.needs {
		pm.NeedsInput = append(pm.NeedsInput, f)
	}
	sort.Strings(pm.NeedsInput)
	switch {
	case pm.Code == CodeLimitExceeded:
	case len(pm.Guards) > 0:
		pm.Code = CodeGuardFailed
		rs := make([]string, len(pm.Guards))
		for i, g := range pm.Guards {
			rs[i] = g.Reason
		}
		pm.Reason = strings.Join(rs, " ")
	default:
		pm.Allowed = true
	}
	return pm, nil
}

// judgeAny judges j's trigger; a per-decision trigger is permitted when it
// is for at least one decision. Each open decision is tried, then the most
// recent: the first allowed verdict is the answer, else the first whose
// guards failed, else the most recent decision's.
func (e *Engine) judgeAny(ctx context.Context, j *judgement) verdict {
	w := j.c
	if !e.isPerDecision(j.t) || len(w.Decisions) < 2 {
		j.subjSet = false
		return e.judge(ctx, j)
	}
	defer func() { j.subj, j.subjSet = 0, false }()
	day, last := j.today.String(), len(w.Decisions)-1
	tr := e.p.perDecision
	var refused *verdict
	for i := 0; i <= last; i++ {
		if i < last && e.decisionState(w, i) == tr.initial && !e.anyRunsTo(w, tr.def.PerDecision.TimeToAppeal, i, day) {
			continue // closed: nothing can be done on it
		}
		j.subj, j.subjSet = i, true
		v := e.judge(ctx, j)
		switch {
		case v.stage == stageGuards && (len(v.failed) == 0 || v.stop != nil):
			return v
		case refused == nil && (v.stage != stageState || i == last):
			refused = &v
		}
	}
	return *refused
}
