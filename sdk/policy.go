package sdk

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
	// Kind is "duty" (default) or "window" (ends by itself).
	Kind ClockKind `json:"kind,omitempty"`
	// Unit is weeks, days, days_beginning_with, months, months_starting_with,
	// working_days, or before (a fixed date given by Before).
	Unit string `json:"unit"`
	// Length is how many units; LengthParam names a parameter instead.
	Length      int    `json:"length,omitempty"`
	LengthParam string `json:"length_param,omitempty"`
	// Before is an expression giving the date D of a "before D" deadline
	// (the clock is due the day before D).
	Before string `json:"before,omitempty"`
	// TribunalMoves applies the HESC r12 moves to the due date.
	TribunalMoves bool `json:"tribunal_moves,omitempty"`
	// PerSource makes one clock per source (the firing's data field Source).
	PerSource bool `json:"per_source,omitempty"`
	// Excusable means a recorded exception excuses a miss (R10(4)).
	Excusable bool `json:"excusable,omitempty"`
	// Statutory marks a clock set by law; a policy may shorten but not
	// lengthen it.
	Statutory bool `json:"statutory,omitempty"`
	// Citation is the source of the time limit.
	Citation string `json:"citation,omitempty"`
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
	// FamilyRight marks a trigger by which a parent or young person uses a
	// statutory right (requesting an assessment, seeking mediation,
	// appealing), or a step someone else takes on the family's behalf. The
	// statutory floor refuses an overlay that puts a new blocking guard or a
	// new required data field on it, or takes a from-state away. Only the
	// default policy's marks count: in an overlay the field is ignored, so
	// an overlay can neither mark nor unmark a trigger.
	FamilyRight *FamilyRight `json:"family_right,omitempty"`
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
	// Type is string, integer, number, boolean, date or list (of strings).
	Type string `json:"type"`
	// Required fields must be present.
	Required bool `json:"required,omitempty"`
	// Enum restricts string values (or list items).
	Enum []string `json:"enum,omitempty"`
	// Min and Max bound numbers and integers; MinItems bounds lists.
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	MinItems int      `json:"min_items,omitempty"`
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
	// Except records an exception (the data field Reason) on running clocks.
	Except []ClockRef `json:"except,omitempty"`
	// SetStates moves other tracks directly (e.g. plan → active).
	SetStates map[string]string `json:"set_states,omitempty"`
	// Decision records an appealable decision and starts the appeal window.
	Decision string `json:"decision,omitempty"`
}

// ClockRef names a clock, and for per-source clocks the data field holding
// the source (every source when empty, for stop/cancel/except).
type ClockRef struct {
	Clock  string `json:"clock"`
	Source string `json:"source,omitempty"`
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
