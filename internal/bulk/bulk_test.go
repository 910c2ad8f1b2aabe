package bulk

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEachVisitsEveryItemOnce, with one worker and with several.
func TestEachVisitsEveryItemOnce(t *testing.T) {
	for _, w := range []int{1, 2, 7} {
		items := make([]int, 1000)
		var calls atomic.Int64
		Each(items, w, func(p *int) { *p++; calls.Add(1) })
		assert.Equal(t, int64(1000), calls.Load(), w)
		for i, v := range items {
			assert.Equal(t, 1, v, "item %d with %d workers", i, w)
		}
	}
	assert.Positive(t, Workers(0))
	assert.Equal(t, 3, Workers(3))
}

// TestEachRunsItemsAtOnce: with two workers, two items are worked on at
// the same time (each waits for the other to start), so a batch keeps as
// many cores busy as there are workers.
func TestEachRunsItemsAtOnce(t *testing.T) {
	started := make(chan struct{}, 2)
	both := make(chan struct{})
	var timedOut atomic.Bool
	go func() {
		<-started
		<-started
		close(both)
	}()
	items := make([]int, 2)
	Each(items, 2, func(*int) {
		started <- struct{}{}
		select {
		case <-both:
		case <-time.After(10 * time.Second):
			timedOut.Store(true)
		}
	})
	assert.False(t, timedOut.Load(), "the second item did not start while the first was running")
}

// batches reads n items in batches of size, numbered from 0.
func batches(n, size int) func() ([]int, error) {
	next := 0
	return func() ([]int, error) {
		if next >= n {
			return nil, nil
		}
		b := make([]int, 0, size)
		for ; next < n && len(b) < size; next++ {
			b = append(b, next)
		}
		return b, nil
	}
}

// TestPipelineFoldsInInputOrder: every item is worked on once and folded
// in input order, whatever the workers.
func TestPipelineFoldsInInputOrder(t *testing.T) {
	for _, p := range pipelines {
		pipelineFoldsInInputOrder(t, p)
	}
}

// pipelines are Pipeline and the one-batch-at-a-time inOrder the
// WebAssembly builds use: both must give the same results.
var pipelines = []func(int, func() ([]int, error), func(*int), func([]int) error) error{Pipeline[int], inOrder[int]}

func pipelineFoldsInInputOrder(t *testing.T, Pipeline func(int, func() ([]int, error), func(*int), func([]int) error) error) {
	for _, w := range []int{1, 2, 7} {
		var got []int
		err := Pipeline(w, batches(1000, 33), func(p *int) { *p *= 2 }, func(b []int) error {
			got = append(got, b...)
			return nil
		})
		assert.NoError(t, err)
		require.Len(t, got, 1000)
		for i, v := range got {
			assert.Equal(t, 2*i, v, "item %d with %d workers", i, w)
		}
	}
	assert.NoError(t, Pipeline(2, batches(0, 5), func(*int) {}, func([]int) error { t.Fatal("folded nothing"); return nil }))
}

// TestPipelineErrors: a read error is returned after what was read before
// it is folded; a fold error stops the folding and is returned.
func TestPipelineErrors(t *testing.T) {
	for _, p := range pipelines {
		pipelineErrors(t, p)
	}
}

func pipelineErrors(t *testing.T, Pipeline func(int, func() ([]int, error), func(*int), func([]int) error) error) {
	bad := errors.New("bad line")
	read := batches(100, 10)
	calls := 0
	folded := 0
	err := Pipeline(2, func() ([]int, error) {
		if calls++; calls == 4 {
			return nil, bad
		}
		return read()
	}, func(*int) {}, func(b []int) error { folded += len(b); return nil })
	assert.Equal(t, bad, err)
	assert.Equal(t, 30, folded)

	full := errors.New("full")
	folds := 0
	err = Pipeline(2, batches(1000, 10), func(*int) {}, func([]int) error {
		if folds++; folds == 3 {
			return full
		}
		return nil
	})
	assert.Equal(t, full, err)
	assert.Equal(t, 3, folds, "no batch is folded after the error")
}
