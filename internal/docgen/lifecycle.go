// Package docgen generates the parts of the documentation that are made
// from the code, so they cannot drift from it, and checks the links of the
// hand-written parts.
//
// It uses the sdk's public API only (a compiled Engine and the Policy
// document it returns), never its internals, so a redesign of the engine's
// insides leaves it alone.
package docgen

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sendflow/sendflow/sdk"
)

// Markers around the generated part of a document. Everything outside them
// is written by hand and kept as it is.
const (
	BeginMark = "<!-- BEGIN GENERATED: go test ./internal/docgen -run TestLifecycleDoc -update -->\n"
	EndMark   = "<!-- END GENERATED -->"
)

// Splice replaces the generated part of doc (between BeginMark and EndMark)
// with gen.
func Splice(doc, gen string) (string, error) {
	i, j := strings.Index(doc, BeginMark), strings.Index(doc, EndMark)
	if i < 0 || j < i {
		return "", fmt.Errorf("no generated section (%q ... %q)", strings.TrimSpace(BeginMark), EndMark)
	}
	return doc[:i+len(BeginMark)] + gen + doc[j:], nil
}

// Lifecycle renders the lifecycle reference of a compiled policy as
// Markdown: its roles and parameters, per track its states and triggers
// (from-states, destination or branches, roles, payload, guards, clocks),
// and every clock. Headings start at level 2.
func Lifecycle(e *sdk.Engine) (string, error) {
	p := e.Policy()
	var b strings.Builder
	writeSummary(&b, p, len(e.Tracks()))

	byTrack := map[string][]sdk.TriggerDef{}
	for _, t := range p.Triggers {
		track, _, _ := strings.Cut(t.ID, ".")
		byTrack[track] = append(byTrack[track], t)
	}
	clockByID := map[string]sdk.ClockDef{}
	for _, c := range p.Clocks {
		clockByID[c.ID] = c
	}
	for _, t := range p.Tracks {
		if t.Disabled {
			continue
		}
		if err := writeTrack(&b, e, p, t, byTrack[t.ID], clockByID); err != nil {
			return "", err
		}
	}

	writeRoles(&b, p)
	writeParameters(&b, p)
	writeClocks(&b, p)
	writeDecisions(&b, p)
	return b.String(), nil
}

// writeSummary writes the policy's one-line summary and the contents: a
// link to each enabled track and to the reference sections.
func writeSummary(b *strings.Builder, p sdk.Policy, enabled int) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("Policy `%s`", p.ID)
	if p.Title != "" {
		w(", *%s*", p.Title)
	}
	if p.Version != "" {
		w(", version %s", p.Version)
	}
	w(": %d tracks, %d triggers, %d clocks, %d roles, %d parameters.\n\n",
		enabled, len(p.Triggers), len(p.Clocks), len(p.Roles), len(p.Parameters))

	w("**Tracks:** ")
	var links []string
	for _, t := range p.Tracks {
		if t.Disabled {
			continue
		}
		links = append(links, fmt.Sprintf("[`%s`](#%s)", t.ID, Slug(trackHeading(t))))
	}
	w("%s. **Reference:** [roles](#roles), [parameters](#parameters), [clocks](#clocks), [decisions and evidence](#decisions-and-evidence).\n\n", strings.Join(links, ", "))
}

// writeTrack writes an enabled track's section: its states, its diagram
// and its triggers (trigs, in policy order), each trigger in full.
func writeTrack(b *strings.Builder, e *sdk.Engine, p sdk.Policy, t sdk.TrackDef, trigs []sdk.TriggerDef, clockByID map[string]sdk.ClockDef) error {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## %s\n\n", trackHeading(t))
	if t.Description != "" {
		w("%s\n\n", t.Description)
	}
	w("A new case starts in `%s`.\n\n", t.Initial)
	w("### States of `%s`\n\n| state | notes | reached by |\n|---|---|---|\n", t.ID)
	writeStates(b, reachedBy(p, t.ID), "", t.States, t.Initial)
	w("\n")
	g, err := e.GraphTrack(sdk.GraphMermaid, t.ID, nil)
	if err != nil {
		return err
	}
	w("<details><summary>Diagram of <code>%s</code></summary>\n\n```mermaid\n%s\n```\n\n</details>\n\n", t.ID, strings.TrimRight(g, "\n"))

	if len(trigs) == 0 {
		return nil
	}
	w("### Triggers of `%s`\n\n| trigger | from | to | roles |\n|---|---|---|---|\n", t.ID)
	for _, tr := range trigs {
		w("| [`%s`](#%s) | %s | %s | %s |\n", tr.ID, Slug(triggerHeading(tr)), codes(tr.From), cell(destination(tr)), codes(tr.Roles))
	}
	w("\n")
	for _, tr := range trigs {
		writeTrigger(b, p, tr, clockByID)
	}
	return nil
}

