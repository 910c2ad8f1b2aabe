package sdk

import "strconv"

// This file holds the plain, JSON-serialisable values the engine reads and
// writes. None of them names a third-party type, so hosts can store them in
// their own database as they are.

// Facts are what a host knows about a child or young person. The default
// guards read them; a firing may merge more in (see Firing.Facts).
type Facts struct {
	// ID is the host's identifier for the case.
	ID string `json:"id,omitempty"`
	// LA is the local authority responsible for the child, e.g. "kent".
	LA string `json:"la,omitempty"`
	// District is the authority's district, e.g. "dover".
	District string `json:"district,omitempty"`
	// Child holds the child's date of birth and year group.
	Child Child `json:"child"`
	// Evidence lists the kinds of evidence held. A kind may appear more than
	// once (two personalised plans count as two).
	Evidence []string `json:"evidence,omitempty"`
	// Person holds the person details the SEN2 person-level return needs
	// (sdk/person.go). Personal data: never echoed.
	Person *PersonDetails `json:"person,omitempty"`
}

// Child is the part of the facts that describes the child or young person.
type Child struct {
	// DateOfBirth is a calendar date, YYYY-MM-DD.
	DateOfBirth string `json:"date_of_birth,omitempty"`
	// YearGroup is the national curriculum year: reception is 0, nursery -1.
	// It is a pointer because reception (0) is not the same as unknown.
	YearGroup *int `json:"year_group,omitempty"`
	// LacksCapacity is true when the young person lacks capacity (MCA
	// s2-s3) for the matter at hand: the alternative person, their deputy
	// or attorney (Representative) or else a parent, acts for them (CFA
	// s80; R64). One value, judged at each firing's date.
	LacksCapacity bool `json:"lacks_capacity,omitempty"`
	// Representative names the young person's deputy or attorney (CFA
	// s80(6)), who fires as "parent" with data acting_as: representative
	// while LacksCapacity is true. It is personal data: the engine never
	// echoes it.
	Representative string `json:"representative,omitempty"`
	// AuthorisedParent is true when the young person has authorised a
	// parent in writing to act for them (CoP ch. 8): a parent's firing
	// with data on_behalf_of: young_person is then the young person's act.
	AuthorisedParent bool `json:"authorised_parent,omitempty"`
	// Post25Setting is where a young person over 25 is educated or trained,
	// for the R46(1) age limit: "fe" (further education, the default),
	// "apprenticeship" or "other".
	Post25Setting string `json:"post25_setting,omitempty"`
	// ApprenticeshipEnd and CourseEnd are the dates (YYYY-MM-DD) an
	// apprenticeship or other course is expected to end (R46(1)).
	ApprenticeshipEnd string `json:"apprenticeship_end,omitempty"`
	CourseEnd         string `json:"course_end,omitempty"`
}

// Case is one child or young person: the facts, one current state per track,
// the statutory clocks, the appealable decisions and the hash-chained history
// of every firing. The SDK never stores a Case; hosts keep it.
//
// A case with no history is exactly what Engine.NewCase makes from its
// origin: every track at its initial state (a track left out is taken to
// be), no clocks, no decisions, and facts equal to Origin; a nil Origin is
// taken to be the case's facts. A case with a history must have its
// Origin. Anything else is invalid_case. Every part is capped (MaxHistory,
// MaxEvidence, MaxClocks, MaxDecisions, MaxIdentifierLen, MaxCaseBytes for
// the whole) and every string must be valid UTF-8 (docs/reliability.md).
type Case struct {
	Facts
	// States maps every track to its current state. Nested states are
	// written with dots, e.g. "sen_support.plan".
	States map[string]string `json:"states"`
	// Clocks maps a clock key to the latest instance of that clock. Per-source
	// clocks are keyed "clock.source", e.g. "ehc_advice.medical".
	Clocks map[string]Clock `json:"clocks,omitempty"`
	// Decisions lists the appealable decisions made on the case, oldest first.
	Decisions []Decision `json:"decisions,omitempty"`
	// Exceptions lists the exceptions recorded on the case, oldest first
	// (R5(4), R8(2), R10(4), R13(3), R27(3), R44(3), R45). At most one is
	// open (no until, no before).
	Exceptions []Exception `json:"exceptions,omitempty"`
	// Origin is the facts the case was opened with; Replay starts from them.
	// Fire records it on a case that has none (then the facts are the
	// origin, and the case must have no history).
	Origin *Facts `json:"origin,omitempty"`
	// History is every successful firing, in order, hash-chained.
	History []Event `json:"history,omitempty"`
}

