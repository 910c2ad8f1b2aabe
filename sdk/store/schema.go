package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SchemaVersion is the version of the tables this package makes and reads;
// it is recorded in sendflow_schema.
const SchemaVersion = 1

// tables are the statements that make the schema, the same in both
// dialects. Every one is idempotent: New runs them on every start.
var tables = []string{
	`CREATE TABLE IF NOT EXISTS sendflow_schema (
		version INTEGER NOT NULL
	)`,
	// One row per case: its head and the whole case as JSON (what Load
	// returns), and the columns the worklist filters on.
	`CREATE TABLE IF NOT EXISTS sendflow_cases (
		case_id    TEXT PRIMARY KEY,
		head_seq   INTEGER NOT NULL CHECK (head_seq >= 0),
		head_hash  TEXT NOT NULL,
		la         TEXT NOT NULL,
		district   TEXT NOT NULL,
		officer    TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		case_json  TEXT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS sendflow_cases_worklist ON sendflow_cases (la, district, officer)`,
	// One row per event, never updated: (case_id, seq) is the key, so two
	// events can never take the same place in a history.
	`CREATE TABLE IF NOT EXISTS sendflow_events (
		case_id     TEXT NOT NULL REFERENCES sendflow_cases (case_id),
		seq         INTEGER NOT NULL CHECK (seq >= 1),
		hash        TEXT NOT NULL,
		prev_hash   TEXT NOT NULL,
		at          TEXT NOT NULL,
		"trigger"   TEXT NOT NULL,
		actor       TEXT NOT NULL,
		event_json  TEXT NOT NULL,
		recorded_at TEXT NOT NULL,
		PRIMARY KEY (case_id, seq)
	)`,
}

// appendOnly makes the database itself refuse an UPDATE of an event.
var appendOnly = map[Dialect][]string{
	SQLite: {`CREATE TRIGGER IF NOT EXISTS sendflow_events_append_only BEFORE UPDATE ON sendflow_events
		BEGIN SELECT RAISE(ABORT, 'sendflow_events is append-only'); END`},
	Postgres: {`CREATE OR REPLACE FUNCTION sendflow_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'sendflow_events is append-only'; END $$`,
		`CREATE OR REPLACE TRIGGER sendflow_events_append_only BEFORE UPDATE ON sendflow_events
		FOR EACH ROW EXECUTE FUNCTION sendflow_events_append_only()`},
}

// migrate makes the tables in one transaction (PostgreSQL: under an
// advisory lock, so servers starting together do not race) and records the
// schema version, refusing a database a newer version of the store made.
func (s *Store) migrate(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if s.d == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7364021855)`); err != nil {
				return fmt.Errorf("store: migrate: %w", err)
			}
		}
		for _, stmt := range append(append([]string(nil), tables...), appendOnly[s.d]...) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("store: migrate: %w", err)
			}
		}
		var v int
		err := tx.QueryRowContext(ctx, `SELECT version FROM sendflow_schema`).Scan(&v)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO sendflow_schema (version) VALUES (?)`), SchemaVersion)
		case err == nil && v > SchemaVersion:
			err = fmt.Errorf("the database has schema version %d, newer than this store's %d", v, SchemaVersion)
		}
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		return nil
	})
}
