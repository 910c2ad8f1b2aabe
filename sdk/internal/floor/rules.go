package floor

import (
	"slices"

	"github.com/sendflow/sendflow/sdk/internal/policy"
)

// ExtensionPoint is one thing a policy layer may change, where, and the
// statutory floor rule that stops it going further. ExtensionPoints lists
// them: the author's model of what an overlay can do (docs/policies.md is
// generated from it).
type ExtensionPoint struct {
	// Where is the part of the policy: "statutory tracks", "local-practice
	// tracks", "clocks", "parameters", "roles", "layers".
	Where string `json:"where"`
	// May says what a layer may do there.
	May string `json:"may"`
	// Not says what it may not, and Rule the floor rule (or diagnostic
	// code) that refuses it.
	Not  string `json:"not"`
	Rule string `json:"rule"`
}

var extensionPoints = []ExtensionPoint{
	{"statutory tracks", "add advisory guards (severity: advice), on any trigger, for any roles",
		"add a blocking guard, or rewrite, tighten or limit a default guard (a default guard that is not marked statutory may be switched off or made advisory)", RuleProcessKept},
	{"statutory tracks", "give any guard a reason in another language, or a new citation, without restating it (guards are amended field by field)",
		"change a guard marked statutory in any other way", RuleGuardKept},
	{"statutory tracks", "add a record-only trigger: any from-states, roles, payload and guards",
		"let it move the case, set a state, start, stop, cancel, void or except a statutory clock, or record a decision", RuleProcessKept},
	{"statutory tracks", "add local effects beside a default trigger's own (start or stop a local clock, set a local track's state), and optional payload fields",
		"change a default trigger's from-states, destinations, branches (number, order, conditions), statutory effects, payload fields' types and values, or make a field required", RuleProcessKept},
	{"statutory tracks", "add a role to a step statute lets anyone take (ehc.brought_to_attention)",
		"add a role to any other statutory step, or drop a role statute names", RuleRoleKept},
	{"family rights", "add advisory guards",
		"block a family right for a role that holds it, take a from-state away, or make a data field required", RuleFamilyRightKept},
	{"local-practice tracks", "change anything: states, triggers, guards (blocking or advisory), effects on local tracks and local clocks, or switch the track off",
		"change a statutory track's state, start or end a statutory clock, or record an appealable decision", RuleLocalPracticeContained},
	{"clocks", "add local clocks; shorten a statutory duty; lengthen a statutory window (the family's time to act)",
		"lengthen a statutory duty, make it a window or excusable, shorten a window, take away its HESC r12 moves, change a date limit", RuleClockNotLengthened},
	{"clocks", "give the bank holidays of a year the bundled list does not cover",
		"add a working day as a holiday, or leave a bank holiday out", RuleWindowNotShortened},
	{"parameters", "set a parameter's value within the type and bounds the layer that adds it declares; add parameters with their own declaration",
		"change a declaration, go outside it, or change a parameter the statutory rules read", RuleParameterKept},
	{"roles", "add roles, with eligibility guards; change a local role's eligibility",
		"change the eligibility of a role statute names", RuleRoleKept},
	{"layers", "waive one named floor rule for what this layer itself changes (waivers: [{rule, reason}]); acknowledge a lint",
		"waive a rule for another layer: a waiver never reaches the layers above or below it, and `sendflow check` fails on a waiver unless told to accept waivers", "waivers"},
}

// ExtensionPoints lists what a policy layer may change, and the rule that
// stops each going further. The list is a copy.
func ExtensionPoints() []ExtensionPoint { return slices.Clone(extensionPoints) }

// meanings says what each floor rule protects.
var meanings = map[string]string{
	RuleEHCRequestUnguarded:    "Requesting an EHC needs assessment (CFA s36(1)): no blocking guard, required field or lost from-state for a parent, young person or school.",
	RuleClockNotLengthened:     "A statutory duty may be shortened, never lengthened, turned into a window, made excusable, restarted, or no longer started.",
	RuleRoleKept:               "A role statute names keeps every statutory step it may take, and its eligibility; a statutory track cannot be switched off.",
	RuleDecisionKept:           "Every appealable decision (CFA s51) is recorded whenever the default records it and starts the appeal window; a family's mediation and appeal steps are not made harder.",
	RuleWindowNotShortened:     "A statutory window (the family's time to act) may be lengthened, never shortened; bank holidays stay in the list.",
	RuleGuardKept:              "A default guard marked statutory (it protects a right of the child or family) is kept as it is.",
	RuleProcessKept:            "The statutory tracks' process is statute's: states, from-states, destinations, branches, roles, payload and statutory effects stay the default's; added guards are advisory; added triggers record only.",
	RuleFamilyRightKept:        "A family right the default declares is not made harder for the roles that hold it.",
	RuleLocalPracticeContained: "A trigger on a local-practice track changes no statutory track's state, no statutory clock and no appealable decision.",
	RuleParameterKept:          "A parameter the statutory rules read (or the default fixes) keeps the default's value.",
}

// Meaning says what a floor rule protects ("" for an unknown rule).
func Meaning(rule string) string { return meanings[rule] }

// RightHolders are the roles that hold the family right the trigger bt
// declares (TriggerDef.FamilyRight): its roles; every role of the trigger
// when others take the step on the family's behalf; else parent and
// young_person.
func RightHolders(bt *policy.TriggerDef) []string { return rightHolders(bt) }
