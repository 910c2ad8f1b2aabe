package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/internal/calendar"
)

// Filter narrows a worklist; an empty field matches every case.
type Filter struct {
	// LA is the local authority (Case.LA).
	LA string `json:"la,omitempty"`
	// District is the authority's district (Case.District).
	District string `json:"district,omitempty"`
	// Officer is the officer id a case is assigned to (Assign).
	Officer string `json:"officer,omitempty"`
}

// WorkItem is one clock on the worklist: a duty or window running and due
// soon, or a duty overdue. It names the case by id and the officer by the
// host's id, never a person.
type WorkItem struct {
	CaseID   string `json:"case_id"`
	LA       string `json:"la,omitempty"`
	District string `json:"district,omitempty"`
	// Officer is the id Assign recorded ("" for an unassigned case).
	Officer string `json:"officer,omitempty"`
	// Key is the clock's key in the case ("id" or "id.source").
	Key string `json:"key"`
	// Clock is the clock id from the policy, e.g. "ehc_final_plan".
	Clock  string        `json:"clock"`
	Source string        `json:"source,omitempty"`
	Kind   sdk.ClockKind `json:"kind"`
	// Status is running, or missed for a duty past its due date that is
	// still not done.
	Status    sdk.ClockState `json:"status"`
	StartedAt string         `json:"started_at"`
	Due       string         `json:"due"`
	// DaysLeft is calendar days from the worklist's date to Due, negative
	// once overdue.
	DaysLeft int `json:"days_left"`
	// WorkingDaysLeft is working days from the worklist's date to Due (the
	// working days after the date up to and including Due), negative (the
	// working days since Due) once overdue.
	WorkingDaysLeft int    `json:"working_days_left"`
	Citation        string `json:"citation,omitempty"`
}

// Worklist is what an authority needs every morning: every clock across the
// stored caseload, as of asOf (YYYY-MM-DD), that is either a duty missed and
// still not done, or running and due within the next within working days
// (0: due today; a negative within lists every running clock). Working days
// are the engine's: weekends and its policy's bank holidays. Items are
// sorted by district, officer, due date, case and clock key. A stored case
// the engine cannot judge (another policy's) fails the whole list, naming
// it, rather than drop out of it unseen.
func (s *Store) Worklist(ctx context.Context, eng *sdk.Engine, asOf string, within int, f Filter) ([]WorkItem, error) {
	day, err := calendar.ParseDate(asOf)
	if err != nil {
		return nil, &sdk.Error{Code: sdk.CodeInvalidInput, Message: "as_of must be a date, YYYY-MM-DD", Pointer: "/as_of"}
	}
	hol := holidaysOf(eng)
	horizon := ""
	if within >= 0 {
		horizon = hol.AddWorkingDays(day, within).String()
	}
	query, args := `SELECT case_id, la, district, officer, case_json FROM sendflow_cases WHERE 1 = 1`, []any{}
	for _, c := range []struct{ col, v string }{{"la", f.LA}, {"district", f.District}, {"officer", f.Officer}} {
		if c.v != "" {
			query += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+" ORDER BY case_id"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: worklist: %w", err)
	}
	defer rows.Close()
	items := []WorkItem{}
	for rows.Next() {
		var base WorkItem
		var body string
		if err := rows.Scan(&base.CaseID, &base.LA, &base.District, &base.Officer, &body); err != nil {
			return nil, fmt.Errorf("store: worklist: %w", err)
		}
		var c sdk.Case
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			return nil, fmt.Errorf("store: worklist: case %s: %w", base.CaseID, err)
		}
		rep, err := eng.Clocks(c, day.String())
		if err != nil {
			return nil, fmt.Errorf("store: worklist: case %s: %w", base.CaseID, err)
		}
		items = appendDue(items, base, rep, day, horizon, hol)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: worklist: %w", err)
	}
	slices.SortFunc(items, func(a, b WorkItem) int {
		return cmp.Or(cmp.Compare(a.District, b.District), cmp.Compare(a.Officer, b.Officer), cmp.Compare(a.Due, b.Due),
			cmp.Compare(a.CaseID, b.CaseID), cmp.Compare(a.Key, b.Key))
	})
	return items, nil
}

// appendDue adds the clocks of one case's report that belong on the list.
func appendDue(items []WorkItem, base WorkItem, rep sdk.ClockReport, day calendar.Date, horizon string, hol *calendar.Holidays) []WorkItem {
	for _, cs := range rep.Clocks {
		switch {
		case cs.Status == sdk.ClockMissed && (cs.StoppedAt == "" || cs.StoppedAt > rep.AsOf):
		case cs.Status == sdk.ClockRunning && (horizon == "" || cs.Due <= horizon):
		default:
			continue
		}
		due, err := calendar.ParseDate(cs.Due)
		if err != nil {
			continue // the engine checked every due date; this cannot happen
		}
		it := base
		it.Key, it.Clock, it.Source, it.Kind, it.Status = cs.Key, cs.ID, cs.Source, cs.Kind, cs.Status
		it.StartedAt, it.Due, it.Citation = cs.StartedAt, cs.Due, cs.Citation
		it.DaysLeft = day.DaysUntil(due)
		it.WorkingDaysLeft = hol.WorkingDaysBetween(day, due) - hol.WorkingDaysBetween(due, day)
		items = append(items, it)
	}
	return items
}

// holidaysOf is the engine's bank holidays: its policy's list, or England
// and Wales's (as the engine itself counts working days).
func holidaysOf(eng *sdk.Engine) *calendar.Holidays {
	list := eng.Policy().Holidays
	if len(list) == 0 {
		return calendar.DefaultHolidays()
	}
	ds := make([]calendar.Date, 0, len(list))
	for _, h := range list {
		if d, err := calendar.ParseDate(h); err == nil {
			ds = append(ds, d)
		}
	}
	return calendar.NewHolidays(ds)
}
