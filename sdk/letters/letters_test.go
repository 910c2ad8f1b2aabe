package letters_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/letters"
)

type step struct {
	at, actor, trigger string
	data               map[string]any
}

// walk fires steps on a new case and fails the test on any refusal.
func walk(t *testing.T, e *sdk.Engine, steps ...step) sdk.Case {
	t.Helper()
	c := e.NewCase(sdk.Facts{ID: "case-042", LA: "Northshire County Council",
		Child: sdk.Child{DateOfBirth: "2016-09-20", YearGroup: ptr(4)}})
	for _, s := range steps {
		out, err := e.Fire(c, sdk.Firing{Trigger: s.trigger, Actor: s.actor, At: s.at, Data: s.data})
		if err != nil {
			t.Fatalf("%s %s: %v", s.at, s.trigger, err)
		}
		c = out.Case
	}
	return c
}

func ptr[T any](v T) *T { return &v }

var params = letters.Params{
	Recipient: "Ms A Parent", ChildName: "Sam",
	Reasons:          []string{"SEN support at school has not yet run a full assess, plan, do, review cycle."},
	MediationAdviser: letters.Contact{Name: "Northshire Mediation", Phone: "01234 567890", Email: "mediation@example.org"},
	Advice:           letters.Contact{Name: "Northshire SENDIASS", Phone: "01234 000111"},
	Officer:          "J Officer, SEN team",
	School:           "Riverside Primary School",
}

var (
	requested  = step{"2026-01-05", "parent", "ehc.requested", nil} // a Monday
	toAssess   = step{"2026-02-02", "la_officer", "ehc.decided_to_assess", nil}
	draft      = step{"2026-05-11", "la_officer", "ehc.draft_issued", nil}
	finalised  = step{"2026-05-26", "la_officer", "ehc.plan_finalised", map[string]any{"school_type": "mainstream", "no_more_representations": true}}
	proposed   = step{"2026-10-01", "la_officer", "plan.cease_proposed", nil}
	ceaseDecid = step{"2026-10-30", "la_officer", "plan.cease_decided", map[string]any{"reason": 3}}
)

// Each letter for a worked case, its deadlines checked by hand:
//   - not to assess on Tue 2026-02-10: 2 months is Fri 2026-04-10, a
//     working day (Easter Monday is 6 April), so no HESC r12 move;
//   - not to issue on Mon 2026-06-15: 2 months is Sat 2026-08-15, in
//     August, so r12(3)(a) moves it to the first working day after 31
//     August; Mon 31 August 2026 is the summer bank holiday: Tue 1 September.
//     Mediation contact (R33) does not move: 15 August;
//   - final plan on Tue 2026-05-26: 2 months is Sun 2026-07-26, moved to
//     the next working day (r12(2)), Mon 27 July;
//   - cease on Fri 2026-10-30: 2 months is Wed 2026-12-30, between 25
//     December and 1 January, so the first working day after 1 January:
//     Sat 2 and Sun 3 January 2027 are not: Mon 4 January 2027.
func TestLettersOfAWorkedCase(t *testing.T) {
	e, err := sdk.Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		kind                 letters.Kind
		steps                []step
		at, appeal, mediate  string
		appealText, needText string
	}{
		{letters.NotToAssess, []step{requested, {"2026-02-10", "la_officer", "ehc.decided_not_to_assess", nil}},
			"2026-02-10", "2026-04-10", "2026-04-10", "Friday 10 April 2026", "decided not to carry out an EHC needs assessment"},
		{letters.NotToIssue, []step{requested, toAssess, {"2026-06-15", "la_officer", "ehc.decided_not_to_issue", nil}},
			"2026-06-15", "2026-09-01", "2026-08-15", "Tuesday 1 September 2026", "not necessary to make provision through an EHC plan"},
		{letters.FinalPlan, []step{requested, toAssess, draft, finalised},
			"2026-05-26", "2026-07-27", "2026-07-26", "Monday 27 July 2026", "Riverside Primary School"},
		{letters.Cease, []step{requested, toAssess, draft, finalised, proposed, ceaseDecid},
			"2026-10-30", "2027-01-04", "2026-12-30", "Monday 4 January 2027", "keep maintaining the plan"},
	}
	w := letters.New(nil)
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			c := walk(t, e, tc.steps...)
			l, err := w.Write(e, c, tc.kind, params)
			if err != nil {
				t.Fatal(err)
			}
			if l.Decision.At != tc.at || l.AppealBy != tc.appeal || l.MediationBy != tc.mediate {
				t.Errorf("decision %s, appeal by %s, mediation by %s; want %s, %s, %s", l.Decision.At, l.AppealBy, l.MediationBy, tc.at, tc.appeal, tc.mediate)
			}
			for _, want := range []string{tc.appealText, tc.needText, "Northshire Mediation", "01234 567890", "Northshire SENDIASS",
				"Northshire County Council", "case-042", "Sam", "First-tier Tribunal", "@page { size: A4"} {
				if !strings.Contains(l.HTML, want) {
					t.Errorf("the letter does not say %q", want)
				}
			}
			if tc.kind != letters.FinalPlan && !strings.Contains(l.HTML, params.Reasons[0]) {
				t.Error("the letter does not give the reasons")
			}
			writeSample(t, l)
		})
	}
}

