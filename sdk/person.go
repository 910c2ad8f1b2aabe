package sdk

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// This file holds the person details the DfE SEN2 person-level return needs
// and the lifecycle does not: legal names, identifiers, sex, ethnicity,
// postcode, the settings named in the plan and attended, and the SEN need
// types. They are optional facts (Facts.Person), merged over time like the
// others (objects key by key, scalars replace), and checked whenever they
// enter: no message ever quotes a value given, since every one of them is
// personal data.

// Caps on person details (docs/reliability.md).
const (
	// MaxPlacements is the most placements one case's person details hold.
	MaxPlacements = 20
	// MaxPersonText is the longest name, postcode or free-text setting
	// description, in bytes.
	MaxPersonText = 100
)

// PersonDetails are a child or young person's details for the SEN2
// person-level return (module 1), and the facts of their plan the history
// does not tell (modules 4 and 5). Every field is optional: a missing one
// the return needs is reported by the return's pre-submission checks.
type PersonDetails struct {
	// Surname and Forename are the legal names. Personal data: never echoed.
	Surname  string `json:"surname,omitempty"`
	Forename string `json:"forename,omitempty"`
	// Sex is M, F or U (not known).
	Sex string `json:"sex,omitempty"`
	// Ethnicity is a CBDS main ethnicity code, e.g. WBRI, or REFU (refused)
	// or NOBT (not yet obtained).
	Ethnicity string `json:"ethnicity,omitempty"`
	// Postcode is the home postcode, e.g. "CT16 1AA" (any case and spacing;
	// the return writes it upper case with one space).
	Postcode string `json:"postcode,omitempty"`
	// UPN is the unique pupil number: a check letter, 11 digits and a digit
	// or (a temporary UPN) a letter; its check letter must be right.
	UPN string `json:"upn,omitempty"`
	// ULN is the unique learner number: 10 digits with a valid check digit.
	ULN string `json:"uln,omitempty"`
	// UPNUnknown is why there is no UPN or ULN: UN1 to UN10.
	UPNUnknown string `json:"upn_unknown,omitempty"`
	// PlanStartDate is the start date of a plan this LA did not issue (one
	// transferred in, or held before the case was imported), YYYY-MM-DD.
	PlanStartDate string `json:"plan_start_date,omitempty"`
	// TransferLA is the DfE 3-digit number of the LA a plan was transferred
	// in from, when the transfer's from_la is not that number.
	TransferLA string `json:"transfer_la,omitempty"`
	// PlanRes is the residential placement the plan names: A (38 to 51
	// weeks) or B (52 weeks). PlanWBP is the work-based learning it names:
	// A apprenticeship, T traineeship, S supported internship.
	PlanRes string `json:"plan_res,omitempty"`
	PlanWBP string `json:"plan_wbp,omitempty"`
	// PersonalBudget is true when a personal budget was taken up; OA when
	// organised arrangements are in place; DirectPayments is the kind of
	// direct payment: E education, S social care, H health, I integrated.
	PersonalBudget *bool  `json:"personal_budget,omitempty"`
	OA             *bool  `json:"organised_arrangements,omitempty"`
	DirectPayments string `json:"direct_payments,omitempty"`
	// SENNeed is the primary (and any secondary) SEN type.
	SENNeed *SENNeed `json:"sen_need,omitempty"`
	// Placements are the settings named in the plan or attended, keyed by
	// the host's own placement id, so a later firing can add a leaving date
	// to one (facts merge key by key). Each carries its own dates.
	Placements map[string]Placement `json:"placements,omitempty"`
}

// SENNeed is a ranked SEN type pair (SEN2 SENtype, ranks 1 and 2).
type SENNeed struct {
	// Primary is the SEN type ranked 1, e.g. ASD; Secondary the one ranked 2.
	Primary   string `json:"primary,omitempty"`
	Secondary string `json:"secondary,omitempty"`
}

// Placement is one setting named in the plan or attended (SEN2 PlanDetail
// and PlacementDetail).
type Placement struct {
	// URN is the setting's 6-digit GIAS number; UKPRN its 8-digit UK
	// provider number; Setting, when it has neither, a SEN2 setting code
	// (OLA, OPA, EHE, EYP, OTH, NEET, NIEC, NIEO), with SettingOther text
	// for OTH and NIEO.
	URN          string `json:"urn,omitempty"`
	UKPRN        string `json:"ukprn,omitempty"`
	Setting      string `json:"setting,omitempty"`
	SettingOther string `json:"setting_other,omitempty"`
	// Rank is 1 for the main setting, 2 for a second (dual) one.
	Rank int `json:"rank,omitempty"`
	// NamedInPlan is true when the plan names this setting.
	NamedInPlan bool `json:"named_in_plan,omitempty"`
	// EntryDate is the first day attended (a setting only named has none);
	// LeavingDate the last.
	EntryDate   string `json:"entry_date,omitempty"`
	LeavingDate string `json:"leaving_date,omitempty"`
	// SENUnit and ResourcedProvision: attended in an SEN unit or resourced
	// provision.
	SENUnit            bool `json:"sen_unit,omitempty"`
	ResourcedProvision bool `json:"resourced_provision,omitempty"`
	// Res (A or B) and WBP (A, T or S) as PlanRes and PlanWBP, for this
	// placement.
	Res string `json:"res,omitempty"`
	WBP string `json:"wbp,omitempty"`
}

