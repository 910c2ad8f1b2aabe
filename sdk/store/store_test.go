package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

var child = sdk.Child{DateOfBirth: "2016-03-02"}

// TestStoreCreateLoadFire: a case goes in, fires through the store, and
// comes back exactly as the engine returned it, its events in the table.
func TestStoreCreateLoadFire(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		c := e.NewCase(sdk.Facts{ID: "c-1", LA: "kent", District: "dover", Child: child})
		require.NoError(t, s.Create(ctx, e, c))
		got, h, err := s.Load(ctx, "c-1")
		require.NoError(t, err)
		assert.Equal(t, store.Head{}, h)
		assert.Equal(t, jsonOf(t, c), jsonOf(t, got))

		out, err := s.Fire(ctx, e, "c-1", sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		require.NoError(t, err)
		got, h, err = s.Load(ctx, "c-1")
		require.NoError(t, err)
		assert.Equal(t, store.Head{Seq: 1, Hash: out.Event.Hash}, h)
		assert.Equal(t, jsonOf(t, out.Case), jsonOf(t, got))
		assert.True(t, e.Verify(got).OK)
		seqs, hashes := storedEvents(t, s, "c-1")
		assert.Equal(t, []int{1}, seqs)
		assert.Equal(t, []string{out.Event.Hash}, hashes)

		// The engine's refusal comes back as it is, and nothing is stored.
		_, err = s.Fire(ctx, e, "c-1", sdk.Firing{Trigger: "ehc.plan_finalised", Actor: "la_officer", At: "2026-01-06"})
		assert.ErrorIs(t, err, sdk.ErrNotPermitted)
		_, h2, err := s.Load(ctx, "c-1")
		require.NoError(t, err)
		assert.Equal(t, h, h2)
	})
}

// TestStoreRefusals: a second case with the same id is a conflict, an
// altered history or a case with no id is never stored, an unknown case is
// ErrNotFound.
func TestStoreRefusals(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		c := newCase(t, s, e, sdk.Facts{ID: "c-1", Child: child}, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})

		err := s.Create(ctx, e, e.NewCase(sdk.Facts{ID: "c-1", Child: child}))
		assert.ErrorIs(t, err, sdk.ErrConflict)
		assert.Contains(t, err.Error(), "case c-1 already exists")

		forged := c
		forged.ID, forged.Origin = "c-2", &sdk.Facts{ID: "c-2", Child: child}
		forged.History = append([]sdk.Event(nil), c.History...)
		forged.History[0].At = "2026-01-04T00:00:00Z"
		err = s.Create(ctx, e, forged)
		assert.ErrorIs(t, err, sdk.ErrInvalidCase)
		_, _, err = s.Load(ctx, "c-2")
		assert.ErrorIs(t, err, store.ErrNotFound)

		assert.ErrorIs(t, s.Create(ctx, e, e.NewCase(sdk.Facts{Child: child})), sdk.ErrInvalidInput)
		_, err = s.Fire(ctx, e, "nobody", sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		assert.ErrorIs(t, err, store.ErrNotFound)
		assert.ErrorIs(t, s.Assign(ctx, "nobody", "u-1"), store.ErrNotFound)
		assert.ErrorIs(t, s.Assign(ctx, "c-1", "Jane\nSmith"), sdk.ErrInvalidInput)
		assert.ErrorIs(t, s.Assign(ctx, "c-1", strings.Repeat("x", store.MaxOfficerLen+1)), sdk.ErrInvalidInput)
		require.NoError(t, s.Assign(ctx, "c-1", strings.Repeat("x", store.MaxOfficerLen)))
	})
}

