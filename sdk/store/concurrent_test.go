package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sendflow/sendflow/sdk"
	"github.com/sendflow/sendflow/sdk/store"
)

// sources are the R6(1) advice sources: ehc.advice_requested may be fired
// for each, in any order, while the case is being assessed.
var sources = []string{"parent", "educational", "medical", "psychological", "social_care", "preparation_for_adulthood", "other"}

// writers is how many officers fire at once.
const writers = 8

// assessing is a stored case being assessed, as of 2026-02-10.
func assessing(t *testing.T, s *store.Store, e *sdk.Engine, id string) {
	newCase(t, s, e, sdk.Facts{ID: id, LA: "kent", District: "dover", Child: child},
		sdk.Firing{Trigger: "ehc.requested", Actor: "parent", At: "2026-01-05"},
		sdk.Firing{Trigger: "ehc.decided_to_assess", Actor: "la_officer", At: "2026-02-10"})
}

// TestConcurrentWritersSameHead: in each round, eight officers load the case
// at the same head and each fires a different lawful firing (another advice
// source, another day) against it at once. Exactly one is stored per
// round; the other seven get conflict naming the winner; the stored history
// has one event per round, no gap and no duplicate, and verifies.
func TestConcurrentWritersSameHead(t *testing.T) {
	const rounds = 6
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		assessing(t, s, e, "c-race")
		for round := range rounds {
			c, h, err := s.Load(ctx, "c-race")
			require.NoError(t, err)
			outs := make([]sdk.Outcome, writers)
			for w := range writers {
				f := sdk.Firing{Trigger: "ehc.advice_requested", Actor: "la_officer",
					At: fmt.Sprintf("2026-03-%02d", 2+round*2+w%2), Data: map[string]any{"from": sources[w%len(sources)]}}
				outs[w], err = e.Fire(c, f)
				require.NoError(t, err)
			}
			errs := race(writers, func(w int) error { return s.Append(ctx, "c-race", h, outs[w]) })
			winner := -1
			for w, err := range errs {
				if err == nil {
					require.Equal(t, -1, winner, "round %d: writers %d and %d were both stored", round, winner, w)
					winner = w
				}
			}
			require.NotEqual(t, -1, winner, "round %d: no writer was stored: %v", round, errs)
			want := outs[winner].Event
			for w, err := range errs {
				if w == winner {
					continue
				}
				var ce *store.ConflictError
				require.ErrorAs(t, err, &ce, "round %d writer %d", round, w)
				assert.Equal(t, want.Hash, ce.Winner.Hash)
				assert.Contains(t, ce.Err.Message, fmt.Sprintf("event %d (ehc.advice_requested by la_officer at %s) was recorded first", want.Seq, want.At))
			}
			got, h2, err := s.Load(ctx, "c-race")
			require.NoError(t, err)
			assert.Equal(t, store.Head{Seq: h.Seq + 1, Hash: want.Hash}, h2)
			assert.Equal(t, jsonOf(t, outs[winner].Case), jsonOf(t, got))
		}
		checkStored(t, s, e, "c-race", 2+rounds)
	})
}

// TestConcurrentWritersNoLostUpdate: seven officers each request advice
// from a different source through Store.Fire at once; one who gets conflict
// loads the case again and fires again (as an officer who looked again
// would). Every request is stored exactly once: no update is lost.
func TestConcurrentWritersNoLostUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, s *store.Store) {
		ctx, e := context.Background(), engine(t)
		assessing(t, s, e, "c-race")
		var mu sync.Mutex
		conflicts := 0
		errs := race(len(sources), func(w int) error {
			f := sdk.Firing{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-03-02", Data: map[string]any{"from": sources[w]}}
			for {
				_, err := s.Fire(ctx, e, "c-race", f)
				if !errors.Is(err, sdk.ErrConflict) {
					return err
				}
				mu.Lock()
				conflicts++
				mu.Unlock()
			}
		})
		for w, err := range errs {
			require.NoError(t, err, "writer %d", w)
		}
		t.Logf("%d conflicts, each fired again", conflicts)
		c := checkStored(t, s, e, "c-race", 2+len(sources))
		var got []string
		for _, ev := range c.History[2:] {
			got = append(got, ev.Data["from"].(string))
		}
		slices.Sort(got)
		want := slices.Clone(sources)
		slices.Sort(want)
		assert.Equal(t, want, got, "every source requested exactly once")
		for _, src := range sources {
			assert.Equal(t, sdk.ClockRunning, c.Clocks["ehc_advice."+src].Status, src)
		}
	})
}

// race runs fn(0..n-1) in n goroutines released together, and returns
// their errors.
func race(n int, fn func(w int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[w] = fn(w)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// checkStored checks the stored case has n events numbered 1..n with no
// gap or duplicate, that the events table holds exactly them, and that the
// history verifies.
func checkStored(t *testing.T, s *store.Store, e *sdk.Engine, id string, n int) sdk.Case {
	t.Helper()
	c, h, err := s.Load(context.Background(), id)
	require.NoError(t, err)
	require.Len(t, c.History, n)
	assert.Equal(t, n, h.Seq)
	seqs, hashes := storedEvents(t, s, id)
	var wantSeqs []int
	var wantHashes []string
	for i, ev := range c.History {
		wantSeqs, wantHashes = append(wantSeqs, i+1), append(wantHashes, ev.Hash)
	}
	assert.Equal(t, wantSeqs, seqs)
	assert.Equal(t, wantHashes, hashes)
	rep := e.Verify(c)
	assert.True(t, rep.OK, "verify: %+v", rep)
	return c
}

// TestConcurrentWritersTwoServers: two stores opened separately on the same
// database (two servers, or two processes over one SQLite file), four
// writers on each, each firing a different advice request and firing again
// after a conflict. Every firing is stored once, whichever server took it.
func TestConcurrentWritersTwoServers(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s1, d, dsn := b.open(t)
			s2 := openStore(t, d, dsn)
			ctx, e := context.Background(), engine(t)
			assessing(t, s1, e, "c-race")
			froms := append(slices.Clone(sources), "medical") // eight firings: medical twice
			errs := race(len(froms), func(w int) error {
				s := []*store.Store{s1, s2}[w%2]
				f := sdk.Firing{Trigger: "ehc.advice_requested", Actor: "la_officer", At: "2026-03-02", Data: map[string]any{"from": froms[w]}}
				for range 1000 {
					if _, err := s.Fire(ctx, e, "c-race", f); !errors.Is(err, sdk.ErrConflict) {
						return err
					}
				}
				return fmt.Errorf("writer %d: a conflict a thousand times", w)
			})
			for w, err := range errs {
				require.NoError(t, err, "writer %d", w)
			}
			c := checkStored(t, s2, e, "c-race", 2+len(froms))
			var got []string
			for _, ev := range c.History[2:] {
				got = append(got, ev.Data["from"].(string))
			}
			slices.Sort(got)
			slices.Sort(froms)
			assert.Equal(t, froms, got)
		})
	}
}
