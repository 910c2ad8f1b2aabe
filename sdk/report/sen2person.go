package report

import (
	"sort"
	"strconv"

	"github.com/sendflow/sendflow/sdk"
)

// This file builds one person's record of the person-level return from a
// case's derivation (derived as of the cut-off, Options.AsOf) and its
// person details, and says what it is missing.

// Issue is one pre-submission problem with a person's record: the case id
// and the element at fault, never a value (every value is personal data).
type Issue struct {
	Case string `json:"case"`
	// Element is the record's element path, e.g. "Person/UPN" or
	// "Requests/ActivePlans/PlacementDetail".
	Element string `json:"element"`
	// Code is "missing" (a required item is not held), "invalid" (a value
	// is not allowed), "date_order" (dates out of order) or
	// "after_reference_date" (a date after the census date).
	Code    string `json:"code"`
	Message string `json:"message"`
}

// scope is the return's period, census and cut-off.
type scope struct {
	period  Period
	census  string
	cutOff  string
	details *sdk.PersonDetails
	sources bool // write RequestSource
}

// flag is an SEN2 yes/no flag.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// requestLive reports whether the request was open at some time in p (or
// received in it).
func requestLive(r Request, p Period) bool {
	end := r.finalDate()
	return r.ReceivedDate <= p.To && (end == "" || end >= p.From)
}

// planInScope: the plan was maintained at some time from the period's
// start to the census date.
func (s *scope) planInScope(pl Plan) bool {
	return pl.BeganOn <= s.census && (pl.EndDate == "" || pl.EndDate >= s.period.From)
}

// personRecord builds the case's record for the return; ok is false when
// the case has nothing in the return's scope.
func (d *Derived) personRecord(s *scope) (XMLPerson, []Issue, bool) {
	c := &recordBuilder{d: d, s: s}
	p := c.person()
	planOf := map[int]int{} // request index -> in-scope plan index
	var plans []int
	for i, pl := range d.Plans {
		if s.planInScope(pl) {
			plans = append(plans, i)
			if pl.Request >= 0 {
				planOf[pl.Request] = i
			}
		}
	}
	var reqs []XMLRequest
	for i, r := range d.Requests {
		pi, linked := planOf[i]
		switch {
		case requestLive(r, s.period):
			reqs = append(reqs, c.request(r, pi, linked))
		case linked:
			reqs = append(reqs, c.historical(r.ReceivedDate, pi))
		}
	}
	for _, pi := range plans {
		if d.Plans[pi].Request < 0 {
			reqs = append(reqs, c.historical(d.Plans[pi].BeganOn, pi))
		}
	}
	if len(reqs) == 0 {
		return XMLPerson{}, nil, false
	}
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].sortDate < reqs[j].sortDate })
	c.otherDisputes(reqs)
	p.Requests = reqs
	c.checkDates(&p)
	return p, c.issues, true
}

// recordBuilder builds one person's record, collecting its issues.
type recordBuilder struct {
	d      *Derived
	s      *scope
	issues []Issue
}

func (c *recordBuilder) issue(element, code, msg string) {
	c.issues = append(c.issues, Issue{Case: c.d.ID, Element: element, Code: code, Message: msg})
}

// requestOutcome is the SEN2 code of a request's outcome as of the cut-off.
func requestOutcome(r Request) string {
	if r.RequestOutcome == nil {
		return "A"
	}
	return outcomeCode(*r.RequestOutcome)
}

// assessmentOutcome is the SEN2 code of an assessment's outcome.
func assessmentOutcome(a *Assessment) string {
	if a.AssessmentOutcome == nil {
		return "A"
	}
	return outcomeCode(*a.AssessmentOutcome)
}

// outcomeCode is the SEN2 code of a request's or an assessment's outcome.
func outcomeCode(o string) string {
	switch o {
	case RequestAssess, AssessmentIssued:
		return "Y"
	case RequestRefused, AssessmentNotIssued:
		return "N"
	case RequestWithdrawn: // the same word as AssessmentWithdrawn
		return "W"
	}
	return ""
}

// reviewCode is the SEN2 code of a review decision.
func reviewCode(d string) string {
	switch d {
	case "amend":
		return "A"
	case "cease":
		return "C"
	case "maintain":
		return "M"
	}
	return ""
}

