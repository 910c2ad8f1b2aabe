package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/sendflow/sendflow/sdk"
)

// Target is the engine a scenario runs against. *sdk.Engine satisfies it;
// other builds (a WASI module, a JavaScript build) implement it too.
type Target interface {
	NewCase(sdk.Facts) sdk.Case
	Fire(sdk.Case, sdk.Firing) (sdk.Outcome, error)
	Permitted(c sdk.Case, role string, asOf string) ([]sdk.Permission, error)
	Clocks(c sdk.Case, asOf string) (sdk.ClockReport, error)
	TriggerNames() []string
}

var _ Target = (*sdk.Engine)(nil)

// LocaleTarget is a Target that judges permissions with guard reasons in a
// locale, as sdk.Engine.PermittedContext does. A step with a locale needs
// one for its permission expectations; *sdk.Engine is one.
type LocaleTarget interface {
	Target
	PermittedContext(ctx context.Context, c sdk.Case, role, asOf, locale string) ([]sdk.Permission, error)
}

var _ LocaleTarget = (*sdk.Engine)(nil)

// Result is the outcome of running one scenario. When it failed, Step,
// Expected, Actual and Message describe the first expectation that did not
// hold.
type Result struct {
	// File is the scenario's file.
	File string `json:"file"`
	// Name is the scenario's name.
	Name string `json:"name"`
	// Policy is the policy the scenario ran on ("default" or a path).
	Policy string `json:"policy"`
	// Passed is true when every step held.
	Passed bool `json:"passed"`

	// Step is the 1-based failing step; 0 when the scenario failed before
	// its first step (its policy did not load).
	Step int `json:"step,omitempty"`
	// Line is the failing step's line in File.
	Line int `json:"line,omitempty"`
	// Label is the failing step's trigger, or "as of DATE" for a query.
	Label string `json:"label,omitempty"`
	// Check names what failed, e.g. "error", "states.ehc",
	// "clocks.ehc_final_plan.due", "permitted.la_officer".
	Check string `json:"check,omitempty"`
	// Expected and Actual are the expected and the actual value.
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	// Message is one line saying what failed, starting with the step.
	Message string `json:"message,omitempty"`
	// Mismatches lists every expectation of the failing step that did not
	// hold; the first is the one above.
	Mismatches []Mismatch `json:"mismatches,omitempty"`

	// Fired lists the triggers fired successfully, sorted, once each.
	Fired []string `json:"fired"`
	// Initial is every track's initial state (the new case's states).
	Initial map[string]string `json:"initial_states,omitempty"`
	// Timeline has one entry per step run, up to and including the failing one.
	Timeline []Entry `json:"timeline,omitempty"`
}

