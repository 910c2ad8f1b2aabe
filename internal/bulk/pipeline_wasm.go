//go:build wasm

package bulk

// Pipeline is, in the WebAssembly builds, inOrder: those builds run Go on
// one thread, so overlapping reading, work and folding would gain nothing
// and the concurrent version's code would only add to the module's size.
func Pipeline[T any](workers int, read func() ([]T, error), work func(*T), fold func([]T) error) error {
	return inOrder(workers, read, work, fold)
}
