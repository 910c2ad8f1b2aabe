// Package policy is the policy document and its front end: the types a
// policy decodes into (Policy and its parts), parsing a document safely
// (its size, depth and expansion checked before a parser reads it), the
// keys it has that the format does not, merging layers (the default, then
// each overlay) and where each element of the merged policy came from.
//
// The sdk package re-exports the types (sdk.Policy is policy.Policy), so
// they are the public API; the rest is the compiler's front end.
package policy

import (
	"bytes"
	"encoding/json"
)

// The policy document: the whole lifecycle as data. The embedded default
// (policies/default.yaml) is one of these; a district overlay is another.

// Policy is a lifecycle policy document (YAML or JSON).
type Policy struct {
	// ID names the policy, e.g. "default" or "kent".
	ID string `json:"id"`
	// Title is a human-readable name.
	Title string `json:"title,omitempty"`
	// Version is the policy author's version string.
	Version string `json:"version,omitempty"`
	// Extends is the path of the policy this overlay sits on (a district's
	// authority), relative to this file. File loaders (the CLI, the scenario
	// runner) compile that layer first; Compile itself ignores it, because it
	// is given its layers in order.
	Extends string `json:"extends,omitempty"`
	// AllowBelowStatutoryFloor waives every statutory floor rule for what
	// this layer itself changes (not for the layers above it); every
	// outcome then carries a warning. Prefer Waivers, which name the rule.
	AllowBelowStatutoryFloor bool `json:"allow_below_statutory_floor,omitempty"`
	// Waivers each waive one statutory floor rule for what this layer
	// itself changes: the breach compiles as a below_statutory_floor
	// warning on every outcome, and `sendflow check` fails unless the caller
	// accepts waivers. A waiver never covers another layer.
	Waivers []Waiver `json:"waivers,omitempty"`
	// Acknowledge lists lints this layer's author has looked at and keeps:
	// `sendflow check --strict` no longer fails on them.
	Acknowledge []Acknowledgement `json:"acknowledge,omitempty"`
	// Roles are the roles that may act.
	Roles []RoleDef `json:"roles,omitempty"`
	// Parameters are named values guards and clocks read (params.NAME).
	Parameters []Parameter `json:"parameters,omitempty"`
	// EvidenceKinds are the kinds of evidence a case may hold.
	EvidenceKinds []string `json:"evidence_kinds,omitempty"`
	// AppealClock is the clock every appealable decision starts.
	AppealClock string `json:"appeal_clock,omitempty"`
	// DecisionKinds are the appealable decisions (CFA s51).
	DecisionKinds []string `json:"decision_kinds,omitempty"`
	// Holidays replaces the England & Wales bank holidays used for working
	// days (dates YYYY-MM-DD) in every year it has a date in; other years
	// keep the bundled list (2024-2030) or the standing rules.
	Holidays []string `json:"holidays,omitempty"`
	// Tracks are the parallel state machines of a case.
	Tracks []TrackDef `json:"tracks,omitempty"`
	// Clocks are the time limits triggers start and stop.
	Clocks []ClockDef `json:"clocks,omitempty"`
	// Triggers are the events that move a case.
	Triggers []TriggerDef `json:"triggers,omitempty"`
	// Labels are the words a service shows for each trigger: a plain
	// imperative action ("Record the request"), keyed by trigger id and then
	// by locale ("en", "cy"); a locale without a label falls back to
	// English. Labels are words, not law: a later layer overrides them one
	// label at a time, and they are not part of the policy hash (see
	// TriggerLabels).
	Labels map[string]map[string]string `json:"labels,omitempty"`
}

// Waiver waives one statutory floor rule for one layer (Policy.Waivers).
type Waiver struct {
	// Rule is the floor rule waived (see FloorRules).
	Rule string `json:"rule"`
	// Reason says why, for whoever reviews the policy.
	Reason string `json:"reason"`
	// Citation is the authority for it, if any.
	Citation string `json:"citation,omitempty"`
}

