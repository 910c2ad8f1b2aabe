package sdk

import "github.com/sendflow/sendflow/sdk/internal/policy"

// The policy document: the whole lifecycle as data. The embedded default
// (policies/default.yaml) is one of these; a district overlay is another.
// The types live in sdk/internal/policy, the compiler's front end (parse,
// unknown keys, merge, origins); these aliases are their public names.

// Policy is a lifecycle policy document (YAML or JSON).
type Policy = policy.Policy

// Waiver waives one statutory floor rule for one layer (Policy.Waivers).
type Waiver = policy.Waiver

// Acknowledgement keeps one lint (Policy.Acknowledge).
type Acknowledgement = policy.Acknowledgement

// RoleDef declares a role.
type RoleDef = policy.RoleDef

// Parameter is a named policy value.
type Parameter = policy.Parameter

// TrackDef is one track: a state machine with an initial state.
type TrackDef = policy.TrackDef

// PerDecision configures a per-decision track (TrackDef.PerDecision).
type PerDecision = policy.PerDecision

// StateDef is one state, possibly with sub-states.
type StateDef = policy.StateDef

// ClockDef declares a time limit.
type ClockDef = policy.ClockDef

// ExceptionRule is one reason that excuses a clock's miss
// (ClockDef.Exceptions).
type ExceptionRule = policy.ExceptionRule

// TriggerDef declares a trigger: where it may fire from, who may fire it,
// what it needs, and what it does.
type TriggerDef = policy.TriggerDef

// Instead redirects or refuses a trigger while its condition holds
// (TriggerDef.Instead): a request while a plan is maintained is a request
// for reassessment (CFA s44(2)).
type Instead = policy.Instead

// FamilyRight says which statutory right a trigger is the family's way of
// using, for the statutory floor (TriggerDef.FamilyRight).
type FamilyRight = policy.FamilyRight

// Branch is one conditional outcome of a trigger.
type Branch = policy.Branch

// FieldDef declares one payload field.
type FieldDef = policy.FieldDef

// GuardDef is one guard: an expression that must hold.
type GuardDef = policy.GuardDef

// Effects are what a firing does besides moving its own track.
type Effects = policy.Effects

// ClockRef names a clock, and for per-source clocks the data field holding
// the source (every source when empty, for stop/cancel/except).
type ClockRef = policy.ClockRef

// ClockKind is what a clock times: a duty, a window or guidance.
type ClockKind = policy.ClockKind

// The clock kinds (ClockDef.Kind in a policy, Clock.Kind on a case).
const (
	// ClockDuty is a time limit someone must act by; past Due it is missed.
	ClockDuty ClockKind = policy.ClockDuty
	// ClockWindow is a period that ends by itself; past Due it has ended.
	ClockWindow ClockKind = policy.ClockWindow
	// ClockAdvisory is guidance (the six-monthly review of an under-5's plan,
	// CoP 9.178): past Due it is missed, but a miss is a warning, never
	// counted with the statutory misses.
	ClockAdvisory ClockKind = policy.ClockAdvisory
)
