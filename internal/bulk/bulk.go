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

// Pipeline reads batches with read (a nil batch and nil error at the end),
// works on every item of each batch with up to workers goroutines (as Each
// does), and hands each worked batch to fold in input order. Reading the
// next batch and folding the last overlap with the work, so the serial
// reading and folding do not leave the other cores idle; at most three
// batches are held at once. read runs on one goroutine and fold on the
// caller's, each call after the one before. The first error from read or
// fold is returned once the batches already read are worked on; after a
// fold error no more batches are read or folded.
func Pipeline[T any](workers int, read func() ([]T, error), work func(*T), fold func([]T) error) error {
	type job struct {
		items []T
		done  chan struct{}
	}
	jobs := make(chan job, 1)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(jobs)
		for {
			items, err := read()
			if err != nil || items == nil {
				readErr = err
				return
			}
			j := job{items: items, done: make(chan struct{})}
			go func() {
				Each(j.items, workers, work)
				close(j.done)
			}()
			select {
			case jobs <- j:
			case <-stop:
				<-j.done
				return
			}
		}
	}()
	var err error
	for j := range jobs {
		<-j.done
		if err != nil {
			continue
		}
		if err = fold(j.items); err != nil {
			close(stop)
		}
	}
	if err != nil {
		return err
	}
	return readErr // written before jobs was closed
}