// Acknowledgement keeps one lint (Policy.Acknowledge).
type Acknowledgement struct {
	// Code is the lint's code, e.g. "no_citation".
	Code string `json:"code"`
	// ID is what the lint names: a guard as "trigger/guard", or a trigger.
	ID string `json:"id"`
	// Reason says why the lint is kept.
	Reason string `json:"reason,omitempty"`
}

// RoleDef declares a role.
type RoleDef struct {
	// ID is the role name, e.g. "parent".
	ID string `json:"id"`
	// Description says who acts in this role.
	Description string `json:"description,omitempty"`
	// Statutory marks a role named in statute (a policy may not drop it).
	Statutory bool `json:"statutory,omitempty"`
	// Eligibility is a guard the actor must pass to act in this role at all
	// (e.g. young_person: over compulsory school age and under 25). Failing
	// it is not_authorised.
	Eligibility *GuardDef `json:"eligibility,omitempty"`
}

// Parameter is a named policy value.
type Parameter struct {
	// ID is the parameter name, read as params.ID.
	ID string `json:"id"`
	// Value is a number, string or boolean.
	Value any `json:"value"`
	// Description says what it is for.
	Description string `json:"description,omitempty"`
	// Type, Min, Max, Enum and Fixed are the parameter's declaration, made
	// by the layer that adds it: a later layer sets only Value, within
	// them. Type is number, integer, string, boolean or list.
	Type string `json:"type,omitempty"`
	// Min and Max bound a number or integer.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// Enum lists the values a string (or a list's items) may take.
	Enum []string `json:"enum,omitempty"`
	// Fixed parameters cannot be changed by a later layer (the default
	// fixes those its statutory rules read).
	Fixed bool `json:"fixed,omitempty"`
}

// TrackDef is one track: a state machine with an initial state.
type TrackDef struct {
	// ID is the track name, e.g. "ehc".
	ID string `json:"id"`
	// Description says what the track is for.
	Description string `json:"description,omitempty"`
	// Initial is the state a new case starts in.
	Initial string `json:"initial"`
	// States are the track's states; a state may nest sub-states.
	States []StateDef `json:"states"`
	// Disabled switches the track off (an authority without LIFT).
	Disabled bool `json:"disabled,omitempty"`
	// Statutory marks a track whose process statute sets (ehc, plan,
	// dispute): an overlay may add advisory guards, reasons, record-only
	// triggers, shorter duties and longer windows there, and nothing else.
	// Only the default policy's marks count.
	Statutory bool `json:"statutory,omitempty"`
	// PerDecision makes the track one instance per appealable decision
	// (the dispute track): each decision "d<seq>" keeps its own state on
	// its Decision record, a firing names the decision by data "decision"
	// (or the naming rule, docs/decisions.md), and Case.States holds the
	// unqualified view: the state of the most recent decision whose state
	// is not the initial one.
	PerDecision *PerDecision `json:"per_decision,omitempty"`
}

// PerDecision configures a per-decision track (TrackDef.PerDecision).
type PerDecision struct {
	// TimeToAppeal are the clocks whose latest due date is the time to
	// appeal a decision (HESC r20(1)(c)): a decision is open while its
	// track is not at the initial state or one of them has not ended.
	TimeToAppeal []string `json:"time_to_appeal"`
	// TimedStates are the states (besides the initial one) from which the
	// naming rule picks a decision only while its time to appeal has not
	// ended (certificate_issued).
	TimedStates []string `json:"timed_states,omitempty"`
	// Start are the per-decision clocks every decision starts besides the
	// policy's appeal_clock (R33's mediation_contact).
	Start []string `json:"start,omitempty"`
	// OrderField is the data field whose value a firing records on the
	// decision as its order (the Tribunal's order), read by guards as
	// decision_order.
	OrderField string `json:"order_field,omitempty"`
}

// StateDef is one state, possibly with sub-states.
type StateDef struct {
	// ID is the state's own name (without its parent's prefix).
	ID string `json:"id"`
	// Description says what the state means.
	Description string `json:"description,omitempty"`
	// Initial is the sub-state entered when the state itself is the target.
	Initial string `json:"initial,omitempty"`
	// States are the sub-states.
	States []StateDef `json:"states,omitempty"`
}

