package bulk

// inOrder is Pipeline one batch at a time: read, work, fold. Its result is
// the same as Pipeline's.
func inOrder[T any](workers int, read func() ([]T, error), work func(*T), fold func([]T) error) error {
	for {
		items, err := read()
		if err != nil || items == nil {
			return err
		}
		Each(items, workers, work)
		if err := fold(items); err != nil {
			return err
		}
	}
}
