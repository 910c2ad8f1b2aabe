// Package bulk is the worker pool the bulk commands share (sen2, clocks,
// lift-report): a batch of input lines is worked on by every core, then
// folded in input order, so the output does not depend on scheduling and
// memory is bounded by one batch.
package bulk

import (
	"runtime"
	"sync"
)

// Batch limits: a batch holds at most Lines lines or about Bytes bytes.
const (
	Lines = 256
	Bytes = 8 << 20
)

// Workers is the number of workers for n (0 or less: GOMAXPROCS).
func Workers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// Each runs fn on every element of items with up to workers goroutines and
// returns when all are done.
func Each[T any](items []T, workers int, fn func(*T)) {
	if workers <= 1 || len(items) < 2 {
		for i := range items {
			fn(&items[i])
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(workers, len(items)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(&items[i])
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
}
