// Package store keeps sendflow cases in a SQL database, SQLite or
// PostgreSQL, so that two officers firing on the same case at once cannot
// lose an update.
//
// Every case is one row of sendflow_cases holding the whole case as JSON
// and its head (the sequence number and hash of its last event), and every
// event is one row of the append-only sendflow_events, keyed by (case_id,
// seq). A firing is stored only if the case's head is still the one the
// firing was made from: the head is moved by one conditional UPDATE in the
// same transaction as the event's INSERT. A firing made from a stale head is
// refused with code conflict (a *ConflictError naming the event recorded
// first), so the officer can look at the case again; nothing is overwritten.
//
// The store reads the wall clock only to stamp rows (updated_at,
// recorded_at); the engine never does. docs/storage.md is the guide.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sendflow/sendflow/sdk"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the pure-Go "sqlite" driver (no cgo)
)

// Dialect is the SQL database a Store speaks to.
type Dialect string

// The dialects. The schema is the same in both; only placeholders and the
// append-only trigger's syntax differ.
const (
	// SQLite is the embedded default (modernc.org/sqlite, pure Go).
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL 14 or later (github.com/jackc/pgx/v5), for an
	// authority that runs several servers over one database.
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned (wrapped, with the case id) for a case the store
// does not hold. Test for it with errors.Is.
var ErrNotFound = errors.New("store: no such case")

// MaxOfficerLen caps an officer id in bytes (Assign).
const MaxOfficerLen = 128

// Store keeps cases in one database. It is safe for concurrent use by many
// goroutines and, over PostgreSQL (or one SQLite file), by many processes.
type Store struct {
	db  *sql.DB
	d   Dialect
	now func() time.Time
}

// Head is where a case's history ends: its last event's sequence number
// and hash. A case with no events has head {0, ""}. A firing is stored only
// against the head it was made from.
type Head struct {
	// Seq is the last event's sequence number (0 for none).
	Seq int `json:"seq"`
	// Hash is the last event's hash ("" for none).
	Hash string `json:"hash"`
}

// HeadOf is the head of a case as the engine returned it.
func HeadOf(c sdk.Case) Head {
	if n := len(c.History); n > 0 {
		return Head{Seq: c.History[n-1].Seq, Hash: c.History[n-1].Hash}
	}
	return Head{}
}

// Option changes how a Store is made.
type Option func(*Store)

// WithClock sets the clock the store stamps rows with (updated_at,
// recorded_at); the default is time.Now. Tests fix it.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// sqliteParams are added to a SQLite DSN by Open: wait for a writer rather
// than fail at once, write-ahead logging (readers never wait for a writer),
// foreign keys, and BEGIN IMMEDIATE so a transaction takes the write lock
// when it starts (two writers never deadlock upgrading read locks).
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// Open opens the database and makes its tables (New). For SQLite, dsn is a
// file path or a "file:" URI; Open adds the parameters the store needs
// (busy timeout, WAL, BEGIN IMMEDIATE). It must be a file: an in-memory
// SQLite database is a different one on every connection of the pool. For PostgreSQL, dsn is a pgx
// connection string, "postgres://user@host/db" or "host=... dbname=...".
func Open(ctx context.Context, d Dialect, dsn string, opts ...Option) (*Store, error) {
	driver := ""
	switch d {
	case SQLite:
		driver = "sqlite"
		if !strings.HasPrefix(dsn, "file:") {
			dsn = "file:" + dsn
		}
		if strings.Contains(dsn, "?") {
			dsn += "&" + sqliteParams
		} else {
			dsn += "?" + sqliteParams
		}
	case Postgres:
		driver = "pgx"
	default:
		return nil, fmt.Errorf("store: unknown dialect %q (want %q or %q)", d, SQLite, Postgres)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", d, err)
	}
	s, err := New(ctx, db, d, opts...)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// New makes a Store over a database the host opened, creating or checking
// its tables (docs/storage.md lists them). Over SQLite, open the database
// with a busy timeout and "_txlock=immediate" as Open does, or concurrent
// writers fail with SQLITE_BUSY (they still never lose an update).
func New(ctx context.Context, db *sql.DB, d Dialect, opts ...Option) (*Store, error) {
	if d != SQLite && d != Postgres {
		return nil, fmt.Errorf("store: unknown dialect %q (want %q or %q)", d, SQLite, Postgres)
	}
	s := &Store{db: db, d: d, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// DB is the database the store uses.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect is the database's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// q rewrites the ? placeholders of a query for the dialect (PostgreSQL
// numbers them: $1, $2, ...). The store's queries hold no other '?'.
func (s *Store) q(query string) string {
	if s.d != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

// Create stores a new case: one the engine made (NewCase) or one with a
// history (an imported case). The case must verify with eng (Verify), so a
// history that was altered is never stored; a case whose id the store
// already holds is refused with conflict.
func (s *Store) Create(ctx context.Context, eng *sdk.Engine, c sdk.Case) error {
	if c.ID == "" {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: "the case has no id", Pointer: "/id",
			Detail: "The store keys cases by their id; give the case one (Facts.ID)."}
	}
	if rep := eng.VerifyContext(ctx, c); !rep.OK {
		e := &sdk.Error{Code: sdk.CodeInvalidCase, Message: fmt.Sprintf("case %s does not verify: %s", c.ID, rep.Reason),
			Detail: "Only a case the engine made, with a history that replays, can be stored."}
		if rep.FirstBad > 0 {
			e.Pointer = fmt.Sprintf("/history/%d", rep.FirstBad-1)
		}
		return e
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: case %s: %w", c.ID, err)
	}
	h, now := HeadOf(c), s.stamp()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO sendflow_cases (case_id, head_seq, head_hash, la, district, officer, updated_at, case_json)
			VALUES (?, ?, ?, ?, ?, '', ?, ?) ON CONFLICT (case_id) DO NOTHING`),
			c.ID, h.Seq, h.Hash, c.LA, c.District, now, string(body))
		if err != nil {
			return fmt.Errorf("store: create case %s: %w", c.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: create case %s: %w", c.ID, err)
		} else if n != 1 {
			return &sdk.Error{Code: sdk.CodeConflict, Message: fmt.Sprintf("case %s already exists", c.ID), Pointer: "/id",
				Detail: "Another case was stored with this id first. Load it, or give the new case another id."}
		}
		for i := range c.History {
			if err := s.insertEvent(ctx, tx, c.ID, &c.History[i], now); err != nil {
				return err
			}
		}
		return nil
	})
}

// inTx runs fn in a transaction, committing if it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// insertEvent appends one event row.
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, id string, ev *sdk.Event, now string) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("store: case %s event %d: %w", id, ev.Seq, err)
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO sendflow_events (case_id, seq, hash, prev_hash, at, "trigger", actor, event_json, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), id, ev.Seq, ev.Hash, ev.PrevHash, ev.At, ev.Trigger, ev.Actor, string(body), now)
	if err != nil {
		return fmt.Errorf("store: case %s event %d: %w", id, ev.Seq, err)
	}
	return nil
}

// Load returns the stored case and its head. Fire the returned case, then
// Append the outcome against this head (or call Fire, which does both).
func (s *Store) Load(ctx context.Context, id string) (sdk.Case, Head, error) {
	var h Head
	var body string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT head_seq, head_hash, case_json FROM sendflow_cases WHERE case_id = ?`), id).
		Scan(&h.Seq, &h.Hash, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return sdk.Case{}, Head{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return sdk.Case{}, Head{}, fmt.Errorf("store: load case %s: %w", id, err)
	}
	var c sdk.Case
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		return sdk.Case{}, Head{}, fmt.Errorf("store: load case %s: %w", id, err)
	}
	if HeadOf(c) != h {
		return sdk.Case{}, Head{}, &sdk.Error{Code: sdk.CodeInternal, Message: fmt.Sprintf("stored case %s does not end at its head (event %d)", id, h.Seq)}
	}
	return c, h, nil
}

// Assign records which officer holds a case: the host's opaque user id,
// never a name (the worklist and its calendar feed carry it). "" unassigns.
func (s *Store) Assign(ctx context.Context, id, officer string) error {
	if len(officer) > MaxOfficerLen || !utf8.ValidString(officer) || strings.IndexFunc(officer, unicode.IsControl) >= 0 {
		return &sdk.Error{Code: sdk.CodeInvalidInput, Message: "an officer is an opaque user id: valid UTF-8, no control characters, at most " +
			strconv.Itoa(MaxOfficerLen) + " bytes", Pointer: "/officer"}
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE sendflow_cases SET officer = ?, updated_at = ? WHERE case_id = ?`), officer, s.stamp(), id)
	if err != nil {
		return fmt.Errorf("store: assign case %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: assign case %s: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return nil
}