// writeStates writes one row of the states table for each of ss (the
// states under prefix, whose first is initial) and, depth first, for each
// of their sub-states; reached maps a state to the triggers that lead to it.
func writeStates(b *strings.Builder, reached map[string][]string, prefix string, ss []sdk.StateDef, initial string) {
	for _, s := range ss {
		name := prefix + s.ID
		var notes []string
		if s.Description != "" {
			notes = append(notes, s.Description)
		}
		if s.ID == initial {
			if prefix == "" {
				notes = append(notes, "a new case starts here")
			} else {
				notes = append(notes, "entered first when `"+strings.TrimSuffix(prefix, ".")+"` is the target")
			}
		}
		if len(s.States) > 0 {
			var subs []string
			for _, sub := range s.States {
				subs = append(subs, "`"+name+"."+sub.ID+"`")
			}
			notes = append(notes, "has sub-states "+strings.Join(subs, ", "))
		}
		by := "—"
		if len(reached[name]) > 0 {
			by = triggerLinks(reached[name])
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", name, cell(strings.Join(notes, "; ")), by)
		writeStates(b, reached, name+".", s.States, s.Initial)
	}
}

// writeDecisions writes the section on decisions, evidence and holidays.
func writeDecisions(b *strings.Builder, p sdk.Policy) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Decisions and evidence\n\n")
	if p.AppealClock != "" {
		w("Every appealable decision starts the clock [`%s`](#%s) on the day it is made. ", p.AppealClock, Slug("`"+p.AppealClock+"`"))
	}
	w("The appealable decisions are %s.\n\n", codes(p.DecisionKinds))
	w("The kinds of evidence a case may hold are %s.\n", codes(p.EvidenceKinds))
	if len(p.Holidays) > 0 {
		w("\nThe policy replaces the bank holidays with %s.\n", codes(p.Holidays))
	}
}

// reachedBy maps each state of a track to the triggers that move the track
// there (their own destination, a branch's, or a move of another track).
func reachedBy(p sdk.Policy, track string) map[string][]string {
	out := map[string][]string{}
	add := func(state, trig string) {
		if state != "" && !slices.Contains(out[state], trig) {
			out[state] = append(out[state], trig)
		}
	}
	for _, t := range p.Triggers {
		own, _, _ := strings.Cut(t.ID, ".")
		effs := []sdk.Effects{t.Effects}
		for _, br := range t.Branches {
			effs = append(effs, br.Effects)
		}
		if own == track {
			if len(t.Branches) == 0 {
				add(t.To, t.ID)
			}
			for _, br := range t.Branches {
				if br.To != "" {
					add(br.To, t.ID)
				} else {
					add(t.To, t.ID)
				}
			}
		}
		for _, e := range effs {
			add(e.SetStates[track], t.ID)
		}
	}
	return out
}

func trackHeading(t sdk.TrackDef) string { return "Track `" + t.ID + "`" }

func triggerHeading(t sdk.TriggerDef) string { return "`" + t.ID + "`" }

// destination is a trigger's target as a short phrase.
func destination(t sdk.TriggerDef) string {
	if len(t.Branches) > 0 {
		var tos []string
		for _, br := range t.Branches {
			to := br.To
			if to == "" {
				to = t.To
			}
			if to == "" {
				to = "(stays)"
			} else {
				to = "`" + to + "`"
			}
			if !slices.Contains(tos, to) {
				tos = append(tos, to)
			}
		}
		return "by branch: " + strings.Join(tos, ", ")
	}
	if t.To == "" {
		return "(stays)"
	}
	return "`" + t.To + "`"
}