// Clock is one running or finished statutory (or policy) time limit.
type Clock struct {
	// ID is the clock id from the policy, e.g. "ehc_final_plan".
	ID string `json:"id"`
	// Source is set for per-source clocks (the R6(1) advice source).
	Source string `json:"source,omitempty"`
	// Decision is set for per-decision clocks: the decision's id, "d<seq>".
	Decision string `json:"decision,omitempty"`
	// Kind is "duty" (someone must act by Due), "window" (a period that ends
	// by itself, such as the 15 days for representations on a draft plan) or
	// "advisory" (guidance: a miss is a warning, never a statutory miss).
	Kind ClockKind `json:"kind"`
	// StartedAt is the date the clock started, YYYY-MM-DD.
	StartedAt string `json:"started_at"`
	// StartedBy is the trigger that started the clock, recorded only when
	// the clock's exception rules name it (ExceptionRule.StartedBy).
	StartedBy string `json:"started_by,omitempty"`
	// Due is the last day on which the clock is met, YYYY-MM-DD.
	Due string `json:"due"`
	// Date is, for a clock counted back from a date (units before,
	// weeks_before, months_before), that date, YYYY-MM-DD: the notified
	// meeting date of review_advice, the transfer date of post16_transfer.
	Date string `json:"date,omitempty"`
	// StoppedAt is the date the clock was stopped, if it was.
	StoppedAt string `json:"stopped_at,omitempty"`
	// StoppedBy is the trigger that stopped or cancelled the clock.
	StoppedBy string `json:"stopped_by,omitempty"`
	// Cancelled is true when the process the clock timed ended another way
	// (for example a withdrawn request ends the EHC clocks). A duty already
	// missed when it was cancelled stays missed.
	Cancelled bool `json:"cancelled,omitempty"`
	// Void is true when the duty never arose (a final plan means no notice of
	// a decision not to issue was owed): cancelled whenever it happened.
	Void bool `json:"void,omitempty"`
	// Exception is the reason of the exception that excuses the clock if
	// it is missed: the first of Case.Exceptions whose reason the clock's
	// policy lists and whose period overlaps the clock's run before due (as
	// of the case's last firing), or, for a clock excusable without such a
	// list, the exception recorded while it ran. A missed clock with an
	// exception is "excused".
	Exception string `json:"exception,omitempty"`
	// Status is "running", "met", "missed" (a duty or advisory clock not
	// met; an advisory miss is only a warning), "excused", "ended" (a window
	// that closed: windows are nobody's duty, so they are never missed) or
	// "cancelled", as of the case's last firing.
	// Engine.Clocks recomputes it as of any date.
	Status ClockState `json:"status"`
	// Citation is the legal or local source of the time limit.
	Citation string `json:"citation,omitempty"`
}

// ClockState is a clock's status as of a day (Clock.Status).
type ClockState string

// The clock statuses.
const (
	// ClockRunning: not stopped and not yet past Due.
	ClockRunning ClockState = "running"
	// ClockMet: stopped on or before Due.
	ClockMet ClockState = "met"
	// ClockMissed: a duty or advisory clock past Due without being met.
	ClockMissed ClockState = "missed"
	// ClockExcused: a missed duty with an exception recorded while it ran.
	ClockExcused ClockState = "excused"
	// ClockEnded: a window past Due (windows are never missed).
	ClockEnded ClockState = "ended"
	// ClockCancelled: the process it timed ended another way.
	ClockCancelled ClockState = "cancelled"
)

// clockStates lists every ClockState; ClockStates returns a copy.
var clockStates = [...]ClockState{ClockRunning, ClockMet, ClockMissed, ClockExcused, ClockEnded, ClockCancelled}

// ClockStates lists every clock status, in the order of the Clock.Status
// documentation. The list is a copy.
func ClockStates() []ClockState { return append([]ClockState(nil), clockStates[:]...) }

