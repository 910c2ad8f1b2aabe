package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// This file gives each generated person synthetic person details for the
// SEN2 person-level return: plainly fictional names, a UPN of the right
// shape (with its check letter), a postcode of a Kent shape, a placement
// (and sometimes a second setting or a school move) and a ranked SEN need.
// They come from their own random stream, so the journeys (and every
// figure of the aggregate report) are the same with or without them.

var (
	forenames = []string{"Alex", "Sam", "Robin", "Jo", "Charlie", "Frankie", "Jamie", "Morgan", "Riley", "Taylor", "Kit", "Ash"}
	// surnames say plainly that the person is made up.
	surnames    = []string{"Example", "Sample", "Specimen", "Madeup", "Fictional", "Testcase", "Notreal", "Placeholder"}
	ethnicities = []string{"WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WBRI", "WOTH", "WIRI", "WROM", "MWBC", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
		"AOTH", "BAFR", "BCRB", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}
	senTypes    = []string{"ASD", "ASD", "ASD", "SLCN", "SLCN", "SEMH", "SEMH", "MLD", "SPLD", "SLD", "PMLD", "PD", "HI", "VI", "MSI", "OTH"}
	postAreas   = []string{"CT", "ME", "TN", "DA"}
	inwardChars = "ABDEFGHJLNPQRSTUWXYZ"
	// laNumbers are the DfE numbers of the LAs the generator transfers
	// plans in from (by the from_la it fires).
	laNumbers = map[string]string{"bromley": "305", "medway": "887", "east_sussex": "845", "surrey": "936", "bexley": "303"}
)

// withPerson records person details on the generated case, on the day of
// its last event, as plan.person_details_recorded: the journey's events
// are not changed. Case i of the run gets its own random stream.
func withPerson(e *sdk.Engine, cfg Config, i int, c sdk.Case, dob calendar.Date) sdk.Case {
	if len(c.History) == 0 {
		return c
	}
	rng := rand.New(rand.NewPCG(cfg.Seed^0x9e3779b97f4a7c15, uint64(i)+1))
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	p := map[string]any{
		"forename": pick(forenames), "surname": pick(surnames), "sex": pick([]string{"M", "F", "M", "F", "U"}[:4+rng.IntN(2)]),
		"ethnicity": pick(ethnicities),
		"postcode": fmt.Sprintf("%s%d %d%c%c", pick(postAreas), 1+rng.IntN(20), rng.IntN(10),
			inwardChars[rng.IntN(len(inwardChars))], inwardChars[rng.IntN(len(inwardChars))]),
	}
	if rng.Float64() < 0.03 {
		p["upn_unknown"] = "UN1"
	} else {
		rest := fmt.Sprintf("886%04d%02d%03d", 2000+rng.IntN(8000), (dob.Year+5)%100, rng.IntN(1000))
		p["upn"] = sdk.UPNCheckLetter(rest) + rest
	}
	need := map[string]any{"primary": pick(senTypes)}
	if s := pick(senTypes); rng.Float64() < 0.4 && s != need["primary"] {
		need["secondary"] = s
	}
	p["sen_need"] = need
	p["personal_budget"] = rng.Float64() < 0.1
	// A plan transferred in (the case's first event, or after SEN support and LIFT here) was started by
	// another LA: the return needs its start date and that LA's number.
	// Its plan started after anything this LA recorded before (the child moved away, then back with a plan).
	var first *sdk.Event
	floor := dob.AddDays(2 * 365)
	for k := range c.History {
		if c.History[k].Trigger == "plan.transferred_in" {
			first = &c.History[k]
			if k > 0 {
				prev, _ := calendar.ParseDate(c.History[k-1].At[:10])
				floor = maxDate(floor, prev.AddDays(1))
			}
		}
	}
	if first != nil {
		from := first.Data["from_la"]
		if n, ok := laNumbers[fmt.Sprint(from)]; ok {
			p["transfer_la"] = n
		}
		began, _ := calendar.ParseDate(first.At[:10])
		p["plan_start_date"] = minDate(maxDate(began.AddDays(-rng.IntN(900)-30), floor), began).String()
	}
	p["placements"] = placements(rng, c, dob)
	last := c.History[len(c.History)-1].At
	out, err := e.Fire(c, sdk.Firing{Trigger: "plan.person_details_recorded", Actor: "la_officer", At: last,
		Facts: map[string]any{"person": p}})
	if err != nil {
		return c
	}
	return out.Case
}

func minDate(a, b calendar.Date) calendar.Date {
	if a.After(b) {
		return b
	}
	return a
}

func maxDate(a, b calendar.Date) calendar.Date {
	if a.After(b) {
		return a
	}
	return b
}

// placements are the settings the person attends: a school entered at the
// start of a school year (an early-years provider for the youngest; a
// college with a UKPRN after 16), sometimes a move, sometimes a second
// setting. The settings attended when a plan exists are named in it.
func placements(rng *rand.Rand, c sdk.Case, dob calendar.Date) map[string]any {
	named := c.States["plan"] != "none"
	first, _ := calendar.ParseDate(c.History[0].At[:10])
	sy := schoolYear(first)
	entry := workday(calendar.Date{Year: sy, Month: time.September, Day: 3})
	if age := sy - dob.Year; age < 4 {
		entry = maxDate(dob.AddDays(3*365), first.AddDays(-rng.IntN(200)))
	}
	if entry.After(first) {
		entry = first
	}
	setting := func(id string) map[string]any {
		m := map[string]any{"rank": 1, "named_in_plan": named}
		switch age := entry.Year - dob.Year; {
		case age < 4:
			m["setting"] = "EYP"
		case age >= 17:
			m["ukprn"] = fmt.Sprintf("1000%04d", rng.IntN(10000))
		default:
			m["urn"] = fmt.Sprintf("%06d", 100000+rng.IntN(50000))
		}
		m["sen_unit"] = rng.Float64() < 0.05
		m["resourced_provision"] = rng.Float64() < 0.05
		return m
	}
	pls := map[string]any{}
	p1 := setting("p1")
	p1["entry_date"] = entry.String()
	pls["p1"] = p1
	if rng.Float64() < 0.08 { // a move: the first setting left, a new one entered
		move := workday(entry.AddDays(200 + rng.IntN(300)))
		p1["leaving_date"] = move.AddDays(-1).String()
		p2 := setting("p2")
		p2["entry_date"] = move.String()
		pls["p2"] = p2
	} else if rng.Float64() < 0.05 { // a second (dual) setting
		p2 := setting("p2")
		p2["rank"], p2["entry_date"] = 2, entry.String()
		pls["p2"] = p2
	}
	return pls
}
