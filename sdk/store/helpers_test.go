package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

// pgEnv names the PostgreSQL the tests use; `make store-test` starts a
// throwaway one and sets it.
const pgEnv = "SENDFLOW_PG_URL"

// fixed is the clock every test store stamps rows with.
var fixed = func() time.Time { return time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC) }

// backend is one database the suite runs against: open makes a fresh
// one and returns a store on it and the dialect and DSN that reach it.
type backend struct {
	name string
	open func(t *testing.T) (*store.Store, store.Dialect, string)
}

// backends are SQLite in a temporary file, always, and PostgreSQL when
// SENDFLOW_PG_URL is set (each test in a schema of its own, dropped after).
var backends = []backend{
	{"sqlite", func(t *testing.T) (*store.Store, store.Dialect, string) {
		dsn := filepath.Join(t.TempDir(), "cases.db")
		return openStore(t, store.SQLite, dsn), store.SQLite, dsn
	}},
	{"postgres", openPostgres},
}

// openStore opens a store that is closed when the test ends.
func openStore(t *testing.T, d store.Dialect, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), d, dsn, store.WithClock(fixed))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sqliteStore is a store on a fresh SQLite file.
func sqliteStore(t *testing.T) *store.Store {
	s, _, _ := backends[0].open(t)
	return s
}

func openPostgres(t *testing.T) (*store.Store, store.Dialect, string) {
	url := os.Getenv(pgEnv)
	if url == "" {
		t.Skipf("PostgreSQL: %s is not set; `make store-test` starts a throwaway PostgreSQL and runs these tests against it", pgEnv)
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "sendflow_test_" + hex.EncodeToString(b)
	_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err, "PostgreSQL at %s=%q", pgEnv, url)
	t.Cleanup(func() { _, _ = admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE") })
	dsn := url + " search_path=" + schema
	if strings.Contains(url, "://") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		dsn = url + sep + "search_path=" + schema
	}
	return openStore(t, store.Postgres, dsn), store.Postgres, dsn
}

// eachBackend runs fn as a subtest against every backend.
func eachBackend(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, _, _ := b.open(t)
			fn(t, s)
		})
	}
}

func engine(t testing.TB) *sdk.Engine {
	e, err := sdk.Default()
	require.NoError(t, err)
	return e
}

// newCase stores a new case and fires the firings on it through the store.
func newCase(t *testing.T, s *store.Store, e *sdk.Engine, f sdk.Facts, firings ...sdk.Firing) sdk.Case {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.Create(ctx, e, e.NewCase(f)))
	for _, fi := range firings {
		_, err := s.Fire(ctx, e, f.ID, fi)
		require.NoError(t, err, "%s at %s", fi.Trigger, fi.At)
	}
	c, _, err := s.Load(ctx, f.ID)
	require.NoError(t, err)
	return c
}

// storedEvents reads a case's rows of the events table, in seq order.
func storedEvents(t *testing.T, s *store.Store, id string) (seqs []int, hashes []string) {
	t.Helper()
	q := `SELECT seq, hash FROM sendflow_events WHERE case_id = ? ORDER BY seq`
	if s.Dialect() == store.Postgres {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := s.DB().Query(q, id)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var n int
		var h string
		require.NoError(t, rows.Scan(&n, &h))
		seqs, hashes = append(seqs, n), append(hashes, h)
	}
	require.NoError(t, rows.Err())
	return seqs, hashes
}
