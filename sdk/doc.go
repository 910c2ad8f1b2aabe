// Package sdk runs the English SEND (special educational needs and
// disabilities) case lifecycle as a set of state machines with statutory
// clocks: SEN support, a LIFT referral, high needs funding, the EHC needs
// assessment and plan, and mediation and Tribunal appeals.
//
// The lifecycle is data: a Policy. The embedded default (Default) follows
// the Children and Families Act 2014 and the SEND Regulations 2014; an
// authority or district compiles its overlays on top of it (Compile), and
// the statutory floor refuses any overlay that would take a family's right
// away or move a statutory deadline (docs/policies.md).
//
// A Case is plain JSON-serialisable data the host stores: one state per
// track, the clocks, the appealable decisions and a hash-chained history.
// The engine never stores or mutates a case:
//
//	eng, _ := sdk.Default()
//	c := eng.NewCase(sdk.Facts{ID: "c-001", Child: sdk.Child{DateOfBirth: "2016-03-02"}})
//	out, err := eng.Fire(c, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
//	// out.Case is the new case; out.Clocks says ehc_decision_to_assess is due 2026-02-16.
//
// Permitted says what a role may do now and why not; Clocks judges every
// clock as of a date; Replay and Verify check a stored history. Every
// refusal is an *Error with a stable Code. Triggers and roles are named in
// the policy (docs/lifecycle.md lists the default's); the constants in
// names_gen.go give them as Go identifiers. Package sdk/store keeps cases
// in SQLite or PostgreSQL with no lost update; sdk/scenario runs scenario
// files; sdk/report derives SEN2 figures from histories.
package sdk