// request is the record of a request live in the period, with its
// assessment and, when linked, the plan it issued.
func (c *recordBuilder) request(r Request, pi int, linked bool) XMLRequest {
	x := XMLRequest{ReceivedDate: r.ReceivedDate, RequestOutcome: requestOutcome(r), sortDate: r.ReceivedDate,
		RequestMediation: flag(r.RequestMediation), RequestTribunal: flag(r.RequestTribunal)}
	if r.RequestOutcomeDate != nil {
		x.RequestOutcomeDate = *r.RequestOutcomeDate
	}
	if c.s.sources {
		x.RequestSource = r.SourceCode()
	}
	if a := r.Assessment; a != nil {
		x.Assessment = &XMLAssessment{AssessmentOutcome: assessmentOutcome(a), AssessmentMediation: flag(a.AssessmentMediation),
			AssessmentTribunal: flag(a.AssessmentTribunal), Week20: flag(a.Week20)}
		if a.AssessmentOutcomeDate != nil {
			x.Assessment.AssessmentOutcomeDate = *a.AssessmentOutcomeDate
		}
	}
	if linked {
		if x.Assessment == nil { // cannot happen: a plan hangs on an assessment
			x.Assessment = &XMLAssessment{AssessmentOutcome: "H"}
		}
		x.Assessment.NamedPlan = c.namedPlan(pi)
		x.ActivePlans = c.activePlans(pi)
	}
	return x
}

// historical is the record of a plan whose request and assessment ended
// before the period (or that this LA did not issue): outcomes H.
func (c *recordBuilder) historical(date string, pi int) XMLRequest {
	return XMLRequest{RequestOutcome: "H", sortDate: date,
		Assessment:  &XMLAssessment{AssessmentOutcome: "H", NamedPlan: c.namedPlan(pi)},
		ActivePlans: c.activePlans(pi)}
}

// otherDisputes puts the period's mediation and appeals about later
// decisions on the assessment of the person's latest plan.
func (c *recordBuilder) otherDisputes(reqs []XMLRequest) {
	var med, trib bool
	for _, ds := range c.d.Disputes {
		if ds.Subject == SubjectOther && ds.Date >= c.s.period.From && ds.Date <= c.s.cutOff {
			med, trib = med || ds.Kind == "mediation", trib || ds.Kind != "mediation"
		}
	}
	for i := len(reqs) - 1; i >= 0; i-- {
		if a := reqs[i].Assessment; a != nil && a.NamedPlan != nil {
			a.OtherMediation, a.OtherTribunal = flag(med), flag(trib)
			return
		}
	}
}

// person is module 1 from the person details, with an issue for each
// required item missing or wrong.
func (c *recordBuilder) person() XMLPerson {
	p := XMLPerson{PersonBirthDate: c.d.BirthDate}
	if p.PersonBirthDate == "" {
		c.issue("Person/PersonBirthDate", "missing", "the date of birth (child.date_of_birth) is not recorded")
	}
	det := c.s.details
	if det == nil {
		c.issue("Person", "missing", "no person details are recorded (facts.person: names, sex, ethnicity, postcode, UPN)")
		return p
	}
	for _, pr := range sdk.CheckPersonDetails(det) {
		c.issue("Person", "invalid", "person details at "+pr.Pointer+": "+pr.Message)
	}
	p.Surname, p.Forename, p.Sex, p.Ethnicity = det.Surname, det.Forename, det.Sex, det.Ethnicity
	p.PostCode = sdk.NormalisePostcode(det.Postcode)
	p.UPN, p.UniqueLearnerNumber, p.UPNunknown = det.UPN, det.ULN, det.UPNUnknown
	for _, f := range [...]struct{ el, v, fact string }{{"Surname", p.Surname, "surname"}, {"Forename", p.Forename, "forename"},
		{"Sex", p.Sex, "sex"}, {"Ethnicity", p.Ethnicity, "ethnicity"}, {"PostCode", det.Postcode, "postcode"}} {
		if f.v == "" {
			c.issue("Person/"+f.el, "missing", "person."+f.fact+" is not recorded")
		}
	}
	if p.UPN == "" && p.UniqueLearnerNumber == "" && p.UPNunknown == "" {
		c.issue("Person/UPN", "missing", "neither a UPN, a ULN nor the reason there is none (person.upn_unknown) is recorded")
	}
	return p
}

