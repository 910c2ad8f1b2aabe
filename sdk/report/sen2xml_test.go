package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/report"
)

// The SEN2 2026 person-level return (activity in 2025, census 2026-01-15,
// outcomes as of the census date) of a caseload worked out by hand: every
// element of every person is written out below, not computed.

// details are the person details every case of the caseload gets, with its
// own surname: the postcode is given unspaced in lower case (the return
// writes it upper case with one space).
func details(surname string, extra map[string]any) map[string]any {
	p := map[string]any{"surname": surname, "forename": "Pat", "sex": "F", "ethnicity": "WBRI", "postcode": "ct161aa",
		"upn": "H801200001001", "sen_need": map[string]any{"primary": "ASD"},
		"placements": map[string]any{"p1": map[string]any{"urn": "118000", "rank": 1, "named_in_plan": true, "entry_date": "2022-09-05"}}}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

// xcase builds a case through the engine: born 2015-10-10, the steps, then
// its person details recorded on 2026-02-02 (after the census: the return
// reads the details the case holds now).
func xcase(t *testing.T, e *sdk.Engine, id string, person map[string]any, steps ...step) sdk.Case {
	t.Helper()
	yg := 4
	c := e.NewCase(sdk.Facts{ID: id, LA: "kent", District: "dover", Child: sdk.Child{DateOfBirth: "2015-10-10", YearGroup: &yg}})
	steps = append(steps, step{"2026-02-02", "la_officer", "plan.person_details_recorded", nil})
	for i, s := range steps {
		f := sdk.Firing{Trigger: s.trigger, Actor: s.actor, At: s.at, Data: s.data}
		if i == len(steps)-1 && person != nil {
			f.Facts = map[string]any{"person": person}
		}
		out, err := e.Fire(c, f)
		require.NoError(t, err, "%s: %s at %s", id, s.trigger, s.at)
		c = out.Case
	}
	return c
}

func plan(req, assess, draft, final string) []step {
	return planSteps("parent", req, assess, draft, final)
}

// appealSteps: a dispute on the latest decision, mediation declined, up to
// the Tribunal's order.
func appealSteps(order, decided string) []step {
	return []step{
		{"2025-06-30", "parent", "dispute.mediation_declined", nil},
		{"2025-07-01", "mediation_adviser", "dispute.certificate_issued", nil},
		{"2025-07-07", "parent", "dispute.appeal_registered", nil},
		{decided, "tribunal", "dispute.tribunal_decided", map[string]any{"order": order}},
	}
}

// reviewSteps: a review meeting and the LA's decision after it.
func reviewSteps(invited, meeting, decided, decision string) []step {
	return []step{
		{invited, "school", "plan.review_invited", map[string]any{"meeting_date": meeting}},
		{meeting, "school", "plan.review_meeting_held", nil},
		{decided, "la_officer", "plan.review_decided", map[string]any{"decision": decision}},
	}
}

func exception(at string) step {
	return step{at, "la_officer", "ehc.exception_recorded", map[string]any{"reason": "absent_from_area"}}
}

// handCaseload is the caseload, in input order.
func handCaseload(t *testing.T, e *sdk.Engine) []sdk.Case {
	cs := []sdk.Case{
		xcase(t, e, "A", details("Alpha", nil), plan("2025-01-06", "2025-02-03", "2025-04-28", "2025-05-26")...),
		xcase(t, e, "B", details("Bravo", nil), plan("2025-01-06", "2025-02-03", "2025-05-05", "2025-06-09")...),
		xcase(t, e, "C", details("Charlie", nil), with(plan("2025-01-06", "2025-02-03", "2025-05-19", "2025-06-16")[:1],
			exception("2025-01-20"), step{"2025-02-03", "la_officer", "ehc.decided_to_assess", nil},
			step{"2025-05-19", "la_officer", "ehc.draft_issued", nil}, step{"2025-06-16", "la_officer", "ehc.plan_finalised", school})...),
		xcase(t, e, "D", details("Delta", nil),
			step{"2025-02-03", "parent", "ehc.requested", nil}, exception("2025-02-10"),
			step{"2025-03-03", "la_officer", "ehc.decided_to_assess", nil}, step{"2025-05-12", "la_officer", "ehc.draft_issued", nil},
			step{"2025-06-02", "la_officer", "ehc.plan_finalised", school}),
		xcase(t, e, "E", details("Echo", nil),
			step{"2025-03-03", "school", "ehc.requested", nil}, step{"2025-04-14", "la_officer", "ehc.decided_not_to_assess", nil}),
		xcase(t, e, "F", details("Foxtrot", nil),
			step{"2025-01-13", "health", "ehc.brought_to_attention", nil}, step{"2025-02-17", "la_officer", "ehc.decided_not_to_assess", nil},
			step{"2025-03-03", "parent", "dispute.mediation_requested", nil}, step{"2025-03-20", "mediation_adviser", "dispute.mediation_concluded", nil},
			step{"2025-03-24", "mediation_adviser", "dispute.certificate_issued", nil}, step{"2025-04-01", "parent", "dispute.appeal_registered", nil}),
		xcase(t, e, "G", details("Golf", nil), with(with([]step{{"2025-01-06", "parent", "ehc.requested", nil},
			{"2025-05-12", "la_officer", "ehc.decided_not_to_assess", nil}}, appealSteps("assess", "2025-10-06")...),
			step{"2025-10-13", "la_officer", "ehc.decided_to_assess", nil}, step{"2025-11-17", "la_officer", "ehc.draft_issued", nil},
			step{"2025-12-15", "la_officer", "ehc.plan_finalised", school}, step{"2025-12-16", "la_officer", "dispute.order_complied", nil})...),
		xcase(t, e, "H", details("Hotel", nil), with(with([]step{{"2025-03-03", "school", "ehc.requested", nil},
			{"2025-04-14", "la_officer", "ehc.decided_to_assess", nil}, {"2025-06-23", "la_officer", "ehc.decided_not_to_issue", nil}},
			appealSteps("make_plan", "2025-10-06")...),
			step{"2025-10-13", "la_officer", "ehc.draft_issued", nil}, step{"2025-11-03", "la_officer", "ehc.plan_finalised", school})...),
		xcase(t, e, "I", details("India", nil),
			step{"2025-10-06", "parent", "ehc.requested", nil}, step{"2025-11-03", "la_officer", "ehc.decided_to_assess", nil}),
		xcase(t, e, "J", details("Juliet", nil),
			step{"2025-12-01", "parent", "ehc.requested", nil}, step{"2026-01-12", "la_officer", "ehc.decided_to_assess", nil}),
		xcase(t, e, "J2", details("Juliett", nil),
			step{"2025-12-15", "parent", "ehc.requested", nil}, step{"2026-01-26", "la_officer", "ehc.decided_to_assess", nil}),
		xcase(t, e, "K", details("Kilo", nil),
			step{"2025-04-07", "parent", "ehc.requested", nil}, step{"2025-04-22", "parent", "ehc.withdrawn", nil}),
		xcase(t, e, "L", details("Lima", nil),
			step{"2025-01-06", "parent", "ehc.requested", nil}, step{"2025-02-03", "la_officer", "ehc.decided_to_assess", nil},
			step{"2025-04-22", "la_officer", "ehc.decided_not_to_issue", nil}),
		xcase(t, e, "M", details("Mike", map[string]any{"plan_start_date": "2023-06-12"}),
			step{"2025-02-03", "la_officer", "plan.transferred_in", map[string]any{"from_la": "305"}}),
		xcase(t, e, "N", details("November", map[string]any{"plan_start_date": "2024-03-04", "transfer_la": "887",
			"placements": map[string]any{"p1": map[string]any{"urn": "118000", "rank": 1, "named_in_plan": true, "entry_date": "2022-09-05", "leaving_date": "2025-07-22"}}}),
			step{"2025-02-03", "la_officer", "plan.transferred_in", map[string]any{"from_la": "medway"}},
			step{"2025-09-01", "la_officer", "plan.transferred_out", map[string]any{"new_la": "surrey"}}),
		xcase(t, e, "O", details("Oscar", nil), with(plan("2023-01-09", "2023-02-06", "2023-05-02", "2023-05-30"),
			reviewSteps("2025-04-14", "2025-05-12", "2025-05-26", "maintain")...)...),
		xcase(t, e, "P", details("Papa", map[string]any{"placements": map[string]any{
			"p1": map[string]any{"urn": "118000", "rank": 1, "named_in_plan": true, "entry_date": "2022-09-05", "leaving_date": "2025-05-23"}}}),
			with(with(plan("2022-01-10", "2022-02-07", "2022-05-09", "2022-06-06"),
				reviewSteps("2025-01-13", "2025-02-03", "2025-02-17", "cease")...),
				step{"2025-03-03", "la_officer", "plan.cease_decided", map[string]any{"reason": 3}},
				step{"2025-06-02", "la_officer", "plan.ceased", nil})...),
		xcase(t, e, "Q", details("Quebec", nil), with(with(plan("2021-01-11", "2021-02-08", "2021-05-10", "2021-06-07"),
			reviewSteps("2024-01-15", "2024-02-05", "2024-02-19", "cease")...),
			step{"2024-03-04", "la_officer", "plan.cease_decided", map[string]any{"reason": 2}},
			step{"2024-06-03", "la_officer", "plan.ceased", nil})...),
		xcase(t, e, "R", details("Romeo", nil), plan("2024-09-02", "2024-10-07", "2024-12-16", "2025-01-20")...),
		imported(t, e),
		xcase(t, e, "U", details("Uniform", nil), plan("2025-08-04", "2025-09-01", "2025-12-08", "2026-01-05")...),
		xcase(t, e, "W", details("Whiskey", map[string]any{"placements": map[string]any{
			"p1": map[string]any{"urn": "118000", "rank": 1, "named_in_plan": true, "entry_date": "2022-09-05", "leaving_date": "2025-07-18"},
			"p2": map[string]any{"urn": "118555", "rank": 1, "named_in_plan": true, "entry_date": "2025-09-03"},
			"p3": map[string]any{"setting": "OLA", "rank": 2, "entry_date": "2025-09-03", "resourced_provision": true}}}),
			plan("2023-01-09", "2023-02-06", "2023-05-02", "2023-05-30")...),
		xcase(t, e, "V", details("Victor", map[string]any{"personal_budget": true, "direct_payments": "E",
			"sen_need": map[string]any{"primary": "SLCN", "secondary": "SEMH"}}),
			with(plan("2025-03-03", "2025-04-07", "2025-06-23", "2025-07-14"),
				step{"2025-07-28", "parent", "dispute.mediation_requested", nil})...),
	}
	return cs
}

// imported is case S: imported on 2025-03-03 with a plan this LA already
// maintained (started 2021-07-01), its person details among the facts.
func imported(t *testing.T, e *sdk.Engine) sdk.Case {
	t.Helper()
	raw, err := json.Marshal(details("Sierra", map[string]any{"plan_start_date": "2021-07-01"}))
	require.NoError(t, err)
	var p sdk.PersonDetails
	require.NoError(t, json.Unmarshal(raw, &p))
	out, err := e.Import(sdk.ImportRecord{At: "2025-03-03", States: map[string]string{"plan": "active"},
		Facts: sdk.Facts{ID: "S", LA: "kent", District: "dover", Child: sdk.Child{DateOfBirth: "2015-10-10"}, Person: &p}})
	require.NoError(t, err)
	return out.Case
}

// The Person module and the standard placement, named setting and need.
const (
	mod1 = `Surname %s
Forename Pat
PersonBirthDate 2015-10-10
Sex F
Ethnicity WBRI
PostCode CT16 1AA
UPN H801200001001
`
	planDetail = `      PlanDetail
        URN 118000
        PlacementRank 1
        SENunitIndicator 0
        ResourcedProvisionIndicator 0
`
	attended = `    PlacementDetail
      URN 118000
      PlacementRank 1
      EntryDate 2022-09-05
      SENunitIndicator 0
      ResourcedProvisionIndicator 0
    SENneed
      SENtype ASD
      SENtypeRank 1
`
)

// newPlan is a request received and assessed in the period whose plan was
// issued: the request, its outcome, the assessment's.
func newPlan(received, decided, issued, week20 string) string {
	return `Requests
  ReceivedDate ` + received + `
  RequestOutcomeDate ` + decided + `
  RequestOutcome Y
  RequestMediation 0
  RequestTribunal 0
  Assessment
    AssessmentOutcome Y
    AssessmentOutcomeDate ` + issued + `
    AssessmentMediation 0
    AssessmentTribunal 0
    OtherMediation 0
    OtherTribunal 0
    Week20 ` + week20 + `
    NamedPlan
      StartDate ` + issued + `
` + planDetail + `  ActivePlans
` + attended
}

// handExpected is every person's record, worked out by hand, in input order.
// Q (a plan ceased in 2024) is not in the return.
var handExpected = map[string]string{
	// A: received 2025-01-06, plan 2025-05-26 (+140 days: within 20 weeks), no exception.
	"A": "Alpha\n" + newPlan("2025-01-06", "2025-02-03", "2025-05-26", "0"),
	// B: plan 2025-06-09 (+154: late), no exception.
	"B": "Bravo\n" + newPlan("2025-01-06", "2025-02-03", "2025-06-09", "0"),
	// C: late (+161) with an R10(4) exception recorded while the request was open.
	"C": "Charlie\n" + newPlan("2025-01-06", "2025-02-03", "2025-06-16", "1"),
	// D: on time (+119) with an exception.
	"D": "Delta\n" + newPlan("2025-02-03", "2025-03-03", "2025-06-02", "1"),
	// E: refused; no assessment, no plan.
	"E": `Echo
Requests
  ReceivedDate 2025-03-03
  RequestOutcomeDate 2025-04-14
  RequestOutcome N
  RequestMediation 0
  RequestTribunal 0
`,
	// F: brought to attention, refused, mediation then an appeal on the refusal.
	"F": `Foxtrot
Requests
  ReceivedDate 2025-01-13
  RequestOutcomeDate 2025-02-17
  RequestOutcome N
  RequestMediation 1
  RequestTribunal 1
`,
	// G: refused 2025-05-12, appealed, the Tribunal ordered an assessment, plan 2025-12-15: the
	// request's outcome stays the LA's refusal; the ordered assessment issued the plan.
	"G": `Golf
Requests
  ReceivedDate 2025-01-06
  RequestOutcomeDate 2025-05-12
  RequestOutcome N
  RequestMediation 0
  RequestTribunal 1
  Assessment
    AssessmentOutcome Y
    AssessmentOutcomeDate 2025-12-15
    AssessmentMediation 0
    AssessmentTribunal 0
    OtherMediation 0
    OtherTribunal 0
    Week20 0
    NamedPlan
      StartDate 2025-12-15
` + planDetail + `  ActivePlans
` + attended,
	// H: assessed, decision not to issue 2025-06-23 appealed, the Tribunal ordered a plan, issued
	// 2025-11-03: the outcome stays N, the plan hangs on the assessment.
	"H": `Hotel
Requests
  ReceivedDate 2025-03-03
  RequestOutcomeDate 2025-04-14
  RequestOutcome Y
  RequestMediation 0
  RequestTribunal 0
  Assessment
    AssessmentOutcome N
    AssessmentOutcomeDate 2025-06-23
    AssessmentMediation 0
    AssessmentTribunal 1
    OtherMediation 0
    OtherTribunal 0
    Week20 0
    NamedPlan
      StartDate 2025-11-03
` + planDetail + `  ActivePlans
` + attended,
	// I: assessment open on the census date: outcome A, no date.
	"I": `India
Requests
  ReceivedDate 2025-10-06
  RequestOutcomeDate 2025-11-03
  RequestOutcome Y
  RequestMediation 0
  RequestTribunal 0
  Assessment
    AssessmentOutcome A
    AssessmentMediation 0
    AssessmentTribunal 0
    Week20 0
`,
	// J: received 2025-12-01, decided 2026-01-12, before the census: outcome Y as of the census.
	"J": `Juliet
Requests
  ReceivedDate 2025-12-01
  RequestOutcomeDate 2026-01-12
  RequestOutcome Y
  RequestMediation 0
  RequestTribunal 0
  Assessment
    AssessmentOutcome A
    AssessmentMediation 0
    AssessmentTribunal 0
    Week20 0
`,
	// J2: received 2025-12-15, decided 2026-01-26, after the census: not yet decided (A).
	"J2": `Juliett
Requests
  ReceivedDate 2025-12-15
  RequestOutcome A
  RequestMediation 0
  RequestTribunal 0
`,
	// K: withdrawn before a decision.
	"K": `Kilo
Requests
  ReceivedDate 2025-04-07
  RequestOutcomeDate 2025-04-22
  RequestOutcome W
  RequestMediation 0
  RequestTribunal 0
`,
	// L: assessed, decision not to issue.
	"L": `Lima
Requests
  ReceivedDate 2025-01-06
  RequestOutcomeDate 2025-02-03
  RequestOutcome Y
  RequestMediation 0
  RequestTribunal 0
  Assessment
    AssessmentOutcome N
    AssessmentOutcomeDate 2025-04-22
    AssessmentMediation 0
    AssessmentTribunal 0
    Week20 0
`,
	// M: transferred in 2025-02-03 from LA 305: historical records (H), the plan's own start date
	// (a fact), the transfer LA.
	"M": `Mike
Requests
  RequestOutcome H
  Assessment
    AssessmentOutcome H
    OtherMediation 0
    OtherTribunal 0
    NamedPlan
      StartDate 2023-06-12
` + planDetail + `  ActivePlans
    TransferLA 305
` + attended,
	// N: transferred in from Medway (the number from the fact: 887), transferred out 2025-09-01
	// (cease reason 5); the school left 2025-07-22.
	"N": `November
Requests
  RequestOutcome H
  Assessment
    AssessmentOutcome H
    OtherMediation 0
    OtherTribunal 0
    NamedPlan
      StartDate 2024-03-04
` + planDetail + `      CeaseDate 2025-09-01
      CeaseReason 5
  ActivePlans
    TransferLA 887
    PlacementDetail
      URN 118000
      PlacementRank 1
      EntryDate 2022-09-05
      LeavingDate 2025-07-22
      SENunitIndicator 0
      ResourcedProvisionIndicator 0
    SENneed
      SENtype ASD
      SENtypeRank 1
`,
	// O: plan issued 2023 (H), reviewed 2025-05-12, maintained (decided 2025-05-26).
	"O": `Oscar
Requests
  RequestOutcome H
  Assessment
    AssessmentOutcome H
    OtherMediation 0
    OtherTribunal 0
    NamedPlan
      StartDate 2023-05-30
` + planDetail + `  ActivePlans
` + attended + `    ReviewMeeting 2025-05-12
    ReviewOutcome M
    LastReview 2025-05-26
`,
	// P: plan issued 2022, review 2025-02-03, decision to cease 2025-02-17, ceased 2025-06-02 for
	// reason 3 (higher education); the school left 2025-05-23.
	"P": `Papa
Requests
  RequestOutcome H
  Assessment
    AssessmentOutcome H
    OtherMediation 0
    OtherTribunal 0
    NamedPlan
      StartDate 2022-06-06
` + planDetail + `      CeaseDate 2025-06-02
      CeaseReason 3
  ActivePlans
    PlacementDetail
      URN 118000
      PlacementRank 1
      EntryDate 2022-09-05
      LeavingDate 2025-05-23
      SENunitIndicator 0
      ResourcedProvisionIndicator 0
    SENneed
      SENtype ASD
      SENtypeRank 1
    ReviewMeeting 2025-02-03
    ReviewOutcome C
    LastReview 2025-02-17
`,
	// R: received 2024-09-02 and decided in 2024, plan 2025-01-20 (+140: within): live in 2025.
	"R": "Romeo\n" + newPlan("2024-09-02", "2024-10-07", "2025-01-20", "0"),
	// S: imported 2025-03-03 with a plan started 2021-07-01: historical, no transfer LA.
	"S": `Sierra
Requests
  RequestOutcome H
  Assessment
    AssessmentOutcome H
    OtherMediation 0
    OtherTribunal 0
    NamedPlan
      StartDate 2021-07-01
` + planDetail + `  ActivePlans
` + attended,
	// U: received 2025-08-04, plan 2026-01-05 (before the census; +154: late).
	"U": "Uniform\n" + newPlan("2025-08-04", "2025-09-01", "2026-01-05", "0"),
	// W: plan issued 2023 (H); moved school in the summer of 2025 (the plan names the new one),
	// with a second setting (LA arrangements, rank 2, resourced provision) since September.
	"W": `Whiskey
Requests
  RequestOutcome H
  Assessment
    AssessmentOutcome H
    OtherMediation 0
    OtherTribunal 0
    NamedPlan
      StartDate 2023-05-30
      PlanDetail
        URN 118555
        PlacementRank 1
        SENunitIndicator 0
        ResourcedProvisionIndicator 0
  ActivePlans
    PlacementDetail
      URN 118000
      PlacementRank 1
      EntryDate 2022-09-05
      LeavingDate 2025-07-18
      SENunitIndicator 0
      ResourcedProvisionIndicator 0
    PlacementDetail
      URN 118555
      PlacementRank 1
      EntryDate 2025-09-03
      SENunitIndicator 0
      ResourcedProvisionIndicator 0
    PlacementDetail
      SENSetting OLA
      PlacementRank 2
      EntryDate 2025-09-03
      SENunitIndicator 0
      ResourcedProvisionIndicator 1
    SENneed
      SENtype ASD
      SENtypeRank 1
`,
	// V: plan 2025-07-14, then mediation on its contents: assessment mediation; a personal budget
	// and direct payments (education); two SEN types.
	"V": `Victor
Requests
  ReceivedDate 2025-03-03
  RequestOutcomeDate 2025-04-07
  RequestOutcome Y
  RequestMediation 0
  RequestTribunal 0
  Assessment
    AssessmentOutcome Y
    AssessmentOutcomeDate 2025-07-14
    AssessmentMediation 1
    AssessmentTribunal 0
    OtherMediation 0
    OtherTribunal 0
    Week20 0
    NamedPlan
      StartDate 2025-07-14
` + planDetail + `      PB 1
      DP E
  ActivePlans
    PlacementDetail
      URN 118000
      PlacementRank 1
      EntryDate 2022-09-05
      SENunitIndicator 0
      ResourcedProvisionIndicator 0
    SENneed
      SENtype SLCN
      SENtypeRank 1
    SENneed
      SENtype SEMH
      SENtypeRank 2
`,
}

// node is an XML element read back generically (test side only).
type node struct {
	name, text string
	kids       []*node
}

// readXML parses a document into a tree.
func readXML(t *testing.T, b []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch x := tok.(type) {
		case xml.StartElement:
			n := &node{name: x.Name.Local}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.CharData:
			stack[len(stack)-1].text += strings.TrimSpace(string(x))
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	require.Len(t, root.kids, 1)
	return root.kids[0]
}

// render writes a subtree as "Name value" lines, indented by depth.
func render(n *node, depth int, b *strings.Builder) {
	b.WriteString(strings.Repeat("  ", depth) + n.name)
	if len(n.kids) == 0 {
		b.WriteString(" " + n.text)
	}
	b.WriteString("\n")
	for _, k := range n.kids {
		render(k, depth+1, b)
	}
}

func (n *node) child(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// personText renders a Person without its Surname line's element name, as
// handExpected writes it.
func personText(p *node) string {
	var b strings.Builder
	for _, k := range p.kids {
		render(k, 0, &b)
	}
	return b.String()
}

var handOrder = []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "J2", "K", "L", "M", "N", "O", "P", "R", "S", "U", "W", "V"}

// runReturn streams the cases through Run into a Return and gives the XML
// and the summary.
func runReturn(t *testing.T, e *sdk.Engine, cs []sdk.Case, opt report.ReturnOptions) ([]byte, report.ReturnSummary, report.Report) {
	t.Helper()
	var in bytes.Buffer
	for _, c := range cs {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		in.Write(append(b, '\n'))
	}
	var out bytes.Buffer
	ret, err := report.NewReturn(&out, opt)
	require.NoError(t, err)
	rep, err := report.Run(&in, report.Options{Year: opt.Year, Engine: e, AsOf: ret.CutOff(), Case: ret.Add})
	require.NoError(t, err)
	sum, err := ret.Close()
	require.NoError(t, err)
	return out.Bytes(), sum, rep
}

var handOptions = report.ReturnOptions{Year: 2025, LA: "886", DMO: "Y", DCO: "N", DateTime: "2026-02-10T09:30:00Z"}

func TestHandWorkedXMLReturn(t *testing.T) {
	e := engine(t)
	b, sum, rep := runReturn(t, e, handCaseload(t, e), handOptions)
	require.Equal(t, 0, rep.Failed, "%v", rep.Failures)
	require.Equal(t, 0, sum.IssueCount, "%v", sum.Issues)
	msg := readXML(t, b)
	var hb strings.Builder
	render(msg.child("Header"), 0, &hb)
	assert.Equal(t, `Header
  CollectionDetails
    Collection SEN2
    Year 2026
    ReferenceDate 2026-01-15
  Source
    SourceLevel L
    LEA 886
    SoftwareCode sendflow
    Release 1
    SerialNo 001
    DateTime 2026-02-10T09:30:00Z
    DMO Y
    DCO N
`, hb.String())
	persons := msg.child("Persons").kids
	require.Len(t, persons, len(handOrder), "Q's plan ceased in 2024: it is not in the return")
	for i, id := range handOrder {
		want := strings.Replace(mod1, "%s", strings.SplitN(handExpected[id], "\n", 2)[0], 1) + strings.SplitN(handExpected[id], "\n", 2)[1]
		assert.Equal(t, want, personText(persons[i]), "case %s", id)
	}
	c := sum.Counts
	assert.Equal(t, 22, c.Persons)
	assert.Equal(t, map[string]int{"Y": 11, "N": 3, "W": 1, "A": 1, "H": 6}, c.Requests)
	assert.Equal(t, map[string]int{"Y": 8, "N": 2, "A": 2, "H": 6}, c.Assessments)
	assert.Equal(t, 15, c.NamedPlans)
	assert.Equal(t, 15, c.PlanDetails)
	assert.Equal(t, map[string]int{"3": 1, "5": 1}, c.PlansCeased)
	assert.Equal(t, 15, c.ActivePlans)
	assert.Equal(t, 2, c.TransferredIn)
	assert.Equal(t, 17, c.PlacementDetails)
	assert.Equal(t, 16, c.SENneeds)
	xmllintValidates(t, b)
}

// xmllintValidates checks the document against the project's schema with
// libxml2's xmllint (make sen2-xml installs it; without it the test says so
// and skips, unless SENDFLOW_REQUIRE_XMLLINT is set).
func xmllintValidates(t *testing.T, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("SENDFLOW_REQUIRE_XMLLINT") != "" {
			t.Fatal("xmllint is required (apt-get install libxml2-utils)")
		}
		t.Skip("xmllint not installed: make sen2-xml installs libxml2-utils and runs this")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "return.xml")
	require.NoError(t, os.WriteFile(path, doc, 0o600))
	out, err := exec.Command(bin, "--noout", "--schema", "sen2.xsd", path).CombinedOutput()
	require.NoError(t, err, "xmllint: %s", out)
	assert.Contains(t, string(out), "validates")
}

// A person missing a required fact is reported by case id and element,
// with no value of theirs in any issue.
func TestReturnReportsMissingFacts(t *testing.T) {
	e := engine(t)
	noUPN := details("Quartermain", nil)
	delete(noUPN, "upn")
	delete(noUPN, "sen_need")
	noUPN["placements"] = map[string]any{"p1": map[string]any{"urn": "118000", "rank": 1, "entry_date": "2022-09-05"}}
	cs := []sdk.Case{
		xcase(t, e, "case-1", noUPN, plan("2025-01-06", "2025-02-03", "2025-04-28", "2025-05-26")...),
		xcase(t, e, "case-2", nil, step{"2025-03-03", "school", "ehc.requested", nil}),
		xcase(t, e, "case-3", details("Example", nil), step{"2025-02-03", "la_officer", "plan.transferred_in", map[string]any{"from_la": "bromley"}}),
	}
	_, sum, _ := runReturn(t, e, cs, handOptions)
	type key struct{ Case, Element, Code string }
	var got []key
	for _, is := range sum.Issues {
		got = append(got, key{is.Case, is.Element, is.Code})
		assert.NotEmpty(t, is.Message)
	}
	assert.ElementsMatch(t, []key{
		{"case-1", "Person/UPN", "missing"},
		{"case-1", "Requests/Assessment/NamedPlan/PlanDetail", "missing"},
		{"case-1", "Requests/ActivePlans/SENneed", "missing"},
		{"case-2", "Person", "missing"},
		{"case-3", "Requests/Assessment/NamedPlan/StartDate", "missing"},
		{"case-3", "Requests/ActivePlans/TransferLA", "missing"},
	}, got)
	assert.Equal(t, len(got), sum.IssueCount)
	b, err := json.Marshal(sum)
	require.NoError(t, err)
	for _, v := range []string{"Quartermain", "2015-10-10", "CT16", "ct161aa", "118000", "bromley"} {
		assert.NotContains(t, string(b), v, "an issue never quotes a value")
	}
}

// Person details a host wrote into a case without the engine are checked
// again, without echoing them.
func TestReturnRechecksDetails(t *testing.T) {
	e := engine(t)
	c := xcase(t, e, "case-9", details("Sample", nil), step{"2025-03-03", "school", "ehc.requested", nil})
	c.Person.UPN, c.Person.Ethnicity = "Z801200001001", "Quartermain"
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var out bytes.Buffer
	ret, err := report.NewReturn(&out, handOptions)
	require.NoError(t, err)
	_, err = report.Run(bytes.NewReader(b), report.Options{Year: 2025, AsOf: ret.CutOff(), Case: ret.Add})
	require.NoError(t, err)
	sum, err := ret.Close()
	require.NoError(t, err)
	require.Equal(t, 2, sum.IssueCount, "%v", sum.Issues)
	for _, is := range sum.Issues {
		assert.Equal(t, "case-9", is.Case)
		assert.Equal(t, "invalid", is.Code)
		assert.NotContains(t, is.Message, "Z801200001001")
		assert.NotContains(t, is.Message, "Quartermain")
	}
}

// Dates after the census date, and out of order, are issues.
func TestReturnDateChecks(t *testing.T) {
	e := engine(t)
	late := details("Sample", map[string]any{"placements": map[string]any{
		"p1": map[string]any{"urn": "118000", "rank": 1, "named_in_plan": true, "entry_date": "2014-09-01"}}})
	cs := []sdk.Case{xcase(t, e, "case-5", late, plan("2025-01-06", "2025-02-03", "2025-04-28", "2025-05-26")...)}
	_, sum, _ := runReturn(t, e, cs, handOptions)
	require.Len(t, sum.Issues, 1)
	assert.Equal(t, report.Issue{Case: "case-5", Element: "Requests/ActivePlans/PlacementDetail/EntryDate", Code: "date_order",
		Message: "the date is not after the date of birth"}, sum.Issues[0])
	opt := handOptions
	opt.ReferenceDate, opt.CutOff = "2026-01-15", "2026-01-31" // outcomes as of after the census
	cs = []sdk.Case{xcase(t, e, "case-6", details("Sample", nil), step{"2025-12-15", "parent", "ehc.requested", nil},
		step{"2026-01-26", "la_officer", "ehc.decided_to_assess", nil})}
	_, sum, _ = runReturn(t, e, cs, opt)
	require.Len(t, sum.Issues, 1)
	assert.Equal(t, "Requests/RequestOutcomeDate", sum.Issues[0].Element)
	assert.Equal(t, "after_reference_date", sum.Issues[0].Code)
}

func TestReturnOptionsAndCensusDates(t *testing.T) {
	assert.Equal(t, "2026-01-15", report.CensusDate(2026))
	assert.Equal(t, "2027-01-21", report.CensusDate(2027))
	assert.Equal(t, "2028-01-20", report.CensusDate(2028), "1 January 2028 is a Saturday: Thursdays 6, 13, 20")
	assert.Equal(t, "2030-01-17", report.CensusDate(2030), "1 January 2030 is a Tuesday: Thursdays 3, 10, 17")
	for _, tc := range []struct {
		edit func(*report.ReturnOptions)
		ptr  string
	}{
		{func(o *report.ReturnOptions) { o.LA = "kent" }, "/la"},
		{func(o *report.ReturnOptions) { o.DMO = "yes" }, "/dmo"},
		{func(o *report.ReturnOptions) { o.DCO = "" }, "/dco"},
		{func(o *report.ReturnOptions) { o.Year = 12 }, "/year"},
		{func(o *report.ReturnOptions) { o.ReferenceDate = "2025-12-01" }, "/reference_date"},
		{func(o *report.ReturnOptions) { o.CutOff = "2026-02-30" }, "/cut_off"},
		{func(o *report.ReturnOptions) { o.SerialNo = "1" }, "/serial_no"},
		{func(o *report.ReturnOptions) { o.DateTime = "today" }, "/date_time"},
	} {
		o := handOptions
		tc.edit(&o)
		_, err := report.NewReturn(io.Discard, o)
		var se *sdk.Error
		require.ErrorAs(t, err, &se, tc.ptr)
		assert.Equal(t, sdk.CodeInvalidInput, se.Code)
		assert.Equal(t, tc.ptr, se.Pointer)
	}
}

// An empty caseload gives no person: that is an issue (the message needs
// one), and the document still validates structurally up to it.
func TestReturnWithNoPerson(t *testing.T) {
	_, sum, _ := runReturn(t, engine(t), nil, handOptions)
	require.Equal(t, 1, sum.IssueCount)
	assert.Equal(t, "Persons", sum.Issues[0].Element)
}

// The schema's code lists are the SDK's: they cannot drift apart.
func TestSchemaCodeListsMatchTheSDK(t *testing.T) {
	enums := map[string][]string{}
	dec := xml.NewDecoder(bytes.NewReader(report.SEN2XSD))
	cur := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				switch {
				case se.Name.Local == "simpleType" && a.Name.Local == "name":
					cur = a.Value
				case se.Name.Local == "enumeration" && a.Name.Local == "value":
					enums[cur] = append(enums[cur], a.Value)
				}
			}
		}
	}
	assert.Equal(t, sdk.SEN2Sexes, enums["SexType"])
	assert.Equal(t, sdk.SEN2Ethnicities, enums["EthnicityType"])
	assert.Equal(t, sdk.SEN2UPNUnknown, enums["UPNunknownType"])
	assert.Equal(t, sdk.SEN2Settings, enums["SENSettingType"])
	assert.Equal(t, sdk.SEN2Types, enums["SENtypeType"])
	assert.Equal(t, sdk.SEN2Res, enums["ResType"])
	assert.Equal(t, sdk.SEN2WBP, enums["WBPType"])
	assert.Equal(t, sdk.SEN2DP, enums["DPType"])
}