// SEN2 code lists the person details are checked against.
var (
	SEN2Sexes       = []string{"M", "F", "U"}
	SEN2Ethnicities = []string{"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
		"ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}
	SEN2UPNUnknown = []string{"UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"}
	SEN2Settings   = []string{"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}
	// SEN2Types are the SEN types; DS (Down syndrome) is in the 2025 list.
	SEN2Types = []string{"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "DS"}
	SEN2Res   = []string{"A", "B"}
	SEN2WBP   = []string{"A", "T", "S"}
	SEN2DP    = []string{"E", "S", "H", "I"}
)

var (
	urnRE      = regexp.MustCompile(`^[0-9]{6}$`)
	ukprnRE    = regexp.MustCompile(`^[0-9]{8}$`)
	laNumberRE = regexp.MustCompile(`^[0-9]{3}$`)
	// postcodeRE is the shape of a UK postcode (outward code, a space,
	// inward code), upper case with one space.
	postcodeRE = regexp.MustCompile(`^(GIR 0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) [0-9][ABD-HJLNP-UW-Z]{2})$`)
)

// upnLetters are the UPN check letters, indexed by the remainder mod 23
// (I, O and S are not used); a temporary UPN's last letter has the same
// values.
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// ValidUPN reports whether s is a unique pupil number with the right check
// letter: characters 2 to 13 are weighted 2 to 13, summed, and the sum
// mod 23 names the first character.
func ValidUPN(s string) bool {
	if len(s) != 13 {
		return false
	}
	sum := 0
	for i := 1; i < 13; i++ {
		c := s[i]
		v := -1
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 12:
			v = strings.IndexByte(upnLetters, c)
		}
		if v < 0 {
			return false
		}
		sum += v * (i + 1)
	}
	return s[0] == upnLetters[sum%23]
}

// UPNCheckLetter is the check letter of the 12 characters that follow it
// in a UPN ("" when they are not 11 digits and a digit or letter).
func UPNCheckLetter(rest string) string {
	for _, l := range upnLetters {
		if ValidUPN(string(l) + rest) {
			return string(l)
		}
	}
	return ""
}

// ValidULN reports whether s is a unique learner number: 10 digits, not
// starting with 0, whose last is the check digit (10 minus the sum of the
// first nine weighted 10 down to 2, mod 11).
func ValidULN(s string) bool {
	if len(s) != 10 || s[0] == '0' {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 9 {
			sum += int(s[i]-'0') * (10 - i)
		}
	}
	check := 10 - sum%11
	return check < 10 && int(s[9]-'0') == check
}

// NormalisePostcode writes a postcode upper case with one space before the
// inward code; "" when it does not have the shape of a UK postcode.
func NormalisePostcode(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) < 5 || len(s) > 7 {
		return ""
	}
	s = s[:len(s)-3] + " " + s[len(s)-3:]
	if !postcodeRE.MatchString(s) {
		return ""
	}
	return s
}

// ValidLANumber reports whether s is a DfE 3-digit LA number.
func ValidLANumber(s string) bool { return laNumberRE.MatchString(s) }

// personProblems checks person details at ptr (".../person"). No message
// quotes a value, and a pointer names a placement only by a key that looks
// like a policy name.
func personProblems(p *PersonDetails, ptr string) []Problem {
	if p == nil {
		return nil
	}
	var probs []Problem
	bad := func(at, format string, args ...any) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: at, Message: fmt.Sprintf(format, args...)})
	}
	for _, t := range [...]struct{ name, v string }{{"surname", p.Surname}, {"forename", p.Forename}, {"postcode", p.Postcode}} {
		if len(t.v) > MaxPersonText || !utf8.ValidString(t.v) {
			bad(ptr+"/"+t.name, "person.%s must be text of at most %d bytes", t.name, MaxPersonText)
		}
	}
	if p.Postcode != "" && len(p.Postcode) <= MaxPersonText && NormalisePostcode(p.Postcode) == "" {
		bad(ptr+"/postcode", "person.postcode does not have the shape of a UK postcode (e.g. CT16 1AA)")
	}
	if p.UPN != "" && !ValidUPN(p.UPN) {
		bad(ptr+"/upn", "person.upn must be a check letter, 11 digits and a digit or letter, with the right check letter")
	}
	if p.ULN != "" && !ValidULN(p.ULN) {
		bad(ptr+"/uln", "person.uln must be 10 digits with the right check digit")
	}
	probs = append(probs, codeProblems(ptr, []codeField{
		{"sex", p.Sex, SEN2Sexes}, {"ethnicity", p.Ethnicity, SEN2Ethnicities}, {"upn_unknown", p.UPNUnknown, SEN2UPNUnknown},
		{"plan_res", p.PlanRes, SEN2Res}, {"plan_wbp", p.PlanWBP, SEN2WBP}, {"direct_payments", p.DirectPayments, SEN2DP},
	})...)
	if _, err := calendar.ParseDate(p.PlanStartDate); p.PlanStartDate != "" && err != nil {
		probs = append(probs, Problem{Code: "bad_date", Pointer: ptr + "/plan_start_date", Message: "person.plan_start_date must be a date (YYYY-MM-DD)"})
	}
	if p.TransferLA != "" && !ValidLANumber(p.TransferLA) {
		bad(ptr+"/transfer_la", "person.transfer_la must be a DfE LA number of 3 digits")
	}
	if n := p.SENNeed; n != nil {
		probs = append(probs, codeProblems(ptr+"/sen_need", []codeField{{"primary", n.Primary, SEN2Types}, {"secondary", n.Secondary, SEN2Types}})...)
		if n.Secondary != "" && n.Secondary == n.Primary {
			bad(ptr+"/sen_need/secondary", "person.sen_need.secondary must differ from the primary SEN type")
		}
	}
	if len(p.Placements) > MaxPlacements {
		probs = append(probs, Problem{Code: "limit_exceeded", Pointer: ptr + "/placements",
			Message: fmt.Sprintf("the person holds %d placements; the limit is %d", len(p.Placements), MaxPlacements)})
		return probs
	}
	ids := make([]string, 0, len(p.Placements))
	for id := range p.Placements {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		pl := p.Placements[id]
		if len(id) > MaxIdentifierLen || !utf8.ValidString(id) {
			bad(ptr+"/placements", "a placement id must be text of at most %d bytes", MaxIdentifierLen)
		}
		probs = append(probs, placementProblems(&pl, ptrKey(ptr+"/placements", id))...)
	}
	return probs
}