// namedPlan is module 4 for plan pi.
func (c *recordBuilder) namedPlan(pi int) *XMLNamedPlan {
	pl := c.d.Plans[pi]
	det := c.details()
	np := &XMLNamedPlan{StartDate: pl.StartDate, PlanRes: det.PlanRes, PlanWBP: det.PlanWBP, DP: det.DirectPayments}
	if np.StartDate == "" {
		np.StartDate = det.PlanStartDate
	}
	if np.StartDate == "" {
		c.issue("Requests/Assessment/NamedPlan/StartDate", "missing",
			"the plan was not issued by this LA (transferred in or imported): record its start date in person.plan_start_date")
	}
	if det.PersonalBudget != nil {
		np.PB = flag(*det.PersonalBudget)
	}
	if det.OA != nil {
		np.OA = flag(*det.OA)
	}
	if pl.EndDate != "" {
		np.CeaseDate = pl.EndDate
		if pl.CeaseReason == 0 {
			c.issue("Requests/Assessment/NamedPlan/CeaseReason", "missing", "the plan ceased but no SEN2 cease reason was recorded (plan.cease_decided reason)")
		} else {
			np.CeaseReason = strconv.Itoa(pl.CeaseReason)
		}
	}
	for _, p := range c.namedSettings(pl) {
		np.PlanDetail = append(np.PlanDetail, XMLPlanDetail{URN: p.URN, UKPRN: p.UKPRN, SENSetting: p.Setting,
			SENSettingOther: p.SettingOther, PlacementRank: rankOf(p), SENunitIndicator: flag(p.SENUnit),
			ResourcedProvisionIndicator: flag(p.ResourcedProvision)})
		c.checkSetting("Requests/Assessment/NamedPlan/PlanDetail", p)
	}
	c.checkRanks("Requests/Assessment/NamedPlan/PlanDetail", len(np.PlanDetail), func(i int) string { return np.PlanDetail[i].PlacementRank },
		"no setting named in the plan is recorded (a placement with named_in_plan)")
	return np
}