// writeSample keeps each letter in test-output/letters for a person to read.
func writeSample(t *testing.T, l letters.Letter) {
	dir := filepath.Join("..", "..", "test-output", "letters")
	if os.MkdirAll(dir, 0o755) == nil {
		_ = os.WriteFile(filepath.Join(dir, string(l.Kind)+"."+l.Locale+".html"), []byte(l.HTML), 0o644)
	}
}

// A case without the decision has no such letter; a later decision does
// not take an earlier one's letter away (each decision has its own appeal
// window, appeal_window.dN).
func TestNoLetterWithoutItsDecision(t *testing.T) {
	e, _ := sdk.Default()
	w := letters.New(nil)
	c := walk(t, e, requested, toAssess)
	if _, err := w.Write(e, c, letters.NotToIssue, params); err == nil {
		t.Error("a letter for a decision the case does not have")
	}
	c = walk(t, e, requested, toAssess, draft, finalised, proposed, ceaseDecid)
	fp, err := w.Write(e, c, letters.FinalPlan, params)
	if err != nil {
		t.Errorf("the final plan letter after a later cease decision: %v", err)
	} else if fp.AppealBy != c.Clocks["appeal_window.d"+strconv.Itoa(fp.Decision.Seq)].Due {
		t.Errorf("the final plan letter's appeal date %s is not its own decision's window", fp.AppealBy)
	}
	if _, err := w.Write(e, c, letters.Kind("nonsense"), params); err == nil {
		t.Error("an unknown letter")
	}
}

// Every letter is written in Welsh too, with its deadlines as Welsh dates;
// a locale without templates falls back to English.
func TestWelshLetters(t *testing.T) {
	e, _ := sdk.Default()
	w := letters.New(nil)
	// Not to assess on Tue 2026-02-10: appeal and mediation by Fri 10 April 2026 (see above).
	c := walk(t, e, requested, step{"2026-02-10", "la_officer", "ehc.decided_not_to_assess", nil})
	l, err := w.Write(e, c, letters.NotToAssess, letters.Params{Locale: "cy-GB", ChildName: "Sam", MediationAdviser: params.MediationAdviser})
	if err != nil || l.Locale != "cy" {
		t.Fatalf("Welsh: locale %q, %v", l.Locale, err)
	}
	for _, want := range []string{`lang="cy"`, "Dydd Gwener 10 Ebrill 2026", "Tribiwnlys Haen Gyntaf", "cynghorydd cyfryngu",
		"Ffôn: 01234 567890", "Ein cyfeirnod: case-042", "beidio â chynnal asesiad", "@page { size: A4"} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("the Welsh letter does not say %q", want)
		}
	}
	for _, english := range []string{"If you disagree", "Yours sincerely", "Friday", "April"} {
		if strings.Contains(l.HTML, english) {
			t.Errorf("the Welsh letter says %q in English", english)
		}
	}
	writeSample(t, l)
	// The cease notice of Fri 2026-10-30: appeal by Mon 4 January 2027.
	c = walk(t, e, requested, toAssess, draft, finalised, proposed, ceaseDecid)
	for _, k := range []letters.Kind{letters.FinalPlan, letters.Cease} {
		l, err := w.Write(e, c, k, letters.Params{Locale: "cy", ChildName: "Sam", School: "Ysgol Glan"})
		if err != nil || l.Locale != "cy" {
			t.Fatalf("%s in Welsh: locale %q, %v", k, l.Locale, err)
		}
		want := map[letters.Kind]string{letters.FinalPlan: "Dydd Llun 27 Gorffennaf 2026", letters.Cease: "Dydd Llun 4 Ionawr 2027"}[k]
		if !strings.Contains(l.HTML, want) {
			t.Errorf("%s in Welsh does not give the appeal date %q", k, want)
		}
		writeSample(t, l)
	}
	l, err = w.Write(e, c, letters.Cease, letters.Params{Locale: "fr", ChildName: "Sam"})
	if err != nil || l.Locale != "en" || !strings.Contains(l.HTML, "Monday 4 January 2027") {
		t.Fatalf("no French template: locale %q, %v; want English", l.Locale, err)
	}
}

