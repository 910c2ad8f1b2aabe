package schemagen

import (
	"github.com/invopop/jsonschema"

	"github.com/sendflow/sendflow/sdk"
)

// personSchema is the schema of the person details for the SEN2
// person-level return (sdk.PersonDetails): every field optional, the code
// lists, shapes and caps the engine checks (the UPN check letter and the
// ULN check digit only the engine checks).
func personSchema() *jsonschema.Schema {
	str := func(desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "string", MaxLength: u64(sdk.MaxPersonText), Description: desc}
	}
	code := func(codes []string, desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "string", Enum: anys(codes), Description: desc}
	}
	pat := func(p, desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "string", Pattern: p, Description: desc}
	}
	date := func(desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "string", Format: "date", Description: desc}
	}
	boolean := func(desc string) *jsonschema.Schema { return &jsonschema.Schema{Type: "boolean", Description: desc} }
	obj := func(desc string) *jsonschema.Schema {
		return &jsonschema.Schema{Type: "object", Properties: jsonschema.NewProperties(), AdditionalProperties: jsonschema.FalseSchema, Description: desc}
	}

	pl := obj("One setting named in the plan or attended, with its dates (SEN2 PlanDetail and PlacementDetail).")
	pl.Properties.Set("urn", pat("^[0-9]{6}$", "The setting's 6-digit URN (GIAS)."))
	pl.Properties.Set("ukprn", pat("^[0-9]{8}$", "The setting's 8-digit UKPRN."))
	pl.Properties.Set("setting", code(sdk.SEN2Settings, "A SEN2 setting code, for a setting with no URN or UKPRN."))
	pl.Properties.Set("setting_other", str("The setting described, for setting OTH or NIEO."))
	pl.Properties.Set("rank", &jsonschema.Schema{Type: "integer", Enum: []any{1, 2}, Description: "1 for the main setting, 2 for a second one."})
	pl.Properties.Set("named_in_plan", boolean("The plan names this setting."))
	pl.Properties.Set("entry_date", date("The first day attended, YYYY-MM-DD."))
	pl.Properties.Set("leaving_date", date("The last day attended, YYYY-MM-DD."))
	pl.Properties.Set("sen_unit", boolean("Attended in an SEN unit."))
	pl.Properties.Set("resourced_provision", boolean("Attended in resourced provision."))
	pl.Properties.Set("res", code(sdk.SEN2Res, "Residential: A 38 to 51 weeks, B 52 weeks."))
	pl.Properties.Set("wbp", code(sdk.SEN2WBP, "Work-based learning: A apprenticeship, T traineeship, S supported internship."))

	need := obj("The primary and any secondary SEN type.")
	need.Properties.Set("primary", code(sdk.SEN2Types, "The SEN type ranked 1."))
	need.Properties.Set("secondary", code(sdk.SEN2Types, "The SEN type ranked 2."))

	s := obj("Person details for the SEN2 person-level return; personal data, never echoed in an error.")
	s.Properties.Set("surname", str("Legal surname."))
	s.Properties.Set("forename", str("Legal forename."))
	s.Properties.Set("sex", code(sdk.SEN2Sexes, "M, F or U (not known)."))
	s.Properties.Set("ethnicity", code(sdk.SEN2Ethnicities, "CBDS main ethnicity code, REFU or NOBT."))
	pc := str("Home postcode (UK shape, any case and spacing).")
	pc.Pattern = "^ *[A-Za-z]{1,2}[0-9][0-9A-Za-z]? *[0-9][A-Za-z]{2} *$"
	s.Properties.Set("postcode", pc)
	s.Properties.Set("upn", pat("^[A-Za-z][0-9]{11}[0-9A-Za-z]$", "Unique pupil number (with a valid check letter)."))
	s.Properties.Set("uln", pat("^[0-9]{10}$", "Unique learner number (with a valid check digit)."))
	s.Properties.Set("upn_unknown", code(sdk.SEN2UPNUnknown, "Why there is no UPN or ULN."))
	s.Properties.Set("plan_start_date", date("Start date of a plan this LA did not issue (transferred in or imported)."))
	s.Properties.Set("transfer_la", pat("^[0-9]{3}$", "DfE number of the LA a plan was transferred in from."))
	s.Properties.Set("plan_res", code(sdk.SEN2Res, "Residential placement named in the plan."))
	s.Properties.Set("plan_wbp", code(sdk.SEN2WBP, "Work-based learning named in the plan."))
	s.Properties.Set("personal_budget", boolean("A personal budget was taken up."))
	s.Properties.Set("organised_arrangements", boolean("Organised arrangements are in place."))
	s.Properties.Set("direct_payments", code(sdk.SEN2DP, "Direct payments: E education, S social care, H health, I integrated."))
	s.Properties.Set("sen_need", need)
	s.Properties.Set("placements", &jsonschema.Schema{Type: "object", AdditionalProperties: pl, MaxProperties: u64(sdk.MaxPlacements),
		Description: "Placements keyed by the host's placement id; a later firing merges into one by its id."})
	return s
}

// strictPerson replaces the reflected person details with personSchema.
func strictPerson(defs map[string]*jsonschema.Schema) {
	if _, ok := defs["PersonDetails"]; !ok {
		return
	}
	defs["PersonDetails"] = personSchema()
	delete(defs, "Placement")
	delete(defs, "SENNeed")
}