// ClockDef declares a time limit.
type ClockDef struct {
	// ID is the clock id, e.g. "ehc_final_plan".
	ID string `json:"id"`
	// Description says what must happen by the due date.
	Description string `json:"description,omitempty"`
	// Kind is "duty" (default), "window" (ends by itself) or "advisory"
	// (guidance: a miss is a warning, not a statutory miss).
	Kind ClockKind `json:"kind,omitempty"`
	// Unit is weeks, days, days_beginning_with, months, months_starting_with,
	// working_days, working_days_beginning_with (counted from the start), or
	// before, weeks_before, months_before (counted back from the date D
	// given by Before: the day before D, or Length weeks or months before it).
	Unit string `json:"unit"`
	// Length is how many units; LengthParam names a parameter instead.
	Length      int    `json:"length,omitempty"`
	LengthParam string `json:"length_param,omitempty"`
	// Before is an expression giving the date D of a "before D" deadline
	// (unit before: due the day before D; weeks_before, months_before: due
	// Length weeks or months before D, D not counted).
	Before string `json:"before,omitempty"`
	// When is a boolean expression: when set, a trigger starts (or
	// restarts) the clock only if it holds at that firing, e.g. the
	// six-monthly review of a child under 5 (CoP 9.178).
	When string `json:"when,omitempty"`
	// Recompute works the due date of an open instance out again whenever
	// a firing changes the case's facts (the age limit, from
	// child.post25_setting and its end dates, R46(1)). Only for a clock
	// with Before reading no payload field.
	Recompute bool `json:"recompute,omitempty"`
	// TribunalMoves applies the HESC r12 moves to the due date.
	TribunalMoves bool `json:"tribunal_moves,omitempty"`
	// PerSource makes one clock per source (the firing's data field Source).
	PerSource bool `json:"per_source,omitempty"`
	// PerDecision makes one clock per appealable decision, keyed
	// "clock.dN" ("clock.source.dN" when also per source): started by a
	// decision for it, or by a per-decision track's firing for the decision
	// it names. An unqualified id names the latest started instance.
	PerDecision bool `json:"per_decision,omitempty"`
	// Excusable means any exception recorded on the clock while it runs
	// (Effects.Except) excuses a miss. A clock with Exceptions ignores it.
	Excusable bool `json:"excusable,omitempty"`
	// Exceptions lists the reasons that excuse a miss, each with its own
	// conditions (R5(4), R8(2), R10(4), R13(3), R27(3), R44(3), R45): an
	// exception recorded on the case (Case.Exceptions) excuses the clock
	// only if its reason is listed here and its period overlaps the clock's
	// run before due. An overlay may narrow the list, never widen it.
	Exceptions []ExceptionRule `json:"exceptions,omitempty"`
	// Statutory marks a clock set by law; a policy may shorten but not
	// lengthen it.
	Statutory bool `json:"statutory,omitempty"`
	// Citation is the source of the time limit.
	Citation string `json:"citation,omitempty"`
}

// Instead redirects or refuses a trigger while When holds
// (TriggerDef.Instead).
type Instead struct {
	// When is a boolean expression over the case (no payload).
	When string `json:"when"`
	// Trigger is the trigger fired instead; empty: not_permitted.
	Trigger string `json:"trigger,omitempty"`
	// Reason says why, for the refusal or Permitted.
	Reason string `json:"reason"`
}

// ExceptionRule is one reason that excuses a clock's miss
// (ClockDef.Exceptions).
type ExceptionRule struct {
	// Reason is the exception's reason, the data field reason of the
	// trigger that records it.
	Reason string `json:"reason"`
	// MinDays is the shortest period that counts: an exception whose until
	// is fewer days after its since excuses nothing (an open exception has
	// no end yet, so it counts until it is ended).
	MinDays int `json:"min_days,omitempty"`
	// AdviceClock, when set, is a clock key (e.g. "ehc_advice.educational")
	// whose start is the default of the exception's advice_requested_on:
	// the reason excuses only when that date lies between since and until,
	// each less AdviceDaysBefore days (R5(4)(a)-(b): the LA asked the
	// closed institution for advice from a week before it closed until a
	// week before it reopened).
	AdviceClock      string `json:"advice_clock,omitempty"`
	AdviceDaysBefore int    `json:"advice_days_before,omitempty"`
	// StartedBy limits the rule to a clock started by one of these
	// triggers; NotStartedBy leaves out a clock started by one of them
	// (R44(3) and R45 list different reasons for the same order clock,
	// made by an order or by an unopposed appeal).
	StartedBy    []string `json:"started_by,omitempty"`
	NotStartedBy []string `json:"not_started_by,omitempty"`
}

