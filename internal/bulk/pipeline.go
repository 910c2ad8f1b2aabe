//go:build !wasm

package bulk

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