// The census-day stock: plans maintained on the census date (one begun
// that day counts, one ended that day does not), by age that day.
func TestCensusStockByAge(t *testing.T) {
	e := engine(t)
	in := func(id, dob, at string, more ...step) sdk.Case {
		c := e.NewCase(sdk.Facts{ID: id, LA: "kent", Child: sdk.Child{DateOfBirth: dob}})
		steps := append([]step{{at, "la_officer", "plan.transferred_in", map[string]any{"from_la": "305"}}}, more...)
		for _, s := range steps {
			o, err := e.Fire(c, sdk.Firing{Trigger: s.trigger, Actor: s.actor, At: s.at, Data: s.data})
			require.NoError(t, err, id)
			c = o.Case
		}
		return c
	}
	out := step{"2026-01-15", "la_officer", "plan.transferred_out", map[string]any{"new_la": "surrey"}}
	cases := []sdk.Case{
		in("age3", "2022-03-01", "2025-05-01"),      // 3 on 2026-01-15: under 5
		in("age4", "2021-01-16", "2025-05-01"),      // 4 (5 the next day): under 5
		in("age5", "2021-01-15", "2026-01-15"),      // 5 that day, plan begun that day: 5 to 10
		in("age15", "2010-01-16", "2025-05-01"),     // 15: 11 to 15
		in("age16", "2010-01-15", "2025-05-01"),     // 16: 16 to 19
		in("age19", "2006-01-16", "2025-05-01"),     // 19: 16 to 19
		in("age20", "2006-01-15", "2025-05-01"),     // 20: 20 to 25
		in("gone", "2006-01-15", "2025-05-01", out), // transferred out on the census date: not counted
		in("later", "2012-01-01", "2026-01-16"),     // begun after the census date: not counted
		in("nodob", "", "2025-05-01"),               // no date of birth: unknown
	}
	var b bytes.Buffer
	for _, c := range cases {
		j, err := json.Marshal(c)
		require.NoError(t, err)
		b.Write(append(j, '\n'))
	}
	rep, err := report.Run(&b, report.Options{Year: 2025, Engine: e})
	require.NoError(t, err)
	require.Equal(t, 0, rep.Failed, "%v", rep.Failures)
	assert.Equal(t, report.CensusStock{ReferenceDate: "2026-01-15", Plans: 8, ByAge: map[string]int{"under_5": 2, "5_to_10": 1,
		"11_to_15": 1, "16_to_19": 2, "20_to_25": 1, "over_25": 0, "unknown": 1}}, rep.Totals.Census)
	var csvOut bytes.Buffer
	require.NoError(t, report.WriteCSV(&csvOut, rep))
	assert.Contains(t, csvOut.String(), "census_date,,2026-01-15,\nplans_on_census_date,,8,\nplans_on_census_date,age=under_5,2,\n"+
		"plans_on_census_date,age=5_to_10,1,\nplans_on_census_date,age=11_to_15,1,\nplans_on_census_date,age=16_to_19,2,\n"+
		"plans_on_census_date,age=20_to_25,1,\nplans_on_census_date,age=over_25,0,\nplans_on_census_date,age=unknown,1,\n")
	_, err = report.Run(strings.NewReader(""), report.Options{Year: 2025, ReferenceDate: "2025-12-31"})
	require.Error(t, err, "a census date within the year is refused")
}

