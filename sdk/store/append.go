package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sendflow/sendflow/sdk"
)

// ConflictError is the conflict a firing against a stale head gets: another
// firing was stored on the case after it was loaded. It wraps an *sdk.Error
// with code conflict, so errors.Is(err, sdk.ErrConflict) and sdk.AsError
// work; Winner is the event that took the place this firing wanted.
type ConflictError struct {
	// Err has code conflict; its message names the winning event's seq,
	// trigger, actor and time.
	Err *sdk.Error
	// CaseID is the case fired on.
	CaseID string
	// Winner is the stored event at the sequence number the refused firing
	// wanted (nil when there is none: the head the firing named was never
	// the case's).
	Winner *sdk.Event
	// Head is the case's head now.
	Head Head
}

func (e *ConflictError) Error() string { return e.Err.Error() }

// Unwrap gives the *sdk.Error.
func (e *ConflictError) Unwrap() error { return e.Err }

// Append stores a firing's outcome on case id, but only if the case's head
// is still expect (the Head that Load returned with the case that was
// fired). In one transaction it moves the head with a conditional UPDATE
// (WHERE head_hash = expect) and inserts the event; if the head has moved,
// nothing is written and the error is a *ConflictError (code conflict)
// naming the event stored first. The primary key (case_id, seq) of the
// events table refuses a second event at the same place as well.
//
// out must be what the engine returned for the case Load returned: Append
// checks that its event is the case's last and follows expect, but does
// not replay the case (Fire does all of it; Create verifies an import).
func (s *Store) Append(ctx context.Context, id string, expect Head, out sdk.Outcome) error {
	if err := checkOutcome(id, expect, &out); err != nil {
		return err
	}
	c := out.Case
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: case %s: %w", id, err)
	}
	now := s.stamp()
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE sendflow_cases SET head_seq = ?, head_hash = ?, la = ?, district = ?, updated_at = ?, case_json = ?
			WHERE case_id = ? AND head_seq = ? AND head_hash = ?`),
			out.Event.Seq, out.Event.Hash, c.LA, c.District, now, string(body), id, expect.Seq, expect.Hash)
		if err != nil {
			return fmt.Errorf("store: append to case %s: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: append to case %s: %w", id, err)
		} else if n != 1 {
			return &staleError{}
		}
		if err := s.insertEvent(ctx, tx, id, &out.Event, now); err != nil {
			return &staleError{insert: err} // the key (case_id, seq) may be taken: another event is there
		}
		return nil
	})
	var stale *staleError
	if errors.As(err, &stale) {
		return s.conflict(ctx, id, out.Event.Seq, stale.insert)
	}
	return err
}

// staleError marks a transaction that found the head moved (the UPDATE
// matched no row) or could not insert the event (insert).
type staleError struct{ insert error }

func (e *staleError) Error() string {
	if e.insert != nil {
		return e.insert.Error()
	}
	return "stale head"
}

// checkOutcome checks that out is one firing made from a case at head
// expect: the event is the case's last, one after expect, and linked to it.
func checkOutcome(id string, expect Head, out *sdk.Outcome) error {
	bad := func(format string, args ...any) error {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: fmt.Sprintf(format, args...),
			Detail: "Append takes the outcome of firing the case Load returned, with the head Load returned."}
	}
	h, ev := out.Case.History, out.Event
	switch {
	case out.Case.ID != id:
		return bad("the outcome is for case %q, not %q", out.Case.ID, id)
	case len(h) == 0 || h[len(h)-1].Hash != ev.Hash || h[len(h)-1].Seq != ev.Seq:
		return bad("the outcome's event is not the last of its case's history")
	case ev.Seq != expect.Seq+1:
		return bad("the outcome's event is number %d, but the head it is appended to is event %d", ev.Seq, expect.Seq)
	case expect.Seq > 0 && ev.PrevHash != expect.Hash:
		return bad("the outcome's event does not follow the head it is appended to")
	case expect.Seq == 0 && expect.Hash != "":
		return bad("a head with no events has no hash")
	}
	return nil
}

// conflict builds the conflict for a firing that wanted place seq of case
// id, reading what is stored there now. insert is the error inserting the
// event gave, if that is what failed: when no other event took its place,
// that error is returned as it is.
func (s *Store) conflict(ctx context.Context, id string, seq int, insert error) error {
	var h Head
	err := s.db.QueryRowContext(ctx, s.q(`SELECT head_seq, head_hash FROM sendflow_cases WHERE case_id = ?`), id).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return fmt.Errorf("store: case %s: %w", id, err)
	}
	ce := &ConflictError{CaseID: id, Head: h}
	var body string
	err = s.db.QueryRowContext(ctx, s.q(`SELECT event_json FROM sendflow_events WHERE case_id = ? AND seq = ?`), id, seq).Scan(&body)
	if err == nil {
		var ev sdk.Event
		if json.Unmarshal([]byte(body), &ev) == nil {
			ce.Winner = &ev
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: case %s: %w", id, err)
	}
	if ce.Winner == nil && insert != nil && h.Seq == seq-1 {
		return insert // the head did not move: the insert failed for another reason
	}
	ce.Err = &sdk.Error{Code: sdk.CodeConflict, Pointer: fmt.Sprintf("/history/%d", seq-1),
		Detail: "This firing was not stored. Load the case again, look at what changed, and fire again if the decision still stands."}
	switch w := ce.Winner; {
	case w != nil && h.Seq > w.Seq:
		ce.Err.Message = fmt.Sprintf("case %s changed after it was loaded: event %d (%s by %s at %s) was recorded first, and the case is now at event %d",
			id, w.Seq, w.Trigger, w.Actor, w.At, h.Seq)
	case w != nil:
		ce.Err.Message = fmt.Sprintf("case %s changed after it was loaded: event %d (%s by %s at %s) was recorded first",
			id, w.Seq, w.Trigger, w.Actor, w.At)
	default:
		ce.Err.Message = fmt.Sprintf("case %s is at event %d, not at the head this firing was made from", id, h.Seq)
	}
	return ce
}

// Fire loads case id, fires f on it with eng and appends the outcome
// against the head it loaded. If another firing was stored in between, it
// returns the *ConflictError and stores nothing; it never retries, because
// the officer decided on a case that has since changed. A refusal by the
// engine is returned as the engine gave it.
func (s *Store) Fire(ctx context.Context, eng *sdk.Engine, id string, f sdk.Firing) (sdk.Outcome, error) {
	c, h, err := s.Load(ctx, id)
	if err != nil {
		return sdk.Outcome{}, err
	}
	out, err := eng.FireContext(ctx, c, f)
	if err != nil {
		return sdk.Outcome{}, err
	}
	if err := s.Append(ctx, id, h, out); err != nil {
		return sdk.Outcome{}, err
	}
	return out, nil
}