// Each English template has a Welsh one, so the two stay in step.
func TestEveryLetterHasWelsh(t *testing.T) {
	for _, k := range letters.Kinds() {
		for _, loc := range []string{"en", "cy"} {
			if _, err := os.Stat(filepath.Join("templates", loc, string(k)+".html.tmpl")); err != nil {
				t.Errorf("%s has no %s template: %v", k, loc, err)
			}
		}
	}
}

// A district's template replaces the embedded one, in each locale.
func TestDistrictTemplatesAndWelsh(t *testing.T) {
	e, _ := sdk.Default()
	c := walk(t, e, requested, step{"2026-02-10", "la_officer", "ehc.decided_not_to_assess", nil})
	over := fstest.MapFS{
		"en/decision_not_to_assess.html.tmpl": {Data: []byte(`{{define "title"}}Kent: no assessment{{end}}{{define "body"}}<p>Ours.</p>{{end}}`)},
		"cy/decision_not_to_assess.html.tmpl": {Data: []byte(`{{define "title"}}Dim asesiad{{end}}{{define "body"}}<p>{{date .AppealBy}}</p>{{end}}`)},
	}
	w := letters.New(over)
	l, err := w.Write(e, c, letters.NotToAssess, letters.Params{ChildName: "Sam"})
	if err != nil || !strings.Contains(l.HTML, "Kent: no assessment") || !strings.Contains(l.HTML, "Ours.") {
		t.Fatalf("the district's template was not used: %v\n%s", err, l.HTML)
	}
	l, err = w.Write(e, c, letters.NotToAssess, letters.Params{Locale: "cy", ChildName: "Sam"})
	if err != nil || l.Locale != "cy" || !strings.Contains(l.HTML, "Dydd Gwener 10 Ebrill 2026") || !strings.Contains(l.HTML, `lang="cy"`) {
		t.Fatalf("the Welsh template: %v\n%s", err, l.HTML)
	}
	bad := letters.New(fstest.MapFS{"en/cease_notice.html.tmpl": {Data: []byte(`{{define "body"}}{{.Nope}}{{end}}{{define "title"}}x{{end}}`)}})
	c = walk(t, e, requested, toAssess, draft, finalised, proposed, ceaseDecid)
	if _, err := bad.Write(e, c, letters.Cease, params); err == nil {
		t.Error("a template naming a field that does not exist wrote a letter")
	}
}

func TestCheckFindsABrokenOverrideAtOnce(t *testing.T) {
	if err := letters.New(nil).Check(); err != nil {
		t.Fatalf("the embedded templates: %v", err)
	}
	good := fstest.MapFS{
		"en/cease_notice.html.tmpl": {Data: []byte(`{{define "title"}}x{{end}}{{define "body"}}y{{end}}`)},
		"cy/layout.html.tmpl":       {Data: []byte(`<html lang="cy">{{template "body" .}}</html>`)},
	}
	if err := letters.New(good).Check(); err != nil {
		t.Fatalf("a valid override: %v", err)
	}
	for name, f := range map[string]string{
		"en/cease_notice.html.tmpl": `{{define "body"}}{{if}}{{end}}`, // does not parse
		"en/cease.html.tmpl":        `{{define "body"}}x{{end}}`,      // no such letter: would be ignored
		"cease_notice.html.tmpl":    `{{define "body"}}x{{end}}`,      // no locale folder
		"en/final_plan.txt":         `x`,                              // not a template
	} {
		err := letters.New(fstest.MapFS{name: {Data: []byte(f)}}).Check()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: Check said %v, want an error naming the file", name, err)
		}
	}
}

func TestAnOverriddenWelshLetterKeepsTheWelshLayout(t *testing.T) {
	e, _ := sdk.Default()
	c := walk(t, e, requested, step{"2026-02-10", "la_officer", "ehc.decided_not_to_assess", nil})
	over := fstest.MapFS{"cy/decision_not_to_assess.html.tmpl": {Data: []byte(`{{define "title"}}Dim asesiad{{end}}{{define "body"}}<p>Ein llythyr.</p>{{end}}`)}}
	got, err := letters.New(over).Write(e, c, letters.NotToAssess, letters.Params{Locale: "cy", ChildName: "Sam"})
	if err != nil || !strings.Contains(got.HTML, "Ein llythyr.") {
		t.Fatalf("%v\n%s", err, got.HTML)
	}
	// The layout's own words (the reference line, the rights) are the embedded Welsh layout's.
	for _, w := range []string{"Ein cyfeirnod", "Os ydych yn anghytuno"} {
		if !strings.Contains(got.HTML, w) {
			t.Errorf("the Welsh override was framed by another layout: no %q in\n%s", w, got.HTML)
		}
	}
}
