package sdk

import (
	"crypto/ed25519"
	"fmt"
	"strconv"
	"strings"

	"github.com/sendflow/sendflow/internal/textclip"
	guardlang "github.com/sendflow/sendflow/sdk/internal/guard"
)

// Option configures an Engine: given to CompileWith, or to Engine.With to
// derive an engine from a compiled one (the policy is shared, not
// recompiled).
type Option func(*options)

// options is what the Options set. The zero value means the defaults.
type options struct {
	// limits bounds guard evaluation; zero fields take DefaultLimits.
	limits Limits
	// signer, when set, signs every event Fire appends.
	signer ed25519.PrivateKey
	// verifyKeys, when set, are the keys Verify accepts event signatures
	// from; Verify then reports unsigned and forged events.
	verifyKeys []ed25519.PublicKey
	// locale is the language of guard reasons when a call names none;
	// empty means DefaultLocale.
	locale string
	// earlier are the earlier policies Replay and Verify know
	// (WithEarlierPolicies); earlierSrc those given to this
	// CompileWith or With, not yet compiled.
	earlier    []*Engine
	earlierSrc [][]PolicySource
}

// Limits bounds the work guard expressions may do. A zero field takes its
// default, DefaultGuardCost or DefaultGuardSteps. docs/policies.md ("The
// cost model") says how cost and steps are counted.
type Limits struct {
	// GuardCost is the largest worst-case cost a guard, branch condition or
	// clock expression may have, estimated at compile time from the
	// declared bounds of what it reads. An expression over it is refused
	// with invalid_policy (problem code too_costly).
	GuardCost int64
	// GuardSteps is the run-time step budget of one evaluation: an
	// evaluation that spends it is stopped with limit_exceeded.
	GuardSteps int64
	// CallSteps is the run-time step budget of one call (Fire, Permitted,
	// one event of Replay): every evaluation of the call charges it, and
	// once it is spent the call's remaining guards are stopped with
	// limit_exceeded.
	CallSteps int64
}

// WithLimits sets the guard limits; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(o *options) {
		if l.GuardCost > 0 {
			o.limits.GuardCost = l.GuardCost
		}
		if l.GuardSteps > 0 {
			o.limits.GuardSteps = l.GuardSteps
		}
		if l.CallSteps > 0 {
			o.limits.CallSteps = l.CallSteps
		}
	}
}

// WithSigner makes Fire (and Replay) sign every event it appends with key,
// an ed25519 private key of 64 bytes; see Event.Signature. CompileWith and
// With refuse any other key (an empty or nil one too) with invalid_input.
func WithSigner(key ed25519.PrivateKey) Option {
	// Never nil, even for an empty key, so that checkKeys refuses it.
	return func(o *options) { o.signer = append(make(ed25519.PrivateKey, 0, len(key)), key...) }
}

// WithVerifyKeys makes Verify check every event's signature against these
// public keys, reporting an unsigned or forged event, or one signed by
// another key, as bad. A history may be signed by any of them (key
// rotation). Each key must be 32 bytes, or CompileWith and With refuse it
// with invalid_input. Without verify keys Verify does not require
// signatures (it still reports malformed signature fields).
func WithVerifyKeys(keys ...ed25519.PublicKey) Option {
	return func(o *options) {
		for _, k := range keys {
			o.verifyKeys = append(o.verifyKeys, append(ed25519.PublicKey(nil), k...))
		}
	}
}

// WithLocale sets the engine's locale: the language of guard reasons in
// refusals, warnings and permissions when a call names none (a Firing
// without Locale, Permitted, PermittedContext with ""). It is "en" (the
// default) or "cy", or a tag of one such as "cy-GB"; CompileWith and With
// refuse any other with invalid_input. A guard without a reason in the
// locale gives its English one.
func WithLocale(locale string) Option {
	return func(o *options) { o.locale = locale }
}

// WithEarlierPolicies registers policies the host recorded histories
// under before it changed its policy: each is a layer list compiled as
// Compile compiles it (the embedded default first, then the layers),
// except that a list whose first layer is the exact text of a released
// default (ReleasedDefault) is compiled on that default instead. Replay
// and Verify judge an event recorded under one of them (its policy id and
// hash) under it; a registered policy no event names is never used.
// CompileWith and With compile them, and refuse one that does not compile
// with its error (the message naming which).
func WithEarlierPolicies(layers ...[]PolicySource) Option {
	return func(o *options) {
		for _, l := range layers {
			o.earlierSrc = append(o.earlierSrc, append([]PolicySource(nil), l...))
		}
	}
}

