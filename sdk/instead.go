package sdk

import (
	"context"
	"time"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// insteadOf is the trigger a firing of t by actor is judged and recorded
// as (TriggerDef.Instead): t itself, or while its instead condition holds
// on w, the trigger it names (a request for an assessment while a plan is
// maintained is a request for a reassessment, CFA s44(2)), or a
// not_permitted refusal when it names none. A role that may not fire t is
// left to authorise (not_authorised comes first).
func (e *Engine) insteadOf(ctx context.Context, w *Case, t *trigger, actor, rawAt string, at time.Time, today calendar.Date) (*trigger, *Error) {
	if t.instead == nil || !t.roles[actor] {
		return t, nil
	}
	env := e.env(ctx, w, actor, rawAt, at, today, nil, t.instead.usesClocks)
	hold, err := t.instead.runBool(env)
	if se := stopError(err, "the instead condition of "+t.def.ID); se != nil {
		return nil, se
	}
	if err != nil || !hold {
		return t, nil
	}
	in := t.def.Instead
	if in.Trigger == "" {
		return nil, &Error{Code: CodeNotPermitted, Message: in.Reason, Pointer: "/trigger",
			Detail: t.def.ID + " is not possible now: " + in.Reason}
	}
	if o := e.p.trigBy[in.Trigger]; o != nil && !o.track.def.Disabled {
		return o, nil
	}
	return t, nil
}