// TriggerDef declares a trigger: where it may fire from, who may fire it,
// what it needs, and what it does.
type TriggerDef struct {
	// ID is "track.event".
	ID string `json:"id"`
	// Description says what happened.
	Description string `json:"description,omitempty"`
	// From lists the states it may fire from (a parent state covers its
	// sub-states).
	From []string `json:"from"`
	// To is the destination state; empty means the state does not change.
	To string `json:"to,omitempty"`
	// Roles may fire it; any other role is not_authorised.
	Roles []string `json:"roles"`
	// Payload declares the data fields.
	Payload []FieldDef `json:"payload,omitempty"`
	// Guards must all hold (advisory ones only warn).
	Guards []GuardDef `json:"guards,omitempty"`
	// Effects always apply.
	Effects Effects `json:"effects,omitempty"`
	// Branches choose the destination and extra effects by the data: the
	// first whose When holds applies (one without When is the default).
	Branches []Branch `json:"branches,omitempty"`
	// Citation is the legal or local source.
	Citation string `json:"citation,omitempty"`
	// DecisionOpen, on a per-decision track's trigger, names the clocks of
	// which one must not have ended for the naming rule to pick a decision
	// whose state is the initial one (R33's mediation_contact for a
	// mediation trigger); empty means the track's time to appeal.
	DecisionOpen []string `json:"decision_open,omitempty"`
	// DecisionStates are the from-states in which the naming rule picks a
	// decision without looking at DecisionOpen's clocks; in every other
	// state, when DecisionOpen is set, one of them must be open
	// (dispute.order_complied: a decided dispute, or an agreement's order
	// clock open in any state).
	DecisionStates []string `json:"decision_states,omitempty"`
	// OnDecision, on a trigger of another track, makes its guards read the
	// per-decision view of the latest decision of this kind (plan.ceased
	// reads its cease decision's dispute and clocks).
	OnDecision string `json:"on_decision,omitempty"`
	// Instead, while its condition holds, makes a firing of this trigger a
	// firing of another (recorded as it, judged by its roles, from-states
	// and guards), or refuses it as not_permitted when it names none: a
	// request for an assessment while a plan is maintained is a request
	// for a reassessment (CFA s44(2)).
	Instead *Instead `json:"instead,omitempty"`
	// FamilyRight marks a trigger by which a parent or young person uses a
	// statutory right (requesting an assessment, seeking mediation,
	// appealing), or a step someone else takes on the family's behalf. The
	// statutory floor refuses an overlay that puts a new blocking guard or a
	// new required data field on it, or takes a from-state away. Only the
	// default policy's marks count: in an overlay the field is ignored, so
	// an overlay can neither mark nor unmark a trigger.
	FamilyRight *FamilyRight `json:"family_right,omitempty"`
	// SEN2 names what the trigger is to the DfE SEN2 return (sdk/report):
	// request, assess, plan_issued, mediation, ... (docs/sen2.md lists
	// them). Only the default policy's marks count: in an overlay the field
	// is ignored, so the return reads every case the same way.
	SEN2 string `json:"sen2,omitempty"`
}