// compileEarlier compiles the policies given to WithEarlierPolicies.
func (o *options) compileEarlier() error {
	if len(o.earlierSrc) == 0 {
		return nil
	}
	all := append([]*Engine(nil), o.earlier...)
	lim := o.limits.orDefault()
	for i, layers := range o.earlierSrc {
		var e *Engine
		var err error
		// A list that starts with a released default's text is compiled on it.
		if len(layers) > 0 && releasedDefaultOf(yamlSum(layers[0].Data), true) != nil {
			e, err = compileOn(&layers[0], false, layers[1:], lim.GuardCost, lim.CallSteps)
		} else {
			e, err = compilePolicy(false, layers, lim.GuardCost, lim.CallSteps)
		}
		if err != nil {
			ae := AsError(err) // a new error of the compile's own
			ae.Message = "earlier policy " + strconv.Itoa(i+1) + " (WithEarlierPolicies): " + ae.Message
			return ae
		}
		all = append(all, e)
	}
	o.earlier, o.earlierSrc = all, nil
	return nil
}

// check refuses options that could not work: a bad key (checkKeys) or an
// unknown locale.
func (o *options) check() error {
	if err := o.checkKeys(); err != nil {
		return err
	}
	if o.locale != "" && !knownLocale(normLocale(o.locale)) {
		return &Error{Code: CodeInvalidInput, Message: fmt.Sprintf("unknown locale %s (known: %s)", clip(o.locale), strings.Join(locales[:], ", ")),
			Detail: "Give WithLocale one of the locales the SDK knows (sdk.Locales)."}
	}
	return nil
}

func buildOptions(base options, opts []Option) options {
	o := base
	o.verifyKeys = append([]ed25519.PublicKey(nil), base.verifyKeys...)
	o.earlierSrc = nil
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// CompileWith is Compile with options. An expression whose worst-case cost
// is over the GuardCost limit is refused (invalid_policy, problem code
// too_costly).
func CompileWith(sources []PolicySource, opts ...Option) (*Engine, error) {
	o := buildOptions(options{}, opts)
	if err := o.check(); err != nil {
		return nil, err
	}
	if err := o.compileEarlier(); err != nil {
		return nil, err
	}
	lim := o.limits.orDefault()
	e, err := compilePolicy(true, sources, lim.GuardCost, lim.CallSteps)
	if err != nil {
		return nil, err
	}
	e.opt = o
	return e, nil
}

// With returns an engine on the same compiled policy with these options
// added to e's. e is not changed. A GuardCost limit below the cost of an
// expression the policy compiled is refused with invalid_policy (problem
// code too_costly, naming each expression); GuardSteps takes effect on the
// next evaluation.
func (e *Engine) With(opts ...Option) (*Engine, error) {
	out := *e
	out.opt = buildOptions(e.opt, opts)
	if err := out.opt.check(); err != nil {
		return nil, err
	}
	if err := out.opt.compileEarlier(); err != nil {
		return nil, err
	}
	limit := out.opt.limits.orDefault().GuardCost
	var probs []Problem
	for _, c := range e.p.costs {
		if c.cost > limit {
			probs = append(probs, Problem{Code: "too_costly", Message: fmt.Sprintf("expression %s: %s", clipExpr(c.src), guardlang.TooCostly(c.cost, limit).Msg)})
		}
	}
	calls := out.opt.limits.orDefault().CallSteps
	for _, t := range e.p.triggers {
		if sum := t.cost(); sum > calls {
			probs = append(probs, Problem{Code: "too_costly", Message: triggerTooCostly(t.def.ID, sum, calls)})
		}
	}
	if len(probs) > 0 {
		return nil, &Error{Code: CodeInvalidPolicy, Message: fmt.Sprintf("%d expression(s) or trigger(s) of the policy cost more than the limits (GuardCost %d, CallSteps %d)", len(probs), limit, calls),
			Detail: "Raise Limits.GuardCost or recompile the policy without these expressions.", Problems: probs}
	}
	return &out, nil
}

// steps is the run-time step budget of one evaluation.
func (e *Engine) steps() int64 { return e.opt.limits.orDefault().GuardSteps }

func (e *Engine) callSteps() int64 { return e.opt.limits.orDefault().CallSteps }

// clipExpr quotes a policy expression, shortened to 80 bytes.
func clipExpr(s string) string {
	if len(s) > 80 {
		// Cut at 77 bytes, back to a character boundary (Clip marks the
		// cut with "…"; the message has always used "...").
		cut := textclip.Clip(s, 77)
		s = cut[:len(cut)-len("…")] + "..."
	}
	return fmt.Sprintf("%q", s)
}