// TestStoreStaleAppendIsConflict: two officers fire on the case as they
// both loaded it; the second is refused with conflict naming the first's
// event, and the stored case is the first's.
func TestStoreStaleAppendIsConflict(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		newCase(t, s, e, sdk.Facts{ID: "c-1", Child: child}, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		c, h, err := s.Load(ctx, "c-1")
		require.NoError(t, err)
		first, err := e.Fire(c, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-10"})
		require.NoError(t, err)
		second, err := e.Fire(c, sdk.Firing{Trigger: "ehc.withdrawn", Actor: "parent", At: "2026-02-11"})
		require.NoError(t, err)
		require.NoError(t, s.Append(ctx, "c-1", h, first))

		err = s.Append(ctx, "c-1", h, second)
		require.ErrorIs(t, err, sdk.ErrConflict)
		var ce *store.ConflictError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "case c-1 changed after it was loaded: event 2 (ehc.decided_to_assess by la_officer at 2026-02-10T00:00:00Z) was recorded first",
			ce.Err.Message)
		assert.Equal(t, sdk.CodeConflict, sdk.AsError(err).Code)
		assert.Equal(t, "/history/1", ce.Err.Pointer)
		require.NotNil(t, ce.Winner)
		assert.Equal(t, first.Event.Hash, ce.Winner.Hash)
		assert.Equal(t, store.Head{Seq: 2, Hash: first.Event.Hash}, ce.Head)

		got, h2, err := s.Load(ctx, "c-1")
		require.NoError(t, err)
		assert.Equal(t, jsonOf(t, first.Case), jsonOf(t, got))
		assert.Equal(t, store.HeadOf(first.Case), h2)

		// Once the head has moved on again, the message says where it is now.
		_, err = s.Fire(ctx, e, "c-1", sdk.Firing{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-02-12", Data: map[string]any{"from": "medical"}})
		require.NoError(t, err)
		err = s.Append(ctx, "c-1", h, second)
		require.ErrorAs(t, err, &ce)
		assert.Contains(t, ce.Err.Message, "was recorded first, and the case is now at event 3")
	})
}

// TestStoreAppendChecksTheOutcome: an outcome that is not one firing on the
// head it names is refused before the database is touched.
func TestStoreAppendChecksTheOutcome(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		newCase(t, s, e, sdk.Facts{ID: "c-1", Child: child}, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		c, h, err := s.Load(ctx, "c-1")
		require.NoError(t, err)
		out, err := e.Fire(c, sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-10"})
		require.NoError(t, err)
		for name, tc := range map[string]struct {
			id string
			h  store.Head
		}{
			"other case":    {"c-2", h},
			"skipped event": {"c-1", store.Head{}},
			"unlinked head": {"c-1", store.Head{Seq: 1, Hash: strings.Repeat("0", 64)}},
			"hash, no seq":  {"c-1", store.Head{Hash: h.Hash}},
		} {
			err := s.Append(ctx, tc.id, tc.h, out)
			assert.ErrorIs(t, err, sdk.ErrInvalidInput, name)
		}
		_, h2, err := s.Load(ctx, "c-1")
		require.NoError(t, err)
		assert.Equal(t, h, h2)
	})
}

// TestStoreEventsAreAppendOnly: the database refuses to rewrite an event.
func TestStoreEventsAreAppendOnly(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		e := engine(t)
		newCase(t, s, e, sdk.Facts{ID: "c-1", Child: child}, sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"})
		_, err := s.DB().Exec(`UPDATE sendflow_events SET actor = 'school'`)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "sendflow_events is append-only")
		// Opening the same database again keeps its tables and rows.
		s2, err := store.New(context.Background(), s.DB(), s.Dialect())
		require.NoError(t, err)
		_, h, err := s2.Load(context.Background(), "c-1")
		require.NoError(t, err)
		assert.Equal(t, 1, h.Seq)
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestConflictErrorUnwraps: errors.Is and errors.As see the sdk.Error.
func TestConflictErrorUnwraps(t *testing.T) {
	ce := &store.ConflictError{Err: &sdk.Error{Code: sdk.CodeConflict, Message: "m"}}
	var err error = ce
	assert.True(t, errors.Is(err, sdk.ErrConflict))
	assert.False(t, errors.Is(err, sdk.ErrGuardFailed))
	assert.Equal(t, "conflict: m", err.Error())
}

// TestStoreCreateImportsAHistory: a case fired elsewhere is stored with
// every event of its history in the events table, and fires on from there.
func TestStoreCreateImportsAHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		c := e.NewCase(sdk.Facts{ID: "c-imp", LA: "kent", Child: child})
		for _, f := range []sdk.Firing{
			{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
			{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-10"},
			{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-02-11", Data: map[string]any{"from": "medical"}},
		} {
			out, err := e.Fire(c, f)
			require.NoError(t, err)
			c = out.Case
		}
		require.NoError(t, s.Create(ctx, e, c))
		checkStored(t, s, e, "c-imp", 3)
		_, err := s.Fire(ctx, e, "c-imp", sdk.Firing{Trigger: "ehc.advice_received", Actor: "advice_giver", At: "2026-03-02", Data: map[string]any{"from": "medical"}})
		require.NoError(t, err)
		got := checkStored(t, s, e, "c-imp", 4)
		assert.Equal(t, sdk.ClockMet, got.Clocks["ehc_advice.medical"].Status)
	})
}