// Text is escaped, and a character XML cannot hold is replaced, so the
// file always parses and validates.
func TestReturnEscapesText(t *testing.T) {
	e := engine(t)
	p := details("O'Brien & <Sons>", map[string]any{"forename": "Zoë \"Jo\""})
	p["placements"] = map[string]any{"p1": map[string]any{"setting": "OTH", "setting_other": "Farm & <garden> project", "rank": 1,
		"named_in_plan": true, "entry_date": "2022-09-05"}}
	cs := []sdk.Case{xcase(t, e, "esc", p, plan("2025-01-06", "2025-02-03", "2025-04-28", "2025-05-26")...)}
	b, sum, _ := runReturn(t, e, cs, handOptions)
	require.Zero(t, sum.IssueCount, "%v", sum.Issues)
	assert.Contains(t, string(b), "<Surname>O&#39;Brien &amp; &lt;Sons&gt;</Surname>")
	assert.Contains(t, string(b), "<Forename>Zoë &#34;Jo&#34;</Forename>")
	person := readXML(t, b).child("Persons").kids[0]
	assert.Equal(t, "O'Brien & <Sons>", person.child("Surname").text)
	pd := person.child("Requests").child("ActivePlans").child("PlacementDetail")
	assert.Equal(t, "Farm & <garden> project", pd.child("SENSettingOther").text)
	xmllintValidates(t, b)
}