// codeField is one coded person detail and its code list.
type codeField struct {
	name, v string
	codes   []string
}

// codeProblems checks each coded field given is on its list.
func codeProblems(ptr string, fs []codeField) []Problem {
	var probs []Problem
	for _, f := range fs {
		if f.v != "" && !slices.Contains(f.codes, f.v) {
			probs = append(probs, Problem{Code: "bad_value", Pointer: ptr + "/" + f.name,
				Message: fmt.Sprintf("%s must be one of: %s", f.name, strings.Join(f.codes, ", "))})
		}
	}
	return probs
}

// placementProblems checks one placement at ptr.
func placementProblems(pl *Placement, ptr string) []Problem {
	var probs []Problem
	bad := func(at, format string, args ...any) {
		probs = append(probs, Problem{Code: "bad_value", Pointer: at, Message: fmt.Sprintf(format, args...)})
	}
	if pl.URN != "" && !urnRE.MatchString(pl.URN) {
		bad(ptr+"/urn", "a placement's urn must be 6 digits")
	}
	if pl.UKPRN != "" && !ukprnRE.MatchString(pl.UKPRN) {
		bad(ptr+"/ukprn", "a placement's ukprn must be 8 digits")
	}
	probs = append(probs, codeProblems(ptr, []codeField{{"setting", pl.Setting, SEN2Settings}, {"res", pl.Res, SEN2Res}, {"wbp", pl.WBP, SEN2WBP}})...)
	if len(pl.SettingOther) > MaxPersonText || !utf8.ValidString(pl.SettingOther) {
		bad(ptr+"/setting_other", "a placement's setting_other must be text of at most %d bytes", MaxPersonText)
	}
	if pl.Rank != 0 && pl.Rank != 1 && pl.Rank != 2 {
		bad(ptr+"/rank", "a placement's rank must be 1 (main setting) or 2")
	}
	for _, d := range [...]struct{ name, v string }{{"entry_date", pl.EntryDate}, {"leaving_date", pl.LeavingDate}} {
		if _, err := calendar.ParseDate(d.v); d.v != "" && err != nil {
			probs = append(probs, Problem{Code: "bad_date", Pointer: ptr + "/" + d.name, Message: "a placement's " + d.name + " must be a date (YYYY-MM-DD)"})
		}
	}
	if pl.EntryDate != "" && pl.LeavingDate != "" && pl.LeavingDate < pl.EntryDate {
		bad(ptr+"/leaving_date", "a placement's leaving_date must not be before its entry_date")
	}
	return probs
}

// personBytes estimates the JSON size of person details.
func personBytes(p *PersonDetails) int {
	if p == nil {
		return 0
	}
	n := 400 + len(p.Surname) + len(p.Forename) + len(p.Postcode)
	for id, pl := range p.Placements {
		n += 300 + len(id) + len(pl.SettingOther)
	}
	return n
}

// clone copies person details sharing no pointer or map with p.
func (p *PersonDetails) clone() *PersonDetails {
	if p == nil {
		return nil
	}
	return deepCopy(p)
}

// CheckPersonDetails reports every problem with person details, each with
// its JSON pointer under "/person"; no message quotes a value.
func CheckPersonDetails(p *PersonDetails) []Problem { return personProblems(p, "/person") }
