// Package letters writes the letters an SEN officer sends from a case: the
// decision not to assess, the decision not to issue a plan, the cover
// letter of a final plan and the notice of a decision to cease a plan.
// Each carries the statutory content: the decision and its date, the
// reasons, the right to appeal to the Tribunal with the deadline from the
// case's appeal window clock, the right to mediation with the date by
// which to contact the mediation adviser (R33), the adviser's contact and
// where to get information, advice and support.
//
// The templates are HTML (html/template), embedded, with a print
// stylesheet for A4. A district overrides any of them by giving its own
// files (New with an fs.FS, such as os.DirFS or fstest.MapFS) laid out as
// LOCALE/KIND.html.tmpl: "en/cease_notice.html.tmpl",
// "cy/cease_notice.html.tmpl". Every letter is embedded in English ("en")
// and Welsh ("cy"); a locale without a template falls back to English, and
// the Letter says which locale it is in.
package letters

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Kind names a letter.
type Kind string

// The letters.
const (
	NotToAssess Kind = "decision_not_to_assess" // R5(3); CFA s51(2)(a)
	NotToIssue  Kind = "decision_not_to_issue"  // R10(3); CFA s51(2)(b)
	FinalPlan   Kind = "final_plan"             // R14; CFA s51(2)(c)
	Cease       Kind = "cease_notice"           // R31; CFA s51(2)(f)
)

// Kinds lists the letters, in the order a case meets them.
func Kinds() []Kind { return []Kind{NotToAssess, NotToIssue, FinalPlan, Cease} }

// decisionOf is the appealable decision (sdk.Decision.Kind) each letter
// gives notice of.
var decisionOf = map[Kind]string{
	NotToAssess: "refusal_to_assess",
	NotToIssue:  "refusal_to_issue",
	FinalPlan:   "plan_contents",
	Cease:       "cease",
}

// DecisionKind is the appealable decision (sdk.Decision.Kind) letter kind
// gives notice of, "" for an unknown kind.
func DecisionKind(kind Kind) string { return decisionOf[kind] }

// Contact is a person or service a letter points to.
type Contact struct {
	Name    string
	Phone   string
	Email   string
	Address string
	Website string
}

// Params is what a letter needs that the case does not hold.
type Params struct {
	// Locale is "en" (default) or "cy".
	Locale string
	// Recipient is who the letter is to ("Mr and Mrs Smith").
	Recipient string
	// ChildName is the child's or young person's name.
	ChildName string
	// Authority is the local authority's name; empty means the case's LA.
	Authority string
	// Reasons are the reasons for the decision, one per paragraph.
	Reasons []string
	// School is the school or type of institution named in section I (the
	// final plan letter).
	School string
	// MediationAdviser is the mediation adviser the parent or young person
	// must contact before appealing (R32(2)(c)).
	MediationAdviser Contact
	// Advice is the information, advice and support service (SENDIAS).
	Advice Contact
	// Officer signs the letter.
	Officer string
}

// Letter is one written letter.
type Letter struct {
	Kind Kind
	// Locale is the language the letter is written in (the asked-for one,
	// or English when there is no template in it).
	Locale string
	// Decision is the decision the letter gives notice of.
	Decision sdk.Decision
	// AppealBy is the last day to register an appeal (the appeal window
	// clock's due date, HESC r20 with the r12 moves), YYYY-MM-DD.
	AppealBy string
	// MediationBy is the last day to contact the mediation adviser: two
	// months after the notice (R33), YYYY-MM-DD.
	MediationBy string
	// HTML is the whole letter, a printable HTML document.
	HTML string
}

//go:embed templates
var embedded embed.FS

// Writer writes letters from its templates. It is safe for concurrent use.
type Writer struct {
	over fs.FS
}

// New is a Writer using the templates in override (nil for none) before
// the embedded ones.
func New(override fs.FS) *Writer { return &Writer{over: override} }