func writeTrigger(b *strings.Builder, p sdk.Policy, t sdk.TriggerDef, clocks map[string]sdk.ClockDef) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("#### %s\n\n", triggerHeading(t))
	if t.Description != "" {
		w("%s\n\n", t.Description)
	}
	w("- **From:** %s\n", codes(t.From))
	if t.To != "" {
		w("- **To:** `%s`\n", t.To)
	} else if len(t.Branches) == 0 {
		w("- **To:** the track stays where it is\n")
	}
	w("- **Who may fire it:** %s\n", codes(t.Roles))
	if fr := t.FamilyRight; fr != nil && fr.PassesToYoungPerson {
		w("- **Family rights rule:** before compulsory school age ends a `parent` acts, not a `young_person`; after it the `young_person`, and a `parent` only with data `on_behalf_of: young_person` and fact `child.authorised_parent` (recorded as the young person's act) or while `child.lacks_capacity` is true, when a deputy or attorney (`child.representative`) fires as `parent` with data `acting_as: representative` (CFA s80, s83(2); R64)\n")
	}
	if in := t.Instead; in != nil {
		if in.Trigger != "" {
			w("- **Instead:** while `%s`, a firing is judged and recorded as `%s`. %s\n", in.When, in.Trigger, in.Reason)
		} else {
			w("- **Not possible:** while `%s`. %s\n", in.When, in.Reason)
		}
	}
	if t.Citation != "" {
		w("- **Source:** %s\n", t.Citation)
	}
	for _, line := range effectLines(p, t.Effects, clocks) {
		w("- %s\n", line)
	}
	if len(t.Branches) > 0 {
		w("- **Branches** (the first that holds applies):\n")
		for _, br := range t.Branches {
			when := "otherwise"
			if br.When != "" {
				when = "when `" + br.When + "`"
			}
			lines := effectLines(p, br.Effects, clocks)
			switch {
			case br.To != "":
				w("  - %s: to `%s`\n", when, br.To)
			case t.To == "":
				w("  - %s: the track stays where it is\n", when)
			case len(lines) == 0:
				w("  - %s: nothing more\n", when)
			default:
				w("  - %s:\n", when)
			}
			for _, line := range lines {
				w("    - %s\n", line)
			}
		}
	}
	w("\n")
	if len(t.Payload) > 0 {
		w("| data field | type | required | allowed values | meaning |\n|---|---|---|---|---|\n")
		for _, f := range t.Payload {
			req := ""
			if f.Required {
				req = "yes"
			}
			w("| `%s` | %s | %s | %s | %s |\n", f.Name, f.Type, req, cell(allowed(f)), cell(f.Description))
		}
		w("\n")
	}
	if len(t.Guards) > 0 {
		w("| guard | must hold | otherwise | kind | source |\n|---|---|---|---|---|\n")
		for _, g := range t.Guards {
			w("| `%s` | `%s` | %s | %s | %s |\n", g.ID, cell(g.Expr), cell(g.Reason), guardKind(g), cell(g.Citation))
		}
		w("\n")
	}
}

// guardKind says whether a guard refuses or warns, whether an overlay may
// remove it, and whom it applies to.
func guardKind(g sdk.GuardDef) string {
	var parts []string
	if g.Severity == "advice" {
		parts = append(parts, "advice (warns, never refuses)")
	} else {
		parts = append(parts, "blocking")
	}
	if g.Statutory {
		parts = append(parts, "statutory (an overlay may not weaken it)")
	}
	if len(g.Roles) > 0 {
		parts = append(parts, "only for "+codes(g.Roles))
	}
	if g.Disabled {
		parts = append(parts, "disabled")
	}
	return strings.Join(parts, "; ")
}

func allowed(f sdk.FieldDef) string {
	var parts []string
	if len(f.Enum) > 0 {
		parts = append(parts, codes(f.Enum))
	}
	if f.Min != nil {
		parts = append(parts, fmt.Sprintf("at least %g", *f.Min))
	}
	if f.Max != nil {
		parts = append(parts, fmt.Sprintf("at most %g", *f.Max))
	}
	if f.MinItems > 0 {
		parts = append(parts, fmt.Sprintf("at least %d item(s)", f.MinItems))
	}
	return strings.Join(parts, "; ")
}