// FamilyRight says which statutory right a trigger is the family's way of
// using, for the statutory floor (TriggerDef.FamilyRight).
type FamilyRight struct {
	// Rule is the statutory floor rule a violation is reported under
	// (ehc_request_unguarded or appealable_decision_kept; see FloorRules).
	Rule string `json:"rule"`
	// Right says what the right is, with its citation, for the floor's
	// messages.
	Right string `json:"right"`
	// ByOthers: the step is taken by someone else on the family's behalf
	// (the mediation adviser, the Tribunal), so the floor allows no new
	// blocking guard for any role, not only for a parent or young person.
	ByOthers bool `json:"by_others,omitempty"`
	// Roles are the roles that hold the right (a school's request, anyone
	// bringing a child to the LA's attention); empty means parent and
	// young_person, or every role of the trigger when ByOthers.
	Roles []string `json:"roles,omitempty"`
	// PassesToYoungPerson marks a family rights trigger (LIFECYCLE.md
	// "Family rights triggers"): before compulsory school age ends the
	// right is the parent's, after it the young person's (CFA s83(2)),
	// with a parent acting only on the young person's written authority
	// (data on_behalf_of) or while the young person lacks capacity, and a
	// deputy or attorney then acting as parent (data acting_as; CFA s80,
	// R64). Such a trigger declares both data fields. Overlays cannot
	// change the mark (statutory floor).
	PassesToYoungPerson bool `json:"passes_to_young_person,omitempty"`
}

// Branch is one conditional outcome of a trigger.
type Branch struct {
	// When is a boolean expression; empty means always.
	When string `json:"when,omitempty"`
	// To is the destination state; empty means the trigger's To.
	To string `json:"to,omitempty"`
	// Effects apply in addition to the trigger's own.
	Effects Effects `json:"effects,omitempty"`
}

// FieldDef declares one payload field.
type FieldDef struct {
	// Name is the field's key in data.
	Name string `json:"name"`
	// Type is string, integer, number, boolean, date, list (of strings) or
	// map (an object from a key, among Enum when set, to a date; at most
	// MaxMapEntries entries), e.g. the dates agreed at mediation per item.
	Type string `json:"type"`
	// Required fields must be present.
	Required bool `json:"required,omitempty"`
	// Enum restricts string values (or list items, or map keys).
	Enum []string `json:"enum,omitempty"`
	// Min and Max bound numbers and integers; MinItems bounds lists.
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	MinItems int      `json:"min_items,omitempty"`
	// NotAfterAt refuses a date later than the firing's own date
	// (invalid_input), e.g. an exception's since.
	NotAfterAt bool `json:"not_after_at,omitempty"`
	// NotBeforeAt refuses a date (or a map's date) earlier than the
	// firing's own date (invalid_input), e.g. a date agreed for the future.
	NotBeforeAt bool `json:"not_before_at,omitempty"`
	// Roles limits who may set the field (empty: every role of the
	// trigger); another role setting it is invalid_input.
	Roles []string `json:"roles,omitempty"`
	// Description says what it holds.
	Description string `json:"description,omitempty"`
}

// GuardDef is one guard: an expression that must hold.
type GuardDef struct {
	// ID names the guard.
	ID string `json:"id"`
	// Expr is an expr-lang boolean expression over the guard environment.
	Expr string `json:"expr"`
	// Reason is the plain-English reason shown when it fails.
	Reason string `json:"reason"`
	// Reasons gives the reason in other languages, keyed by locale (e.g.
	// "cy" for Welsh). English stays in Reason; a locale without an entry
	// falls back to it.
	Reasons map[string]string `json:"reasons,omitempty"`
	// Citation is the legal or local source.
	Citation string `json:"citation,omitempty"`
	// Severity is "block" (default) or "advice" (warn, never refuse).
	Severity string `json:"severity,omitempty"`
	// Roles limits the guard to these actors (empty: every actor).
	Roles []string `json:"roles,omitempty"`
	// Disabled switches off a guard an earlier layer defined (give its id
	// and disabled: true). Guards the statutory floor needs cannot be
	// removed this way: the floor is checked on the result.
	Disabled bool `json:"disabled,omitempty"`
	// Statutory marks a default guard that protects a statutory right of
	// the child or family (the 15 days to comment on a draft plan, two
	// weeks' notice of a review, a plan kept while an appeal may be made).
	// An overlay may not disable it, change its expression or severity, or
	// limit it to some roles (statutory floor rule statutory_guard_kept).
	Statutory bool `json:"statutory,omitempty"`
}