// namedSettings are the settings the plan names, one per rank: of the
// placements marked named_in_plan and current at some time in the plan's
// window, the one entered last (a plan amended to name a new school names
// it, not the old one).
func (c *recordBuilder) namedSettings(pl Plan) []sdk.Placement {
	det := c.details()
	from, to := c.window(pl)
	var out []sdk.Placement
	for _, id := range c.placementIDs() { // by rank, then entry date
		p := det.Placements[id]
		if !p.NamedInPlan || (p.LeavingDate != "" && p.LeavingDate < from) || (p.EntryDate != "" && p.EntryDate > to) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Rank == p.Rank && p.Rank != 0 {
			out[n-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

// details are the person details, or none.
func (c *recordBuilder) details() *sdk.PersonDetails {
	if c.s.details == nil {
		return &sdk.PersonDetails{}
	}
	return c.s.details
}

// placementIDs are the placements' ids by rank, entry date and id.
func (c *recordBuilder) placementIDs() []string {
	det := c.details()
	ids := make([]string, 0, len(det.Placements))
	for id := range det.Placements {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := det.Placements[ids[i]], det.Placements[ids[j]]
		if a.Rank != b.Rank {
			return rankOrder(a.Rank) < rankOrder(b.Rank)
		}
		if a.EntryDate != b.EntryDate {
			return a.EntryDate < b.EntryDate
		}
		return ids[i] < ids[j]
	})
	return ids
}

// rankOrder puts a missing rank last.
func rankOrder(r int) int {
	if r == 0 {
		return 3
	}
	return r
}

func rankOf(p sdk.Placement) string {
	if p.Rank == 0 {
		return ""
	}
	return strconv.Itoa(p.Rank)
}

// checkSetting: a setting needs a URN, a UKPRN or a setting code, and a
// rank; SENSettingOther goes only with OTH or NIEO.
func (c *recordBuilder) checkSetting(el string, p sdk.Placement) {
	if p.URN == "" && p.UKPRN == "" && p.Setting == "" {
		c.issue(el, "missing", "a placement has neither a URN, a UKPRN nor a setting code")
	}
	if p.Rank == 0 {
		c.issue(el+"/PlacementRank", "missing", "a placement has no rank (1 main, 2 second)")
	}
	if p.SettingOther != "" && p.Setting != "OTH" && p.Setting != "NIEO" {
		c.issue(el+"/SENSettingOther", "invalid", "setting_other is given only with setting OTH or NIEO")
	}
}

// checkRanks: at least one item, and one of rank 1.
func (c *recordBuilder) checkRanks(el string, n int, rank func(int) string, none string) {
	if n == 0 {
		c.issue(el, "missing", none)
		return
	}
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		seen[rank(i)] = true
	}
	if !seen["1"] {
		c.issue(el, "missing", "no item of rank 1")
	}
}

// activePlans is module 5 for plan pi.
func (c *recordBuilder) activePlans(pi int) *XMLActivePlans {
	pl := c.d.Plans[pi]
	det := c.details()
	ap := &XMLActivePlans{}
	if pl.TransferLA != "" && c.s.period.Has(pl.BeganOn) {
		ap.TransferLA = pl.TransferLA
		if !sdk.ValidLANumber(ap.TransferLA) {
			ap.TransferLA = det.TransferLA
		}
		if ap.TransferLA == "" {
			c.issue("Requests/ActivePlans/TransferLA", "missing",
				"the plan was transferred in from an LA not given as its DfE 3-digit number: record it in person.transfer_la")
		}
	}
	c.placements(ap, pl)
	if n := det.SENNeed; n != nil && n.Primary != "" {
		ap.SENneed = append(ap.SENneed, XMLSENneed{SENtype: n.Primary, SENtypeRank: "1"})
		if n.Secondary != "" {
			ap.SENneed = append(ap.SENneed, XMLSENneed{SENtype: n.Secondary, SENtypeRank: "2"})
		}
	} else {
		c.issue("Requests/ActivePlans/SENneed", "missing", "no primary SEN type is recorded (person.sen_need.primary)")
	}
	c.review(ap, pl)
	return ap
}

// window is the span of the return a plan was maintained in: from the
// period's start (or the plan's) to the census date (or the plan's end).
func (c *recordBuilder) window(pl Plan) (from, to string) {
	from, to = max(c.s.period.From, pl.BeganOn), c.s.census
	if pl.EndDate != "" && pl.EndDate < to {
		to = pl.EndDate
	}
	return from, to
}

// placements adds the settings attended while the plan was maintained,
// from the period's start to the census date (or the plan's end).
func (c *recordBuilder) placements(ap *XMLActivePlans, pl Plan) {
	det := c.details()
	from, to := c.window(pl)
	for _, id := range c.placementIDs() {
		p := det.Placements[id]
		if p.EntryDate == "" || p.EntryDate > to || (p.LeavingDate != "" && p.LeavingDate < from) {
			continue
		}
		leaving := p.LeavingDate
		if leaving > c.s.census {
			leaving = "" // still attending on the census date
		}
		ap.PlacementDetail = append(ap.PlacementDetail, XMLPlacementDetail{URN: p.URN, UKPRN: p.UKPRN, SENSetting: p.Setting,
			SENSettingOther: p.SettingOther, PlacementRank: rankOf(p), EntryDate: p.EntryDate, LeavingDate: leaving,
			SENunitIndicator: flag(p.SENUnit), ResourcedProvisionIndicator: flag(p.ResourcedProvision), Res: p.Res, WBP: p.WBP})
		c.checkSetting("Requests/ActivePlans/PlacementDetail", p)
	}
	c.checkRanks("Requests/ActivePlans/PlacementDetail", len(ap.PlacementDetail), func(i int) string { return ap.PlacementDetail[i].PlacementRank },
		"no setting attended while the plan was maintained is recorded (a placement with entry_date)")
}

// review adds the latest review meeting on or before the census date, the
// decision after it and the date it was made.
func (c *recordBuilder) review(ap *XMLActivePlans, pl Plan) {
	for _, rv := range pl.Reviews {
		if rv.MeetingDate == "" || rv.MeetingDate > c.s.census {
			continue
		}
		ap.ReviewMeeting, ap.ReviewOutcome, ap.LastReview = rv.MeetingDate, "", ""
		if rv.DecisionDate != "" {
			ap.ReviewOutcome = reviewCode(rv.Decision)
			ap.LastReview = rv.DecisionDate
		}
	}
}
