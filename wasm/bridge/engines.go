package bridge

import (
	"sync"

	"github.com/sendflow/sendflow/sdk"
)

// engineTable is a Bridge's handle table. An *sdk.Engine is immutable, so
// sharing one between calls is safe; the table itself is guarded by its
// mutex. Handles count up from 1 and are never reused.
type engineTable struct {
	sync.Mutex
	next int
	m    map[int]*sdk.Engine
}

// lookup is the engine under handle h.
func (t *engineTable) lookup(h int) (*sdk.Engine, *sdk.Error) {
	t.Lock()
	defer t.Unlock()
	e := t.m[h]
	if e == nil {
		return nil, invalid("/engine", "no engine with handle %d (compile one first; a freed handle is gone)", h)
	}
	return e, nil
}

// add keeps e under a new handle, which it returns.
func (t *engineTable) add(e *sdk.Engine) int {
	t.Lock()
	defer t.Unlock()
	t.next++
	t.m[t.next] = e
	return t.next
}

// remove drops handle h (the handle is never given again).
func (t *engineTable) remove(h int) {
	t.Lock()
	delete(t.m, h)
	t.Unlock()
}

// len is how many engines are alive.
func (t *engineTable) len() int {
	t.Lock()
	defer t.Unlock()
	return len(t.m)
}

// Engines reports how many engines b has alive (for tests and hosts that
// watch for leaks).
func (b *Bridge) Engines() int { return b.engines.len() }