// Decision is an appealable decision recorded on the case (CFA s51).
type Decision struct {
	// Kind names the decision, e.g. "refusal_to_assess".
	Kind string `json:"kind"`
	// At is the date of the decision notice, YYYY-MM-DD.
	At string `json:"at"`
	// Trigger is the trigger that made the decision.
	Trigger string `json:"trigger"`
	// Seq is the history sequence number of that firing.
	Seq int `json:"seq"`
	// Dispute is the state of the decision's own dispute (the policy's
	// per-decision track), empty while it is at its initial state.
	Dispute string `json:"dispute,omitempty"`
	// Order is the order last recorded on the decision's dispute (the
	// Tribunal's, or an unopposed appeal's).
	Order string `json:"order,omitempty"`
	// Notes are what its current dispute recorded (Effects.Note), e.g.
	// "response_submitted".
	Notes []string `json:"notes,omitempty"`
}

// Exception is one exception recorded on a case (ehc.exception_recorded).
type Exception struct {
	// Seq is the history number of the firing that recorded it.
	Seq int `json:"seq"`
	// Reason is why the time limits may not be met, e.g. "absent_from_area".
	Reason string `json:"reason"`
	// Since is the first day of the exception's period, YYYY-MM-DD.
	Since string `json:"since"`
	// Until is the last day of its period; empty while it is open.
	Until string `json:"until,omitempty"`
	// AdviceRequestedOn is the day the LA asked the closed institution for
	// advice, when given (institution_closed).
	AdviceRequestedOn string `json:"advice_requested_on,omitempty"`
	// Before is set when a new request began on that day: the exception
	// excuses no clock started on or after it, and is no longer open.
	Before string `json:"before,omitempty"`
}

// ID is the decision's id, "d<seq>": how firings, clock keys and
// scenarios name it.
func (d Decision) ID() string { return "d" + strconv.Itoa(d.Seq) }

// Firing asks the engine to fire one trigger.
type Firing struct {
	// Trigger is "track.event", e.g. "ehc.requested".
	Trigger string `json:"trigger"`
	// Actor is the role firing it, e.g. "parent".
	Actor string `json:"actor"`
	// By is who acted, as the host's opaque identifier for the user or
	// system (a staff number, a UUID): never a name or an email address.
	// It is recorded in the event and covered by its hash. At most
	// MaxByLen characters of A-Z, a-z, 0-9 and . _ : - (so no spaces and
	// no @); errors never repeat it.
	By string `json:"by,omitempty"`
	// At is when it happened, supplied by the host: a date (YYYY-MM-DD, the
	// start of that day UK time) or an RFC 3339 timestamp. The engine never
	// reads the clock.
	At string `json:"at"`
	// Data is the trigger's payload, validated against its declared fields.
	Data map[string]any `json:"data,omitempty"`
	// Facts are merged into the case before firing: objects merge key by
	// key, scalars replace, and lists (evidence) are appended to, because
	// recorded evidence is never dropped by a later firing.
	Facts map[string]any `json:"facts,omitempty"`
	// Locale chooses the language of guard reasons in a refusal and in
	// warnings ("en" by default, "cy" for Welsh). It is not recorded.
	Locale string `json:"locale,omitempty"`
}

// Event is one successful firing in a case's history.
type Event struct {
	// Seq numbers events from 1.
	Seq int `json:"seq"`
	// At is the firing's time as given, normalised to RFC 3339 UTC.
	At string `json:"at"`
	// Actor is the role that fired.
	Actor string `json:"actor"`
	// By is the host's opaque identifier of who acted (Firing.By), if given.
	By string `json:"by,omitempty"`
	// Trigger is the trigger fired.
	Trigger string `json:"trigger"`
	// Data is the firing's payload.
	Data map[string]any `json:"data,omitempty"`
	// Facts are the facts the firing merged into the case.
	Facts map[string]any `json:"facts,omitempty"`
	// StatesBefore and StatesAfter are every track's state around the firing.
	StatesBefore map[string]string `json:"states_before"`
	StatesAfter  map[string]string `json:"states_after"`
	// PolicyID and PolicyHash identify the compiled policy that judged it.
	PolicyID   string `json:"policy_id"`
	PolicyHash string `json:"policy_hash"`
	// PrevHash is the previous event's Hash (the origin's hash for the first).
	PrevHash string `json:"prev_hash"`
	// Hash is the SHA-256 of this event's canonical JSON without Hash,
	// KeyID and Signature.
	Hash string `json:"hash"`
	// KeyID names the ed25519 key that signed the event (see sdk.KeyID):
	// 16 lower-case hex characters. Empty when the event is unsigned.
	KeyID string `json:"key_id,omitempty"`
	// Signature is the ed25519 signature, in standard padded base64 (88
	// characters), of "sendflow/event-signature/v1\n" followed by Hash,
	// made by an engine with WithSigner. It is not hashed: signing never
	// changes the chain. Verify checks it against WithVerifyKeys.
	Signature string `json:"signature,omitempty"`
}

