package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

// caseload stores five EHC requests, worked by hand from the clock rules
// (docs/lifecycle.md: the decision whether to assess is due 6 calendar
// weeks after the request, the final plan 20 weeks, the notice of no plan
// 16; calendar weeks do not move off bank holidays). The worklist is as of
// Monday 30 March 2026; Good Friday (3 April) and Easter Monday (6 April)
// are bank holidays, so 5 working days on is Wednesday 8 April
// (31 Mar, 1 Apr, 2 Apr, 7 Apr, 8 Apr).
//
//	case  requested       decision due           district    officer
//	c-a   Mon 2026-02-23  Mon 2026-04-06 (hol.)  dover       o-1
//	c-b   Wed 2026-02-25  Wed 2026-04-08         dover       o-2
//	c-c   Thu 2026-02-26  Thu 2026-04-09         dover       o-1
//	c-d   Mon 2026-02-09  Mon 2026-03-23 missed  canterbury  o-1
//	c-e   Mon 2026-02-02  Mon 2026-03-16, decided late on 2026-03-20 (missed, but done)
func caseload(t *testing.T, s *store.Store, e *sdk.Engine) {
	ctx := context.Background()
	for _, c := range []struct{ id, district, officer, requested, decided string }{
		{"c-a", "dover", "o-1", "2026-02-23", ""},
		{"c-b", "dover", "o-2", "2026-02-25", ""},
		{"c-c", "dover", "o-1", "2026-02-26", ""},
		{"c-d", "canterbury", "o-1", "2026-02-09", ""},
		{"c-e", "canterbury", "", "2026-02-02", "2026-03-20"},
	} {
		firings := []sdk.Firing{{Trigger: "ehc.requested", Actor: "parent", At: c.requested}}
		if c.decided != "" {
			firings = append(firings, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: c.decided})
		}
		newCase(t, s, e, sdk.Facts{ID: c.id, LA: "kent", District: c.district, Child: child}, firings...)
		if c.officer != "" {
			require.NoError(t, s.Assign(ctx, c.id, c.officer))
		}
	}
	// Another authority's case never shows in Kent's list.
	newCase(t, s, e, sdk.Facts{ID: "x-1", LA: "sefton", District: "bootle", Child: child},
		sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-02-23"})
}

// TestWorklist: the morning list as of 30 March 2026, five working days on.
func TestWorklist(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		caseload(t, s, e)
		items, err := s.Worklist(ctx, e, "2026-03-30", 5, store.Filter{LA: "kent"})
		require.NoError(t, err)
		cite := "R5(1); R5(4)" // the clock's citation in the default policy
		want := []store.WorkItem{
			{CaseID: "c-d", LA: "kent", District: "canterbury", Officer: "o-1", Key: "ehc_decision_to_assess", Clock: "ehc_decision_to_assess",
				Kind: sdk.ClockDuty, Status: sdk.ClockMissed, StartedAt: "2026-02-09", Due: "2026-03-23", DaysLeft: -7, WorkingDaysLeft: -5, Citation: cite},
			{CaseID: "c-a", LA: "kent", District: "dover", Officer: "o-1", Key: "ehc_decision_to_assess", Clock: "ehc_decision_to_assess",
				Kind: sdk.ClockDuty, Status: sdk.ClockRunning, StartedAt: "2026-02-23", Due: "2026-04-06", DaysLeft: 7, WorkingDaysLeft: 3, Citation: cite},
			{CaseID: "c-b", LA: "kent", District: "dover", Officer: "o-2", Key: "ehc_decision_to_assess", Clock: "ehc_decision_to_assess",
				Kind: sdk.ClockDuty, Status: sdk.ClockRunning, StartedAt: "2026-02-25", Due: "2026-04-08", DaysLeft: 9, WorkingDaysLeft: 5, Citation: cite},
		}
		assert.Equal(t, want, items)

		// Filters: one officer; one district.
		items, err = s.Worklist(ctx, e, "2026-03-30", 5, store.Filter{Officer: "o-1"})
		require.NoError(t, err)
		assert.Equal(t, []string{"c-d", "c-a"}, caseIDs(items))
		items, err = s.Worklist(ctx, e, "2026-03-30", 5, store.Filter{District: "dover"})
		require.NoError(t, err)
		assert.Equal(t, []string{"c-a", "c-b"}, caseIDs(items))

		// Within 0 working days: only what is due today or overdue. From
		// Thursday 2 April, one working day on is Tuesday 7 April (Good
		// Friday and Easter Monday are not working days), so c-a, due on
		// Easter Monday, is listed.
		items, err = s.Worklist(ctx, e, "2026-03-30", 0, store.Filter{LA: "kent"})
		require.NoError(t, err)
		assert.Equal(t, []string{"c-d"}, caseIDs(items))
		items, err = s.Worklist(ctx, e, "2026-04-02", 1, store.Filter{District: "dover"})
		require.NoError(t, err)
		assert.Equal(t, []string{"c-a"}, caseIDs(items))

		// Every running clock: three per open request, two for c-d and c-e
		// (their decisions are missed or met), plus c-d's missed decision.
		items, err = s.Worklist(ctx, e, "2026-03-30", -1, store.Filter{LA: "kent"})
		require.NoError(t, err)
		assert.Len(t, items, 3*3+2+2+1)

		_, err = s.Worklist(ctx, e, "30/03/2026", 5, store.Filter{})
		assert.ErrorIs(t, err, sdk.ErrInvalidInput)
	})
}

func caseIDs(items []store.WorkItem) []string {
	var ids []string
	for _, it := range items {
		ids = append(ids, it.CaseID)
	}
	return ids
}

// TestWorklistFailsOnACaseItCannotJudge: a stored case the engine refuses
// (here a row written behind the store's back, in a state the policy does
// not have) fails the list, naming the case, rather than drop off it.
func TestWorklistFailsOnACaseItCannotJudge(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		caseload(t, s, e)
		q := `INSERT INTO sendflow_cases (case_id, head_seq, head_hash, la, district, officer, updated_at, case_json)
			VALUES ('c-bad', 0, '', 'kent', 'dover', '', '', '{"id": "c-bad", "la": "kent", "child": {}, "states": {"ehc": "lost"}}')`
		_, err := s.DB().ExecContext(ctx, q)
		require.NoError(t, err)
		_, err = s.Worklist(ctx, e, "2026-03-30", 5, store.Filter{LA: "kent"})
		require.ErrorIs(t, err, sdk.ErrInvalidCase)
		assert.Contains(t, err.Error(), "store: worklist: case c-bad: invalid_case")
		items, err := s.Worklist(ctx, e, "2026-03-30", 5, store.Filter{District: "canterbury"})
		require.NoError(t, err, "a list without the case is unaffected")
		assert.Equal(t, []string{"c-d"}, caseIDs(items))
	})
}