// effectLines renders effects as bullet texts.
func effectLines(p sdk.Policy, e sdk.Effects, clocks map[string]sdk.ClockDef) []string {
	var out []string
	refs := func(label string, rs []sdk.ClockRef) {
		if len(rs) == 0 {
			return
		}
		var parts []string
		for _, r := range rs {
			s := fmt.Sprintf("[`%s`](#%s)", r.Clock, Slug("`"+r.Clock+"`"))
			if r.Source != "" {
				s += " (one per `data." + r.Source + "`)"
			}
			parts = append(parts, s)
		}
		out = append(out, "**"+label+":** "+strings.Join(parts, ", "))
	}
	start := e.Start
	if e.Decision != "" && p.AppealClock != "" {
		start = append(slices.Clip(start), sdk.ClockRef{Clock: p.AppealClock})
	}
	refs("Starts clocks", start)
	refs("Stops clocks (met if on time, missed if late)", e.Stop)
	refs("Cancels clocks (the process ended another way)", e.Cancel)
	refs("Voids clocks (the duty never arose)", e.Void)
	refs("Records an exception (data fields `reason`, `since`, `until`, `advice_requested_on`) that may excuse clocks (each by its own exception rules)", e.Except)
	if e.EndException {
		out = append(out, "**Ends the open exception** (on `data.until`, else the firing's date)")
	}
	if e.ResetExceptions {
		out = append(out, "**Starts a new request with no exception:** the exceptions recorded so far excuse no clock started from now on")
	}
	if len(e.SetStates) > 0 {
		keys := make([]string, 0, len(e.SetStates))
		for k := range e.SetStates {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("`%s` to `%s`", k, e.SetStates[k]))
		}
		out = append(out, "**Moves other tracks:** "+strings.Join(parts, ", "))
	}
	if e.Decision != "" {
		out = append(out, fmt.Sprintf("**Records the appealable decision** `%s`", e.Decision))
	}
	return out
}

func writeRoles(b *strings.Builder, p sdk.Policy) {
	fmt.Fprintf(b, "## Roles\n\n| role | who | statutory | eligibility (else not_authorised) |\n|---|---|---|---|\n")
	for _, r := range p.Roles {
		st, elig := "", "—"
		if r.Statutory {
			st = "yes"
		}
		if r.Eligibility != nil {
			elig = fmt.Sprintf("guard `%s`: %s (%s)", r.Eligibility.ID, r.Eligibility.Reason, r.Eligibility.Citation)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", r.ID, cell(r.Description), st, cell(elig))
	}
	b.WriteString("\nA statutory role is named in statute: an overlay may not drop it.\n\n")
}

func writeParameters(b *strings.Builder, p sdk.Policy) {
	fmt.Fprintf(b, "## Parameters\n\nGuards and clocks read these as `params.NAME`; an overlay may change their values.\n\n| parameter | value | meaning |\n|---|---|---|\n")
	for _, par := range p.Parameters {
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", par.ID, cell(value(par.Value)), cell(par.Description))
	}
	b.WriteString("\n")
}

func value(v any) string {
	switch x := v.(type) {
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		return codes(parts)
	case []string:
		return codes(x)
	}
	return "`" + fmt.Sprint(v) + "`"
}

func writeClocks(b *strings.Builder, p sdk.Policy) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	starts, stops := map[string][]string{}, map[string][]string{}
	note := func(m map[string][]string, clock, trig string) {
		if !slices.Contains(m[clock], trig) {
			m[clock] = append(m[clock], trig)
		}
	}
	for _, t := range p.Triggers {
		effs := []sdk.Effects{t.Effects}
		for _, br := range t.Branches {
			effs = append(effs, br.Effects)
		}
		for _, e := range effs {
			for _, r := range e.Start {
				note(starts, r.Clock, t.ID)
			}
			if e.Decision != "" && p.AppealClock != "" {
				note(starts, p.AppealClock, t.ID)
			}
			for _, r := range e.Stop {
				note(stops, r.Clock, t.ID)
			}
		}
	}
	w("## Clocks\n\n")
	w("A **duty** clock is met when a trigger stops it on or before its due date and missed when it is stopped late or its due date passes. ")
	w("A **window** clock is a period that ends by itself (a time to make representations, to appeal). ")
	w("An **advisory** clock is guidance: it is missed like a duty, but a miss is a warning, never counted as a statutory miss. ")
	w("A **statutory** clock is set by law: an overlay may shorten it but not lengthen it. ")
	w("A clock's **exceptions** are the reasons that excuse its miss: an exception recorded on the case (`ehc.exception_recorded`) excuses it only if its reason is listed, it lasted the reason's minimum period (once ended), and its period overlaps the clock's run before due (`since` on or before the due date, `until`, if set, on or after the start). An overlay may narrow them, never widen them. ")
	w("An **excusable** clock without such a list is excused by any exception recorded while it runs.\n\n")
	for _, c := range p.Clocks {
		w("### `%s`\n\n", c.ID)
		if c.Description != "" {
			w("%s\n\n", c.Description)
		}
		kind := c.Kind
		if kind == "" {
			kind = "duty"
		}
		var flags []string
		if c.Statutory {
			flags = append(flags, "statutory")
		}
		if c.Excusable {
			flags = append(flags, "excusable")
		}
		if c.PerSource {
			flags = append(flags, "one clock per source")
		}
		w("- **Kind:** %s", kind)
		if len(flags) > 0 {
			w(" (%s)", strings.Join(flags, ", "))
		}
		w("\n- **Length:** %s\n", length(p, c))
		if c.When != "" {
			w("- **Starts only when:** `%s`\n", c.When)
		}
		if c.TribunalMoves {
			w("- **Due date moves** by the Tribunal's rules (HESC r12): from 25 December to 1 January, to the first working day after 1 January; in August, to the first working day after 31 August; on any other non-working day, to the next working day\n")
		}
		if c.Citation != "" {
			w("- **Source:** %s\n", c.Citation)
		}
		if len(c.Exceptions) > 0 {
			w("- **Exceptions:** %s\n", exceptionRules(c.Exceptions))
		}
		w("- **Started by:** %s\n", triggerLinks(starts[c.ID]))
		w("- **Stopped by:** %s\n\n", triggerLinks(stops[c.ID]))
	}
}