// Check parses every template a letter can use, overrides first, so a
// host learns of a broken override when it starts rather than when an
// officer asks for the letter. It also refuses an override file that is
// not LOCALE/KIND.html.tmpl or LOCALE/layout.html.tmpl for a known kind,
// which would otherwise be ignored without a word.
func (w *Writer) Check() error {
	if w.over != nil {
		err := fs.WalkDir(w.over, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			loc, name, ok := strings.Cut(path, "/")
			base, isTmpl := strings.CutSuffix(name, ".html.tmpl")
			if !ok || !isTmpl || strings.Contains(name, "/") || loc == "" || (base != "layout" && decisionOf[Kind(base)] == "") {
				return fmt.Errorf("letters: %s is not LOCALE/KIND.html.tmpl for a known letter (%s) or LOCALE/layout.html.tmpl", path, kindList())
			}
			if base == "layout" {
				return nil
			}
			if _, _, err := w.template(Kind(base), loc); err != nil {
				return fmt.Errorf("letters: %s: %w", path, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, k := range Kinds() {
		for _, loc := range []string{"en", "cy"} {
			if _, _, err := w.template(k, loc); err != nil {
				return err
			}
		}
	}
	return nil
}

func kindList() string {
	var s []string
	for _, k := range Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// Write writes letter kind for case c (compiled by e) with p. It fails
// when the case has no such decision, or its appeal window no longer
// belongs to the latest one (a later decision restarted it).
func (w *Writer) Write(e *sdk.Engine, c sdk.Case, kind Kind, p Params) (Letter, error) {
	want, ok := decisionOf[kind]
	if !ok {
		return Letter{}, fmt.Errorf("letters: unknown letter %q", kind)
	}
	var dec *sdk.Decision
	for i := range c.Decisions {
		if c.Decisions[i].Kind == want {
			dec = &c.Decisions[i]
		}
	}
	if dec == nil {
		return Letter{}, fmt.Errorf("letters: case %s has no %s decision", c.ID, want)
	}
	l := Letter{Kind: kind, Decision: *dec}
	// One dispute per decision: its clocks are keyed clock.dN (a case
	// recorded before that keys the latest decision's by the clock id).
	ac := e.Policy().AppealClock
	appeal, ok := c.Clocks[ac+"."+dec.ID()]
	if !ok {
		appeal, ok = c.Clocks[ac]
	}
	if !ok || appeal.StartedAt != dec.At {
		return Letter{}, fmt.Errorf("letters: case %s: the appeal window does not start with the %s decision of %s", c.ID, want, dec.At)
	}
	l.AppealBy = appeal.Due
	at, err := calendar.ParseDate(dec.At)
	if err != nil {
		return Letter{}, fmt.Errorf("letters: decision date %q: %w", dec.At, err)
	}
	l.MediationBy = at.AddMonths(2).String()
	if mc, ok := c.Clocks["mediation_contact."+dec.ID()]; ok {
		l.MediationBy = mc.Due // R33's limit, as the engine counts it
	}
	t, locale, err := w.template(kind, p.Locale)
	if err != nil {
		return Letter{}, err
	}
	l.Locale = locale
	var buf bytes.Buffer
	if err := t.Execute(&buf, w.data(c, l, p)); err != nil {
		return Letter{}, fmt.Errorf("letters: %s/%s: %w", locale, kind, err)
	}
	l.HTML = buf.String()
	return l, nil
}

// data is what a template sees.
type data struct {
	Letter
	Params
	// Locale is the letter's (Letter and Params both have one).
	Locale  string
	CaseRef string
}

func (w *Writer) data(c sdk.Case, l Letter, p Params) data {
	if p.Authority == "" {
		p.Authority = c.LA
	}
	return data{Letter: l, Params: p, Locale: l.Locale, CaseRef: c.ID}
}

// template is the template for kind in locale (an override first, then
// the embedded one; English when neither has the locale), with the
// locale it is in.
func (w *Writer) template(kind Kind, locale string) (*template.Template, string, error) {
	loc := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(loc, "-_"); i >= 0 {
		loc = loc[:i]
	}
	if loc == "" {
		loc = "en"
	}
	for _, l := range []string{loc, "en"} {
		for _, src := range []fs.FS{w.over, embedded} {
			if src == nil {
				continue
			}
			if src == embedded {
				src, _ = fs.Sub(embedded, "templates")
			}
			text, err := fs.ReadFile(src, l+"/"+string(kind)+".html.tmpl")
			if err != nil {
				continue
			}
			layout, err := fs.ReadFile(src, l+"/layout.html.tmpl")
			if err != nil {
				// An override of one letter keeps the embedded layout in its locale.
				sub, _ := fs.Sub(embedded, "templates")
				if layout, err = fs.ReadFile(sub, l+"/layout.html.tmpl"); err != nil {
					layout, _ = fs.ReadFile(sub, "en/layout.html.tmpl")
				}
			}
			t, err := template.New("layout").Funcs(funcs(l)).Parse(string(layout))
			if err == nil {
				_, err = t.Parse(string(text))
			}
			if err != nil {
				return nil, "", fmt.Errorf("letters: %s/%s: %w", l, kind, err)
			}
			return t, l, nil
		}
	}
	return nil, "", fmt.Errorf("letters: no template for %s", kind)
}

var monthsCy = [...]string{"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"}

var daysCy = [...]string{"Dydd Sul", "Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn"}

// funcs are the template functions: date writes YYYY-MM-DD as "Friday 10
// April 2026" (in Welsh for cy).
func funcs(locale string) template.FuncMap {
	return template.FuncMap{"date": func(s string) string {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return s
		}
		if locale == "cy" {
			return fmt.Sprintf("%s %d %s %d", daysCy[t.Weekday()], t.Day(), monthsCy[t.Month()-1], t.Year())
		}
		return t.Format("Monday 2 January 2006")
	}}
}
