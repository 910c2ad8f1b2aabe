package sdk

import (
	"slices"

	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// DiagnosticCode documents one code a policy problem (Problem.Code from
// Compile, Lint or sendflow check) can carry. docs/policies.md is generated
// from PolicyDiagnostics(), and a test checks every code the compiler uses is
// listed here.
type DiagnosticCode struct {
	Code    Code   `json:"code"`
	Meaning string `json:"meaning"`
	// Lint is true for advice from Lint that does not stop a policy compiling.
	Lint bool `json:"lint,omitempty"`
}

// PolicyDiagnostics lists every policy diagnostic code. It returns a new
// copy on every call: no caller can change what another one reads.
func PolicyDiagnostics() []DiagnosticCode { return slices.Clone(policyDiagnostics) }

var policyDiagnostics = []DiagnosticCode{
	{Code: "syntax", Meaning: "The file is not valid YAML or JSON, or a value of the wrong type."},
	{Code: "unknown_key", Meaning: "A key the policy format does not have (every one is reported, each with a \"did you mean\": reson for reason)."},
	{Code: "missing_field", Meaning: "A required field is missing: a policy id, a guard's id, reason or expression, a trigger's roles or from-states (a new trigger with a misspelt id gets a \"did you mean\"), a reason in a declared language."},
	{Code: "bad_name", Meaning: "A role or state name is not lower snake_case."},
	{Code: "bad_value", Meaning: "A value is not allowed: an unknown clock unit or kind, a severity other than block or advice, a payload type, a length below 1, a non per-source clock given a source."},
	{Code: "bad_date", Meaning: "A holiday is not a date (YYYY-MM-DD)."},
	{Code: "bad_locale", Meaning: "A guard's reasons name a language the SDK does not know (en, cy), or put English in reasons.en instead of reason."},
	{Code: "duplicate", Meaning: "A trigger or payload field is declared twice, or a clock lists an exception reason twice."},
	{Code: "unknown_track", Meaning: "A trigger, set_states or a guard's states.X names a track that does not exist."},
	{Code: "unknown_state", Meaning: "A from, to, branch or a guard's comparison with states.TRACK names a state the track does not have."},
	{Code: "unknown_role", Meaning: "A trigger or guard names a role the policy does not declare."},
	{Code: "unknown_clock", Meaning: "An effect, appeal_clock, an exception rule's advice_clock or a guard's clocks.X names a clock that does not exist."},
	{Code: "unknown_trigger", Meaning: "A clock's exception rule (started_by, not_started_by) names a trigger the policy does not have."},
	{Code: "unknown_decision", Meaning: "An effect records a decision kind not in decision_kinds."},
	{Code: "unknown_field", Meaning: "An expression reads data.X that is not a payload field of its trigger, or a role's eligibility reads data at all."},
	{Code: "unknown_fact", Meaning: "A guard names something the guard environment does not have (e.g. child.dob for child.date_of_birth)."},
	{Code: "unknown_param", Meaning: "A guard reads params.X that no layer declares."},
	{Code: "unknown_evidence", Meaning: "A guard tests for an evidence kind not in evidence_kinds."},
	{Code: "type_error", Meaning: "A guard does not type-check against the guard environment (e.g. comparing a list with a number) or does not return a boolean."},
	{Code: "expr_error", Meaning: "An expression could not be compiled for another reason."},
	{Code: "forbidden", Meaning: "A guard uses something not allowed in guards: variables (let), a built-in or an operator outside the allow-lists (map, reduce, repeat, now, ...), + on anything but numbers, or matches with a pattern that is not a constant string."},
	{Code: "nested_loop", Meaning: "A guard runs a loop (count, filter, all, any, none, one, find, sum) inside another loop's predicate (or add_working_days / working_days_between, which step through days); its cost would multiply."},
	{Code: "too_costly", Meaning: "An expression's worst-case cost, worked out from the declared bounds of what it reads (payload strings and lists, evidence, the policy's parameters, loop lengths), is over Limits.GuardCost (default 2,000,000 steps), or a trigger's guards and branch conditions together are over Limits.CallSteps (default 3,000,000): it could run too long on the largest lawful inputs. See \"The cost model\"."},
	{Code: "too_complex", Meaning: "A guard is longer than 4096 bytes or has more than 400 nodes (deep nesting included)."},
	{Code: "invalid_graph", Meaning: "A track's state machine is inconsistent (an unknown initial state, a trigger configured twice from one state)."},
	{Code: "unreachable_state", Meaning: "A state of an enabled track cannot be reached from its initial state."},
	{Code: "statutory_floor", Meaning: "The policy breaks the statutory floor; the message names the rule (ehc_request_unguarded, statutory_clock_not_lengthened, statutory_role_kept, appealable_decision_kept, statutory_window_not_shortened, statutory_guard_kept, statutory_process_kept). With allow_below_statutory_floor: true it compiles, and the breach is a below_statutory_floor warning on every outcome."},
	{Code: "below_statutory_floor", Meaning: "A warning, not an error: the policy sets allow_below_statutory_floor and breaks the floor; Engine.Warnings and every outcome of Fire carry it, naming the rule and the file position."},
	{Code: "no_citation", Meaning: "A guard in an overlay has no citation.", Lint: true},
	{Code: "similar_name", Meaning: "An overlay adds a complete new trigger whose id is close to a default trigger's: probably a misspelt id.", Lint: true},
	{Code: "missing_translation", Meaning: "A guard lacks a reason in a language other guards in the same file give.", Lint: true},
}

// position is a place in a policy file (the front end's Position).
// Problem.Location ("file:line:col") and Problem.File, Line and Column are
// all written from one (place), so the two spellings always agree.
type position = policy.Position

// place sets the problem's Location, File, Line and Column to pos (an
// empty pos clears them).
func (p *Problem) place(pos position) {
	p.Location, p.File, p.Line, p.Column = pos.String(), pos.File, pos.Line, pos.Col
}

// policyProblem is a problem that stops a policy compiling, at pos.
func policyProblem(code Code, msg string, pos position) Problem {
	p := Problem{Code: code, Message: msg, Severity: SeverityError}
	p.place(pos)
	return p
}