// Mismatch is one expectation that did not hold.
type Mismatch struct {
	Check    string `json:"check"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	// Message is "check: expected X, got Y" with any detail.
	Message string `json:"message"`
}

// Entry is one step of a scenario's timeline, after the step.
type Entry struct {
	// Step is the 1-based step number.
	Step int `json:"step"`
	// At, Actor and Trigger are set for a firing step.
	At      string `json:"at,omitempty"`
	Actor   string `json:"actor,omitempty"`
	Trigger string `json:"trigger,omitempty"`
	// AsOf is set for a query step.
	AsOf string `json:"as_of,omitempty"`
	// Error is the code the firing failed with, if it failed.
	Error string `json:"error,omitempty"`
	// ErrorMessage is the engine's message for a failed firing.
	ErrorMessage string `json:"error_message,omitempty"`
	// Warnings are the warnings of a successful firing's outcome.
	Warnings []sdk.Warning `json:"warnings,omitempty"`
	// States is every track's state after the step.
	States map[string]string `json:"states"`
	// Clocks is the clock report as of the step (the firing's, or as_of).
	Clocks []sdk.ClockStatus `json:"clocks"`
	// ClocksError is set when the clocks could not be judged.
	ClocksError string `json:"clocks_error,omitempty"`
	// Passed is false for the step the scenario failed at.
	Passed bool `json:"passed"`
}

// Run runs one scenario against a target. It stops at the first step whose
// expectations do not hold. It never panics on a misbehaving target: a panic
// fails the step.
func Run(s *Scenario, t Target) Result {
	res := Result{File: s.File, Name: s.Name, Policy: policyName(s.Policy), Passed: true, Fired: []string{}}
	var c sdk.Case
	if err := protect(func() { c = t.NewCase(s.Case) }); err != nil {
		res.fail(0, Step{}, []Mismatch{{Check: "case", Expected: "a new case", Actual: "panic",
			Message: "opening the case: " + err.Error()}})
		return res
	}
	res.Initial = copyStates(c.States)
	fired := map[string]bool{}
	for i, st := range s.Steps {
		var entry Entry
		var mm []Mismatch
		if err := protect(func() { c, entry, mm = runStep(t, c, st, fired) }); err != nil {
			entry = Entry{At: st.At, Actor: st.Actor, Trigger: st.Trigger, AsOf: st.AsOf, States: copyStates(c.States)}
			mm = append(mm, Mismatch{Check: "engine", Expected: "no panic", Actual: "panic",
				Message: "the engine panicked: " + err.Error()})
		}
		entry.Step = i + 1
		entry.Passed = len(mm) == 0
		res.Timeline = append(res.Timeline, entry)
		if len(mm) > 0 {
			res.fail(i+1, st, mm)
			break
		}
	}
	// Never nil: an empty list is [] in the JSON, not null.
	res.Fired = slices.Sorted(maps.Keys(fired))
	if res.Fired == nil {
		res.Fired = []string{}
	}
	return res
}

func (r *Result) fail(n int, st Step, mm []Mismatch) {
	r.Passed = false
	r.Step, r.Line, r.Label = n, st.Line, st.Label()
	r.Mismatches = mm
	first := mm[0]
	r.Check, r.Expected, r.Actual = first.Check, first.Expected, first.Actual
	if n > 0 {
		r.Message = fmt.Sprintf("step %d (%s): %s", n, r.Label, first.Message)
	} else {
		r.Message = first.Message
	}
	if len(mm) > 1 {
		r.Message += fmt.Sprintf(" (and %d more)", len(mm)-1)
	}
}

// runStep runs one step and returns the case after it, its timeline entry and
// every expectation that did not hold.
func runStep(t Target, c sdk.Case, st Step, fired map[string]bool) (sdk.Case, Entry, []Mismatch) {
	var mm mismatches
	entry := Entry{At: st.At, Actor: st.Actor, Trigger: st.Trigger, AsOf: st.AsOf}
	ex := st.Expect
	when := st.When()

	var clocks []sdk.ClockStatus
	haveClocks := false
	if !st.IsQuery() {
		c, clocks, haveClocks = fireStep(t, c, st, fired, &entry, &mm)
	}
	entry.States = copyStates(c.States)
	if !haveClocks {
		clocks = reportClocks(t, c, when, len(ex.Clocks) > 0, &entry, &mm)
	}
	entry.Clocks = clocks
	if len(mm) > 0 && mm[0].Check == "error" {
		// The firing did not succeed or fail as expected: judging the rest
		// would only repeat the same fault.
		return c, entry, mm
	}
	mm.checkStates(ex.States, withDisputes(c))
	if len(ex.Clocks) > 0 && entry.ClocksError == "" {
		mm.checkClocks(ex.Clocks, clocks)
	}
	mm.checkPermissions(t, c, ex, when, st.Locale)
	return c, entry, mm
}

// mismatches collects what a step found against its expectations.
type mismatches []Mismatch

func (mm *mismatches) add(check, expected, actual, detail string) {
	msg := fmt.Sprintf("%s: expected %s, got %s", check, expected, actual)
	if check == "error" {
		msg = fmt.Sprintf("expected %s, got %s", expected, actual)
	}
	if detail != "" {
		msg += ": " + detail
	}
	*mm = append(*mm, Mismatch{Check: check, Expected: expected, Actual: actual, Message: msg})
}

// fireStep fires the step's trigger on c and checks it succeeded or failed
// as expected, a refused firing leaving the case unchanged. It returns the
// case after the step and, when the firing succeeded, its clock report.
func fireStep(t Target, c sdk.Case, st Step, fired map[string]bool, entry *Entry, mm *mismatches) (sdk.Case, []sdk.ClockStatus, bool) {
	ex := st.Expect
	before, beforeErr := jsonForm(c)
	out, err := t.Fire(c, sdk.Firing{Trigger: st.Trigger, Actor: st.Actor, By: st.By, At: st.At,
		Data: copyMap(st.Data), Facts: copyMap(st.Facts), Locale: st.Locale})
	if err == nil {
		fired[st.Trigger] = true
		entry.Warnings = out.Warnings
		if ex.Error != "" {
			mm.add("error", "error "+ex.Error, "success", "")
		} else {
			mm.checkWarnings(ex.Warnings, out.Warnings)
		}
		return out.Case, out.Clocks, true
	}
	e := sdk.AsError(err)
	entry.Error, entry.ErrorMessage = string(e.Code), e.Error()
	if ex.Error == "" {
		mm.add("error", "success", "error "+string(e.Code), detail(e))
	} else if string(e.Code) != ex.Error {
		mm.add("error", "error "+ex.Error, "error "+string(e.Code), detail(e))
	} else {
		mm.checkReasons(ex.Reasons, e.Guards)
	}
	after, afterErr := jsonForm(c)
	switch {
	case beforeErr != nil || afterErr != nil:
		mm.add("case", "the case unchanged", "a case that does not marshal to JSON", fmt.Sprint(firstErr(beforeErr, afterErr)))
	case !reflect.DeepEqual(before, after):
		mm.add("case", "the case unchanged", "a changed case", "the refused firing changed "+strings.Join(changedKeys(before, after), ", "))
	}
	return c, nil, false
}

// reportClocks is the clock report of c as of when; an error is recorded
// in the entry, and is a mismatch when the step expects clocks.
func reportClocks(t Target, c sdk.Case, when string, expected bool, entry *Entry, mm *mismatches) []sdk.ClockStatus {
	rep, err := t.Clocks(c, when)
	if err != nil {
		entry.ClocksError = sdk.AsError(err).Error()
		if expected {
			mm.add("clocks", "a clock report as of "+when, "error "+string(sdk.AsError(err).Code), detail(sdk.AsError(err)))
		}
		return nil
	}
	return rep.Clocks
}

// withDisputes is c's states and, for each decision dN, "dispute.dN": the
// state of that decision's own dispute (a scenario's name for one dispute).
func withDisputes(c sdk.Case) map[string]string {
	if len(c.Decisions) == 0 {
		return c.States
	}
	out := copyStates(c.States)
	for k, v := range sdk.DisputeStates(c, "dispute", "none") {
		out[k] = v
	}
	return out
}

// checkStates: each track expected is in the expected state.
func (mm *mismatches) checkStates(want, states map[string]string) {
	for _, track := range slices.Sorted(maps.Keys(want)) {
		w := want[track]
		got, ok := states[track]
		if !ok {
			mm.add("states."+track, w, "no such track", "")
		} else if got != w {
			mm.add("states."+track, w, got, "")
		}
	}
}

// checkClocks: each clock expected is in the report, with the due date and
// status expected when the expectation names them.
func (mm *mismatches) checkClocks(want map[string]ClockExpect, clocks []sdk.ClockStatus) {
	// An unqualified per-decision clock id ("appeal_window") names its latest
	// started instance ("appeal_window.d8"), as in LIFECYCLE's Clocks.
	byKey := sdk.UnqualifiedClocks(clocks)
	for _, cs := range clocks {
		byKey[clockKey(cs)] = cs
	}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		w := want[key]
		got, ok := byKey[key]
		switch {
		case w.Absent && ok:
			mm.add("clocks."+key, "absent", fmt.Sprintf("due %s status %s", orNone(got.Due), orNone(string(got.Status))), "")
			continue
		case w.Absent:
			continue
		case !ok:
			mm.add("clocks."+key, "a clock", "no such clock", "")
			continue
		}
		if w.Due != "" && got.Due != w.Due {
			mm.add("clocks."+key+".due", w.Due, orNone(got.Due), "")
		}
		if w.Status != "" && string(got.Status) != w.Status {
			mm.add("clocks."+key+".status", w.Status, orNone(string(got.Status)), "")
		}
	}
}

// checkPermissions: each role may fire the triggers expected permitted as
// of when, and may not fire those expected not permitted (and why not), the
// permissions judged in locale.
func (mm *mismatches) checkPermissions(t Target, c sdk.Case, ex Expect, when, locale string) {
	for _, p := range []struct {
		key   string
		roles map[string][]string
		allow bool
	}{{"permitted", ex.Permitted, true}, {"not_permitted", ex.NotPermitted, false}, {"why_not", whyNotRoles(ex.WhyNot), false}} {
		for _, role := range slices.Sorted(maps.Keys(p.roles)) {
			check := p.key + "." + role
			perms, err := permitted(t, c, role, when, locale)
			if err != nil {
				mm.add(check, "the permissions as of "+when+inLocale(locale), "error "+string(sdk.AsError(err).Code), detail(sdk.AsError(err)))
				continue
			}
			mm.checkRole(check, p.roles[role], p.allow, perms)
			if p.key == "why_not" {
				mm.checkWhyNot(check, ex.WhyNot[role], perms)
			}
		}
	}
}

// permitted is t's permissions for role as of when, in locale when one is
// named (a target that cannot judge permissions in a locale fails then).
func permitted(t Target, c sdk.Case, role, when, locale string) ([]sdk.Permission, error) {
	if locale == "" {
		return t.Permitted(c, role, when)
	}
	lt, ok := t.(LocaleTarget)
	if !ok {
		return nil, &sdk.Error{Code: sdk.CodeInternal, Message: "the engine cannot judge permissions in a locale"}
	}
	return lt.PermittedContext(context.Background(), c, role, when, locale)
}

func inLocale(locale string) string {
	if locale == "" {
		return ""
	}
	return " in locale " + locale
}

// checkRole: each of triggers is allowed (allow) or not in perms.
func (mm *mismatches) checkRole(check string, triggers []string, allow bool, perms []sdk.Permission) {
	byTrigger := make(map[string]sdk.Permission, len(perms))
	for _, pm := range perms {
		byTrigger[pm.Trigger] = pm
	}
	for _, trig := range triggers {
		pm, ok := byTrigger[trig]
		switch {
		case !ok && allow:
			mm.add(check, trig+" allowed", "no such trigger", "")
		case !ok:
			mm.add(check, trig+" not allowed", "no such trigger", "")
		case allow && !pm.Allowed:
			mm.add(check, trig+" allowed", trig+" "+orNone(string(pm.Code)), pm.Reason)
		case !allow && pm.Allowed:
			mm.add(check, trig+" not allowed", trig+" allowed", "")
		}
	}
}

// clockKey is a clock status's key: Key, or "id" / "id.source".
func clockKey(cs sdk.ClockStatus) string {
	if cs.Key != "" {
		return cs.Key
	}
	if cs.Source != "" {
		return cs.ID + "." + cs.Source
	}
	return cs.ID
}

// detail is an engine error's text without its leading code.
func detail(e *sdk.Error) string {
	return strings.TrimLeft(strings.TrimPrefix(e.Error(), string(e.Code)), ": ")
}

func policyName(p string) string {
	if p == "" {
		return "default"
	}
	return p
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// jsonForm is the case as a JSON host sees it: a deep copy that does not
// share memory with c.
func jsonForm(c sdk.Case) (any, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var v any
	err = json.Unmarshal(b, &v)
	return v, err
}

// changedKeys names the top-level fields that differ between two JSON forms.
func changedKeys(a, b any) []string {
	am, _ := a.(map[string]any)
	bm, _ := b.(map[string]any)
	keys := map[string]bool{}
	for k := range am {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if !reflect.DeepEqual(am[k], bm[k]) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{"the case"}
	}
	return out
}

func copyStates(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// copyMap deep-copies a normalised payload so the target cannot change the
// scenario.
func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	v, err := Normalise(m)
	if err != nil {
		return m
	}
	return v.(map[string]any)
}

// protect runs f and turns a panic into an error.
func protect(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

// unfired returns the triggers in all not in fired, sorted.
func unfired(all []string, fired map[string]int) []string {
	var out []string
	for _, t := range all {
		if fired[t] == 0 && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}