// Return.AddJSON takes a line of MaxLineBytes and refuses one byte more,
// as Run does.
func TestAddJSONMaxLineBytes(t *testing.T) {
	ret, err := report.NewReturn(io.Discard, handOptions)
	require.NoError(t, err)
	head, tail := `{"id":"c1","states":{},"la":"`, `"}`
	line := head + strings.Repeat("a", report.MaxLineBytes-len(head)-len(tail)) + tail
	require.Len(t, line, report.MaxLineBytes)
	require.NoError(t, ret.AddJSON([]byte(line), nil))
	assert.Equal(t, 1, ret.Read().Counted)
	line = head + strings.Repeat("a", report.MaxLineBytes+1-len(head)-len(tail)) + tail
	err = ret.AddJSON([]byte(line), nil)
	var se *sdk.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, sdk.CodeLimitExceeded, se.Code)
}

// With RequestSource asked for, each request says who made it: 1 parent or
// young person, 2 school or setting, 3 health, 4 social care, 5 anyone else;
// a historical record has none.
func TestReturnRequestSource(t *testing.T) {
	e := engine(t)
	bta := func(id, actor string) sdk.Case {
		return xcase(t, e, id, details("Sample", nil), step{"2025-03-03", actor, "ehc.brought_to_attention", nil})
	}
	cs := []sdk.Case{
		xcase(t, e, "parent", details("Sample", nil), step{"2025-03-03", "parent", "ehc.requested", nil}),
		xcase(t, e, "school", details("Sample", nil), step{"2025-03-03", "school", "ehc.requested", nil}),
		bta("ey", "ey_setting"), bta("health", "health"), bta("social", "social_care"), bta("anyone", "anyone"),
		xcase(t, e, "old", details("Sample", nil), plan("2023-01-09", "2023-02-06", "2023-05-02", "2023-05-30")...),
	}
	opt := handOptions
	opt.RequestSource = true
	b, sum, _ := runReturn(t, e, cs, opt)
	require.Zero(t, sum.IssueCount, "%v", sum.Issues)
	var got []string
	for _, p := range readXML(t, b).child("Persons").kids {
		if s := p.child("Requests").child("RequestSource"); s != nil {
			got = append(got, s.text)
		} else {
			got = append(got, "-")
		}
	}
	assert.Equal(t, []string{"1", "2", "2", "3", "4", "5", "-"}, got)
	xmllintValidates(t, b)
	b, _, _ = runReturn(t, e, cs[:1], handOptions)
	assert.NotContains(t, string(b), "RequestSource", "off unless asked for")
}