// Effects are what a firing does besides moving its own track.
type Effects struct {
	// Start starts clocks (restarting any instance with the same key).
	Start []ClockRef `json:"start,omitempty"`
	// Stop stops running clocks: met if on time, missed if late.
	Stop []ClockRef `json:"stop,omitempty"`
	// Cancel ends running clocks whose process ended another way (a duty
	// already past its due date stays missed).
	Cancel []ClockRef `json:"cancel,omitempty"`
	// Void ends running clocks whose duty never arose: they show cancelled
	// even when past their due date.
	Void []ClockRef `json:"void,omitempty"`
	// Except records an exception on the case (Case.Exceptions: the data
	// fields reason, since, until, advice_requested_on), which excuses the
	// clocks whose Exceptions rules it meets; on the listed clocks that are
	// Excusable without rules it also marks the running ones (Clock.Exception).
	Except []ClockRef `json:"except,omitempty"`
	// EndException ends the case's open exception: its until is the data
	// field until, or the firing's date.
	EndException bool `json:"end_exception,omitempty"`
	// ResetExceptions starts a new request with no exception: the
	// exceptions recorded so far excuse no clock started from the firing's
	// date on (a new request starts with none).
	ResetExceptions bool `json:"reset_exceptions,omitempty"`
	// SetStates moves other tracks directly (e.g. plan → active).
	SetStates map[string]string `json:"set_states,omitempty"`
	// Decision records an appealable decision and starts the appeal window.
	Decision string `json:"decision,omitempty"`
	// Note, on a per-decision track's trigger, records a note on the
	// decision it acts on (Decision.notes, read by guards as decision_notes),
	// e.g. that the LA responded to the appeal (R45(1)). A decision's notes
	// are cleared when its dispute returns to the initial state.
	Note string `json:"note,omitempty"`
}

// ClockRef names a clock, and for per-source clocks the data field holding
// the source (every source when empty, for stop/cancel/except).
type ClockRef struct {
	Clock  string `json:"clock"`
	Source string `json:"source,omitempty"`
	// SourceActor, on a stop or cancel, names the per-source instance whose
	// source is the firing actor's role (a recommendation answered by the
	// body it was made to).
	SourceActor bool `json:"source_actor,omitempty"`
	// IfItem, on a start, starts the clock only when the list data field
	// IfField holds this item (an R42 mediation agreement starts the clocks
	// of the items agreed).
	IfField string `json:"if_field,omitempty"`
	IfItem  string `json:"if_item,omitempty"`
	// DueFrom, on a start with IfItem, names a map data field: when it
	// holds IfItem, that date is the clock's due date (R42(5): the dates
	// agreed in writing at mediation).
	DueFrom string `json:"due_from,omitempty"`
}

// UnmarshalYAML accepts a bare clock id as well as {clock, source}. (The
// YAML decoder would otherwise go through UnmarshalJSON, re-formatting the
// whole document for every clock reference.)
func (r *ClockRef) UnmarshalYAML(unmarshal func(any) error) error {
	var id string
	if err := unmarshal(&id); err == nil {
		*r = ClockRef{Clock: id}
		return nil
	}
	type plain ClockRef
	return unmarshal((*plain)(r))
}

// UnmarshalJSON accepts a bare clock id as well as {clock, source}.
func (r *ClockRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return jsonUnmarshal(b, &r.Clock)
	}
	type plain ClockRef
	return jsonUnmarshal(b, (*plain)(r))
}

// ClockKind is what a clock times: a duty, a window or guidance.
type ClockKind string

// The clock kinds (ClockDef.Kind in a policy, Clock.Kind on a case).
const (
	// ClockDuty is a time limit someone must act by; past Due it is missed.
	ClockDuty ClockKind = "duty"
	// ClockWindow is a period that ends by itself; past Due it has ended.
	ClockWindow ClockKind = "window"
	// ClockAdvisory is guidance (the six-monthly review of an under-5's plan,
	// CoP 9.178): past Due it is missed, but a miss is a warning, never
	// counted with the statutory misses.
	ClockAdvisory ClockKind = "advisory"
)

// jsonUnmarshal decodes b strictly: an unknown field is an error.
func jsonUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
