package bulk

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
