package report

import (
	_ "embed"
	"fmt"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// This file holds the SEN2 person-level XML message (docs/sen2.md, "The
// person-level XML return"): its elements, in the order the project's
// schema (sen2.xsd) gives them, and the header's settings.

// XMLHeader is the message header: the collection and its source.
type XMLHeader struct {
	CollectionDetails struct {
		Collection    string `xml:"Collection"`
		Year          int    `xml:"Year"`
		ReferenceDate string `xml:"ReferenceDate"`
	} `xml:"CollectionDetails"`
	Source struct {
		SourceLevel  string `xml:"SourceLevel"`
		LEA          string `xml:"LEA"`
		SoftwareCode string `xml:"SoftwareCode"`
		Release      string `xml:"Release"`
		SerialNo     string `xml:"SerialNo"`
		DateTime     string `xml:"DateTime"`
		DMO          string `xml:"DMO"`
		DCO          string `xml:"DCO"`
	} `xml:"Source"`
}

// XMLPerson is module 1, one child or young person, with their requests.
type XMLPerson struct {
	Surname             string       `xml:"Surname"`
	Forename            string       `xml:"Forename"`
	PersonBirthDate     string       `xml:"PersonBirthDate"`
	Sex                 string       `xml:"Sex"`
	Ethnicity           string       `xml:"Ethnicity"`
	PostCode            string       `xml:"PostCode"`
	UPN                 string       `xml:"UPN,omitempty"`
	UniqueLearnerNumber string       `xml:"UniqueLearnerNumber,omitempty"`
	UPNunknown          string       `xml:"UPNunknown,omitempty"`
	Requests            []XMLRequest `xml:"Requests"`
}

// XMLRequest is module 2, one request for an EHC needs assessment (or the
// historical record, outcome H, a plan from before the period hangs on).
type XMLRequest struct {
	ReceivedDate       string          `xml:"ReceivedDate,omitempty"`
	RequestSource      string          `xml:"RequestSource,omitempty"`
	RequestOutcomeDate string          `xml:"RequestOutcomeDate,omitempty"`
	RequestOutcome     string          `xml:"RequestOutcome"`
	RequestMediation   string          `xml:"RequestMediation,omitempty"`
	RequestTribunal    string          `xml:"RequestTribunal,omitempty"`
	Assessment         *XMLAssessment  `xml:"Assessment,omitempty"`
	ActivePlans        *XMLActivePlans `xml:"ActivePlans,omitempty"`

	sortDate string // the request's date, or the plan's for a historical record
}

// XMLAssessment is module 3, the assessment and its outcome.
type XMLAssessment struct {
	AssessmentOutcome     string        `xml:"AssessmentOutcome"`
	AssessmentOutcomeDate string        `xml:"AssessmentOutcomeDate,omitempty"`
	AssessmentMediation   string        `xml:"AssessmentMediation,omitempty"`
	AssessmentTribunal    string        `xml:"AssessmentTribunal,omitempty"`
	OtherMediation        string        `xml:"OtherMediation,omitempty"`
	OtherTribunal         string        `xml:"OtherTribunal,omitempty"`
	Week20                string        `xml:"Week20,omitempty"`
	NamedPlan             *XMLNamedPlan `xml:"NamedPlan,omitempty"`
}

// XMLNamedPlan is module 4, the plan the assessment issued, with its
// ceasing.
type XMLNamedPlan struct {
	StartDate   string          `xml:"StartDate"`
	PlanDetail  []XMLPlanDetail `xml:"PlanDetail"`
	PlanRes     string          `xml:"PlanRes,omitempty"`
	PlanWBP     string          `xml:"PlanWBP,omitempty"`
	PB          string          `xml:"PB,omitempty"`
	OA          string          `xml:"OA,omitempty"`
	DP          string          `xml:"DP,omitempty"`
	CeaseDate   string          `xml:"CeaseDate,omitempty"`
	CeaseReason string          `xml:"CeaseReason,omitempty"`
}

// XMLPlanDetail is one setting the plan names.
type XMLPlanDetail struct {
	URN                         string `xml:"URN,omitempty"`
	UKPRN                       string `xml:"UKPRN,omitempty"`
	SENSetting                  string `xml:"SENSetting,omitempty"`
	SENSettingOther             string `xml:"SENSettingOther,omitempty"`
	PlacementRank               string `xml:"PlacementRank"`
	SENunitIndicator            string `xml:"SENunitIndicator"`
	ResourcedProvisionIndicator string `xml:"ResourcedProvisionIndicator"`
}

// XMLActivePlans is module 5, a plan maintained in the period: the
// settings attended and the SEN need.
type XMLActivePlans struct {
	TransferLA      string               `xml:"TransferLA,omitempty"`
	PlacementDetail []XMLPlacementDetail `xml:"PlacementDetail"`
	SENneed         []XMLSENneed         `xml:"SENneed"`
	ReviewMeeting   string               `xml:"ReviewMeeting,omitempty"`
	ReviewOutcome   string               `xml:"ReviewOutcome,omitempty"`
	LastReview      string               `xml:"LastReview,omitempty"`
}

// XMLPlacementDetail is one setting attended.
type XMLPlacementDetail struct {
	URN                         string `xml:"URN,omitempty"`
	UKPRN                       string `xml:"UKPRN,omitempty"`
	SENSetting                  string `xml:"SENSetting,omitempty"`
	SENSettingOther             string `xml:"SENSettingOther,omitempty"`
	PlacementRank               string `xml:"PlacementRank"`
	EntryDate                   string `xml:"EntryDate"`
	LeavingDate                 string `xml:"LeavingDate,omitempty"`
	SENunitIndicator            string `xml:"SENunitIndicator"`
	ResourcedProvisionIndicator string `xml:"ResourcedProvisionIndicator"`
	Res                         string `xml:"Res,omitempty"`
	WBP                         string `xml:"WBP,omitempty"`
}

// XMLSENneed is one ranked SEN type.
type XMLSENneed struct {
	SENtype     string `xml:"SENtype"`
	SENtypeRank string `xml:"SENtypeRank"`
}

// ReturnOptions configure the person-level return. Year is the calendar
// year of the activity reported (as for Run): the return is the SEN2
// collection of Year+1, counted at its January census.
type ReturnOptions struct {
	Year int `json:"year"`
	// ReferenceDate is the census date; empty means CensusDate(Year+1).
	ReferenceDate string `json:"reference_date,omitempty"`
	// CutOff is the day the outcomes are reported as of (a decision not
	// made by then is "A", not yet decided); empty means the census date.
	CutOff string `json:"cut_off,omitempty"`
	// LA is the authority's DfE 3-digit number (the header's LEA).
	LA string `json:"la"`
	// DMO and DCO answer whether the LA has a designated medical officer
	// and a designated clinical officer: Y, N or R.
	DMO string `json:"dmo"`
	DCO string `json:"dco"`
	// SoftwareCode, Release and SerialNo name the software and the file;
	// empty means "sendflow", "1" and "001".
	SoftwareCode string `json:"software_code,omitempty"`
	Release      string `json:"release,omitempty"`
	SerialNo     string `json:"serial_no,omitempty"`
	// DateTime is when the file is made (RFC 3339); empty means now.
	DateTime string `json:"date_time,omitempty"`
	// RequestSource writes each request's RequestSource code (who asked:
	// Request.SourceCode). Later collections have it; the 2024 message did
	// not, and the codes are not confirmed, so it is off unless asked for.
	RequestSource bool `json:"request_source,omitempty"`
}

// censusDates are the SEN2 census (reference) dates published for each
// collection year; a year not listed falls back to the rule they all
// follow, the third Thursday of January.
var censusDates = map[int]string{2023: "2023-01-19", 2024: "2024-01-18", 2025: "2025-01-16", 2026: "2026-01-15", 2027: "2027-01-21"}

// CensusDate is the SEN2 census date of collection year y (January of y):
// the published date, or else the third Thursday of January.
func CensusDate(y int) string {
	if d, ok := censusDates[y]; ok {
		return d
	}
	day := 1
	for time.Date(y, time.January, day, 0, 0, 0, 0, time.UTC).Weekday() != time.Thursday {
		day++
	}
	return calendar.Date{Year: y, Month: time.January, Day: day + 14}.String()
}

// resolve fills the defaults and checks the options.
func (o ReturnOptions) resolve(now time.Time) (ReturnOptions, error) {
	bad := func(ptr, format string, args ...any) error {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf(format, args...), Pointer: ptr}
	}
	if o.Year < calendar.MinYear || o.Year >= calendar.MaxYear {
		return o, bad("/year", "year %d is out of range (%d to %d)", o.Year, calendar.MinYear, calendar.MaxYear-1)
	}
	if o.ReferenceDate == "" {
		o.ReferenceDate = CensusDate(o.Year + 1)
	}
	if o.CutOff == "" {
		o.CutOff = o.ReferenceDate
	}
	for _, d := range [...]struct{ ptr, v string }{{"/reference_date", o.ReferenceDate}, {"/cut_off", o.CutOff}} {
		if _, err := calendar.ParseDate(d.v); err != nil {
			return o, bad(d.ptr, "%s is not a date (YYYY-MM-DD)", d.ptr[1:])
		}
	}
	if o.ReferenceDate <= Year(o.Year).To || o.CutOff <= Year(o.Year).To {
		return o, bad("/reference_date", "the census and cut-off dates must fall after the year reported (%d)", o.Year)
	}
	if !sdk.ValidLANumber(o.LA) {
		return o, bad("/la", "the LA number must be the DfE 3-digit number (e.g. 886)")
	}
	for _, f := range [...]struct{ name, v string }{{"dmo", o.DMO}, {"dco", o.DCO}} {
		if f.v != "Y" && f.v != "N" && f.v != "R" {
			return o, bad("/"+f.name, "%s must be Y, N or R", f.name)
		}
	}
	o.SoftwareCode, o.Release, o.SerialNo = orDefault(o.SoftwareCode, "sendflow"), orDefault(o.Release, "1"), orDefault(o.SerialNo, "001")
	if len(o.SerialNo) < 3 || len(o.SerialNo) > 12 || !allDigits(o.SerialNo) {
		return o, bad("/serial_no", "the serial number must be 3 to 12 digits")
	}
	if o.DateTime == "" {
		o.DateTime = now.UTC().Format("2006-01-02T15:04:05Z")
	} else if _, err := time.Parse(time.RFC3339, o.DateTime); err != nil {
		return o, bad("/date_time", "date_time must be an RFC 3339 time")
	}
	return o, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// header is the message header for the options.
func (o ReturnOptions) header() XMLHeader {
	var h XMLHeader
	h.CollectionDetails.Collection, h.CollectionDetails.Year, h.CollectionDetails.ReferenceDate = "SEN2", o.Year+1, o.ReferenceDate
	s := &h.Source
	s.SourceLevel, s.LEA, s.SoftwareCode, s.Release, s.SerialNo, s.DateTime = "L", o.LA, o.SoftwareCode, o.Release, o.SerialNo, o.DateTime
	s.DMO, s.DCO = o.DMO, o.DCO
	return h
}

// SEN2XSD is the XML schema the project writes for the return it makes
// (sen2.xsd): `make sen2-xml` checks generated returns against it with
// xmllint, and `sendflow sen2 --print-xsd` prints it.
//
//go:embed sen2.xsd
var SEN2XSD []byte