// Warning is advice returned with an outcome or a permission; it never
// refuses a firing.
type Warning struct {
	// Code is a stable code, e.g. "advice" or "below_statutory_floor".
	Code WarningCode `json:"code"`
	// Message is a plain-English sentence.
	Message string `json:"message"`
	// Guard is the id of the advisory guard that produced it, if any.
	Guard string `json:"guard,omitempty"`
	// Citation is the source behind the advice, if any.
	Citation string `json:"citation,omitempty"`
	// Layer is the policy layer the advisory guard came from.
	Layer string `json:"layer,omitempty"`
}

// WarningCode is a Warning's stable code.
type WarningCode string

// The warning codes.
const (
	// WarningAdvice is an advisory guard that does not hold.
	WarningAdvice WarningCode = "advice"
	// WarningBelowStatutoryFloor is a policy that may break the statutory
	// floor (allow_below_statutory_floor), carried by every outcome.
	WarningBelowStatutoryFloor WarningCode = "below_statutory_floor"
)

// Outcome is what a successful Fire returns.
type Outcome struct {
	// Case is the new case. The case passed to Fire is never changed.
	Case Case `json:"case"`
	// Event is the event appended to the history.
	Event Event `json:"event"`
	// Clocks is the clock report as of the firing.
	Clocks []ClockStatus `json:"clocks"`
	// Warnings holds advisory guard reasons and policy warnings.
	Warnings []Warning `json:"warnings"`
}

// ClockStatus is one clock judged as of a given time.
type ClockStatus struct {
	Clock
	// Key is the clock's key in Case.Clocks ("id" or "id.source").
	Key string `json:"key"`
	// DaysLeft is the number of calendar days from the as-of date to Due
	// (negative once overdue); only set for running clocks.
	DaysLeft *int `json:"days_left,omitempty"`
}

// ClockReport is every clock of a case judged as of one date.
type ClockReport struct {
	// AsOf is the date the statuses are judged at, YYYY-MM-DD.
	AsOf string `json:"as_of"`
	// Clocks is sorted by due date, then key.
	Clocks []ClockStatus `json:"clocks"`
}

// Permission says whether one role may fire one trigger now, and if not why.
type Permission struct {
	// Trigger is the trigger judged.
	Trigger string `json:"trigger"`
	// Track is the trigger's track.
	Track string `json:"track"`
	// Allowed is true when the role may fire it now (given a valid payload).
	Allowed bool `json:"allowed"`
	// Code is why not: "not_authorised", "not_permitted" or "guard_failed".
	Code Code `json:"code,omitempty"`
	// Reason is a plain-English sentence for a portal to show.
	Reason string `json:"reason,omitempty"`
	// Guards lists every failing blocking guard.
	Guards []GuardFailure `json:"guards,omitempty"`
	// Warnings lists advisory guards that would warn.
	Warnings []Warning `json:"warnings,omitempty"`
	// NeedsInput lists payload fields whose guards are checked only when the
	// trigger is fired with data.
	NeedsInput []string `json:"needs_input,omitempty"`
	// Decision is, for a trigger of the per-decision (dispute) track, the
	// decision "d<seq>" judged: the first it is allowed for, else the most
	// recent. Fire it with data {"decision": Decision} to act on that one.
	Decision string `json:"decision,omitempty"`
}

// GuardFailure is one guard that did not hold.
type GuardFailure struct {
	// ID is the guard's id in the policy.
	ID string `json:"id"`
	// Reason is the plain-English reason shown to users.
	Reason string `json:"reason"`
	// Citation is the legal or local source of the rule.
	Citation string `json:"citation,omitempty"`
	// Layer is the policy layer the guard came from.
	Layer string `json:"layer,omitempty"`
}

// VerifyReport is the result of checking a case's history.
type VerifyReport struct {
	// OK is true when every event's hash and chain link hold and replaying
	// the history from the origin reproduces the case.
	OK bool `json:"ok"`
	// Events is how many events were checked.
	Events int `json:"events"`
	// FirstBad is the sequence number of the first bad event (0 when OK, or
	// when the fault is in the case itself rather than an event).
	FirstBad int `json:"first_bad,omitempty"`
	// Reason says what is wrong.
	Reason string `json:"reason,omitempty"`
}