// exceptionRules says in words which exceptions excuse a clock's miss.
func exceptionRules(rs []sdk.ExceptionRule) string {
	var parts []string
	for _, r := range rs {
		s := "`" + r.Reason + "`"
		var conds []string
		if r.MinDays > 0 {
			conds = append(conds, fmt.Sprintf("at least %d days", r.MinDays))
		}
		if r.AdviceClock != "" {
			conds = append(conds, fmt.Sprintf("advice asked for (`advice_requested_on`, default: the start of `%s`) between `since` and `until`, each less %d days", r.AdviceClock, r.AdviceDaysBefore))
		}
		if len(r.StartedBy) > 0 {
			conds = append(conds, "only for a clock started by "+codeList(r.StartedBy))
		}
		if len(r.NotStartedBy) > 0 {
			conds = append(conds, "not for a clock started by "+codeList(r.NotStartedBy))
		}
		if len(conds) > 0 {
			s += " (" + strings.Join(conds, "; ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// codeList writes names as code, joined with "or".
func codeList(names []string) string {
	return "`" + strings.Join(names, "` or `") + "`"
}

func triggerLinks(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf("[`%s`](#%s)", id, Slug("`"+id+"`")))
	}
	return strings.Join(parts, ", ")
}

// length says how long a clock runs, in words.
func length(p sdk.Policy, c sdk.ClockDef) string {
	n := fmt.Sprint(c.Length)
	if c.LengthParam != "" {
		n = "`params." + c.LengthParam + "`"
		for _, par := range p.Parameters {
			if par.ID == c.LengthParam {
				n += fmt.Sprintf(" (%v)", par.Value)
			}
		}
	}
	switch c.Unit {
	case "before":
		return "due the day before the date `" + c.Before + "`"
	case "weeks_before", "months_before":
		return n + " " + strings.TrimSuffix(c.Unit, "_before") + " before the date `" + c.Before + "` (that date not counted)"
	case "working_days_beginning_with":
		return n + " working days beginning with the day it starts (it counts if a working day; England and Wales bank holidays excluded)"
	case "days_beginning_with":
		return n + " days beginning with the day it starts"
	case "months_starting_with":
		return n + " months starting with the day it starts"
	case "working_days":
		return n + " working days (England and Wales bank holidays excluded)"
	}
	return n + " " + c.Unit
}

// codes renders names as a comma-separated list of code spans.
func codes(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return strings.Join(out, ", ")
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", "\\|")
}
