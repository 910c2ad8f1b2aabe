package bulk

import (
	"sync/atomic"
	"testing"

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
